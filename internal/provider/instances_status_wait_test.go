package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// launching is the transitions of n instances launched together: each is listed as PENDING at
// once and ends in state, the i-th after delay(i). It returns them with their IDs.
func launching(prefix string, n int, state string, delay func(i int) time.Duration) ([]emulator.Transition, []string) {
	var transitions []emulator.Transition
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ins-%s%04d", prefix, i)
		transitions = append(transitions, emulator.Launch(testRegion, ids[i], state, delay(i))...)
	}
	return transitions, ids
}

// untilRunning waits for RUNNING, polling every second.
const untilRunning = `{ states = ["RUNNING"], poll_interval = "1s" }`

// waitData is the data source over ids with this wait_for; extra adds arguments.
func waitData(ids, waitFor string, extra ...string) string {
	config := `data "qcloud_cvm_instances_status" "test" {
  instance_ids = ` + ids + `
  wait_for     = ` + waitFor + "\n"
	for _, arg := range extra {
		config += "  " + arg + "\n"
	}
	return config + "}\n"
}

// allRunning is the instances with these IDs, in this order, each RUNNING.
func allRunning(ids []string) []emulator.Instance {
	instances := make([]emulator.Instance, len(ids))
	for i, id := range ids {
		instances[i] = emulator.Instance{ID: id, State: "RUNNING"}
	}
	return instances
}

// expectFleetRunning checks that the emulator's fleet has each of ids RUNNING, as the state of a
// finished wait says.
func expectFleetRunning(t *testing.T, emu *emulator.Emulator, ids []string) {
	t.Helper()
	states := map[string]string{}
	for _, inst := range emu.Fleet(testRegion) {
		states[inst.ID] = inst.State
	}
	for _, id := range ids {
		if states[id] != "RUNNING" {
			t.Fatalf("the emulator has %s in %q, not RUNNING", id, states[id])
		}
	}
}

// waitLog captures the provider's INFO log of the test: Terraform runs the provider in the test
// process, whose log goes to the file that TF_LOG_PATH_MASK names. The CLI's own log is off.
func waitLog(t *testing.T) (read func() string) {
	dir := t.TempDir()
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_ACC_LOG", "OFF")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(dir, "%s.log"))
	return func() string {
		entries, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		var all string
		for _, e := range entries {
			b, err := os.ReadFile(e)
			if err != nil {
				t.Fatal(err)
			}
			all += string(b)
		}
		return all
	}
}

var (
	readyLine   = regexp.MustCompile(`CVM instances ready: .*`)
	waitingLine = regexp.MustCompile(`Waiting for CVM instances: .*`)
)

// logField is the integer value of key=value in a log line.
func logField(t *testing.T, line, key string) int {
	t.Helper()
	m := regexp.MustCompile(`\b` + key + `=(\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("the log line has no %s: %s", key, line)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestAccCVMInstancesStatusDataSource_waitsForLaunchingInstances waits for 150 instances of
// which 20 are still launching. Each read of the data source costs 2 calls for its first poll
// over all 150, then 1 per poll over the pending 20; the polls are counted from the provider's
// INFO log, one line per poll.
func TestAccCVMInstancesStatusDataSource_waitsForLaunchingInstances(t *testing.T) {
	log := waitLog(t)
	transitions, launched := launching("new0", 20, "RUNNING", func(i int) time.Duration { return 2*time.Second + time.Duration(i)*100*time.Millisecond })
	emu, srv := startLaunching(t, emulator.Config{Fleets: map[string]int{testRegion: 130}, Seed: 21}, transitions)
	var ids []string
	for _, inst := range emu.Fleet(testRegion) {
		if err := emu.Put(testRegion, emulator.Instance{ID: inst.ID, State: "RUNNING"}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inst.ID)
	}
	for i, id := range launched {
		ids = slices.Insert(ids, i*6, id)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + waitData(hclList(ids), untilRunning),
			ConfigStateChecks: expectRead(allRunning(ids), nil),
		}},
	})
	expectFleetRunning(t, emu, ids)

	text := log()
	waiting, ready := waitingLine.FindAllString(text, -1), readyLine.FindAllString(text, -1)
	if len(ready) == 0 || len(waiting) == 0 {
		t.Fatalf("the log shows %d polls that waited and %d reads that finished:\n%s", len(waiting), len(ready), text)
	}
	if first := waiting[0]; logField(t, first, "pending") != 20 || logField(t, first, "done") != 130 || logField(t, first, "calls") != 2 {
		t.Fatalf("the first poll did not find 130 of 150 ready and 20 pending in 2 calls: %s", first)
	}
	// Terraform reads the data source on every plan of the step; only the first read waits.
	calls := 0
	for i, line := range ready {
		polls := logField(t, line, "poll")
		if got, want := logField(t, line, "calls"), 2+(polls-1); got != want {
			t.Fatalf("read %d made %d calls in %d polls, want 2 + 1 per later poll = %d: %s", i+1, got, polls, want, line)
		}
		if i == 0 && polls < 2 {
			t.Fatalf("the first read did not wait: %s", line)
		}
		calls += logField(t, line, "calls")
	}
	if got := emu.Calls("DescribeInstancesStatus"); got != calls {
		t.Fatalf("the emulator answered %d calls, the %d reads logged %d", got, len(ready), calls)
	}
	t.Logf("%d reads; the first: %s", len(ready), ready[0])
}

func TestAccCVMInstancesStatusDataSource_waitFailsAtOnceOnLaunchFailed(t *testing.T) {
	transitions, ids := launching("boot", 3, "RUNNING", func(int) time.Duration { return time.Second })
	failed, failedIDs := launching("fail", 1, "LAUNCH_FAILED", func(int) time.Duration { return 2 * time.Second })
	emu, srv := startLaunching(t, emulator.Config{}, append(transitions, failed...))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + waitData(hclList(append(ids, failedIDs...)), untilRunning, `timeouts = { read = "10m" }`),
			ExpectError: errorMatching("CVM instances did not reach RUNNING",
				"1 of 4 instances in ap-guangzhou will never be RUNNING: ins-fail0000 (LAUNCH_FAILED)",
				"An instance does not leave LAUNCH_FAILED, SHUTDOWN or TERMINATING on its own",
				"Replace an instance that failed to launch, or take the instances named from instance_ids"),
		}},
	})
	// A poll a second: a wait that ran to its timeout of 10 minutes would have made 600 calls.
	if calls := emu.Calls("DescribeInstancesStatus"); calls > 10 {
		t.Fatalf("the wait made %d calls: it went on after the launch failed", calls)
	}
}

func TestAccCVMInstancesStatusDataSource_waitTimesOut(t *testing.T) {
	transitions, ids := launching("slow", 1, "RUNNING", func(int) time.Duration { return time.Hour })
	_, srv := startLaunching(t, emulator.Config{Fleets: map[string]int{testRegion: 5}}, transitions)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + waitData(hclList(append(ids, "ins-unknown1")), untilRunning, `timeouts = { read = "3s" }`),
			ExpectError: errorMatching("CVM instances did not reach RUNNING", "The wait ran out of time after",
				"2 of 2 instances in ap-guangzhou are not RUNNING yet: ins-slow0000 (PENDING), ins-unknown1 (not listed yet)",
				"The wait ends when timeouts.read (3s) runs out", "an instance the API never listed may not exist: check its ID"),
		}},
	})
}

func TestAccCVMInstancesStatusDataSource_waitForIsValidatedAtPlan(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 3}})
	cases := map[string]struct {
		config  string
		message []string
	}{
		"without instance_ids": {
			config:  `data "qcloud_cvm_instances_status" "test" { wait_for = { states = ["RUNNING"] } }`,
			message: []string{`Attribute "instance_ids" must be specified when "wait_for" is specified`},
		},
		"no states": {
			config:  waitData(`["ins-aaaaaaaa"]`, `{ states = [] }`),
			message: []string{`Attribute wait_for.states set must contain at least 1 elements`},
		},
		"an unknown state": {
			config:  waitData(`["ins-aaaaaaaa"]`, `{ states = ["UP"] }`),
			message: []string{`value must be one of:`, `got: "UP"`},
		},
		"a poll interval below a second": {
			config:  waitData(`["ins-aaaaaaaa"]`, `{ states = ["RUNNING"], poll_interval = "500ms" }`),
			message: []string{`Attribute wait_for.poll_interval must be a duration such as "30s" or "2m", of at least 1s, not "500ms"`},
		},
		"a poll interval that is not a duration": {
			config:  waitData(`["ins-aaaaaaaa"]`, `{ states = ["RUNNING"], poll_interval = "often" }`),
			message: []string{`of at least 1s, not "often"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: providerBlock(srv) + tc.config, ExpectError: errorMatching(tc.message...)}},
			})
		})
	}
	if calls := emu.Calls("DescribeInstancesStatus"); calls != 0 {
		t.Fatalf("configurations rejected at plan made %d API calls", calls)
	}
}

// TestAccCVMInstancesStatusDataSource_waitForIDsKnownAfterApply: IDs that a resource makes known
// only at apply, as a resource that launches instances does, defer the read, and its wait, to the
// apply, before the resources that depend on it.
func TestAccCVMInstancesStatusDataSource_waitForIDsKnownAfterApply(t *testing.T) {
	transitions, ids := launching("late", 3, "RUNNING", func(i int) time.Duration { return 2*time.Second + time.Duration(i)*time.Second })
	emu, srv := startLaunching(t, emulator.Config{Fleets: map[string]int{testRegion: 10}}, transitions)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
resource "terraform_data" "launched" {
  input = ` + hclList(ids) + `
}

resource "terraform_data" "after_the_wait" {
  input = data.qcloud_cvm_instances_status.test.states
}
` + waitData("terraform_data.launched.output", untilRunning),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(dataSource, tfjsonpath.New("instances")),
				plancheck.ExpectUnknownValue("terraform_data.after_the_wait", tfjsonpath.New("input")),
			}},
			ConfigStateChecks: expectRead(allRunning(ids), nil),
		}},
	})
	expectFleetRunning(t, emu, ids)
}

func TestAccCVMInstancesStatusDataSource_stateCountsMatchTheFleet(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 400}, Seed: 8})
	fleet := emu.Fleet(testRegion)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:            providerBlock(srv) + listAll,
				ConfigStateChecks: expectRead(sortedByID(fleet), nil),
			},
			{
				Config:            providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" { instance_states = ["STOPPED", "PENDING"] }`,
				ConfigStateChecks: expectRead(sortedByID(inStates(fleet, "STOPPED", "PENDING")), nil),
			},
		},
	})
}

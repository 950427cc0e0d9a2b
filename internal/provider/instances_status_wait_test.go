package provider

import (
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

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

// TestAccCVMInstancesStatusDataSource_waitsForLaunchingInstances waits for 150 instances of
// which 20 are still launching. Each read of the data source polls all 150 in 2 calls first, then
// only the pending in 1 call per poll; the emulator's record of the IDs each call carried shows
// the polls. Its clock moves a second per call, so the launches end between the same polls
// however long the machine takes between two calls.
func TestAccCVMInstancesStatusDataSource_waitsForLaunchingInstances(t *testing.T) {
	transitions, launched := emulator.Launches(testRegion, "new0", 20, "RUNNING", func(i int) time.Duration { return 2*time.Second + time.Duration(i)*100*time.Millisecond })
	cfg, stepClock := clockStepping("DescribeInstancesStatus", time.Second, emulator.Config{Fleets: map[string]int{testRegion: 130}, Seed: 21})
	emu, srv := startLaunching(t, cfg, transitions, stepClock)
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

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + waitData(hclList(ids), untilRunning),
			ConfigStateChecks: expectRead(allRunning(ids), nil),
		}},
	})
	if err := expectFleetIn(emu, ids, "RUNNING")(nil); err != nil {
		t.Fatal(err)
	}

	// Terraform reads the data source on every plan of the step; only the first read waits.
	reads := readsOf(t, emu.Stats().IDsPerCall["DescribeInstancesStatus"], len(ids))
	first := reads[0]
	if len(first) < 2 || first[0] != len(launched) {
		t.Fatalf("the first read polled %v after its first poll of all %d; want the %d launching instances, then fewer", first, len(ids), len(launched))
	}
	for i := 1; i < len(first); i++ {
		if first[i] > first[i-1] {
			t.Fatalf("the first read polled %v: a poll read more instances than were pending after the one before", first)
		}
	}
	for i, read := range reads[1:] {
		if len(read) != 0 {
			t.Fatalf("read %d polled %v after its first poll, though every instance was RUNNING", i+2, read)
		}
	}
}

// readsOf splits the IDs each DescribeInstancesStatus call carried into the reads of a wait over
// total instances: each read starts with a poll of all of them, in batches of 100 and one of the
// rest, and goes on with a poll of the pending ones per call, fewer than that rest. It returns,
// for each read, the size of each poll after the first.
func readsOf(t *testing.T, calls []int, total int) [][]int {
	t.Helper()
	batch := func(n int) bool { return n == 100 || n == total%100 }
	var reads [][]int
	for len(calls) > 0 {
		carried := 0
		for len(calls) > 0 && carried < total && batch(calls[0]) {
			carried, calls = carried+calls[0], calls[1:]
		}
		if carried != total {
			t.Fatalf("a read began with a poll of %d IDs, not of all %d in batches of 100", carried, total)
		}
		var polls []int
		for len(calls) > 0 && !batch(calls[0]) {
			polls, calls = append(polls, calls[0]), calls[1:]
		}
		reads = append(reads, polls)
	}
	if len(reads) == 0 {
		t.Fatal("no read was made")
	}
	return reads
}

func TestAccCVMInstancesStatusDataSource_waitFailsAtOnceOnLaunchFailed(t *testing.T) {
	transitions, ids := emulator.Launches(testRegion, "boot", 3, "RUNNING", func(int) time.Duration { return time.Second })
	failed, failedIDs := emulator.Launches(testRegion, "fail", 1, "LAUNCH_FAILED", func(int) time.Duration { return 2 * time.Second })
	emu, srv := startLaunching(t, emulator.Config{}, append(transitions, failed...))
	resource.ParallelTest(t, resource.TestCase{
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
	transitions, ids := emulator.Launches(testRegion, "slow", 1, "RUNNING", func(int) time.Duration { return time.Hour })
	_, srv := startLaunching(t, emulator.Config{Fleets: map[string]int{testRegion: 5}}, transitions)
	resource.ParallelTest(t, resource.TestCase{
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
	t.Parallel()
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
	// After every case, which run in parallel.
	t.Cleanup(func() {
		if calls := emu.Calls("DescribeInstancesStatus"); calls != 0 {
			t.Errorf("configurations rejected at plan made %d API calls", calls)
		}
	})
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: providerBlock(srv) + tc.config, ExpectError: errorMatching(tc.message...)}},
			})
		})
	}
}

// TestAccCVMInstancesStatusDataSource_waitForIDsKnownAfterApply: IDs that a resource makes known
// only at apply, as a resource that launches instances does, defer the read, and its wait, to the
// apply, before the resources that depend on it.
func TestAccCVMInstancesStatusDataSource_waitForIDsKnownAfterApply(t *testing.T) {
	transitions, ids := emulator.Launches(testRegion, "late", 3, "RUNNING", func(i int) time.Duration { return 2*time.Second + time.Duration(i)*time.Second })
	emu, srv := startLaunching(t, emulator.Config{Fleets: map[string]int{testRegion: 10}}, transitions)
	resource.ParallelTest(t, resource.TestCase{
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
	if err := expectFleetIn(emu, ids, "RUNNING")(nil); err != nil {
		t.Fatal(err)
	}
}

func TestAccCVMInstancesStatusDataSource_stateCountsMatchTheFleet(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 400}, Seed: 8})
	fleet := emu.Fleet(testRegion)
	resource.ParallelTest(t, resource.TestCase{
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

package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const instanceStateAddress = "qcloud_cvm_instance_state.test"

// instanceStateConfig is a qcloud_cvm_instance_state named test with these arguments.
func instanceStateConfig(args ...string) string {
	return fmt.Sprintf(`
resource "qcloud_cvm_instance_state" "test" {
  %s
}
`, strings.Join(args, "\n  "))
}

// expectInstanceState checks the resource's state against the emulator's instance id.
func expectInstanceState(emu *emulator.Emulator, id string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(instanceStateAddress, tfjsonpath.New("id"), knownvalue.StringExact(id)),
		statecheck.ExpectKnownValue(instanceStateAddress, tfjsonpath.New("instance_id"), knownvalue.StringExact(id)),
		statecheck.ExpectKnownValue(instanceStateAddress, tfjsonpath.New("region"), knownvalue.StringExact(testRegion)),
		statecheck.ExpectKnownValue(instanceStateAddress, tfjsonpath.New("state"), emulatorState(emu, id)),
	}
}

// emulatorState checks a value against the state the emulator has for id when the check runs.
func emulatorState(emu *emulator.Emulator, id string) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		if want := statesOf(emu, id)[id]; v != want {
			return fmt.Errorf("state is %s, and the emulator has %s %v", v, id, want)
		}
		return nil
	})
}

// TestAccCVMInstanceStateResource_converge stops a running instance, then starts it again; each
// apply is followed by a plan that shows no change. A change of the provider's region afterwards
// changes nothing either: the resource keeps the region of its instance.
func TestAccCVMInstanceStateResource_converge(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	id := putInstances(t, emu, "keepr", 1, "RUNNING")[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:            providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "STOPPED"`, fastPolls),
				ConfigStateChecks: expectInstanceState(emu, id),
				Check: resource.ComposeTestCheckFunc(
					expectFleetIn(emu, []string{id}, "STOPPED"),
					expectOperations(emu, "StopInstances", 1, 1),
					func(*terraform.State) error {
						if op, _ := emu.Latest(testRegion, id); op.StopType != "SOFT_FIRST" {
							return fmt.Errorf("the stop asked for the StopType %q, want the default SOFT_FIRST", op.StopType)
						}
						return nil
					},
				),
			},
			{
				Config: providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "RUNNING"`, fastPolls),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceStateAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: expectInstanceState(emu, id),
				Check: resource.ComposeTestCheckFunc(
					expectFleetIn(emu, []string{id}, "RUNNING"),
					expectOperations(emu, "StartInstances", 1, 1),
				),
			},
			{
				Config: providerBlockWithoutKeys(srv, append(acctest.Keys(testSecretID, testSecretKey), acctest.Arg("region", "ap-shanghai"))...) +
					instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "RUNNING"`, fastPolls),
				PlanOnly: true,
			},
		},
	})
}

// TestAccCVMInstanceStateResource_drift: an instance stopped outside Terraform shows as STOPPED
// after a refresh, and the next apply starts it again. One caught STOPPING is waited for, then
// started.
func TestAccCVMInstanceStateResource_drift(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	id := putInstances(t, emu, "drift", 1, "RUNNING")[0]
	config := providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "RUNNING"`, fastPolls)
	outOfBand := func(state string) func() {
		return func() {
			if err := emu.Put(testRegion, emulator.Instance{ID: id, State: state}); err != nil {
				t.Fatal(err)
			}
		}
	}
	restored := resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(instanceStateAddress, plancheck.ResourceActionUpdate),
		}},
		ConfigStateChecks: expectInstanceState(emu, id),
		Check:             expectFleetIn(emu, []string{id}, "RUNNING"),
	}
	stopping := restored
	stopping.PreConfig = func() {
		outOfBand("STOPPING")()
		if err := emu.Schedule(emulator.Transition{Region: testRegion, Instance: emulator.Instance{ID: id, State: "STOPPED"}, After: 2 * time.Second}); err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: expectInstanceState(emu, id)},
			{
				PreConfig:          outOfBand("STOPPED"),
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr(instanceStateAddress, "state", "STOPPED"),
			},
			restored,
			stopping,
		},
	})
	if got := emu.Calls("StartInstances"); got != 2 {
		t.Fatalf("%d StartInstances calls, want 2: one for each drift", got)
	}
}

// TestAccCVMInstanceStateResource_createTimeout: an instance that takes an hour to stop fails the
// create at its timeout of 3 s, not after, naming the instance and its operation.
func TestAccCVMInstanceStateResource_createTimeout(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: emulator.Operations{Duration: time.Hour}})
	id := putInstances(t, emu, "slows", 1, "RUNNING")[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "STOPPED"`,
				`timeouts = { create = "3s" }`, fastPolls),
			// The operation ends at its deadline, at most one poll interval early: after 2 s or
			// more (however long a slow machine takes past that; an hour would be the operation's).
			ExpectError: regexp.MustCompile(errorMatching("Unable to stop CVM instance "+id).String() +
				`[\s\S]*The stop ran out of time after ([2-9]|\d{2,})(\.\d)?s and \d+ polls:[\s\S]*` +
				errorMatching("1 of 1 instance in ap-guangzhou is not STOPPED yet: "+id+" (STOPPING; its StopInstances is OPERATING",
					"The apply ends when its timeout (3s) runs out. Raise timeouts.create").String()),
		}},
	})
}

// TestAccCVMInstanceStateResource_refused: an instance that cannot be started fails the apply
// before any call, and stopping a prepaid instance with STOP_CHARGING says what to do instead.
func TestAccCVMInstanceStateResource_refused(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations, Prepaid: []string{"ins-prepd000"}})
	failed := putInstances(t, emu, "faild", 1, "LAUNCH_FAILED")[0]
	prepaid := putInstances(t, emu, "prepd", 1, "RUNNING")[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", failed), `state = "RUNNING"`),
				ExpectError: errorMatching("Unable to start CVM instance "+failed, "(LAUNCH_FAILED)",
					"Replace the instances named, or remove this qcloud_cvm_instance_state from the configuration."),
			},
			{
				Config: providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", prepaid), `state = "STOPPED"`,
					`stopped_mode = "STOP_CHARGING"`),
				ExpectError: errorMatching("Unable to stop CVM instance "+prepaid, "UnsupportedOperation.StoppedModeStopCharging",
					`Set stopped_mode = "KEEP_CHARGING" (or leave it out)`),
			},
			{
				Config:      providerBlock(srv) + instanceStateConfig(`instance_id = "ins-nothere0"`, `state = "STOPPED"`),
				ExpectError: errorMatching("Unable to stop CVM instance ins-nothere0", "does not exist in ap-guangzhou: ins-nothere0"),
			},
		},
	})
	if got := statesOf(emu, failed, prepaid); got[failed] != "LAUNCH_FAILED" || got[prepaid] != "RUNNING" {
		t.Fatalf("the instances changed: %v", got)
	}
	if got := emu.Calls("StartInstances"); got != 0 {
		t.Fatalf("%d StartInstances calls, want none: the instance that failed to launch is refused before any", got)
	}
}

// TestAccCVMInstanceStateResource_validation: arguments are checked at plan time, before any call.
func TestAccCVMInstanceStateResource_validation(t *testing.T) {
	t.Parallel()
	emu, srv := startEmulator(t, emulator.Config{})
	// After every case, which run in parallel.
	t.Cleanup(func() {
		if got := emu.Stats().Requests; got != 0 {
			t.Errorf("%d requests reached the emulator", got)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want *regexp.Regexp
	}{
		{"a bad ID", []string{`instance_id = "i-123"`, `state = "RUNNING"`}, errorMatching("instance_id", "must be a CVM instance ID")},
		{"a state to keep that is not one", []string{`instance_id = "ins-aaaaaaaa"`, `state = "STOPPING"`}, errorMatching("state", `value must be one of: ["RUNNING" "STOPPED"]`)},
		{"a bad stop_type", []string{`instance_id = "ins-aaaaaaaa"`, `state = "STOPPED"`, `stop_type = "GENTLE"`}, errorMatching("stop_type", "value must be one of")},
		{"a bad stopped_mode", []string{`instance_id = "ins-aaaaaaaa"`, `state = "STOPPED"`, `stopped_mode = "FREE"`}, errorMatching("stopped_mode", "value must be one of")},
		{"a bad poll_interval", []string{`instance_id = "ins-aaaaaaaa"`, `state = "STOPPED"`, `poll_interval = "500ms"`}, errorMatching("poll_interval", "of at least 1s")},
		{"a bad timeout", []string{`instance_id = "ins-aaaaaaaa"`, `state = "STOPPED"`, `timeouts = { create = "soon" }`}, errorMatching("Invalid Attribute Value Time Duration", `"soon" must be a string containing a sequence of decimal numbers`)},
		{"an empty region", []string{`instance_id = "ins-aaaaaaaa"`, `state = "STOPPED"`, `region = ""`}, errorMatching("region", "string length must be at least 1")},
		{"no state", []string{`instance_id = "ins-aaaaaaaa"`}, errorMatching(`The argument "state" is required`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      providerBlock(srv) + instanceStateConfig(tc.args...),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// TestAccCVMInstanceStateResource_import imports an instance by its ID and by region/ID, and by an
// import block with its identity; a malformed ID and an instance that does not exist are refused.
func TestAccCVMInstanceStateResource_import(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	id := putInstances(t, emu, "imprt", 1, "STOPPED")[0]
	config := providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "STOPPED"`)
	importStep := func(importID string) resource.TestStep {
		return resource.TestStep{Config: config, ResourceName: instanceStateAddress, ImportState: true, ImportStateId: importID, ImportStateVerify: true}
	}
	refused := func(importID string, want *regexp.Regexp) resource.TestStep {
		step := importStep(importID)
		step.ImportStateVerify, step.ExpectError = false, want
		return step
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: expectInstanceState(emu, id)},
			importStep(id),
			importStep(testRegion + "/" + id),
			refused("i-123", errorMatching("Invalid instance ID to import", `"i-123" is not a CVM instance ID`)),
			refused("ap-guangzhou/ins-x/1", errorMatching("Invalid import ID", "ap-shanghai/ins-r8hr2upy", `"ap-guangzhou/ins-x/1" is neither`)),
			refused("ins-nothere0", errorMatching("Cannot import non-existent remote object")),
		},
	})
	noOperations(t, emu)
}

// TestAccCVMInstanceStateResource_importByIdentity imports with an import block that gives the
// identity: the whole identity a resource stores, and only the instance, whose region is then the
// provider's.
func TestAccCVMInstanceStateResource_importByIdentity(t *testing.T) {
	t.Parallel()
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	ids := putInstances(t, emu, "ident", 2, "RUNNING")
	config := providerBlock(srv) + instanceStateConfig(fmt.Sprintf("instance_id = %q", ids[0]), `state = "RUNNING"`)
	t.Run("whole identity", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			TerraformVersionChecks:   withIdentity,
			Steps: []resource.TestStep{
				{
					Config:            config,
					ConfigStateChecks: append(expectInstanceState(emu, ids[0]), statecheck.ExpectIdentity(instanceStateAddress, expectIdentity(ids[0]))),
				},
				{
					Config:          config,
					ResourceName:    instanceStateAddress,
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithResourceIdentity,
				},
			},
		})
		noOperations(t, emu)
	})
	t.Run("instance only", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			TerraformVersionChecks:   withIdentity,
			Steps: []resource.TestStep{{
				Config: providerBlock(srv) + fmt.Sprintf(`
import {
  to       = qcloud_cvm_instance_state.test
  identity = { instance_id = %q }
}
`, ids[1]) + instanceStateConfig(fmt.Sprintf("instance_id = %q", ids[1]), `state = "RUNNING"`),
				// An import plans no change; a create would be planned as one.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceStateAddress, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: append(expectInstanceState(emu, ids[1]), statecheck.ExpectIdentity(instanceStateAddress, expectIdentity(ids[1]))),
			}},
		})
		noOperations(t, emu)
	})
}

// expectIdentity is the identity of the resource for id in the test region.
func expectIdentity(id string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"instance_id": knownvalue.StringExact(id), "region": knownvalue.StringExact(testRegion)}
}

// TestAccCVMInstanceStateResource_vanished: an instance terminated outside Terraform leaves the
// state at the next refresh, with a warning that says what to do.
func TestAccCVMInstanceStateResource_vanished(t *testing.T) {
	t.Parallel()
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	id := putInstances(t, emu, "vanis", 1, "RUNNING")[0]
	w := workspaceFor(t, srv, instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "RUNNING"`))
	mustRun(t, w, "apply", "-auto-approve", "-no-color")
	if err := emu.Schedule(emulator.Transition{Region: testRegion, Instance: emulator.Instance{ID: id}, Terminated: true}); err != nil {
		t.Fatal(err)
	}
	plan := mustRun(t, w, "plan", "-no-color")
	expectOutput(t, plan,
		"Warning: CVM instance "+id+" no longer exists",
		"The API does not list "+id+" in ap-guangzhou any more: it was terminated, or it is in another region. It was removed from the state",
		"Remove this qcloud_cvm_instance_state from the configuration",
		"Plan: 1 to add, 0 to change, 0 to destroy.")
}

// TestAccCVMInstanceStateResource_destroyLeavesInstance: destroying the resource makes no call
// that changes the instance, and says so in a warning.
func TestAccCVMInstanceStateResource_destroyLeavesInstance(t *testing.T) {
	t.Parallel()
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	id := putInstances(t, emu, "leave", 1, "RUNNING")[0]
	w := workspaceFor(t, srv, instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "STOPPED"`, fastPolls))
	mustRun(t, w, "apply", "-auto-approve", "-no-color")
	destroy := mustRun(t, w, "destroy", "-auto-approve", "-no-color")
	expectOutput(t, destroy,
		"Warning: CVM instance "+id+" left as it is",
		"Destroying a qcloud_cvm_instance_state never starts, stops or terminates its instance",
		"Destroy complete! Resources: 1 destroyed.")
	if state := statesOf(emu, id)[id]; state != "STOPPED" {
		t.Fatalf("%s is %v after the destroy, want it left STOPPED", id, state)
	}
	if got := emu.Calls("StopInstances") + emu.Calls("StartInstances"); got != 1 {
		t.Fatalf("%d operation calls, want the 1 stop of the apply", got)
	}
}

// TestAccCVMInstanceStateResource_fleet: 200 resources of one for_each each stop their instance
// in one apply at -parallelism=100. The resources' reads, stops and polls join: each instance is
// stopped once, in calls that carry many, and the shared pace keeps every action within its
// limit, so the emulator throttles no call; the plan that follows refreshes the 200 in a few
// reads and shows no change. Calls join only while they wait for their turn, so the provider's
// pace is 4 per second: the resources that come during a turn's 250 ms join, however fast the
// machine hands them over. terraform-plugin-testing cannot read the state of a for_each, so the
// test drives the CLI.
func TestAccCVMInstanceStateResource_fleet(t *testing.T) {
	t.Parallel()
	emu, srv := startEmulator(t, emulator.Config{Operations: emulator.Operations{Duration: 300 * time.Millisecond, Jitter: 200 * time.Millisecond, Seed: 3}})
	ids := putInstances(t, emu, "fleet", 200, "RUNNING")
	w := terraformIn(t, t.TempDir())
	writeFile(t, filepath.Join(w.Dir, "main.tf"), acctest.RequiredProviders+providerBlock(srv, acctest.Arg("rate_limit", 4))+fmt.Sprintf(`
resource "qcloud_cvm_instance_state" "fleet" {
  for_each      = toset(%s)
  instance_id   = each.value
  state         = "STOPPED"
  poll_interval = "1s"
}
`, hclList(ids)))
	expectOutput(t, mustRun(t, w, "apply", "-auto-approve", "-no-color", "-parallelism=100"), "Apply complete! Resources: 200 added, 0 changed, 0 destroyed.")
	if err := expectFleetIn(emu, ids, "STOPPED")(nil); err != nil {
		t.Fatal(err)
	}
	stops := emu.Stats().IDsPerCall["StopInstances"]
	if carried := sum(stops); carried != 200 || len(stops) > 50 || emu.Stats().Operated["StopInstances"] != 200 {
		t.Fatalf("%d StopInstances calls carried %v instances, want the 200 instances once each in at most 50 calls", len(stops), stops)
	}
	if s := emu.Stats(); s.Throttled != 0 {
		t.Fatalf("the emulator throttled %d calls", s.Throttled)
	}
	// -detailed-exitcode fails a plan with changes.
	before := emu.Calls("DescribeInstancesStatus")
	mustRun(t, w, "plan", "-detailed-exitcode", "-no-color", "-parallelism=100")
	if reads := emu.Calls("DescribeInstancesStatus") - before; reads > 50 {
		t.Fatalf("the plan refreshed 200 resources with %d reads, want at most 50", reads)
	}
}

func sum(numbers []int) int {
	total := 0
	for _, n := range numbers {
		total += n
	}
	return total
}

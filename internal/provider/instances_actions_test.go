package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestAccCVMInstancesActions_stopStartReboot stops 250 running and 30 stopped instances in 3
// StopInstances calls carrying the 250, starts all 280 again in 3 StartInstances calls, and
// reboots 50 of them in 1 call, each through REBOOTING and back to RUNNING.
func TestAccCVMInstancesActions_stopStartReboot(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	running := putInstances(t, emu, "runng", 250, "RUNNING")
	all := append(slices.Clone(running), putInstances(t, emu, "stopd", 30, "STOPPED")...)
	rebooted := all[100:150]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withActions,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + actionConfig("qcloud_cvm_stop_instances", "stop", "instance_ids = "+hclList(all), fastPolls),
				Check: resource.ComposeTestCheckFunc(
					expectFleetIn(emu, all, "STOPPED"),
					expectOperations(emu, "StopInstances", 3, 250),
					func(*terraform.State) error {
						if op, _ := emu.Latest(testRegion, running[0]); op.StopType != "SOFT_FIRST" {
							return fmt.Errorf("the stop of %s asked for the StopType %q, want the default SOFT_FIRST", running[0], op.StopType)
						}
						return nil
					},
				),
			},
			{
				Config: providerBlock(srv) + actionConfig("qcloud_cvm_start_instances", "start", "instance_ids = "+hclList(all), fastPolls),
				Check: resource.ComposeTestCheckFunc(
					expectFleetIn(emu, all, "RUNNING"),
					expectOperations(emu, "StartInstances", 3, 280),
				),
			},
			{
				Config: providerBlock(srv) + actionConfig("qcloud_cvm_reboot_instances", "reboot", "instance_ids = "+hclList(rebooted), fastPolls),
				Check: resource.ComposeTestCheckFunc(
					expectFleetIn(emu, all, "RUNNING"),
					expectOperations(emu, "RebootInstances", 1, 50),
					func(*terraform.State) error {
						for _, id := range rebooted {
							if op, _ := emu.Latest(testRegion, id); op.Action != "RebootInstances" || op.State != "SUCCESS" || op.StopType != "SOFT_FIRST" {
								return fmt.Errorf("the latest operation of %s is %s %s with the StopType %q, want a RebootInstances that succeeded with the default SOFT_FIRST",
									id, op.Action, op.State, op.StopType)
							}
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccCVMInstancesActions_refusedBeforeAnyCall: an unknown ID, and a reboot of a stopped
// instance, fail the action before any operation call, naming the instance.
func TestAccCVMInstancesActions_refusedBeforeAnyCall(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	running := putInstances(t, emu, "runng", 120, "RUNNING")
	stopped := putInstances(t, emu, "stopd", 1, "STOPPED")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withActions,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + actionConfig("qcloud_cvm_stop_instances", "stop",
					"instance_ids = "+hclList(append(slices.Clone(running), "ins-nothere0"))),
				ExpectError: errorMatching("Unable to stop CVM instances",
					"Cannot stop the instances: 1 of 121 does not exist in ap-guangzhou: ins-nothere0. Nothing was changed.",
					"Check the IDs and the region (ap-guangzhou), or take them out of instance_ids."),
			},
			{
				Config: providerBlock(srv) + actionConfig("qcloud_cvm_reboot_instances", "reboot",
					"instance_ids = "+hclList(append(slices.Clone(running), stopped...))),
				ExpectError: errorMatching("Unable to reboot CVM instances",
					"Cannot reboot 1 of 121 instances in ap-guangzhou: ins-stopd000 (STOPPED); only RUNNING instances can be rebooted. Nothing was changed.",
					"Start the instances that are not RUNNING first"),
			},
		},
	})
	noOperations(t, emu)
}

// TestAccCVMInstancesActions_otherClients: instances held by another client's task (both busy
// codes), one another client stops between the read and the call, and one another client is
// already stopping are absorbed: the action succeeds and every instance is STOPPED.
func TestAccCVMInstancesActions_otherClients(t *testing.T) {
	emu := newEmulator(emulator.Config{Operations: quickOperations})
	ids := putInstances(t, emu, "other", 20, "RUNNING")
	var once sync.Once
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == "StopInstances" {
			once.Do(func() {
				for i, code := range []string{"OperationDenied.InstanceOperationInProgress", "MutexOperation.TaskRunning"} {
					if err := emu.Hold(testRegion, ids[i], code, 1500*time.Millisecond); err != nil {
						t.Error(err)
					}
				}
				for _, err := range []error{
					emu.Put(testRegion, emulator.Instance{ID: ids[5], State: "STOPPED"}),
					emu.Put(testRegion, emulator.Instance{ID: ids[19], State: "STOPPING"}),
					emu.Schedule(emulator.Transition{Region: testRegion, Instance: emulator.Instance{ID: ids[19], State: "STOPPED"}, After: time.Second}),
				} {
					if err != nil {
						t.Error(err)
					}
				}
			})
		}
		emu.ServeHTTP(w, r)
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withActions,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + actionConfig("qcloud_cvm_stop_instances", "stop", "instance_ids = "+hclList(ids), fastPolls),
			Check: resource.ComposeTestCheckFunc(
				expectFleetIn(emu, ids, "STOPPED"),
				func(*terraform.State) error {
					// The first call was refused as a whole; the second carried the 17 still RUNNING
					// and not held, the last the two held ones once their holds had ended.
					if got := emu.Calls("StopInstances"); got < 3 {
						return fmt.Errorf("%d StopInstances calls, want the refused batch sent again", got)
					}
					if got := emu.Stats().Operated["StopInstances"]; got != 18 {
						return fmt.Errorf("StopInstances stopped %d instances, want 18: not the two other clients stopped", got)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccCVMInstancesActions_stopChargingRefused: STOP_CHARGING on prepaid instances fails,
// naming them and suggesting KEEP_CHARGING; nothing is stopped.
func TestAccCVMInstancesActions_stopChargingRefused(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations, Prepaid: []string{"ins-prepd001"}})
	ids := putInstances(t, emu, "prepd", 3, "RUNNING")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withActions,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + actionConfig("qcloud_cvm_stop_instances", "stop",
				"instance_ids = "+hclList(ids), `stopped_mode = "STOP_CHARGING"`),
			ExpectError: errorMatching("Unable to stop CVM instances",
				"Failed to stop 3 of 3 instances in ap-guangzhou: ins-prepd000, ins-prepd001, ins-prepd002 (RUNNING): UnsupportedOperation.StoppedModeStopCharging:",
				"ins-prepd001 are prepaid", `Set stopped_mode = "KEEP_CHARGING"`),
		}},
	})
	if err := expectFleetIn(emu, ids, "RUNNING")(nil); err != nil {
		t.Fatalf("after a refused stop: %v", err)
	}
}

// TestAccCVMInstancesActions_timeout: operations slower than the action's timeout end it at the
// timeout, naming every instance not there yet with its state and its operation.
func TestAccCVMInstancesActions_timeout(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Operations: emulator.Operations{Duration: time.Hour}})
	ids := putInstances(t, emu, "slows", 25, "RUNNING")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withActions,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + actionConfig("qcloud_cvm_stop_instances", "stop",
				"instance_ids = "+hclList(ids), `timeout = "3s"`, fastPolls),
			ExpectError: errorMatching("Unable to stop CVM instances", "The stop ran out of time after",
				"25 of 25 instances in ap-guangzhou are not STOPPED yet: ins-slows000 (STOPPING; its StopInstances is OPERATING (RequestId",
				"and 5 more", "Raise timeout if the instances are only slow"),
		}},
	})
}

// TestAccCVMInstancesActions_validation: arguments are checked at plan time, before any call.
func TestAccCVMInstancesActions_validation(t *testing.T) {
	t.Parallel()
	emu, srv := startEmulator(t, emulator.Config{})
	// After every case, which run in parallel.
	t.Cleanup(func() { noOperations(t, emu) })
	for _, tc := range []struct {
		name, action, args string
		want               *regexp.Regexp
	}{
		{"no IDs", "qcloud_cvm_start_instances", `instance_ids = []`, errorMatching("instance_ids", "list must contain at least 1 elements")},
		{"a bad ID", "qcloud_cvm_start_instances", `instance_ids = ["i-123"]`, errorMatching("instance_ids[0]", "must be a CVM instance ID")},
		{"a bad stop_type", "qcloud_cvm_stop_instances", `instance_ids = ["ins-aaaaaaaa"]` + "\n" + `stop_type = "GENTLE"`, errorMatching("stop_type", `value must be one of: ["SOFT" "HARD" "SOFT_FIRST"]`)},
		{"a bad stopped_mode", "qcloud_cvm_stop_instances", `instance_ids = ["ins-aaaaaaaa"]` + "\n" + `stopped_mode = "FREE"`, errorMatching("stopped_mode", "value must be one of")},
		{"a bad timeout", "qcloud_cvm_reboot_instances", `instance_ids = ["ins-aaaaaaaa"]` + "\n" + `timeout = "soon"`, errorMatching("timeout", "duration")},
		{"stopped_mode on start", "qcloud_cvm_start_instances", `instance_ids = ["ins-aaaaaaaa"]` + "\n" + `stopped_mode = "KEEP_CHARGING"`, errorMatching(`"stopped_mode" is not expected here`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				TerraformVersionChecks:   withActions,
				Steps: []resource.TestStep{{
					Config:      providerBlock(srv) + actionConfig(tc.action, "test", tc.args),
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// TestAccCVMInstancesActions_invokeShowsProgress invokes the stop action with
// `terraform apply -invoke`, as a nightly job would: Terraform prints the action's progress
// while it waits, and, with a seeded 20% of stops failing, an error that names every instance
// whose stop failed with the API's message; every other instance is STOPPED.
func TestAccCVMInstancesActions_invokeShowsProgress(t *testing.T) {
	t.Parallel()
	skipWithout(t, testCLI(t), actions)
	// The clock moves a second per DescribeInstancesStatus call, and a stop takes 2 to 3 s: the
	// read and the first poll (two calls each) see every instance still STOPPING.
	cfg, stepClock := clockStepping("DescribeInstancesStatus", time.Second, emulator.Config{Operations: emulator.Operations{
		Duration: 2 * time.Second, Jitter: time.Second, FailureRate: 0.2, Seed: 5}})
	emu, srv := startEmulator(t, cfg, stepClock)
	ids := putInstances(t, emu, "night", 120, "RUNNING")
	w := workspaceFor(t, srv, fmt.Sprintf(`
action "qcloud_cvm_stop_instances" "nightly" {
  config {
    instance_ids  = %s
    poll_interval = "1s"
  }
}
`, hclList(ids)))
	output, err := w.Run("apply", "-invoke=action.qcloud_cvm_stop_instances.nightly", "-auto-approve", "-no-color")
	if err == nil {
		t.Fatalf("the invoke succeeded though stops failed:\n%s", output)
	}
	var failed []string
	for _, id := range ids {
		op, _ := emu.Latest(testRegion, id)
		if op.State == "FAILED" {
			failed = append(failed, id)
			continue
		}
		if state := statesOf(emu, id)[id]; state != "STOPPED" {
			t.Fatalf("%s stopped successfully but is %s", id, state)
		}
	}
	expectOutput(t, output,
		"read 120 instances; to stop: 120 RUNNING",
		"sent StopInstances for 120 instances (2 calls so far)",
		"(120 STOPPING)",
		fmt.Sprintf("Failed to stop %d of 120 instances in ap-guangzhou:", len(failed)),
		"(RUNNING): The instance could not be stopped: its operating system did not shut down in time. (RequestId",
		fmt.Sprintf("The other %d instances are STOPPED.", 120-len(failed)))
	flat := flatten(output)
	if !regexp.MustCompile(`stopped \d+ of 120 instances \(\d+ STOPPING`).MatchString(flat) && !regexp.MustCompile(`stopped \d+ of 120 instances \(\d+ failed\)`).MatchString(flat) {
		t.Errorf("the output has no progress while waiting:\n%s", output)
	}
	if len(failed) == 0 {
		t.Fatal("no stop failed; the test needs a seed with failures")
	}
	for _, id := range failed {
		if !strings.Contains(flat, id) {
			t.Errorf("the output does not name %s, whose stop failed", id)
		}
	}
	if got := emu.Calls("StopInstances"); got != 2 {
		t.Errorf("%d StopInstances calls, want 2", got)
	}
	if _, err := os.Stat(filepath.Join(w.Dir, "terraform.tfstate")); err == nil && strings.Contains(readFile(t, filepath.Join(w.Dir, "terraform.tfstate")), "qcloud") {
		t.Errorf("the invoke wrote the action into the state")
	}
}

// TestAccCVMInstancesActions_callRefused: a call the API refuses for good (here the keys may not
// call StopInstances) fails the action with the API's code, message and RequestId, and says what to
// do.
func TestAccCVMInstancesActions_callRefused(t *testing.T) {
	emu := newEmulator(emulator.Config{Operations: quickOperations})
	ids := putInstances(t, emu, "perms", 2, "RUNNING")
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == "StopInstances" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"Response":{"Error":{"Code":"UnauthorizedOperation","Message":"You are not authorized to perform cvm:StopInstances."},"RequestId":"a6d3b3c5-7f6e-4bb7-9d57-4f0d2b5a7c11"}}`)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withActions,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + actionConfig("qcloud_cvm_stop_instances", "stop", "instance_ids = "+hclList(ids)),
			ExpectError: errorMatching("Unable to stop CVM instances",
				"StopInstances in ap-guangzhou failed on the batch 1 of 1 (2 IDs, ins-perms000 to ins-perms001) after 1 attempt:",
				"UnauthorizedOperation: You are not authorized to perform cvm:StopInstances. (RequestId a6d3b3c5-7f6e-4bb7-9d57-4f0d2b5a7c11)",
				"The keys are valid but may not call cvm:StopInstances. Grant it to their CAM user or role."),
		}},
	})
	if err := expectFleetIn(emu, ids, "RUNNING")(nil); err != nil {
		t.Fatal(err)
	}
}

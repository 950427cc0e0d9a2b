package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// startDetailedFleet serves a fleet of n whose instances have every kind of attribute: prepaid
// ones (with an end of term), IPv6 addresses, a state the SDK does not list yet, and stopped
// instances whose last operation succeeded or failed (with the API's message).
func startDetailedFleet(t *testing.T, n int) (*emulator.Emulator, string) {
	t.Helper()
	cfg := emulator.Config{Fleets: map[string]int{testRegion: n}, Seed: 71,
		Operations: emulator.Operations{Duration: 200 * time.Millisecond, FailureRate: 0.5, Seed: 3}}
	fleet := newEmulator(cfg).Fleet(testRegion)
	cfg.Prepaid = []string{fleet[2].ID, fleet[n-1].ID}
	emu, srv := startEmulator(t, cfg)
	for _, change := range []emulator.Instance{
		{ID: fleet[4].ID, State: fleet[4].State, IPv6s: []string{"2402:4e00:1:2::5", "2402:4e00:1:2::6"}},
		{ID: fleet[6].ID, State: "ISOLATING"}, // a state the API may add
	} {
		if err := emu.Put(testRegion, change); err != nil {
			t.Fatal(err)
		}
	}
	var running []string
	for _, inst := range fleet[10:40] {
		if inst.State == "RUNNING" {
			running = append(running, inst.ID)
		}
	}
	c, err := cvm.NewClient(cvm.Config{Credentials: auth.Static(testSecretID, testSecretKey, ""), Endpoint: endpointOf(srv), Scheme: "http"})
	if err != nil {
		t.Fatal(err)
	}
	// Some stops fail, which the operation reports; the record of each is what the test needs.
	_, _ = c.Operate(context.Background(), cvm.Operation{Op: cvm.Stop, Region: testRegion, IDs: running, PollInterval: 100 * time.Millisecond})
	outcomes := map[string]bool{}
	for _, id := range running {
		latest, _ := emu.Latest(testRegion, id)
		outcomes[latest.State] = true
	}
	if !outcomes["SUCCESS"] || !outcomes["FAILED"] {
		t.Fatalf("the stops ended %v, want some SUCCESS and some FAILED", outcomes)
	}
	return emu, providerBlock(srv)
}

// expectCalls checks that the reads made since it was called made perRead calls of action each,
// and none of the other Describe action. How often a data source is read in a step is the CLI's
// to decide.
func expectCalls(emu *emulator.Emulator, action string, perRead int) resource.TestCheckFunc {
	other := map[string]string{"DescribeInstances": "DescribeInstancesStatus", "DescribeInstancesStatus": "DescribeInstances"}[action]
	start, startOther := emu.Calls(action), emu.Calls(other)
	return func(*terraform.State) error {
		got, gotOther := emu.Calls(action)-start, emu.Calls(other)-startOther
		if got == 0 || got%perRead != 0 || gotOther != 0 {
			return fmt.Errorf("%d %s and %d %s calls, want a multiple of %d %s calls and none of %s", got, action, gotOther, other, perRead, action, other)
		}
		return nil
	}
}

// TestAccCVMInstancesStatusDataSource_details: every attribute of every instance, as the
// emulator's fleet has it, on each path through DescribeInstances: by tags, by IDs with details,
// the region with details (all of it, or the running instances) and a wait with details, each at
// the calls of the read without them. Each path has a fleet of its own, so that its calls are its
// own.
func TestAccCVMInstancesStatusDataSource_details(t *testing.T) {
	for name, path := range map[string]func(fleet []emulator.Instance) (args []string, want []emulator.Instance, missing []string){
		"tags": func(fleet []emulator.Instance) ([]string, []emulator.Instance, []string) {
			return []string{`tags = { team = "data" }`}, selectedFrom(fleet, func(i emulator.Instance) bool { return i.Tags["team"] == "data" }), nil
		},
		"IDs": func(fleet []emulator.Instance) ([]string, []emulator.Instance, []string) {
			reversed := slices.Clone(fleet)
			slices.Reverse(reversed)
			return []string{"instance_ids = " + hclList(append(idsOf(reversed), "ins-gone0000")), "details = true"}, reversed, []string{"ins-gone0000"}
		},
		"region": func(fleet []emulator.Instance) ([]string, []emulator.Instance, []string) {
			return []string{"details = true"}, sortedByID(fleet), nil
		},
		"region, running": func(fleet []emulator.Instance) ([]string, []emulator.Instance, []string) {
			return []string{"details = true", `instance_states = ["RUNNING"]`}, sortedByID(inStates(fleet, "RUNNING")), nil
		},
		"wait": func(fleet []emulator.Instance) ([]string, []emulator.Instance, []string) {
			// Every instance but the one in a state wait_for does not take.
			settled := slices.DeleteFunc(slices.Clone(fleet), func(i emulator.Instance) bool { return !slices.Contains(emulator.States, i.State) })[:120]
			return []string{"instance_ids = " + hclList(idsOf(settled)), "details = true", `wait_for = { states = ` + hclList(emulator.States) + `, poll_interval = "1s" }`}, settled, nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			emu, provider := startDetailedFleet(t, 250)
			args, want, missing := path(emu.Fleet(testRegion))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:            provider + selectionBlock(args...),
					ConfigStateChecks: expectDescribed(emu, want, missing),
					Check:             expectCalls(emu, "DescribeInstances", max(1, (len(want)+len(missing)+99)/100)),
				}},
			})
		})
	}
}

// TestAccCVMInstancesStatusDataSource_detailsNullWithout: without details the same reads carry
// states only, through DescribeInstancesStatus, every other attribute null; details = false says
// so too.
func TestAccCVMInstancesStatusDataSource_detailsNullWithout(t *testing.T) {
	emu, provider := startDetailedFleet(t, 120)
	fleet := emu.Fleet(testRegion)
	var ids []string
	for _, inst := range fleet[:20] {
		ids = append(ids, inst.ID)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:            provider + listAll,
				ConfigStateChecks: expectRead(sortedByID(fleet), nil),
				Check:             expectCalls(emu, "DescribeInstancesStatus", 2),
			},
			{
				Config:            provider + selectionBlock("instance_ids = "+hclList(ids), "details = false"),
				ConfigStateChecks: expectRead(fleet[:20], nil),
				Check:             expectCalls(emu, "DescribeInstancesStatus", 1),
			},
		},
	})
}

// TestAccCVMInstancesStatusDataSource_detailsPlanErrors: details = false with tags or filters,
// which always fill the details, is an error at plan time, before any call.
func TestAccCVMInstancesStatusDataSource_detailsPlanErrors(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 10}})
	refused := func(args ...string) resource.TestStep {
		return resource.TestStep{Config: providerBlock(srv) + selectionBlock(args...), PlanOnly: true,
			ExpectError: errorMatching("details = false conflicts with tags and filters", "always filled", "Remove details, or set it to true")}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			refused(`tags = { env = "dev" }`, "details = false"),
			refused(`filters = { zone = ["ap-guangzhou-1"] }`, "details = false"),
		},
	})
	if got := emu.Stats().Requests; got != 0 {
		t.Fatalf("%d requests reached the emulator before the configuration was valid", got)
	}
}

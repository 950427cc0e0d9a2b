package provider

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The half of the live suite that changes the tagged instances, with QCLOUD_ACC_LIVE_MUTATE=1.
// These tests run one at a time (resource.Test, not ParallelTest), since they change the same
// instances, and each puts back the states it found (liveMutating). An operation on the real
// cloud takes from a few seconds to a minute or two per instance.

// TestAccCVMInstancesActions_live stops every tagged instance with the stop action, starts them
// all with the start action, and reboots them with the reboot action, each with every argument
// it takes and checked through the SDK. Cost for T tagged instances: 3 x ceil(T/100) operation calls, a DescribeInstancesStatus
// call per 100 of them before each and every 2 s while each waits; about as long as three
// operations take, within 10 minutes each.
func TestAccCVMInstancesActions_live(t *testing.T) {
	a := liveMutating(t)
	ids := a.ids()
	step := func(action, trigger, state string, args ...string) resource.TestStep {
		args = append([]string{"instance_ids = " + hclList(ids), fmt.Sprintf("region = %q", a.cfg.region), `poll_interval = "2s"`, `timeout = "10m"`}, args...)
		return resource.TestStep{
			Config: a.providerBlock() + actionConfig(action, trigger, args...),
			Check:  a.expectStates(ids, state),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: liveProviders,
		TerraformVersionChecks:   withActions,
		Steps: []resource.TestStep{
			step("qcloud_cvm_stop_instances", "stop", "STOPPED", `stop_type = "SOFT_FIRST"`, `stopped_mode = "KEEP_CHARGING"`),
			step("qcloud_cvm_start_instances", "start", "RUNNING"),
			step("qcloud_cvm_reboot_instances", "reboot", "RUNNING", `stop_type = "SOFT_FIRST"`),
		},
	})
}

// TestAccCVMInstanceStateResource_live, with every argument, keeps the first tagged instance STOPPED, undoes a start
// made behind Terraform's back through the SDK, keeps it RUNNING, and imports it by its identity
// (Terraform 1.12 and later). Cost: 3 operation calls by the resource and 1 by the SDK, a few
// DescribeInstancesStatus calls per refresh and every 2 s while waiting; about four operations'
// time, within 10 minutes each.
func TestAccCVMInstanceStateResource_live(t *testing.T) {
	a := liveMutating(t)
	id := a.found[0].id
	config := func(state string) string {
		return a.providerBlock() + instanceStateConfig(fmt.Sprintf("instance_id = %q", id), fmt.Sprintf("state = %q", state),
			fmt.Sprintf("region = %q", a.cfg.region), `stop_type = "SOFT_FIRST"`, `stopped_mode = "KEEP_CHARGING"`,
			`poll_interval = "2s"`, `timeouts = { create = "10m", update = "10m" }`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: liveProviders,
		TerraformVersionChecks:   withIdentity,
		Steps: []resource.TestStep{
			{
				Config: config("STOPPED"),
				Check:  a.expectStates([]string{id}, "STOPPED"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(instanceStateAddress, map[string]knownvalue.Check{
						"instance_id": knownvalue.StringExact(id), "region": knownvalue.StringExact(a.cfg.region)}),
				},
			},
			{
				PreConfig: func() { a.mustOperate(t, id, "RUNNING") },
				Config:    config("STOPPED"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceStateAddress, plancheck.ResourceActionUpdate),
				}},
				Check: a.expectStates([]string{id}, "STOPPED"),
			},
			{
				Config: config("RUNNING"),
				Check:  a.expectStates([]string{id}, "RUNNING"),
			},
			{
				// Only what an import finds in the API: poll_interval and timeouts are not there.
				Config:          a.providerBlock() + instanceStateConfig(fmt.Sprintf("instance_id = %q", id), `state = "RUNNING"`),
				ResourceName:    instanceStateAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// expectStates checks through the SDK that each of ids is in state.
func (a *liveAccount) expectStates(ids []string, state string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
		defer cancel()
		got, err := a.statesOf(ctx, ids)
		if err != nil {
			return fmt.Errorf("the SDK's own read: %w", err)
		}
		want := map[string]string{}
		for _, id := range ids {
			want[id] = state
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("the SDK reads %v, want every instance %s", got, state)
		}
		return nil
	}
}

// mustOperate changes id to state through the SDK, as another client would, and waits for it.
func (a *liveAccount) mustOperate(t *testing.T, id, state string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	if err := a.operate(ctx, id, state); err != nil {
		t.Fatalf("changing %s to %s through the SDK: %v", id, state, err)
	}
}

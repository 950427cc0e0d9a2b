package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func TestAccCVMInstancesStatusDataSource_listsEveryInstanceSortedByID(t *testing.T) {
	// 237 is not a multiple of the page size: the last page is short.
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 237, "ap-shanghai": 9}, Seed: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" {}`,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
		}},
	})
	// The provider names itself and its version (here "test") in every request.
	clients := emu.Stats().RequestClients
	if len(clients) == 0 {
		t.Fatal("no request named its client")
	}
	for client := range clients {
		if !strings.HasSuffix(client, ": terraform-provider-qcloud vtest") {
			t.Fatalf("a request named its client %q", client)
		}
	}
}

func TestAccCVMInstancesStatusDataSource_readsIDsInOrderWithMissingAndDuplicates(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 400}, Seed: 2})
	fleet := emu.Fleet(testRegion)
	// 150 instances from the end of the listing backwards, two unknown IDs among them, and
	// some asked for twice: three batches, whose answers come in listing order.
	var ids, missing []string
	var want []emulator.Instance
	for i := range 150 {
		inst := fleet[len(fleet)-1-i]
		ids, want = append(ids, inst.ID), append(want, inst)
		if i == 20 || i == 120 {
			unknown := fmt.Sprintf("ins-zzzz%04d", i)
			ids, missing = append(ids, unknown), append(missing, unknown)
		}
	}
	ids = append(ids, ids[5], ids[140], missing[0])

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" { instance_ids = ` + hclList(ids) + ` }`,
			ConfigStateChecks: expectRead(want, missing),
		}},
	})
}

func TestAccCVMInstancesStatusDataSource_noIDsReadsNothingAndCallsNothing(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 20}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" { instance_ids = [] }`,
			ConfigStateChecks: expectRead(nil, nil),
		}},
	})
	if calls := emu.Calls("DescribeInstancesStatus"); calls != 0 {
		t.Fatalf("instance_ids = [] made %d API calls, want none", calls)
	}
}

func TestAccCVMInstancesStatusDataSource_filtersByState(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 300}, Seed: 3})
	fleet := emu.Fleet(testRegion)
	stopped := inStates(sortedByID(fleet), "STOPPED", "STOPPING")
	if len(stopped) == 0 {
		t.Fatal("the seeded fleet has no stopped instance to filter for")
	}
	// A running instance, a stopped one and an unknown ID: the filter drops the running one
	// from instances and states, while missing_ids still reports the unknown one.
	running := inStates(fleet, "RUNNING")[0]
	ids := []string{running.ID, stopped[0].ID, "ins-zzzzzzzz"}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" {
  instance_states = ["STOPPED", "STOPPING"]
}`,
				ConfigStateChecks: expectRead(stopped, nil),
			},
			{
				Config: providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" {
  instance_ids    = ` + hclList(ids) + `
  instance_states = ["STOPPED", "STOPPING"]
}`,
				ConfigStateChecks: expectRead(stopped[:1], []string{"ins-zzzzzzzz"}),
			},
			{
				Config: providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" {
  instance_ids    = ` + hclList(ids) + `
  instance_states = []
}`,
				ConfigStateChecks: expectRead(nil, []string{"ins-zzzzzzzz"}),
			},
		},
	})
}

func TestAccCVMInstancesStatusDataSource_regionOverridesTheProvider(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 30, "ap-shanghai": 12}, Seed: 4})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" { region = "ap-shanghai" }`,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet("ap-shanghai")), nil),
		}},
	})
}

func TestAccCVMInstancesStatusDataSource_malformedIDAtPlan(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 3}})
	good := emu.Fleet(testRegion)[0].ID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" {
  instance_ids = ["` + good + `", "ins-1122"]
}`,
			ExpectError: errorMatching("Attribute instance_ids[1] must be a CVM instance ID: ins- followed by 8 lowercase letters or digits", `got: ins-1122`),
		}},
	})
	if calls := emu.Calls("DescribeInstancesStatus"); calls != 0 {
		t.Fatalf("a configuration rejected at plan made %d API calls", calls)
	}
}

func TestAccCVMInstancesStatusDataSource_unknownStateAtPlan(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// The typo in the state is the point of the test.
			Config:      providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" { instance_states = ["RUNING"] }`, //nolint:misspell
			ExpectError: errorMatching(`value must be one of:`, `"RUNNING"`, `"STOPPED"`, `got: "RUNING"`),                 //nolint:misspell
		}},
	})
}

func TestAccCVMInstancesStatusDataSource_malformedReadTimeout(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" { timeouts = { read = "soon" } }`,
			ExpectError: errorMatching("Invalid Attribute Value Time Duration", `"soon" must be a string containing a sequence of decimal numbers`),
		}},
	})
}

func TestAccCVMInstancesStatusDataSource_wrongSecretKeyShowsTheAPIError(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 3}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlockWithoutKeys(srv, `secret_id = "`+testSecretID+`"`, `secret_key = "not-the-key"`) +
				`data "qcloud_cvm_instances_status" "test" {}`,
			ExpectError: regexp.MustCompile(`Unable to read CVM instance states[\s\S]*DescribeInstancesStatus in ap-guangzhou failed on[\s\S]*` +
				`AuthFailure\.SignatureFailure[\s\S]*\(RequestId\s+[0-9a-f]{8}-[0-9a-f]{4}-[\s\S]*Check\s+secret_id\s+and\s+secret_key`),
		}},
	})
}

func TestAccCVMInstancesStatusDataSource_readTimeout(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 3}, Latency: 5 * time.Second})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" {
  timeouts = { read = "1s" }
}`,
			ExpectError: errorMatching("when its time ran out", "did not finish within its timeout of 1s. Raise timeouts.read"),
		}},
	})
}

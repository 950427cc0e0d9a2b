package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// expectFound checks that the list block named name found exactly these instances, in this
// order, each with its identity and display name, and with the resource that keeps it when
// withResource is set.
func expectFound(name string, instances []emulator.Instance, withResource bool) querycheck.QueryResultCheck {
	return foundCheck{address: "qcloud_cvm_instance_state." + name, instances: instances, withResource: withResource}
}

// expectFoundNamed is expectFound for a list block with tags or filters, whose display names
// start with the instance's name.
func expectFoundNamed(name string, instances []emulator.Instance, withResource bool) querycheck.QueryResultCheck {
	return foundCheck{address: "qcloud_cvm_instance_state." + name, instances: instances, withResource: withResource, named: true}
}

type foundCheck struct {
	address      string
	instances    []emulator.Instance
	withResource bool
	named        bool
}

func (c foundCheck) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	var found []tfjson.ListResourceFoundData
	for _, f := range req.Query {
		if strings.TrimPrefix(f.Address, "list.") == c.address {
			found = append(found, f)
		}
	}
	if len(found) != len(c.instances) {
		resp.Error = fmt.Errorf("%s found %d instances, want %d", c.address, len(found), len(c.instances))
		return
	}
	for i, inst := range c.instances {
		f := found[i]
		want := map[string]any{"instance_id": inst.ID, "region": testRegion}
		display := inst.ID + " (" + inst.State + ")"
		if c.named {
			display = inst.Name + " (" + inst.ID + ", " + inst.State + ")"
		}
		if f.DisplayName != display || fmt.Sprint(f.Identity) != fmt.Sprint(want) {
			resp.Error = fmt.Errorf("result %d of %s is %q with the identity %v, want %q with %v",
				i, c.address, f.DisplayName, f.Identity, display, want)
			return
		}
		if !c.withResource {
			continue
		}
		r := f.ResourceObject
		if r["id"] != inst.ID || r["instance_id"] != inst.ID || r["region"] != testRegion || r["state"] != cvm.Settling(inst.State) {
			resp.Error = fmt.Errorf("result %d of %s has the resource %v, want %s in %s kept %s", i, c.address, r, inst.ID, testRegion, cvm.Settling(inst.State))
			return
		}
	}
}

// afterQuery is a query check of something other than the results, such as the emulator's
// calls: query checks run once the query has ended.
type afterQuery func() error

func (f afterQuery) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

// TestAccCVMInstanceStateListResource_query lists the emulator's whole fleet, with and without
// instance_states, with a limit above its size.
func TestAccCVMInstanceStateListResource_query(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 250}, Seed: 7})
	fleet := emu.Fleet(testRegion)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withListResources,
		Steps: []resource.TestStep{
			{Config: providerBlock(srv)},
			{
				Query: true,
				Config: listBlock("all", "limit = 1000", "include_resource = true") +
					listBlock("stopped", "limit = 1000", `config { instance_states = ["STOPPED", "PENDING"] }`),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("qcloud_cvm_instance_state.all", len(fleet)),
					expectFound("all", fleet, true),
					expectFound("stopped", inStates(fleet, "STOPPED", "PENDING"), false),
				},
			},
		},
	})
	if len(inStates(fleet, "STOPPED", "PENDING")) == 0 {
		t.Fatal("the seeded fleet has no STOPPED or PENDING instance, which tests nothing")
	}
}

// TestAccCVMInstanceStateListResource_limit: in a region of 2,000 instances, a limit of 150 and
// Terraform's default limit of 100 find exactly that many instances, the first in the listing,
// and read no more pages than they need.
func TestAccCVMInstanceStateListResource_limit(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 2000}, Seed: 7})
	fleet := emu.Fleet(testRegion)
	var before int
	query := func(limit int, block string) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { before = emu.Calls("DescribeInstancesStatus") },
			Query:     true,
			Config:    block,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("qcloud_cvm_instance_state.first", limit),
				expectFound("first", fleet[:limit], false),
				afterQuery(func() error {
					if calls, want := emu.Calls("DescribeInstancesStatus")-before, (limit+99)/100; calls != want {
						return fmt.Errorf("%d DescribeInstancesStatus calls to find %d instances, want %d", calls, limit, want)
					}
					return nil
				}),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withListResources,
		Steps: []resource.TestStep{
			{Config: providerBlock(srv)},
			query(150, listBlock("first", "limit = 150")),
			query(100, listBlock("first")),
		},
	})
}

// TestAccCVMInstanceStateListResource_generateConfig runs `terraform query
// -generate-config-out=generated.tf` as the guide "Starting, stopping and keeping instances"
// shows: one import block with the identity, and one resource, per instance found; a plan of them imports every instance, and changes only those
// caught on their way to a state.
func TestAccCVMInstanceStateListResource_generateConfig(t *testing.T) {
	t.Parallel()
	skipWithout(t, testCLI(t), listResources)
	emu, srv := startEmulator(t, emulator.Config{Operations: quickOperations})
	ids := putInstances(t, emu, "runng", 30, "RUNNING")
	ids = append(ids, putInstances(t, emu, "stopd", 20, "STOPPED")...)
	ids = append(ids, putInstances(t, emu, "stopg", 5, "STOPPING")...)
	w := workspaceFor(t, srv, "")
	writeFile(t, filepath.Join(w.Dir, "search.tfquery.hcl"), listBlock("all", "limit = 1000"))
	mustRun(t, w, "query", "-generate-config-out=generated.tf", "-no-color")
	generated := readFile(t, filepath.Join(w.Dir, "generated.tf"))
	if got := strings.Count(generated, "import {"); got != len(ids) {
		t.Fatalf("generated.tf has %d import blocks, want %d:\n%s", got, len(ids), generated)
	}
	for _, id := range ids {
		identity := regexp.MustCompile(`identity = \{\s+instance_id = "` + id + `"\s+region\s+= "ap-guangzhou"\s+\}`)
		if !identity.MatchString(generated) {
			t.Fatalf("generated.tf imports no %s by its identity:\n%s", id, generated)
		}
	}
	expectOutput(t, mustRun(t, w, "plan", "-no-color"), "Plan: 55 to import, 0 to add, 5 to change, 0 to destroy.")
	noOperations(t, emu)
}

// TestAccCVMInstanceStateListResource_errors: a list block's arguments are checked before any
// call, and a call the API refuses fails the query with the API's error and what to do.
func TestAccCVMInstanceStateListResource_errors(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 10}})
	refused := func(block string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Query: true, Config: block, ExpectError: want}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withListResources,
		Steps: []resource.TestStep{
			{Config: providerBlock(srv)},
			refused(listBlock("bad", `config { instance_states = ["PAUSED"] }`), errorMatching("instance_states[0]", "value must be one of")),
			refused(listBlock("none", `config { instance_states = [] }`), errorMatching("instance_states", "list must contain at least 1 elements")),
			refused(listBlock("twice", `config { instance_states = ["RUNNING", "RUNNING"] }`), errorMatching("Duplicate List Value", `duplicate values of: "RUNNING"`)),
			refused(listBlock("empty", `config { region = "" }`), errorMatching("region", "string length must be at least 1")),
			{
				PreConfig: func() {
					if got := emu.Stats().Requests; got != 0 {
						t.Fatalf("%d requests reached the emulator before the blocks were valid", got)
					}
				},
				Config: providerBlock(srv),
			},
			refused(listBlock("elsewhere", `config { region = "ap-nowhere" }`), errorMatching(
				"Unable to list the CVM instances of ap-nowhere", "UnsupportedRegion: The region ap-nowhere is not supported. (RequestId", "Check the region")),
		},
	})
}

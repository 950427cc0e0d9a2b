package provider

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// selectedFrom is the fleet's instances for which keep holds, sorted by ID as a selection
// returns them.
func selectedFrom(fleet []emulator.Instance, keep func(emulator.Instance) bool) []emulator.Instance {
	return sortedByID(slices.DeleteFunc(slices.Clone(fleet), func(i emulator.Instance) bool { return !keep(i) }))
}

// expectCallsPerRead checks that the reads of a test case made perRead DescribeInstances calls
// each, and no DescribeInstancesStatus call. How often a data source is read in a step (at plan,
// at apply, at refresh) is the CLI's to decide, so only the calls per read are the provider's.
func expectCallsPerRead(emu *emulator.Emulator, perRead int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := emu.Calls("DescribeInstances")
		if got == 0 || got%perRead != 0 || emu.Calls("DescribeInstancesStatus") != 0 {
			return fmt.Errorf("%d DescribeInstances and %d DescribeInstancesStatus calls, want a multiple of %d DescribeInstances calls and none of DescribeInstancesStatus",
				got, emu.Calls("DescribeInstancesStatus"), perRead)
		}
		return nil
	}
}

func selectionBlock(args ...string) string {
	return `data "qcloud_cvm_instances_status" "test" {
  ` + strings.Join(args, "\n  ") + `
}`
}

// TestAccCVMInstancesStatusDataSource_tagsFiltersAndStates: tags, filters and instance_states
// together select what each selects, in one DescribeInstances call.
func TestAccCVMInstancesStatusDataSource_tagsFiltersAndStates(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 600}, Seed: 41})
	zones := emulator.Zones(testRegion)[1:3]
	want := selectedFrom(emu.Fleet(testRegion), func(i emulator.Instance) bool {
		return i.Tags["env"] == "dev" && i.Tags["role"] == "web" && slices.Contains(zones, i.Zone) && (i.State == "RUNNING" || i.State == "STOPPED")
	})
	if len(want) == 0 {
		t.Fatal("the seeded fleet has no dev web instance in those zones, which tests nothing")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + selectionBlock(`tags = { env = "dev", role = "web" }`,
				`filters = { zone = `+hclList(zones)+` }`, `instance_states = ["RUNNING", "STOPPED"]`),
			ConfigStateChecks: expectDescribed(emu, want, nil),
			// Through DescribeInstances only; TestSelectByTagsFiltersAndStates (cvm) counts the one call.
			Check: expectCallsPerRead(emu, 1),
		}},
	})
}

// TestAccCVMInstancesStatusDataSource_filterNames: a filter of each kind of value the emulator
// models selects what the fleet says it should.
func TestAccCVMInstancesStatusDataSource_filterNames(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 300}, Seed: 42})
	fleet := emu.Fleet(testRegion)
	some := fleet[11]
	var steps []resource.TestStep
	for _, tc := range []struct {
		name, value string
		keep        func(emulator.Instance) bool
	}{
		{"vpc-id", some.VpcID, func(i emulator.Instance) bool { return i.VpcID == some.VpcID }},
		{"subnet-id", some.SubnetID, func(i emulator.Instance) bool { return i.SubnetID == some.SubnetID }},
		{"project-id", strconv.FormatInt(some.ProjectID, 10), func(i emulator.Instance) bool { return i.ProjectID == some.ProjectID }},
		{"instance-name", "db-", func(i emulator.Instance) bool { return strings.Contains(i.Name, "db-") }},
		{"private-ip-address", some.PrivateIPs[0], func(i emulator.Instance) bool { return i.ID == some.ID }},
		{"security-group-id", some.SecurityGroupIDs[0], func(i emulator.Instance) bool { return slices.Equal(i.SecurityGroupIDs, some.SecurityGroupIDs) }},
		{"tag:team", "data", func(i emulator.Instance) bool { return i.Tags["team"] == "data" }},
		{"creation-start-time", "2025-01-06 12:00:00", func(i emulator.Instance) bool { return i.CreatedTime.Hour() >= 12 || i.CreatedTime.Day() > 6 }},
	} {
		want := selectedFrom(fleet, tc.keep)
		if len(want) == 0 || len(want) == len(fleet) {
			t.Fatalf("%s = %s: %d of %d instances match, which tests nothing", tc.name, tc.value, len(want), len(fleet))
		}
		steps = append(steps, resource.TestStep{
			Config:            providerBlock(srv) + selectionBlock(fmt.Sprintf("filters = { %q = [%q] }", tc.name, tc.value)),
			ConfigStateChecks: expectDescribed(emu, want, nil),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
}

// TestAccCVMInstancesStatusDataSource_manyValues: 12 values of a filter are 3 requests whose
// answers hold each instance once.
func TestAccCVMInstancesStatusDataSource_manyValues(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 300}, Seed: 43})
	fleet := emu.Fleet(testRegion)
	var names []string
	for _, inst := range fleet[:12] {
		names = append(names, inst.Name)
	}
	want := selectedFrom(fleet, func(i emulator.Instance) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(i.Name, n) })
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + selectionBlock(`filters = { "instance-name" = `+hclList(names)+` }`),
			ConfigStateChecks: expectDescribed(emu, want, nil),
			Check:             expectCallsPerRead(emu, 3),
		}},
	})
}

// TestAccCVMInstancesStatusDataSource_selectionPages: over 1,000 matches, each call carries 100.
func TestAccCVMInstancesStatusDataSource_selectionPages(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 2500}, Seed: 43})
	tagged := selectedFrom(emu.Fleet(testRegion), func(i emulator.Instance) bool { _, ok := i.Tags["env"]; return ok })
	if len(tagged) < 1000 {
		t.Fatalf("%d instances are tagged env, fewer than the 1,000 the test pages over", len(tagged))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + selectionBlock(`filters = { "tag-key" = ["env"] }`),
			ConfigStateChecks: expectDescribed(emu, tagged, nil),
			Check:             expectCallsPerRead(emu, (len(tagged)+99)/100),
		}},
	})
}

// TestAccCVMInstancesStatusDataSource_selectionPlanErrors: each mistake in tags and filters is
// an error at plan time, before any call.
func TestAccCVMInstancesStatusDataSource_selectionPlanErrors(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 10}})
	var eleven []string
	for i := range 11 {
		eleven = append(eleven, fmt.Sprintf("%q = [\"v\"]", "tag:k"+strconv.Itoa(i)))
	}
	var names []string
	for i := range 21 {
		names = append(names, fmt.Sprintf("web-%d", i))
	}
	refused := func(want string, args ...string) resource.TestStep {
		return resource.TestStep{Config: providerBlock(srv) + selectionBlock(args...), PlanOnly: true, ExpectError: errorMatching(strings.Split(want, " | ")...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			refused(`filters["shade"] value must be one of: ["zone" "project-id" | filters["shade"] must be tag:<key>`, `filters = { shade = ["red"] }`),
			refused(`filters["zone"] | list must contain at least 1 elements`, `filters = { zone = [] }`),
			refused(`Too many filters | The selection makes 11 filters (tag:k0, tag:k1, | and DescribeInstances takes at most 10 | tags, filters and instance_states each count`,
				`filters = { `+strings.Join(eleven, ", ")+` }`),
			refused(`Too many filters | The selection makes 11 filters (instance-state, tag:k0,`, `filters = { `+strings.Join(eleven[:10], ", ")+` }`, `instance_states = ["RUNNING"]`),
			refused(`Invalid Attribute Combination | "instance_ids" cannot be specified when "tags" is specified`, `tags = { env = "dev" }`, `instance_ids = ["ins-12345678"]`),
			refused(`Invalid Attribute Combination | "instance_ids" cannot be specified when "filters" is specified`, `filters = { zone = ["ap-guangzhou-1"] }`, `instance_ids = ["ins-12345678"]`),
			refused(`A tag is selected twice | filters selects "tag:env", and tags selects the tag "env" too`, `tags = { env = "dev" }`, `filters = { "tag:env" = ["prod"] }`),
			refused(`The states are selected twice`, `filters = { "instance-state" = ["RUNNING"] }`, `instance_states = ["STOPPED"]`),
			refused(`Too many values | The filters need 30 DescribeInstances requests, more than the 20 | instance-name has 21 values (5 requests), tag:env has 6 values (2 requests), tag:team has 11 values (3 requests)`,
				`filters = { "instance-name" = `+hclList(names)+`, "tag:env" = `+hclList(names[:6])+`, "tag:team" = `+hclList(names[:11])+` }`),
			refused(`Invalid Attribute Combination | "instance_ids" must be specified when "wait_for"`, `tags = { env = "dev" }`, `wait_for = { states = ["RUNNING"] }`),
		},
	})
	if got := emu.Stats().Requests; got != 0 {
		t.Fatalf("%d requests reached the emulator before the configuration was valid", got)
	}
}

// TestAccCVMInstancesStatusDataSource_selectionAPIError: a value the API refuses fails the read
// with the filters of the request, the API's code, message and RequestId, and what to do.
func TestAccCVMInstancesStatusDataSource_selectionAPIError(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 10}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + selectionBlock(`tags = { env = "dev" }`, `filters = { zone = ["ap-guangzhou-9"] }`),
				ExpectError: errorMatching("Unable to read CVM instance states",
					"DescribeInstances in ap-guangzhou failed on the page at offset 0 (limit 100) of the instances of ap-guangzhou with the filters tag:env = [dev], zone = [ap-guangzhou-9]",
					`InvalidZone.MismatchRegion: The zone "ap-guangzhou-9" does not exist in the region ap-guangzhou`, "(RequestId ",
					"The API refused a filter of the request named above"),
			},
			{
				Config:      providerBlock(srv) + selectionBlock(`filters = { "vpc-id" = ["vpc-1"] }`),
				ExpectError: errorMatching("with the filters vpc-id = [vpc-1]", "InvalidParameterValue.VpcIdMalformed", "(RequestId ", "Correct it in tags or filters"),
			},
		},
	})
}

// TestAccCVMInstanceStateListResource_tags: terraform query for the stopped dev instances finds
// them, named by their names, through DescribeInstances.
func TestAccCVMInstanceStateListResource_tags(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 800}, Seed: 44})
	var want []emulator.Instance
	for _, inst := range emu.Fleet(testRegion) {
		if inst.Tags["env"] == "dev" && inst.State == "STOPPED" {
			want = append(want, inst)
		}
	}
	if len(want) == 0 {
		t.Fatal("the seeded fleet has no stopped dev instance, which tests nothing")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   withListResources,
		Steps: []resource.TestStep{
			{Config: providerBlock(srv)},
			{
				Query: true,
				Config: listBlock("stopped_dev", "limit = 1000", "include_resource = true", `config {
    tags            = { env = "dev" }
    instance_states = ["STOPPED"]
  }`),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("qcloud_cvm_instance_state.stopped_dev", len(want)),
					expectFoundNamed("stopped_dev", want, true),
					afterQuery(func() error {
						if n := emu.Calls("DescribeInstancesStatus"); n != 0 {
							return fmt.Errorf("%d DescribeInstancesStatus calls, want none: the selection goes through DescribeInstances", n)
						}
						return nil
					}),
				},
			},
			{
				Query:       true,
				Config:      listBlock("bad", `config { filters = { shade = ["red"] } }`),
				ExpectError: errorMatching("filters", "must be tag:<key>"),
			},
		},
	})
}

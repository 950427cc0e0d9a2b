package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The read-only half of the live suite: it changes nothing, and runs whenever QCLOUD_ACC_LIVE=1.
// Each test states its cost: N is the number of instances in the region, T the number tagged.

// TestAccCVMInstancesStatusDataSource_liveRegion reads the whole region with the data source and
// compares it with two listings of the SDK's own, one before and one after: every instance both
// listings hold is in the data source, in the state both saw when they agree, and nothing else is.
// Cost: 3 x ceil(N/100) DescribeInstancesStatus calls; seconds.
func TestAccCVMInstancesStatusDataSource_liveRegion(t *testing.T) {
	a := liveSuite(t)
	var before map[string]string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: liveProviders,
		Steps: []resource.TestStep{{
			PreConfig: func() { before = a.mustRead(t, a.regionStates) },
			Config: a.providerBlock() + `data "qcloud_cvm_instances_status" "test" {
  timeouts = { read = "10m" }
}`,
			Check: func(s *terraform.State) error {
				after := a.mustRead(t, a.regionStates)
				attrs, err := liveAttributes(s, dataSource)
				if err != nil {
					return err
				}
				return errors.Join(
					compareRegion(liveMap(attrs, "states"), before, after),
					sameStrings("missing_ids", liveList(attrs, "missing_ids", ""), nil),
					countsAgree(liveMap(attrs, "states"), liveMap(attrs, "state_counts")),
					sortedIDs(liveList(attrs, "instances", "id")),
				)
			},
		}},
	})
}

// TestAccCVMInstancesStatusDataSource_liveTagged reads the tagged instances with every argument
// of the data source: by tag (with details), by ID with an ID that does not exist (and a filter of
// the states they are in, the region and a timeout), and by filters; each agrees with the SDK.
// Cost: about 1 DescribeInstances and 2 DescribeInstancesStatus calls per 100 tagged instances,
// and as many of the SDK's; seconds.
func TestAccCVMInstancesStatusDataSource_liveTagged(t *testing.T) {
	a := liveSuite(t)
	ids := a.ids()
	absent := a.absentID(t)
	var found []liveInstance
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: liveProviders,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				found = a.mustFind(t)
			},
			Config: a.providerBlock() + fmt.Sprintf(`
data "qcloud_cvm_instances_status" "by_tag" {
  tags    = { %[1]q = %[2]q }
  details = true
}

data "qcloud_cvm_instances_status" "by_id" {
  instance_ids    = %[3]s
  instance_states = %[4]s
  region          = %[5]q
  timeouts        = { read = "5m" }
}

data "qcloud_cvm_instances_status" "by_filters" {
  filters = { "instance-id" = %[6]s, "tag:%[1]s" = [%[2]q] }
}
`, a.tagKey, a.tagValue, hclList(append(slices.Clone(ids), absent)), hclList(a.settledStates()), a.cfg.region, hclList(ids)),
			Check: func(s *terraform.State) error {
				byTag, err := liveAttributes(s, "data.qcloud_cvm_instances_status.by_tag")
				if err != nil {
					return err
				}
				byID, err := liveAttributes(s, "data.qcloud_cvm_instances_status.by_id")
				if err != nil {
					return err
				}
				byFilters, err := liveAttributes(s, "data.qcloud_cvm_instances_status.by_filters")
				if err != nil {
					return err
				}
				var names []string
				for _, inst := range found {
					names = append(names, inst.name)
				}
				return errors.Join(
					sameStrings("tags: instances", liveList(byTag, "instances", "id"), ids),
					sameStrings("tags: names", liveList(byTag, "instances", "name"), names),
					sameStrings("instance_ids: missing_ids", liveList(byID, "missing_ids", ""), []string{absent}),
					sameStrings("filters: instances", liveList(byFilters, "instances", "id"), ids),
					compareTagged("instance_ids", liveMap(byID, "states"), found, a.mustRead(t, func(ctx context.Context) (map[string]string, error) { return a.statesOf(ctx, ids) })),
				)
			},
		}},
	})
}

// TestAccCVMInstancesStatusDataSource_liveWaitFor waits for the tagged RUNNING instances to be
// RUNNING, which they are: the wait ends at its first poll. Cost: 1 DescribeInstancesStatus call
// per 100 of them; seconds.
func TestAccCVMInstancesStatusDataSource_liveWaitFor(t *testing.T) {
	a := liveSuite(t)
	var running []string
	for _, inst := range a.found {
		if inst.state == "RUNNING" {
			running = append(running, inst.id)
		}
	}
	if len(running) == 0 {
		t.Fatalf("no instance tagged %s=%s was RUNNING when the suite started: leave at least one RUNNING (CONTRIBUTING.md, \"Setting up the test account\")", a.tagKey, a.tagValue)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: liveProviders,
		Steps: []resource.TestStep{{
			Config: a.providerBlock() + fmt.Sprintf(`data "qcloud_cvm_instances_status" "test" {
  instance_ids = %s
  wait_for     = { states = ["RUNNING"], poll_interval = "2s" }
  timeouts     = { read = "5m" }
}`, hclList(running)),
			Check: func(s *terraform.State) error {
				attrs, err := liveAttributes(s, dataSource)
				if err != nil {
					return err
				}
				return errors.Join(
					sameStrings("instances", liveList(attrs, "instances", "id"), running),
					sameStrings("states", slices.Sorted(maps.Values(liveMap(attrs, "states"))), slices.Repeat([]string{"RUNNING"}, len(running))),
					sameStrings("state_counts", []string{attrs["state_counts.RUNNING"]}, []string{strconv.Itoa(len(running))}),
				)
			},
		}},
	})
}

// TestAccCVMInstanceStateListResource_liveQuery finds the tagged instances with `terraform query`
// (Terraform 1.14), each with its identity, display name and resource, as the SDK lists them.
// Cost: about 1 DescribeInstances call per 100 tagged instances; seconds.
func TestAccCVMInstanceStateListResource_liveQuery(t *testing.T) {
	a := liveSuite(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: liveProviders,
		TerraformVersionChecks:   withListResources,
		Steps: []resource.TestStep{
			{Config: a.providerBlock()},
			{
				Query: true,
				Config: listBlock("tagged", "limit = 1000", "include_resource = true",
					fmt.Sprintf("config {\n    tags = { %q = %q }\n  }", a.tagKey, a.tagValue)),
				QueryResultChecks: []querycheck.QueryResultCheck{liveFound{a}},
			},
		},
	})
}

// liveFound checks the query's results against the tagged instances the SDK lists once the query
// has ended.
type liveFound struct{ a *liveAccount }

func (c liveFound) CheckQuery(ctx context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	found, err := c.a.tagged(ctx)
	if err != nil {
		resp.Error = err
		return
	}
	var results []tfjson.ListResourceFoundData
	for _, f := range req.Query {
		if strings.TrimPrefix(f.Address, "list.") == "qcloud_cvm_instance_state.tagged" {
			results = append(results, f)
		}
	}
	var got, want []string
	for _, f := range results {
		got = append(got, fmt.Sprintf("%s %v %v/%v", f.DisplayName, f.Identity, f.ResourceObject["instance_id"], f.ResourceObject["region"]))
	}
	for _, inst := range found {
		want = append(want, fmt.Sprintf("%s (%s, %s) %v %s/%s", inst.name, inst.id, inst.state,
			map[string]any{"instance_id": inst.id, "region": c.a.cfg.region}, inst.id, c.a.cfg.region))
	}
	resp.Error = sameStrings("query results", got, want)
}

// mustRead calls read under the live timeout and fails the test on an error.
func (a *liveAccount) mustRead(t *testing.T, read func(context.Context) (map[string]string, error)) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	states, err := read(ctx)
	if err != nil {
		t.Fatalf("the SDK's own read: %v", err)
	}
	return states
}

// mustFind lists the tagged instances through the SDK, failing the test on an error.
func (a *liveAccount) mustFind(t *testing.T) []liveInstance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	found, err := a.tagged(ctx)
	if err != nil {
		t.Fatalf("the SDK's own listing of the tagged instances: %v", err)
	}
	return found
}

// absentID is a well-formed instance ID that the region does not hold.
func (a *liveAccount) absentID(t *testing.T) string {
	t.Helper()
	region := a.mustRead(t, a.regionStates)
	for i := 0; ; i++ {
		if id := fmt.Sprintf("ins-%08d", i); region[id] == "" {
			return id
		}
	}
}

// settledStates are the states the tagged instances settle in, once each, sorted.
func (a *liveAccount) settledStates() []string {
	return slices.Compact(slices.Sorted(maps.Values(a.foundStates())))
}

// compareRegion: the data source's states hold every instance the SDK listed both before and
// after, in the state both saw when they agree, and no instance neither listing held.
func compareRegion(got, before, after map[string]string) error {
	var problems []string
	for id, state := range before {
		later, stayed := after[id]
		if !stayed {
			continue
		}
		switch seen, ok := got[id]; {
		case !ok:
			problems = append(problems, id+" is missing")
		case state == later && seen != state:
			problems = append(problems, fmt.Sprintf("%s is %s, and %s to the SDK", id, seen, state))
		}
	}
	for id := range got {
		if _, ok := before[id]; !ok {
			if _, ok := after[id]; !ok {
				problems = append(problems, id+" is listed, and not by the SDK")
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the region's %d instances disagree with the SDK's %d: %s", len(got), len(after), strings.Join(problems, "; "))
	}
	return nil
}

// compareTagged: the data source's states are the tagged instances', as the SDK read them after it.
func compareTagged(what string, got map[string]string, found []liveInstance, sdk map[string]string) error {
	if len(got) != len(found) {
		return fmt.Errorf("%s: %d instances, want the %d tagged ones", what, len(got), len(found))
	}
	for _, inst := range found {
		if got[inst.id] != sdk[inst.id] {
			return fmt.Errorf("%s: %s is %q, and %q to the SDK", what, inst.id, got[inst.id], sdk[inst.id])
		}
	}
	return nil
}

// countsAgree: state_counts counts the states.
func countsAgree(states, counts map[string]string) error {
	want := map[string]string{}
	n := map[string]int{}
	for _, state := range states {
		n[state]++
	}
	for state, count := range n {
		want[state] = strconv.Itoa(count)
	}
	if !maps.Equal(counts, want) {
		return fmt.Errorf("state_counts is %v, and the states count %v", counts, want)
	}
	return nil
}

// sortedIDs: the instances of a read without instance_ids are sorted by ID.
func sortedIDs(ids []string) error {
	if !slices.IsSorted(ids) {
		return fmt.Errorf("the instances are not sorted by ID")
	}
	return nil
}

func sameStrings(what string, got, want []string) error {
	if !slices.Equal(got, want) && len(got)+len(want) > 0 {
		return fmt.Errorf("%s: %q, want %q", what, got, want)
	}
	return nil
}

// liveAttributes are the attributes of address in the state, flattened.
func liveAttributes(s *terraform.State, address string) (map[string]string, error) {
	r, ok := s.RootModule().Resources[address]
	if !ok {
		return nil, fmt.Errorf("%s is not in the state", address)
	}
	return r.Primary.Attributes, nil
}

// liveMap is the map attribute name of a flattened state.
func liveMap(attrs map[string]string, name string) map[string]string {
	m := map[string]string{}
	for k, v := range attrs {
		if key, ok := strings.CutPrefix(k, name+"."); ok && key != "%" {
			m[key] = v
		}
	}
	return m
}

// liveList is the list of strings name, or of the field of its objects, of a flattened state.
func liveList(attrs map[string]string, name, field string) []string {
	n, _ := strconv.Atoi(attrs[name+".#"]) // absent: an empty list
	list := make([]string, n)
	for i := range list {
		key := fmt.Sprintf("%s.%d", name, i)
		if field != "" {
			key += "." + field
		}
		list[i] = attrs[key]
	}
	return list
}

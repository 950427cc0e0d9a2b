package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// selected is the region's fleet as Select must return what keep holds for: sorted by ID, each
// with its details.
func selected(emu *emulator.Emulator, keep func(emulator.Instance) bool) []cvm.Status {
	var want []cvm.Status
	for _, inst := range emu.Fleet(region) {
		if keep(inst) {
			want = append(want, described(emu, inst))
		}
	}
	slices.SortFunc(want, func(a, b cvm.Status) int { return strings.Compare(a.ID, b.ID) })
	return want
}

func selectOK(t *testing.T, c *cvm.Client, s cvm.Selection) []cvm.Status {
	t.Helper()
	got, err := c.Select(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Warnings) != 0 || got.Missing != nil {
		t.Fatalf("unexpected warnings %q or missing IDs %q", got.Warnings, got.Missing)
	}
	return got.Statuses
}

func TestSelectByTagsFiltersAndStates(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 600}, Seed: 31})
	zones := emulator.Zones(region)[1:3]
	got := selectOK(t, c, cvm.Selection{Region: region,
		Filters: map[string][]string{"tag:env": {"dev"}, "zone": zones}, States: []string{"RUNNING", "STOPPED"}})
	want := selected(emu, func(i emulator.Instance) bool {
		return i.Tags["env"] == "dev" && slices.Contains(zones, i.Zone) && (i.State == "RUNNING" || i.State == "STOPPED")
	})
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("selected %v, want %v", got, want)
	}
	// One request: three filters, none over 5 values, fewer than 100 matches.
	if calls := emu.Calls("DescribeInstances"); calls != 1 {
		t.Fatalf("%d DescribeInstances calls, want 1", calls)
	}
	if calls := emu.Calls("DescribeInstancesStatus"); calls != 0 {
		t.Fatalf("%d DescribeInstancesStatus calls, want none", calls)
	}
}

// TestSelectSplitsFilterValues: 12 values of one filter take 3 requests of at most 5, whose
// answers are merged with each instance once, even one that two requests both find.
func TestSelectSplitsFilterValues(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 300}, Seed: 32})
	fleet := emu.Fleet(region)
	var names []string
	for _, inst := range fleet[:11] {
		names = append(names, inst.Name)
	}
	// A part of a name that the first request's names hold too: its instances are found twice.
	names = append(names, strings.Split(names[0], "-")[0])
	got := selectOK(t, c, cvm.Selection{Region: region, Filters: map[string][]string{"instance-name": names}})
	want := selected(emu, func(i emulator.Instance) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(i.Name, n) })
	})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("selected %v, want %v", got, want)
	}
	// The last request matches every instance of a role, more than 100 of 300: two pages.
	last := len(selected(emu, func(i emulator.Instance) bool { return strings.Contains(i.Name, names[11]) }))
	if calls, wantCalls := emu.Calls("DescribeInstances"), 2+max(1, (last+99)/100); calls != wantCalls {
		t.Fatalf("%d DescribeInstances calls, want %d (one per request of 5 values, and one per 100 of the last one's %d matches)", calls, wantCalls, last)
	}
}

// TestSelectPagesAtTheFloor: 1,000 and more matches cost exactly ceil(matches/100) calls.
func TestSelectPagesAtTheFloor(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 2500}, Seed: 33})
	got := selectOK(t, c, cvm.Selection{Region: region, Filters: map[string][]string{"tag-key": {"env"}}})
	want := selected(emu, func(i emulator.Instance) bool { _, ok := i.Tags["env"]; return ok })
	if len(want) < 1000 || !reflect.DeepEqual(got, want) {
		t.Fatalf("selected %d instances, want the %d tagged with env (at least 1,000)", len(got), len(want))
	}
	if calls := emu.Calls("DescribeInstances"); calls != (len(want)+99)/100 {
		t.Fatalf("%d calls for %d matches, want %d", calls, len(want), (len(want)+99)/100)
	}
}

func TestSelectNothingMakesNoCall(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 50}})
	if got := selectOK(t, c, cvm.Selection{Region: region, Filters: map[string][]string{"tag:env": {"dev"}}, States: []string{}}); len(got) != 0 {
		t.Fatalf("no state kept, yet %d instances selected", len(got))
	}
	if calls := emu.Stats().Requests; calls != 0 {
		t.Fatalf("%d requests for a selection that keeps no state", calls)
	}
}

// TestSelectRefusesMoreThan20Requests: filters whose splits multiply to 12 requests are read; to
// 24, refused before any call, with an error that says which filters split.
func TestSelectRefusesMoreThan20Requests(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 50}})
	var names []string
	for i := range 11 {
		names = append(names, fmt.Sprintf("web-%d", i))
	}
	six := []string{"a", "b", "c", "d", "e", "f"}
	filters := map[string][]string{"instance-name": names, "tag:env": six, "tag:team": six}
	if _, err := c.Select(context.Background(), cvm.Selection{Region: region, Filters: filters}); err != nil {
		t.Fatalf("12 requests refused: %v", err)
	}
	if n := emu.Calls("DescribeInstances"); n != 12 {
		t.Fatalf("%d calls, want 12: 3 x 2 x 2 requests of one page each", n)
	}
	filters["tag:role"] = six
	_, err := c.Select(context.Background(), cvm.Selection{Region: region, Filters: filters})
	want := "The filters need 24 DescribeInstances requests, more than the 20 one read may make: the API takes at most 5 values of a filter " +
		"per request, and instance-name has 11 values (3 requests), tag:env has 6 values (2 requests), tag:role has 6 values (2 requests), " +
		"tag:team has 6 values (2 requests). Give fewer values"
	var tooMany *cvm.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.Requests != 24 || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
	if n := emu.Calls("DescribeInstances"); n != 12 {
		t.Fatalf("the refused selection made %d calls", n-12)
	}
	if err := (cvm.Selection{Region: region, Filters: filters}).Check(); !errors.As(err, &tooMany) || tooMany.Requests != 24 {
		t.Fatalf("Check gave %v, want the 24 requests refused", err)
	}
}

// TestSelectRefusesMoreThan10Filters: instance_states counts as a filter, and the 11th is refused
// before any call; with unknown values left empty, Check still counts the filters.
func TestSelectRefusesMoreThan10Filters(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 10}})
	filters := map[string][]string{}
	for i := range 10 {
		filters[fmt.Sprintf("tag:k%d", i)] = []string{"v"}
	}
	if _, err := c.Select(context.Background(), cvm.Selection{Region: region, Filters: filters}); err != nil {
		t.Fatalf("10 filters refused: %v", err)
	}
	_, err := c.Select(context.Background(), cvm.Selection{Region: region, Filters: filters, States: []string{"RUNNING"}})
	want := "The selection makes 11 filters (instance-state, tag:k0, tag:k1, tag:k2, tag:k3, tag:k4, tag:k5, tag:k6, tag:k7, tag:k8, tag:k9), " +
		"and DescribeInstances takes at most 10."
	var tooMany *cvm.TooManyFiltersError
	if !errors.As(err, &tooMany) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
	if n := emu.Calls("DescribeInstances"); n != 1 {
		t.Fatalf("%d calls, want 1 for the 10 filters and none for the 11", n)
	}
	if err := (cvm.Selection{Region: region, Filters: filters, States: []string{}}).Check(); !errors.As(err, &tooMany) {
		t.Fatalf("Check of 11 filters, one without values, gave %v", err)
	}
}

func TestSelectErrorNamesTheFilters(t *testing.T) {
	t.Parallel()
	_, c := setup(t, emulator.Config{Fleets: map[string]int{region: 50}})
	_, err := c.Select(context.Background(), cvm.Selection{Region: region, Filters: map[string][]string{"zone": {"ap-guangzhou-9"}, "tag:env": {"dev"}}})
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "InvalidZone.MismatchRegion" || apiErr.RequestID == "" {
		t.Fatalf("got %v, want InvalidZone.MismatchRegion with a RequestId", err)
	}
	want := "DescribeInstances in ap-guangzhou failed on the page at offset 0 (limit 100) of the instances of ap-guangzhou with the filters " +
		"tag:env = [dev], zone = [ap-guangzhou-9] after 1 attempt: InvalidZone.MismatchRegion: The zone \"ap-guangzhou-9\" does not exist"
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "(RequestId "+apiErr.RequestID+")") {
		t.Fatalf("got %q, want it to contain %q and the RequestId", err, want)
	}
}

// TestSelectWhileTheFleetChanges: with instances created and terminated during a filtered read,
// every matching instance that existed for the whole read is selected, each once.
func TestSelectWhileTheFleetChanges(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 1500}, Faults: emulator.Faults{Seed: 5, Churn: 0.9}})
	before := emu.Fleet(region)
	got, err := c.Select(context.Background(), cvm.Selection{Region: region, Filters: map[string][]string{"tag-key": {"team"}}})
	if err != nil {
		t.Fatal(err)
	}
	expectEachOnce(t, got.Statuses, before, emu.Fleet(region), func(i emulator.Instance) bool { _, tagged := i.Tags["team"]; return tagged })
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "The instances of ap-guangzhou with the filters tag-key = [team] changed during the read") {
		t.Fatalf("want one warning about the changing fleet, got %q", got.Warnings)
	}
}

// TestSelectChecksAnswers: an instance without a state is a malformed answer, retried, then named.
func TestSelectChecksAnswers(t *testing.T) {
	t.Parallel()
	c, requests := hostileAPI(t, jsonAnswer(`{"Response":{"TotalCount":1,"InstanceSet":[{"InstanceId":"ins-r8hr2upy","InstanceState":null}],"RequestId":"req-hostile"}}`))
	_, err := c.Select(context.Background(), cvm.Selection{Region: region, Filters: map[string][]string{"tag:env": {"dev"}}})
	if err == nil || !strings.Contains(err.Error(), "malformed response (RequestId req-hostile): entry 0 (ins-r8hr2upy) has no InstanceState") || requests.Load() != 3 {
		t.Fatalf("got %v after %d requests, want the missing state named after 3", err, requests.Load())
	}
}

// TestFindWithFiltersStopsAtTheLimit: the list resource's search with filters reads the requests
// in turn and no page after the limit.
func TestFindWithFiltersStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 3000}, Seed: 34})
	got := find(t, c, cvm.Search{Region: region, Filters: map[string][]string{"tag:env": {"prod"}}, States: []string{"RUNNING"}, Limit: 150})
	var want []cvm.Status
	for _, inst := range emu.Fleet(region) {
		if inst.Tags["env"] == "prod" && inst.State == "RUNNING" && len(want) < 150 {
			want = append(want, described(emu, inst))
		}
	}
	if len(want) != 150 || !reflect.DeepEqual(got, want) {
		t.Fatalf("found %d, want the first 150 running prod instances in listing order", len(got))
	}
	if calls := emu.Calls("DescribeInstances"); calls != 2 {
		t.Fatalf("%d calls for 150 matches, want 2", calls)
	}
}

package cvm_test

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// described is inst as a read through DescribeInstances must return it: its state and every
// attribute of its details, from the emulator's fleet and its record of operations.
func described(emu *emulator.Emulator, inst emulator.Instance) cvm.Status {
	latest, _ := emu.Latest(region, inst.ID)
	d := &cvm.Details{
		Name: inst.Name, Zone: inst.Zone, InstanceType: inst.InstanceType, CPU: &inst.CPU, Memory: &inst.Memory,
		PrivateIPs: orEmpty(inst.PrivateIPs), PublicIPs: orEmpty(inst.PublicIPs), IPv6Addresses: orEmpty(inst.IPv6s),
		VpcID: inst.VpcID, SubnetID: inst.SubnetID, SecurityGroupIDs: orEmpty(inst.SecurityGroupIDs), ProjectID: &inst.ProjectID,
		ImageID: inst.ImageID, OsName: inst.OsName, Tags: maps.Clone(inst.Tags), ChargeType: inst.ChargeType,
		CreatedTime: inst.CreatedTime.UTC().Format(time.RFC3339),
		Latest:      cvm.LatestOperation{Action: latest.Action, State: latest.State, RequestID: latest.RequestID, ErrorMsg: latest.ErrorMsg},
	}
	if d.Tags == nil {
		d.Tags = map[string]string{}
	}
	if !inst.ExpiredTime.IsZero() {
		d.ExpiredTime = inst.ExpiredTime.UTC().Format(time.RFC3339)
	}
	return cvm.Status{ID: inst.ID, State: inst.State, Details: d}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// expectDescribed fails the test unless got holds exactly these instances of the fleet, in this
// order, each with every attribute described gives it.
func expectDescribed(t *testing.T, emu *emulator.Emulator, got []cvm.Status, want []emulator.Instance) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d instances, want %d", len(got), len(want))
	}
	for i, inst := range want {
		if w := described(emu, inst); !reflect.DeepEqual(got[i], w) || got[i].Details == nil {
			t.Fatalf("instance %d is\n%+v %+v\nwant\n%+v %+v", i, got[i], got[i].Details, w, w.Details)
		}
	}
}

// detailedFleet is a fleet of n whose instances have every kind of attribute: prepaid ones (with
// an end of term), some with an operation under way and one whose operation failed, IPv6
// addresses, none or several tags.
func detailedFleet(t *testing.T, n int) (*emulator.Emulator, *cvm.Client) {
	t.Helper()
	cfg := emulator.Config{Fleets: map[string]int{region: n}, Seed: 61, Operations: emulator.Operations{Duration: time.Hour}}
	probe := emulator.New(cfg)
	fleet := probe.Fleet(region)
	cfg.Prepaid = []string{fleet[3].ID, fleet[n-1].ID}
	emu, c := setup(t, cfg)
	if err := emu.Put(region, emulator.Instance{ID: fleet[5].ID, State: fleet[5].State, IPv6s: []string{"2402:4e00:1:2::5", "2402:4e00:1:2::6"}}); err != nil {
		t.Fatal(err)
	}
	var running []string
	for _, inst := range fleet[:40] {
		if inst.State == "RUNNING" {
			running = append(running, inst.ID)
		}
	}
	if _, err := c.SendOperation(context.Background(), cvm.Operation{Op: cvm.Stop, Region: region}, running); err != nil {
		t.Fatal(err)
	}
	return emu, c
}

// TestDetailsByIDGivesEveryAttribute: a read by ID through DescribeInstances returns every
// attribute the API answers, in the order asked for, at ceil(k/100) calls, and names the IDs it
// does not know.
func TestDetailsByIDGivesEveryAttribute(t *testing.T) {
	t.Parallel()
	emu, c := detailedFleet(t, 250)
	fleet := emu.Fleet(region)
	want := slices.Clone(fleet)
	slices.Reverse(want)
	ids := []string{"ins-gone0000"}
	for _, inst := range want {
		ids = append(ids, inst.ID)
	}
	before := emu.Calls("DescribeInstances")
	got, err := c.DetailsByID(context.Background(), region, append(ids, ids[1]))
	if err != nil {
		t.Fatal(err)
	}
	expectDescribed(t, emu, got.Statuses, want)
	if !slices.Equal(got.Missing, []string{"ins-gone0000"}) {
		t.Fatalf("missing %q, want ins-gone0000", got.Missing)
	}
	if calls := emu.Calls("DescribeInstances") - before; calls != 3 || emu.Calls("DescribeInstancesStatus") != 0 {
		t.Fatalf("%d DescribeInstances and %d DescribeInstancesStatus calls for 251 IDs, want 3 and none", calls, emu.Calls("DescribeInstancesStatus"))
	}
	if !slices.ContainsFunc(got.Statuses, func(s cvm.Status) bool { return s.Details.Latest.State == "OPERATING" }) ||
		!slices.ContainsFunc(got.Statuses, func(s cvm.Status) bool { return s.Details.ExpiredTime != "" }) ||
		!slices.ContainsFunc(got.Statuses, func(s cvm.Status) bool { return len(s.Details.IPv6Addresses) == 2 }) {
		t.Fatal("the fleet has no operation under way, prepaid instance or IPv6 address, which tests less than it should")
	}
}

// TestSelectWithoutFiltersListsTheRegionWithDetails: a selection of no filter lists the whole
// region through DescribeInstances, at the calls of a listing, sorted by ID; with states, only
// those, through the instance-state filter.
func TestSelectWithoutFiltersListsTheRegionWithDetails(t *testing.T) {
	t.Parallel()
	emu, c := detailedFleet(t, 450)
	before := emu.Calls("DescribeInstances")
	got := selectOK(t, c, cvm.Selection{Region: region})
	fleet := emu.Fleet(region)
	want := slices.SortedFunc(slices.Values(fleet), func(a, b emulator.Instance) int { return strings.Compare(a.ID, b.ID) })
	expectDescribed(t, emu, got, want)
	if calls := emu.Calls("DescribeInstances") - before; calls != 5 {
		t.Fatalf("%d calls to list 450 instances, want 5", calls)
	}

	before = emu.Calls("DescribeInstances")
	got = selectOK(t, c, cvm.Selection{Region: region, States: []string{"STOPPED"}})
	stopped := slices.DeleteFunc(want, func(i emulator.Instance) bool { return i.State != "STOPPED" })
	expectDescribed(t, emu, got, stopped)
	if calls := emu.Calls("DescribeInstances") - before; calls != (len(stopped)+99)/100 {
		t.Fatalf("%d calls to list %d stopped instances, want %d", calls, len(stopped), (len(stopped)+99)/100)
	}
}

// TestWaitWithDetails: a wait that polls through DescribeInstances returns each instance with its
// details, at the calls of a wait through DescribeInstancesStatus.
func TestWaitWithDetails(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 150}, Seed: 62})
	fleet := emu.Fleet(region)
	var ids []string
	for _, inst := range fleet {
		if inst.State == "RUNNING" {
			ids = append(ids, inst.ID)
		}
	}
	got, err := c.WaitForStates(context.Background(), cvm.Wait{Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: time.Second, Details: true})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.DeleteFunc(fleet, func(i emulator.Instance) bool { return i.State != "RUNNING" })
	expectDescribed(t, emu, got.Statuses, want)
	if emu.Calls("DescribeInstances") != (len(ids)+99)/100 || emu.Calls("DescribeInstancesStatus") != 0 {
		t.Fatalf("%d DescribeInstances and %d DescribeInstancesStatus calls, want %d and none",
			emu.Calls("DescribeInstances"), emu.Calls("DescribeInstancesStatus"), (len(ids)+99)/100)
	}
}

// TestDetailsByIDChecksAnswers: an answer that lists an instance not asked for is malformed,
// retried, then named.
func TestDetailsByIDChecksAnswers(t *testing.T) {
	t.Parallel()
	c, requests := hostileAPI(t, jsonAnswer(`{"Response":{"TotalCount":1,"InstanceSet":[{"InstanceId":"ins-other000","InstanceState":"RUNNING"}],"RequestId":"req-hostile"}}`))
	_, err := c.DetailsByID(context.Background(), region, []string{"ins-r8hr2upy"})
	if err == nil || !strings.Contains(err.Error(), "malformed response (RequestId req-hostile): entry 0 is ins-other000, which was not asked for") || requests.Load() != 3 {
		t.Fatalf("got %v after %d requests, want the stray instance named after 3", err, requests.Load())
	}
}

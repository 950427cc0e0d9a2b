package cvm_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// find runs s and returns what it found, in order.
func find(t *testing.T, c *cvm.Client, s cvm.Search) []cvm.Status {
	t.Helper()
	var got []cvm.Status
	warnings, err := c.Find(context.Background(), s, func(st cvm.Status) bool {
		got = append(got, st)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Fatalf("unexpected warnings %q", warnings)
	}
	return got
}

// listed is the region's fleet in listing order, keeping the instances in one of states (all
// when none are given).
func listed(emu *emulator.Emulator, states ...string) []cvm.Status {
	var want []cvm.Status
	for _, inst := range emu.Fleet(region) {
		if len(states) == 0 || slices.Contains(states, inst.State) {
			want = append(want, cvm.Status{ID: inst.ID, State: inst.State})
		}
	}
	return want
}

func TestFindReadsNoMorePagesThanTheLimitNeeds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ fleet, limit, calls int }{
		{0, 100, 1},
		{250, 0, 0},
		{250, 1, 1},
		{250, 100, 1},
		{250, 101, 2},
		{250, 250, 3},
		{250, 1000, 3},
		{1000, 420, 5},
	} {
		t.Run(fmt.Sprintf("%d of %d", tc.limit, tc.fleet), func(t *testing.T) {
			emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: tc.fleet}})
			got := find(t, c, cvm.Search{Region: region, Limit: tc.limit})
			if want := listed(emu); !slices.Equal(got, want[:min(tc.limit, len(want))]) {
				t.Fatalf("found %d instances, want the first %d of the fleet in listing order", len(got), min(tc.limit, len(want)))
			}
			if calls := emu.Calls("DescribeInstancesStatus"); calls != tc.calls {
				t.Fatalf("%d calls, want %d", calls, tc.calls)
			}
		})
	}
}

func TestFindKeepsOnlyTheStatesAsked(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 600}})
	states := []string{"STOPPED", "PENDING"}
	want := listed(emu, states...)
	if len(want) < 20 || len(want) > 400 {
		t.Fatalf("the seeded fleet has %d STOPPED or PENDING instances, which tests nothing", len(want))
	}
	if got := find(t, c, cvm.Search{Region: region, States: states, Limit: 10000}); !slices.Equal(got, want) {
		t.Fatalf("found %d instances, want the %d STOPPED or PENDING ones in listing order", len(got), len(want))
	}
	if calls := emu.Calls("DescribeInstancesStatus"); calls != 6 {
		t.Fatalf("%d calls, want 6: every page once", calls)
	}

	// A few kept instances are found on the first pages: the pages after them are never read.
	few := 5
	got := find(t, c, cvm.Search{Region: region, States: states, Limit: few})
	if !slices.Equal(got, want[:few]) {
		t.Fatalf("found %v, want the first %d kept instances %v", got, few, want[:few])
	}
	lastPage := slices.IndexFunc(listed(emu), func(s cvm.Status) bool { return s.ID == want[few-1].ID }) / 100
	if calls := emu.Calls("DescribeInstancesStatus") - 6; calls != lastPage+1 {
		t.Fatalf("%d calls, want %d: the pages up to the one holding the %dth kept instance", calls, lastPage+1, few)
	}
}

func TestFindStopsWhenAskedTo(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 500}})
	n := 0
	if _, err := c.Find(context.Background(), cvm.Search{Region: region, Limit: 500}, func(cvm.Status) bool {
		n++
		return n < 30
	}); err != nil {
		t.Fatal(err)
	}
	if n != 30 {
		t.Fatalf("found was called %d times after it asked to stop at 30", n)
	}
	if calls := emu.Calls("DescribeInstancesStatus"); calls != 1 {
		t.Fatalf("%d calls, want 1: the consumer stopped on the first page", calls)
	}
}

func TestFindListsEachInstanceOnceWhileTheFleetChanges(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 1000}, Faults: emulator.Faults{Seed: 4, Churn: 0.9}})
	before := emu.Fleet(region)
	seen := map[string]bool{}
	warnings, err := c.Find(context.Background(), cvm.Search{Region: region, Limit: 5000}, func(s cvm.Status) bool {
		if seen[s.ID] {
			t.Errorf("%s is found twice", s.ID)
		}
		seen[s.ID] = true
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	after := emu.Fleet(region)
	for _, inst := range before {
		if slices.ContainsFunc(after, func(a emulator.Instance) bool { return a.ID == inst.ID }) && !seen[inst.ID] {
			t.Fatalf("%s existed for the whole listing but was not found", inst.ID)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "changed during the read") {
		t.Fatalf("want one warning about the changing fleet, got %q", warnings)
	}
}

func TestFindFailsWithTheCallsError(t *testing.T) {
	t.Parallel()
	_, c := setup(t, emulator.Config{Fleets: map[string]int{region: 10}})
	_, err := c.Find(context.Background(), cvm.Search{Region: "ap-nowhere", Limit: 10}, func(cvm.Status) bool { return true })
	if err == nil || !strings.Contains(err.Error(), "ap-nowhere") {
		t.Fatalf("got %v, want the API's error about the region", err)
	}
}

func TestSettlingIsWhereAPassingStateLeads(t *testing.T) {
	t.Parallel()
	for state, want := range map[string]string{
		"PENDING": "RUNNING", "STARTING": "RUNNING", "REBOOTING": "RUNNING", "STOPPING": "STOPPED",
		"RUNNING": "RUNNING", "STOPPED": "STOPPED", "LAUNCH_FAILED": "LAUNCH_FAILED", "RESCUE_MODE": "RESCUE_MODE",
	} {
		if got := cvm.Settling(state); got != want {
			t.Errorf("Settling(%s) = %s, want %s", state, got, want)
		}
	}
}

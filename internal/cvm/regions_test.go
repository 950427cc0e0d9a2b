package cvm_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const otherRegion = "ap-shanghai"

// TestThrottledRegionLeavesAnothersReadsUntouched: the emulator's limits hold per action and
// region, as the API's do, and so do the client's paces. On a clock that stands still, another
// client spends ap-guangzhou's burst and is throttled; a listing of ap-shanghai then goes
// unthrottled at its region's full pace.
func TestThrottledRegionLeavesAnothersReadsUntouched(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{Fleets: map[string]int{region: 50, otherRegion: 250}})
	srv := serveEmulator(t, emu)
	hog := newClient(t, srv, func(c *cvm.Config) {
		c.MaxRetries = 0 // its own pace, on the real clock, and no retry of the throttled answer
		c.RateLimit, c.ActionLimits = 0, map[string]float64{"DescribeInstancesStatus": 1e6}
	})
	var throttled int
	for range emulator.DescribeRateLimit + 1 {
		if _, err := hog.ListStatuses(context.Background(), region); err != nil {
			throttled++
		}
	}
	if throttled != 1 || emu.Stats().Throttled != 1 {
		t.Fatalf("%d of %d listings of %s were refused, want the one past the burst", throttled, emulator.DescribeRateLimit+1, region)
	}

	// Three pages at the client's pace: the clock moves by the pace's interval for each.
	done := make(chan struct{})
	var got cvm.Result
	var err error
	go func() { got, err = c.ListStatuses(context.Background(), otherRegion); close(done) }()
	advanceUntil(clock, done)
	if err != nil || !slices.Equal(got.Statuses, sortedFleet(emu, otherRegion)) {
		t.Fatalf("the listing of %s got %v, %d instances", otherRegion, err, len(got.Statuses))
	}
	if n := emu.Stats().Throttled; n != 1 {
		t.Fatalf("%d calls throttled in all, want only the other client's one in %s", n, region)
	}
	if pace := c.Pace("DescribeInstancesStatus", otherRegion); pace != emulator.DescribeRateLimit {
		t.Fatalf("the pace of %s is %v per second, want its limit", otherRegion, pace)
	}
}

// TestRegionsThatShareOneLimitBothFinish: should an account's limit span regions, each region's
// pace backs off on its own throttled answers. Two regions listed at once, three times each, at a
// pace of 20 per second each against one limit of 20 per second for both: both read every
// instance, though some calls were throttled.
func TestRegionsThatShareOneLimitBothFinish(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{
		Fleets:    map[string]int{region: 1000, otherRegion: 1000},
		RateLimit: 20, RateLimitAcrossRegions: true,
	}, func(c *cvm.Config) { c.RateLimit = 20 })
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		r := []string{region, otherRegion}[i%2]
		wg.Go(func() {
			got, err := c.ListStatuses(context.Background(), r)
			if err == nil && !slices.Equal(got.Statuses, sortedFleet(emu, r)) {
				t.Errorf("a listing of %s got %d instances", r, len(got.Statuses))
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if emu.Stats().Throttled == 0 {
		t.Fatal("no call was throttled: the limit was not shared")
	}
}

func serveEmulator(t *testing.T, emu *emulator.Emulator) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return srv
}

// advanceUntil moves clock on by the pace's interval at 40 per second until done is closed.
func advanceUntil(clock *emulator.Clock, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-time.After(time.Millisecond):
			clock.Advance(time.Second / emulator.DescribeRateLimit)
		}
	}
}

package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// setupPaced is setup with one clock for the emulator and the client's paces: a call that waits
// for its turn goes only when the test moves the clock, so that the test decides who joins it.
func setupPaced(t *testing.T, cfg emulator.Config, tune ...func(*cvm.Config)) (*emulator.Emulator, *cvm.Client, *emulator.Clock) {
	t.Helper()
	clock := emulator.NewClock(time.Now())
	cfg.Now = clock.Now
	emu, c := setup(t, cfg, append([]func(*cvm.Config){func(c *cvm.Config) { c.Now = clock.Now }}, tune...)...)
	return emu, c, clock
}

// emptyThePace spends the tokens of the pace of read's action with lone calls of read, on a
// clock that stands still, so that the calls that follow wait for their turn; it returns the IDs
// those calls carried.
func emptyThePace(t *testing.T, read func(i int) error) []int {
	t.Helper()
	for i := range cvm.PaceBurst {
		if err := read(i); err != nil {
			t.Fatal(err)
		}
	}
	return slices.Repeat([]int{1}, cvm.PaceBurst)
}

// awaitJoining blocks until n callers wait for the turn of action's calls. Callers join within
// milliseconds; a minute without them is a test that would otherwise hang, and fails instead.
func awaitJoining(t *testing.T, c *cvm.Client, action string, n int) {
	t.Helper()
	giveUp := time.Now().Add(time.Minute)
	for c.Joining(action, region) != n {
		if time.Now().After(giveUp) {
			t.Fatalf("%d callers wait in %s calls after a minute, want %d", c.Joining(action, region), action, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// together runs n callers at once and waits for them; each gets its index.
func together(n int, caller func(i int)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { caller(i) })
	}
	return &wg
}

func idsPerCall(emu *emulator.Emulator, action string) []int {
	return emu.Stats().IDsPerCall[action]
}

// TestReadsByIDThatWaitTogetherGoAsOneCall: a lone read goes at once; 50 reads of two instances
// each, overlapping, that arrive while the next call waits for its turn go as one call of the 51
// instances, and each reader gets exactly its own two, in its order; reads of 60, 60 and 40
// instances go as two calls, of 100 and 60.
func TestReadsByIDThatWaitTogetherGoAsOneCall(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{Fleets: map[string]int{region: 300}})
	fleet := emu.Fleet(region)
	ids := make([]string, len(fleet))
	states := map[string]string{}
	for i, inst := range fleet {
		ids[i], states[inst.ID] = inst.ID, inst.State
	}
	ctx := context.Background()
	// The clock holds still: these reads go on the pace's tokens, joining nothing.
	lone := emptyThePace(t, func(int) error { _, err := c.StatusesByID(ctx, region, ids[:1]); return err })

	results := make([]cvm.Result, 50)
	errs := make([]error, 50)
	wg := together(50, func(i int) {
		// Backwards, so that each reader's order differs from the call's.
		results[i], errs[i] = c.StatusesByID(ctx, region, []string{ids[i+2], ids[i+1]})
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 50)
	clock.Advance(time.Second / emulator.DescribeRateLimit)
	wg.Wait()
	for i, result := range results {
		want := []cvm.Status{{ID: ids[i+2], State: states[ids[i+2]]}, {ID: ids[i+1], State: states[ids[i+1]]}}
		if errs[i] != nil || !slices.Equal(result.Statuses, want) || len(result.Missing) != 0 {
			t.Fatalf("reader %d got %v, %v (missing %v), want %v", i, errs[i], result.Statuses, result.Missing, want)
		}
	}
	if got, want := idsPerCall(emu, "DescribeInstancesStatus"), slices.Concat(lone, []int{51}); !slices.Equal(got, want) {
		t.Fatalf("the calls carried %v IDs, want %v: the lone reads, then the 50 readers' 51 instances", got, want)
	}

	sizes := []int{60, 60, 40}
	wg = together(len(sizes), func(i int) {
		start := 100 + i*60
		_, errs[i] = c.StatusesByID(ctx, region, ids[start:start+sizes[i]])
	})
	awaitJoining(t, c, "DescribeInstancesStatus", len(sizes))
	for c.Joining("DescribeInstancesStatus", region) > 0 {
		clock.Advance(time.Second / emulator.DescribeRateLimit)
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	if err := errors.Join(errs[:3]...); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(slices.Values(idsPerCall(emu, "DescribeInstancesStatus")[len(lone)+1:]))
	if !slices.Equal(got, []int{60, 100}) {
		t.Fatalf("reads of 60, 60 and 40 instances went as calls of %v IDs, want one of 100 and one of 60", got)
	}
}

// TestLookUpsThatWaitTogetherGoAsOneCall: DescribeInstances look-ups by ID join as reads do.
func TestLookUpsThatWaitTogetherGoAsOneCall(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{})
	ids := instances(t, emu, "looku", 11, "RUNNING")
	lone := emptyThePace(t, func(int) error { _, err := c.LatestOperations(context.Background(), region, ids[:1]); return err })
	wg := together(10, func(i int) {
		if _, err := c.LatestOperations(context.Background(), region, ids[i+1:i+2]); err != nil {
			t.Error(err)
		}
	})
	awaitJoining(t, c, "DescribeInstances", 10)
	clock.Advance(time.Second / emulator.DescribeRateLimit)
	wg.Wait()
	if got, want := idsPerCall(emu, "DescribeInstances"), slices.Concat(lone, []int{10}); !slices.Equal(got, want) {
		t.Fatalf("the look-ups went as calls of %v IDs, want %v", got, want)
	}
}

// TestCallerThatLeavesIsNotSent: of three readers waiting in one call, the one canceled gets an
// error that says so, and the call goes without its instance; a call whose every caller left is
// not sent at all.
func TestCallerThatLeavesIsNotSent(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{})
	ids := instances(t, emu, "leave", 5, "RUNNING")
	ctx := context.Background()
	lone := emptyThePace(t, func(int) error { _, err := c.StatusesByID(ctx, region, ids[:1]); return err })
	leaving, leave := context.WithCancel(ctx)
	errs := make([]error, 3)
	wg := together(3, func(i int) {
		readCtx := ctx
		if i == 1 {
			readCtx = leaving
		}
		_, errs[i] = c.StatusesByID(readCtx, region, ids[i+1:i+2])
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 3)
	leave()
	awaitJoining(t, c, "DescribeInstancesStatus", 2)
	clock.Advance(time.Second / emulator.DescribeRateLimit)
	wg.Wait()
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("the readers that stayed got %v and %v", errs[0], errs[2])
	}
	says := fmt.Sprintf("DescribeInstancesStatus in %s failed on the batch 1 of 1 (1 IDs, %s to %s), when it was canceled: "+
		"it was canceled before the request could be sent", region, ids[2], ids[2])
	if errs[1] == nil || errs[1].Error() != says {
		t.Fatalf("the reader that left got %v, want %q", errs[1], says)
	}
	if got, want := idsPerCall(emu, "DescribeInstancesStatus"), slices.Concat(lone, []int{2}); !slices.Equal(got, want) {
		t.Fatalf("the calls carried %v IDs, want %v: the instance of the reader that left was not sent", got, want)
	}

	alone, leaveAlone := context.WithCancel(ctx)
	wg = together(1, func(int) { _, errs[0] = c.StatusesByID(alone, region, ids[4:]) })
	awaitJoining(t, c, "DescribeInstancesStatus", 1)
	leaveAlone()
	wg.Wait()
	clock.Advance(time.Second)
	if _, err := c.StatusesByID(ctx, region, ids[:1]); err != nil || errs[0] == nil {
		t.Fatalf("got %v and %v, want a read that works after the one that was canceled", err, errs[0])
	}
	if got, want := idsPerCall(emu, "DescribeInstancesStatus"), slices.Concat(lone, []int{2, 1}); !slices.Equal(got, want) {
		t.Fatalf("the calls carried %v IDs, want %v: the call whose only reader left was not sent", got, want)
	}
}

// TestRefusedInstanceIsIsolated: ten callers stop one instance each in one joined StopInstances
// call; another client's task holds one of the instances, so the API refuses the call. The call is
// split until the refusal concerns that instance alone: its caller gets the refusal, as its own
// request, and the other nine are stopped, each with the RequestId of the call that carried it.
func TestRefusedInstanceIsIsolated(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{})
	ids := instances(t, emu, "isola", 11+cvm.PaceBurst, "RUNNING")
	const busy = "OperationDenied.InstanceOperationInProgress"
	if err := emu.Hold(region, ids[4], busy, time.Hour); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	stop := cvm.Operation{Op: cvm.Stop, Region: region}
	lone := emptyThePace(t, func(i int) error { _, err := c.SendOperation(ctx, stop, ids[11+i:12+i]); return err })
	requestIDs := make([]string, 10)
	errs := make([]error, 10)
	wg := together(10, func(i int) { requestIDs[i], errs[i] = c.SendOperation(ctx, stop, ids[i+1:i+2]) })
	awaitJoining(t, c, "StopInstances", 10)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	// The halves of a refused call wait for their turns too.
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-time.After(time.Millisecond):
			clock.Advance(time.Second / 10)
		}
	}
	for i, err := range errs {
		id := ids[i+1]
		if id == ids[4] {
			var apiErr *cvm.Error
			if !errors.As(err, &apiErr) || apiErr.Code != busy || !strings.Contains(apiErr.Request, id) {
				t.Fatalf("the caller of the busy instance got %v, want %s for its own batch", err, busy)
			}
			continue
		}
		latest, ok := emu.Latest(region, id)
		if err != nil || !ok || latest.RequestID != requestIDs[i] {
			t.Fatalf("the caller of %s got %q, %v; the emulator's latest operation on it is %+v", id, requestIDs[i], err, latest)
		}
	}
	calls := idsPerCall(emu, "StopInstances")
	// The halves go at once, in any order.
	n := len(lone)
	if len(calls) < n+2 || calls[n] != 10 || !slices.Contains(calls[n+1:], 1) || len(calls) > n+1+2*4 {
		t.Fatalf("the calls carried %v IDs, want the lone stops, the ten, then halves down to one, at most 4 halvings", calls)
	}
	if got, want := emu.Stats().Operated["StopInstances"], len(lone)+9; got != want {
		t.Fatalf("the emulator stopped %d instances, want %d: the lone stops' and all of the ten but the busy one", got, want)
	}
}

// TestPaceDropsOnThrottlingAndClimbsBack, on the emulator's clock: a read answered
// RequestLimitExceeded is retried at a pace cut below the limit, and once the clock has moved on,
// the next read goes at the limit again.
func TestPaceDropsOnThrottlingAndClimbsBack(t *testing.T) {
	t.Parallel()
	type line struct {
		attempt int
		pace    float64
		err     string
	}
	lines := make(chan line, 16)
	emu, c, clock := setupPaced(t, emulator.Config{Fleets: map[string]int{region: 5}}, func(c *cvm.Config) {
		c.Log = func(_ context.Context, _ string, fields ...map[string]any) {
			f := fields[0]
			lines <- line{f["attempt"].(int), f["pace_per_second"].(float64), f["error"].(string)}
		}
	})
	emu.SetFaults(emulator.Faults{Throttle: 1})
	read := make(chan error, 1)
	go func() { _, err := c.ListStatuses(context.Background(), region); read <- err }()
	first := <-lines
	if first.attempt != 1 || first.pace != emulator.DescribeRateLimit || !strings.Contains(first.err, "RequestLimitExceeded") {
		t.Fatalf("the first attempt was %+v, want one at the limit of %v per second, throttled", first, emulator.DescribeRateLimit)
	}
	// The retry waits for the cut pace, which the frozen clock holds at less than a token.
	emu.SetFaults(emulator.Faults{})
	clock.Advance(2 * time.Second)
	retry := <-lines
	if err := <-read; err != nil || retry.attempt != 2 || retry.pace >= first.pace/2 {
		t.Fatalf("the retry was %+v with %v, want a second attempt that works, at a pace well below %v", retry, err, first.pace)
	}
	clock.Advance(time.Minute)
	if _, err := c.ListStatuses(context.Background(), region); err != nil {
		t.Fatal(err)
	}
	if after := <-lines; after.pace != emulator.DescribeRateLimit {
		t.Fatalf("a minute later the pace is %v per second, want the limit of %v", after.pace, emulator.DescribeRateLimit)
	}
}

// TestRefusalOfEveryoneGoesToEveryCallerFromOneCall: 16 readers joined in one call that the API
// refuses for a reason that concerns no instance (the keys may not call the action): the call is
// not split, and every reader gets the refusal, with its code and RequestId, from that one call.
func TestRefusalOfEveryoneGoesToEveryCallerFromOneCall(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{Fleets: map[string]int{region: 20}})
	ids := make([]string, 0, 20)
	for _, inst := range emu.Fleet(region) {
		ids = append(ids, inst.ID)
	}
	ctx := context.Background()
	lone := emptyThePace(t, func(int) error { _, err := c.StatusesByID(ctx, region, ids[:1]); return err })
	emu.Deny("DescribeInstancesStatus")
	errs := make([]error, 16)
	wg := together(16, func(i int) { _, errs[i] = c.StatusesByID(ctx, region, ids[i+1:i+2]) })
	awaitJoining(t, c, "DescribeInstancesStatus", 16)
	clock.Advance(time.Second / emulator.DescribeRateLimit)
	wg.Wait()
	requestIDs := map[string]bool{}
	for i, err := range errs {
		var apiErr *cvm.Error
		if !errors.As(err, &apiErr) || apiErr.Code != "UnauthorizedOperation" || apiErr.RequestID == "" ||
			!strings.Contains(err.Error(), ids[i+1]) {
			t.Fatalf("reader %d got %v, want UnauthorizedOperation with its RequestId, for its own batch", i, err)
		}
		requestIDs[apiErr.RequestID] = true
	}
	if got := emu.Stats().Calls["DescribeInstancesStatus"]; got != len(lone)+1 || len(requestIDs) != 1 {
		t.Fatalf("%d calls with %d RequestIds, want %d: the lone reads, then one refused call for all", got, len(requestIDs), len(lone)+1)
	}
}

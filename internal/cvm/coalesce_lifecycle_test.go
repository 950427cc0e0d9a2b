package cvm_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// heldTransport holds every request until the test lets it go, so that a test can act while a
// call is under way; it records the deadline of each request's context.
type heldTransport struct {
	arrived   chan time.Time // each request's deadline (zero: none), as it arrives
	release   chan struct{}
	canceled  chan struct{} // a request whose context ended while it was held
	transport http.RoundTripper
}

func newHeldTransport() *heldTransport {
	return &heldTransport{arrived: make(chan time.Time, 16), release: make(chan struct{}), canceled: make(chan struct{}, 16), transport: http.DefaultTransport}
}

func (h *heldTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	deadline, _ := r.Context().Deadline()
	h.arrived <- deadline
	select {
	case <-h.release:
	case <-r.Context().Done():
		h.canceled <- struct{}{}
		return nil, r.Context().Err()
	}
	return h.transport.RoundTrip(r)
}

// TestJoinedCallLivesUntilItsLastCallersDeadline: two readers with deadlines one second apart
// share a call that the API does not answer in time. The first leaves at its deadline, told that
// its time ran out before the API answered (its instance was sent); the call goes on for the
// second, whose deadline is the call's, and ends there.
func TestJoinedCallLivesUntilItsLastCallersDeadline(t *testing.T) {
	t.Parallel()
	held := newHeldTransport()
	emu, c, clock := setupPaced(t, emulator.Config{}, func(c *cvm.Config) { c.Transport = held; c.MaxRetries = 0 })
	ids := instances(t, emu, "dline", 3, "RUNNING")
	go func() { _, _ = c.StatusesByID(context.Background(), region, ids[:1]) }() // the bucket's token
	<-held.arrived
	held.release <- struct{}{}

	first := time.Now().Add(time.Second)
	deadlines := []time.Time{first, first.Add(time.Second)}
	errs := make([]error, 2)
	wg := together(2, func(i int) {
		ctx, cancel := context.WithDeadline(context.Background(), deadlines[i])
		defer cancel()
		_, errs[i] = c.StatusesByID(ctx, region, ids[i+1:i+2])
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 2)
	clock.Advance(time.Second / emulator.DescribeRateLimit)
	if got := <-held.arrived; !got.Equal(deadlines[1]) {
		t.Fatalf("the joined call's deadline is %v, want the later caller's, %v", got, deadlines[1])
	}
	<-held.canceled // at the second deadline: the call ended with its last caller
	wg.Wait()
	for i, err := range errs {
		var apiErr *cvm.Error
		// The last reader and the call end at the same deadline: either may say so first.
		if !errors.As(err, &apiErr) || !apiErr.TimedOut || apiErr.Attempts != 1 ||
			i == 0 && !strings.HasSuffix(err.Error(), "its time ran out before the API answered") {
			t.Fatalf("reader %d got %v, want a time-out after 1 attempt, before the API answered", i, err)
		}
	}
}

// TestCallerThatLeavesAfterItsCallWentIsToldItWasSent: a reader canceled while the call that
// carries its instance is under way is told that it was canceled before the API answered, not
// that its request was never sent; the other reader of the call gets its answer.
func TestCallerThatLeavesAfterItsCallWentIsToldItWasSent(t *testing.T) {
	t.Parallel()
	held := newHeldTransport()
	emu, c, clock := setupPaced(t, emulator.Config{}, func(c *cvm.Config) { c.Transport = held })
	ids := instances(t, emu, "sentx", 3, "RUNNING")
	go func() { _, _ = c.StatusesByID(context.Background(), region, ids[:1]) }()
	<-held.arrived
	held.release <- struct{}{}

	leaving, leave := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() { _, err := c.StatusesByID(leaving, region, ids[1:2]); left <- err }()
	var stayed cvm.Result
	var stayedErr error
	wg := together(1, func(int) { stayed, stayedErr = c.StatusesByID(context.Background(), region, ids[2:3]) })
	awaitJoining(t, c, "DescribeInstancesStatus", 2)
	clock.Advance(time.Second / emulator.DescribeRateLimit)
	<-held.arrived
	leave()
	leftErr := <-left
	held.release <- struct{}{}
	wg.Wait()
	var apiErr *cvm.Error
	if !errors.As(leftErr, &apiErr) || !apiErr.Canceled || !strings.HasSuffix(leftErr.Error(), "it was canceled before the API answered") {
		t.Fatalf("the reader that left got %v, want a cancel before the API answered", leftErr)
	}
	if stayedErr != nil || len(stayed.Statuses) != 1 || stayed.Statuses[0].ID != ids[2] {
		t.Fatalf("the reader that stayed got %v, %v", stayed, stayedErr)
	}
	if got := idsPerCall(emu, "DescribeInstancesStatus"); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("the calls carried %v IDs, want [1 2]", got)
	}
}

// TestHoldAfterAnAnswerWaitsForTheCallersItReleased: after a call of three readers that was
// throttled and then answered, a read that comes at once waits (though the pace has tokens to
// spare) for the other two, and goes as soon as they are in; the next read after that answer goes
// once the release window has passed on the client's clock, measured from the last attempt and
// not from the throttled first one.
func TestHoldAfterAnAnswerWaitsForTheCallersItReleased(t *testing.T) {
	t.Parallel()
	// A pace of 1,000 per second: a token comes within the release window.
	emu, c, clock := setupPaced(t, emulator.Config{}, func(c *cvm.Config) {
		c.RateLimit, c.ActionLimits = 1000, map[string]float64{"DescribeInstancesStatus": 1000}
	})
	ids := instances(t, emu, "holdx", 4, "RUNNING")
	ctx := context.Background()
	if _, err := c.StatusesByID(ctx, region, ids[:1]); err != nil {
		t.Fatal(err)
	}
	emu.SetFaults(emulator.Faults{Throttle: 1})
	wg := together(3, func(i int) {
		if _, err := c.StatusesByID(ctx, region, ids[i:i+1]); err != nil {
			t.Error(err)
		}
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 3)
	clock.Advance(time.Millisecond)
	for c.Pace("DescribeInstancesStatus", region) == 1000 { // the throttled answer cut it
		time.Sleep(time.Millisecond)
	}
	emu.SetFaults(emulator.Faults{})
	// The retry waits for the cut pace; the clock moves on by the seconds the pace takes to climb
	// back to its limit, the release window's many times over.
	clock.Advance(30 * time.Second)
	wg.Wait()
	clock.Advance(time.Millisecond) // a token, within the window

	// Right after the answer that released three readers: the first to come back is held for the
	// other two.
	done := together(1, func(int) {
		if _, err := c.StatusesByID(ctx, region, ids[3:4]); err != nil {
			t.Error(err)
		}
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 1)
	time.Sleep(20 * time.Millisecond) // the clock stands still: nothing may go meanwhile
	if got := c.Joining("DescribeInstancesStatus", region); got != 1 {
		t.Fatalf("%d readers wait, want the one held", got)
	}
	wg = together(2, func(i int) {
		if _, err := c.StatusesByID(ctx, region, ids[i:i+1]); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	done.Wait()
	clock.Advance(time.Millisecond)
	calls := idsPerCall(emu, "DescribeInstancesStatus")
	if got := calls[len(calls)-1]; got != 3 {
		t.Fatalf("the calls carried %v IDs, want the three readers that came back in one call", calls)
	}

	// After that answer (three released), a lone reader is held until the window has passed.
	done = together(1, func(int) {
		if _, err := c.StatusesByID(ctx, region, ids[:1]); err != nil {
			t.Error(err)
		}
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 1)
	clock.Advance(cvm.ReleaseWindow)
	done.Wait()
	if got := idsPerCall(emu, "DescribeInstancesStatus"); len(got) != len(calls)+1 || got[len(got)-1] != 1 {
		t.Fatalf("the calls carried %v IDs, want a last one of 1 once the window passed", got)
	}
}

// TestLoneCallsGoAtOnce: with tokens to spare, reads one after the other each go at once, on a
// clock that stands still between them but for the pace's interval, and none waits for another.
func TestLoneCallsGoAtOnce(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{})
	ids := instances(t, emu, "alone", 5, "RUNNING")
	for i := range ids {
		if _, err := c.StatusesByID(context.Background(), region, ids[i:i+1]); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second / emulator.DescribeRateLimit)
	}
	if got := idsPerCall(emu, "DescribeInstancesStatus"); !slices.Equal(got, []int{1, 1, 1, 1, 1}) {
		t.Fatalf("the calls carried %v IDs, want five lone calls", got)
	}
}

// TestCallerThatLeavesDuringTheHoldIsNotSent: a reader held for the callers an answer released,
// canceled during the hold, is told its request was not sent, and no call goes for it.
func TestCallerThatLeavesDuringTheHoldIsNotSent(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupPaced(t, emulator.Config{})
	ids := instances(t, emu, "hleav", 3, "RUNNING")
	ctx := context.Background()
	if _, err := c.StatusesByID(ctx, region, ids[:1]); err != nil {
		t.Fatal(err)
	}
	wg := together(2, func(i int) {
		if _, err := c.StatusesByID(ctx, region, ids[i+1:i+2]); err != nil {
			t.Error(err)
		}
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 2)
	clock.Advance(time.Second / emulator.DescribeRateLimit)
	wg.Wait()
	leaving, leave := context.WithCancel(ctx)
	var err error
	var mu sync.Mutex
	done := together(1, func(int) {
		_, e := c.StatusesByID(leaving, region, ids[:1])
		mu.Lock()
		err = e
		mu.Unlock()
	})
	awaitJoining(t, c, "DescribeInstancesStatus", 1)
	leave()
	done.Wait()
	if err == nil || !strings.HasSuffix(err.Error(), "it was canceled before the request could be sent") {
		t.Fatalf("the reader that left during the hold got %v", err)
	}
	clock.Advance(time.Second)
	if got := idsPerCall(emu, "DescribeInstancesStatus"); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("the calls carried %v IDs, want [1 2]: nothing for the reader that left", got)
	}
}

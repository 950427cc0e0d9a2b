package cvm_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
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
	emptyThePace(t, func(int) error {
		return passThrough(held, func() error { _, err := c.StatusesByID(context.Background(), region, ids[:1]); return err })
	})

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
	lone := emptyThePace(t, func(int) error {
		return passThrough(held, func() error { _, err := c.StatusesByID(context.Background(), region, ids[:1]); return err })
	})

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
	if got, want := idsPerCall(emu, "DescribeInstancesStatus"), slices.Concat(lone, []int{2}); !slices.Equal(got, want) {
		t.Fatalf("the calls carried %v IDs, want %v", got, want)
	}
}

// TestNoHoldAfterAThrottledJoinedCall: a call of three readers, throttled and then answered after
// its retry; a read right after it goes on the next token, alone, without waiting for the readers
// the answer released, nor for as long as the throttled call took.
func TestNoHoldAfterAThrottledJoinedCall(t *testing.T) {
	t.Parallel()
	// A pace of 1,000 per second, so that a millisecond of the clock is a token.
	emu, c, clock := setupPaced(t, emulator.Config{}, func(c *cvm.Config) {
		c.RateLimit, c.ActionLimits = 1000, map[string]float64{"DescribeInstancesStatus": 1000}
	})
	ids := instances(t, emu, "holdx", 4, "RUNNING")
	ctx := context.Background()
	lone := emptyThePace(t, func(int) error { _, err := c.StatusesByID(ctx, region, ids[:1]); return err })
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
	// back to its limit.
	clock.Advance(30 * time.Second)
	wg.Wait()
	clock.Advance(time.Millisecond)
	if _, err := c.StatusesByID(ctx, region, ids[3:4]); err != nil {
		t.Fatal(err)
	}
	if got, want := idsPerCall(emu, "DescribeInstancesStatus"), slices.Concat(lone, []int{3, 1}); !slices.Equal(got, want) {
		t.Fatalf("the calls carried %v IDs, want %v: the lone reads, the throttled call's retry, then a read alone", got, want)
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

// passThrough runs call, which sends one request through held, lets that request through and
// returns call's error.
func passThrough(held *heldTransport, call func() error) error {
	errs := make(chan error, 1)
	go func() { errs <- call() }()
	<-held.arrived
	held.release <- struct{}{}
	return <-errs
}

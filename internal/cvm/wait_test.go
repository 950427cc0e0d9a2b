package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// launching launches n instances in emu that are PENDING now and RUNNING after the given delay
// each (the i-th after delay(i)), and returns their IDs.
func launching(t testing.TB, emu *emulator.Emulator, prefix string, n int, delay func(i int) time.Duration) []string {
	t.Helper()
	transitions, ids := emulator.Launches(region, prefix, n, "RUNNING", delay)
	for _, tr := range transitions {
		if err := emu.Schedule(tr); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// polls records the progress of a wait.
type polls []cvm.WaitProgress

func (p *polls) record(_ context.Context, progress cvm.WaitProgress) { *p = append(*p, progress) }

// ticking records the progress of a wait and moves the emulator's clock by d after each poll: the
// emulator sees d pass between two polls, however long the machine takes.
func (p *polls) ticking(clock *emulator.Clock, d time.Duration) func(context.Context, cvm.WaitProgress) {
	return func(ctx context.Context, progress cvm.WaitProgress) {
		p.record(ctx, progress)
		clock.Advance(d)
	}
}

// TestWaitPollsOnlyThePendingInstances waits for 150 instances of which 20 are still launching:
// the first poll reads all 150 in 2 calls, every later one only the pending 20 in 1.
func TestWaitPollsOnlyThePendingInstances(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupClocked(t, emulator.Config{Fleets: map[string]int{region: 130}, Seed: 5})
	var ids []string
	for _, inst := range emu.Fleet(region) {
		if err := emu.Put(region, emulator.Instance{ID: inst.ID, State: "RUNNING"}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inst.ID)
	}
	// The launching instances are spread through the list, and become RUNNING 100 to 290 ms from
	// now on the emulator's clock, which moves 50 ms a poll: from the third poll to the seventh.
	for i, id := range launching(t, emu, "new0", 20, func(i int) time.Duration { return time.Duration(100+10*i) * time.Millisecond }) {
		ids = slices.Insert(ids, i*7, id)
	}

	var seen polls
	got, err := c.WaitForStates(context.Background(), cvm.Wait{
		Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: time.Millisecond, Progress: seen.ticking(clock, 50*time.Millisecond),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]cvm.Status, len(ids))
	for i, id := range ids {
		want[i] = cvm.Status{ID: id, State: "RUNNING"}
	}
	if !slices.Equal(got.Statuses, want) || len(got.Missing) != 0 {
		t.Fatalf("the wait returned %v, want every instance RUNNING in the order asked for", got.Statuses)
	}
	if len(seen) != 7 || len(seen[0].Pending) != 20 || seen[0].Done != 130 || seen[0].Total != 150 {
		t.Fatalf("the first poll saw %d done of %d and %d pending, in %d polls; want 130 of 150 and 20, then 6 more polls",
			seen[0].Done, seen[0].Total, len(seen[0].Pending), len(seen))
	}
	for _, p := range seen[0].Pending {
		if p.State != "PENDING" {
			t.Fatalf("the first poll saw %s in %q, want PENDING", p.ID, p.State)
		}
	}
	final := seen[len(seen)-1]
	if final.Done != 150 || len(final.Pending) != 0 {
		t.Fatalf("the last poll saw %d done and %d pending", final.Done, len(final.Pending))
	}
	wantCalls := 2 + (len(seen) - 1)
	if calls := emu.Calls("DescribeInstancesStatus"); calls != wantCalls || final.Calls != wantCalls {
		t.Fatalf("%d polls made %d calls (the wait counted %d), want 2 + 1 per later poll = %d", len(seen), calls, final.Calls, wantCalls)
	}
}

func TestWaitForInstancesNotListedYet(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupClocked(t, emulator.Config{})
	// ins-late0001 appears after 100 ms, PENDING, and is RUNNING after 200 ms: at the sixth poll
	// and the eleventh, on the emulator's clock that moves 20 ms a poll.
	for _, tr := range []emulator.Transition{
		{Region: region, Instance: emulator.Instance{ID: "ins-late0001", State: "PENDING"}, After: 100 * time.Millisecond},
		{Region: region, Instance: emulator.Instance{ID: "ins-late0001", State: "RUNNING"}, After: 200 * time.Millisecond},
	} {
		if err := emu.Schedule(tr); err != nil {
			t.Fatal(err)
		}
	}
	var seen polls
	got, err := c.WaitForStates(context.Background(), cvm.Wait{
		Region: region, IDs: []string{"ins-late0001"}, States: []string{"RUNNING", "STOPPED"}, PollInterval: time.Millisecond, Progress: seen.ticking(clock, 20*time.Millisecond),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Statuses, []cvm.Status{{ID: "ins-late0001", State: "RUNNING"}}) {
		t.Fatalf("got %v", got.Statuses)
	}
	if first := seen[0].Pending; len(first) != 1 || first[0].State != "" {
		t.Fatalf("the first poll saw %v, want the instance not listed yet", first)
	}
	if sixth := seen[5].Pending; len(seen) != 11 || len(sixth) != 1 || sixth[0].State != "PENDING" {
		t.Fatalf("%d polls, the sixth saw %v; want the instance PENDING at the sixth and RUNNING at the eleventh", len(seen), seen[5].Pending)
	}
}

// TestWaitFailsAtOnceOnADeadEnd: an instance in a state it cannot leave on its own, or gone
// after it was listed, ends the wait at the poll that sees it, not at the deadline.
func TestWaitFailsAtOnceOnADeadEnd(t *testing.T) {
	t.Parallel()
	for _, end := range []emulator.Transition{
		{Instance: emulator.Instance{State: "LAUNCH_FAILED"}},
		{Instance: emulator.Instance{State: "SHUTDOWN"}},
		{Instance: emulator.Instance{State: "TERMINATING"}},
		{Terminated: true},
	} {
		name := end.State + map[bool]string{true: "terminated"}[end.Terminated]
		t.Run(name, func(t *testing.T) {
			emu, c, clock := setupClocked(t, emulator.Config{})
			ids := launching(t, emu, "ok00", 3, func(int) time.Duration { return time.Hour })
			end.Region, end.ID, end.After = region, ids[1], 100*time.Millisecond
			if err := emu.Schedule(end); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var seen polls
			_, err := c.WaitForStates(ctx, cvm.Wait{Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: time.Millisecond, Progress: seen.ticking(clock, 20*time.Millisecond)})
			var waitErr *cvm.WaitError
			if !errors.As(err, &waitErr) || waitErr.TimedOut || !slices.Equal(waitErr.Stuck, []cvm.Status{{ID: ids[1], State: end.State}}) {
				t.Fatalf("want the wait to fail on %s, got %v", ids[1], err)
			}
			state := end.State
			if end.Terminated {
				state = "no longer exists"
			}
			want := fmt.Sprintf("1 of 3 instances in %s will never be RUNNING: %s (%s)", region, ids[1], state)
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("the error says %q, want it to say %q", err, want)
			}
			// The emulator's clock reaches the change at the sixth poll, and the wait ends there.
			if len(seen) != 6 {
				t.Fatalf("the wait made %d polls; the instance reached %s at the sixth", len(seen), state)
			}
		})
	}
}

func TestWaitForADeadEndStateItself(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{})
	if err := emu.Put(region, emulator.Instance{ID: "ins-failed01", State: "LAUNCH_FAILED"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.WaitForStates(context.Background(), cvm.Wait{Region: region, IDs: []string{"ins-failed01"}, States: []string{"LAUNCH_FAILED"}, PollInterval: time.Second})
	if err != nil || got.Statuses[0].State != "LAUNCH_FAILED" {
		t.Fatalf("a wait for LAUNCH_FAILED itself gave %v, %v", got.Statuses, err)
	}
}

// isolated is an emulator and a client on a transport of their own, and stop closes both, so
// that goleak can check that nothing of a wait is left running.
func isolated(t *testing.T, cfg emulator.Config) (emu *emulator.Emulator, c *cvm.Client, stop func()) {
	cfg.Keys = map[string]string{secretID: secretKey}
	emu = emulator.New(cfg)
	srv := httptest.NewServer(emu)
	transport := &http.Transport{}
	c = newClient(t, srv, func(cfg *cvm.Config) { cfg.Transport = transport })
	return emu, c, func() {
		transport.CloseIdleConnections()
		srv.Close()
	}
}

// TestWaitEndsAtTheDeadline: a poll that would start after the deadline is not made, so a wait
// polled once an hour ends, before its deadline of a minute, after one poll, and names every
// instance still pending, the first 20 of them by ID.
func TestWaitEndsAtTheDeadline(t *testing.T) {
	// Not in parallel: goleak checks every goroutine of the process.
	defer goleak.VerifyNone(t)
	emu, c, stop := isolated(t, emulator.Config{})
	defer stop()
	ids := append(launching(t, emu, "slow", 24, func(int) time.Duration { return time.Hour }), "ins-never001")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.WaitForStates(ctx, cvm.Wait{Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: time.Hour})
	if ctx.Err() != nil {
		t.Fatalf("the wait went on until its deadline: %v", err)
	}
	var waitErr *cvm.WaitError
	if !errors.As(err, &waitErr) || !waitErr.TimedOut || waitErr.Canceled || len(waitErr.Progress.Pending) != 25 {
		t.Fatalf("want a timed-out wait with 25 instances pending, got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "The wait ran out of time after ") ||
		!strings.Contains(err.Error(), "and 1 poll: 25 of 25 instances in ap-guangzhou are not RUNNING yet: ins-slow0000 (PENDING), ins-slow0001 (PENDING)") ||
		!strings.HasSuffix(err.Error(), "ins-slow0019 (PENDING), and 5 more.") {
		t.Fatalf("the error does not list the pending instances: %v", err)
	}
	if waitErr.Progress.Pending[24] != (cvm.Status{ID: "ins-never001"}) {
		t.Fatalf("the instance never listed is %v, want it without a state", waitErr.Progress.Pending[24])
	}
}

// TestWaitDeadlineDuringACall: the deadline passes while a poll's call is retried; the wait ends
// with the instances pending and the call it interrupted.
func TestWaitDeadlineDuringACall(t *testing.T) {
	// Not in parallel: goleak checks every goroutine of the process.
	defer goleak.VerifyNone(t)
	emu, c, stop := isolated(t, emulator.Config{})
	defer stop()
	ids := launching(t, emu, "slow", 2, func(int) time.Duration { return time.Hour })
	var seen polls
	record := func(ctx context.Context, p cvm.WaitProgress) {
		seen.record(ctx, p)
		emu.SetFaults(emulator.Faults{Throttle: 1}) // every later call is throttled
	}
	// Two seconds: time enough for the first poll, one call to this machine, on any machine.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.WaitForStates(ctx, cvm.Wait{Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: 10 * time.Millisecond, Progress: record})
	var waitErr *cvm.WaitError
	var apiErr *cvm.Error
	if !errors.As(err, &waitErr) || !waitErr.TimedOut || !errors.As(err, &apiErr) || apiErr.Code != "RequestLimitExceeded" {
		t.Fatalf("want a timed-out wait interrupted in a throttled call, got %v", err)
	}
	if len(waitErr.Progress.Pending) != 2 || waitErr.Progress.Pending[0].State != "PENDING" || len(seen) != 1 {
		t.Fatalf("want the 2 instances PENDING as the one poll saw them, got %v after %d polls", waitErr.Progress.Pending, len(seen))
	}
	if !strings.Contains(err.Error(), "The last call: DescribeInstancesStatus in ap-guangzhou failed") {
		t.Fatalf("the error does not name the interrupted call: %v", err)
	}
}

func TestCancelEndsTheWait(t *testing.T) {
	// Not in parallel: goleak checks every goroutine of the process.
	defer goleak.VerifyNone(t)
	emu, c, stop := isolated(t, emulator.Config{})
	defer stop()
	ids := launching(t, emu, "slow", 3, func(int) time.Duration { return time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the first poll is made, while the wait pauses for an hour.
	cancelAfterPoll := func(context.Context, cvm.WaitProgress) { time.AfterFunc(50*time.Millisecond, cancel) }
	start := time.Now()
	_, err := c.WaitForStates(ctx, cvm.Wait{Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: time.Hour, Progress: cancelAfterPoll})
	var waitErr *cvm.WaitError
	if !errors.As(err, &waitErr) || !waitErr.Canceled || waitErr.TimedOut {
		t.Fatalf("want a canceled wait, got %v", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("the wait ended %s after it began, though it was canceled after 50ms", elapsed)
	}
	if !strings.HasPrefix(err.Error(), "The wait was canceled after") || !strings.Contains(err.Error(), "3 of 3 instances in ap-guangzhou are not RUNNING yet") {
		t.Fatalf("the error does not say the wait was canceled: %v", err)
	}
}

// TestWaitRetriesThrottlingAndServerErrors: a wait whose calls are throttled and fail with
// InternalError or a dropped connection retries them as a read does, and finishes.
func TestWaitRetriesThrottlingAndServerErrors(t *testing.T) {
	t.Parallel()
	faults := emulator.Faults{Seed: 3, Throttle: 0.3, InternalError: 0.1, Drop: 0.1}
	emu, c := setup(t, emulator.Config{Faults: faults}, func(cfg *cvm.Config) { cfg.MaxRetries = 15 })
	ids := launching(t, emu, "flak", 250, func(i int) time.Duration { return time.Duration(i) * time.Millisecond })
	got, err := c.WaitForStates(context.Background(), cvm.Wait{Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got.Statuses {
		if s.State != "RUNNING" {
			t.Fatalf("%s is %s", s.ID, s.State)
		}
	}
	injected := emu.Stats().Injected
	for _, kind := range []string{emulator.FaultThrottle, emulator.FaultInternalError, emulator.FaultDrop} {
		if injected[kind] == 0 {
			t.Errorf("no %s fault was injected, so its retry went untested", kind)
		}
	}
}

func TestWaitForNothingCallsNothing(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 5}})
	got, err := c.WaitForStates(context.Background(), cvm.Wait{Region: region, IDs: []string{}, States: []string{"RUNNING"}, PollInterval: time.Second})
	if err != nil || len(got.Statuses) != 0 || emu.Calls("DescribeInstancesStatus") != 0 {
		t.Fatalf("a wait for no instances gave %v, %v and made %d calls", got, err, emu.Calls("DescribeInstancesStatus"))
	}
}

func TestWaitNeedsStatesAndAnInterval(t *testing.T) {
	t.Parallel()
	_, c := setup(t, emulator.Config{})
	for _, w := range []cvm.Wait{
		{Region: region, IDs: []string{"ins-aaaaaaaa"}, PollInterval: time.Second},
		{Region: region, IDs: []string{"ins-aaaaaaaa"}, States: []string{"RUNNING"}},
	} {
		if _, err := c.WaitForStates(context.Background(), w); err == nil {
			t.Errorf("WaitForStates accepted %+v", w)
		}
	}
}

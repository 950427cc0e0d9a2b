package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// quick are operations that take 200 to 300 ms, polled every 50 ms.
var quick = emulator.Operations{Duration: 200 * time.Millisecond, Jitter: 100 * time.Millisecond, Seed: 3}

const poll = 50 * time.Millisecond

// instances puts n instances named ins-<prefix>NNN in state into emu and returns their IDs.
func instances(t testing.TB, emu *emulator.Emulator, prefix string, n int, state string) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ins-%s%03d", prefix, i)
		if err := emu.Put(region, emulator.Instance{ID: ids[i], State: state}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// statesIn returns the emulator's state of each of ids.
func statesIn(emu *emulator.Emulator, ids []string) map[string]string {
	all := map[string]string{}
	for _, inst := range emu.Fleet(region) {
		all[inst.ID] = inst.State
	}
	states := make(map[string]string, len(ids))
	for _, id := range ids {
		states[id] = all[id]
	}
	return states
}

func expectAllIn(t *testing.T, emu *emulator.Emulator, ids []string, state string) {
	t.Helper()
	for id, got := range statesIn(emu, ids) {
		if got != state {
			t.Fatalf("%s is %q, want %s", id, got, state)
		}
	}
}

// ticking moves the emulator's clock by poll at each pause of an operation, after its read and
// after each poll, so that the emulator sees poll pass between two polls on any machine; each
// report is then given to also, if set.
func ticking(clock *emulator.Clock, also func(cvm.OperationProgress)) func(context.Context, cvm.OperationProgress) {
	return func(_ context.Context, p cvm.OperationProgress) {
		if also != nil {
			also(p)
		}
		if p.Phase != cvm.PhaseSent {
			clock.Advance(poll)
		}
	}
}

func operate(t *testing.T, c *cvm.Client, op cvm.Op, ids []string, tune ...func(*cvm.Operation)) (cvm.OperationResult, error) {
	t.Helper()
	o := cvm.Operation{Op: op, Region: region, IDs: ids, PollInterval: poll}
	for _, f := range tune {
		f(&o)
	}
	return c.Operate(context.Background(), o)
}

// TestOperateStopsStartsAndReboots: stopping 250 running and 30 stopped instances sends 3
// StopInstances calls carrying the 250, and skips the 30; starting all 280 again sends 3
// StartInstances calls; rebooting 50 sends 1 call, and each of them passes through REBOOTING.
func TestOperateStopsStartsAndReboots(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Operations: quick})
	running := instances(t, emu, "runng", 250, "RUNNING")
	stopped := instances(t, emu, "stopd", 30, "STOPPED")
	all := append(slices.Clone(running), stopped...)

	res, err := operate(t, c, cvm.Stop, all)
	if err != nil {
		t.Fatal(err)
	}
	expectAllIn(t, emu, all, "STOPPED")
	if !slices.Equal(res.Changed, running) || !slices.Equal(res.Skipped, stopped) {
		t.Fatalf("changed %d, skipped %d; want the 250 running changed and the 30 stopped skipped", len(res.Changed), len(res.Skipped))
	}
	if got := emu.Calls("StopInstances"); got != 3 || res.Calls["StopInstances"] != 3 {
		t.Fatalf("%d StopInstances calls (the result says %d), want 3", got, res.Calls["StopInstances"])
	}
	if got := emu.Stats().Operated["StopInstances"]; got != 250 {
		t.Fatalf("StopInstances carried %d IDs, want 250", got)
	}

	res, err = operate(t, c, cvm.Start, all)
	if err != nil {
		t.Fatal(err)
	}
	expectAllIn(t, emu, all, "RUNNING")
	if got := emu.Calls("StartInstances"); got != 3 || len(res.Changed) != 280 {
		t.Fatalf("%d StartInstances calls for %d instances, want 3 for 280", got, len(res.Changed))
	}

	rebooted := all[100:150]
	res, err = operate(t, c, cvm.Reboot, rebooted, func(o *cvm.Operation) { o.StopType = "SOFT" })
	if err != nil {
		t.Fatal(err)
	}
	if got := emu.Calls("RebootInstances"); got != 1 || !slices.Equal(res.Changed, rebooted) {
		t.Fatalf("%d RebootInstances calls for %d instances, want 1 for 50", got, len(res.Changed))
	}
	expectAllIn(t, emu, rebooted, "RUNNING")
	for _, id := range rebooted {
		if op, _ := emu.Latest(region, id); op.Action != "RebootInstances" || op.State != "SUCCESS" {
			t.Fatalf("the latest operation of %s is %s %s, want a RebootInstances that succeeded", id, op.Action, op.State)
		}
	}
}

// TestOperateRefusesBeforeChangingAnything: an unknown ID, an instance that cannot leave its
// state, and a reboot of a stopped instance each fail the operation before any operation call.
func TestOperateRefusesBeforeChangingAnything(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Operations: quick})
	running := instances(t, emu, "runng", 120, "RUNNING")
	failedLaunch := instances(t, emu, "lfail", 1, "LAUNCH_FAILED")
	stopped := instances(t, emu, "stopd", 1, "STOPPED")
	for _, tc := range []struct {
		name string
		op   cvm.Op
		ids  []string
		want string
	}{
		{"unknown ID", cvm.Stop, append(slices.Clone(running), "ins-nothere0"), "Cannot stop the instances: 1 of 121 does not exist in ap-guangzhou: ins-nothere0. Nothing was changed."},
		{"launch failed", cvm.Start, append(slices.Clone(stopped), failedLaunch...), "Cannot start 1 of 2 instances in ap-guangzhou: ins-lfail000 (LAUNCH_FAILED); an instance does not leave LAUNCH_FAILED, SHUTDOWN or TERMINATING on its own. Nothing was changed."},
		{"reboot a stopped one", cvm.Reboot, append(slices.Clone(running), stopped...), "Cannot reboot 1 of 121 instances in ap-guangzhou: ins-stopd000 (STOPPED); only RUNNING instances can be rebooted. Nothing was changed."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := operate(t, c, tc.op, tc.ids)
			var opErr *cvm.OperationError
			if !errors.As(err, &opErr) || err.Error() != tc.want {
				t.Fatalf("got the error\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
	for _, action := range []string{"StartInstances", "StopInstances", "RebootInstances"} {
		if got := emu.Calls(action); got != 0 {
			t.Fatalf("%d %s calls were made", got, action)
		}
	}
	expectAllIn(t, emu, running, "RUNNING")
}

// TestOperateNamesEveryFailedInstance: with 20% of operations failing, the error names every
// instance whose stop failed with the API's message, and every other instance is STOPPED.
func TestOperateNamesEveryFailedInstance(t *testing.T) {
	t.Parallel()
	ops := quick
	ops.FailureRate = 0.2
	emu, c := setup(t, emulator.Config{Operations: ops})
	ids := instances(t, emu, "fails", 150, "RUNNING")
	res, err := operate(t, c, cvm.Stop, ids)
	var opErr *cvm.OperationError
	if !errors.As(err, &opErr) {
		t.Fatalf("want an *OperationError, got %v", err)
	}
	var failed []string
	for _, id := range ids {
		op, _ := emu.Latest(region, id)
		switch op.State {
		case "FAILED":
			failed = append(failed, id)
			if !strings.Contains(err.Error(), id) {
				t.Fatalf("the error does not name %s, whose stop failed", id)
			}
		case "SUCCESS":
			if state := statesIn(emu, []string{id})[id]; state != "STOPPED" {
				t.Fatalf("%s stopped but is %s", id, state)
			}
		}
	}
	if len(failed) == 0 || len(opErr.Failed) != len(failed) || len(res.Changed) != len(ids)-len(failed) {
		t.Fatalf("%d failed in the emulator, %d in the error, %d changed", len(failed), len(opErr.Failed), len(res.Changed))
	}
	for _, want := range []string{fmt.Sprintf("Failed to stop %d of 150 instances in ap-guangzhou: ", len(failed)),
		"(RUNNING): The instance could not be stopped: its operating system did not shut down in time. (RequestId",
		fmt.Sprintf("The other %d instances are STOPPED.", len(ids)-len(failed))} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the error does not say %q:\n%v", want, err)
		}
	}
}

// TestOperateAbsorbsOtherClients: an instance another client's task holds (both busy codes),
// one another client stops between the read and the call, and one another client is already
// stopping are not failures: the refused batches are re-read and sent again.
func TestOperateAbsorbsOtherClients(t *testing.T) {
	t.Parallel()
	clock := emulator.NewClock(time.Now())
	emu := emulator.New(emulator.Config{Keys: map[string]string{secretID: secretKey}, Operations: quick, Now: clock.Now})
	ids := instances(t, emu, "other", 20, "RUNNING")
	if err := emu.Put(region, emulator.Instance{ID: ids[19], State: "STOPPING"}); err != nil {
		t.Fatal(err)
	}
	if err := emu.Schedule(emulator.Transition{Region: region, Instance: emulator.Instance{ID: ids[19], State: "STOPPED"}, After: 150 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"OperationDenied.InstanceOperationInProgress", "MutexOperation.TaskRunning"} {
		if err := emu.Hold(region, ids[i], code, 120*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	// The race: just before the first StopInstances call arrives, another client has stopped ids[5].
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == "StopInstances" {
			once.Do(func() {
				if err := emu.Put(region, emulator.Instance{ID: ids[5], State: "STOPPED"}); err != nil {
					t.Error(err)
				}
			})
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv)

	res, err := operate(t, c, cvm.Stop, ids, func(o *cvm.Operation) { o.Progress = ticking(clock, nil) })
	if err != nil {
		t.Fatal(err)
	}
	expectAllIn(t, emu, ids, "STOPPED")
	if !slices.Equal(res.Skipped, []string{ids[5], ids[19]}) || len(res.Changed) != 18 {
		t.Fatalf("skipped %v and changed %d; want %s and %s skipped, 18 changed", res.Skipped, len(res.Changed), ids[5], ids[19])
	}
	// The calls go at 50, 100 and 150 ms on the emulator's clock: the holds end at 120 ms.
	if got := emu.Calls("StopInstances"); got != 3 {
		t.Fatalf("%d StopInstances calls; want the refused batch sent again at each poll until the holds end: 3", got)
	}
}

// TestOperateWaitsForPassingStates: an instance still launching is waited for, then stopped.
func TestOperateWaitsForPassingStates(t *testing.T) {
	t.Parallel()
	emu, c, clock := setupClocked(t, emulator.Config{Operations: quick})
	ids := instances(t, emu, "ready", 3, "RUNNING")
	// The launch ends at the third poll, on the emulator's clock.
	for _, tr := range emulator.Launch(region, "ins-launch00", "RUNNING", 150*time.Millisecond) {
		if err := emu.Schedule(tr); err != nil {
			t.Fatal(err)
		}
	}
	ids = append(ids, "ins-launch00")
	var phases []cvm.Phase
	res, err := operate(t, c, cvm.Stop, ids, func(o *cvm.Operation) {
		o.Progress = ticking(clock, func(p cvm.OperationProgress) { phases = append(phases, p.Phase) })
	})
	if err != nil {
		t.Fatal(err)
	}
	expectAllIn(t, emu, ids, "STOPPED")
	if len(res.Changed) != 4 || emu.Calls("StopInstances") != 2 {
		t.Fatalf("changed %d in %d calls; want 4: 3 at once, the launched one once it is RUNNING", len(res.Changed), emu.Calls("StopInstances"))
	}
	if phases[0] != cvm.PhaseRead || phases[1] != cvm.PhaseSent || phases[len(phases)-1] != cvm.PhasePoll {
		t.Fatalf("progress phases %v, want read, sent, then polls", phases)
	}
}

// TestOperateStopChargingRefused: STOP_CHARGING on a prepaid instance fails the instances of its
// batch with the API's code; nothing falls back to KEEP_CHARGING.
func TestOperateStopChargingRefused(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Operations: quick, Prepaid: []string{"ins-prepd000"}})
	ids := instances(t, emu, "prepd", 2, "RUNNING")
	_, err := operate(t, c, cvm.Stop, ids, func(o *cvm.Operation) { o.StoppedMode = "STOP_CHARGING" })
	want := "Failed to stop 2 of 2 instances in ap-guangzhou: ins-prepd000, ins-prepd001 (RUNNING): UnsupportedOperation.StoppedModeStopCharging: "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want an error starting %q", err, want)
	}
	expectAllIn(t, emu, ids, "RUNNING")
}

// arrivingDeadline is a context whose deadline the test brings on: until arrive(d), it has none;
// after, its deadline is d away, while Done stays open. That is how an operation sees a deadline
// that comes before its next poll, without racing a timer.
type arrivingDeadline struct {
	context.Context
	mu sync.Mutex
	at time.Time
}

func (d *arrivingDeadline) Deadline() (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.at, !d.at.IsZero()
}

func (d *arrivingDeadline) arrive(in time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.at = time.Now().Add(in)
}

// TestOperateEndsAtTheDeadline: operations slower than the deadline end the wait with every
// instance not there yet, its state and its operation as DescribeInstances reports it. The
// deadline arrives after the first poll, so the next one is not made.
func TestOperateEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Operations: emulator.Operations{Duration: time.Hour}})
	ids := instances(t, emu, "slows", 3, "RUNNING")
	ctx := &arrivingDeadline{Context: context.Background()}
	// After the first poll the deadline is 0.9 s away, too near for the next poll a second later,
	// and far enough for the look-up that says why the instances are not there yet.
	res, err := c.Operate(ctx, cvm.Operation{Op: cvm.Stop, Region: region, IDs: ids, PollInterval: time.Second,
		Progress: func(_ context.Context, p cvm.OperationProgress) {
			if p.Phase == cvm.PhasePoll {
				ctx.arrive(900 * time.Millisecond)
			}
		}})
	var opErr *cvm.OperationError
	if !errors.As(err, &opErr) || !opErr.TimedOut || len(opErr.Pending) != 3 || res.Polls != 1 {
		t.Fatalf("want a timed-out *OperationError with 3 pending after 1 poll, got %v after %d polls", err, res.Polls)
	}
	for _, want := range []string{"The stop ran out of time after ", "and 1 poll: 3 of 3 instances in ap-guangzhou are not STOPPED yet: ins-slows000 (STOPPING; its StopInstances is OPERATING (RequestId "} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the error does not say %q:\n%v", want, err)
		}
	}
}

// TestOperateInstanceTerminatedAfterTheRead: an instance terminated between the read and the call
// makes the API refuse its batch (InvalidInstanceId.NotFound); the batch is re-read, the others
// are stopped, and the error names the one that no longer exists.
func TestOperateInstanceTerminatedAfterTheRead(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Config{Keys: map[string]string{secretID: secretKey}, Operations: quick})
	ids := instances(t, emu, "termd", 5, "RUNNING")
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TC-Action") == "StopInstances" {
			once.Do(func() {
				if err := emu.Schedule(emulator.Transition{Region: region, Instance: emulator.Instance{ID: ids[2]}, Terminated: true}); err != nil {
					t.Error(err)
				}
			})
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	res, err := operate(t, newClient(t, srv), cvm.Stop, ids)
	want := "Failed to stop 1 of 5 instances in ap-guangzhou: ins-termd002 (RUNNING): it no longer exists. The other 4 instances are STOPPED."
	if err == nil || err.Error() != want {
		t.Fatalf("got the error\n%v\nwant\n%s", err, want)
	}
	if len(res.Changed) != 4 || emu.Calls("StopInstances") != 2 {
		t.Fatalf("changed %d in %d calls, want 4 in 2", len(res.Changed), emu.Calls("StopInstances"))
	}
}

// TestOperateCanceled: an operation canceled while it waits says so, and names the instances not
// there yet.
func TestOperateCanceled(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Operations: emulator.Operations{Duration: time.Hour}})
	ids := instances(t, emu, "cancl", 2, "STOPPED")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := c.Operate(ctx, cvm.Operation{Op: cvm.Start, Region: region, IDs: ids, PollInterval: poll,
		Progress: func(_ context.Context, p cvm.OperationProgress) {
			if p.Phase == cvm.PhasePoll {
				cancel()
			}
		}})
	var opErr *cvm.OperationError
	if !errors.As(err, &opErr) || !opErr.Canceled || opErr.TimedOut {
		t.Fatalf("want a canceled *OperationError, got %v", err)
	}
	want := "2 of 2 instances in ap-guangzhou are not RUNNING yet: ins-cancl000 (STARTING), ins-cancl001 (STARTING)."
	if !strings.HasPrefix(err.Error(), "The start was canceled after ") || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("got the error\n%v\nwant one that says the start was canceled and ends %q", err, want)
	}
}

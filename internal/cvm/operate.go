package cvm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Operation is a change of the power state of instances: start, stop or reboot them.
type Operation struct {
	Op     Op
	Region string
	IDs    []string
	// StopType is SOFT, HARD or SOFT_FIRST, for Stop and Reboot; "" leaves it to the API (SOFT).
	StopType string
	// StoppedMode is KEEP_CHARGING or STOP_CHARGING, for Stop; "" leaves it to the API.
	StoppedMode string
	// PollInterval is the pause between two polls of the instances not there yet.
	PollInterval time.Duration
	// Progress, if set, is told how the operation stands after each phase and each poll.
	Progress func(context.Context, OperationProgress)
}

// Phase is the step of an operation a progress report follows.
type Phase string

const (
	// PhaseRead follows the first read: the states were read, and each instance sorted into skip, act, wait or refuse.
	PhaseRead Phase = "read"
	// PhaseSent follows a send: the operation was sent for the instances ready for it.
	PhaseSent Phase = "sent"
	// PhasePoll follows a poll of the instances not there yet.
	PhasePoll Phase = "poll"
)

// OperationProgress is how an operation stands.
type OperationProgress struct {
	Phase   Phase
	Elapsed time.Duration
	Polls   int
	// Total is the number of instances, Done how many are at the target (Skipped of them needed no
	// call), Sent how many the operation was sent for, Failed how many will not get there.
	Total, Done, Skipped, Sent, Failed int
	// Pending are the instances neither done nor failed, in the order asked for, each with the
	// state it was last seen in.
	Pending []Status
	// Calls counts the calls made so far by action, one per batch of up to 100 IDs; retries of a
	// call are not counted.
	Calls map[string]int
}

// OperationResult is what an operation did.
type OperationResult struct {
	// Changed are the instances the operation was sent for that reached the target, Skipped those
	// that were there already, or on their way there by another client's doing; both in the
	// order asked for.
	Changed, Skipped []string
	Polls            int
	Calls            map[string]int
	Elapsed          time.Duration
}

// maxRefusals bounds how often the operation is sent again for an instance after the API refused
// its batch because of a state or a busy instance (a race with another client).
const maxRefusals = 5

// passing are the states an instance leaves on its own: an operation waits for them to end.
var passing = []string{
	"PENDING", "STARTING", "STOPPING", "REBOOTING", "ENTER_RESCUE_MODE", "RESCUE_MODE", "EXIT_RESCUE_MODE",
	"ENTER_SERVICE_LIVE_MIGRATE", "SERVICE_LIVE_MIGRATE", "EXIT_SERVICE_LIVE_MIGRATE",
}

// instancePhase is where one instance of an operation stands.
type instancePhase int

const (
	undecided instancePhase = iota // to act on once it is in the operation's from-state, or waited for
	sent                           // the operation was sent for it
	joined                         // on its way to the target by another client's doing
	done
	failed
)

// tracked is one instance of an operation.
type tracked struct {
	state     string
	phase     instancePhase
	requestID string // of the call that sent the operation for it
	// seenMoving is set once the instance was seen in the operation's moving state after the call.
	seenMoving bool
	skipped    bool
	refusals   int
	failure    *Failure
}

// run is one operation under way.
type run struct {
	c     *Client
	o     Operation
	spec  opSpec
	ids   []string
	insts map[string]*tracked
	start time.Time
	polls int
	calls map[string]int
}

// Operate carries out o: it reads the instances' states, leaves alone those already at the target
// (reboot excepted: it reboots every RUNNING instance), waits for those in a passing state, and
// fails before changing anything when an ID does not exist or an instance cannot reach the
// target. It sends the operation for the rest in batches of 100, concurrently under the action's
// pace, and sends a batch again after re-reading it when the API refuses it because an instance's
// state changed or another operation holds it. Then it polls the instances not there yet until
// each is, and looks up why one fell back with DescribeInstances. Instances that got there are
// not rolled back when others fail: the *OperationError says which failed and why.
func (c *Client) Operate(ctx context.Context, o Operation) (OperationResult, error) {
	spec, ok := opSpecs[o.Op]
	if !ok || o.PollInterval <= 0 {
		return OperationResult{}, fmt.Errorf("cvm: an operation needs an Op (start, stop or reboot) and a poll interval greater than 0, not %q and %s", o.Op, o.PollInterval)
	}
	r := &run{c: c, o: o, spec: spec, ids: uniqueIDs(o.IDs), insts: map[string]*tracked{}, start: time.Now(), calls: map[string]int{}}
	if len(r.ids) == 0 {
		return r.result(), nil
	}
	first, err := c.StatusesByID(ctx, o.Region, r.ids)
	r.calls[describeInstancesStatus] += batchCount(len(r.ids))
	if err != nil {
		return OperationResult{}, err
	}
	if len(first.Missing) > 0 {
		return OperationResult{}, &OperationError{Operation: o, Result: r.result(), Unknown: first.Missing}
	}
	var refused []Status
	for _, s := range first.Statuses {
		r.insts[s.ID] = &tracked{state: s.State}
		if !r.decide(s.ID) {
			refused = append(refused, s)
		}
	}
	if len(refused) > 0 {
		return OperationResult{}, &OperationError{Operation: o, Result: r.result(), Unreachable: refused}
	}
	r.report(ctx, PhaseRead)
	for {
		if ready := r.ready(); len(ready) > 0 {
			if err := r.send(ctx, ready); err != nil {
				return r.result(), r.interrupted(ctx, err)
			}
			r.report(ctx, PhaseSent)
		}
		pending := r.inPhase(undecided, sent, joined)
		if len(pending) == 0 {
			break
		}
		if !sleep(ctx, o.PollInterval) {
			return r.result(), r.interrupted(ctx, nil)
		}
		if err := r.poll(ctx, pending); err != nil {
			return r.result(), r.interrupted(ctx, err)
		}
		r.report(ctx, PhasePoll)
	}
	if failures := r.failures(); len(failures) > 0 {
		return r.result(), &OperationError{Operation: o, Result: r.result(), Failed: failures}
	}
	return r.result(), nil
}

// decide sorts an undecided instance by its state, and reports false for one that cannot reach
// the target.
func (r *run) decide(id string) bool {
	t := r.insts[id]
	switch s := t.state; {
	case r.o.Op != Reboot && s == r.spec.target:
		t.phase, t.skipped = done, true
	case s == r.spec.moving:
		t.phase = joined
	case slices.Contains(deadEnds, s), r.o.Op == Reboot && s != r.spec.from:
		return false
	default:
		// In the from-state it is sent the operation; in a passing state it is waited for.
		t.phase = undecided
	}
	return true
}

// ready are the undecided instances in the operation's from-state, in the order asked for.
func (r *run) ready() []string {
	var ids []string
	for _, id := range r.ids {
		if t := r.insts[id]; t.phase == undecided && t.state == r.spec.from {
			ids = append(ids, id)
		}
	}
	return ids
}

func (r *run) inPhase(phases ...instancePhase) []string {
	var ids []string
	for _, id := range r.ids {
		if slices.Contains(phases, r.insts[id].phase) {
			ids = append(ids, id)
		}
	}
	return ids
}

// send sends the operation for ids in batches of 100, concurrently under the action's pace. A
// batch refused for a state or a busy instance stays undecided, to be re-read at the next poll; a
// batch refused for its StoppedMode fails. Any other error ends the operation.
func (r *run) send(ctx context.Context, ids []string) error {
	batches := batchIDs(ids, pageSize)
	type answer struct {
		requestID string
		refusal   *Error
	}
	answers, err := fetchAll(ctx, r.c, r.spec.action, len(batches), func(ctx context.Context, i int) (answer, error) {
		requestID, err := r.c.sendOperation(ctx, r.o, batches[i], batchName(batches, i))
		var apiErr *Error
		if errors.As(err, &apiErr) && refusedFor(apiErr.Code) {
			return answer{refusal: apiErr}, nil
		}
		return answer{requestID: requestID}, err
	})
	r.calls[r.spec.action] += len(batches)
	if err != nil {
		return err
	}
	for i, a := range answers {
		for _, id := range batches[i] {
			t := r.insts[id]
			switch {
			case a.refusal == nil:
				t.phase, t.requestID = sent, a.requestID
			case a.refusal.Code == stopChargingRefused:
				t.phase, t.failure = failed, &Failure{ID: id, State: t.state, Code: a.refusal.Code, Reason: a.refusal.Message, RequestID: a.refusal.RequestID}
			default:
				t.refusals++
				if t.refusals > maxRefusals {
					t.phase, t.failure = failed, &Failure{ID: id, State: t.state, Code: a.refusal.Code, Reason: fmt.Sprintf(
						"the API refused its batch %d times, the last time with: %s", t.refusals, a.refusal.Message), RequestID: a.refusal.RequestID}
				}
			}
		}
	}
	return nil
}

const stopChargingRefused = "UnsupportedOperation.StoppedModeStopCharging"

// refusedFor reports the codes with which the API refuses a batch as a whole because of one
// instance in it: its state, another operation on it, its StoppedMode, or its termination since
// it was read.
func refusedFor(code string) bool {
	return strings.HasPrefix(code, "UnsupportedOperation.InstanceState") || code == stopChargingRefused ||
		code == "OperationDenied.InstanceOperationInProgress" || code == "MutexOperation.TaskRunning" ||
		code == "InvalidInstanceId.NotFound"
}

// poll re-reads the pending instances and moves each on; those whose state says neither that
// they are there nor that they are on their way are looked up with DescribeInstances.
func (r *run) poll(ctx context.Context, pending []string) error {
	r.polls++
	found, err := r.c.StatusesByID(ctx, r.o.Region, pending)
	r.calls[describeInstancesStatus] += batchCount(len(pending))
	if err != nil {
		return err
	}
	listed := make(map[string]string, len(found.Statuses))
	for _, s := range found.Statuses {
		listed[s.ID] = s.State
	}
	var unclear []string
	for _, id := range pending {
		t := r.insts[id]
		state, ok := listed[id]
		if !ok {
			t.phase, t.failure = failed, &Failure{ID: id, State: t.state, Reason: "it no longer exists"}
			continue
		}
		t.state = state
		switch t.phase {
		case undecided:
			if !r.decide(id) {
				t.phase, t.failure = failed, &Failure{ID: id, State: state, Reason: r.cannotReach(state)}
			}
		case joined:
			switch {
			case state == r.spec.target:
				t.phase, t.skipped = done, true
			case !slices.Contains(passing, state):
				// The other client's operation ended elsewhere: decide again.
				t.phase = undecided
				if !r.decide(id) {
					t.phase, t.failure = failed, &Failure{ID: id, State: state, Reason: r.cannotReach(state)}
				}
			}
		case sent:
			switch {
			case state == r.spec.moving:
				t.seenMoving = true
			case state == r.spec.target && (r.o.Op != Reboot || t.seenMoving):
				t.phase = done
			case !slices.Contains(passing, state):
				unclear = append(unclear, id)
			}
		}
	}
	if len(unclear) == 0 {
		return nil
	}
	latest, err := r.lookUp(ctx, unclear)
	if err != nil {
		return err
	}
	for _, id := range unclear {
		t, op := r.insts[id], latest[id]
		if op.RequestID != t.requestID {
			continue // the API has not recorded this client's operation yet
		}
		switch op.State {
		case "FAILED":
			t.phase, t.failure = failed, &Failure{ID: id, State: t.state, Reason: cmp.Or(op.ErrorMsg, "the API gives no reason"), RequestID: op.RequestID}
		case "SUCCESS":
			if t.state == r.spec.target {
				t.phase = done
			} else {
				// Changed again since, by someone else: decide afresh.
				t.phase = undecided
				if !r.decide(id) {
					t.phase, t.failure = failed, &Failure{ID: id, State: t.state, Reason: r.cannotReach(t.state)}
				}
			}
		}
	}
	return nil
}

func (r *run) lookUp(ctx context.Context, ids []string) (map[string]LatestOperation, error) {
	latest, err := r.c.latestOperations(ctx, r.o.Region, ids)
	r.calls[describeInstances] += batchCount(len(ids))
	return latest, err
}

func (r *run) cannotReach(state string) string {
	if r.o.Op == Reboot {
		return "it is " + state + ", and only RUNNING instances can be rebooted"
	}
	return "it is " + state + ", which it does not leave on its own"
}

// interrupted is the error of an operation that ended early: a call failed for good, its time ran
// out or it was canceled (err, if set, is the call under way then). The instances not there yet
// are looked up once more, while time is left, for what the API says of their operation.
func (r *run) interrupted(ctx context.Context, err error) error {
	e := &OperationError{Operation: r.o, Result: r.result(), Failed: r.failures(), Err: err}
	if failedForGood(err) {
		return e
	}
	e.TimedOut, e.Canceled = !canceled(ctx), canceled(ctx)
	pending := r.inPhase(undecided, sent, joined)
	var latest map[string]LatestOperation
	if ctx.Err() == nil {
		// Best effort: without the lookup, the error still names each instance and its state.
		latest, _ = r.c.latestOperations(ctx, r.o.Region, pending)
	}
	for _, id := range pending {
		t := r.insts[id]
		f := Failure{ID: id, State: t.state}
		if op, ok := latest[id]; ok && op.RequestID != "" && op.RequestID == t.requestID {
			f.Reason, f.RequestID = "its "+op.Action+" is "+op.State, op.RequestID
			if op.ErrorMsg != "" {
				f.Reason += ": " + op.ErrorMsg
			}
		}
		e.Pending = append(e.Pending, f)
	}
	return e
}

func (r *run) failures() []Failure {
	var failures []Failure
	for _, id := range r.ids {
		if t := r.insts[id]; t.phase == failed {
			failures = append(failures, *t.failure)
		}
	}
	return failures
}

func (r *run) result() OperationResult {
	res := OperationResult{Changed: []string{}, Skipped: []string{}, Polls: r.polls, Calls: maps.Clone(r.calls), Elapsed: time.Since(r.start)}
	for _, id := range r.ids {
		if t, ok := r.insts[id]; ok && t.phase == done {
			if t.skipped {
				res.Skipped = append(res.Skipped, id)
			} else {
				res.Changed = append(res.Changed, id)
			}
		}
	}
	return res
}

func (r *run) report(ctx context.Context, phase Phase) {
	if r.o.Progress == nil {
		return
	}
	p := OperationProgress{Phase: phase, Elapsed: time.Since(r.start), Polls: r.polls, Total: len(r.ids), Calls: maps.Clone(r.calls)}
	for _, id := range r.ids {
		t := r.insts[id]
		if t.requestID != "" {
			p.Sent++
		}
		switch t.phase {
		case done:
			p.Done++
			if t.skipped {
				p.Skipped++
			}
		case failed:
			p.Failed++
		default:
			p.Pending = append(p.Pending, Status{ID: id, State: t.state})
		}
	}
	r.o.Progress(ctx, p)
}

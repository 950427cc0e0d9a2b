package cvm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
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

// maxRefusals bounds how often the operation is sent again for an instance after the API refused
// its batch because of a state or a busy instance (a race with another client).
const maxRefusals = 5

// instancePhase is where one instance of an operation stands.
type instancePhase int

const (
	awaiting instancePhase = iota // to be sent the operation once it is in the from-state; waited for until then
	sent                          // the operation was sent for it
	onItsWay                      // on its way to the target by another client's doing
	done
	failed
)

// instanceProgress is one instance an operation acts on, and where it stands.
type instanceProgress struct {
	state     string
	phase     instancePhase
	requestID string // of the call that sent the operation for it
	// seenMoving is set once the instance was seen in the operation's moving state after the call.
	seenMoving bool
	skipped    bool
	refusals   int
	failure    *Failure
}

// operationRun is the account of one operation under way: where each of its instances stands, and
// the polls and calls made so far.
type operationRun struct {
	c        *Client
	o        Operation
	spec     opSpec
	ids      []string
	progress map[string]*instanceProgress
	start    time.Time
	polls    int
	calls    map[string]int
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
	l := &operationRun{c: c, o: o, spec: spec, ids: uniqueIDs(o.IDs), progress: map[string]*instanceProgress{}, start: time.Now(), calls: map[string]int{}}
	if len(l.ids) == 0 {
		return l.result(), nil
	}
	first, err := c.StatusesByID(ctx, o.Region, l.ids)
	l.calls[describeInstancesStatus] += batchCount(len(l.ids))
	if err != nil {
		return OperationResult{}, err
	}
	if len(first.Missing) > 0 {
		return OperationResult{}, &OperationError{Operation: o, Result: l.result(), Unknown: first.Missing}
	}
	var refused []Status
	for _, s := range first.Statuses {
		l.progress[s.ID] = &instanceProgress{state: s.State}
		if !l.sortByState(s.ID) {
			refused = append(refused, s)
		}
	}
	if len(refused) > 0 {
		return OperationResult{}, &OperationError{Operation: o, Result: l.result(), Unreachable: refused}
	}
	l.report(ctx, PhaseRead)
	for {
		if ready := l.ready(); len(ready) > 0 {
			if err := l.send(ctx, ready); err != nil {
				return l.result(), l.interrupted(ctx, err)
			}
			l.report(ctx, PhaseSent)
		}
		pending := l.inPhase(awaiting, sent, onItsWay)
		if len(pending) == 0 {
			break
		}
		if !sleep(ctx, o.PollInterval) {
			return l.result(), l.interrupted(ctx, nil)
		}
		if err := l.poll(ctx, pending); err != nil {
			return l.result(), l.interrupted(ctx, err)
		}
		l.report(ctx, PhasePoll)
	}
	if failures := l.failures(); len(failures) > 0 {
		return l.result(), &OperationError{Operation: o, Result: l.result(), Failed: failures}
	}
	return l.result(), nil
}

// sortByState sorts an instance not sent the operation by its state, and reports false for one that cannot reach
// the target.
func (l *operationRun) sortByState(id string) bool {
	inst := l.progress[id]
	switch s := inst.state; {
	case l.o.Op != Reboot && s == l.spec.target:
		inst.phase, inst.skipped = done, true
	case s == l.spec.moving:
		inst.phase = onItsWay
	case isDeadEnd(s), l.o.Op == Reboot && s != l.spec.from:
		return false
	default:
		// In the from-state it is sent the operation; in a passing state it is waited for.
		inst.phase = awaiting
	}
	return true
}

// ready are the awaiting instances in the operation's from-state, in the order asked for.
func (l *operationRun) ready() []string {
	var ids []string
	for _, id := range l.ids {
		if inst := l.progress[id]; inst.phase == awaiting && inst.state == l.spec.from {
			ids = append(ids, id)
		}
	}
	return ids
}

func (l *operationRun) inPhase(phases ...instancePhase) []string {
	var ids []string
	for _, id := range l.ids {
		if slices.Contains(phases, l.progress[id].phase) {
			ids = append(ids, id)
		}
	}
	return ids
}

// send sends the operation for ids in batches of 100, concurrently under the action's pace. A
// batch refused for a state or a busy instance stays awaiting, to be re-read at the next poll; a
// batch refused for its StoppedMode fails. Any other error ends the operation.
func (l *operationRun) send(ctx context.Context, ids []string) error {
	batches := batchIDs(ids, pageSize)
	type answer struct {
		requestID string
		refusal   *Error
	}
	answers, err := fetchAll(ctx, l.c, l.spec.action, len(batches), func(ctx context.Context, i int) (answer, error) {
		requestID, err := l.c.sendOperation(ctx, l.o, batches[i], batchName(batches, i))
		var apiErr *Error
		if errors.As(err, &apiErr) && refusedFor(apiErr.Code) {
			return answer{refusal: apiErr}, nil
		}
		return answer{requestID: requestID}, err
	})
	l.calls[l.spec.action] += len(batches)
	if err != nil {
		return err
	}
	for i, a := range answers {
		for _, id := range batches[i] {
			inst := l.progress[id]
			switch {
			case a.refusal == nil:
				inst.phase, inst.requestID = sent, a.requestID
			case a.refusal.Code == stopChargingRefused:
				inst.phase, inst.failure = failed, &Failure{ID: id, State: inst.state, Code: a.refusal.Code, Reason: a.refusal.Message, RequestID: a.refusal.RequestID}
			default:
				inst.refusals++
				if inst.refusals > maxRefusals {
					inst.phase, inst.failure = failed, &Failure{ID: id, State: inst.state, Code: a.refusal.Code, Reason: fmt.Sprintf(
						"the API refused its batch %d times, the last time with: %s", inst.refusals, a.refusal.Message), RequestID: a.refusal.RequestID}
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
func (l *operationRun) poll(ctx context.Context, pending []string) error {
	l.polls++
	found, err := l.c.StatusesByID(ctx, l.o.Region, pending)
	l.calls[describeInstancesStatus] += batchCount(len(pending))
	if err != nil {
		return err
	}
	listed := make(map[string]string, len(found.Statuses))
	for _, s := range found.Statuses {
		listed[s.ID] = s.State
	}
	var unclear []string
	for _, id := range pending {
		inst := l.progress[id]
		state, ok := listed[id]
		if !ok {
			inst.phase, inst.failure = failed, &Failure{ID: id, State: inst.state, Reason: "it no longer exists"}
			continue
		}
		inst.state = state
		switch inst.phase {
		case awaiting:
			if !l.sortByState(id) {
				inst.phase, inst.failure = failed, &Failure{ID: id, State: state, Reason: l.cannotReach(state)}
			}
		case onItsWay:
			switch {
			case state == l.spec.target:
				inst.phase, inst.skipped = done, true
			case !isPassing(state):
				// The other client's operation ended elsewhere: sort it by its state again.
				inst.phase = awaiting
				if !l.sortByState(id) {
					inst.phase, inst.failure = failed, &Failure{ID: id, State: state, Reason: l.cannotReach(state)}
				}
			}
		case sent:
			switch {
			case state == l.spec.moving:
				inst.seenMoving = true
			case state == l.spec.target && (l.o.Op != Reboot || inst.seenMoving):
				inst.phase = done
			case !isPassing(state):
				unclear = append(unclear, id)
			}
		}
	}
	if len(unclear) == 0 {
		return nil
	}
	latest, err := l.lookUp(ctx, unclear)
	if err != nil {
		return err
	}
	for _, id := range unclear {
		inst, op := l.progress[id], latest[id]
		if op.RequestID != inst.requestID {
			continue // the API has not recorded this client's operation yet
		}
		switch op.State {
		case "FAILED":
			inst.phase, inst.failure = failed, &Failure{ID: id, State: inst.state, Reason: cmp.Or(op.ErrorMsg, "the API gives no reason"), RequestID: op.RequestID}
		case "SUCCESS":
			if inst.state == l.spec.target {
				inst.phase = done
			} else {
				// Changed again since, by someone else: sort it by its state again.
				inst.phase = awaiting
				if !l.sortByState(id) {
					inst.phase, inst.failure = failed, &Failure{ID: id, State: inst.state, Reason: l.cannotReach(inst.state)}
				}
			}
		}
	}
	return nil
}

func (l *operationRun) lookUp(ctx context.Context, ids []string) (map[string]LatestOperation, error) {
	latest, err := l.c.latestOperations(ctx, l.o.Region, ids)
	l.calls[describeInstances] += batchCount(len(ids))
	return latest, err
}

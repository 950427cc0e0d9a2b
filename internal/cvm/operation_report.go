package cvm

import (
	"context"
	"maps"
	"time"
)

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

func (l *operationRun) cannotReach(state string) string {
	if l.o.Op == Reboot {
		return "it is " + state + ", and only RUNNING instances can be rebooted"
	}
	return "it is " + state + ", which it does not leave on its own"
}

// interrupted is the error of an operation that ended early: a call failed for good, its time ran
// out or it was canceled (err, if set, is the call under way then). The instances not there yet
// are looked up once more, while time is left, for what the API says of their operation.
func (l *operationRun) interrupted(ctx context.Context, err error) error {
	e := &OperationError{Operation: l.o, Result: l.result(), Failed: l.failures(), Err: err}
	if failedForGood(err) {
		return e
	}
	e.TimedOut, e.Canceled = !canceled(ctx), canceled(ctx)
	pending := l.inPhase(awaiting, sent, onItsWay)
	var latest map[string]LatestOperation
	if ctx.Err() == nil {
		// Best effort: without the lookup, the error still names each instance and its state.
		latest, _ = l.c.latestOperations(ctx, l.o.Region, pending)
	}
	for _, id := range pending {
		inst := l.progress[id]
		f := Failure{ID: id, State: inst.state}
		if op, ok := latest[id]; ok && op.RequestID != "" && op.RequestID == inst.requestID {
			f.Reason, f.RequestID = "its "+op.Action+" is "+op.State, op.RequestID
			if op.ErrorMsg != "" {
				f.Reason += ": " + op.ErrorMsg
			}
		}
		e.Pending = append(e.Pending, f)
	}
	return e
}

func (l *operationRun) failures() []Failure {
	var failures []Failure
	for _, id := range l.ids {
		if inst := l.progress[id]; inst.phase == failed {
			failures = append(failures, *inst.failure)
		}
	}
	return failures
}

func (l *operationRun) result() OperationResult {
	res := OperationResult{Changed: []string{}, Skipped: []string{}, Polls: l.polls, Calls: maps.Clone(l.calls), Elapsed: time.Since(l.start)}
	for _, id := range l.ids {
		if inst, ok := l.progress[id]; ok && inst.phase == done {
			if inst.skipped {
				res.Skipped = append(res.Skipped, id)
			} else {
				res.Changed = append(res.Changed, id)
			}
		}
	}
	return res
}

func (l *operationRun) report(ctx context.Context, phase Phase) {
	if l.o.Progress == nil {
		return
	}
	p := OperationProgress{Phase: phase, Elapsed: time.Since(l.start), Polls: l.polls, Total: len(l.ids), Calls: maps.Clone(l.calls)}
	for _, id := range l.ids {
		inst := l.progress[id]
		if inst.requestID != "" {
			p.Sent++
		}
		switch inst.phase {
		case done:
			p.Done++
			if inst.skipped {
				p.Skipped++
			}
		case failed:
			p.Failed++
		default:
			p.Pending = append(p.Pending, Status{ID: id, State: inst.state})
		}
	}
	l.o.Progress(ctx, p)
}

package cvm

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Wait is a wait for instances to reach one of some states.
type Wait struct {
	Region string
	IDs    []string
	// States are the states waited for: the wait is done when every instance is listed and in
	// one of them.
	States []string
	// PollInterval is the pause between two polls.
	PollInterval time.Duration
	// Details, when set, polls through DescribeInstances (DetailsByID) rather than
	// DescribeInstancesStatus, at the same number of calls, so that each instance is returned
	// with its Details as seen when it reached a wanted state.
	Details bool
	// Progress, if set, is told after every poll how the wait stands.
	Progress func(context.Context, WaitProgress)
}

// WaitProgress is how a wait stands after a poll.
type WaitProgress struct {
	Poll    int
	Elapsed time.Duration
	// Calls are the calls the wait has made, one per batch of up to 100 IDs per poll; retries of a
	// call are not counted.
	Calls int
	// Total is the number of instances waited for, Done how many of them are in a wanted state.
	Total, Done int
	// Pending are the instances not in a wanted state, in the order asked for, each with the state
	// it was last seen in ("" for one the API has not listed yet).
	Pending []Status
}

// WaitForStates polls the states of w.IDs until every one is listed and in one of w.States, and
// returns them in the order asked for. Each poll reads only the instances not yet in a wanted
// state, so a wait costs ceil(pending/100) calls per poll. An ID the API does not list yet is
// waited for, as a just-created instance takes a moment to appear. The wait fails at once when an
// instance is in a state it cannot leave on its own, or disappears after it was listed. A poll
// that would start after ctx's deadline is not made: the wait then ends with a *WaitError that
// lists the instances still pending.
func (c *Client) WaitForStates(ctx context.Context, w Wait) (Result, error) {
	if len(w.States) == 0 || w.PollInterval <= 0 {
		return Result{}, fmt.Errorf("cvm: a wait needs states to wait for and a poll interval greater than 0, not %q and %s", w.States, w.PollInterval)
	}
	start := time.Now()
	ids := uniqueIDs(w.IDs)
	last := make(map[string]Status, len(ids)) // each instance as it was last listed
	pending := ids
	progress := WaitProgress{Total: len(ids), Pending: statusesOf(ids, last)}
	read := c.StatusesByID
	if w.Details {
		read = c.DetailsByID
	}
	for len(pending) > 0 {
		progress.Poll++
		found, err := read(ctx, w.Region, pending)
		progress.Calls += batchCount(len(pending))
		progress.Elapsed = time.Since(start)
		if err != nil {
			return Result{}, w.interrupted(ctx, err, progress)
		}
		listed := make(map[string]Status, len(found.Statuses))
		for _, s := range found.Statuses {
			listed[s.ID] = s
		}
		var next []string
		var stuck []Status
		for _, id := range pending {
			s, ok := listed[id]
			_, seen := last[id]
			switch {
			case ok && slices.Contains(w.States, s.State):
			case ok && isDeadEnd(s.State):
				stuck = append(stuck, Status{ID: id, State: s.State})
			case !ok && seen:
				stuck = append(stuck, Status{ID: id})
			default:
				next = append(next, id)
			}
			if ok {
				last[id] = s
			}
		}
		pending = next
		progress.Done = len(ids) - len(pending) - len(stuck)
		progress.Pending = statusesOf(pending, last)
		if w.Progress != nil {
			w.Progress(ctx, progress)
		}
		if len(stuck) > 0 {
			return Result{}, &WaitError{Wait: w, Progress: progress, Stuck: stuck}
		}
		if len(pending) > 0 && !sleep(ctx, w.PollInterval) {
			return Result{}, w.interrupted(ctx, nil, progress)
		}
	}
	return Result{Statuses: statusesOf(ids, last), Missing: []string{}}, nil
}

// interrupted is the error of a wait that ended before its instances were there: its time ran out
// or it was canceled (err, if set, is the call under way then), or a call failed for good, which
// is returned as it is. progress.Pending are the instances pending since the last poll.
func (w Wait) interrupted(ctx context.Context, err error, progress WaitProgress) error {
	if failedForGood(err) {
		return err
	}
	return &WaitError{Wait: w, Progress: progress, TimedOut: !canceled(ctx), Canceled: canceled(ctx), Err: err}
}

// statusesOf are ids as last lists them, in order; an ID not listed yet has no state.
func statusesOf(ids []string, last map[string]Status) []Status {
	statuses := make([]Status, len(ids))
	for i, id := range ids {
		statuses[i] = last[id]
		statuses[i].ID = id
	}
	return statuses
}

// WaitError is a wait that ended before every instance reached a wanted state.
type WaitError struct {
	Wait     Wait
	Progress WaitProgress
	// Stuck are the instances that will never reach a wanted state: each in a state it cannot
	// leave on its own, or, with State "", no longer listed after it was.
	Stuck []Status
	// TimedOut is set when the wait's deadline ended it, Canceled when its caller canceled it;
	// Progress.Pending then holds the instances that were not there yet.
	TimedOut, Canceled bool
	// Err is the call that was under way when the wait ended, if one was.
	Err error
}

// maxListed bounds how many instances an error message names.
const maxListed = 20

func (e *WaitError) Error() string {
	var b strings.Builder
	wanted := oneOf(e.Wait.States)
	p := e.Progress
	if len(e.Stuck) > 0 {
		fmt.Fprintf(&b, "%d of %d %s in %s will never be %s: %s. An instance does not leave %s on its own",
			len(e.Stuck), p.Total, Plural(p.Total, "instance", "instances"), e.Wait.Region, wanted,
			listStatuses(e.Stuck, "no longer exists"), oneOf(deadEnds))
	} else {
		ended := "The wait ran out of time"
		if e.Canceled {
			ended = "The wait was canceled"
		}
		fmt.Fprintf(&b, "%s after %s and %d %s: %d of %d %s in %s %s not %s yet: %s", ended, p.Elapsed.Round(time.Second/10),
			p.Poll, Plural(p.Poll, "poll", "polls"), len(p.Pending), p.Total, Plural(p.Total, "instance", "instances"),
			e.Wait.Region, Plural(len(p.Pending), "is", "are"), wanted, listStatuses(p.Pending, "not listed yet"))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ". The last call: %s", e.Err)
	}
	b.WriteString(".")
	return b.String()
}

func (e *WaitError) Unwrap() error { return e.Err }

// listStatuses names each instance with its state, or with absent for one without a state; the
// first maxListed of them, and how many more there are.
func listStatuses(statuses []Status, absent string) string {
	return listFirst(statuses, func(s Status) string { return s.ID + " (" + cmp.Or(s.State, absent) + ")" })
}

// listFirst names the first maxListed items, each as name puts it, and how many more there are.
func listFirst[T any](items []T, name func(T) string) string {
	parts := make([]string, 0, min(len(items), maxListed)+1)
	for _, item := range items[:min(len(items), maxListed)] {
		parts = append(parts, name(item))
	}
	if more := len(items) - maxListed; more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", more))
	}
	return strings.Join(parts, ", ")
}

// oneOf reads states as a choice: "RUNNING", "RUNNING or STOPPED", "A, B or C".
func oneOf(states []string) string {
	if len(states) <= 1 {
		return strings.Join(states, "")
	}
	return strings.Join(states[:len(states)-1], ", ") + " or " + states[len(states)-1]
}

package cvm

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Failure is an instance an operation could not bring to its target.
type Failure struct {
	ID string
	// State is the state it was last seen in.
	State string
	// Code is the API's error code when a call refused it, Reason what the API says went wrong
	// (LatestOperationErrorMsg for an operation that failed), RequestID the call it concerns.
	Code, Reason, RequestID string
}

// OperationError is an operation that did not bring every instance to its target. Instances
// that got there are in Result; they are not rolled back.
type OperationError struct {
	Operation Operation
	Result    OperationResult
	// Unknown are IDs that do not exist, and Unreachable instances in a state from which they
	// cannot reach the target: either ends the operation before anything was changed.
	Unknown     []string
	Unreachable []Status
	// Failed are the instances whose operation failed, or that fell into a state they cannot
	// leave.
	Failed []Failure
	// TimedOut is set when the deadline ended the operation, Canceled when its caller canceled
	// it; Pending then holds the instances not there yet, with what the API says of each.
	TimedOut, Canceled bool
	Pending            []Failure
	// Err is the call that failed for good, or that was under way when the operation ended.
	Err error
}

func (e *OperationError) Error() string {
	o := e.Operation
	total := len(uniqueIDs(o.IDs))
	target := o.Op.Target()
	var parts []string
	switch {
	case len(e.Unknown) > 0:
		return fmt.Sprintf("Cannot %s the instances: %d of %d %s not exist in %s: %s. Nothing was changed.",
			o.Op, len(e.Unknown), total, Plural(len(e.Unknown), "does", "do"), o.Region, listFirst(e.Unknown, func(id string) string { return id }))
	case len(e.Unreachable) > 0:
		why := "an instance does not leave " + oneOf(deadEnds) + " on its own"
		if o.Op == Reboot {
			why = "only RUNNING instances can be rebooted"
		}
		return fmt.Sprintf("Cannot %s %d of %d %s in %s: %s; %s. Nothing was changed.",
			o.Op, len(e.Unreachable), total, Plural(total, "instance", "instances"), o.Region, listStatuses(e.Unreachable, ""), why)
	}
	if len(e.Failed) > 0 {
		parts = append(parts, fmt.Sprintf("Failed to %s %d of %d %s in %s: %s",
			o.Op, len(e.Failed), total, Plural(total, "instance", "instances"), o.Region, groupFailures(e.Failed)))
	}
	if e.TimedOut || e.Canceled {
		ended := "ran out of time"
		if e.Canceled {
			ended = "was canceled"
		}
		parts = append(parts, fmt.Sprintf("The %s %s after %s and %d %s: %d of %d %s in %s %s not %s yet: %s",
			o.Op, ended, e.Result.Elapsed.Round(time.Second/10), e.Result.Polls, Plural(e.Result.Polls, "poll", "polls"),
			len(e.Pending), total, Plural(total, "instance", "instances"), o.Region, Plural(len(e.Pending), "is", "are"),
			target, listFailures(e.Pending)))
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	if got := len(e.Result.Changed) + len(e.Result.Skipped); got > 0 {
		// After a call that failed for good, the rest are not accounted for above.
		other := "The other "
		if e.Err != nil {
			other = ""
		}
		if o.Op == Reboot {
			parts = append(parts, fmt.Sprintf("%s%d %s %s", other, got, Plural(got, "instance was", "instances were"), o.Op.Done()))
		} else {
			parts = append(parts, fmt.Sprintf("%s%d %s %s", other, got, Plural(got, "instance is", "instances are"), target))
		}
	}
	return strings.Join(parts, ". ") + "."
}

func (e *OperationError) Unwrap() error { return e.Err }

// groupFailures names every failed instance, those that failed in the same state for the same
// reason together: "ins-a, ins-b (RUNNING): reason (RequestIds x, y); ins-c (STOPPED): ...".
func groupFailures(failures []Failure) string {
	type group struct {
		Failure
		ids, requestIDs []string
	}
	var groups []*group
	for _, f := range failures {
		i := slices.IndexFunc(groups, func(g *group) bool {
			return g.State == f.State && g.Code == f.Code && g.Reason == f.Reason
		})
		if i < 0 {
			groups = append(groups, &group{Failure: f})
			i = len(groups) - 1
		}
		g := groups[i]
		g.ids = append(g.ids, f.ID)
		if f.RequestID != "" && !slices.Contains(g.requestIDs, f.RequestID) {
			g.requestIDs = append(g.requestIDs, f.RequestID)
		}
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = strings.Join(g.ids, ", ") + " (" + g.State + "): " + describeFailure(g.Failure, g.requestIDs)
	}
	return strings.Join(parts, "; ")
}

// describeFailure is the code and reason of a failure, and the calls it concerns.
func describeFailure(f Failure, requestIDs []string) string {
	s := f.Reason
	if f.Code != "" {
		s = f.Code + ": " + s
	}
	if len(requestIDs) > 0 {
		s += fmt.Sprintf(" (%s %s)", Plural(len(requestIDs), "RequestId", "RequestIds"), strings.Join(requestIDs, ", "))
	}
	return s
}

// listFailures names the first maxListed instances with their state and what is known of them.
func listFailures(failures []Failure) string {
	return listFirst(failures, func(f Failure) string {
		detail := f.State
		if f.Reason != "" {
			detail += "; " + describeFailure(f, nonEmpty(f.RequestID))
		}
		return f.ID + " (" + detail + ")"
	})
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

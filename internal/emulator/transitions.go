package emulator

import (
	"fmt"
	"slices"
	"time"
)

// Transition is a change the emulator makes to an instance on its own, as the real service does
// while an instance launches: a PENDING instance that becomes RUNNING, one that ends in
// LAUNCH_FAILED, or a new instance that the API starts listing a moment after it was created.
type Transition struct {
	Region string
	// Instance is the instance as it is after the transition; one that does not exist yet is
	// created at the end of the listing.
	Instance
	// Terminated removes the instance instead, as the end of its termination does; the
	// instance's State is then ignored.
	Terminated bool
	// After is when the transition happens: from New for the transitions of Config, from the call
	// of Schedule for the others, on the emulator's clock.
	After time.Duration
}

// scheduled is a transition with the time it is due.
type scheduled struct {
	Transition
	due time.Time
	// then, if set, is run once the transition is made: the end of an operation records its result.
	then func()
}

// Schedule makes the emulator change an instance after t.After from now.
func (e *Emulator) Schedule(t Transition) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.schedule(t)
}

// schedule adds t to the pending transitions; e.mu is held.
func (e *Emulator) schedule(t Transition) error {
	// A terminated instance is removed, and needs no state.
	valid := validInstance(t.Instance)
	if t.Terminated {
		valid = validID(t.ID)
	}
	if valid != nil {
		return valid
	}
	if err := validPlacement(t.Region, t.Instance); err != nil {
		return err
	}
	if t.After < 0 {
		return fmt.Errorf("the transition of %s is scheduled %s in the past", t.ID, -t.After)
	}
	e.pending = insertScheduled(e.pending, scheduled{Transition: t, due: e.now().Add(t.After)})
	return nil
}

// insertScheduled adds s to pending, which stays sorted by when transitions are due, ties in the
// order scheduled.
func insertScheduled(pending []scheduled, s scheduled) []scheduled {
	i := slices.IndexFunc(pending, func(p scheduled) bool { return p.due.After(s.due) })
	if i < 0 {
		i = len(pending)
	}
	return slices.Insert(pending, i, s)
}

// applyDue makes every transition that is due by now; e.mu is held. Transitions are applied when
// the fleet is looked at rather than by timers, so that they follow the emulator's one clock,
// which tests may drive.
func (e *Emulator) applyDue() {
	now := e.now()
	n := 0
	for n < len(e.pending) && !e.pending[n].due.After(now) {
		t := e.pending[n]
		if t.Terminated {
			e.regionFleet(t.Region).delete(t.ID)
		} else {
			e.regionFleet(t.Region).put(t.Instance, now)
		}
		if t.then != nil {
			t.then()
		} else {
			e.stats.Transitions++ // an operation's end is not a scheduled transition
		}
		n++
	}
	e.pending = slices.Delete(e.pending, 0, n)
}

// Launches are the transitions of n instances launched now, named ins-<prefix><index> with the
// index in 4 digits (a prefix of 4 characters makes a valid ID): each is listed at once as PENDING
// and ends in state, the i-th after after(i). It returns them with the IDs, in order.
func Launches(region, prefix string, n int, state string, after func(i int) time.Duration) ([]Transition, []string) {
	var transitions []Transition
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ins-%s%04d", prefix, i)
		transitions = append(transitions, Launch(region, ids[i], state, after(i))...)
	}
	return transitions, ids
}

// Launch is the transitions of an instance launched now: listed at once as PENDING, it ends in
// state (RUNNING, or LAUNCH_FAILED for a launch that fails) after the given time.
func Launch(region, id, state string, after time.Duration) []Transition {
	return []Transition{
		{Region: region, Instance: Instance{ID: id, State: "PENDING"}},
		{Region: region, Instance: Instance{ID: id, State: state}, After: after},
	}
}

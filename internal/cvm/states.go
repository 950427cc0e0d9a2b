package cvm

import "slices"

// stateKind is what a state means for waiting on an instance and acting on it.
type stateKind int

const (
	// settled: the instance stays in it until something changes it (RUNNING, STOPPED).
	settled stateKind = iota
	// passing: the instance leaves it on its own; a wait or an operation waits for it to end.
	passing
	// deadEnd: the instance does not leave it on its own, and no operation takes it out.
	deadEnd
)

type stateMeaning struct {
	name string
	kind stateKind
}

// stateTable holds every state DescribeInstancesStatus documents, in the order it documents
// them, and what each means. The waiter, the operation pipeline and the provider's validators
// all read it. (A state the API adds later is passed through, and treated as settled.)
var stateTable = []stateMeaning{
	{"PENDING", passing},
	{"LAUNCH_FAILED", deadEnd},
	{"RUNNING", settled},
	{"STOPPED", settled},
	{"STARTING", passing},
	{"STOPPING", passing},
	{"REBOOTING", passing},
	{"SHUTDOWN", deadEnd},
	{"TERMINATING", deadEnd},
	{"ENTER_RESCUE_MODE", passing},
	{"RESCUE_MODE", passing},
	{"EXIT_RESCUE_MODE", passing},
	{"ENTER_SERVICE_LIVE_MIGRATE", passing},
	{"SERVICE_LIVE_MIGRATE", passing},
	{"EXIT_SERVICE_LIVE_MIGRATE", passing},
}

// States are the states DescribeInstancesStatus documents, in its order.
func States() []string { return statesOf(func(stateKind) bool { return true }) }

// deadEnds are the states an instance does not leave on its own: a wait for any other state
// cannot end well once an instance is in one of them.
var deadEnds = statesOf(func(k stateKind) bool { return k == deadEnd })

func statesOf(keep func(stateKind) bool) []string {
	var names []string
	for _, s := range stateTable {
		if keep(s.kind) {
			names = append(names, s.name)
		}
	}
	return names
}

func kindOf(state string) stateKind {
	if i := slices.IndexFunc(stateTable, func(s stateMeaning) bool { return s.name == state }); i >= 0 {
		return stateTable[i].kind
	}
	return settled
}

func isPassing(state string) bool { return kindOf(state) == passing }
func isDeadEnd(state string) bool { return kindOf(state) == deadEnd }

package cvm

// The operations that change an instance's power state, and what each does.

// Op is an operation that changes the power state of instances.
type Op string

// Action is the API action that carries op out, such as StopInstances.
func (op Op) Action() string { return opSpecs[op].action }

// Target is the state op brings an instance to: RUNNING or STOPPED.
func (op Op) Target() string { return opSpecs[op].target }

// Done is what op did to an instance: started, stopped or rebooted.
func (op Op) Done() string { return opSpecs[op].done }

// The operations: Start to RUNNING, Stop to STOPPED, Reboot through REBOOTING to RUNNING again.
const (
	Start  Op = "start"
	Stop   Op = "stop"
	Reboot Op = "reboot"
)

// opSpec is what an operation does: the API action that carries it out, the state it acts on, the
// state an instance is in while it runs, and the state it ends in; and its past participle.
type opSpec struct {
	action               string
	from, moving, target string
	done                 string
}

var opSpecs = map[Op]opSpec{
	Start:  {action: startInstances, from: "STOPPED", moving: "STARTING", target: "RUNNING", done: "started"},
	Stop:   {action: stopInstances, from: "RUNNING", moving: "STOPPING", target: "STOPPED", done: "stopped"},
	Reboot: {action: rebootInstances, from: "RUNNING", moving: "REBOOTING", target: "RUNNING", done: "rebooted"},
}

// Settling is the state an instance in state is on its way to: the target of the operation whose
// passing state it is (STARTING and REBOOTING lead to RUNNING, STOPPING to STOPPED), and RUNNING
// for a launch (PENDING). Any other state is its own.
func Settling(state string) string {
	if state == "PENDING" {
		return "RUNNING"
	}
	for _, spec := range opSpecs {
		if spec.moving == state {
			return spec.target
		}
	}
	return state
}

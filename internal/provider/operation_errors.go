package provider

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// retry says, in the advice of an operation's errors, how its user runs it again and limits it:
// an action and the resource are run and limited differently.
type retry struct {
	what     string // the operation as a sentence starts: "The action", "The apply"
	again    string // how to run it again: "invoke the action again"
	timeout  string // the argument that limits it: "timeout", "timeouts.create"
	leaveOut string // how to stop acting on the instances named: "take them out of instance_ids"
}

// operationError is the detail of a failed operation: what went wrong and what to do.
func operationError(err error, op cvm.Op, timeout time.Duration, r retry) string {
	finish := r.again + " to finish: instances already " + op.Target() + " are skipped."
	end := ending{
		canceled: r.what + " was canceled, as when Terraform is interrupted. Instances already sent " + op.Action() +
			" keep changing; " + finish,
		timedOut: fmt.Sprintf("%s did not finish within its timeout of %s. Raise %s, then %s", r.what, timeout, r.timeout, finish),
	}
	var opErr *cvm.OperationError
	if !errors.As(err, &opErr) {
		return callErrorDetail(err, end)
	}
	var apiErr *cvm.Error
	var what string
	switch {
	case len(opErr.Unknown) > 0:
		what = "Check the IDs and the region (" + opErr.Operation.Region + "), or " + r.leaveOut + "."
	case len(opErr.Unreachable) > 0 && op == cvm.Reboot:
		what = "Start the instances that are not RUNNING first, or " + r.leaveOut + "."
	case len(opErr.Unreachable) > 0:
		what = "Replace the instances named, or " + r.leaveOut + "."
	case stopChargingRefused(opErr):
		what = "Only some pay-as-you-go instances can stop charging while stopped. Set stopped_mode = \"KEEP_CHARGING\" " +
			"(or leave it out) for the instances named, or " + r.leaveOut + "."
	case opErr.Canceled:
		what = end.canceled
	case opErr.TimedOut:
		what = fmt.Sprintf("%s ends when its timeout (%s) runs out. Raise %s if the instances are only slow; %s",
			r.what, timeout, r.timeout, finish)
	case errors.As(opErr.Err, &apiErr):
		what = advice(apiErr, end)
	default:
		what = "The API's message says why each failed. The other instances are " + op.Done() + " and are not rolled back. " +
			strings.ToUpper(r.again[:1]) + r.again[1:] + " to retry: instances already " + op.Target() + " are skipped."
	}
	return opErr.Error() + "\n\n" + what
}

func stopChargingRefused(e *cvm.OperationError) bool {
	for _, f := range e.Failed {
		if f.Code == "UnsupportedOperation.StoppedModeStopCharging" {
			return true
		}
	}
	return false
}

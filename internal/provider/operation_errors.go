package provider

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// operationWording is how the advice of an operation's errors names it, how its user runs it
// again and what limits it: an action and the resource are run and limited differently.
type operationWording struct {
	what     string // the operation as a sentence starts: "The action", "The apply"
	again    string // how to run it again: "invoke the action again"
	timeout  string // the argument that limits it: "timeout", "timeouts.create"
	leaveOut string // how to stop acting on the instances named: "take them out of instance_ids"
}

// operationError is the detail of a failed operation: what went wrong and what to do.
func operationError(err error, op cvm.Op, timeout time.Duration, w operationWording) string {
	finish := w.again + " to finish: instances already " + op.Target() + " are skipped."
	end := ending{
		canceled: w.what + " was canceled, as when Terraform is interrupted. Instances already sent " + op.Action() +
			" keep changing; " + finish,
		timedOut: fmt.Sprintf("%s did not finish within its timeout of %s. Raise %s, then %s", w.what, timeout, w.timeout, finish),
	}
	var opErr *cvm.OperationError
	if !errors.As(err, &opErr) {
		return callErrorDetail(err, end)
	}
	var apiErr *cvm.Error
	var what string
	switch {
	case len(opErr.Unknown) > 0:
		what = "Check the IDs and the region (" + opErr.Operation.Region + "), or " + w.leaveOut + "."
	case len(opErr.Unreachable) > 0 && op == cvm.Reboot:
		what = "Start the instances that are not RUNNING first, or " + w.leaveOut + "."
	case len(opErr.Unreachable) > 0:
		what = "Replace the instances named, or " + w.leaveOut + "."
	case stopChargingRefused(opErr):
		what = "Only some pay-as-you-go instances can stop charging while stopped. Set stopped_mode = \"KEEP_CHARGING\" " +
			"(or leave it out) for the instances named, or " + w.leaveOut + "."
	case opErr.Canceled:
		what = end.canceled
	case opErr.TimedOut:
		what = fmt.Sprintf("%s ends when its timeout (%s) runs out. Raise %s if the instances are only slow; %s",
			w.what, timeout, w.timeout, finish)
	case errors.As(opErr.Err, &apiErr):
		what = advice(apiErr, end)
	default:
		what = "The API's message says why each failed. The other instances are " + op.Done() + " and are not rolled back. " +
			strings.ToUpper(w.again[:1]) + w.again[1:] + " to retry: instances already " + op.Target() + " are skipped."
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

package provider

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// readError is the summary and detail of a failed read: what went wrong and what to do about it.
func readError(err error, readTimeout time.Duration) (summary, detail string) {
	var waitErr *cvm.WaitError
	if errors.As(err, &waitErr) {
		return "CVM instances did not reach " + strings.Join(waitErr.Wait.States, " or "), waitErr.Error() + "\n\n" + waitAdvice(waitErr, readTimeout)
	}
	return "Unable to read CVM instance states", readErrorDetail(err, readTimeout)
}

// readErrorDetail says what went wrong in a call of a read and what to do about it.
func readErrorDetail(err error, readTimeout time.Duration) string {
	return callErrorDetail(err, ending{
		canceled: "The read was canceled before it finished, as when Terraform is interrupted; no state was set. Run it again.",
		timedOut: fmt.Sprintf("The read did not finish within its timeout of %s. Raise timeouts.read in the data source, "+
			"or read fewer instances per data source.", readTimeout),
	})
}

// ending says what to do when a call ended because its caller was canceled or ran out of time.
type ending struct {
	canceled, timedOut string
}

// callErrorDetail says what went wrong in a call and what to do about it.
func callErrorDetail(err error, end ending) string {
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	return apiErr.Error() + "\n\n" + advice(apiErr, end)
}

func waitAdvice(e *cvm.WaitError, readTimeout time.Duration) string {
	switch {
	case len(e.Stuck) > 0:
		return "Nothing changed on Terraform's side. Replace an instance that failed to launch, or take the instances " +
			"named from instance_ids."
	case e.Canceled:
		return "The wait was canceled before it finished, as when Terraform is interrupted; no state was set. Run it again."
	}
	return fmt.Sprintf("The wait ends when timeouts.read (%s) runs out. Raise it if the instances are only slow; an "+
		"instance the API never listed may not exist: check its ID.", readTimeout)
}

func advice(e *cvm.Error, end ending) string {
	var malformed *cvm.MalformedResponseError
	var status *cvm.HTTPStatusError
	switch code := e.Code; {
	case e.Canceled:
		return end.canceled
	case e.TimedOut:
		return end.timedOut
	case code == "AuthFailure.SignatureExpire":
		return "The API rejected the request's timestamp: this machine's clock is more than 5 minutes off. Correct the clock."
	case code == "AuthFailure.TokenFailure":
		return "The security token is wrong or has expired. Supply a fresh security_token (or " + envSecurityToken + ") with the temporary keys it belongs to."
	case strings.HasPrefix(code, "AuthFailure.UnauthorizedOperation"), strings.HasPrefix(code, "UnauthorizedOperation"):
		return "The keys are valid but may not call cvm:" + e.Action + ". Grant it to their CAM user or role."
	case strings.HasPrefix(code, "AuthFailure"):
		return "The API did not accept the keys. Check secret_id and secret_key (or " + envSecretID + " and " + envSecretKey +
			", or the tccli profile), and that they belong to the account whose instances you read."
	case strings.HasPrefix(code, "RequestLimitExceeded"):
		return "The API throttled the request, and max_retries = 0 turns off every retry, throttled ones included. " +
			"The account's limit is shared by every client in the region (other runs, the console, other tools): " +
			"with retries, a throttled request waits for its turn until the timeout."
	case code == "UnsupportedRegion", strings.HasPrefix(code, "InvalidParameterValue.Region"):
		return "Check the region (the region argument, or the provider's region or " + envRegion + ")."
	case e.Action == "DescribeInstances" && refusedFilter(code):
		return "The API refused a filter of the request named above: its name, its number of values or a value. Correct " +
			"it in tags or filters (a zone of the region, such as ap-guangzhou-3; IDs such as vpc-xxxxxxxx; times such as " +
			"2023-06-01 00:00:00)."
	case strings.HasPrefix(code, "InternalError"), code == "InternalServerError":
		return "The API failed on its side, on every retry. Try again later; quote the RequestId to Tencent Cloud support if it persists."
	case errors.As(e, &malformed), errors.As(e, &status):
		return "The endpoint answered what the CVM API never would. Check that endpoints.cvm (or domain) points at the " +
			"CVM API and that no proxy in between alters the answers."
	case code != "":
		return "Quote the RequestId to Tencent Cloud support if the message does not explain it."
	}
	return "The API could not be reached. Check the endpoint (endpoints.cvm, domain, protocol) and the network between " +
		"this machine and it."
}

// refusedFilter reports whether code is one DescribeInstances answers for a filter it refuses.
func refusedFilter(code string) bool {
	return strings.HasPrefix(code, "InvalidFilter") || strings.HasPrefix(code, "InvalidZone") ||
		strings.HasPrefix(code, "InvalidParameterValue") || strings.HasSuffix(code, ".Malformed")
}

package cvm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// Error is a failed call of an action: which request failed, how often it was tried, and what the
// API (or the network) said the last time.
type Error struct {
	Action   string
	Region   string
	Request  string // the page or batch that failed, e.g. "page at offset 200 (limit 100)"
	Attempts int
	// Code, Message and RequestID are the API's error, when the API answered with one.
	Code      string
	Message   string
	RequestID string
	// TimedOut is set when the read's deadline ended it, Canceled when its caller canceled it;
	// Err then says what the last attempt saw, or, when the end cut that attempt short, what the
	// one before it got.
	TimedOut bool
	Canceled bool
	Err      error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s failed on the %s", e.Action, e.Region, e.Request)
	if e.Attempts > 0 {
		fmt.Fprintf(&b, " after %d %s", e.Attempts, Plural(e.Attempts, "attempt", "attempts"))
	}
	if e.TimedOut {
		b.WriteString(", when its time ran out")
	}
	if e.Canceled {
		b.WriteString(", when it was canceled")
	}
	b.WriteString(": ")
	if e.Code != "" {
		fmt.Fprintf(&b, "%s: %s", truncate(e.Code, 100), truncate(e.Message, maxErrorText))
		if e.RequestID != "" {
			fmt.Fprintf(&b, " (RequestId %s)", e.RequestID)
		}
	} else {
		b.WriteString(truncate(e.Err.Error(), maxErrorText))
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// failedForGood reports whether err is a call that failed for its own reasons (authentication, a
// parameter, retries run out), rather than because its caller's time ran out or it was canceled.
func failedForGood(err error) bool {
	var apiErr *Error
	return err != nil && (!errors.As(err, &apiErr) || !apiErr.TimedOut && !apiErr.Canceled)
}

// MalformedResponseError is an answer that parsed but cannot be right: an invalid ID, a
// missing state, a page of the wrong length. It is retried like a server error.
type MalformedResponseError struct {
	Reason    string
	RequestID string
}

func (e *MalformedResponseError) Error() string {
	if e.RequestID == "" {
		return "the API returned a malformed response: " + e.Reason
	}
	return fmt.Sprintf("the API returned a malformed response (RequestId %s): %s", e.RequestID, e.Reason)
}

// HTTPStatusError is an answer with a status other than 200. The real API answers errors with
// 200 and a JSON body, so such a status comes from a gateway or proxy in between.
type HTTPStatusError struct {
	StatusCode int
	Status     string
	Body       string // the start of the body, for the error message
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("the endpoint answered HTTP %s: %q", e.Status, e.Body)
}

// newError builds the Error of a request that failed after attempts tries, ended by ctx or by
// noTimeLeft: the next wait would have outlasted ctx's deadline.
func newError(ctx context.Context, r request, attempts int, err error, noTimeLeft bool) *Error {
	e := &Error{Action: r.action, Region: r.region, Request: r.name, Attempts: attempts, Canceled: canceled(ctx), Err: err}
	e.TimedOut = !e.Canceled && (noTimeLeft || errors.Is(ctx.Err(), context.DeadlineExceeded))
	var sdkErr *sdkerrors.TencentCloudSDKError
	var malformed *MalformedResponseError
	switch {
	case errors.As(err, &malformed):
		e.RequestID = malformed.RequestID
	case errors.As(err, &sdkErr) && !strings.HasPrefix(sdkErr.Code, "ClientError."):
		e.Code, e.Message, e.RequestID = sdkErr.Code, sdkErr.Message, sdkErr.RequestId
	case errors.As(err, &sdkErr) && errors.Unwrap(sdkErr) != nil:
		// The SDK's own wrapping ("ClientError.NetworkError, Fail to get response") says less
		// than the network error it wraps.
		e.Err = errors.Unwrap(sdkErr)
	}
	return e
}

// apiAnswer reports whether err is an answer from the other end (an error code of the API, a
// malformed answer, a gateway's status) rather than a failure to get one.
func apiAnswer(err error) bool {
	var sdkErr *sdkerrors.TencentCloudSDKError
	var malformed *MalformedResponseError
	var status *HTTPStatusError
	return errors.As(err, &malformed) || errors.As(err, &status) ||
		errors.As(err, &sdkErr) && !strings.HasPrefix(sdkErr.Code, "ClientError.")
}

// maxErrorText bounds the text an error quotes from a response: a proxy's error page or a
// corrupt body can be megabytes long.
const maxErrorText = 512

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("... (%d more bytes)", len(s)-n)
}

// Plural is one or many, as n says: the messages of this package and of the provider count with it.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

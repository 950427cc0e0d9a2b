package cvm

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"time"

	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// request is one call of an action, as errors and logs name it.
type request struct {
	action string
	region string
	name   string // which request of the operation this is, e.g. "page at offset 200 (limit 100)"
	// logFields are what the debug line of each attempt says of the request beyond the above.
	logFields map[string]any
	// permit, when set, is the pace's leave for the first attempt, which a joined call takes before
	// its IDs are fixed; record, when set, is told of each attempt, for the callers of a joined
	// call that leave before its end.
	permit *pacePermit
	record *attempts
}

// sendFunc makes one attempt of a request with an SDK client that signs with the attempt's keys,
// and returns the checked answer and its RequestId.
type sendFunc[T any] func(ctx context.Context, sdk *cvmapi.Client) (answer T, requestID string, err error)

// call is the request pipeline every action goes through: it sends r until it succeeds, fails
// for good, runs out of retries or ctx ends. Every attempt waits for the action's pace first,
// then signs with the keys it obtains. RequestLimitExceeded slows the action's pace for every
// request, and is retried until ctx ends, however many attempts that takes: it means "wait", and
// the caller's deadline says how long. MaxRetries bounds the retries of the other errors, and 0
// disables every retry.
func call[T any](ctx context.Context, c *Client, r request, send sendFunc[T]) (T, error) {
	var zero T
	pace := c.pace(r.action, r.region)
	var err, previous error // previous: what the attempt before this one got
	failures := 0           // the attempts that failed for another reason than throttling
	for attempt := 1; ; attempt++ {
		previous = err
		t := r.permit
		if attempt > 1 || t == nil {
			next, waitErr := pace.wait(ctx, ctx.Deadline)
			if waitErr != nil {
				return zero, newError(ctx, r, attempt-1, cmp.Or(err, notSent(ctx)), true)
			}
			t = &next
		}
		r.record.begin(attempt)
		start := time.Now()
		var answer T
		var requestID string
		answer, requestID, err = sendOnce(ctx, c, r, send)
		r.record.end(err)
		if throttled(err) {
			// At once, for every request of the action, whether or not this one is retried.
			pace.slowDown(t.ticket)
		}
		fields := map[string]any{
			"action": r.action, "region": r.region, "request": r.name, "attempt": attempt, "pace_per_second": t.perSecond,
			"duration_ms": time.Since(start).Milliseconds(), "request_id": requestID, "error": errorText(err),
		}
		maps.Copy(fields, r.logFields)
		c.cfg.Log(ctx, "CVM API call", fields)
		if err != nil && !throttled(err) {
			failures++
		}
		switch {
		case err == nil:
			return answer, nil
		case ctx.Err() != nil && previous != nil && !apiAnswer(err):
			// The deadline or a cancel cut this attempt short: the answer that had the request
			// tried again says why it had not succeeded, which the cut does not.
			return zero, newError(ctx, r, attempt, previous, false)
		case ctx.Err() != nil || !retryable(err) || c.cfg.MaxRetries == 0 || failures > c.cfg.MaxRetries:
			return zero, newError(ctx, r, attempt, err, false)
		}
		if !sleep(ctx, backoff(attempt)) {
			return zero, newError(ctx, r, attempt, err, true)
		}
	}
}

// attempts is what a request has been through: how many attempts began, and what the last one
// that ended got. A nil *attempts records nothing.
type attempts struct {
	mu    sync.Mutex
	begun int
	last  error
}

func (a *attempts) begin(attempt int) {
	if a != nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.begun = attempt
	}
}

func (a *attempts) end(err error) {
	if a != nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.last = err
	}
}

func (a *attempts) read() (begun int, last error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.begun, a.last
}

// sendOnce makes one attempt: keys, then the request, with the SDK's error for a body that is not
// JSON turned into a malformed answer.
func sendOnce[T any](ctx context.Context, c *Client, r request, send sendFunc[T]) (T, string, error) {
	var zero T
	keys, err := c.cfg.Credentials.Credential(ctx)
	if err != nil {
		return zero, "", err
	}
	answer, requestID, err := send(ctx, c.sdk(r.region, keys))
	var sdkErr *sdkerrors.TencentCloudSDKError
	if errors.As(err, &sdkErr) && sdkErr.Code == "ClientError.ParseJsonError" {
		// The SDK's message quotes the whole body, which may be megabytes, before the reason.
		reason := sdkErr.Message
		if i := strings.LastIndex(reason, ", because: "); i >= 0 {
			reason = reason[i+len(", because: "):]
		}
		return zero, "", &MalformedResponseError{Reason: "the body is not a JSON answer of " + r.action + ": " + truncate(reason, 300)}
	}
	return answer, requestID, err
}

// notSent is why a request that was never sent failed.
func notSent(ctx context.Context) error {
	if canceled(ctx) {
		return errors.New("it was canceled before the request could be sent")
	}
	return errors.New("its time ran out before the request could be sent")
}

func canceled(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// sleep waits for d, or less if ctx ends first; it reports whether the whole wait passed. A
// wait that would outlast ctx's deadline is not begun.
func sleep(ctx context.Context, d time.Duration) bool {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return truncate(err.Error(), maxErrorText)
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

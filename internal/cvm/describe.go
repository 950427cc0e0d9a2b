package cvm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// page is one checked answer of DescribeInstancesStatus.
type page struct {
	total    int
	statuses []Status
}

// query is one DescribeInstancesStatus request: a page of the listing, or a batch of IDs.
type query struct {
	region string
	offset int
	ids    []string // nil lists every instance
	name   string   // how errors and logs name this request
}

// describe sends q until it succeeds, fails for good, runs out of retries or ctx ends. Every
// attempt waits for the shared pace first.
func (c *Client) describe(ctx context.Context, q query) (page, error) {
	var err error
	for attempt := 1; ; attempt++ {
		if waitErr := c.pace.wait(ctx); waitErr != nil {
			return page{}, newError(q, attempt-1, cmp.Or(err, errNoTimeLeft), !canceled(ctx))
		}
		start := time.Now()
		var p page
		var requestID string
		p, requestID, err = c.send(ctx, q)
		c.cfg.Log(ctx, "CVM API call", map[string]any{
			"action": action, "region": q.region, "request": q.name, "offset": q.offset, "limit": pageSize,
			"ids": len(q.ids), "attempt": attempt, "duration_ms": time.Since(start).Milliseconds(),
			"request_id": requestID, "error": errorText(err),
		})
		switch {
		case err == nil:
			return p, nil
		case ctx.Err() != nil || !retryable(err) || attempt > c.cfg.MaxRetries:
			return page{}, newError(q, attempt, err, errors.Is(ctx.Err(), context.DeadlineExceeded))
		}
		if throttled(err) {
			c.pace.throttled()
		}
		if !sleep(ctx, backoff(attempt)) {
			return page{}, newError(q, attempt, err, !canceled(ctx))
		}
	}
}

// errNoTimeLeft is why a request that was never sent failed.
var errNoTimeLeft = errors.New("the read's time ran out before the request could be sent")

func canceled(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// send makes one attempt and checks the answer.
func (c *Client) send(ctx context.Context, q query) (page, string, error) {
	cred, err := c.cfg.Credentials.Credential(ctx)
	if err != nil {
		return page{}, "", err
	}
	c.signing.current.Store(cred)
	req := cvmapi.NewDescribeInstancesStatusRequest()
	req.Offset = ptr(int64(q.offset))
	req.Limit = ptr(int64(pageSize))
	for _, id := range q.ids {
		req.InstanceIds = append(req.InstanceIds, ptr(id))
	}
	resp, err := c.sdk(q.region).DescribeInstancesStatusWithContext(ctx, req)
	var sdkErr *sdkerrors.TencentCloudSDKError
	if errors.As(err, &sdkErr) && sdkErr.Code == "ClientError.ParseJsonError" {
		// The SDK's message quotes the whole body, which may be megabytes, before the reason.
		reason := sdkErr.Message
		if i := strings.LastIndex(reason, ", because: "); i >= 0 {
			reason = reason[i+len(", because: "):]
		}
		return page{}, "", &MalformedResponseError{Reason: "the body is not a JSON answer of DescribeInstancesStatus: " + truncate(reason, 300)}
	}
	if err != nil {
		return page{}, "", err
	}
	p, err := check(resp.Response, q)
	var requestID string
	if resp.Response != nil {
		requestID = deref(resp.Response.RequestId)
	}
	return p, requestID, err
}

// check validates an answer rather than trusting it: every ID well formed, listed once (and
// asked for), every state present, and as many entries as TotalCount says this page holds.
func check(resp *cvmapi.DescribeInstancesStatusResponseParams, q query) (page, error) {
	if resp == nil {
		return page{}, &MalformedResponseError{Reason: "the body has no Response object"}
	}
	requestID := deref(resp.RequestId)
	malformed := func(format string, args ...any) (page, error) {
		return page{}, &MalformedResponseError{Reason: fmt.Sprintf(format, args...), RequestID: requestID}
	}
	if resp.TotalCount == nil {
		return malformed("TotalCount is missing")
	}
	total := int(*resp.TotalCount)
	if want := min(pageSize, max(0, total-q.offset)); len(resp.InstanceStatusSet) != want {
		return malformed("TotalCount is %d, so the page at offset %d should hold %d entries, but it holds %d",
			total, q.offset, want, len(resp.InstanceStatusSet))
	}
	var asked map[string]bool
	if q.ids != nil {
		asked = make(map[string]bool, len(q.ids))
		for _, id := range q.ids {
			asked[id] = true
		}
	}
	statuses := make([]Status, len(resp.InstanceStatusSet))
	seen := make(map[string]bool, len(resp.InstanceStatusSet))
	for i, s := range resp.InstanceStatusSet {
		switch {
		case s == nil || s.InstanceId == nil:
			return malformed("entry %d has no InstanceId", i)
		case !InstanceIDPattern.MatchString(*s.InstanceId):
			return malformed("entry %d has the InstanceId %q, which is not of the form ins-xxxxxxxx", i, truncate(*s.InstanceId, 40))
		case asked != nil && !asked[*s.InstanceId]:
			return malformed("entry %d is %s, which was not asked for", i, *s.InstanceId)
		case seen[*s.InstanceId]:
			return malformed("entry %d repeats %s", i, *s.InstanceId)
		case s.InstanceState == nil || *s.InstanceState == "":
			return malformed("entry %d (%s) has no InstanceState", i, *s.InstanceId)
		}
		seen[*s.InstanceId] = true
		statuses[i] = Status{ID: *s.InstanceId, State: *s.InstanceState}
	}
	return page{total: total, statuses: statuses}, nil
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

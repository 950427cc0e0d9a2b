package cvm

import (
	"context"
	"fmt"

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

// describe sends q through the request pipeline.
func (c *Client) describe(ctx context.Context, q query) (page, error) {
	r := request{action: describeInstancesStatus, region: q.region, name: q.name,
		logFields: map[string]any{"offset": q.offset, "limit": pageSize, "ids": len(q.ids)}}
	return call(ctx, c, r, func(ctx context.Context, sdk *cvmapi.Client) (page, string, error) {
		req := cvmapi.NewDescribeInstancesStatusRequest()
		req.Offset = ptr(int64(q.offset))
		req.Limit = ptr(int64(pageSize))
		for _, id := range q.ids {
			req.InstanceIds = append(req.InstanceIds, ptr(id))
		}
		resp, err := sdk.DescribeInstancesStatusWithContext(ctx, req)
		if err != nil {
			return page{}, "", err
		}
		p, err := check(resp.Response, q)
		var requestID string
		if resp.Response != nil {
			requestID = deref(resp.Response.RequestId)
		}
		return p, requestID, err
	})
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

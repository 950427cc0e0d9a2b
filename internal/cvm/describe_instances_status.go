package cvm

import (
	"context"
	"fmt"
	"maps"

	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// page is one checked answer of DescribeInstancesStatus or DescribeInstances.
type page struct {
	total    int
	statuses []Status
}

// query is one DescribeInstancesStatus request (a page of the listing, or a batch of IDs), or one
// page of a DescribeInstances request with filters.
type query struct {
	region  string
	offset  int
	ids     []string // nil lists every instance
	filters []Filter // DescribeInstances only
	name    string   // how errors and logs name this request
}

// describe sends q, a DescribeInstancesStatus request, through the request pipeline as r names it.
func (c *Client) describe(ctx context.Context, r request, q query) (page, error) {
	r.logFields = withFields(r.logFields, map[string]any{"offset": q.offset, "limit": pageSize, "ids": len(q.ids)})
	return c.describePage(ctx, r, q, func(ctx context.Context, sdk *cvmapi.Client) (answer, error) {
		req := cvmapi.NewDescribeInstancesStatusRequest()
		req.Offset = ptr(int64(q.offset))
		req.Limit = ptr(int64(pageSize))
		for _, id := range q.ids {
			req.InstanceIds = append(req.InstanceIds, ptr(id))
		}
		resp, err := sdk.DescribeInstancesStatusWithContext(ctx, req)
		if err != nil {
			return answer{}, err
		}
		return statusAnswer(resp.Response), nil
	})
}

// describePage sends q, a request whose answer send reads, through the request pipeline as r
// names it, and checks the answer.
func (c *Client) describePage(ctx context.Context, r request, q query, send func(context.Context, *cvmapi.Client) (answer, error)) (page, error) {
	return call(ctx, c, r, func(ctx context.Context, sdk *cvmapi.Client) (page, string, error) {
		a, err := send(ctx, sdk)
		if err != nil {
			return page{}, "", err
		}
		p, err := check(a, q)
		return p, a.requestID, err
	})
}

// pageRequest is q as a request of action.
func pageRequest(action string, q query) request {
	return request{action: action, region: q.region, name: q.name}
}

// setOf is ids as a set.
func setOf(ids []string) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// withFields is fields with more added, in a map of its own.
func withFields(fields, more map[string]any) map[string]any {
	all := maps.Clone(more)
	maps.Copy(all, fields)
	return all
}

// answer is what check reads of a DescribeInstancesStatus or DescribeInstances answer.
type answer struct {
	missing   bool // the body has no Response object
	requestID string
	total     *int64
	entries   []entry // nil entries are entries the body holds as null
}

type entry struct {
	id, state *string
	details   *Details // DescribeInstances only
}

func statusAnswer(resp *cvmapi.DescribeInstancesStatusResponseParams) answer {
	if resp == nil {
		return answer{missing: true}
	}
	a := answer{requestID: deref(resp.RequestId), total: resp.TotalCount, entries: make([]entry, len(resp.InstanceStatusSet))}
	for i, s := range resp.InstanceStatusSet {
		if s != nil {
			a.entries[i] = entry{id: s.InstanceId, state: s.InstanceState}
		}
	}
	return a
}

// check validates an answer rather than trusting it: every ID well formed, listed once (and
// asked for), every state present, and as many entries as TotalCount says this page holds.
func check(a answer, q query) (page, error) {
	if a.missing {
		return page{}, &MalformedResponseError{Reason: "the body has no Response object"}
	}
	malformed := func(format string, args ...any) (page, error) {
		return page{}, &MalformedResponseError{Reason: fmt.Sprintf(format, args...), RequestID: a.requestID}
	}
	if a.total == nil {
		return malformed("TotalCount is missing")
	}
	total := int(*a.total)
	if want := min(pageSize, max(0, total-q.offset)); len(a.entries) != want {
		return malformed("TotalCount is %d, so the page at offset %d should hold %d entries, but it holds %d",
			total, q.offset, want, len(a.entries))
	}
	var asked map[string]bool
	if q.ids != nil {
		asked = setOf(q.ids)
	}
	statuses := make([]Status, len(a.entries))
	seen := make(map[string]bool, len(a.entries))
	for i, s := range a.entries {
		switch {
		case s.id == nil:
			return malformed("entry %d has no InstanceId", i)
		case !InstanceIDPattern.MatchString(*s.id):
			return malformed("entry %d has the InstanceId %q, which is not of the form ins-xxxxxxxx", i, truncate(*s.id, 40))
		case asked != nil && !asked[*s.id]:
			return malformed("entry %d is %s, which was not asked for", i, *s.id)
		case seen[*s.id]:
			return malformed("entry %d repeats %s", i, *s.id)
		case s.state == nil || *s.state == "":
			return malformed("entry %d (%s) has no InstanceState", i, *s.id)
		}
		seen[*s.id] = true
		statuses[i] = Status{ID: *s.id, State: *s.state, Details: s.details}
	}
	return page{total: total, statuses: statuses}, nil
}

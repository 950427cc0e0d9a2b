package cvm

import (
	"context"

	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// LatestOperation is what DescribeInstances says of the last operation on an instance: the only
// place that says why an operation failed.
type LatestOperation struct {
	Action    string // e.g. StopInstances
	State     string // SUCCESS, OPERATING or FAILED
	RequestID string // the RequestId of the call that started it
	ErrorMsg  string
}

// latestOperations returns the latest operation of each of ids that has one, by ID, in
// ceil(k/100) DescribeInstances calls, joined with other look-ups of the region.
func (c *Client) latestOperations(ctx context.Context, region string, ids []string) (map[string]LatestOperation, error) {
	found, err := c.DetailsByID(ctx, region, ids)
	if err != nil {
		return nil, err
	}
	latest := map[string]LatestOperation{}
	for _, s := range found.Statuses {
		if s.Details.Latest.Action != "" {
			latest[s.ID] = s.Details.Latest
		}
	}
	return latest, nil
}

// callLookUp sends one DescribeInstances request for ids through the request pipeline as r names
// it, and checks the answer as a page of DescribeInstancesStatus is checked.
func (c *Client) callLookUp(ctx context.Context, _ joinKey, r request, ids []string) (page, error) {
	q := query{region: r.region, ids: ids, name: r.name}
	return c.describePage(ctx, r, q, func(ctx context.Context, sdk *cvmapi.Client) (answer, error) {
		req := cvmapi.NewDescribeInstancesRequest()
		req.InstanceIds = ptrs(ids)
		req.Limit = ptr(int64(pageSize))
		resp, err := sdk.DescribeInstancesWithContext(ctx, req)
		if err != nil {
			return answer{}, err
		}
		return instancesAnswer(resp.Response), nil
	})
}

// describeFiltered sends one page of a DescribeInstances request with filters through the request
// pipeline, and checks the answer as DescribeInstancesStatus answers are checked.
func (c *Client) describeFiltered(ctx context.Context, q query) (page, error) {
	r := pageRequest(describeInstances, q)
	r.logFields = map[string]any{"offset": q.offset, "limit": pageSize, "filters": len(q.filters)}
	return c.describePage(ctx, r, q, func(ctx context.Context, sdk *cvmapi.Client) (answer, error) {
		req := cvmapi.NewDescribeInstancesRequest()
		req.Offset = ptr(int64(q.offset))
		req.Limit = ptr(int64(pageSize))
		for _, f := range q.filters {
			req.Filters = append(req.Filters, &cvmapi.Filter{Name: ptr(f.Name), Values: ptrs(f.Values)})
		}
		resp, err := sdk.DescribeInstancesWithContext(ctx, req)
		if err != nil {
			return answer{}, err
		}
		return instancesAnswer(resp.Response), nil
	})
}

func instancesAnswer(resp *cvmapi.DescribeInstancesResponseParams) answer {
	if resp == nil {
		return answer{missing: true}
	}
	a := answer{requestID: deref(resp.RequestId), total: resp.TotalCount, entries: make([]entry, len(resp.InstanceSet))}
	for i, inst := range resp.InstanceSet {
		if inst != nil {
			a.entries[i] = entry{id: inst.InstanceId, state: inst.InstanceState, details: detailsOf(inst)}
		}
	}
	return a
}

func ptrs(ss []string) []*string {
	out := make([]*string, len(ss))
	for i := range ss {
		out[i] = &ss[i]
	}
	return out
}

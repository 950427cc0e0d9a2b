package cvm

import (
	"context"

	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

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

// callStatuses sends one DescribeInstancesStatus request for ids through the request pipeline as
// r names it.
func (c *Client) callStatuses(ctx context.Context, _ joinKey, r request, ids []string) (page, error) {
	return c.describe(ctx, r, query{region: r.region, ids: ids, name: r.name})
}

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
// ceil(k/100) DescribeInstances calls.
func (c *Client) latestOperations(ctx context.Context, region string, ids []string) (map[string]LatestOperation, error) {
	batches := batchIDs(uniqueIDs(ids), pageSize)
	answers, err := fetchAll(ctx, c, describeInstances, len(batches), func(ctx context.Context, i int) ([]*cvmapi.Instance, error) {
		r := request{action: describeInstances, region: region, name: batchName(batches, i), logFields: map[string]any{"ids": len(batches[i])}}
		return call(ctx, c, r, func(ctx context.Context, sdk *cvmapi.Client) ([]*cvmapi.Instance, string, error) {
			req := cvmapi.NewDescribeInstancesRequest()
			req.InstanceIds = ptrs(batches[i])
			req.Limit = ptr(int64(pageSize))
			resp, err := sdk.DescribeInstancesWithContext(ctx, req)
			if err != nil {
				return nil, "", err
			}
			if resp.Response == nil {
				return nil, "", &MalformedResponseError{Reason: "the body has no Response object"}
			}
			return resp.Response.InstanceSet, deref(resp.Response.RequestId), nil
		})
	})
	if err != nil {
		return nil, err
	}
	latest := map[string]LatestOperation{}
	for _, set := range answers {
		for _, inst := range set {
			if inst == nil || inst.InstanceId == nil || inst.LatestOperation == nil {
				continue
			}
			latest[*inst.InstanceId] = LatestOperation{
				Action:    *inst.LatestOperation,
				State:     deref(inst.LatestOperationState),
				RequestID: deref(inst.LatestOperationRequestId),
				ErrorMsg:  deref(inst.LatestOperationErrorMsg),
			}
		}
	}
	return latest, nil
}

func ptrs(ss []string) []*string {
	out := make([]*string, len(ss))
	for i := range ss {
		out[i] = &ss[i]
	}
	return out
}

package cvm

import (
	"context"

	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// sendOperation sends o's operation for one batch of at most 100 IDs, joined with the same
// operation (action, region, StopType and StoppedMode) of other callers that waits for its turn,
// and returns the RequestId of the call that the API accepted. The API answers at once; the
// instances change afterwards.
func (c *Client) sendOperation(ctx context.Context, o Operation, ids []string, name string) (string, error) {
	k := joinKey{action: o.Op.Action(), region: o.Region}
	switch o.Op {
	case Stop:
		k.stopType, k.stoppedMode = o.StopType, o.StoppedMode
	case Reboot:
		k.stopType = o.StopType
	}
	r := request{action: k.action, region: o.Region, name: name, logFields: map[string]any{"ids": len(ids)}}
	return c.operations.call(ctx, k, r, ids)
}

// callOperation sends one call of k's operation for ids through the request pipeline as r names it.
func (c *Client) callOperation(ctx context.Context, k joinKey, r request, ids []string) (string, error) {
	return call(ctx, c, r, func(ctx context.Context, sdk *cvmapi.Client) (string, string, error) {
		var requestID *string
		var err error
		// The three answers differ only in type: each holds a RequestId and nothing else.
		switch k.action {
		case startInstances:
			req := cvmapi.NewStartInstancesRequest()
			req.InstanceIds = ptrs(ids)
			var resp *cvmapi.StartInstancesResponse
			if resp, err = sdk.StartInstancesWithContext(ctx, req); err == nil && resp.Response != nil {
				requestID = resp.Response.RequestId
			}
		case stopInstances:
			req := cvmapi.NewStopInstancesRequest()
			req.InstanceIds, req.StopType, req.StoppedMode = ptrs(ids), optional(k.stopType), optional(k.stoppedMode)
			var resp *cvmapi.StopInstancesResponse
			if resp, err = sdk.StopInstancesWithContext(ctx, req); err == nil && resp.Response != nil {
				requestID = resp.Response.RequestId
			}
		case rebootInstances:
			req := cvmapi.NewRebootInstancesRequest()
			req.InstanceIds, req.StopType = ptrs(ids), optional(k.stopType)
			var resp *cvmapi.RebootInstancesResponse
			if resp, err = sdk.RebootInstancesWithContext(ctx, req); err == nil && resp.Response != nil {
				requestID = resp.Response.RequestId
			}
		}
		switch {
		case err != nil:
			return "", "", err
		case requestID == nil || *requestID == "":
			return "", "", &MalformedResponseError{Reason: "the answer of " + k.action + " has no RequestId"}
		}
		return *requestID, *requestID, nil
	})
}

// sameRequestID is the part of an operation's answer, its RequestId, that concerns any of its instances.
func sameRequestID(requestID string, _ []string) string { return requestID }

// optional is nil for "", so that the API applies its default.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

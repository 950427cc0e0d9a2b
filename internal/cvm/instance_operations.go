package cvm

import (
	"context"

	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// Op is an operation that changes the power state of instances.
type Op string

// The operations: Start to RUNNING, Stop to STOPPED, Reboot through REBOOTING to RUNNING again.
const (
	Start  Op = "start"
	Stop   Op = "stop"
	Reboot Op = "reboot"
)

// opSpec is what an operation does: the state it acts on, the state an instance is in while it
// runs, and the state it ends in.
type opSpec struct {
	action               string
	from, moving, target string
}

var opSpecs = map[Op]opSpec{
	Start:  {action: startInstances, from: "STOPPED", moving: "STARTING", target: "RUNNING"},
	Stop:   {action: stopInstances, from: "RUNNING", moving: "STOPPING", target: "STOPPED"},
	Reboot: {action: rebootInstances, from: "RUNNING", moving: "REBOOTING", target: "RUNNING"},
}

// sendOperation sends o's operation for one batch of at most 100 IDs through the request
// pipeline and returns the RequestId of the call that the API accepted. The API answers at once;
// the instances change afterwards.
func (c *Client) sendOperation(ctx context.Context, o Operation, ids []string, name string) (string, error) {
	spec := opSpecs[o.Op]
	r := request{action: spec.action, region: o.Region, name: name, logFields: map[string]any{"ids": len(ids)}}
	return call(ctx, c, r, func(ctx context.Context, sdk *cvmapi.Client) (string, string, error) {
		var requestID *string
		switch o.Op {
		case Start:
			req := cvmapi.NewStartInstancesRequest()
			req.InstanceIds = ptrs(ids)
			resp, err := sdk.StartInstancesWithContext(ctx, req)
			if err != nil {
				return "", "", err
			}
			if resp.Response != nil {
				requestID = resp.Response.RequestId
			}
		case Stop:
			req := cvmapi.NewStopInstancesRequest()
			req.InstanceIds = ptrs(ids)
			req.StopType = optional(o.StopType)
			req.StoppedMode = optional(o.StoppedMode)
			resp, err := sdk.StopInstancesWithContext(ctx, req)
			if err != nil {
				return "", "", err
			}
			if resp.Response != nil {
				requestID = resp.Response.RequestId
			}
		case Reboot:
			req := cvmapi.NewRebootInstancesRequest()
			req.InstanceIds = ptrs(ids)
			req.StopType = optional(o.StopType)
			resp, err := sdk.RebootInstancesWithContext(ctx, req)
			if err != nil {
				return "", "", err
			}
			if resp.Response != nil {
				requestID = resp.Response.RequestId
			}
		}
		if requestID == nil || *requestID == "" {
			return "", "", &MalformedResponseError{Reason: "the answer of " + spec.action + " has no RequestId"}
		}
		return *requestID, *requestID, nil
	})
}

// optional is nil for "", so that the API applies its default.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// sdk is an SDK client of the region, with keys from the provider's credentials; the SDK waits
// out throttling on its own, as any client of a shared quota must.
func (a *liveAccount) sdk(ctx context.Context) (*cvmapi.Client, error) {
	keys, err := a.cfg.credentials.Credential(ctx)
	if err != nil {
		return nil, err
	}
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint = a.cfg.endpoints.cvm
	p.HttpProfile.Scheme = a.cfg.endpoints.scheme
	p.RateLimitExceededMaxRetries = 10
	p.RateLimitExceededRetryDuration = profile.ExponentialBackoff
	p.NetworkFailureMaxRetries = 3
	p.NetworkFailureRetryDuration = profile.ExponentialBackoff
	return cvmapi.NewClient(keys, a.cfg.region, p)
}

// regionStates lists the state of every instance in the region, page by page.
func (a *liveAccount) regionStates(ctx context.Context) (map[string]string, error) {
	client, err := a.sdk(ctx)
	if err != nil {
		return nil, err
	}
	states := map[string]string{}
	return states, a.pages(ctx, client, nil, states)
}

// statesOf reads the states of ids, in batches of 100.
func (a *liveAccount) statesOf(ctx context.Context, ids []string) (map[string]string, error) {
	client, err := a.sdk(ctx)
	if err != nil {
		return nil, err
	}
	states := map[string]string{}
	for batch := range slices.Chunk(ids, 100) {
		if err := a.pages(ctx, client, batch, states); err != nil {
			return nil, err
		}
	}
	return states, nil
}

// pages reads the states of ids, or of the whole region when ids is nil, into states.
func (a *liveAccount) pages(ctx context.Context, client *cvmapi.Client, ids []string, states map[string]string) error {
	for offset := int64(0); ; offset += 100 {
		req := cvmapi.NewDescribeInstancesStatusRequest()
		req.Limit, req.Offset = common.Int64Ptr(100), common.Int64Ptr(offset)
		if ids != nil {
			req.InstanceIds = common.StringPtrs(ids)
		}
		resp, err := client.DescribeInstancesStatusWithContext(ctx, req)
		if err != nil {
			return err
		}
		for _, s := range resp.Response.InstanceStatusSet {
			states[*s.InstanceId] = *s.InstanceState
		}
		if len(resp.Response.InstanceStatusSet) < 100 || offset+100 >= *resp.Response.TotalCount {
			return nil
		}
	}
}

// tagged lists the instances that carry the suite's tag, sorted by ID.
func (a *liveAccount) tagged(ctx context.Context) ([]liveInstance, error) {
	client, err := a.sdk(ctx)
	if err != nil {
		return nil, err
	}
	var found []liveInstance
	for offset := int64(0); ; offset += 100 {
		req := cvmapi.NewDescribeInstancesRequest()
		req.Limit, req.Offset = common.Int64Ptr(100), common.Int64Ptr(offset)
		req.Filters = []*cvmapi.Filter{{Name: common.StringPtr("tag:" + a.tagKey), Values: common.StringPtrs([]string{a.tagValue})}}
		resp, err := client.DescribeInstancesWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, inst := range resp.Response.InstanceSet {
			found = append(found, liveInstance{id: *inst.InstanceId, name: *inst.InstanceName, state: *inst.InstanceState})
		}
		if len(resp.Response.InstanceSet) < 100 || offset+100 >= *resp.Response.TotalCount {
			break
		}
	}
	slices.SortFunc(found, func(x, y liveInstance) int { return strings.Compare(x.id, y.id) })
	return found, nil
}

// operate sends StartInstances or StopInstances for id through the SDK, as another client would,
// and waits until the instance is in want.
func (a *liveAccount) operate(ctx context.Context, id, want string) error {
	client, err := a.sdk(ctx)
	if err != nil {
		return err
	}
	if want == "RUNNING" {
		req := cvmapi.NewStartInstancesRequest()
		req.InstanceIds = common.StringPtrs([]string{id})
		_, err = client.StartInstancesWithContext(ctx, req)
	} else {
		req := cvmapi.NewStopInstancesRequest()
		req.InstanceIds = common.StringPtrs([]string{id})
		req.StopType = common.StringPtr("SOFT_FIRST")
		_, err = client.StopInstancesWithContext(ctx, req)
	}
	if err != nil {
		return err
	}
	return a.waitFor(ctx, map[string]string{id: want})
}

// waitFor polls the SDK every 2 s until each instance is in its state.
func (a *liveAccount) waitFor(ctx context.Context, want map[string]string) error {
	for {
		got, err := a.statesOf(ctx, slices.Sorted(maps.Keys(want)))
		if err != nil {
			return err
		}
		if maps.Equal(got, want) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the instances are %v, not yet %v: %w", got, want, ctx.Err())
		case <-time.After(2 * time.Second):
		}
	}
}

// restore puts each instance back in its state (RUNNING or STOPPED; others are left alone) with
// the provider's own operation pipeline, which waits out passing states and races with other
// clients, then checks through the SDK that each is there.
func (a *liveAccount) restore(states map[string]string) error {
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	client, err := cvm.NewClient(cvm.Config{Credentials: a.cfg.credentials, Endpoint: a.cfg.endpoints.cvm, Scheme: a.cfg.endpoints.scheme,
		MaxRetries: defaultMaxRetries, RequestClient: "terraform-provider-qcloud live suite"})
	if err != nil {
		return err
	}
	want := map[string]string{}
	var errs []error
	for op, target := range map[cvm.Op]string{cvm.Start: "RUNNING", cvm.Stop: "STOPPED"} {
		var ids []string
		for id, state := range states {
			if state == target {
				ids = append(ids, id)
				want[id] = state
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		if _, err := client.Operate(ctx, cvm.Operation{Op: op, Region: a.cfg.region, IDs: ids, StopType: "SOFT_FIRST", PollInterval: 2 * time.Second}); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	got, err := a.statesOf(ctx, slices.Sorted(maps.Keys(want)))
	if err != nil {
		return err
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("after restoring, the SDK reads %v, want %v", got, want)
	}
	return nil
}

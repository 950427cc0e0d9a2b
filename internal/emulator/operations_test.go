package emulator_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func stop(c *cvmapi.Client, ids []string, stopType, stoppedMode string) (string, error) {
	req := cvmapi.NewStopInstancesRequest()
	req.InstanceIds = common.StringPtrs(ids)
	if stopType != "" {
		req.StopType = &stopType
	}
	if stoppedMode != "" {
		req.StoppedMode = &stoppedMode
	}
	resp, err := c.StopInstancesWithContext(context.Background(), req)
	if err != nil {
		return "", err
	}
	return *resp.Response.RequestId, nil
}

func startInstances(c *cvmapi.Client, ids []string) error {
	req := cvmapi.NewStartInstancesRequest()
	req.InstanceIds = common.StringPtrs(ids)
	_, err := c.StartInstancesWithContext(context.Background(), req)
	return err
}

func reboot(c *cvmapi.Client, ids []string) error {
	req := cvmapi.NewRebootInstancesRequest()
	req.InstanceIds = common.StringPtrs(ids)
	_, err := c.RebootInstancesWithContext(context.Background(), req)
	return err
}

func stateOf(t *testing.T, emu *emulator.Emulator, id string) string {
	t.Helper()
	for _, inst := range emu.Fleet(region) {
		if inst.ID == id {
			return inst.State
		}
	}
	t.Fatalf("%s is not in the fleet", id)
	return ""
}

// fleetIn puts instances named ins-<prefix>NNN in the given states into the emulator.
func fleetIn(t *testing.T, emu *emulator.Emulator, prefix string, states ...string) []string {
	t.Helper()
	ids := make([]string, len(states))
	for i, state := range states {
		ids[i] = fmt.Sprintf("ins-%s%03d", prefix, i)
		if err := emu.Put(region, emulator.Instance{ID: ids[i], State: state}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// TestOperationsRunAsynchronously: StopInstances answers at once with the instance STOPPING and
// its operation OPERATING; when the operation's time has passed it is STOPPED and SUCCESS, and
// DescribeInstances reports the RequestId of the call. Start and reboot go the same way.
func TestOperationsRunAsynchronously(t *testing.T) {
	t.Parallel()
	clk := emulator.NewClock(time.Now())
	emu, srv := start(t, emulator.Config{Now: clk.Now, Operations: emulator.Operations{Duration: 3 * time.Second, Jitter: time.Second, Seed: 1}})
	c := client(t, srv, secretID, secretKey, nil)
	ids := fleetIn(t, emu, "async", "RUNNING", "RUNNING")

	requestID, err := stop(c, ids, "SOFT_FIRST", "KEEP_CHARGING")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if got := stateOf(t, emu, id); got != "STOPPING" {
			t.Fatalf("%s is %s right after StopInstances, want STOPPING", id, got)
		}
	}
	latest := describeInstances(t, c, ids)
	if op := latest[ids[0]]; *op.LatestOperation != "StopInstances" || *op.LatestOperationState != "OPERATING" || *op.LatestOperationRequestId != requestID {
		t.Fatalf("latest operation of %s: %s %s %s, want StopInstances OPERATING %s", ids[0], *op.LatestOperation, *op.LatestOperationState, *op.LatestOperationRequestId, requestID)
	}
	clk.Advance(4 * time.Second)
	for _, id := range ids {
		if got := stateOf(t, emu, id); got != "STOPPED" {
			t.Fatalf("%s is %s after the operation's time, want STOPPED", id, got)
		}
	}
	if op := describeInstances(t, c, ids)[ids[1]]; *op.LatestOperationState != "SUCCESS" || *op.LatestOperationErrorMsg != "" {
		t.Fatalf("latest operation of %s is %s, want SUCCESS without an error message", ids[1], *op.LatestOperationState)
	}

	if err := startInstances(c, ids); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, emu, ids[0]); got != "STARTING" {
		t.Fatalf("%s is %s right after StartInstances, want STARTING", ids[0], got)
	}
	clk.Advance(4 * time.Second)
	if err := reboot(c, ids[:1]); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, emu, ids[0]); got != "REBOOTING" {
		t.Fatalf("%s is %s right after RebootInstances, want REBOOTING", ids[0], got)
	}
	clk.Advance(4 * time.Second)
	if got := stateOf(t, emu, ids[0]); got != "RUNNING" {
		t.Fatalf("%s is %s after its reboot, want RUNNING", ids[0], got)
	}
	if got := emu.Stats().Operated; got["StopInstances"] != 2 || got["StartInstances"] != 2 || got["RebootInstances"] != 1 {
		t.Fatalf("instances operated: %v", got)
	}
	if got, want := emu.Stats().OperationsOn, map[string]int{region + "/" + ids[0]: 3, region + "/" + ids[1]: 2}; !maps.Equal(got, want) {
		t.Fatalf("operations per instance: %v, want %v", got, want)
	}
}

func describeInstances(t *testing.T, c *cvmapi.Client, ids []string) map[string]*cvmapi.Instance {
	t.Helper()
	req := cvmapi.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs(ids)
	req.Limit = common.Int64Ptr(100)
	resp, err := c.DescribeInstancesWithContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*cvmapi.Instance{}
	for _, inst := range resp.Response.InstanceSet {
		byID[*inst.InstanceId] = inst
	}
	return byID
}

// TestOperationsRefuseTheWholeRequest: one instance the operation cannot act on refuses the
// request with the code the SDK documents for its state, and nothing changes.
func TestOperationsRefuseTheWholeRequest(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{Prepaid: []string{"ins-prepd000"}})
	c := client(t, srv, secretID, secretKey, nil)
	ids := fleetIn(t, emu, "refus", "RUNNING", "STOPPED", "LAUNCH_FAILED", "RESCUE_MODE", "ENTER_SERVICE_LIVE_MIGRATE")
	fleetIn(t, emu, "prepd", "RUNNING")
	tooMany := make([]string, 101)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("ins-many%04d", i)
	}
	for _, tc := range []struct {
		name string
		send func() error
		code string
	}{
		{"stop a stopped one", func() error { _, err := stop(c, ids[:2], "", ""); return err }, "UnsupportedOperation.InstanceStateStopped"},
		{"start a running one", func() error { return startInstances(c, ids[:2]) }, "UnsupportedOperation.InstanceStateRunning"},
		{"reboot a stopped one", func() error { return reboot(c, ids[:2]) }, "UnsupportedOperation.InstanceStateStopped"},
		{"stop a launch that failed", func() error { _, err := stop(c, ids[2:3], "", ""); return err }, "UnsupportedOperation.InstanceStateCorrupted"},
		{"reboot in rescue mode", func() error { return reboot(c, ids[3:4]) }, "UnsupportedOperation"},
		{"stop in rescue mode", func() error { _, err := stop(c, ids[3:4], "", ""); return err }, "UnsupportedOperation.InstanceStateRescueMode"},
		{"start while migrating", func() error { return startInstances(c, ids[4:5]) }, "UnsupportedOperation.InstanceStateServiceLiveMigrate"},
		{"an unknown ID", func() error { return startInstances(c, []string{ids[1], "ins-unknown0"}) }, "InvalidInstanceId.NotFound"},
		{"a malformed ID", func() error { return startInstances(c, []string{"i-1"}) }, "InvalidInstanceId.Malformed"},
		{"no IDs", func() error { return startInstances(c, nil) }, "MissingParameter"},
		{"101 IDs", func() error { return startInstances(c, tooMany) }, "InvalidParameterValue.LimitExceeded"},
		{"an unknown StopType", func() error { _, err := stop(c, ids[:1], "GENTLE", ""); return err }, "InvalidParameterValue"},
		{"an unknown StoppedMode", func() error { _, err := stop(c, ids[:1], "", "FREE"); return err }, "InvalidParameterValue"},
		{"STOP_CHARGING on a prepaid one", func() error {
			_, err := stop(c, []string{ids[0], "ins-prepd000"}, "", "STOP_CHARGING")
			return err
		}, "UnsupportedOperation.StoppedModeStopCharging"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, tc.send(), tc.code)
		})
	}
	if got := stateOf(t, emu, ids[0]); got != "RUNNING" {
		t.Fatalf("%s is %s after refused requests, want RUNNING", ids[0], got)
	}
	if got := emu.Stats(); len(got.Operated)+len(got.OperationsOn) != 0 {
		t.Fatalf("refused requests operated on instances: %v, %v", got.Operated, got.OperationsOn)
	}
}

// TestHeldInstancesAreBusy: while another client's task holds an instance, operations on it are
// refused with the task's code; afterwards they go through.
func TestHeldInstancesAreBusy(t *testing.T) {
	t.Parallel()
	clk := emulator.NewClock(time.Now())
	emu, srv := start(t, emulator.Config{Now: clk.Now})
	c := client(t, srv, secretID, secretKey, nil)
	ids := fleetIn(t, emu, "heldx", "RUNNING", "RUNNING")
	for i, code := range []string{"OperationDenied.InstanceOperationInProgress", "MutexOperation.TaskRunning"} {
		if err := emu.Hold(region, ids[i], code, time.Second); err != nil {
			t.Fatal(err)
		}
		_, err := stop(c, ids[i:i+1], "", "")
		wantCode(t, err, code)
	}
	if err := emu.Hold(region, ids[0], "InternalError", time.Second); err == nil {
		t.Fatal("Hold accepted a code that does not mean busy")
	}
	clk.Advance(time.Second)
	if _, err := stop(c, ids, "", ""); err != nil {
		t.Fatal(err)
	}
}

// TestAShareOfOperationsFails: with a failure rate, that share of instances returns to its former
// state with LatestOperationState FAILED and an error message; the rest reach the target.
func TestAShareOfOperationsFails(t *testing.T) {
	t.Parallel()
	clk := emulator.NewClock(time.Now())
	emu, srv := start(t, emulator.Config{Now: clk.Now, Operations: emulator.Operations{Duration: time.Second, FailureRate: 0.3, Seed: 7}})
	c := client(t, srv, secretID, secretKey, nil)
	states := make([]string, 100)
	for i := range states {
		states[i] = "RUNNING"
	}
	ids := fleetIn(t, emu, "fails", states...)
	if _, err := stop(c, ids, "", ""); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	failed := 0
	latest := describeInstances(t, c, ids)
	if len(latest) != len(ids) {
		t.Fatalf("DescribeInstances listed %d of %d instances", len(latest), len(ids))
	}
	for id, inst := range latest {
		switch *inst.LatestOperationState {
		case "FAILED":
			failed++
			if *inst.InstanceState != "RUNNING" || inst.LatestOperationErrorMsg == nil || !strings.Contains(*inst.LatestOperationErrorMsg, "could not be stopped") {
				t.Fatalf("%s failed to stop but is %s with the message %v", id, *inst.InstanceState, inst.LatestOperationErrorMsg)
			}
		case "SUCCESS":
			if *inst.InstanceState != "STOPPED" {
				t.Fatalf("%s stopped successfully but is %s", id, *inst.InstanceState)
			}
		default:
			t.Fatalf("%s: operation %s after its time", id, *inst.LatestOperationState)
		}
	}
	if failed < 15 || failed > 45 {
		t.Fatalf("%d of 100 operations failed at a failure rate of 30%%", failed)
	}
}

// TestOperationsHaveTheirOwnRateLimit: the operations are limited to 10 calls per second each,
// apart from the 40 of DescribeInstancesStatus.
func TestOperationsHaveTheirOwnRateLimit(t *testing.T) {
	t.Parallel()
	clk := emulator.NewClock(time.Now())
	emu, srv := start(t, emulator.Config{Now: clk.Now})
	c := client(t, srv, secretID, secretKey, nil)
	throttled := 0
	for range 12 {
		if err := startInstances(c, []string{"ins-unknown0"}); err != nil && strings.Contains(err.Error(), "RequestLimitExceeded") {
			throttled++
		}
	}
	if throttled != 2 {
		t.Fatalf("%d of 12 StartInstances calls in one instant were throttled, want 2", throttled)
	}
	for range 12 {
		if _, err := firstPage(c); err != nil {
			t.Fatalf("DescribeInstancesStatus was throttled with StartInstances: %v", err)
		}
	}
	if got := emu.Stats().Throttled; got != 2 {
		t.Fatalf("throttled %d calls, want 2", got)
	}
}

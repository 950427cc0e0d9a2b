package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// The live suite (`make testacc-live`) runs against the API the environment points at: the real
// Tencent Cloud, unless TENCENTCLOUD_PROTOCOL, TENCENTCLOUD_DOMAIN or HTTPS_PROXY/HTTP_PROXY say
// otherwise, with the credentials of any source the provider supports. It touches only the
// instances that carry the tag QCLOUD_ACC_LIVE_TAG, changes them only with QCLOUD_ACC_LIVE_MUTATE=1,
// and checks what the provider says with calls of its own through the SDK. Its tests are
// TestAcc<Object>_live<Case>; CONTRIBUTING.md says how to set an account up for them.
const (
	envLive          = "QCLOUD_ACC_LIVE"
	envLiveTag       = "QCLOUD_ACC_LIVE_TAG"
	envLiveMutate    = "QCLOUD_ACC_LIVE_MUTATE"
	envLiveStateFile = "QCLOUD_ACC_LIVE_STATE_FILE"
	envLiveAccountID = "QCLOUD_ACC_LIVE_ACCOUNT_ID"
)

// liveTimeout bounds each live test's own calls (set-up, checks and restoring); the Terraform
// configurations carry timeouts of the same size, and `make testacc-live` bounds the suite.
const liveTimeout = 10 * time.Minute

// liveAccount is what the live suite works on: the region and credentials the provider resolves
// from the environment with an empty provider block, the tag, and the tagged instances as the
// suite found them.
type liveAccount struct {
	cfg              clientConfig
	tagKey, tagValue string
	accountID        string
	mutate           bool
	stateFile        string
	// found are the tagged instances when the suite started, by ID, sorted.
	found []liveInstance
}

type liveInstance struct{ id, name, state string }

var (
	liveOnce  sync.Once
	live      *liveAccount
	liveSetUp error
	// liveRecorded is set once the suite has written the state file.
	liveRecorded bool
	liveRecord   sync.Once
	liveRecErr   error
)

// liveEnvironment is the environment the tests started with: the TENCENTCLOUD_* variables that
// TestMain withheld from the other tests, and every other variable (TKE_* for a pod's identity).
func liveEnvironment(name string) string {
	if strings.HasPrefix(name, "TENCENTCLOUD_") {
		return liveEnv[name]
	}
	return os.Getenv(name)
}

// liveProviders run the provider in the test process with the live environment.
var liveProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"qcloud": func() (tfprotov6.ProviderServer, error) { return NewServer("live-test", liveEnvironment)() },
}

// liveSuite is the live account, or skips the test when QCLOUD_ACC_LIVE is not 1. A suite that
// cannot start (no tag, no credentials, no tagged instance) fails the test and says what to set.
func liveSuite(t *testing.T) *liveAccount {
	t.Helper()
	if os.Getenv(envLive) != "1" {
		t.Skip("live test against the API the environment points at: `make testacc-live` runs it (CONTRIBUTING.md, \"The live suite\")")
	}
	liveOnce.Do(func() { live, liveSetUp = openLiveAccount() })
	if liveSetUp != nil {
		t.Fatal(liveSetUp)
	}
	return live
}

// liveMutating is liveSuite for a test that changes instances: it skips without
// QCLOUD_ACC_LIVE_MUTATE=1, records the states found in the state file before the suite's first
// change, and restores them when the test ends, checked through the SDK. Such tests run one at a
// time (resource.Test): they change the same instances.
func liveMutating(t *testing.T) *liveAccount {
	t.Helper()
	a := liveSuite(t)
	if !a.mutate {
		t.Skipf("changes the tagged instances: set %s=1 to run it", envLiveMutate)
	}
	liveRecord.Do(func() { liveRecErr = a.record() })
	if liveRecErr != nil {
		t.Fatal(liveRecErr)
	}
	t.Cleanup(func() {
		if err := a.restore(a.foundStates()); err != nil {
			t.Errorf("restoring the tagged instances: %v", err)
		}
	})
	return a
}

func openLiveAccount() (*liveAccount, error) {
	tag := os.Getenv(envLiveTag)
	key, value, ok := strings.Cut(tag, "=")
	if !ok || key == "" {
		return nil, fmt.Errorf("%s is %q: set it to key=value, the tag on the instances set aside for the live suite", envLiveTag, tag)
	}
	cfg, diags := resolveClientConfig(qcloudProviderModel{}, liveEnvironment)
	if diags.HasError() {
		return nil, fmt.Errorf("the provider cannot be configured from the environment: %v", diags.Errors())
	}
	a := &liveAccount{
		cfg: cfg, tagKey: key, tagValue: value, accountID: os.Getenv(envLiveAccountID),
		mutate:    os.Getenv(envLiveMutate) == "1",
		stateFile: cmp.Or(os.Getenv(envLiveStateFile), filepath.Join("..", "..", ".live-state.json")),
	}
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	found, err := a.tagged(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the instances tagged %s in %s: %w", tag, cfg.region, err)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no instance in %s carries the tag %s: tag the instances set aside for the live suite, or set TENCENTCLOUD_REGION to their region", cfg.region, tag)
	}
	a.found = found
	return a, nil
}

// providerBlock is the provider block of the live tests: everything comes from the environment;
// QCLOUD_ACC_LIVE_ACCOUNT_ID makes the provider refuse any other account before its first call.
func (a *liveAccount) providerBlock() string {
	if a.accountID == "" {
		return "provider \"qcloud\" {}\n"
	}
	return fmt.Sprintf("provider \"qcloud\" {\n  allowed_account_ids = [%q]\n}\n", a.accountID)
}

func (a *liveAccount) ids() []string {
	ids := make([]string, len(a.found))
	for i, inst := range a.found {
		ids[i] = inst.id
	}
	return ids
}

func (a *liveAccount) foundStates() map[string]string {
	states := make(map[string]string, len(a.found))
	for _, inst := range a.found {
		states[inst.id] = cvm.Settling(inst.state)
	}
	return states
}

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
	return a.describeStatus(ctx, nil)
}

// statesOf reads the states of ids, in batches of 100.
func (a *liveAccount) statesOf(ctx context.Context, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	return a.describeStatus(ctx, ids)
}

func (a *liveAccount) describeStatus(ctx context.Context, ids []string) (map[string]string, error) {
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
	if ids == nil {
		return states, a.pages(ctx, client, nil, states)
	}
	return states, nil
}

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

// liveStateRecord is the state file: the tagged instances' states before the suite's first change.
type liveStateRecord struct {
	Region string            `json:"region"`
	Tag    string            `json:"tag"`
	States map[string]string `json:"states"`
}

// record writes the state file. One left by a run that died is not overwritten: it holds the
// states from before that run, and `make sweep-live` must put them back first.
func (a *liveAccount) record() error {
	if _, err := os.Stat(a.stateFile); err == nil {
		return fmt.Errorf("%s is left from a live run that did not end cleanly; run `make sweep-live` to put its instances back, then run the suite again", a.stateFile)
	}
	data, err := json.MarshalIndent(liveStateRecord{Region: a.cfg.region, Tag: a.tagKey + "=" + a.tagValue, States: a.foundStates()}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(a.stateFile, append(data, '\n'), 0o600); err != nil {
		return err
	}
	liveRecorded = true
	return nil
}

// finishLive removes the state file when the suite that wrote it ended cleanly: every test passed,
// and so every change was undone.
func finishLive(code int) {
	if liveRecorded && code == 0 {
		_ = os.Remove(live.stateFile)
	}
}

// sweepLive puts back every instance of the state file that a run which died left, waits until
// each is there, and removes the file: `make sweep-live`. The region is the file's; -sweep must be
// "recorded" or name that region.
func sweepLive(region string) error {
	a, err := openLiveAccount()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(a.stateFile)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Printf("%s does not exist: the last live run ended cleanly, nothing to put back\n", a.stateFile)
		return nil
	}
	if err != nil {
		return err
	}
	var rec liveStateRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("%s is not a state file of the live suite: %w", a.stateFile, err)
	}
	if region != "recorded" && region != rec.Region {
		return fmt.Errorf("%s records instances of %s, not %s", a.stateFile, rec.Region, region)
	}
	if rec.Region != a.cfg.region {
		return fmt.Errorf("%s records instances of %s, but the environment points at %s: set TENCENTCLOUD_REGION=%s", a.stateFile, rec.Region, a.cfg.region, rec.Region)
	}
	if err := a.restore(rec.States); err != nil {
		return err
	}
	fmt.Printf("put back %d tagged instances of %s as %s records them\n", len(rec.States), rec.Region, a.stateFile)
	return os.Remove(a.stateFile)
}

func init() {
	resource.AddTestSweepers("qcloud_cvm_instance_state", &resource.Sweeper{Name: "qcloud_cvm_instance_state", F: sweepLive})
}

// liveAttributes are the attributes of address in the state, flattened.
func liveAttributes(s *terraform.State, address string) (map[string]string, error) {
	r, ok := s.RootModule().Resources[address]
	if !ok {
		return nil, fmt.Errorf("%s is not in the state", address)
	}
	return r.Primary.Attributes, nil
}

// liveMap is the map attribute name of a flattened state.
func liveMap(attrs map[string]string, name string) map[string]string {
	m := map[string]string{}
	for k, v := range attrs {
		if key, ok := strings.CutPrefix(k, name+"."); ok && key != "%" {
			m[key] = v
		}
	}
	return m
}

// liveList is the list of strings name, or of the field of its objects, of a flattened state.
func liveList(attrs map[string]string, name, field string) []string {
	var n int
	fmt.Sscan(attrs[name+".#"], &n)
	list := make([]string, n)
	for i := range list {
		key := fmt.Sprintf("%s.%d", name, i)
		if field != "" {
			key += "." + field
		}
		list[i] = attrs[key]
	}
	return list
}

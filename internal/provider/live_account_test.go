package provider

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

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
		var problems []string
		for _, d := range diags.Errors() {
			problems = append(problems, d.Summary()+": "+d.Detail())
		}
		return nil, fmt.Errorf("the provider cannot be configured from the environment: %s", strings.Join(problems, "; "))
	}
	a := &liveAccount{
		cfg: cfg, tagKey: key, tagValue: value, accountID: os.Getenv(envLiveAccountID),
		mutate:    os.Getenv(envLiveMutate) == "1",
		stateFile: liveStateFile(),
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

// liveStateFile is where the suite records the states it found: QCLOUD_ACC_LIVE_STATE_FILE, else
// .live-state.json at the repository's root.
func liveStateFile() string {
	return cmp.Or(os.Getenv(envLiveStateFile), filepath.Join("..", "..", ".live-state.json"))
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

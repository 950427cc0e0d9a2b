//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// The live suite's fleet: three tagged instances in two states among untagged ones, one of which
// carries the tag's key with another value.
const (
	liveRegion  = "ap-guangzhou"
	liveTag     = "qcloud-acc=live"
	liveAccount = "100000000042"
	liveRole    = "qcs::cam::uin/" + liveAccount + ":roleName/live-ci"
	liveOIDC    = "eyJhbGciOiJSUzI1NiJ9.live-ci.sig"
)

var liveFleet = map[string]string{"ins-live0001": "RUNNING", "ins-live0002": "RUNNING", "ins-live0003": "STOPPED"}

// TestLiveSuiteAgainstTheEmulator runs the live suite as the nightly workflow runs it against the
// cloud: `make testacc-live`, pointed at a cvm-emulator process by the environment alone (the
// protocol, a proxy, the region, the tag), signed in as a GitHub Actions job through the
// provider's assume_role_with_web_identity, in the account allowed_account_ids names. The suite
// passes, leaves each tagged instance as it found it, and operates on no other. A second run,
// killed once it has changed an instance, leaves the state file, and `make sweep-live` puts the
// instances back.
func TestLiveSuiteAgainstTheEmulator(t *testing.T) {
	t.Parallel()
	acctest.TestCLI(t, acctest.ActionsVersion)
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "cvm-emulator")
	if err := acctest.Build(".", bin); err != nil {
		t.Fatal(err)
	}

	t.Run("passes and leaves the fleet as found", func(t *testing.T) {
		t.Parallel()
		cloud := startCloud(t, bin)
		started := time.Now()
		out, err := cloud.make(t, root, "testacc-live").Wait()
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(started)
		suiteLine := regexp.MustCompile(`(?m)^ok\s+\S+/internal/provider\s+\S+`).FindString(out)
		for _, test := range []string{"TestAccCVMInstancesActions_live", "TestAccCVMInstanceStateResource_live",
			"TestAccCVMInstancesStatusDataSource_liveRegion", "TestAccCVMInstancesStatusDataSource_liveTagged",
			"TestAccCVMInstancesStatusDataSource_liveWaitFor", "TestAccCVMInstanceStateListResource_liveQuery"} {
			if !strings.Contains(out, "--- PASS: "+test+" ") {
				t.Errorf("%s did not pass:\n%s", test, out)
			}
		}
		cloud.expectAsFound(t)
		if _, err := os.Stat(cloud.stateFile); !os.IsNotExist(err) {
			t.Errorf("the state file %s is still there after a clean run (%v)", cloud.stateFile, err)
		}
		stats := cloud.stop(t)
		t.Logf("make testacc-live took %s (%s) and made %d calls: %v", took.Round(time.Second), suiteLine, sum(stats.Calls), stats.Calls)
	})

	t.Run("killed midway, then swept", func(t *testing.T) {
		t.Parallel()
		cloud := startCloud(t, bin)
		run := cloud.make(t, root, "testacc-live")
		// Killed, as a runner kills a job, once the suite has recorded the fleet and an operation
		// is under way: from then on no cleanup of the suite's runs.
		for !run.Exited() && !cloud.changing(t) {
			time.Sleep(50 * time.Millisecond)
		}
		if run.Exited() {
			out, _ := run.Wait()
			t.Fatalf("the live suite ended before it changed an instance:\n%s", out)
		}
		if err := run.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_, _ = run.Wait()
		if _, err := os.Stat(cloud.stateFile); err != nil {
			t.Fatalf("the killed run left no state file: %v", err)
		}
		out, err := cloud.make(t, root, "testacc-live").Wait()
		if err == nil || !strings.Contains(out, "did not end cleanly; run `make sweep-live` to put its instances back") {
			t.Errorf("a run after the killed one does not refuse to change the instances before a sweep (%v):\n%s", err, out)
		}
		out, err = cloud.make(t, root, "sweep-live").Wait()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, fmt.Sprintf("put back %d tagged instances of %s", len(liveFleet), liveRegion)) {
			t.Errorf("make sweep-live does not say what it put back:\n%s", out)
		}
		cloud.expectAsFound(t)
		if _, err := os.Stat(cloud.stateFile); !os.IsNotExist(err) {
			t.Errorf("the state file %s is still there after the sweep (%v)", cloud.stateFile, err)
		}
		cloud.stop(t)
	})
}

// TestLiveSuiteSaysWhatToSet: a live run without a tag of the form key=value changes nothing and
// says what to set.
func TestLiveSuiteSaysWhatToSet(t *testing.T) {
	t.Parallel()
	acctest.TestCLI(t, acctest.ActionsVersion)
	cloud := &liveCloud{dir: t.TempDir(), addr: "127.0.0.1:9", github: httptest.NewServer(http.NotFoundHandler())}
	t.Cleanup(cloud.github.Close)
	cloud.stateFile = filepath.Join(cloud.dir, "live-state.json")
	out, err := cloud.make(t, "../../..", "testacc-live", "QCLOUD_ACC_LIVE_TAG=live", "QCLOUD_ACC_LIVE_GITHUB_OIDC_AUDIENCE=").Wait()
	if err == nil || !strings.Contains(out, `QCLOUD_ACC_LIVE_TAG is "live": set it to key=value, the tag on the instances set aside for the live suite`) {
		t.Errorf("a live run without a tag does not say what to set (%v):\n%s", err, out)
	}
}

// liveCloud is a cvm-emulator process that stands in for the cloud, and GitHub's token service.
type liveCloud struct {
	emulator             *acctest.Process
	addr                 string
	dir                  string
	stateFile, statsFile string
	github               *httptest.Server
	tokens               atomic.Int32
}

func startCloud(t *testing.T, bin string) *liveCloud {
	t.Helper()
	c := &liveCloud{dir: t.TempDir()}
	c.stateFile, c.statsFile = filepath.Join(c.dir, "live-state.json"), filepath.Join(c.dir, "stats.json")
	addrFile := filepath.Join(c.dir, "addr")
	args := []string{"-fleet", liveRegion + "=150,ap-shanghai=20", "-operation-time", "1s", "-addr-file", addrFile, "-stats-file", c.statsFile,
		"-role", liveRole + ",oidc=GitHubActions", "-web-identity-token", "GitHubActions=" + liveOIDC,
		"-instance", liveRegion + ":ins-othr0001=RUNNING,name=other,tag:qcloud-acc=other"}
	for _, id := range slices.Sorted(maps.Keys(liveFleet)) {
		args = append(args, "-instance", fmt.Sprintf("%s:%s=%s,name=%s,tag:%s", liveRegion, id, liveFleet[id], id, liveTag))
	}
	var err error
	if c.emulator, err = acctest.Start(c.dir, acctest.Environment(), bin, args...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.emulator.Signal(syscall.SIGKILL) })
	for c.addr == "" {
		if c.emulator.Exited() {
			out, err := c.emulator.Wait()
			t.Fatalf("cvm-emulator ended: %v\n%s", err, out)
		}
		data, _ := os.ReadFile(addrFile)
		c.addr = strings.TrimSpace(string(data))
		time.Sleep(10 * time.Millisecond)
	}
	c.github = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer job-request-token" || r.URL.Query().Get("audience") != "sts.tencentcloudapi.com" {
			http.Error(w, "not this job's request", http.StatusForbidden)
			return
		}
		c.tokens.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]string{"value": liveOIDC})
	}))
	t.Cleanup(c.github.Close)
	return c
}

// make runs make target in root with only the environment a maintainer sets for a live run, and
// extra (NAME=value), which wins.
func (c *liveCloud) make(t *testing.T, root, target string, extra ...string) *acctest.Process {
	t.Helper()
	env := acctest.Environment(
		"TENCENTCLOUD_PROTOCOL=HTTP", "HTTP_PROXY=http://"+c.addr, "TENCENTCLOUD_REGION="+liveRegion,
		"TENCENTCLOUD_ASSUME_ROLE_ARN="+liveRole, "TENCENTCLOUD_ASSUME_ROLE_PROVIDER_ID=GitHubActions",
		"TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE="+filepath.Join(c.dir, "oidc-token"),
		"ACTIONS_ID_TOKEN_REQUEST_URL="+c.github.URL+"/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=job-request-token",
		"QCLOUD_ACC_LIVE_GITHUB_OIDC_AUDIENCE=sts.tencentcloudapi.com", "QCLOUD_ACC_LIVE_ACCOUNT_ID="+liveAccount,
		"QCLOUD_ACC_LIVE_TAG="+liveTag, "QCLOUD_ACC_LIVE_MUTATE=1", "QCLOUD_ACC_LIVE_STATE_FILE="+c.stateFile,
		// A killed run leaves its temporary folders; these go with the test's.
		"TMPDIR="+t.TempDir())
	env = append(env, extra...)
	p, err := acctest.Start(root, env, "make", "--no-print-directory", target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Signal(syscall.SIGKILL) })
	return p
}

// states reads the tagged instances' states through the SDK.
func (c *liveCloud) states(t *testing.T) map[string]string {
	t.Helper()
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint, p.HttpProfile.Scheme = c.addr, "HTTP"
	client, err := cvmapi.NewClient(common.NewCredential(emulator.DefaultSecretID, emulator.DefaultSecretKey), liveRegion, p)
	if err != nil {
		t.Fatal(err)
	}
	req := cvmapi.NewDescribeInstancesStatusRequest()
	req.InstanceIds = common.StringPtrs(slices.Sorted(maps.Keys(liveFleet)))
	resp, err := client.DescribeInstancesStatus(req)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, s := range resp.Response.InstanceStatusSet {
		states[*s.InstanceId] = *s.InstanceState
	}
	return states
}

// changing reports whether the suite has recorded the fleet and a tagged instance is on its way
// to another state.
func (c *liveCloud) changing(t *testing.T) bool {
	if _, err := os.Stat(c.stateFile); err != nil {
		return false
	}
	return !maps.Equal(c.states(t), liveFleet)
}

func (c *liveCloud) expectAsFound(t *testing.T) {
	t.Helper()
	if got := c.states(t); !maps.Equal(got, liveFleet) {
		t.Errorf("the tagged instances are %v, want them as found: %v", got, liveFleet)
	}
}

// stop stops the emulator and checks what it saw: operations on the tagged instances only, and a
// sign-in with GitHub's token.
func (c *liveCloud) stop(t *testing.T) emulator.Stats {
	t.Helper()
	if err := c.emulator.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if out, err := c.emulator.Wait(); err != nil {
		t.Fatalf("cvm-emulator: %v\n%s", err, out)
	}
	data, err := os.ReadFile(c.statsFile)
	if err != nil {
		t.Fatal(err)
	}
	var stats emulator.Stats
	if err := json.Unmarshal(data, &stats); err != nil {
		t.Fatal(err)
	}
	for instance := range stats.OperationsOn {
		if _, tagged := liveFleet[strings.TrimPrefix(instance, liveRegion+"/")]; !tagged {
			t.Errorf("the live suite operated on %s, which is not tagged %s: %v", instance, liveTag, stats.OperationsOn)
		}
	}
	if len(stats.OperationsOn) == 0 {
		t.Error("the live suite operated on no instance")
	}
	if stats.WebIdentityTokens[liveOIDC] == 0 || c.tokens.Load() == 0 {
		t.Errorf("the suite did not sign in with the job's token: %d tokens fetched, %v sent to STS", c.tokens.Load(), stats.WebIdentityTokens)
	}
	return stats
}

func sum(calls map[string]int) int {
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}

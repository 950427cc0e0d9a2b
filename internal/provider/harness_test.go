package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// testProviders runs the provider in the test process, for every test step's Terraform CLI, in
// an environment with no TENCENTCLOUD_* variable.
var testProviders = providersWithEnv(nil)

// providersWithEnv runs the provider in the test process in an environment of its own: vars, and
// no ~/.tccli unless vars name another folder. Each test passes its own, so that tests of
// environment variables run in parallel and none sees the developer's.
func providersWithEnv(vars map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"qcloud": func() (tfprotov6.ProviderServer, error) {
			return NewServer("test", envOf(vars))()
		},
	}
}

// envOf is an environment that holds vars, and no tccli folder unless vars name one.
func envOf(vars map[string]string) environment {
	return func(name string) string {
		if value, ok := vars[name]; ok {
			return value
		}
		if name == envSharedCredentialsDir {
			return noTccli()
		}
		return ""
	}
}

// noTccli is a tccli folder that does not exist, in place of the developer's ~/.tccli.
func noTccli() string { return filepath.Join(testDir, "no-tccli") }

const (
	testSecretID  = "AKIDacceptancetest"
	testSecretKey = "acceptance-test-secret-key"
	testRegion    = "ap-guangzhou"
)

// testDir is a folder of the test run's own, removed when it ends.
var testDir string

// liveEnv is the TENCENTCLOUD_* environment the tests started with, which TestMain clears; only the
// live suite's providers and its SDK checks see it (liveEnvironment).
var liveEnv map[string]string

// TestMain makes the tests hermetic: the provider binaries that the CLI tests build see no
// TENCENTCLOUD_* variable of the developer's and no ~/.tccli (the in-process providers get an
// environment of their own), and Terraform reads a CLI configuration of their own, not the
// user's (which may hold dev_overrides, or be a file that does not exist). With -sweep, it runs
// the live suite's sweeper instead of the tests.
func TestMain(m *testing.M) {
	liveEnv = acctest.Withhold("TENCENTCLOUD_")
	if audience := os.Getenv(envLiveGitHubAudience); audience != "" {
		if err := keepGitHubTokenFresh(audience); err != nil {
			fmt.Fprintln(os.Stderr, "signing in as the GitHub Actions job:", err)
			os.Exit(1)
		}
	}
	resource.TestMain(hermeticRun{m})
}

// hermeticRun runs the tests in a folder and a CLI configuration of their own.
type hermeticRun struct{ m *testing.M }

func (r hermeticRun) Run() int {
	dir, err := os.MkdirTemp("", "qcloud-provider-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	testDir = dir
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	os.Setenv(envSharedCredentialsDir, noTccli())
	code := r.m.Run()
	finishLive(code)
	return code
}

// startEmulator serves an emulator of cfg (which accepts the test keys) for the test's length;
// wrap, if given, goes in front of it.
func startEmulator(t *testing.T, cfg emulator.Config, wrap ...func(http.Handler) http.Handler) (*emulator.Emulator, *httptest.Server) {
	t.Helper()
	emu := newEmulator(cfg)
	return emu, serve(t, wrapped(emu, wrap))
}

func wrapped(h http.Handler, wrap []func(http.Handler) http.Handler) http.Handler {
	for _, w := range wrap {
		h = w(h)
	}
	return h
}

// startLaunching is startEmulator with launches that begin when the emulator answers its first
// call rather than when it starts, so that the first read sees each at its beginning however long
// Terraform takes to get there. wrap, if given, goes in front of the emulator.
func startLaunching(t *testing.T, cfg emulator.Config, launches []emulator.Transition, wrap ...func(http.Handler) http.Handler) (*emulator.Emulator, *httptest.Server) {
	t.Helper()
	emu := newEmulator(cfg)
	var once sync.Once
	launch := func() {
		for _, tr := range launches {
			if err := emu.Schedule(tr); err != nil {
				t.Errorf("launch %+v: %v", tr, err)
			}
		}
	}
	h := wrapped(emu, wrap)
	return emu, serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(launch)
		h.ServeHTTP(w, r)
	}))
}

// clockStepping gives cfg a clock that stands still but for step after each answer to action,
// and returns the handler that moves it, to put in front of the emulator. Scheduled transitions
// and operations then end between the same two calls on any machine, however long Terraform
// takes between them.
func clockStepping(action string, step time.Duration, cfg emulator.Config) (emulator.Config, func(http.Handler) http.Handler) {
	clock := emulator.NewClock(time.Now())
	cfg.Now = clock.Now
	return cfg, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if r.Header.Get("X-TC-Action") == action {
				clock.Advance(step)
			}
		})
	}
}

// newEmulator is an emulator of cfg that accepts the test keys.
func newEmulator(cfg emulator.Config) *emulator.Emulator {
	cfg.Keys = map[string]string{testSecretID: testSecretKey}
	return emulator.New(cfg)
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func endpointOf(srv *httptest.Server) string {
	return strings.TrimPrefix(srv.URL, "http://")
}

// providerBlock configures the provider for srv with the test keys and region; extra adds
// arguments.
func providerBlock(srv *httptest.Server, extra ...string) string {
	args := append(acctest.Keys(testSecretID, testSecretKey), acctest.Arg("region", testRegion))
	return providerBlockWithoutKeys(srv, append(args, extra...)...)
}

// providerBlockWithoutKeys points every endpoint of the provider (CVM, STS and the metadata
// service) at srv and leaves credentials to other sources; extra adds arguments.
func providerBlockWithoutKeys(srv *httptest.Server, extra ...string) string {
	return acctest.ProviderBlock(append([]string{acctest.HTTP, acctest.Endpoints(endpointOf(srv))}, extra...)...)
}

// expectInstances is the value of `instances` for these instances, in this order, read without
// details: every attribute but id and state is null.
func expectInstances(instances []emulator.Instance) knownvalue.Check {
	checks := make([]knownvalue.Check, len(instances))
	for i, inst := range instances {
		checks[i] = knownvalue.ObjectExact(instanceChecks(inst, nil))
	}
	return knownvalue.ListExact(checks)
}

// instanceChecks are the checks of every attribute of inst as `instances` holds it: with the
// details that describe gives (emulator.Instance as DescribeInstances answers it), or with them
// null when describe is nil.
func instanceChecks(inst emulator.Instance, describe func(emulator.Instance) map[string]knownvalue.Check) map[string]knownvalue.Check {
	checks := map[string]knownvalue.Check{"id": knownvalue.StringExact(inst.ID), "state": knownvalue.StringExact(inst.State)}
	var details map[string]knownvalue.Check
	if describe != nil {
		details = describe(inst)
	}
	for _, name := range detailNames {
		checks[name] = knownvalue.Null()
		if check, ok := details[name]; ok {
			checks[name] = check
		}
	}
	return checks
}

// detailNames are the attributes of an instance besides id and state.
var detailNames = []string{
	"name", "zone", "instance_type", "cpu", "memory", "private_ips", "public_ips", "ipv6_addresses", "vpc_id",
	"subnet_id", "security_group_ids", "project_id", "image_id", "os_name", "tags", "charge_type", "created_time",
	"expired_time", "latest_operation", "latest_operation_state", "latest_operation_error_msg",
}

// describedBy gives the details of an instance as the emulator's fleet and record of operations
// say DescribeInstances answers them: each attribute the instance has, the others null.
func describedBy(emu *emulator.Emulator) func(emulator.Instance) map[string]knownvalue.Check {
	return func(inst emulator.Instance) map[string]knownvalue.Check {
		checks := map[string]knownvalue.Check{
			"name": knownvalue.StringExact(inst.Name), "zone": knownvalue.StringExact(inst.Zone),
			"instance_type": knownvalue.StringExact(inst.InstanceType), "cpu": knownvalue.Int64Exact(inst.CPU),
			"memory": knownvalue.Int64Exact(inst.Memory), "private_ips": expectStrings(inst.PrivateIPs),
			"public_ips": expectStrings(inst.PublicIPs), "ipv6_addresses": expectStrings(inst.IPv6s),
			"vpc_id": knownvalue.StringExact(inst.VpcID), "subnet_id": knownvalue.StringExact(inst.SubnetID),
			"security_group_ids": expectStrings(inst.SecurityGroupIDs), "project_id": knownvalue.Int64Exact(inst.ProjectID),
			"image_id": knownvalue.StringExact(inst.ImageID), "os_name": knownvalue.StringExact(inst.OsName),
			"charge_type": knownvalue.StringExact(inst.ChargeType), "created_time": knownvalue.StringExact(inst.CreatedTime.UTC().Format(time.RFC3339)),
		}
		tags := map[string]knownvalue.Check{}
		for k, v := range inst.Tags {
			tags[k] = knownvalue.StringExact(v)
		}
		checks["tags"] = knownvalue.MapExact(tags)
		if !inst.ExpiredTime.IsZero() {
			checks["expired_time"] = knownvalue.StringExact(inst.ExpiredTime.UTC().Format(time.RFC3339))
		}
		if latest, ok := emu.Latest(testRegion, inst.ID); ok {
			checks["latest_operation"] = knownvalue.StringExact(latest.Action)
			checks["latest_operation_state"] = knownvalue.StringExact(latest.State)
			if latest.ErrorMsg != "" {
				checks["latest_operation_error_msg"] = knownvalue.StringExact(latest.ErrorMsg)
			}
		}
		return checks
	}
}

// expectStates is the value of `states` for these instances.
func expectStates(instances []emulator.Instance) knownvalue.Check {
	checks := make(map[string]knownvalue.Check, len(instances))
	for _, inst := range instances {
		checks[inst.ID] = knownvalue.StringExact(inst.State)
	}
	return knownvalue.MapExact(checks)
}

// expectCounts is the value of `state_counts` for these instances.
func expectCounts(instances []emulator.Instance) knownvalue.Check {
	counts := map[string]int64{}
	for _, inst := range instances {
		counts[inst.State]++
	}
	checks := make(map[string]knownvalue.Check, len(counts))
	for state, n := range counts {
		checks[state] = knownvalue.Int64Exact(n)
	}
	return knownvalue.MapExact(checks)
}

func expectStrings(values []string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

// statesOf is the emulator's current states of these instances, as an output of a `states` map
// shows them.
func statesOf(emu *emulator.Emulator, ids ...string) map[string]any {
	states := map[string]any{}
	for _, inst := range emu.Fleet(testRegion) {
		if slices.Contains(ids, inst.ID) {
			states[inst.ID] = inst.State
		}
	}
	return states
}

// expectFleetIn checks that the emulator has every one of ids in state.
func expectFleetIn(emu *emulator.Emulator, ids []string, state string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		states := statesOf(emu, ids...)
		for _, id := range ids {
			if states[id] != state {
				return fmt.Errorf("%s is %v in the emulator, want %s", id, states[id], state)
			}
		}
		return nil
	}
}

// sortedByID is the fleet in the order the data source lists it when reading a whole region.
func sortedByID(fleet []emulator.Instance) []emulator.Instance {
	sorted := slices.Clone(fleet)
	slices.SortFunc(sorted, func(a, b emulator.Instance) int { return strings.Compare(a.ID, b.ID) })
	return sorted
}

func inStates(fleet []emulator.Instance, states ...string) []emulator.Instance {
	var kept []emulator.Instance
	for _, inst := range fleet {
		if slices.Contains(states, inst.State) {
			kept = append(kept, inst)
		}
	}
	return kept
}

// errorMatching matches an error that contains each of parts, in order, however Terraform wraps
// its lines: a space in a part matches any run of white space.
func errorMatching(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, part := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(part)), `\s+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `[\s\S]*`))
}

const listAll = `data "qcloud_cvm_instances_status" "test" {}`

// hclList is ids as an HCL list.
func hclList(ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// quickOperations take 1 to 1.5 s per instance; the actions of the tests poll every second.
var quickOperations = emulator.Operations{Duration: time.Second, Jitter: 500 * time.Millisecond, Seed: 11}

const fastPolls = `poll_interval = "1s"`

// putInstances puts n instances named ins-<prefix>NNN in state into emu, and returns their IDs.
func putInstances(t *testing.T, emu *emulator.Emulator, prefix string, n int, state string) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ins-%s%03d", prefix, i)
		if err := emu.Put(testRegion, emulator.Instance{ID: ids[i], State: state}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// expectOperations checks the emulator's count of calls of action and of the instances they carried.
func expectOperations(emu *emulator.Emulator, action string, calls, instances int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got, carried := emu.Calls(action), emu.Stats().Operated[action]; got != calls || carried != instances {
			return fmt.Errorf("%d %s calls carrying %d instances, want %d carrying %d", got, action, carried, calls, instances)
		}
		return nil
	}
}

// noOperations checks that no instance was started, stopped or rebooted.
func noOperations(t *testing.T, emu *emulator.Emulator) {
	t.Helper()
	for _, action := range []string{"StartInstances", "StopInstances", "RebootInstances"} {
		if got := emu.Calls(action); got != 0 {
			t.Fatalf("%d %s calls were made", got, action)
		}
	}
}

const dataSource = "data.qcloud_cvm_instances_status.test"

// expectRead checks the attributes of a read without details of these instances, in this order,
// and of these missing IDs.
func expectRead(instances []emulator.Instance, missing []string) []statecheck.StateCheck {
	return expectReadOf(instances, nil, missing)
}

// expectDescribed checks the attributes of a read through DescribeInstances of these instances of
// emu, in this order, each with every attribute of its details, and of these missing IDs.
func expectDescribed(emu *emulator.Emulator, instances []emulator.Instance, missing []string) []statecheck.StateCheck {
	return expectReadOf(instances, describedBy(emu), missing)
}

func expectReadOf(instances []emulator.Instance, describe func(emulator.Instance) map[string]knownvalue.Check, missing []string) []statecheck.StateCheck {
	list := make([]knownvalue.Check, len(instances))
	byID := make(map[string]knownvalue.Check, len(instances))
	for i, inst := range instances {
		list[i] = knownvalue.ObjectExact(instanceChecks(inst, describe))
		byID[inst.ID] = list[i]
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(dataSource, tfjsonpath.New("instances"), knownvalue.ListExact(list)),
		statecheck.ExpectKnownValue(dataSource, tfjsonpath.New("instances_by_id"), knownvalue.MapExact(byID)),
		statecheck.ExpectKnownValue(dataSource, tfjsonpath.New("states"), expectStates(instances)),
		statecheck.ExpectKnownValue(dataSource, tfjsonpath.New("missing_ids"), expectStrings(missing)),
		statecheck.ExpectKnownValue(dataSource, tfjsonpath.New("state_counts"), expectCounts(instances)),
	}
}

// listBlock is a list block of qcloud_cvm_instance_state named name with these arguments.
func listBlock(name string, args ...string) string {
	return fmt.Sprintf(`
list "qcloud_cvm_instance_state" %q {
  provider = qcloud
  %s
}
`, name, strings.Join(args, "\n  "))
}

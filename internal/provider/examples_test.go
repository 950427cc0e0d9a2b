package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const examplesDir = "../../examples"

// example is one example under examples/: a .tf file that the documentation quotes, or a folder
// that is applied whole. seed puts the instances it names into the emulator, in the states that
// make its point visible, and launches the instances its waits wait for; check asserts that
// applying it shows that point, and warnings are the messages of exactly the check blocks that
// must fail.
type example struct {
	seed map[string]string // instance ID -> state, in the test region
	// instances are put into the test region with their attributes, for examples that select by them.
	instances []emulator.Instance
	launches  []emulator.Transition
	// invoke is the action that `terraform apply -invoke` runs, for an example that is invoked.
	invoke string
	// env is the environment the example runs in beyond the endpoint, such as what a CI runner
	// or a TKE pod sets.
	env func(t *testing.T) []string
	// needs is what the example needs of the CLI beyond Terraform 1.5, if anything.
	needs    *feature
	warnings []string
	check    func(t *testing.T, emu *emulator.Emulator, applied exampleRun)
}

// exampleRun is what applying an example showed.
type exampleRun struct {
	before    []emulator.Instance // the test region's fleet before the apply
	output    string              // the apply's output
	err       error               // the apply's error, if it failed
	outputs   map[string]any      // terraform output -json, by name
	resources []string            // the managed resources in the state
	// generated is what `terraform query -generate-config-out` wrote before the apply, for an
	// example with list blocks.
	generated string
}

// examples are every example under examples/; TestAccExamples fails on one missing here.
var examples = map[string]example{
	"data-sources/qcloud_cvm_instances_status/data-source.tf": {
		seed: map[string]string{"ins-web00001": "RUNNING", "ins-web00002": "RUNNING", "ins-web00003": "STOPPED"},
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			counts := map[string]any{}
			for _, inst := range emu.Fleet(testRegion) {
				n, _ := counts[inst.State].(float64)
				counts[inst.State] = n + 1
			}
			run.expectOutput(t, "instances_per_state", counts)
		},
	},
	"data-sources/qcloud_cvm_instances_status/for-each.tf": {
		seed: map[string]string{"ins-web00001": "RUNNING", "ins-web00002": "STOPPED", "ins-web00003": "RUNNING"},
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			want := []string{`terraform_data.load_balancer_member["ins-web00001"]`, `terraform_data.load_balancer_member["ins-web00003"]`}
			if !slices.Equal(run.resources, want) {
				t.Fatalf("one member per running web server was expected, the state holds %q", run.resources)
			}
		},
	},
	"data-sources/qcloud_cvm_instances_status/check.tf": {
		seed:     map[string]string{"ins-db000001": "STOPPED"},
		warnings: []string{"The database ins-db000001 is STOPPED, not RUNNING."},
		check:    func(t *testing.T, _ *emulator.Emulator, run exampleRun) { run.succeeded(t) },
	},
	"data-sources/qcloud_cvm_instances_status/precondition.tf": {
		seed: map[string]string{"ins-web00001": "RUNNING", "ins-web00002": "STOPPED", "ins-web00003": "RUNNING"},
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			if run.err == nil || !errorMatching("Resource precondition failed", "Every web server must be RUNNING before the release",
				`"ins-web00002":"STOPPED"`).MatchString(run.output) {
				t.Fatalf("the precondition did not stop the release while a web server is stopped:\n%s", run.output)
			}
			if slices.Contains(run.resources, "terraform_data.release") {
				t.Fatal("the release was created")
			}
		},
	},
	"data-sources/qcloud_cvm_instances_status/by-tag-precondition.tf": {
		instances: []emulator.Instance{{ID: "ins-webz3001", State: "STOPPED", Zone: "ap-guangzhou-3", Tags: map[string]string{"role": "web"}}},
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			if run.err == nil || !errorMatching("Resource precondition failed", "Every web instance of ap-guangzhou-3 must be RUNNING before the release").MatchString(run.output) {
				t.Fatalf("the precondition did not stop the release while a web instance of the zone is stopped:\n%s", run.output)
			}
			named := 0
			for _, inst := range run.before {
				if inst.Tags["role"] != "web" || inst.Zone != "ap-guangzhou-3" {
					continue
				}
				if shown := strings.Contains(run.output, inst.ID); shown != (inst.State != "RUNNING") {
					t.Fatalf("%s (%s) is named in the error: %v, want it named only if it is not RUNNING:\n%s", inst.ID, inst.State, shown, run.output)
				}
				named++
			}
			if named < 3 || slices.Contains(run.resources, "terraform_data.zone_3_release") {
				t.Fatalf("%d web instances in the zone (want a few), and the release resources %q", named, run.resources)
			}
		},
	},
	"data-sources/qcloud_cvm_instances_status/select.tf": {
		instances: []emulator.Instance{{ID: "ins-dev0v001", State: "STOPPED", Zone: "ap-guangzhou-4", VpcID: emulator.VpcID(testRegion, 0),
			Tags: map[string]string{"env": "dev"}}},
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			zones := []string{"ap-guangzhou-3", "ap-guangzhou-4"}
			want := map[string]any{}
			for _, inst := range run.before {
				if inst.Tags["env"] == "dev" && slices.Contains(zones, inst.Zone) && inst.VpcID == emulator.VpcID(testRegion, 0) && inst.State == "STOPPED" {
					want[inst.ID] = inst.State
				}
			}
			run.expectOutput(t, "stopped_dev", want)
		},
	},
	"data-sources/qcloud_cvm_instances_status/web-private-ips.tf": {
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			ips, byZone := []any{}, map[string]any{}
			for _, inst := range sortedByID(run.before) {
				if inst.Tags["role"] == "web" && inst.State == "RUNNING" {
					for _, ip := range inst.PrivateIPs {
						ips = append(ips, ip)
					}
					names, _ := byZone[inst.Zone].([]any)
					byZone[inst.Zone] = append(names, inst.Name)
				}
			}
			if len(ips) < 2 || len(byZone) < 2 {
				t.Fatalf("the fleet has %d running web servers' addresses in %d zones, which shows little", len(ips), len(byZone))
			}
			run.expectOutput(t, "web_private_ips", ips)
			run.expectOutput(t, "web_by_zone", byZone)
		},
	},
	"data-sources/qcloud_cvm_instances_status/check-by-name.tf": {
		instances: []emulator.Instance{
			{ID: "ins-db000001", State: "RUNNING", Name: "orders-db"},
			{ID: "ins-db000002", State: "STOPPED", Name: "billing-db"},
			{ID: "ins-db000003", State: "STOPPING", Name: "search-db"},
		},
		warnings: []string{"Not running: billing-db (STOPPED), search-db (STOPPING)."},
		check:    func(t *testing.T, _ *emulator.Emulator, run exampleRun) { run.succeeded(t) },
	},
	"data-sources/qcloud_cvm_instances_status/missing-ids.tf": {
		seed:     map[string]string{"ins-web00001": "RUNNING"},
		warnings: []string{"Terminated or unknown batch workers: ins-wrk00042."},
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			run.expectOutput(t, "terminated_batch_workers", []any{"ins-wrk00042"})
		},
	},
	"data-sources/qcloud_cvm_instances_status/conditional.tf": {
		seed: map[string]string{"ins-db000001": "STOPPED"},
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			run.expectOutput(t, "maintenance_page", "on: the database is STOPPED")
		},
	},
	"data-sources/qcloud_cvm_instances_status/other-region.tf": {
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			var stopped []any
			for _, inst := range sortedByID(inStates(emu.Fleet("ap-shanghai"), "STOPPED")) {
				stopped = append(stopped, inst.ID)
			}
			if len(stopped) == 0 {
				t.Fatal("the seeded ap-shanghai fleet has no stopped instance to show")
			}
			run.expectOutput(t, "stopped_in_shanghai", stopped)
		},
	},
	"data-sources/qcloud_cvm_instances_status/wait-for-new-instances.tf": {
		// One instance is listed at once and launched in 2 s; the other appears only after 1 s.
		launches: append(emulator.Launch(testRegion, "ins-new00001", "RUNNING", 2*time.Second),
			emulator.Transition{Region: testRegion, Instance: emulator.Instance{ID: "ins-new00002", State: "PENDING"}, After: time.Second},
			emulator.Transition{Region: testRegion, Instance: emulator.Instance{ID: "ins-new00002", State: "RUNNING"}, After: 3 * time.Second}),
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			run.expectOutput(t, "new_web_servers", statesOf(emu, "ins-new00001", "ins-new00002"))
			// The read waits during the apply, after the launch and before what depends on it.
			if !errorMatching("terraform_data.new_web_servers: Creation complete", "data.qcloud_cvm_instances_status.new_web_servers: Reading...",
				"data.qcloud_cvm_instances_status.new_web_servers: Read complete", "terraform_data.load_balancer_members: Creating...").MatchString(run.output) {
				t.Fatalf("the data source did not wait during the apply, between the launch and the load balancer:\n%s", run.output)
			}
		},
	},
	"actions/qcloud_cvm_stop_instances/action.tf": {
		needs:  &actions,
		seed:   map[string]string{"ins-dev00001": "RUNNING", "ins-dev00002": "RUNNING", "ins-dev00003": "STOPPED"},
		invoke: "action.qcloud_cvm_stop_instances.nightly",
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			if err := expectFleetIn(emu, []string{"ins-dev00001", "ins-dev00002", "ins-dev00003"}, "STOPPED")(nil); err != nil {
				t.Fatal(err)
			}
			if got := emu.Stats().Operated["StopInstances"]; got != 2 {
				t.Fatalf("StopInstances stopped %d instances, want the 2 running", got)
			}
			if len(run.resources) != 0 {
				t.Fatalf("the invoke created resources: %q", run.resources)
			}
		},
	},
	"actions/qcloud_cvm_stop_instances/by-tag.tf": {
		needs:     &actions,
		instances: []emulator.Instance{{ID: "ins-dev0t001", State: "RUNNING", Tags: map[string]string{"env": "dev"}}},
		invoke:    "action.qcloud_cvm_stop_instances.dev_by_tag",
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			dev := slices.DeleteFunc(slices.Clone(run.before), func(i emulator.Instance) bool {
				return i.Tags["env"] != "dev" || (i.State != "RUNNING" && i.State != "STOPPED")
			})
			if err := expectFleetIn(emu, idsOf(dev), "STOPPED")(nil); err != nil {
				t.Fatal(err)
			}
			if got, want := emu.Stats().Operated["StopInstances"], len(inStates(dev, "RUNNING")); got != want || want < 2 {
				t.Fatalf("StopInstances stopped %d instances, want the %d dev instances that were running (at least 2)", got, want)
			}
			// Every instance that was not a running dev instance is as it was.
			for _, inst := range run.before {
				if !slices.ContainsFunc(dev, func(d emulator.Instance) bool { return d.ID == inst.ID }) && statesOf(emu, inst.ID)[inst.ID] != inst.State {
					t.Fatalf("%s (env %q) went from %s to %v", inst.ID, inst.Tags["env"], inst.State, statesOf(emu, inst.ID)[inst.ID])
				}
			}
		},
	},
	"actions/qcloud_cvm_start_instances/action.tf": {
		needs:  &actions,
		seed:   map[string]string{"ins-dev00001": "STOPPED", "ins-dev00002": "STOPPED", "ins-dev00003": "STOPPED"},
		invoke: "action.qcloud_cvm_start_instances.morning",
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			if err := expectFleetIn(emu, []string{"ins-dev00001", "ins-dev00002", "ins-dev00003"}, "RUNNING")(nil); err != nil {
				t.Fatal(err)
			}
		},
	},
	"actions/qcloud_cvm_reboot_instances/action.tf": {
		needs: &actions,
		seed:  map[string]string{"ins-web00001": "RUNNING", "ins-web00002": "RUNNING", "ins-web00003": "RUNNING"},
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			if err := expectFleetIn(emu, []string{"ins-web00001", "ins-web00002", "ins-web00003"}, "RUNNING")(nil); err != nil {
				t.Fatal(err)
			}
			if emu.Calls("RebootInstances") != 1 || emu.Stats().Operated["RebootInstances"] != 3 {
				t.Fatalf("%d RebootInstances calls for %d instances, want 1 for 3", emu.Calls("RebootInstances"), emu.Stats().Operated["RebootInstances"])
			}
			// The reboot runs after the resource that triggers it is created, within the apply.
			if !errorMatching("terraform_data.web_config: Creation complete", "Action started: action.qcloud_cvm_reboot_instances.web",
				"Action complete: action.qcloud_cvm_reboot_instances.web").MatchString(run.output) {
				t.Fatalf("the reboot did not run after terraform_data.web_config was created:\n%s", run.output)
			}
		},
	},
	"resources/qcloud_cvm_instance_state/resource.tf": {
		seed: map[string]string{"ins-build001": "RUNNING", "ins-db000001": "STOPPED"},
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			if got := statesOf(emu, "ins-build001", "ins-db000001"); got["ins-build001"] != "STOPPED" || got["ins-db000001"] != "RUNNING" {
				t.Fatalf("the instances are %v, want the build server STOPPED and the database RUNNING", got)
			}
			want := []string{"qcloud_cvm_instance_state.build_server", "qcloud_cvm_instance_state.database"}
			if !slices.Equal(run.resources, want) {
				t.Fatalf("the state holds %q, want %q", run.resources, want)
			}
		},
	},
	"resources/qcloud_cvm_instance_state/import-by-string-id.tf": {
		seed:  map[string]string{"ins-db000001": "RUNNING"},
		check: expectImported([]string{"ins-db000001"}),
	},
	"resources/qcloud_cvm_instance_state/import-by-identity.tf": {
		needs: &identity,
		seed:  map[string]string{"ins-db000001": "RUNNING"},
		check: expectImported([]string{"ins-db000001"}),
	},
	"list-resources/qcloud_cvm_instance_state/list-resource.tfquery.hcl": {
		needs: &listResources,
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			expectImported(idsOf(inStates(emu.Fleet(testRegion), "RUNNING", "STOPPED")))(t, emu, run)
		},
	},
	"list-resources/qcloud_cvm_instance_state/stopped-dev.tfquery.hcl": {
		needs:     &listResources,
		instances: []emulator.Instance{{ID: "ins-dev0s001", State: "STOPPED", Tags: map[string]string{"env": "dev"}}},
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			var want []string
			for _, inst := range run.before {
				if inst.Tags["env"] == "dev" && inst.State == "STOPPED" {
					want = append(want, inst.ID)
				}
			}
			expectImported(want)(t, emu, run)
		},
	},
	"provider/provider.tf": {
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) { run.succeeded(t) },
	},
	// The provider override adds keys to the examples that sign in without them; the checks show
	// that the reads were signed with what the example chose instead.
	"provider/github-actions.tf": {
		env: func(t *testing.T) []string { return []string{envWebIdentityTokenFile + "=" + tokenFile(t, ciToken)} },
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			expectSignIn(t, emu, run, "GetCallerIdentity")
			if emu.Stats().WebIdentityTokens[ciToken] == 0 {
				t.Fatal("STS never saw the runner's token")
			}
		},
	},
	"provider/tke-pod.tf": {
		env: func(t *testing.T) []string {
			return []string{envTKERegion + "=ap-guangzhou", envTKEProviderID + "=cls-7xq2k9", envTKEWebIdentityTokenFile + "=" + tokenFile(t, podToken),
				envTKERoleARN + "=qcs::cam::uin/100000000001:roleName/tke-reader"}
		},
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			expectSignIn(t, emu, run, "AssumeRoleWithWebIdentity")
		},
	},
	"provider/saml.tf": {
		env: func(*testing.T) []string { return []string{"TF_VAR_saml_assertion=" + samlAssertion} },
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			expectSignIn(t, emu, run, "AssumeRoleWithSAML")
		},
	},
	"provider/mfa.tf": {
		env: func(*testing.T) []string { return []string{"TF_VAR_mfa_code=" + mfaCode} },
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			expectSignIn(t, emu, run, "AssumeRole")
		},
	},
	// The module that examples/testing/tests tests with `terraform test` (TestModuleTestExample),
	// applied as a root module with its defaults: the running web servers.
	"testing": {
		check: func(t *testing.T, _ *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			var members []string
			for _, inst := range sortedByID(inStates(run.before, "RUNNING")) {
				if inst.Tags["role"] == "web" {
					members = append(members, inst.ID)
				}
			}
			if len(members) == 0 {
				t.Fatal("the fleet has no running web server, which shows nothing")
			}
			run.expectOutput(t, "members", members)
		},
	},
	// The demo's configuration whole, as its last step leaves it: database.tf starts the stopped
	// database, and search.tfquery.hcl finds the stopped development instances to import.
	"demo": {
		needs: &listResources,
		instances: []emulator.Instance{
			{ID: "ins-web00001", State: "RUNNING", Tags: map[string]string{"role": "web"}},
			{ID: "ins-db000001", State: "STOPPED", Tags: map[string]string{"env": "prod", "role": "db"}},
		},
		// Both are listed from the first call on, so that the count of the region's instances holds still.
		launches: append(emulator.Launch(testRegion, "ins-web00005", "RUNNING", 3*time.Second),
			emulator.Launch(testRegion, "ins-web00006", "RUNNING", 2*time.Second)...),
		// No warning: Terraform evaluates the check last, after database.tf has started the
		// database (the demo's first step, without database.tf, shows the warning).
		check: func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
			run.succeeded(t)
			tagged := func(key, value string, states ...string) map[string]any {
				counts := map[string]any{}
				for _, inst := range run.before {
					if inst.Tags[key] == value && (len(states) == 0 || slices.Contains(states, inst.State)) {
						n, _ := counts[inst.State].(float64)
						counts[inst.State] = n + 1
					}
				}
				return counts
			}
			run.expectOutput(t, "new_web_servers", statesOf(emu, "ins-web00005", "ins-web00006"))
			run.expectOutput(t, "web_tier", tagged("role", "web"))
			run.expectOutput(t, "dev_instances", tagged("env", "dev", "RUNNING", "STOPPED"))
			if got := statesOf(emu, "ins-db000001")["ins-db000001"]; got != "RUNNING" {
				t.Fatalf("the database is %s after the apply, want RUNNING", got)
			}
			stoppedDev, _ := tagged("env", "dev", "STOPPED")["STOPPED"].(float64)
			if imports := strings.Count(run.generated, "import {"); stoppedDev == 0 || imports != int(stoppedDev) {
				t.Fatalf("the query wrote %d import blocks for %v stopped development instances", imports, stoppedDev)
			}
			expectOutput(t, run.output, fmt.Sprintf("Apply complete! Resources: %d imported, 1 added, 0 changed, 0 destroyed.", int(stoppedDev)))
			if got := emu.Calls("StopInstances"); got != 0 {
				t.Fatalf("the apply made %d StopInstances calls: the action ran without being invoked", got)
			}
		},
	},
}

// TestAccExamples applies every example under examples/ on its own, as a user would copy it from
// the documentation, against an emulator seeded to show its point, and checks that it shows it.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	cli := testCLI(t)
	found := exampleNames(t)
	for name := range examples {
		if !slices.Contains(found, name) {
			t.Errorf("the example %s does not exist", name)
		}
	}
	for _, name := range found {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ex, ok := examples[name]
			if !ok {
				t.Fatalf("the example %s is not checked: add it to examples", name)
			}
			if ex.needs != nil {
				skipWithout(t, cli, *ex.needs)
			}
			// STS knows the roles of the provider examples and the tokens, assertion and MFA code
			// their sign-ins bring.
			cfg := keylessConfig()
			cfg.Fleets, cfg.Seed, cfg.Operations = map[string]int{testRegion: 120, "ap-shanghai": 30}, 13, quickOperations
			emu, srv := startLaunching(t, cfg, ex.launches)
			for id, state := range ex.seed {
				ex.instances = append(ex.instances, emulator.Instance{ID: id, State: state})
			}
			for _, inst := range ex.instances {
				if err := emu.Put(testRegion, inst); err != nil {
					t.Fatal(err)
				}
			}
			before := emu.Fleet(testRegion)
			var env []string
			if ex.env != nil {
				env = ex.env(t)
			}
			run := applyExample(t, name, srv, ex.invoke, env)
			run.before = before
			run.expectWarnings(t, ex.warnings)
			ex.check(t, emu, run)
		})
	}
}

// applyExample copies the example into a folder of its own with a provider block for the
// emulator, validates it, writes the configuration of what its list blocks find (if it has any)
// with `terraform query -generate-config-out`, applies it (only invoking the action invoke, if
// set), and reads its outputs and resources.
func applyExample(t *testing.T, name string, srv *httptest.Server, invoke string, extraEnv []string) exampleRun {
	t.Helper()
	work := t.TempDir()
	sources := copyExample(t, filepath.Join(examplesDir, name), work)
	// Documentation examples leave out the terraform block and the provider block; where an
	// example has a provider block, an override file points it at the emulator.
	if !strings.Contains(sources, "required_providers") {
		writeFile(t, filepath.Join(work, "versions.tf"), acctest.RequiredProviders)
	}
	providerFile := "provider.tf"
	if strings.Contains(sources, `provider "qcloud"`) {
		providerFile = "provider_override.tf"
	}
	writeFile(t, filepath.Join(work, providerFile), providerBlockWithoutKeys(srv, acctest.Keys(testSecretID, testSecretKey)...))

	w := terraformIn(t, work, append([]string{"TF_VAR_endpoint=" + endpointOf(srv)}, extraEnv...)...)
	mustRun(t, w, "validate", "-no-color")
	args := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	if invoke != "" {
		args = append(args, "-invoke="+invoke)
	}
	var generated string
	if strings.Contains(sources, "\nlist ") {
		mustRun(t, w, "query", "-generate-config-out=generated.tf", "-no-color")
		generated = readFile(t, filepath.Join(work, "generated.tf"))
	}
	output, err := w.Run(args...)
	run := exampleRun{err: err, output: output, generated: generated}

	outputs := mustRun(t, w, "output", "-json", "-no-color")
	var values map[string]struct{ Value any }
	if err := json.Unmarshal([]byte(outputs), &values); err != nil {
		t.Fatalf("output -json: %v\n%s", err, outputs)
	}
	run.outputs = map[string]any{}
	for name, v := range values {
		run.outputs[name] = v.Value
	}
	// A failed apply may leave no state, and state list then fails.
	if resources, err := w.Run("state", "list"); err == nil {
		for _, address := range strings.Fields(resources) {
			if !strings.HasPrefix(address, "data.") {
				run.resources = append(run.resources, address)
			}
		}
	}
	return run
}

// expectSignIn checks that the sign-in of a provider example made the STS call action and that
// role keys signed a read of the whole region.
func expectSignIn(t *testing.T, emu *emulator.Emulator, run exampleRun, action string) {
	t.Helper()
	if emu.Calls(action) == 0 {
		t.Fatalf("the example never called STS %s", action)
	}
	if s := emu.Stats(); s.AssumedRoles == 0 || len(s.Tokens) == 0 {
		t.Fatal("the reads were not signed with a role's keys")
	}
	run.expectOutput(t, "running", float64(len(inStates(emu.Fleet(testRegion), "RUNNING"))))
}

func (r exampleRun) succeeded(t *testing.T) {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
}

func (r exampleRun) expectOutput(t *testing.T, name string, want any) {
	t.Helper()
	got, ok := r.outputs[name]
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if !ok || !bytes.Equal(gotJSON, wantJSON) {
		t.Fatalf("output %s is %s, want %s", name, gotJSON, wantJSON)
	}
}

// expectWarnings checks that the check blocks that failed are exactly those whose messages are
// given.
func (r exampleRun) expectWarnings(t *testing.T, messages []string) {
	t.Helper()
	if got := strings.Count(r.output, "Warning: Check block assertion failed"); got != len(messages) {
		t.Fatalf("%d check blocks failed, want %d (%q):\n%s", got, len(messages), messages, r.output)
	}
	for _, message := range messages {
		if !errorMatching("Warning: Check block assertion failed", message).MatchString(r.output) {
			t.Fatalf("the apply did not warn %q:\n%s", message, r.output)
		}
	}
}

// exampleNames are the examples under examples/: each .tf and .tfquery.hcl file of a folder whose
// files stand alone (the documentation quotes them one by one), and each folder with a main.tf as
// a whole.
func exampleNames(t *testing.T) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(examplesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isConfiguration(path) {
			return err
		}
		rel, err := filepath.Rel(examplesDir, path)
		switch {
		case filepath.Base(path) == "main.tf":
			rel = filepath.Dir(rel)
		case fileExists(filepath.Join(filepath.Dir(path), "main.tf")):
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil || len(names) < 3 {
		t.Fatalf("found %d examples (%v)", len(names), err)
	}
	return names
}

// isConfiguration reports whether a file holds Terraform configuration or list blocks.
func isConfiguration(path string) bool {
	return filepath.Ext(path) == ".tf" || strings.HasSuffix(path, ".tfquery.hcl")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// copyExample copies the example at path (a file, or a folder of them) into work and returns the
// text copied.
func copyExample(t *testing.T, path, work string) string {
	t.Helper()
	files := []string{path}
	if !isConfiguration(path) {
		entries, err := os.ReadDir(path)
		if err != nil {
			t.Fatal(err)
		}
		files = nil
		for _, e := range entries {
			if isConfiguration(e.Name()) {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	var all strings.Builder
	for _, file := range files {
		text := readFile(t, file)
		all.WriteString(text)
		writeFile(t, filepath.Join(work, filepath.Base(file)), text)
	}
	return all.String()
}

// expectImported checks that the example's query wrote one import block for each of ids, and that
// the apply imported each, without changing any instance.
func expectImported(ids []string) func(*testing.T, *emulator.Emulator, exampleRun) {
	return func(t *testing.T, emu *emulator.Emulator, run exampleRun) {
		t.Helper()
		run.succeeded(t)
		if len(ids) == 0 {
			t.Fatal("the example finds no instance, which shows nothing")
		}
		if run.generated != "" && strings.Count(run.generated, "import {") != len(ids) {
			t.Fatalf("the query wrote %d import blocks, want %d:\n%s", strings.Count(run.generated, "import {"), len(ids), run.generated)
		}
		if !strings.Contains(run.output, fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", len(ids))) {
			t.Fatalf("the apply did not import the %d instances:\n%s", len(ids), run.output)
		}
		if len(run.resources) != len(ids) {
			t.Fatalf("the state holds %d resources, want %d", len(run.resources), len(ids))
		}
		noOperations(t, emu)
	}
}

// idsOf are the IDs of instances, in their order.
func idsOf(instances []emulator.Instance) []string {
	ids := make([]string, len(instances))
	for i, inst := range instances {
		ids[i] = inst.ID
	}
	return ids
}

// TestReadmeShowsAppliedExamples: every Terraform block of the README is a file under examples/,
// word for word, so that TestAccExamples applies what the front page shows.
func TestReadmeShowsAppliedExamples(t *testing.T) {
	t.Parallel()
	readme := readFile(t, "../../README.md")
	blocks := regexp.MustCompile("(?s)```terraform\n(.*?)```").FindAllStringSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("the README shows no Terraform block")
	}
	var files []string
	err := filepath.WalkDir(examplesDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".hcl")) {
			files = append(files, strings.TrimSpace(readFile(t, path)))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range blocks {
		if !slices.Contains(files, strings.TrimSpace(block[1])) {
			t.Errorf("the README shows a block that is no file under examples/:\n%s", block[1])
		}
	}
}

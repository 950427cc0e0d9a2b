package provider

import (
	"bytes"
	"cmp"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
)

// cli runs the Terraform CLI of the acceptance tests (TF_ACC_TERRAFORM_PATH, or terraform on
// PATH; OpenTofu works too) with the provider built as a binary and installed through
// dev_overrides, as users install a provider under development.
type cli struct {
	binary    string
	cliConfig string
}

// buildProvider builds the provider once per test run, into TestMain's folder, which goes with it.
var buildProvider = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(testDir, "provider")
	return dir, acctest.BuildProvider("../..", dir)
})

// newCLI skips the test unless acceptance tests are on, and builds the provider.
func newCLI(t *testing.T) cli {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	dir, err := buildProvider()
	if err != nil {
		t.Fatal(err)
	}
	// The host is registry.opentofu.org under OpenTofu, as terraform-plugin-testing is told.
	host := cmp.Or(os.Getenv("TF_ACC_PROVIDER_HOST"), "registry.terraform.io")
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	writeFile(t, cliConfig, acctest.DevOverrides(host, dir))
	return cli{binary: cmp.Or(os.Getenv("TF_ACC_TERRAFORM_PATH"), "terraform"), cliConfig: cliConfig}
}

// run runs the CLI in workDir with args and the extra environment variables env.
func (c cli) run(workDir string, out *bytes.Buffer, env []string, args ...string) error {
	cmd := exec.Command(c.binary, args...)
	cmd.Dir = workDir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = out, out
	return cmd.Run()
}

// mustRun runs the CLI in workDir with args and returns its output; a command that fails fails
// the test.
func (c cli) mustRun(t *testing.T, workDir string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := c.run(workDir, &out, nil, args...); err != nil {
		t.Fatalf("%s: %v\n%s", args[0], err, out.String())
	}
	return out.String()
}

// workDir is a folder of the test's own whose main.tf selects this provider, configures it for
// srv with the test keys and region, and holds config.
func workDir(t *testing.T, srv *httptest.Server, config string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.tf"), acctest.RequiredProviders+providerBlock(srv)+config)
	return dir
}

// flatten is a CLI's output as one line: Terraform wraps long lines and frames a diagnostic's
// lines with │.
func flatten(output string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(output, "│", "")), " ")
}

// expectOutput checks that a CLI's output says each of wants, however it wraps lines.
func expectOutput(t *testing.T, output string, wants ...string) {
	t.Helper()
	flat := flatten(output)
	for _, want := range wants {
		if !strings.Contains(flat, want) {
			t.Errorf("the output does not say %q:\n%s", want, output)
		}
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

package provider

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
)

// buildProvider builds the provider once per test run, into TestMain's folder, which goes with it.
var buildProvider = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(testDir, "provider")
	return dir, acctest.BuildProvider("../..", dir)
})

// testCLI is the Terraform CLI of the acceptance tests (TF_ACC_TERRAFORM_PATH, or terraform on
// PATH; OpenTofu works too). Without TF_ACC the test skips; with it, a missing CLI fails it.
func testCLI(t *testing.T) acctest.CLI {
	t.Helper()
	return acctest.TestCLI(t, acctest.MinimumVersion)
}

// terraformIn is the workspace dir, where the acceptance tests' CLI runs the provider built as a
// binary, with env. The binary reads no tccli folder of the developer's.
func terraformIn(t *testing.T, dir string, env ...string) *acctest.Workspace {
	t.Helper()
	cli := testCLI(t)
	providerDir, err := buildProvider()
	if err != nil {
		t.Fatal(err)
	}
	w, err := acctest.NewWorkspace(cli, dir, providerDir, append([]string{envSharedCredentialsDir + "=" + noTccli()}, env...)...)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// mustRun runs the CLI in w with args and returns its output; a command that fails fails the test.
func mustRun(t *testing.T, w *acctest.Workspace, args ...string) string {
	t.Helper()
	out, err := w.Run(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// workspaceFor is a workspace of the test's own whose main.tf selects this provider, configures
// it for srv with the test keys and region, and holds config.
func workspaceFor(t *testing.T, srv *httptest.Server, config string) *acctest.Workspace {
	t.Helper()
	w := terraformIn(t, t.TempDir())
	writeFile(t, filepath.Join(w.Dir, "main.tf"), acctest.RequiredProviders+providerBlock(srv)+config)
	return w
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

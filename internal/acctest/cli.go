package acctest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
)

// Versions of the Terraform CLI that parts of this project need.
var (
	// MinimumVersion is the oldest CLI the provider supports.
	MinimumVersion = version.Must(version.NewVersion("1.5.0"))
	// TestCommandVersion is the first CLI with `terraform test`.
	TestCommandVersion = version.Must(version.NewVersion("1.6.0"))
	// ActionsVersion is the first CLI with actions, list resources and `terraform query`.
	ActionsVersion = version.Must(version.NewVersion("1.14.0"))
)

// CLI is a Terraform (or OpenTofu) binary and the version it reports.
type CLI struct {
	Path    string
	Version *version.Version
}

// FindCLI looks name up (a path, or a command on PATH) and asks the binary its version.
func FindCLI(name string) (CLI, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return CLI{}, fmt.Errorf("no Terraform CLI at %q: %w", name, err)
	}
	if path, err = filepath.Abs(path); err != nil {
		return CLI{}, err
	}
	var out bytes.Buffer
	cmd := exec.Command(path, "version", "-json")
	cmd.Env = Environment("TF_CLI_CONFIG_FILE=" + os.DevNull)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return CLI{}, fmt.Errorf("running %s version: %w", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		return CLI{}, fmt.Errorf("%s version -json: %w", path, err)
	}
	parsed, err := version.NewVersion(v.Version)
	if err != nil {
		return CLI{}, fmt.Errorf("%s reports the version %q: %w", path, v.Version, err)
	}
	return CLI{Path: path, Version: parsed}, nil
}

// AtLeast reports whether the CLI is min or newer; a development build of min (1.14.8-dev) counts.
func (c CLI) AtLeast(min *version.Version) bool {
	return c.Version.Core().GreaterThanOrEqual(min)
}

// Require is an error that says what needs min when the CLI is older.
func (c CLI) Require(min *version.Version, what string) error {
	if c.AtLeast(min) {
		return nil
	}
	return fmt.Errorf("%s is Terraform %s; %s needs %s or newer", c.Path, c.Version, what, min)
}

// findCLIOnce is FindCLI, asked once per name in a test run, which asks for many workspaces.
func findCLIOnce(name string) (CLI, error) {
	found, _ := cliByName.LoadOrStore(name, sync.OnceValues(func() (CLI, error) { return FindCLI(name) }))
	return found.(func() (CLI, error))()
}

var cliByName sync.Map

// EnvSkipCLI is the variable that lets an acceptance run without a fit CLI skip the tests that run
// one, instead of failing them.
const EnvSkipCLI = "QCLOUD_ACC_SKIP_CLI"

// TestCLI is the CLI of a test that runs Terraform itself: TF_ACC_TERRAFORM_PATH, or terraform on
// PATH, at min or newer. Without TF_ACC the test skips. With it, a missing or older CLI fails the
// test and says what to do, as a broken setup must not pass as "ok", unless QCLOUD_ACC_SKIP_CLI=1
// asks to skip instead.
func TestCLI(t testing.TB, min *version.Version) CLI {
	t.Helper()
	return testCLI(t, min, os.Getenv)
}

func testCLI(t testing.TB, min *version.Version, getenv func(string) string) CLI {
	t.Helper()
	if getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI: set TF_ACC=1")
	}
	name := cmp.Or(getenv("TF_ACC_TERRAFORM_PATH"), "terraform")
	cli, err := findCLIOnce(name)
	if err == nil {
		err = cli.Require(min, "this test")
	}
	if err == nil {
		return cli
	}
	if getenv(EnvSkipCLI) == "1" {
		t.Skipf("%v (%s=1)", err, EnvSkipCLI)
	}
	t.Fatalf("%v. Run the tests with `make test`, which builds the CLI they need into .bin/, or point TF_ACC_TERRAFORM_PATH "+
		"at Terraform %s or newer; to skip the tests that run a CLI, set %s=1.", err, min, EnvSkipCLI)
	return CLI{}
}

// PrepareTest is what a test that runs Terraform itself needs: its CLI (see TestCLI) and a folder
// of the test's own that holds the provider built from the module at root.
func PrepareTest(t testing.TB, min *version.Version, root string) (CLI, string) {
	t.Helper()
	cli := TestCLI(t, min)
	dir := t.TempDir()
	if err := BuildProvider(root, dir); err != nil {
		t.Fatal(err)
	}
	return cli, dir
}

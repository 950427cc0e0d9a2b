package acctest

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Workspace is a folder where a Terraform CLI runs with this provider installed from a folder
// through dev_overrides, as users install a provider under development, in an environment of its
// own: the allow-listed variables, a CLI configuration of its own, and Env.
type Workspace struct {
	Dir string
	CLI CLI
	// Env are the variables (NAME=value) every run gets, after those of the workspace.
	Env []string
	// cliConfig is the workspace's CLI configuration file.
	cliConfig string
}

// CLIConfigFile is the workspace's CLI configuration, in its folder; Terraform reads it only
// through TF_CLI_CONFIG_FILE.
const CLIConfigFile = ".terraformrc"

// NewWorkspace writes, into dir, a CLI configuration that installs the provider from providerDir,
// and returns the workspace where cli runs with env.
func NewWorkspace(cli CLI, dir, providerDir string, env ...string) (*Workspace, error) {
	providers, err := filepath.Abs(providerDir)
	if err != nil {
		return nil, err
	}
	w := &Workspace{Dir: dir, CLI: cli, Env: env, cliConfig: filepath.Join(dir, CLIConfigFile)}
	return w, os.WriteFile(w.cliConfig, []byte(DevOverrides(ProviderHost(), providers)), 0o600)
}

// ProviderHost is the registry the CLI resolves the provider's source address against:
// TF_ACC_PROVIDER_HOST (registry.opentofu.org under OpenTofu, as terraform-plugin-testing is told
// too), else registry.terraform.io.
func ProviderHost() string {
	return cmp.Or(os.Getenv("TF_ACC_PROVIDER_HOST"), "registry.terraform.io")
}

// Write replaces the workspace's file name with content.
func (w *Workspace) Write(name, content string) error {
	return os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600)
}

// Run runs the CLI with args in the workspace and returns what it printed; a command that fails is
// an error that holds its output.
func (w *Workspace) Run(args ...string) (string, error) {
	return w.RunProgram(w.CLI.Path, args...)
}

// RunProgram runs program (such as a script that runs Terraform itself) in the workspace, with the
// workspace's environment.
func (w *Workspace) RunProgram(program string, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(program, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(Environment("TF_CLI_CONFIG_FILE="+w.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"), w.Env...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s %s: %w\n%s", filepath.Base(program), strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

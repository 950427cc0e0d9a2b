package acctest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// TerraformVersion runs `terraform version -json` and returns the version, and whether it is at
// least major.minor: the demo and the tests that run a CLI of their own take what it can do.
func TerraformVersion(binary string, major, minor int) (version string, atLeast bool, err error) {
	var out bytes.Buffer
	cmd := exec.Command(binary, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "", false, fmt.Errorf("running %s version: %w", binary, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		return "", false, fmt.Errorf("%s version -json: %w", binary, err)
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil {
		return v.Version, false, fmt.Errorf("%s reports the version %q: %w", binary, v.Version, err)
	}
	return v.Version, gotMajor > major || (gotMajor == major && gotMinor >= minor), nil
}

// TestCLI is the Terraform CLI that a test which runs one of its own uses: TF_ACC_TERRAFORM_PATH,
// or terraform on PATH. It returns why the test should skip instead: acceptance tests are off
// (TF_ACC is unset), there is no CLI, or the CLI is older than major.minor.
func TestCLI(major, minor int) (binary, skip string) {
	if os.Getenv("TF_ACC") == "" {
		return "", "runs the Terraform CLI: set TF_ACC=1"
	}
	binary, err := exec.LookPath(cmp.Or(os.Getenv("TF_ACC_TERRAFORM_PATH"), "terraform"))
	if err != nil {
		return "", err.Error()
	}
	version, ok, err := TerraformVersion(binary, major, minor)
	switch {
	case err != nil:
		return "", err.Error()
	case !ok:
		return "", fmt.Sprintf("needs Terraform %d.%d or newer; %s is %s", major, minor, binary, version)
	}
	return binary, ""
}

// BuildProvider builds the provider of the module whose root is root into dir, as the CLI
// configuration of DevOverrides(host, dir) installs it.
func BuildProvider(root, dir string) error {
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-qcloud"), root).CombinedOutput()
	if err != nil {
		return fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return nil
}

package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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

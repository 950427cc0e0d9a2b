package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
)

// terraformCLI runs Terraform in the demo's working folder, with the provider installed from the
// checkout through dev_overrides and the emulator's address and keys in the environment.
type terraformCLI struct {
	binary string
	dir    string
	env    []string
	// providerLog is where env sends the provider's INFO log (TF_LOG_PROVIDER, TF_LOG_PATH), which
	// holds a line per poll of a wait.
	providerLog string
}

// run runs terraform with args and returns what it printed; a command that fails is an error that
// holds its output.
func (tf *terraformCLI) run(args ...string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(tf.binary, append(args, "-no-color")...)
	cmd.Dir = tf.dir
	cmd.Env = append(inheritedEnv(), tf.env...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// version is the CLI's version, which must be 1.14 or newer: the first with actions and
// `terraform query`.
func (tf *terraformCLI) version() (string, error) {
	version, ok, err := acctest.TerraformVersion(tf.binary, 1, 14)
	if err == nil && !ok {
		err = fmt.Errorf("%s is Terraform %s; the demo needs 1.14 or newer (make demo builds one into .bin/terraform-1.14)", tf.binary, version)
	}
	return version, err
}

// inheritedEnv is this process's environment without what would sign in elsewhere than the
// emulator (a security token, a role to assume, a profile, a TKE pod's identity) or log elsewhere.
func inheritedEnv() []string {
	var env []string
	for _, v := range os.Environ() {
		if !strings.HasPrefix(v, "TENCENTCLOUD_") && !strings.HasPrefix(v, "TKE_") && !strings.HasPrefix(v, "TF_LOG") {
			env = append(env, v)
		}
	}
	return env
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// terraformCLI runs Terraform in the demo's working folder, with the provider installed from the
// checkout through dev_overrides and the emulator's address and keys in the environment.
type terraformCLI struct {
	binary string
	dir    string
	env    []string
}

// run runs terraform with args and returns what it printed; a command that fails is an error that
// holds its output.
func (tf *terraformCLI) run(args ...string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(tf.binary, append(args, "-no-color")...)
	cmd.Dir = tf.dir
	cmd.Env = append(os.Environ(), tf.env...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// version is the CLI's version, which must be 1.14 or newer: the first with actions and
// `terraform query`.
func (tf *terraformCLI) version() (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(tf.binary, "version", "-json")
	cmd.Env = append(os.Environ(), tf.env...)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("running %s: %w", tf.binary, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		return "", fmt.Errorf("%s version -json: %w", tf.binary, err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err != nil || major < 1 || (major == 1 && minor < 14) {
		return "", fmt.Errorf("%s is Terraform %s; the demo needs 1.14 or newer (make demo builds one into .bin/terraform-1.14)", tf.binary, v.Version)
	}
	return v.Version, nil
}

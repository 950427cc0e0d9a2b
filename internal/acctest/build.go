package acctest

import (
	"fmt"
	"os/exec"
	"path/filepath"
)

// BuildProvider builds the provider of the module whose root is root into dir, where a
// workspace's CLI configuration installs it from.
func BuildProvider(root, dir string) error {
	return Build(root, filepath.Join(dir, "terraform-provider-qcloud"))
}

// Build builds the Go package in the folder pkg into the binary output.
func Build(pkg, output string) error {
	cmd := exec.Command("go", "build", "-o", output, ".")
	cmd.Dir = pkg
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s: %w\n%s", pkg, err, out)
	}
	return nil
}

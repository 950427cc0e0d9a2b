package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

// fakeCLI writes a program that reports itself as Terraform v.
func fakeCLI(t *testing.T, v string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform")
	script := fmt.Sprintf("#!/bin/sh\necho '{\"terraform_version\": \"%s\", \"platform\": \"linux_amd64\"}'\n", v)
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTerraformAtLeastAgreesWithCLI holds scripts/terraform-at-least, which the Makefile's
// scripts use to take a Terraform on PATH, to CLI.AtLeast, which the tests and the demo use.
func TestTerraformAtLeastAgreesWithCLI(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"0.15.5", "1.4.9", "1.5.0", "1.5.7", "1.6.0", "1.13.9", "1.14.0", "1.14.8-dev", "2.0.0"} {
		binary := fakeCLI(t, v)
		cli, err := FindCLI(binary)
		if err != nil || cli.Version.String() != v {
			t.Fatalf("FindCLI(%s) = %v, %v; want the version %s", v, cli.Version, err, v)
		}
		for _, min := range []*version.Version{MinimumVersion, TestCommandVersion, ActionsVersion} {
			want := fmt.Sprintf("%d.%d", min.Segments()[0], min.Segments()[1])
			err := exec.Command("../../scripts/terraform-at-least", binary, want).Run()
			if script := err == nil; script != cli.AtLeast(min) {
				t.Errorf("Terraform %s at least %s: the script says %v, CLI.AtLeast says %v", v, want, script, cli.AtLeast(min))
			}
		}
	}
}

// outcome is what testCLI did to a test: returned a CLI, skipped it or failed it, and why.
type outcome struct {
	cli             CLI
	skipped, failed string
}

// recorder is a testing.TB that records a skip or a failure instead of ending the test.
type recorder struct {
	testing.TB
	out *outcome
}

func (r recorder) Helper() {}
func (r recorder) Skip(args ...any) {
	r.out.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r recorder) Skipf(format string, args ...any) {
	r.out.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r recorder) Fatalf(format string, args ...any) {
	r.out.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func runTestCLI(t *testing.T, env map[string]string) outcome {
	var out outcome
	done := make(chan struct{})
	go func() {
		defer close(done)
		out.cli = testCLI(recorder{TB: t, out: &out}, ActionsVersion, func(name string) string { return env[name] })
	}()
	<-done
	return out
}

// TestTestCLI: a test that runs a CLI skips without TF_ACC; with it, a missing or too old CLI fails
// the test and says what to do, unless QCLOUD_ACC_SKIP_CLI=1.
func TestTestCLI(t *testing.T) {
	t.Parallel()
	current, old := fakeCLI(t, "1.14.8"), fakeCLI(t, "1.5.7")
	missing := filepath.Join(t.TempDir(), "terraform")
	cases := map[string]struct {
		env                  map[string]string
		skipped, failed, cli string
	}{
		"without TF_ACC": {env: map[string]string{"TF_ACC_TERRAFORM_PATH": current}, skipped: "set TF_ACC=1"},
		"a fit CLI":      {env: map[string]string{"TF_ACC": "1", "TF_ACC_TERRAFORM_PATH": current}, cli: current},
		"a CLI that is not there": {env: map[string]string{"TF_ACC": "1", "TF_ACC_TERRAFORM_PATH": missing},
			failed: `no Terraform CLI at "` + missing + `"`},
		"an old CLI": {env: map[string]string{"TF_ACC": "1", "TF_ACC_TERRAFORM_PATH": old},
			failed: old + " is Terraform 1.5.7; this test needs 1.14.0 or newer. Run the tests with `make test`"},
		"an old CLI, told to skip": {env: map[string]string{"TF_ACC": "1", "TF_ACC_TERRAFORM_PATH": old, EnvSkipCLI: "1"},
			skipped: "is Terraform 1.5.7; this test needs 1.14.0 or newer (QCLOUD_ACC_SKIP_CLI=1)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := runTestCLI(t, tc.env)
			switch {
			case tc.failed != "" && (!strings.Contains(got.failed, tc.failed) || !strings.Contains(got.failed, "set QCLOUD_ACC_SKIP_CLI=1")):
				t.Fatalf("the test failed with %q, want %q and how to skip", got.failed, tc.failed)
			case tc.skipped != "" && !strings.Contains(got.skipped, tc.skipped):
				t.Fatalf("the test skipped with %q (failed with %q), want %q", got.skipped, got.failed, tc.skipped)
			case tc.cli != "" && (got.cli.Path != tc.cli || got.skipped+got.failed != ""):
				t.Fatalf("the CLI is %q (skipped %q, failed %q), want %s", got.cli.Path, got.skipped, got.failed, tc.cli)
			}
		})
	}
}

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
)

// TestModuleTestExample runs examples/testing/run-tests.sh as a CI job would: `terraform test`
// of a module against cvm-emulator, both this checkout's builds, the provider installed through
// dev_overrides. It passes as the guide "Testing your modules against the emulator" says, and it
// fails when the emulator's fleet is not the one the test expects.
func TestModuleTestExample(t *testing.T) {
	t.Parallel()
	terraform, skip := acctest.TestCLI(1, 6) // the first with terraform test
	if skip != "" {
		t.Skip(skip)
	}
	bin := t.TempDir()
	if err := acctest.BuildProvider("../../..", bin); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "cvm-emulator"), ".").CombinedOutput(); err != nil {
		t.Fatalf("building cvm-emulator: %v\n%s", err, out)
	}
	if err := os.Symlink(terraform, filepath.Join(bin, "terraform")); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(bin, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte(acctest.DevOverrides("registry.terraform.io", bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	runTests := func(t *testing.T, script string) (string, error) {
		work := t.TempDir()
		copyDir(t, "../../../examples/testing", work)
		if script != "" {
			writeTestFile(t, filepath.Join(work, "run-tests.sh"), script)
		}
		var out bytes.Buffer
		cmd := exec.Command("bash", filepath.Join(work, "run-tests.sh"))
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_CLI_ARGS_test=-no-color")
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	t.Run("passes", func(t *testing.T) {
		t.Parallel()
		out, err := runTests(t, "")
		if err != nil {
			t.Fatalf("run-tests.sh: %v\n%s", err, out)
		}
		for _, want := range []string{
			`run "running_web_servers_are_members"... pass`,
			`run "a_tier_with_too_few_running_instances_stops_the_plan"... pass`,
			"Success! 2 passed, 0 failed.",
			"cvm-emulator: stopped after 2 calls: 2 DescribeInstances",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("run-tests.sh does not say %q:\n%s", want, out)
			}
		}
	})
	t.Run("fails on another fleet", func(t *testing.T) {
		t.Parallel()
		script, err := os.ReadFile("../../../examples/testing/run-tests.sh")
		if err != nil {
			t.Fatal(err)
		}
		stopped := strings.Replace(string(script), "ins-web00002=RUNNING", "ins-web00002=STOPPED", 1)
		if stopped == string(script) {
			t.Fatal("run-tests.sh no longer seeds ins-web00002 RUNNING")
		}
		out, err := runTests(t, stopped)
		if err == nil {
			t.Fatalf("run-tests.sh passed with a web server stopped:\n%s", out)
		}
		for _, want := range []string{`The members are ["ins-web00001"], not the two running web`, "Failure! 1 passed, 1 failed."} {
			if !strings.Contains(out, want) {
				t.Errorf("run-tests.sh does not say %q:\n%s", want, out)
			}
		}
	})
}

// copyDir copies the files of the folder from, and of its folders, into to.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeTestFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

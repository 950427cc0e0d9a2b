package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestModuleTestExample runs examples/testing/run-tests.sh as a CI job would: `terraform test`
// of a module against cvm-emulator, both this checkout's builds, the provider installed through
// dev_overrides. It passes as the guide "Testing your modules against the emulator" says, and it
// fails when the emulator's fleet is not the one the test expects.
func TestModuleTestExample(t *testing.T) {
	t.Parallel()
	// bin holds the provider, cvm-emulator and the CLI as terraform, for run-tests.sh to find on PATH.
	cli, bin := acctest.PrepareTest(t, acctest.TestCommandVersion, "../../..")
	if err := acctest.Build(".", filepath.Join(bin, "cvm-emulator")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(cli.Path, filepath.Join(bin, "terraform")); err != nil {
		t.Fatal(err)
	}
	runTests := func(t *testing.T, script string) (string, error) {
		work := t.TempDir()
		copyDir(t, "../../../examples/testing", work)
		if script != "" {
			writeTestFile(t, filepath.Join(work, "run-tests.sh"), script)
		}
		w, err := acctest.NewWorkspace(cli, work, bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "TF_CLI_ARGS_test=-no-color")
		if err != nil {
			t.Fatal(err)
		}
		return w.RunProgram("bash", "run-tests.sh")
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

// TestDocumentedKeysAreTheDefaults holds the keys that the guide and the example give to the keys
// cvm-emulator accepts unless told otherwise.
func TestDocumentedKeysAreTheDefaults(t *testing.T) {
	t.Parallel()
	keys := "export TENCENTCLOUD_SECRET_ID=" + emulator.DefaultSecretID + " TENCENTCLOUD_SECRET_KEY=" + emulator.DefaultSecretKey
	for _, name := range []string{"../../../examples/testing/run-tests.sh", "../../../templates/guides/testing-with-the-emulator.md.tmpl"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), keys) {
			t.Errorf("%s does not give the default keys: %q", name, keys)
		}
	}
}

//go:build unix

package main

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
)

// workflow is what this test reads of a GitHub Actions workflow.
type workflow struct {
	Jobs map[string]struct {
		Strategy struct {
			Matrix struct {
				Include []map[string]string `yaml:"include"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Uses string `yaml:"uses"`
			Run  string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// actionsUsed are the actions the workflows may use besides make: GitHub's own, and the one that
// imports the release's signing key.
var actionsUsed = []string{"actions/checkout@v4", "actions/setup-go@v5", "actions/cache@v4", "crazy-max/ghaction-import-gpg@v6"}

// exercisedHere are the make targets the workflows run that .ci/run does not run as they are, and
// what runs them here instead.
var exercisedHere = map[string]string{
	"testacc-live": "TestLiveSuiteAgainstTheEmulator, under make test",
	"sweep-live":   "TestLiveSuiteAgainstTheEmulator, under make test",
	"release":      "make release-check, which checks the configuration it releases with",
}

// TestWorkflowsRunMakeTargets: every step of .github/workflows runs a make target (or one of the
// actions above), the target exists with every prerequisite (make -n), and .ci/run or a test here
// runs it, so that a workflow cannot call what does not exist or what nothing here has run.
func TestWorkflowsRunMakeTargets(t *testing.T) {
	t.Parallel()
	ciRun, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	runByCI := regexp.MustCompile(`(?m)^make ([a-z0-9-]+)`).FindAllStringSubmatch(string(ciRun), -1)
	files, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil || len(files) != 3 {
		t.Fatalf("want the workflows test.yml, live.yml and release.yml, found %v (%v)", files, err)
	}
	targets := map[string]bool{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(data, &w); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for name, job := range w.Jobs {
			for _, step := range job.Steps {
				switch {
				case step.Uses != "" && !slices.Contains(actionsUsed, step.Uses):
					t.Errorf("%s: job %s uses %s, which is not among %q", file, name, step.Uses, actionsUsed)
				case step.Uses != "":
				default:
					for _, run := range expandMatrix(step.Run, job.Strategy.Matrix.Include) {
						target, ok := strings.CutPrefix(strings.TrimSpace(run), "make ")
						if !ok || !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(target) {
							t.Errorf("%s: job %s runs %q, not one make target", file, name, run)
							continue
						}
						targets[target] = true
					}
				}
			}
		}
	}
	for _, target := range slices.Sorted(maps.Keys(targets)) {
		p, err := acctest.Start(".", acctest.Environment(), "make", "-n", target)
		if err == nil {
			_, err = p.Wait()
		}
		if err != nil {
			t.Errorf("the workflows run make %s, which make cannot plan: %v", target, err)
		}
		ran := slices.ContainsFunc(runByCI, func(m []string) bool { return m[1] == target })
		if _, ok := exercisedHere[target]; !ran && !ok {
			t.Errorf("the workflows run make %s, which neither .ci/run nor a test here runs", target)
		}
	}
}

// expandMatrix is run once for each combination of an include-only matrix.
func expandMatrix(run string, include []map[string]string) []string {
	if !strings.Contains(run, "${{ matrix.") {
		return []string{run}
	}
	var runs []string
	for _, values := range include {
		expanded := run
		for k, v := range values {
			expanded = strings.ReplaceAll(expanded, "${{ matrix."+k+" }}", v)
		}
		runs = append(runs, expanded)
	}
	return runs
}

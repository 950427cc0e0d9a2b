package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// demo is the story's state: the emulator it runs against, and the working folder the
// configuration grows in.
type demo struct {
	out      io.Writer
	emu      *emulator.Emulator
	tf       *acctest.Workspace
	examples string
	work     string
	// providerLog is where the provider's INFO log goes (TF_LOG_PROVIDER, TF_LOG_PATH), which holds
	// a line per poll of a wait.
	providerLog string
}

// step is one part of the story: what it shows, and the commands that show it.
type step struct {
	title string
	run   func() error
}

func (d *demo) steps() []step {
	return []step{
		{"Read the region and the web tier by its tag, wait for two new web servers, check the database", d.readAndWait},
		{"Stop the development instances: the action qcloud_cvm_stop_instances", d.stopDevelopment},
		{"Keep the database RUNNING: add database.tf (a qcloud_cvm_instance_state resource)", d.keepDatabase},
		{"Someone stops the database outside Terraform: the next plan shows it, the apply undoes it", d.undoOutsideStop},
		{"Find the stopped development instances: terraform query", d.query},
	}
}

func (d *demo) introduce(endpoint, version string) {
	fmt.Fprintf(d.out, "The emulator serves the CVM API on http://%s:\n", endpoint)
	for _, r := range []string{region, "ap-shanghai"} {
		fleet := d.emu.Fleet(r)
		fmt.Fprintf(d.out, "  %-13s %d instances, %s\n", r, len(fleet), countStates(fleet))
	}
	fmt.Fprintf(d.out, "  the database %s is STOPPED; the web servers ins-web00005 and ins-web00006 are being launched\n", databaseID)
	fmt.Fprintf(d.out, "Terraform %s runs the provider built from this checkout (dev_overrides in a CLI configuration of its own).\n", version)
}

// tell runs a step under its title and says what it cost.
func (d *demo) tell(n int, s step) error {
	fmt.Fprintf(d.out, "\n%d. %s\n", n, s.title)
	before := d.emu.Stats()
	if err := s.run(); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "   API calls: %s\n", d.costSince(before))
	return nil
}

// terraform runs a command, prints it and the lines of its output that keep matches (none for a
// nil keep), and returns the whole output.
func (d *demo) terraform(keep *regexp.Regexp, args ...string) (string, error) {
	fmt.Fprintf(d.out, "   $ terraform %s\n", strings.Join(args, " "))
	out, err := d.tf.Run(append(args, "-no-color")...)
	if err != nil {
		return out, err
	}
	for _, line := range strings.Split(out, "\n") {
		if keep != nil && keep.MatchString(line) {
			fmt.Fprintln(d.out, "     "+strings.TrimRight(line, " "))
		}
	}
	return out, nil
}

// addFile copies a file of the demo's configuration into the working folder.
func (d *demo) addFile(name string) error {
	data, err := os.ReadFile(filepath.Join(d.examples, name))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d.work, name), data, 0o600)
}

var (
	readLines   = regexp.MustCompile(`Read complete after|^Warning: Check block|The database .* not RUNNING`)
	waitLines   = regexp.MustCompile(`(Waiting for CVM instances|CVM instances ready): [^:]*`)
	actionLines = regexp.MustCompile(`^Action |^action\.|Apply complete`)
	applyLines  = regexp.MustCompile(`^qcloud_cvm_instance_state\.\S+: (Creat|Modif)|Apply complete|^Plan:`)
	driftLines  = regexp.MustCompile(`# qcloud_cvm_instance_state|~ state +=|^Plan:`)
	importLines = regexp.MustCompile(`Apply complete`)
)

func (d *demo) readAndWait() error {
	for _, name := range []string{"main.tf", "search.tfquery.hcl"} {
		if err := d.addFile(name); err != nil {
			return err
		}
	}
	out, err := d.terraform(readLines, "apply", "-auto-approve", "-input=false")
	if err != nil {
		return err
	}
	if !strings.Contains(out, "not RUNNING") {
		return fmt.Errorf("%w: the check did not warn of the stopped database\n%s", errStep, out)
	}
	providerLog, err := os.ReadFile(d.providerLog)
	if err != nil {
		return err
	}
	fmt.Fprintln(d.out, "     the wait, from the provider's log (TF_LOG_PROVIDER=INFO):")
	previous := ""
	for _, line := range waitLines.FindAllString(string(providerLog), -1) {
		if line != previous {
			fmt.Fprintln(d.out, "       "+line)
		}
		previous = line
	}
	return d.outputs()
}

// outputs prints the configuration's outputs, each on one line.
func (d *demo) outputs() error {
	out, err := d.terraform(nil, "output", "-json")
	if err != nil {
		return err
	}
	var outputs map[string]struct{ Value json.RawMessage }
	if err := json.Unmarshal([]byte(out), &outputs); err != nil {
		return fmt.Errorf("terraform output -json: %w\n%s", err, out)
	}
	for _, name := range slices.Sorted(maps.Keys(outputs)) {
		var value bytes.Buffer
		if err := json.Compact(&value, outputs[name].Value); err != nil {
			return err
		}
		fmt.Fprintf(d.out, "     %s = %s\n", name, value.String())
	}
	return nil
}

func (d *demo) stopDevelopment() error {
	if _, err := d.terraform(actionLines, "apply", "-auto-approve", "-input=false", "-invoke=action.qcloud_cvm_stop_instances.dev"); err != nil {
		return err
	}
	if running := d.developmentIn("RUNNING"); len(running) > 0 {
		return fmt.Errorf("%w: the development instances %v are still RUNNING after the action", errStep, running)
	}
	return nil
}

// developmentIn are the IDs of the emulator's development instances (tagged env = dev) in state.
func (d *demo) developmentIn(state string) []string {
	var ids []string
	for _, inst := range d.emu.Fleet(region) {
		if inst.Tags["env"] == "dev" && inst.State == state {
			ids = append(ids, inst.ID)
		}
	}
	return ids
}

func (d *demo) keepDatabase() error {
	if err := d.addFile("database.tf"); err != nil {
		return err
	}
	fmt.Fprintln(d.out, "   + database.tf")
	if _, err := d.terraform(applyLines, "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	return d.databaseIs("RUNNING")
}

// databaseIs checks that the emulator's database is in state.
func (d *demo) databaseIs(state string) error {
	for _, inst := range d.emu.Fleet(region) {
		if inst.ID != databaseID {
			continue
		}
		if inst.State != state {
			return fmt.Errorf("%w: the database %s is %s, not %s", errStep, databaseID, inst.State, state)
		}
		return nil
	}
	return fmt.Errorf("%w: the emulator no longer has the database %s", errStep, databaseID)
}

func (d *demo) undoOutsideStop() error {
	if err := d.emu.Put(region, emulator.Instance{ID: databaseID, State: "STOPPED"}); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "   (the emulator stops %s, as someone in the console would)\n", databaseID)
	plan, err := d.terraform(driftLines, "plan", "-input=false")
	if err != nil {
		return err
	}
	if !drift.MatchString(plan) {
		return fmt.Errorf("%w: the plan does not show the database's drift\n%s", errStep, plan)
	}
	if _, err := d.terraform(applyLines, "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	return d.databaseIs("RUNNING")
}

func (d *demo) query() error {
	out, err := d.terraform(nil, "query")
	if err != nil {
		return err
	}
	found := queryLines.FindAllString(out, -1)
	stopped := len(d.developmentIn("STOPPED"))
	if stopped == 0 || len(found) != stopped {
		return fmt.Errorf("%w: terraform query found %d instances, and the emulator has %d stopped development instances\n%s", errStep, len(found), stopped, out)
	}
	for _, line := range found[:min(len(found), 5)] {
		fmt.Fprintln(d.out, "     "+line)
	}
	fmt.Fprintf(d.out, "     ... %d instances in all\n", len(found))

	if _, err := d.terraform(nil, "query", "-generate-config-out=generated.tf"); err != nil {
		return err
	}
	generated, err := os.ReadFile(filepath.Join(d.work, "generated.tf"))
	if err != nil {
		return err
	}
	resources := generatedResource.FindAllString(string(generated), -1)
	imports := generatedImport.FindAllString(string(generated), -1)
	if len(resources) != stopped || len(imports) != stopped {
		return fmt.Errorf("%w: generated.tf holds %d resources and %d import blocks for %d instances\n%s", errStep, len(resources), len(imports), stopped, generated)
	}
	fmt.Fprintf(d.out, "     generated.tf: %d resources and %d import blocks; the first of each:\n", len(resources), len(imports))
	for _, block := range []string{resources[0], imports[0]} {
		fmt.Fprintln(d.out, "       "+strings.ReplaceAll(strings.TrimSpace(block), "\n", "\n       "))
	}
	applied, err := d.terraform(importLines, "apply", "-auto-approve", "-input=false")
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("Resources: %d imported", stopped); !strings.Contains(applied, want) {
		return fmt.Errorf("%w: the apply did not say %q\n%s", errStep, want, applied)
	}
	return nil
}

var (
	drift             = regexp.MustCompile(`~ state += "STOPPED" -> "RUNNING"`)
	queryLines        = regexp.MustCompile(`(?m)^list\.\S+ .*$`)
	generatedResource = regexp.MustCompile(`(?ms)^resource ".*?^}`)
	generatedImport   = regexp.MustCompile(`(?ms)^import \{.*?^}`)
)

// countStates is "249 RUNNING, 35 STOPPED, 21 in other states".
func countStates(fleet []emulator.Instance) string {
	counts := map[string]int{}
	for _, inst := range fleet {
		counts[inst.State]++
	}
	return fmt.Sprintf("%d RUNNING, %d STOPPED, %d in other states", counts["RUNNING"], counts["STOPPED"], len(fleet)-counts["RUNNING"]-counts["STOPPED"])
}

package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
)

// TestDemoTellsTheWholeStory runs the demo as `make demo` does, with the Terraform CLI of the
// acceptance tests. Each step checks what it showed against the emulator (every development
// instance stopped, the database running again after the stop made outside Terraform, as many
// instances found as the emulator has), so a story that no longer holds fails here.
func TestDemoTellsTheWholeStory(t *testing.T) {
	t.Parallel()
	cli, providerDir := acctest.PrepareTest(t, acctest.ActionsVersion, "../../..")
	var out bytes.Buffer
	if err := run([]string{"-terraform", cli.Path, "-provider-dir", providerDir, "-examples", "../../../examples/demo"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"1. Read the region", "CVM instances ready: 2 of 2", "The database ins-db000001 is STOPPED, not RUNNING.",
		"2. Stop the development instances", "Action complete: action.qcloud_cvm_stop_instances.dev",
		"3. Keep the database RUNNING", "qcloud_cvm_instance_state.database: Creation complete",
		"4. Someone stops the database", `~ state         = "STOPPED" -> "RUNNING"`, "Modifications complete",
		"5. Find the stopped development instances", "generated.tf:", "imported, 0 added",
		"API calls in all:",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo does not show %q:\n%s", want, out.String())
		}
	}
}

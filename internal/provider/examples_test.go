package provider

import (
	"bytes"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const examplesDir = "../../examples"

// TestAccExamples validates and applies every example folder under examples/, as a user would
// copy it, against the emulator, so that the documentation, which quotes them, cannot rot. The
// emulator holds the instances the examples name.
func TestAccExamples(t *testing.T) {
	c := newCLI(t)
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 120, "ap-shanghai": 30}, Seed: 13})
	for _, id := range []string{"ins-web00001", "ins-web00002", "ins-web00003", "ins-db000001", "ins-wrk00042"} {
		if err := emu.Put(testRegion, emulator.Instance{ID: id, State: "RUNNING"}); err != nil {
			t.Fatal(err)
		}
	}
	provider := fmt.Sprintf(`provider "qcloud" {
  secret_id  = %q
  secret_key = %q
  protocol   = "HTTP"
  endpoints  = { cvm = %q }
}
`, testSecretID, testSecretKey, endpointOf(srv))

	for _, dir := range exampleFolders(t) {
		t.Run(strings.TrimPrefix(dir, examplesDir+"/"), func(t *testing.T) {
			work := t.TempDir()
			sources := copyExample(t, dir, work)
			// Documentation examples leave out the terraform block and the provider block;
			// where an example has a provider block, an override file points it at the emulator.
			if !strings.Contains(sources, "required_providers") {
				writeFile(t, filepath.Join(work, "versions.tf"), requiredProviders)
			}
			providerFile := "provider.tf"
			if strings.Contains(sources, `provider "qcloud"`) {
				providerFile = "provider_override.tf"
			}
			writeFile(t, filepath.Join(work, providerFile), provider)

			env := []string{"TF_VAR_endpoint=" + endpointOf(srv)}
			for _, args := range [][]string{{"validate", "-no-color"}, {"apply", "-auto-approve", "-input=false", "-no-color"}} {
				var out bytes.Buffer
				if err := c.run(work, &out, env, args...); err != nil {
					t.Fatalf("%s: %v\n%s", args[0], err, out.String())
				}
				if args[0] == "apply" && strings.Contains(out.String(), "Warning: Check block assertion failed") {
					t.Fatalf("a check block failed on a fleet that satisfies the examples:\n%s", out.String())
				}
			}
		})
	}
}

// exampleFolders are the folders under examples/ that hold Terraform files.
func exampleFolders(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(examplesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		if dir := filepath.Dir(path); len(dirs) == 0 || dirs[len(dirs)-1] != dir {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil || len(dirs) < 3 {
		t.Fatalf("found %d example folders (%v)", len(dirs), err)
	}
	return dirs
}

// copyExample copies the .tf files of dir into work and returns their text.
func copyExample(t *testing.T, dir, work string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, file := range files {
		text := readFile(t, file)
		all.WriteString(text)
		writeFile(t, filepath.Join(work, filepath.Base(file)), text)
	}
	return all.String()
}

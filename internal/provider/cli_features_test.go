package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// feature is what a test needs of the CLI: the Terraform version that brought it, and whether
// OpenTofu has it too.
type feature struct {
	name       string
	since      *version.Version
	inOpenTofu bool
}

var (
	actions       = feature{name: "actions", since: tfversion.Version1_14_0}
	listResources = feature{name: "list resources and terraform query", since: tfversion.Version1_14_0}
	identity      = feature{name: "import blocks with an identity", since: tfversion.Version1_12_0, inOpenTofu: true}
)

// withActions, withListResources and withIdentity skip a test under a CLI without the feature.
var (
	withActions       = []tfversion.TerraformVersionCheck{actions}
	withListResources = []tfversion.TerraformVersionCheck{listResources}
	withIdentity      = []tfversion.TerraformVersionCheck{identity}
)

// openTofu reports whether the acceptance tests run under OpenTofu, as TF_ACC_PROVIDER_HOST says.
func openTofu() bool {
	return os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org"
}

func (f feature) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	resp.Skip = f.missing(req.TerraformVersion)
}

// missing says why a CLI of version v lacks f, or "" when it has it.
func (f feature) missing(v *version.Version) string {
	switch {
	case openTofu() && !f.inOpenTofu:
		return fmt.Sprintf("OpenTofu has no %s: they are a feature of Terraform %s and later", f.name, f.since.Core())
	case openTofu():
		return ""
	case v.LessThan(f.since):
		return fmt.Sprintf("%s need Terraform %s or later, and this is Terraform %s", f.name, f.since.Core(), v)
	}
	return ""
}

// skipWithout skips a test that drives the CLI itself when the CLI lacks f.
func skipWithout(t *testing.T, c cli, f feature) {
	t.Helper()
	out, err := exec.Command(c.binary, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", c.binary, err)
	}
	var v struct {
		Terraform string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", c.binary, err)
	}
	parsed, err := version.NewVersion(cmp.Or(v.Terraform, "0.0.0"))
	if err != nil {
		t.Fatal(err)
	}
	if why := f.missing(parsed); why != "" {
		t.Skip(why)
	}
}

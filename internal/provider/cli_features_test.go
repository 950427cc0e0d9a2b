package provider

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
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
func skipWithout(t *testing.T, cli acctest.CLI, f feature) {
	t.Helper()
	if why := f.missing(cli.Version); why != "" {
		t.Skip(why)
	}
}

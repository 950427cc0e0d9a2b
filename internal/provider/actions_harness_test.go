package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// openTofu reports whether the acceptance tests run under OpenTofu, as TF_ACC_PROVIDER_HOST says.
func openTofu() bool {
	return os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org"
}

// withActions skips a test under a CLI without actions: Terraform before 1.14, and OpenTofu.
var withActions = []tfversion.TerraformVersionCheck{actionsCheck{}}

type actionsCheck struct{}

func (actionsCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	resp.Skip = actionsMissing(req.TerraformVersion)
}

// actionsMissing says why a CLI of version v cannot run actions, or "" when it can.
func actionsMissing(v *version.Version) string {
	switch {
	case openTofu():
		return "OpenTofu has no actions: they are a feature of Terraform 1.14 and later"
	case v.LessThan(tfversion.Version1_14_0):
		return fmt.Sprintf("actions need Terraform 1.14 or later, and this is Terraform %s", v)
	}
	return ""
}

// skipWithoutActions skips a test that drives the CLI itself when the CLI has no actions.
func skipWithoutActions(t *testing.T, c cli) {
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
	if why := actionsMissing(parsed); why != "" {
		t.Skip(why)
	}
}

// actionConfig is an action block of type and name "test" with these arguments, and a
// terraform_data resource named trigger that invokes it once, when it is created.
func actionConfig(actionType, trigger string, args ...string) string {
	return fmt.Sprintf(`
action %[1]q "test" {
  config {
    %[3]s
  }
}

resource "terraform_data" %[2]q {
  input = %[2]q
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.%[1]s.test]
    }
  }
}
`, actionType, trigger, strings.Join(args, "\n    "))
}

// idList is ids as an HCL list.
func idList(ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

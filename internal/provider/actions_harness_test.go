package provider

import (
	"fmt"
	"strings"
)

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

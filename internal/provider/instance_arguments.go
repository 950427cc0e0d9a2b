package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// The defaults of the arguments of an operation, in an action or the resource.
const (
	defaultOperationTimeout = 10 * time.Minute
	defaultStopType         = "SOFT_FIRST"
)

// instanceStates are the states DescribeInstancesStatus documents.
var instanceStates = cvm.States()

// instanceIDForm says what a CVM instance ID looks like.
const instanceIDForm = "ins- followed by 8 lowercase letters or digits, such as ins-r8hr2upy"

// instanceIDValidator checks an instance ID, as every object that takes one does.
var instanceIDValidator = stringvalidator.RegexMatches(cvm.InstanceIDPattern, "must be a CVM instance ID: "+instanceIDForm)

// regionValidator checks a region argument; the API says whether the region exists.
var regionValidator = stringvalidator.LengthAtLeast(1)

// stopTypeValidator and stoppedModeValidator check the options of a stop.
var (
	stopTypeValidator    = stringvalidator.OneOf("SOFT", "HARD", "SOFT_FIRST")
	stoppedModeValidator = stringvalidator.OneOf("KEEP_CHARGING", "STOP_CHARGING")
)

// stopTypeDescription and stoppedModeDescription document stop_type and stopped_mode wherever
// they are taken; what applies them is the subject of each sentence.
func stopTypeDescription(subject string) string {
	return "How " + subject + " shut down: `SOFT` (the operating system shuts down; the operation fails if it does " +
		"not), `HARD` (power off at once), or `SOFT_FIRST` (soft, then hard for an instance that does not shut down in " +
		"time). Default: `SOFT_FIRST`, which suits unattended automation: every instance gets a chance to shut down " +
		"cleanly, and none is left running. (The API's own default is `SOFT`.)"
}

func stoppedModeDescription(failure string) string {
	return "`KEEP_CHARGING` (the default) or `STOP_CHARGING`: stopped pay-as-you-go instances stop being charged for " +
		"compute. Only some pay-as-you-go instances allow it; the API refuses others, such as prepaid ones, and " + failure +
		" It never falls back to `KEEP_CHARGING` on its own."
}

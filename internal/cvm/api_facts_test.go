package cvm

import (
	"slices"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestAPIFactsAgreeWithTheEmulator holds each fact of the API that this package and the emulator
// both write down to the other's copy: the emulator imports nothing of this package, so that it
// stays an independent check of it.
func TestAPIFactsAgreeWithTheEmulator(t *testing.T) {
	t.Parallel()
	if !slices.Equal(FilterNames, emulator.FilterNames) {
		t.Errorf("the filter names are %q here and %q in the emulator", FilterNames, emulator.FilterNames)
	}
	if MaxFilters != emulator.MaxFilters || MaxFilterValues != emulator.MaxFilterValues {
		t.Errorf("at most %d filters of %d values here, %d of %d in the emulator", MaxFilters, MaxFilterValues, emulator.MaxFilters, emulator.MaxFilterValues)
	}
	if InstanceIDPattern.String() != emulator.InstanceIDPattern.String() {
		t.Errorf("an instance ID is %s here and %s in the emulator", InstanceIDPattern, emulator.InstanceIDPattern)
	}
	for action, limit := range documentedRateLimits {
		if got := emulator.DocumentedRateLimit(action); got != limit {
			t.Errorf("%s is documented at %v requests per second here and at %v in the emulator", action, limit, got)
		}
	}
}

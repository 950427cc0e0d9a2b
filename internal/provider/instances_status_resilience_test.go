package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func TestAccCVMInstancesStatusDataSource_survivesFaults(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{
		Fleets: map[string]int{testRegion: 2000},
		Seed:   8,
		Faults: emulator.Faults{Seed: 8, Throttle: 0.30, InternalError: 0.05, Drop: 0.05},
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// 40% of attempts fail: 15 retries leave a request a 0.4^16 (4e-7) chance to fail.
			Config:            providerBlock(srv, `max_retries = 15`) + `data "qcloud_cvm_instances_status" "test" {}`,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
		}},
	})
	if emu.Stats().Throttled == 0 {
		t.Fatal("nothing was throttled")
	}
}

// TestAccCVMInstancesStatusDataSource_fiveShareTheRateLimit: five data sources read 22 pages
// under one rate_limit of 10 per second, and the emulator, limited the same way (a burst of 10),
// throttles none. Five paces of their own would send the 22 in half a second, and be throttled.
func TestAccCVMInstancesStatusDataSource_fiveShareTheRateLimit(t *testing.T) {
	const rateLimit = 10
	emu, srv := startEmulator(t, emulator.Config{
		Fleets:    map[string]int{testRegion: 600, "ap-shanghai": 400, "ap-beijing": 200},
		Seed:      9,
		RateLimit: rateLimit,
	})
	var config strings.Builder
	config.WriteString(providerBlock(srv, fmt.Sprintf("rate_limit = %d", rateLimit)))
	var checks []statecheck.StateCheck
	for i, region := range []string{testRegion, testRegion, "ap-shanghai", "ap-shanghai", "ap-beijing"} {
		fmt.Fprintf(&config, "data \"qcloud_cvm_instances_status\" \"r%d\" { region = %q }\n", i, region)
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.qcloud_cvm_instances_status.r%d", i),
			tfjsonpath.New("instances"), expectInstances(sortedByID(emu.Fleet(region)))))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: config.String(), ConfigStateChecks: checks}},
	})
	if s := emu.Stats(); s.Throttled != 0 {
		t.Fatalf("the emulator throttled %d calls of five data sources under one rate_limit", s.Throttled)
	}
}

func TestAccCVMInstancesStatusDataSource_readTimeoutEndsRetries(t *testing.T) {
	// Every call is throttled. Throttling means "wait": max_retries does not bound its retries,
	// the read's timeout does.
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 10}, Faults: emulator.Faults{Throttle: 1}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv, `max_retries = 1`) + `data "qcloud_cvm_instances_status" "test" {
  timeouts = { read = "3s" }
}`,
			ExpectError: errorMatching("after", "attempts, when its time ran out: RequestLimitExceeded",
				"did not finish within its timeout of 3s"),
		}},
	})
	if calls := emu.Calls("DescribeInstancesStatus"); calls <= 2 {
		t.Fatalf("the read made %d attempts, want more than the 2 that max_retries = 1 allows other errors", calls)
	}
}

package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

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
	resource.Test(t, resource.TestCase{
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

func TestAccCVMInstancesStatusDataSource_fiveShareTheRateLimit(t *testing.T) {
	const rateLimit = 10
	emu, srv := startEmulator(t, emulator.Config{
		Fleets:    map[string]int{testRegion: 300, "ap-shanghai": 200, "ap-beijing": 100},
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
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: config.String(), ConfigStateChecks: checks}},
	})
	s := emu.Stats()
	if s.Throttled != 0 {
		t.Fatalf("the emulator throttled %d calls of five data sources under one rate_limit", s.Throttled)
	}
	// A one-second window can hold one call more than the rate when arrivals jitter.
	if s.PeakRate > rateLimit+1 {
		t.Fatalf("the emulator saw %d calls in one second; rate_limit is %d", s.PeakRate, rateLimit)
	}
}

func TestAccCVMInstancesStatusDataSource_readTimeoutEndsRetries(t *testing.T) {
	// Every call is throttled; 50 retries with backoff would take minutes.
	_, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 10}, Faults: emulator.Faults{Throttle: 1}})
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv, `max_retries = 50`) + `data "qcloud_cvm_instances_status" "test" {
  timeouts = { read = "3s" }
}`,
			ExpectError: errorMatching("after", "attempts, when its time ran out: RequestLimitExceeded",
				"did not finish within its timeout of 3s"),
		}},
	})
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Fatalf("the test took %s with a read timeout of 3s", elapsed)
	}
}

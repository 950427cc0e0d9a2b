package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const (
	secretID  = "AKIDcvmtest"
	secretKey = "cvm-test-secret-key"
	region    = "ap-guangzhou"
)

// setup starts an emulator with cfg (and the test's key) and returns it with a client of it.
func setup(t testing.TB, cfg emulator.Config, tune ...func(*cvm.Config)) (*emulator.Emulator, *cvm.Client) {
	t.Helper()
	cfg.Keys = map[string]string{secretID: secretKey}
	emu := emulator.New(cfg)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, newClient(t, srv, tune...)
}

// setupClocked is setup with an emulator whose clock moves only when the test advances it, so
// that what the emulator's instances do between two calls does not depend on the machine's speed.
func setupClocked(t testing.TB, cfg emulator.Config) (*emulator.Emulator, *cvm.Client, *emulator.Clock) {
	t.Helper()
	clock := emulator.NewClock(time.Now())
	cfg.Now = clock.Now
	emu, c := setup(t, cfg)
	return emu, c, clock
}

func newClient(t testing.TB, srv *httptest.Server, tune ...func(*cvm.Config)) *cvm.Client {
	t.Helper()
	cfg := cvm.Config{
		Credentials: auth.Static(secretID, secretKey, ""),
		Endpoint:    strings.TrimPrefix(srv.URL, "http://"),
		Scheme:      "http",
		RateLimit:   emulator.DescribeRateLimit,
		MaxRetries:  8,
	}
	for _, f := range tune {
		f(&cfg)
	}
	c, err := cvm.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sortedFleet is the region's fleet as ListStatuses must return it.
func sortedFleet(emu *emulator.Emulator, region string) []cvm.Status {
	var want []cvm.Status
	for _, inst := range emu.Fleet(region) {
		want = append(want, cvm.Status{ID: inst.ID, State: inst.State})
	}
	slices.SortFunc(want, func(a, b cvm.Status) int { return strings.Compare(a.ID, b.ID) })
	return want
}

func TestListStatusesReadsTheFleetAtTheFloorOfCalls(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: n, "ap-shanghai": 7}})
			got, err := c.ListStatuses(context.Background(), region)
			if err != nil {
				t.Fatal(err)
			}
			if want := sortedFleet(emu, region); !slices.Equal(got.Statuses, want) {
				t.Fatalf("got %d statuses, want the %d of the fleet sorted by ID", len(got.Statuses), len(want))
			}
			if calls, floor := emu.Calls("DescribeInstancesStatus"), max(1, (n+99)/100); calls != floor {
				t.Fatalf("%d calls to list %d instances, want %d", calls, n, floor)
			}
			if len(got.Warnings) != 0 {
				t.Fatalf("unexpected warnings %q", got.Warnings)
			}
		})
	}
}

func TestListStatusesReadsTheRegionAsked(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 30, "ap-shanghai": 12}})
	got, err := c.ListStatuses(context.Background(), "ap-shanghai")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Statuses, sortedFleet(emu, "ap-shanghai")) {
		t.Fatal("the statuses are not those of ap-shanghai")
	}
}

func TestStatusesByIDKeepsOrderDropsDuplicatesAndReportsMissing(t *testing.T) {
	t.Parallel()
	for _, k := range []int{1, 100, 101, 250} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 300}, Seed: uint64(k)})
			fleet := emu.Fleet(region)
			// Ask for k unique IDs, backwards from the end of the listing, with an unknown ID at
			// every tenth place and each known ID after the first asked for twice.
			var ids, missing []string
			var want []cvm.Status
			for i := range k {
				if i%10 == 9 {
					id := fmt.Sprintf("ins-zz%06d", i)
					ids, missing = append(ids, id), append(missing, id)
					continue
				}
				inst := fleet[len(fleet)-1-i]
				ids = append(ids, inst.ID)
				want = append(want, cvm.Status{ID: inst.ID, State: inst.State})
			}
			if k > 1 {
				ids = append(ids, ids[:len(ids)/2]...)
			}

			got, err := c.StatusesByID(context.Background(), region, ids)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Statuses, want) {
				t.Fatalf("statuses are not the asked-for instances in the order asked, each once")
			}
			if !slices.Equal(got.Missing, missing) {
				t.Fatalf("missing = %v, want %v", got.Missing, missing)
			}
			if calls, want := emu.Calls("DescribeInstancesStatus"), (k+99)/100; calls != want {
				t.Fatalf("%d calls for %d unique IDs, want %d", calls, k, want)
			}
		})
	}
}

func TestStatusesByIDWithNoIDsMakesNoCall(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 10}})
	got, err := c.StatusesByID(context.Background(), region, []string{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Statuses) != 0 || len(got.Missing) != 0 || emu.Calls("DescribeInstancesStatus") != 0 {
		t.Fatalf("got %+v after %d calls, want nothing after none", got, emu.Calls("DescribeInstancesStatus"))
	}
}

func TestAuthFailureIsNotRetriedAndNamesCodeAndRequestID(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 10}},
		func(cfg *cvm.Config) { cfg.Credentials = auth.Static(secretID, "wrong", "") })

	_, err := c.ListStatuses(context.Background(), region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("want a *cvm.Error, got %v", err)
	}
	if apiErr.Code != "AuthFailure.SignatureFailure" || apiErr.RequestID == "" || apiErr.Attempts != 1 {
		t.Fatalf("got code %q, RequestId %q after %d attempts", apiErr.Code, apiErr.RequestID, apiErr.Attempts)
	}
	for _, part := range []string{"DescribeInstancesStatus", region, "page at offset 0", "AuthFailure.SignatureFailure", apiErr.RequestID} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not name %q", err, part)
		}
	}
	if calls := emu.Calls("DescribeInstancesStatus"); calls != 0 {
		// Authentication fails before the action is counted, as it fails before the real API's.
		t.Fatalf("%d calls counted", calls)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	t.Parallel()
	// The client asks for more than the emulator allows; every RequestLimitExceeded is retried.
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 1000}, RateLimit: 5},
		func(cfg *cvm.Config) { cfg.RateLimit = 100 })
	got, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Statuses, sortedFleet(emu, region)) {
		t.Fatal("the statuses are not the fleet")
	}
	if emu.Stats().Throttled == 0 {
		t.Fatal("the emulator throttled nothing, so nothing was retried")
	}
}

func TestNoRetriesFailsOnTheFirstThrottle(t *testing.T) {
	t.Parallel()
	_, c := setup(t, emulator.Config{Fleets: map[string]int{region: 1000}, RateLimit: 1},
		func(cfg *cvm.Config) { cfg.RateLimit, cfg.MaxRetries = 100, 0 })
	_, err := c.ListStatuses(context.Background(), region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "RequestLimitExceeded" || apiErr.Attempts != 1 {
		t.Fatalf("want RequestLimitExceeded after 1 attempt, got %v", err)
	}
}

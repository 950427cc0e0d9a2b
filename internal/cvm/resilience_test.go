package cvm_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestReadsSurviveFaults reads 2,000 instances while the API throttles 30% of the calls, fails 5%
// with InternalError and drops 5% of the connections.
func TestReadsSurviveFaults(t *testing.T) {
	t.Parallel()
	faults := emulator.Faults{Seed: 11, Throttle: 0.30, InternalError: 0.05, Drop: 0.05}
	// With 40% of attempts failing, 15 retries leave a request a 0.4^16 (4e-7) chance to fail.
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 2000}, Faults: faults},
		func(cfg *cvm.Config) { cfg.MaxRetries = 15 })
	fleet := sortedFleet(emu, region)

	listed, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(listed.Statuses, fleet) {
		t.Fatal("the listing is not exactly the fleet")
	}

	ids := make([]string, len(fleet))
	for i, s := range fleet {
		ids[i] = s.ID
	}
	byID, err := c.StatusesByID(context.Background(), region, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(byID.Statuses, fleet) || len(byID.Missing) != 0 {
		t.Fatal("the read by ID is not exactly the fleet")
	}

	injected := emu.Stats().Injected
	for _, kind := range []string{emulator.FaultThrottle, emulator.FaultInternalError, emulator.FaultDrop} {
		if injected[kind] == 0 {
			t.Errorf("no %s fault was injected, so its retry went untested", kind)
		}
	}
}

func TestDriftDuringOnePassIsReadAgain(t *testing.T) {
	t.Parallel()
	// The first three calls each create or terminate an instance; the second pass holds still.
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 1000}, Faults: emulator.Faults{Seed: 3, Churn: 1, MaxChurn: 3}})
	got, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Statuses, sortedFleet(emu, region)) {
		t.Fatal("the result is not the fleet as it is after the changes")
	}
	if len(got.Warnings) != 0 {
		t.Fatalf("a steady second pass gave warnings %q", got.Warnings)
	}
	if calls := emu.Calls("DescribeInstancesStatus"); calls > 2*11 {
		t.Fatalf("%d calls for two passes over about 1,000 instances", calls)
	}
}

func TestDriftOnEveryPassGivesTheUnionWithAWarning(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 1000}, Faults: emulator.Faults{Seed: 4, Churn: 0.9}})
	before := emu.Fleet(region)
	got, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	expectEachOnce(t, got.Statuses, before, emu.Fleet(region), func(emulator.Instance) bool { return true })
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "changed during the read") {
		t.Fatalf("want one warning about the changing fleet, got %q", got.Warnings)
	}
	if calls := emu.Calls("DescribeInstancesStatus"); calls > 3*11 {
		t.Fatalf("%d calls for at most three passes over about 1,000 instances", calls)
	}
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 2000}},
		func(cfg *cvm.Config) { cfg.Credentials = auth.Static("AKIDunknown", secretKey, "") })
	_, err := c.ListStatuses(context.Background(), region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "AuthFailure.SecretIdNotFound" {
		t.Fatalf("want AuthFailure.SecretIdNotFound, got %v", err)
	}
	if requests := emu.Stats().Requests; requests != 1 {
		t.Fatalf("a permanent error was sent %d times", requests)
	}
}

func TestDeadlineEndsTheRetries(t *testing.T) {
	t.Parallel()
	// Every call is throttled and 50 retries would take minutes; the deadline ends the read.
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 10}, Faults: emulator.Faults{Throttle: 1}},
		func(cfg *cvm.Config) { cfg.MaxRetries = 50 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.ListStatuses(ctx, region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || !apiErr.TimedOut || apiErr.Code != "RequestLimitExceeded" {
		t.Fatalf("want a timed-out RequestLimitExceeded, got %v", err)
	}
	// The deadline ended the read, not the retries: 51 attempts would take minutes. (The last
	// attempt may have been cut short before the emulator saw it.)
	if calls := emu.Calls("DescribeInstancesStatus"); apiErr.Attempts > 50 || calls < apiErr.Attempts-1 || calls > apiErr.Attempts {
		t.Fatalf("the read made %d attempts (the emulator answered %d) under MaxRetries 50", apiErr.Attempts, calls)
	}
	if !strings.Contains(err.Error(), "when its time ran out: RequestLimitExceeded") {
		t.Fatalf("the error does not say that time ran out: %v", err)
	}
}

// TestCancelDuringBackoffSaysSo cancels a read while it waits to retry a throttled request: the
// error says that the read was canceled after the attempts it made, not that it ran out of
// retries or time.
func TestCancelDuringBackoffSaysSo(t *testing.T) {
	// Not in parallel: goleak checks every goroutine of the process.
	defer goleak.VerifyNone(t)
	emu := emulator.New(emulator.Config{Keys: map[string]string{secretID: secretKey}, Fleets: map[string]int{region: 10}, Faults: emulator.Faults{Throttle: 1}})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	c := newClient(t, srv, func(cfg *cvm.Config) { cfg.MaxRetries, cfg.Transport = 50, transport })

	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the second attempt has been answered, while the read waits to retry it.
	go func() {
		for emu.Calls("DescribeInstancesStatus") < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.ListStatuses(ctx, region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || !apiErr.Canceled || apiErr.TimedOut {
		t.Fatalf("want a canceled read, got %v", err)
	}
	if !strings.Contains(err.Error(), "attempts, when it was canceled: RequestLimitExceeded") {
		t.Fatalf("the error does not say that the read was canceled: %v", err)
	}
}

func TestRefusedConnectionIsRetried(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 9 of the loopback address: every connection is refused at once.
	c := newClient(t, &httptest.Server{URL: "http://127.0.0.1:9"}, func(cfg *cvm.Config) { cfg.MaxRetries = 2 })
	_, err := c.ListStatuses(context.Background(), region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || apiErr.Attempts != 3 || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("want a refused connection after 3 attempts, got %v", err)
	}
}

// failingPage answers the page at offset 500 with a permanent error at once and passes every
// other request to the emulator, which answers after its latency.
func failingPage(emu http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(`"Offset":500`)) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"Response":{"Error":{"Code":"InvalidParameterValue","Message":"page 6 is broken"},"RequestId":"00000000-0000-4000-8000-000000000500"}}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		emu.ServeHTTP(w, r)
	})
}

func TestFailingPageCancelsThePagesInFlight(t *testing.T) {
	// Not in parallel: goleak checks every goroutine of the process.
	defer goleak.VerifyNone(t)
	emu := emulator.New(emulator.Config{
		Keys:    map[string]string{secretID: secretKey},
		Fleets:  map[string]int{region: 2000},
		Latency: 200 * time.Millisecond,
	})
	srv := httptest.NewServer(failingPage(emu))
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	c := newClient(t, srv, func(cfg *cvm.Config) { cfg.Transport = transport })

	_, err := c.ListStatuses(context.Background(), region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "InvalidParameterValue" || apiErr.Request != "page at offset 500 (limit 100)" {
		t.Fatalf("want the error of the page at offset 500, got %v", err)
	}
	// The 19 other pages would take about half a second at 40 per second; once the broken page
	// failed, those not yet sent never were.
	if calls := emu.Calls("DescribeInstancesStatus"); calls >= 20 {
		t.Fatalf("the emulator answered %d calls: the failure canceled nothing", calls)
	}
}

func TestPagesAreInFlightTogether(t *testing.T) {
	t.Parallel()
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 1000}, Latency: 100 * time.Millisecond})
	if _, err := c.ListStatuses(context.Background(), region); err != nil {
		t.Fatal(err)
	}
	// Pages go out every 25 ms and take 100 ms: about four are under way at once.
	if peak := emu.Stats().PeakInFlight; peak < 3 {
		t.Fatalf("at most %d requests were in flight at once", peak)
	}
}

// TestConcurrentReadsShareTheRateLimit: five reads of 5 pages at once, under a rate limit of 10
// calls per second, take at least 2.3 s (25 calls: the pace's burst of 2 at once, then 23
// intervals): they share one pace. (Five paces would take 0.3 s.) The emulator, limited the same
// way, throttles none.
func TestConcurrentReadsShareTheRateLimit(t *testing.T) {
	t.Parallel()
	const rateLimit = 10
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 500}, RateLimit: rateLimit},
		func(cfg *cvm.Config) { cfg.RateLimit = rateLimit })
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = c.ListStatuses(context.Background(), region)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	// Waiting is all a pace can add, so this lower bound holds on a machine of any speed.
	elapsed := time.Since(start)
	s := emu.Stats()
	bound := time.Duration(25-cvm.PaceBurst) * time.Second / rateLimit
	if calls := s.Calls["DescribeInstancesStatus"]; calls != 25 || elapsed < bound {
		t.Fatalf("%d calls in %s; want 25, paced at %d per second: at least %s", calls, elapsed, rateLimit, bound)
	}
	if s.Throttled != 0 {
		t.Fatalf("five concurrent reads were throttled %d times", s.Throttled)
	}
}

// expectEachOnce checks a read made while the fleet changed from before to after: no instance is
// listed twice, and every instance that existed for the whole read and that keep selects is listed.
func expectEachOnce(t *testing.T, got []cvm.Status, before, after []emulator.Instance, keep func(emulator.Instance) bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range got {
		if seen[s.ID] {
			t.Fatalf("%s is listed twice", s.ID)
		}
		seen[s.ID] = true
	}
	for _, inst := range before {
		if keep(inst) && slices.ContainsFunc(after, func(a emulator.Instance) bool { return a.ID == inst.ID }) && !seen[inst.ID] {
			t.Fatalf("%s existed for the whole read but is missing", inst.ID)
		}
	}
}

// TestEndDuringAnAttemptNamesTheLastAnswer: a read throttled once, whose second attempt never
// gets an answer, says what the API last answered, not that the attempt was cut short: when it is
// canceled as the second request arrives, and when its deadline of 2 s passes during that
// attempt (the backoff after a first throttled attempt is at most 0.4 s).
func TestEndDuringAnAttemptNamesTheLastAnswer(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		cancelOnArrival bool
		says            string
	}{
		"canceled":  {true, "after 2 attempts, when it was canceled: RequestLimitExceeded: throttled (RequestId req-throttled)"},
		"timed out": {false, "after 2 attempts, when its time ran out: RequestLimitExceeded: throttled (RequestId req-throttled)"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var first atomic.Bool
			c, requests := hostileAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if first.CompareAndSwap(false, true) {
					jsonAnswer(`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"throttled"},"RequestId":"req-throttled"}}`)(w, r)
					return
				}
				if tc.cancelOnArrival {
					cancel()
				}
				// Once the body is read, the server sees the client hang up.
				_, _ = io.Copy(io.Discard, r.Body)
				<-r.Context().Done()
			})
			_, err := c.ListStatuses(ctx, region)
			if err == nil || !strings.Contains(err.Error(), tc.says) || requests.Load() != 2 {
				t.Fatalf("got %v after %d requests, want an error that says %q after 2", err, requests.Load(), tc.says)
			}
		})
	}
}

package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const (
	secretID  = "AKIDemulatortest"
	secretKey = "emulator-test-secret-key"
	region    = "ap-guangzhou"
)

func start(t *testing.T, cfg emulator.Config) (*emulator.Emulator, *httptest.Server) {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = map[string]string{secretID: secretKey}
	}
	emu := emulator.New(cfg)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv
}

// rewrite changes a signed request on its way to the server.
type rewrite func(*http.Request)

func (f rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	f(r)
	return http.DefaultTransport.RoundTrip(r)
}

// client returns an SDK client for srv; tamper, if set, changes each request after signing.
func client(t *testing.T, srv *httptest.Server, id, key string, tamper rewrite) *cvmapi.Client {
	t.Helper()
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint = strings.TrimPrefix(srv.URL, "http://")
	p.HttpProfile.Scheme = "HTTP"
	p.DisableRegionBreaker = true
	c, err := cvmapi.NewClient(common.NewCredential(id, key), region, p)
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		c.WithHttpTransport(tamper)
	}
	return c
}

// describe sends DescribeInstancesStatus; a nil offset or limit is left out of the request.
func describe(c *cvmapi.Client, ids []string, offset, limit *int64) (*cvmapi.DescribeInstancesStatusResponseParams, error) {
	req := cvmapi.NewDescribeInstancesStatusRequest()
	req.InstanceIds = common.StringPtrs(ids)
	req.Offset, req.Limit = offset, limit
	resp, err := c.DescribeInstancesStatusWithContext(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return resp.Response, nil
}

// firstPage asks for the first 100 instances of the region.
func firstPage(c *cvmapi.Client) (*cvmapi.DescribeInstancesStatusResponseParams, error) {
	return describe(c, nil, common.Int64Ptr(0), common.Int64Ptr(100))
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var sdkErr *sdkerrors.TencentCloudSDKError
	if !errors.As(err, &sdkErr) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if sdkErr.Code != code {
		t.Fatalf("want API error %s, got %s: %s", code, sdkErr.Code, sdkErr.Message)
	}
	if sdkErr.RequestId == "" {
		t.Fatalf("API error %s has no RequestId", code)
	}
}

func TestSignedRequestSucceeds(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 5}})
	resp, err := firstPage(client(t, srv, secretID, secretKey, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *resp.TotalCount, int64(len(emu.Fleet(region))); got != want {
		t.Fatalf("TotalCount = %d, want %d", got, want)
	}
}

// TestSignatureCoversRequest changes one thing the signature covers, after signing, and expects
// the emulator to notice: it recomputes the signature rather than parsing it.
func TestSignatureCoversRequest(t *testing.T) {
	t.Parallel()
	_, srv := start(t, emulator.Config{Fleets: map[string]int{region: 5}})
	replaceHeader := func(name, old, new string) rewrite {
		return func(r *http.Request) { r.Header.Set(name, strings.Replace(r.Header.Get(name), old, new, 1)) }
	}
	cases := map[string]rewrite{
		"one byte of the body": func(r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			body = bytes.Replace(body, []byte(`"Limit":100`), []byte(`"Limit":10`), 1)
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		},
		"the date of the credential scope": func(r *http.Request) {
			today := time.Now().UTC().Format("2006-01-02")
			yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
			replaceHeader("Authorization", today, yesterday)(r)
		},
		"the timestamp":                       func(r *http.Request) { r.Header.Set("X-TC-Timestamp", fmt.Sprint(time.Now().Unix()-2)) },
		"the service of the credential scope": replaceHeader("Authorization", "/cvm/", "/cbs/"),
		"the signed content-type header":      replaceHeader("Content-Type", "application/json", "text/plain"),
		"the signed host header":              func(r *http.Request) { r.Host = "cvm.tencentcloudapi.com" },
		"the signature itself":                replaceHeader("Authorization", "Signature=", "Signature=0"),
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := firstPage(client(t, srv, secretID, secretKey, tamper))
			wantCode(t, err, "AuthFailure.SignatureFailure")
		})
	}
}

// TestSignedHostMayLeaveOutTheListeningPort signs the host as Tencent's Node.js SDK does, without
// the port it sends: the SDK client is given an endpoint without the port (or with another one)
// and the transport sends the request to the emulator's port.
func TestSignedHostMayLeaveOutTheListeningPort(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 5}})
	listening := strings.TrimPrefix(srv.URL, "http://")
	host, _, _ := strings.Cut(listening, ":")
	signedAs := func(endpoint string) *cvmapi.Client {
		p := profile.NewClientProfile()
		p.HttpProfile.Endpoint, p.HttpProfile.Scheme = endpoint, "HTTP"
		c, err := cvmapi.NewClient(common.NewCredential(secretID, secretKey), region, p)
		if err != nil {
			t.Fatal(err)
		}
		c.WithHttpTransport(rewrite(func(r *http.Request) { r.URL.Host, r.Host = listening, listening }))
		return c
	}
	for endpoint, code := range map[string]string{
		listening:       "",
		host:            "",
		host + ":1":     "AuthFailure.SignatureFailure",
		"localhost":     "AuthFailure.SignatureFailure",
		listening + "0": "AuthFailure.SignatureFailure",
	} {
		t.Run("signed "+endpoint, func(t *testing.T) {
			resp, err := firstPage(signedAs(endpoint))
			if code != "" {
				wantCode(t, err, code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := *resp.TotalCount, int64(len(emu.Fleet(region))); got != want {
				t.Fatalf("TotalCount = %d, want %d", got, want)
			}
		})
	}
}

func TestAuthenticationErrors(t *testing.T) {
	t.Parallel()
	t.Run("wrong secret key", func(t *testing.T) {
		_, srv := start(t, emulator.Config{})
		_, err := firstPage(client(t, srv, secretID, "not-the-key", nil))
		wantCode(t, err, "AuthFailure.SignatureFailure")
	})
	t.Run("unknown secret id", func(t *testing.T) {
		_, srv := start(t, emulator.Config{})
		_, err := firstPage(client(t, srv, "AKIDunknown", secretKey, nil))
		wantCode(t, err, "AuthFailure.SecretIdNotFound")
	})
	t.Run("clock more than 5 minutes off", func(t *testing.T) {
		_, srv := start(t, emulator.Config{Now: func() time.Time { return time.Now().Add(6 * time.Minute) }})
		_, err := firstPage(client(t, srv, secretID, secretKey, nil))
		wantCode(t, err, "AuthFailure.SignatureExpire")
	})
	t.Run("clock within 5 minutes", func(t *testing.T) {
		_, srv := start(t, emulator.Config{Now: func() time.Time { return time.Now().Add(4 * time.Minute) }})
		if _, err := firstPage(client(t, srv, secretID, secretKey, nil)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		_, srv := start(t, emulator.Config{})
		_, err := firstPage(client(t, srv, secretID, secretKey, func(r *http.Request) { r.Header.Del("Authorization") }))
		wantCode(t, err, "AuthFailure.SignatureFailure")
	})
}

func TestRequestErrors(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 3}})
	ok := client(t, srv, secretID, secretKey, nil)
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = fmt.Sprintf("ins-%08d", i)
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"more than 100 IDs", func() error { _, err := describe(ok, ids, common.Int64Ptr(0), common.Int64Ptr(100)); return err }, "InvalidParameterValue.LimitExceeded"},
		{"malformed ID", func() error {
			_, err := describe(ok, []string{emu.Fleet(region)[0].ID, "ins-1122"}, common.Int64Ptr(0), common.Int64Ptr(100))
			return err
		}, "InvalidInstanceId.Malformed"},
		{"Limit above 100", func() error { _, err := describe(ok, nil, common.Int64Ptr(0), common.Int64Ptr(101)); return err }, "InvalidParameterValue"},
		{"negative Offset", func() error { _, err := describe(ok, nil, common.Int64Ptr(-5), common.Int64Ptr(10)); return err }, "InvalidParameterValue"},
		{"unknown region", func() error {
			c := client(t, srv, secretID, secretKey, func(r *http.Request) { r.Header.Set("X-TC-Region", "mars-north-1") })
			_, err := describe(c, nil, common.Int64Ptr(0), common.Int64Ptr(10))
			return err
		}, "UnsupportedRegion"},
		{"unknown action", func() error {
			c := client(t, srv, secretID, secretKey, func(r *http.Request) { r.Header.Set("X-TC-Action", "DescribeEverything") })
			_, err := describe(c, nil, common.Int64Ptr(0), common.Int64Ptr(10))
			return err
		}, "InvalidAction"},
		{"unknown version", func() error {
			c := client(t, srv, secretID, secretKey, func(r *http.Request) { r.Header.Set("X-TC-Version", "2099-01-01") })
			_, err := describe(c, nil, common.Int64Ptr(0), common.Int64Ptr(10))
			return err
		}, "NoSuchVersion"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}
}

// TestErrorWireFormat checks what the SDK hides: errors come with HTTP status 200 and the
// {"Response":{"Error":{...},"RequestId":...}} body.
func TestErrorWireFormat(t *testing.T) {
	t.Parallel()
	_, srv := start(t, emulator.Config{})
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if !strings.Contains(string(body), `"Error":{"Code":"MissingParameter"`) || !strings.Contains(string(body), `"RequestId":"`) {
		t.Fatalf("unexpected body %s", body)
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 250}, Seed: 7})
	c := client(t, srv, secretID, secretKey, nil)
	fleet := emu.Fleet(region)

	t.Run("default limit is 20", func(t *testing.T) {
		resp, err := describe(c, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.InstanceStatusSet) != 20 || *resp.TotalCount != 250 {
			t.Fatalf("got %d entries of %d, want 20 of 250", len(resp.InstanceStatusSet), *resp.TotalCount)
		}
	})
	t.Run("pages follow the creation order", func(t *testing.T) {
		var listed []emulator.Instance
		for offset := int64(0); offset < 300; offset += 100 {
			resp, err := describe(c, nil, common.Int64Ptr(offset), common.Int64Ptr(100))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range resp.InstanceStatusSet {
				listed = append(listed, emulator.Instance{ID: *s.InstanceId, State: *s.InstanceState})
			}
		}
		if !slices.EqualFunc(listed, fleet, func(a, b emulator.Instance) bool { return a.ID == b.ID && a.State == b.State }) {
			t.Fatal("the pages do not list the fleet in creation order")
		}
		if slices.IsSortedFunc(listed, func(a, b emulator.Instance) int { return strings.Compare(a.ID, b.ID) }) {
			t.Fatal("the listing is sorted by ID; it must be in creation order so that clients sort for themselves")
		}
	})
	t.Run("IDs: unknown ones left out, TotalCount counts matches", func(t *testing.T) {
		ids := []string{fleet[200].ID, "ins-zzzzzzzz", fleet[3].ID, fleet[3].ID}
		resp, err := describe(c, ids, common.Int64Ptr(0), common.Int64Ptr(100))
		if err != nil {
			t.Fatal(err)
		}
		if *resp.TotalCount != 2 || len(resp.InstanceStatusSet) != 2 {
			t.Fatalf("got %d entries, TotalCount %d; want 2 and 2", len(resp.InstanceStatusSet), *resp.TotalCount)
		}
		if *resp.InstanceStatusSet[0].InstanceId != fleet[3].ID {
			t.Fatal("matches are not in listing order")
		}
	})
	t.Run("offset past the end", func(t *testing.T) {
		resp, err := describe(c, nil, common.Int64Ptr(1000), common.Int64Ptr(100))
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.InstanceStatusSet) != 0 || *resp.TotalCount != 250 {
			t.Fatalf("got %d entries, TotalCount %d", len(resp.InstanceStatusSet), *resp.TotalCount)
		}
	})
}

// TestRateLimit: on a clock that stands still, the bucket never refills, so 8 calls at a rate of
// 5 are 5 answered and 3 throttled, however long each takes.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	clock := emulator.NewClock(time.Now())
	emu, srv := start(t, emulator.Config{RateLimit: 5, Now: clock.Now})
	c := client(t, srv, secretID, secretKey, nil)
	var throttled int
	for range 8 {
		if _, err := firstPage(c); err != nil {
			wantCode(t, err, "RequestLimitExceeded")
			throttled++
		}
	}
	if throttled != 3 || emu.Stats().Throttled != throttled {
		t.Fatalf("throttled %d of 8 calls beyond a burst of 5 (emulator counted %d), want 3", throttled, emu.Stats().Throttled)
	}
	// A second later the bucket holds 5 again.
	clock.Advance(time.Second)
	for i := range 5 {
		if _, err := firstPage(c); err != nil {
			t.Fatalf("call %d of 5 after a second: %v", i+1, err)
		}
	}
}

// TestRateLimitIsPerRegion: a region whose limit is spent leaves another region's calls
// untouched, unless the limits span regions; a denied action is refused after the limit applies.
func TestRateLimitIsPerRegion(t *testing.T) {
	t.Parallel()
	for _, across := range []bool{false, true} {
		clock := emulator.NewClock(time.Now())
		_, srv := start(t, emulator.Config{RateLimit: 2, RateLimitAcrossRegions: across, Now: clock.Now, DeniedActions: []string{"StopInstances"}})
		here, there := client(t, srv, secretID, secretKey, nil), client(t, srv, secretID, secretKey, nil)
		there.Init("ap-shanghai")
		for range 2 {
			if _, err := firstPage(here); err != nil {
				t.Fatal(err)
			}
		}
		_, err := firstPage(there)
		switch {
		case !across && err != nil:
			t.Fatalf("with a limit per region, ap-shanghai's call after ap-guangzhou's were spent got %v", err)
		case across && err == nil:
			t.Fatal("with one limit across regions, ap-shanghai's call after ap-guangzhou's were spent was answered")
		case across:
			wantCode(t, err, "RequestLimitExceeded")
		}
		clock.Advance(time.Second)
		req := cvmapi.NewStopInstancesRequest()
		req.InstanceIds = common.StringPtrs([]string{"ins-00000001"})
		_, err = here.StopInstances(req)
		wantCode(t, err, "UnauthorizedOperation")
	}
}

func TestSeededFleets(t *testing.T) {
	t.Parallel()
	cfg := emulator.Config{Fleets: map[string]int{region: 50, "ap-shanghai": 20}, Seed: 3}
	a, b := emulator.New(cfg), emulator.New(cfg)
	if !reflect.DeepEqual(a.Fleet(region), b.Fleet(region)) || !reflect.DeepEqual(a.Fleet("ap-shanghai"), b.Fleet("ap-shanghai")) {
		t.Fatal("the same seed gave different fleets")
	}
	cfg.Seed = 4
	if reflect.DeepEqual(a.Fleet(region), emulator.New(cfg).Fleet(region)) {
		t.Fatal("different seeds gave the same fleet")
	}
	if len(a.Fleet("ap-beijing")) != 0 {
		t.Fatal("an unseeded region is not empty")
	}
}

func TestInjectedFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		faults emulator.Faults
		kind   string
		check  func(t *testing.T, err error)
	}{
		{emulator.Faults{Throttle: 1}, emulator.FaultThrottle, func(t *testing.T, err error) { wantCode(t, err, "RequestLimitExceeded") }},
		{emulator.Faults{InternalError: 1}, emulator.FaultInternalError, func(t *testing.T, err error) { wantCode(t, err, "InternalError") }},
		{emulator.Faults{Drop: 1}, emulator.FaultDrop, func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "ClientError.NetworkError") {
				t.Fatalf("want the connection dropped, got %v", err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 5}, Faults: tc.faults})
			_, err := firstPage(client(t, srv, secretID, secretKey, nil))
			tc.check(t, err)
			if got := emu.Stats().Injected[tc.kind]; got != 1 {
				t.Fatalf("Injected[%s] = %d, want 1", tc.kind, got)
			}
		})
	}
}

func TestChurnChangesTheFleetBetweenCalls(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 50}, Faults: emulator.Faults{Churn: 1, MaxChurn: 3}})
	c := client(t, srv, secretID, secretKey, nil)
	var totals []int64
	for range 5 {
		resp, err := firstPage(c)
		if err != nil {
			t.Fatal(err)
		}
		totals = append(totals, *resp.TotalCount)
	}
	// Each of the first three calls creates or terminates one instance; then MaxChurn is reached.
	previous := int64(50)
	for i, total := range totals[:3] {
		if total != previous+1 && total != previous-1 {
			t.Fatalf("call %d saw TotalCount %d after %d: totals %v", i, total, previous, totals)
		}
		previous = total
	}
	if totals[3] != totals[2] || totals[4] != totals[2] || emu.Stats().Injected[emulator.FaultChurn] != 3 {
		t.Fatalf("the fleet changed after MaxChurn: totals %v, %d changes", totals, emu.Stats().Injected[emulator.FaultChurn])
	}
	if int64(len(emu.Fleet(region))) != totals[4] {
		t.Fatalf("TotalCount %d is not the fleet's size %d", totals[4], len(emu.Fleet(region)))
	}
}

// TestStatsCountRateAndRequests: on a clock that stands still, four calls fall in one second.
func TestStatsCountRateAndRequests(t *testing.T) {
	t.Parallel()
	clock := emulator.NewClock(time.Now())
	emu, srv := start(t, emulator.Config{Fleets: map[string]int{region: 5}, Now: clock.Now})
	c := client(t, srv, secretID, secretKey, nil)
	for range 4 {
		if _, err := firstPage(c); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = firstPage(client(t, srv, secretID, "wrong", nil))
	s := emu.Stats()
	if s.Requests != 5 || s.Calls["DescribeInstancesStatus"] != 4 || s.PeakRate != 4 || s.PeakInFlight != 1 {
		t.Fatalf("got %d requests, %d calls, peak rate %d, peak in flight %d; want 5, 4, 4, 1",
			s.Requests, s.Calls["DescribeInstancesStatus"], s.PeakRate, s.PeakInFlight)
	}
	if s.LastResponse.Before(s.FirstRequest) {
		t.Fatal("the last response precedes the first request")
	}
	if !slices.Equal(s.IDsPerCall["DescribeInstancesStatus"], []int{0, 0, 0, 0}) {
		t.Fatalf("the calls carried %v IDs, want four listings of the region", s.IDsPerCall["DescribeInstancesStatus"])
	}
	// Past a second, a call is in a window of its own.
	clock.Advance(2 * time.Second)
	if _, err := firstPage(c); err != nil {
		t.Fatal(err)
	}
	if s := emu.Stats(); s.PeakRate != 4 {
		t.Fatalf("the peak rate is %d after a call two seconds later, want 4", s.PeakRate)
	}
}

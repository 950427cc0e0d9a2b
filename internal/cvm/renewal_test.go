package cvm_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestCAMRoleKeysAreRenewedDuringARead reads for about ten seconds with keys that last three.
func TestCAMRoleKeysAreRenewedDuringARead(t *testing.T) {
	t.Parallel()
	var endpoint string
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 2000}, InstanceRoles: []string{"reader"}, RoleKeyLifetime: 3 * time.Second},
		func(cfg *cvm.Config) {
			endpoint = cfg.Endpoint
			cfg.Credentials = auth.CAMRole(endpoint, "reader")
			cfg.RateLimit = 2
		})
	got, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Statuses, sortedFleet(emu, region)) {
		t.Fatal("the statuses are not the fleet")
	}
	if tokens := len(emu.Stats().Tokens); tokens < 2 {
		t.Fatalf("the API saw %d token(s) during a read four times longer than the keys last", tokens)
	}
}

func TestAssumeRoleKeysSignTheReads(t *testing.T) {
	t.Parallel()
	const roleARN = "qcs::cam::uin/100000000001:roleName/reader"
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 150}, Roles: map[string]emulator.Role{roleARN: {}}},
		func(cfg *cvm.Config) {
			sts := auth.STS{Endpoint: cfg.Endpoint, Scheme: "http", Region: region}
			cfg.Credentials = auth.AssumedRole(cfg.Credentials, auth.Role{ARN: roleARN, SessionName: "test", Duration: time.Hour}, sts)
		})
	if _, err := c.ListStatuses(context.Background(), region); err != nil {
		t.Fatal(err)
	}
	s := emu.Stats()
	if s.AssumedRoles != 1 || len(s.Tokens) != 1 {
		t.Fatalf("%d roles assumed for %d tokens; want one role assumed once for both pages", s.AssumedRoles, len(s.Tokens))
	}
}

// TestWebIdentityKeysAreRenewedDuringARead reads ten pages with a minute's keys from a web
// identity while each page moves the shared clock on by ten seconds, and the runner's token in
// the file is replaced after the second page: the keys are renewed mid-read with the new token,
// and the read is whole.
func TestWebIdentityKeysAreRenewedDuringARead(t *testing.T) {
	t.Parallel()
	const roleARN = "qcs::cam::uin/100000000001:roleName/ci"
	clock := emulator.NewClock(time.Now())
	emu := emulator.New(emulator.Config{
		Fleets: map[string]int{region: 1000}, Now: clock.Now, RateLimit: -1,
		Roles: map[string]emulator.Role{roleARN: {OIDCProvider: "ci"}},
		WebIdentityTokens: map[string]emulator.WebIdentityToken{
			"token-1": {ProviderID: "ci", Expires: clock.Now().Add(30 * time.Second)},
			"token-2": {ProviderID: "ci"},
		},
	})
	file := filepath.Join(t.TempDir(), "token")
	writeToken := func(token string) {
		if err := os.WriteFile(file, []byte(token), 0o600); err != nil {
			t.Error(err)
		}
	}
	writeToken("token-1")
	var pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		emu.ServeHTTP(w, r)
		if r.Header.Get("X-TC-Action") == "DescribeInstancesStatus" {
			if pages.Add(1) == 2 {
				writeToken("token-2")
			}
			clock.Advance(10 * time.Second)
		}
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv, func(cfg *cvm.Config) {
		cfg.Now = clock.Now
		sts := auth.STS{Endpoint: cfg.Endpoint, Scheme: "http", Region: region, Now: clock.Now}
		cfg.Credentials = auth.AssumedRoleWithWebIdentity(auth.WebIdentity{
			RoleARN: roleARN, ProviderID: "ci", SessionName: "ci", Duration: time.Minute, TokenFile: file,
		}, sts)
	})
	got, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Statuses, sortedFleet(emu, region)) {
		t.Fatal("the statuses are not the fleet")
	}
	s := emu.Stats()
	if s.WebIdentityTokens["token-1"] != 1 || s.WebIdentityTokens["token-2"] == 0 || len(s.Tokens) < 2 {
		t.Fatalf("STS saw the tokens %v and the API %d sets of keys; want token-1 once, then the file's new token-2, and renewed keys",
			s.WebIdentityTokens, len(s.Tokens))
	}
}

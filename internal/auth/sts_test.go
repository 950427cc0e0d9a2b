package auth_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const (
	region       = "ap-guangzhou"
	secretID     = "AKIDauthtest"
	secretKey    = "auth-test-secret"
	oidcRoleARN  = "qcs::cam::uin/100000000002:roleName/ci-deployer"
	samlRoleARN  = "qcs::cam::uin/100000000003:roleName/sso-admin"
	mfaRoleARN   = "qcs::cam::uin/100000000001:roleName/production"
	samlProvider = "qcs::cam::uin/100000000003:saml-provider/corp-idp"
	mfaSerial    = "qcs::cam:uin/100000000001::mfa/softToken"
)

var samlAssertion = base64.StdEncoding.EncodeToString([]byte("<saml:Assertion>alice</saml:Assertion>"))

// bodies records the body of each STS request, by action.
type bodies struct {
	next http.Handler
	mu   sync.Mutex
	seen map[string][]string
}

func (b *bodies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.seen[r.Header.Get("X-TC-Action")] = append(b.seen[r.Header.Get("X-TC-Action")], string(body))
	b.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	b.next.ServeHTTP(w, r)
}

// stsFor starts an emulator whose STS knows a role for each way of taking one on, on clock.
func stsFor(t *testing.T, clock *emulator.Clock) (*emulator.Emulator, auth.STS, *bodies) {
	t.Helper()
	emu := emulator.New(emulator.Config{
		Keys: map[string]string{secretID: secretKey},
		Now:  clock.Now,
		Roles: map[string]emulator.Role{
			oidcRoleARN: {OIDCProvider: "github-actions"},
			samlRoleARN: {SAMLProvider: samlProvider},
			mfaRoleARN:  {MFA: true},
		},
		WebIdentityTokens: map[string]emulator.WebIdentityToken{
			"token-1":       {ProviderID: "github-actions"},
			"token-2":       {ProviderID: "github-actions"},
			"token-expired": {ProviderID: "github-actions", Expires: clock.Now().Add(-time.Hour)},
		},
		SAMLAssertions: map[string]string{samlAssertion: samlProvider},
		MFADevices:     map[string]string{mfaSerial: "384912"},
	})
	rec := &bodies{next: emu, seen: map[string][]string{}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return emu, auth.STS{Endpoint: strings.TrimPrefix(srv.URL, "http://"), Scheme: "http", Region: region, Now: clock.Now}, rec
}

func writeToken(t *testing.T, path, token string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func account(t *testing.T, creds auth.Credentials, at auth.STS) string {
	t.Helper()
	got, err := auth.Account(context.Background(), creds, at)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestWebIdentityRenewalReadsTheTokenFileAgain takes on a role for a minute with the token in a
// file, replaces the token as a runner does, and moves the clock to the renewal: the new token is
// what STS is sent, and the new keys work.
func TestWebIdentityRenewalReadsTheTokenFileAgain(t *testing.T) {
	t.Parallel()
	clock := emulator.NewClock(time.Now())
	emu, at, _ := stsFor(t, clock)
	file := filepath.Join(t.TempDir(), "token")
	writeToken(t, file, "token-1")
	creds := auth.AssumedRoleWithWebIdentity(auth.WebIdentity{
		RoleARN: oidcRoleARN, ProviderID: "github-actions", SessionName: "ci", Duration: time.Minute, TokenFile: file,
	}, at)

	if got := account(t, creds, at); got != "100000000002" {
		t.Fatalf("the role's keys belong to account %s, want the role's account 100000000002", got)
	}
	first, _ := creds.Credential(context.Background())
	writeToken(t, file, "token-2")
	clock.Advance(40 * time.Second)
	if again, _ := creds.Credential(context.Background()); again != first {
		t.Fatal("the keys were renewed 20 s before their renewal was due")
	}
	// A minute's keys are renewed a fifth of their life, 12 s, before they expire.
	clock.Advance(9 * time.Second)
	if got := account(t, creds, at); got != "100000000002" {
		t.Fatalf("the renewed keys belong to %s", got)
	}
	renewed, _ := creds.Credential(context.Background())
	if renewed == first {
		t.Fatal("the keys were not renewed 11 s before they expire")
	}
	if got := emu.Stats().WebIdentityTokens; len(got) != 2 || got["token-1"] != 1 || got["token-2"] != 1 {
		t.Fatalf("STS was sent the tokens %v; want token-1 once, then the file's new token-2 once", got)
	}
}

func TestWebIdentityErrors(t *testing.T) {
	t.Parallel()
	_, at, _ := stsFor(t, emulator.NewClock(time.Now()))
	dir := t.TempDir()
	writeToken(t, filepath.Join(dir, "expired"), "token-expired")
	writeToken(t, filepath.Join(dir, "empty"), "")
	for _, c := range []struct {
		name string
		id   auth.WebIdentity
		want []string
	}{
		{"a token file that does not exist", auth.WebIdentity{TokenFile: filepath.Join(dir, "missing")},
			[]string{"the web identity token file " + filepath.Join(dir, "missing") + " does not exist"}},
		{"an empty token file", auth.WebIdentity{TokenFile: filepath.Join(dir, "empty")},
			[]string{"the web identity token file " + filepath.Join(dir, "empty") + " is empty"}},
		{"an expired token", auth.WebIdentity{TokenFile: filepath.Join(dir, "expired")},
			[]string{"Code=InvalidParameter.WebIdentityTokenError", "expired at", "RequestId=", "it may have expired"}},
		{"a bad token", auth.WebIdentity{Token: "forged"},
			[]string{"Code=InvalidParameter.WebIdentityTokenError", "no identity provider issued it"}},
		{"the wrong role", auth.WebIdentity{Token: "token-1", RoleARN: samlRoleARN},
			[]string{"AssumeRoleWithWebIdentity of " + samlRoleARN, "Code=UnauthorizedOperation", "does not allow the identity provider github-actions", "check the role ARN"}},
	} {
		id := c.id
		id.RoleARN = cmp.Or(id.RoleARN, oidcRoleARN)
		id.ProviderID, id.SessionName, id.Duration = "github-actions", "ci", time.Hour
		_, err := auth.AssumedRoleWithWebIdentity(id, at).Credential(context.Background())
		for _, want := range c.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: the error %v does not say %q", c.name, err, want)
			}
		}
		if err != nil && strings.Contains(err.Error(), "token-expired") {
			t.Errorf("%s: the error quotes the token: %v", c.name, err)
		}
	}
}

func TestSAMLAssertionTakesOnTheRole(t *testing.T) {
	t.Parallel()
	_, at, _ := stsFor(t, emulator.NewClock(time.Now()))
	saml := auth.SAML{RoleARN: samlRoleARN, PrincipalARN: samlProvider, Assertion: samlAssertion, SessionName: "alice", Duration: time.Hour}
	if got := account(t, auth.AssumedRoleWithSAML(saml, at), at); got != "100000000003" {
		t.Fatalf("the SAML role's keys belong to %s, want 100000000003", got)
	}
	saml.PrincipalARN += "-other"
	_, err := auth.AssumedRoleWithSAML(saml, at).Credential(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Code=InvalidParameter.ParamError") || !strings.Contains(err.Error(), "not valid for the identity provider") {
		t.Fatalf("an assertion of another identity provider gave %v", err)
	}
}

// TestMFACodeTravelsWithAssumeRole takes on a role that asks for MFA, with and without the code,
// and renews the keys after the device's code changed.
func TestMFACodeTravelsWithAssumeRole(t *testing.T) {
	t.Parallel()
	clock := emulator.NewClock(time.Now())
	emu, at, rec := stsFor(t, clock)
	base := auth.Static(secretID, secretKey, "")
	role := auth.Role{ARN: mfaRoleARN, SessionName: "ops", Duration: time.Minute, SourceIdentity: "alice"}

	_, err := auth.AssumedRole(base, role, at).Credential(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Code=UnauthorizedOperation") || !strings.Contains(err.Error(), "requires MFA") {
		t.Fatalf("a role that needs MFA, taken on without a code, gave %v", err)
	}
	role.SerialNumber, role.TokenCode = mfaSerial, "000000"
	_, err = auth.AssumedRole(base, role, at).Credential(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Code=FailedOperation.CheckMFAError") || !strings.Contains(err.Error(), "pass the code the device shows now") {
		t.Fatalf("a wrong MFA code gave %v", err)
	}
	if strings.Contains(err.Error(), "renewed") {
		t.Fatalf("the first AssumeRole's error speaks of a renewal: %v", err)
	}

	role.TokenCode = "384912"
	creds := auth.AssumedRole(base, role, at)
	if got := account(t, creds, at); got != "100000000001" {
		t.Fatalf("the keys belong to %s", got)
	}
	last := rec.seen["AssumeRole"][len(rec.seen["AssumeRole"])-1]
	for _, want := range []string{`"SerialNumber":"` + mfaSerial + `"`, `"TokenCode":"384912"`, `"SourceIdentity":"alice"`} {
		if !strings.Contains(last, want) {
			t.Errorf("AssumeRole was sent %s, without %s", last, want)
		}
	}

	emu.SetMFACode(mfaSerial, "771204")
	clock.Advance(50 * time.Second)
	_, err = creds.Credential(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Code=FailedOperation.CheckMFAError") ||
		!strings.Contains(err.Error(), "the MFA code was sent again, which is valid only briefly: set the session duration long enough") {
		t.Fatalf("the renewal with a code the device no longer shows gave %v", err)
	}
}

func TestAccountOfStaticKeys(t *testing.T) {
	t.Parallel()
	_, at, _ := stsFor(t, emulator.NewClock(time.Now()))
	if got := account(t, auth.Static(secretID, secretKey, ""), at); got != emulator.DefaultAccount {
		t.Fatalf("the emulator's keys belong to %s, want %s", got, emulator.DefaultAccount)
	}
	_, err := auth.Account(context.Background(), auth.Static(secretID, "wrong", ""), at)
	if err == nil || !strings.Contains(err.Error(), "STS GetCallerIdentity at "+at.Endpoint+" failed") || !strings.Contains(err.Error(), "AuthFailure.SignatureFailure") {
		t.Fatalf("wrong keys gave %v", err)
	}
}

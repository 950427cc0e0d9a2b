package emulator_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const (
	oidcRoleARN  = "qcs::cam::uin/100000000002:roleName/ci-deployer"
	samlRoleARN  = "qcs::cam::uin/100000000001:roleName/sso-admin"
	mfaRoleARN   = "qcs::cam::uin/100000000001:roleName/production"
	samlProvider = "qcs::cam::uin/100000000001:saml-provider/corp-idp"
	mfaSerial    = "qcs::cam:uin/100000000001::mfa/softToken"
)

var samlAssertion = base64.StdEncoding.EncodeToString([]byte("<saml:Assertion>corp</saml:Assertion>"))

// stsEmulator is an emulator whose STS knows a role for each way of taking one on.
func stsEmulator(t *testing.T, now func() time.Time) (*emulator.Emulator, string) {
	t.Helper()
	emu, srv := start(t, emulator.Config{
		Fleets: map[string]int{region: 3},
		Now:    now,
		Roles: map[string]emulator.Role{
			oidcRoleARN: {OIDCProvider: "github-actions"},
			samlRoleARN: {SAMLProvider: samlProvider},
			mfaRoleARN:  {MFA: true},
			roleARN:     {},
		},
		WebIdentityTokens: map[string]emulator.WebIdentityToken{
			"token-current": {ProviderID: "github-actions"},
			"token-expired": {ProviderID: "github-actions", Expires: now().Add(-time.Minute)},
			"token-tke":     {ProviderID: "tke-cluster"},
		},
		SAMLAssertions: map[string]string{samlAssertion: samlProvider},
		MFADevices:     map[string]string{mfaSerial: "384912"},
	})
	return emu, strings.TrimPrefix(srv.URL, "http://")
}

func stsClient(endpoint string, cred common.CredentialIface) *sts.Client {
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint = endpoint
	p.HttpProfile.Scheme = "HTTP"
	p.DisableRegionBreaker = true
	c, _ := sts.NewClient(cred, region, p)
	return c
}

func webIdentity(endpoint, provider, token, role string, seconds int64) (*sts.AssumeRoleWithWebIdentityResponseParams, error) {
	req := sts.NewAssumeRoleWithWebIdentityRequest()
	req.ProviderId, req.WebIdentityToken, req.RoleArn = &provider, &token, &role
	req.RoleSessionName = common.StringPtr("ci")
	req.DurationSeconds = &seconds
	resp, err := stsClient(endpoint, nil).AssumeRoleWithWebIdentityWithContext(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return resp.Response, nil
}

func accountOf(t *testing.T, endpoint string, cred common.CredentialIface) string {
	t.Helper()
	resp, err := stsClient(endpoint, cred).GetCallerIdentityWithContext(context.Background(), sts.NewGetCallerIdentityRequest())
	if err != nil {
		t.Fatal(err)
	}
	return *resp.Response.AccountId
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	t.Parallel()
	now := time.Now()
	emu, endpoint := stsEmulator(t, func() time.Time { return now })
	for _, c := range []struct {
		name, provider, token, role string
		seconds                     int64
		code                        string
	}{
		{"an unknown token", "github-actions", "token-forged", oidcRoleARN, 3600, "InvalidParameter.WebIdentityTokenError"},
		{"an expired token", "github-actions", "token-expired", oidcRoleARN, 3600, "InvalidParameter.WebIdentityTokenError"},
		{"another provider's token", "github-actions", "token-tke", oidcRoleARN, 3600, "InvalidParameter.WebIdentityTokenError"},
		{"a role that does not trust the provider", "github-actions", "token-current", samlRoleARN, 3600, "UnauthorizedOperation"},
		{"a role that does not exist", "github-actions", "token-current", oidcRoleARN + "-gone", 3600, "UnauthorizedOperation"},
		{"no duration", "github-actions", "token-current", oidcRoleARN, 0, "InvalidParameter.ParamError"},
		{"too long a duration", "github-actions", "token-current", oidcRoleARN, 43201, "InvalidParameter.ParamError"},
	} {
		_, err := webIdentity(endpoint, c.provider, c.token, c.role, c.seconds)
		if err == nil || !strings.Contains(err.Error(), "Code="+c.code+",") {
			t.Errorf("%s: got %v, want %s", c.name, err, c.code)
		}
	}

	r, err := webIdentity(endpoint, "github-actions", "token-current", oidcRoleARN, 43200)
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(now.Add(43200 * time.Second).Unix()); *r.ExpiredTime != want { //nolint:gosec // a time after 1970
		t.Fatalf("ExpiredTime %d, want %d", *r.ExpiredTime, want)
	}
	keys := common.NewTokenCredential(*r.Credentials.TmpSecretId, *r.Credentials.TmpSecretKey, *r.Credentials.Token)
	if got := accountOf(t, endpoint, keys); got != "100000000002" {
		t.Fatalf("the keys of a role of account 100000000002 belong to %s", got)
	}
	if _, err := firstPage(clientWithToken(t, endpoint, keys.SecretId, keys.SecretKey, "")); err == nil {
		t.Fatal("the role's keys were accepted without their token")
	}
	if got := emu.Stats().WebIdentityTokens["token-current"]; got != 5 {
		t.Fatalf("the current token was counted %d times, want 5", got)
	}
}

func TestAssumeRoleWithSAML(t *testing.T) {
	t.Parallel()
	_, endpoint := stsEmulator(t, time.Now)
	saml := func(assertion, principal, role string, seconds uint64) error {
		req := sts.NewAssumeRoleWithSAMLRequest()
		req.SAMLAssertion, req.PrincipalArn, req.RoleArn = &assertion, &principal, &role
		req.RoleSessionName, req.DurationSeconds = common.StringPtr("alice"), &seconds
		_, err := stsClient(endpoint, nil).AssumeRoleWithSAMLWithContext(context.Background(), req)
		return err
	}
	for _, c := range []struct {
		name, assertion, principal, role string
		seconds                          uint64
		code                             string
	}{
		{"an assertion of another provider", samlAssertion, samlProvider + "-other", samlRoleARN, 3600, "InvalidParameter.ParamError"},
		{"an assertion no provider issued", base64.StdEncoding.EncodeToString([]byte("forged")), samlProvider, samlRoleARN, 3600, "InvalidParameter.ParamError"},
		{"an assertion that is not base64", "<saml/>", samlProvider, samlRoleARN, 3600, "InvalidParameter.ParamError"},
		{"a role that does not exist", samlAssertion, samlProvider, samlRoleARN + "-gone", 3600, "ResourceNotFound.RoleNotFound"},
		{"a role that does not trust the provider", samlAssertion, samlProvider, oidcRoleARN, 3600, "UnauthorizedOperation"},
		{"too long a duration", samlAssertion, samlProvider, samlRoleARN, 43201, "InvalidParameter.OverTimeError"},
		{"a valid assertion", samlAssertion, samlProvider, samlRoleARN, 3600, ""},
	} {
		err := saml(c.assertion, c.principal, c.role, c.seconds)
		if c.code == "" && err != nil || c.code != "" && (err == nil || !strings.Contains(err.Error(), "Code="+c.code+",")) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.code)
		}
	}
}

func TestAssumeRoleChecksTheMFACode(t *testing.T) {
	t.Parallel()
	_, endpoint := stsEmulator(t, time.Now)
	assume := func(role, serial, code string) error {
		req := sts.NewAssumeRoleRequest()
		req.RoleArn, req.RoleSessionName = &role, common.StringPtr("ops")
		req.SourceIdentity = common.StringPtr("alice")
		if serial != "" {
			req.SerialNumber = &serial
		}
		if code != "" {
			req.TokenCode = &code
		}
		_, err := stsClient(endpoint, common.NewCredential(secretID, secretKey)).AssumeRoleWithContext(context.Background(), req)
		return err
	}
	for _, c := range []struct{ name, role, serial, code, want string }{
		{"no code for a role that needs one", mfaRoleARN, "", "", "UnauthorizedOperation"},
		{"a wrong code", mfaRoleARN, mfaSerial, "000000", "FailedOperation.CheckMFAError"},
		{"an unknown device", mfaRoleARN, mfaSerial + "2", "384912", "FailedOperation.CheckMFAError"},
		{"a device without a code", mfaRoleARN, mfaSerial, "", "InvalidParameter.ParamError"},
		{"an unknown role", mfaRoleARN + "-gone", mfaSerial, "384912", "ResourceNotFound.RoleNotFound"},
		{"the right code", mfaRoleARN, mfaSerial, "384912", ""},
		{"a code for a role that needs none", roleARN, mfaSerial, "384912", ""},
	} {
		err := assume(c.role, c.serial, c.code)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), "Code="+c.want+",")) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

func TestGetCallerIdentityNamesTheAccountOfTheKeys(t *testing.T) {
	t.Parallel()
	_, endpoint := stsEmulator(t, time.Now)
	if got := accountOf(t, endpoint, common.NewCredential(secretID, secretKey)); got != emulator.DefaultAccount {
		t.Fatalf("the emulator's keys belong to %s, want %s", got, emulator.DefaultAccount)
	}
	_, srv := start(t, emulator.Config{Account: "200000000009"})
	if got := accountOf(t, strings.TrimPrefix(srv.URL, "http://"), common.NewCredential(secretID, secretKey)); got != "200000000009" {
		t.Fatalf("the keys of account 200000000009 belong to %s", got)
	}
	_, err := stsClient(endpoint, common.NewCredential(secretID, "wrong")).GetCallerIdentityWithContext(context.Background(), sts.NewGetCallerIdentityRequest())
	wantCode(t, err, "AuthFailure.SignatureFailure")
}

// TestOnlyTheFederatedActionsGoUnsigned sends AssumeRole and GetCallerIdentity with the
// Authorization: SKIP of an unsigned request.
func TestOnlyTheFederatedActionsGoUnsigned(t *testing.T) {
	t.Parallel()
	_, endpoint := stsEmulator(t, time.Now)
	req := sts.NewAssumeRoleRequest()
	req.SetSkipSign(true)
	req.RoleArn, req.RoleSessionName = common.StringPtr(roleARN), common.StringPtr("x")
	_, err := stsClient(endpoint, common.NewCredential(secretID, secretKey)).AssumeRoleWithContext(context.Background(), req)
	wantCode(t, err, "AuthFailure.InvalidAuthorization")
	who := sts.NewGetCallerIdentityRequest()
	who.SetSkipSign(true)
	_, err = stsClient(endpoint, common.NewCredential(secretID, secretKey)).GetCallerIdentityWithContext(context.Background(), who)
	wantCode(t, err, "AuthFailure.InvalidAuthorization")
}

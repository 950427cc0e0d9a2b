package provider

import (
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const (
	oidcRoleARN  = "qcs::cam::uin/100000000002:roleName/ci-deployer"
	samlRoleARN  = "qcs::cam::uin/100000000001:roleName/sso-reader"
	mfaRoleARN   = "qcs::cam::uin/100000000001:roleName/production"
	samlProvider = "qcs::cam::uin/100000000001:saml-provider/corp-idp"
	mfaSerial    = "qcs::cam:uin/100000000001::mfa/softToken"
	mfaCode      = "384912"
	// The tokens the emulator's identity providers issued: a CI runner's, a TKE cluster's.
	ciToken      = "eyJhbGciOiJSUzI1NiJ9.ci-runner-token.sig"
	expiredToken = "eyJhbGciOiJSUzI1NiJ9.expired-token.sig"
	podToken     = "eyJhbGciOiJSUzI1NiJ9.tke-pod-token.sig"
)

var samlAssertion = base64.StdEncoding.EncodeToString([]byte(`<samlp:Response><saml:Assertion>alice@corp</saml:Assertion></samlp:Response>`))

// keylessConfig is an emulator whose STS has a role for each way of taking one on without keys,
// and one that asks for MFA.
func keylessConfig() emulator.Config {
	return emulator.Config{
		Fleets: map[string]int{testRegion: 9},
		Seed:   21,
		Roles: map[string]emulator.Role{
			oidcRoleARN: {OIDCProvider: "github-actions"},
			"qcs::cam::uin/100000000001:roleName/tke-reader": {OIDCProvider: "cls-7xq2k9"},
			samlRoleARN: {SAMLProvider: samlProvider},
			mfaRoleARN:  {MFA: true},
		},
		WebIdentityTokens: map[string]emulator.WebIdentityToken{
			ciToken:      {ProviderID: "github-actions"},
			expiredToken: {ProviderID: "github-actions", Expires: time.Now().Add(-time.Hour)},
			podToken:     {ProviderID: "cls-7xq2k9"},
		},
		SAMLAssertions: map[string]string{samlAssertion: samlProvider},
		MFADevices:     map[string]string{mfaSerial: mfaCode},
	}
}

// tokenFile writes token into a file of its own and returns its path.
func tokenFile(t *testing.T, token string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// signedWithRoleKeys checks that the reads were signed with temporary keys that STS issued.
func signedWithRoleKeys(emu *emulator.Emulator) func(*terraform.State) error {
	return func(*terraform.State) error {
		if s := emu.Stats(); s.AssumedRoles == 0 || len(s.Tokens) == 0 {
			return fmt.Errorf("%d roles taken on and %d tokens used: the reads were not signed with a role's keys", s.AssumedRoles, len(s.Tokens))
		}
		return nil
	}
}

// expectConfigureError runs config with env against a fresh emulator of its own, which it
// returns, and expects the provider's configuration to fail with an error that says each of
// parts. A case of its own, since a failed configuration leaves no state to destroy with it.
func expectConfigureError(t *testing.T, name string, env map[string]string, config func(srv *httptest.Server) string, parts ...string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		emu, srv := startEmulator(t, keylessConfig())
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providersWithEnv(env),
			Steps:                    []resource.TestStep{{Config: config(srv) + listAll, ExpectError: errorMatching(parts...)}},
		})
		if n := emu.Calls("DescribeInstancesStatus"); n != 0 {
			t.Fatalf("%d CVM calls were made by a provider whose configuration failed", n)
		}
	})
}

func webIdentityBlockOf(lines ...string) string {
	block := "assume_role_with_web_identity {\n"
	for _, line := range lines {
		block += "    " + line + "\n"
	}
	return block + "  }"
}

// TestAccProvider_webIdentity: an OIDC token in a file, named in the block, then a token in the
// environment, with no keys anywhere; then each way the exchange fails.
func TestAccProvider_webIdentity(t *testing.T) {
	emu, srv := startEmulator(t, keylessConfig())
	file := tokenFile(t, ciToken)
	fromFile := 0 // how often STS saw the token by the end of the first step
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providersWithEnv(nil),
				Config: providerBlockWithoutKeys(srv, webIdentityBlockOf(`role_arn = "`+oidcRoleARN+`"`, `provider_id = "github-actions"`,
					`web_identity_token_file = "`+file+`"`, `session_duration = 900`)) + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
				Check: func(s *terraform.State) error {
					fromFile = emu.Stats().WebIdentityTokens[ciToken]
					return signedWithRoleKeys(emu)(s)
				},
			},
			{
				ProtoV6ProviderFactories: providersWithEnv(map[string]string{envAssumeRoleARN: oidcRoleARN, envWebIdentityToken: ciToken, envProviderID: "github-actions"}),
				Config:                   providerBlockWithoutKeys(srv) + listAll,
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet(testRegion)), nil),
				Check: func(*terraform.State) error {
					if n := emu.Stats().WebIdentityTokens[ciToken]; n <= fromFile {
						return fmt.Errorf("STS saw the runner's token %d times after the file's step, and %d times after this one: the environment's token was not sent", fromFile, n)
					}
					return nil
				},
			},
		},
	})

	inBlock := func(lines ...string) func(*httptest.Server) string {
		return func(srv *httptest.Server) string {
			return providerBlockWithoutKeys(srv, webIdentityBlockOf(append([]string{`provider_id = "github-actions"`}, lines...)...))
		}
	}
	expectConfigureError(t, "a token no identity provider issued", map[string]string{envAssumeRoleARN: oidcRoleARN, envWebIdentityToken: "forged"},
		inBlock(), "Unable to obtain Tencent Cloud credentials", "From assume_role_with_web_identity "+oidcRoleARN+" (token from "+envWebIdentityToken+")",
		"Code=InvalidParameter.WebIdentityTokenError", "no identity provider issued it", "RequestId=", "it may have expired")
	expired := tokenFile(t, expiredToken)
	expectConfigureError(t, "an expired token in the file", nil, inBlock(`role_arn = "`+oidcRoleARN+`"`, `web_identity_token_file = "`+expired+`"`),
		"Unable to obtain Tencent Cloud credentials", "InvalidParameter.WebIdentityTokenError", "The web identity token expired at")
	expectConfigureError(t, "a role that does not trust the identity provider", nil, inBlock(`role_arn = "`+samlRoleARN+`"`, `web_identity_token_file = "`+file+`"`),
		"Unable to obtain Tencent Cloud credentials", "STS AssumeRoleWithWebIdentity of "+samlRoleARN, "Code=UnauthorizedOperation",
		"does not allow the identity provider github-actions", "check the role ARN and the role's trust policy")
	missing := filepath.Join(t.TempDir(), "token")
	expectConfigureError(t, "a token file that does not exist", nil, inBlock(`role_arn = "`+oidcRoleARN+`"`, `web_identity_token_file = "`+missing+`"`),
		"Unable to obtain Tencent Cloud credentials", "the web identity token file "+missing+" does not exist")
}

// TestAccProvider_podOIDC: in a TKE pod, the variables TKE sets are all it takes.
func TestAccProvider_podOIDC(t *testing.T) {
	emu, srv := startEmulator(t, keylessConfig())
	pod := map[string]string{envTKERegion: "ap-shanghai", envTKEProviderID: "cls-7xq2k9",
		envTKEWebIdentityTokenFile: tokenFile(t, podToken), envTKERoleARN: "qcs::cam::uin/100000000001:roleName/tke-reader"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providersWithEnv(pod),
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv, `region = "`+testRegion+`"`, `enable_pod_oidc = true`) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			Check: func(s *terraform.State) error {
				if n := emu.Stats().WebIdentityTokens[podToken]; n == 0 {
					return fmt.Errorf("STS never saw the pod's token")
				}
				return signedWithRoleKeys(emu)(s)
			},
		}},
	})
	expectConfigureError(t, "outside a TKE pod", map[string]string{envTKERegion: "ap-shanghai"},
		func(srv *httptest.Server) string { return providerBlockWithoutKeys(srv, `enable_pod_oidc = true`) },
		"No usable Tencent Cloud credentials", "enable_pod_oidc is true, but TKE_PROVIDER_ID and TKE_WEB_IDENTITY_TOKEN_FILE and TKE_ROLE_ARN are not set",
		"run Terraform in such a pod")
}

// TestAccProvider_saml: a SAML assertion in the block, then in the environment, with no keys.
func TestAccProvider_saml(t *testing.T) {
	emu, srv := startEmulator(t, keylessConfig())
	block := fmt.Sprintf("assume_role_with_saml {\n    role_arn = %q\n    principal_arn = %q\n    saml_assertion = %q\n  }", samlRoleARN, samlProvider, samlAssertion)
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providersWithEnv(nil),
				Config:                   providerBlockWithoutKeys(srv, block) + listAll,
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet(testRegion)), nil),
				Check:                    signedWithRoleKeys(emu),
			},
			{
				ProtoV6ProviderFactories: providersWithEnv(map[string]string{envAssumeRoleARN: samlRoleARN, envPrincipalARN: samlProvider, envSAMLAssertion: samlAssertion}),
				Config:                   providerBlockWithoutKeys(srv) + listAll,
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
	expectConfigureError(t, "an assertion of another identity provider",
		map[string]string{envAssumeRoleARN: samlRoleARN, envPrincipalARN: samlProvider + "-old", envSAMLAssertion: samlAssertion},
		func(srv *httptest.Server) string { return providerBlockWithoutKeys(srv) },
		"Unable to obtain Tencent Cloud credentials", "From the SAML assertion of "+envSAMLAssertion+" (role "+samlRoleARN+")",
		"Code=InvalidParameter.ParamError", "The SAML assertion is not valid for the identity provider "+samlProvider+"-old")
}

// TestAccProvider_assumeRoleWithMFA: the MFA code travels with AssumeRole; a role that asks for
// MFA refuses a request without one, or with a wrong one.
func TestAccProvider_assumeRoleWithMFA(t *testing.T) {
	emu, srv := startEmulator(t, keylessConfig())
	withCode := func(code string) string {
		return fmt.Sprintf("assume_role {\n    role_arn = %q\n    serial_number = %q\n    token_code = %q\n    source_identity = \"alice\"\n  }", mfaRoleARN, mfaSerial, code)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providersWithEnv(testKeys),
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv, withCode(mfaCode)) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			Check:             signedWithRoleKeys(emu),
		}},
	})
	expectConfigureError(t, "no MFA code", testKeys,
		func(srv *httptest.Server) string {
			return providerBlockWithoutKeys(srv, fmt.Sprintf("assume_role {\n    role_arn = %q\n  }", mfaRoleARN))
		},
		"Unable to obtain Tencent Cloud credentials", "STS AssumeRole of "+mfaRoleARN, "Code=UnauthorizedOperation", "requires MFA: send SerialNumber and TokenCode")
	expectConfigureError(t, "a wrong MFA code", testKeys,
		func(srv *httptest.Server) string { return providerBlockWithoutKeys(srv, withCode("000000")) },
		"Unable to obtain Tencent Cloud credentials", "Code=FailedOperation.CheckMFAError", "pass the code the device shows now")
}

// TestAccProvider_oneSourceWithoutKeys: two sources that need no keys in one provider block are
// an error at plan time that names both.
func TestAccProvider_oneSourceWithoutKeys(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	saml := fmt.Sprintf("assume_role_with_saml {\n    role_arn = %q\n  }", samlRoleARN)
	for name, sources := range map[string][]string{
		"a web identity and SAML":        {webIdentityBlockOf(`role_arn = "` + oidcRoleARN + `"`), saml},
		"a web identity and a TKE pod's": {webIdentityBlockOf(`role_arn = "` + oidcRoleARN + `"`), `enable_pod_oidc = true`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providersWithEnv(nil),
				Steps: []resource.TestStep{{
					Config:      providerBlockWithoutKeys(srv, sources...) + listAll,
					ExpectError: errorMatching("These attributes cannot be configured together", "assume_role_with_web_identity", "enable_pod_oidc", "assume_role_with_saml"),
				}},
			})
		})
	}
}

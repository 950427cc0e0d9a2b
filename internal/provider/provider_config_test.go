package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// testKeys are the test keys as environment variables.
var testKeys = map[string]string{envSecretID: testSecretID, envSecretKey: testSecretKey}

// profileDir is a tccli folder with the test keys in the profile "work" (region ap-shanghai) and
// other keys in "default", plus broken profiles for the error cases.
func profileDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeProfile(t, dir, "work", testKeysJSON(), `{"_sys_param": {"region": "ap-shanghai", "output": "json"}}`)
	writeProfile(t, dir, "default", `{"secretId": "AKIDother", "secretKey": "other"}`, "")
	writeProfile(t, dir, "broken", `{"secretId": "AKID`, "")
	writeProfile(t, dir, "empty", `{"secretId": ""}`, "")
	writeProfile(t, dir, "badregion", testKeysJSON(), `{"_sys_param": ["not", "an", "object"]}`)
	// A folder where the file should be: unreadable even for root, who can read any file.
	if err := os.Mkdir(filepath.Join(dir, "unreadable.credential"), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeProfile writes the tccli files of a profile into dir.
func writeProfile(t *testing.T, dir, name, credential, configure string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, name+".credential"), credential)
	if configure != "" {
		writeFile(t, filepath.Join(dir, name+".configure"), configure)
	}
}

func testKeysJSON() string {
	return `{"secretId": "` + testSecretID + `", "secretKey": "` + testSecretKey + `"}`
}

// TestResolveCredentials is the order in which the provider looks for keys and a region: the
// provider block before its environment variables, keys before the tccli profile, the profile
// before the CAM role, and the region of the block, the environment, the profile, the default.
func TestResolveCredentials(t *testing.T) {
	t.Parallel()
	dir := profileDir(t)
	cases := map[string]struct {
		config qcloudProviderModel
		env    map[string]string
		// source is where the keys came from, secretID the SecretId they sign with ("" for a CAM
		// role, which is asked only when a request needs it).
		source, secretID, region string
	}{
		"keys in the block": {
			config: qcloudProviderModel{SecretID: types.StringValue(testSecretID), SecretKey: types.StringValue(testSecretKey)},
			source: "secret_id and secret_key", secretID: testSecretID, region: defaultRegion,
		},
		"keys and region in the environment": {
			env:    map[string]string{envSecretID: testSecretID, envSecretKey: testSecretKey, envRegion: "ap-shanghai"},
			source: "secret_id and secret_key", secretID: testSecretID, region: "ap-shanghai",
		},
		"the block before the environment": {
			config: qcloudProviderModel{SecretID: types.StringValue(testSecretID), SecretKey: types.StringValue(testSecretKey), Region: types.StringValue("ap-beijing")},
			env:    map[string]string{envSecretID: "AKIDother", envSecretKey: "other", envRegion: "ap-shanghai"},
			source: "secret_id and secret_key", secretID: testSecretID, region: "ap-beijing",
		},
		"an empty variable counts as unset": {
			env:    map[string]string{envSecretID: "", envSecretKey: "", envSharedCredentialsDir: dir, envProfile: "work", envRegion: ""},
			source: "tccli profile work", secretID: testSecretID, region: "ap-shanghai",
		},
		"keys before the profile": {
			env:    map[string]string{envSecretID: testSecretID, envSecretKey: testSecretKey, envSharedCredentialsDir: dir},
			source: "secret_id and secret_key", secretID: testSecretID, region: defaultRegion,
		},
		"the profile of the block, with its region": {
			config: qcloudProviderModel{Profile: types.StringValue("work"), SharedCredentialsDir: types.StringValue(dir)},
			source: "tccli profile work", secretID: testSecretID, region: "ap-shanghai",
		},
		"the profile of the environment, and the region of the block": {
			config: qcloudProviderModel{Region: types.StringValue(testRegion)},
			env:    map[string]string{envProfile: "work", envSharedCredentialsDir: dir},
			source: "tccli profile work", secretID: testSecretID, region: testRegion,
		},
		"the region of the environment before the profile's": {
			env:    map[string]string{envProfile: "work", envSharedCredentialsDir: dir, envRegion: "ap-beijing"},
			source: "tccli profile work", secretID: testSecretID, region: "ap-beijing",
		},
		"the default profile before the CAM role": {
			env:    map[string]string{envSharedCredentialsDir: dir, envCAMRoleName: "reader"},
			source: "tccli profile default", secretID: "AKIDother", region: defaultRegion,
		},
		"the CAM role of the block": {
			config: qcloudProviderModel{CAMRoleName: types.StringValue("reader")},
			source: "CAM role reader", region: defaultRegion,
		},
		"the CAM role of the environment": {
			env:    map[string]string{envCAMRoleName: "reader"},
			source: "CAM role reader", region: defaultRegion,
		},
		"a role assumed with the keys": {
			config: qcloudProviderModel{AssumeRole: &assumeRoleModel{RoleARN: types.StringValue(testRoleARN)}},
			env:    testKeys,
			source: "secret_id and secret_key, then assume_role " + testRoleARN, region: defaultRegion,
		},
		"a web identity in the block before keys in the block": {
			config: qcloudProviderModel{SecretID: types.StringValue(testSecretID), SecretKey: types.StringValue(testSecretKey),
				WebIdentity: &webIdentityModel{RoleARN: types.StringValue(testRoleARN), TokenFile: types.StringValue("/run/token")}},
			source: "assume_role_with_web_identity " + testRoleARN + " (token from web_identity_token_file /run/token)", region: defaultRegion,
		},
		"the block's token before the environment's token file": {
			config: qcloudProviderModel{WebIdentity: &webIdentityModel{Token: types.StringValue("t")}},
			env:    map[string]string{envAssumeRoleARN: testRoleARN, envWebIdentityTokenFile: "/run/token"},
			source: "assume_role_with_web_identity " + testRoleARN + " (token from web_identity_token)", region: defaultRegion,
		},
		"keys in the block before a web identity of the environment, whose role they assume": {
			config: qcloudProviderModel{SecretID: types.StringValue(testSecretID), SecretKey: types.StringValue(testSecretKey)},
			env:    map[string]string{envAssumeRoleARN: testRoleARN, envWebIdentityToken: "t"},
			source: "secret_id and secret_key, then assume_role " + testRoleARN, region: defaultRegion,
		},
		"a web identity of the environment before keys of the environment": {
			env:    map[string]string{envSecretID: testSecretID, envSecretKey: testSecretKey, envAssumeRoleARN: testRoleARN, envWebIdentityToken: "t"},
			source: "the web identity of " + envAssumeRoleARN + " and " + envWebIdentityToken + " (role " + testRoleARN + ")", region: defaultRegion,
		},
		"the token file of the environment before its token": {
			env:    map[string]string{envAssumeRoleARN: testRoleARN, envWebIdentityToken: "t", envWebIdentityTokenFile: "/run/token"},
			source: "the web identity of " + envAssumeRoleARN + " and " + envWebIdentityTokenFile + " (role " + testRoleARN + ")", region: defaultRegion,
		},
		"a role that the keys of a web identity assume": {
			config: qcloudProviderModel{WebIdentity: &webIdentityModel{Token: types.StringValue("t")},
				AssumeRole: &assumeRoleModel{RoleARN: types.StringValue("qcs::cam::uin/100000000002:roleName/deployer")}},
			env:    map[string]string{envAssumeRoleARN: testRoleARN},
			source: "assume_role_with_web_identity " + testRoleARN + " (token from web_identity_token), then assume_role qcs::cam::uin/100000000002:roleName/deployer",
			region: defaultRegion,
		},
		"a TKE pod's web identity": {
			config: qcloudProviderModel{EnablePodOIDC: types.BoolValue(true)},
			env: map[string]string{envTKERegion: "ap-shanghai", envTKEProviderID: "cls-abc", envTKEWebIdentityTokenFile: "/var/run/secrets/token",
				envTKERoleARN: testRoleARN, envSecretID: testSecretID, envSecretKey: testSecretKey},
			source: "enable_pod_oidc (role " + testRoleARN + ")", region: defaultRegion,
		},
		"enable_pod_oidc = false chooses nothing": {
			config: qcloudProviderModel{EnablePodOIDC: types.BoolValue(false)},
			env:    map[string]string{envTKERoleARN: testRoleARN, envSecretID: testSecretID, envSecretKey: testSecretKey},
			source: "secret_id and secret_key", secretID: testSecretID, region: defaultRegion,
		},
		"a SAML block": {
			config: qcloudProviderModel{SAML: &samlModel{RoleARN: types.StringValue(testRoleARN), PrincipalARN: types.StringValue("qcs::cam::uin/1:saml-provider/corp"),
				Assertion: types.StringValue("PHNhbWw+")}},
			env:    testKeys,
			source: "assume_role_with_saml " + testRoleARN, region: defaultRegion,
		},
		"a SAML assertion of the environment": {
			env:    map[string]string{envAssumeRoleARN: testRoleARN, envSAMLAssertion: "PHNhbWw+", envPrincipalARN: "qcs::cam::uin/1:saml-provider/corp"},
			source: "the SAML assertion of " + envSAMLAssertion + " (role " + testRoleARN + ")", region: defaultRegion,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, diags := resolveClientConfig(tc.config, envOf(tc.env))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if c.credentialSource != tc.source || c.region != tc.region {
				t.Fatalf("keys from %q in %s, want %q in %s", c.credentialSource, c.region, tc.source, tc.region)
			}
			if tc.secretID == "" || strings.Contains(tc.source, "assume_role") {
				return
			}
			cred, err := c.credentials.Credential(context.Background())
			if err != nil || cred.SecretId != tc.secretID {
				t.Fatalf("signs with %v (%v), want the SecretId %s", cred, err, tc.secretID)
			}
		})
	}
}

// TestResolveCredentialErrors: each way the resolution of the provider block fails says what is
// wrong and what to do.
func TestResolveCredentialErrors(t *testing.T) {
	t.Parallel()
	dir := profileDir(t)
	profile := func(name string) qcloudProviderModel {
		return qcloudProviderModel{Profile: types.StringValue(name), SharedCredentialsDir: types.StringValue(dir)}
	}
	cases := map[string]struct {
		config  qcloudProviderModel
		env     map[string]string
		summary string
		message []string
	}{
		"secret_id without secret_key": {config: qcloudProviderModel{SecretID: types.StringValue("AKIDonly")},
			summary: "No usable Tencent Cloud credentials", message: []string{"secret_id is set", "but secret_key is not: set secret_key or " + envSecretKey}},
		"secret_key without secret_id": {env: map[string]string{envSecretKey: "only"},
			summary: "No usable Tencent Cloud credentials", message: []string{"secret_key is set", "but secret_id is not: set secret_id or " + envSecretID}},
		"chosen profile that does not exist": {config: profile("nosuch"),
			summary: "No usable Tencent Cloud credentials", message: []string{`the tccli profile "nosuch" was chosen`, "nosuch.credential does not exist"}},
		"profile of the environment that does not exist": {env: map[string]string{envProfile: "nosuch", envSharedCredentialsDir: dir},
			summary: "No usable Tencent Cloud credentials", message: []string{`the tccli profile "nosuch" was chosen (profile or ` + envProfile + `)`, "run `tccli configure --profile nosuch`"}},
		"malformed credential file": {config: profile("broken"),
			summary: "No usable Tencent Cloud credentials", message: []string{"broken.credential is not valid JSON (at byte 18)"}},
		"credential file without keys": {config: profile("empty"),
			summary: "No usable Tencent Cloud credentials", message: []string{"empty.credential has no secretId or no secretKey"}},
		"unreadable credential file": {config: profile("unreadable"),
			summary: "No usable Tencent Cloud credentials", message: []string{`the tccli profile "unreadable" cannot be used: cannot read`, "unreadable.credential: is a directory"}},
		"malformed configure file": {config: profile("badregion"),
			summary: "Unable to read the region of the tccli profile", message: []string{"badregion.configure does not have the fields"}},
		"no credentials at all": {env: map[string]string{envSecretID: ""},
			summary: "No usable Tencent Cloud credentials", message: []string{"The provider found no Tencent Cloud credentials", "secret_id and secret_key",
				envSecretID, envSecretKey, "a tccli profile", "no-tccli/default.credential", envCAMRoleName, envAssumeRoleARN,
				"assume_role_with_web_identity block", envWebIdentityToken, envWebIdentityTokenFile,
				"enable_pod_oidc = true", envTKERegion, envTKEProviderID, envTKEWebIdentityTokenFile, envTKERoleARN,
				"assume_role_with_saml block", envSAMLAssertion, envPrincipalARN}},
		"a web identity without a role": {config: qcloudProviderModel{WebIdentity: &webIdentityModel{Token: types.StringValue("t")}},
			summary: "No usable Tencent Cloud credentials", message: []string{"assume_role_with_web_identity needs role_arn (or " + envAssumeRoleARN + ")"}},
		"a web identity without a token": {config: qcloudProviderModel{WebIdentity: &webIdentityModel{RoleARN: types.StringValue(testRoleARN)}},
			summary: "No usable Tencent Cloud credentials", message: []string{"assume_role_with_web_identity needs web_identity_token or web_identity_token_file (or " +
				envWebIdentityToken + " or " + envWebIdentityTokenFile + ")"}},
		"pod OIDC outside a TKE pod": {config: qcloudProviderModel{EnablePodOIDC: types.BoolValue(true)}, env: map[string]string{envTKERegion: "ap-guangzhou", envTKEWebIdentityTokenFile: "/t"},
			summary: "No usable Tencent Cloud credentials", message: []string{"enable_pod_oidc is true, but TKE_PROVIDER_ID and TKE_ROLE_ARN are not set", "run Terraform in such a pod"}},
		"SAML without its identity provider": {config: qcloudProviderModel{SAML: &samlModel{RoleARN: types.StringValue(testRoleARN), Assertion: types.StringValue("PHNhbWw+")}},
			summary: "No usable Tencent Cloud credentials", message: []string{"assume_role_with_saml needs principal_arn (or " + envPrincipalARN + ")"}},
		"a web identity token and a SAML assertion in the environment": {env: map[string]string{envAssumeRoleARN: testRoleARN, envWebIdentityToken: "t", envSAMLAssertion: "PHNhbWw+"},
			summary: "No usable Tencent Cloud credentials", message: []string{"set with both a web identity token", "and a SAML assertion (" + envSAMLAssertion + ")", "unset one of them"}},
		"an MFA device without a code": {env: map[string]string{envAssumeRoleARN: testRoleARN, envAssumeRoleSerialNumber: "qcs::cam:uin/1::mfa/softToken", envSecretID: testSecretID, envSecretKey: testSecretKey},
			summary: "Invalid assume_role", message: []string{"an MFA code needs both serial_number (or " + envAssumeRoleSerialNumber + ") and token_code (or " + envAssumeRoleTokenCode + ")"}},
		"a session duration of the environment for a web identity": {env: map[string]string{envAssumeRoleARN: testRoleARN, envWebIdentityToken: "t", envAssumeRoleSessionDuration: "0"},
			summary: "No usable Tencent Cloud credentials", message: []string{envAssumeRoleSessionDuration + ` is "0"; it must be a number of seconds from 1 to 43200`}},
		"protocol of the environment": {env: map[string]string{envProtocol: "ftp", envSecretID: testSecretID, envSecretKey: testSecretKey},
			summary: "Invalid protocol", message: []string{envProtocol + ` is "ftp"; it must be HTTPS or HTTP`}},
		"domain that makes no host name": {config: qcloudProviderModel{Domain: types.StringValue("example.com/api")}, env: testKeys,
			summary: "Invalid domain", message: []string{`The domain "example.com/api" does not make host names such as cvm.example.com/api`}},
		"domain of the environment": {env: map[string]string{envDomain: "exa mple.com", envSecretID: testSecretID, envSecretKey: testSecretKey},
			summary: "Invalid domain", message: []string{`The domain "exa mple.com" does not make host names`, "set domain (or " + envDomain + ")"}},
		"session duration of the environment": {env: map[string]string{envAssumeRoleARN: testRoleARN, envAssumeRoleSessionDuration: "two hours", envSecretID: testSecretID, envSecretKey: testSecretKey},
			summary: "Invalid assume_role", message: []string{envAssumeRoleSessionDuration + ` is "two hours"; it must be a number of seconds from 1 to 43200`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, diags := resolveClientConfig(tc.config, envOf(tc.env))
			expectDiagnostic(t, diags, tc.summary, tc.message...)
		})
	}
}

// expectDiagnostic checks that diags hold an error with summary whose detail says each of parts.
func expectDiagnostic(t *testing.T, diags diag.Diagnostics, summary string, parts ...string) {
	t.Helper()
	for _, d := range diags.Errors() {
		if d.Summary() == summary {
			for _, part := range parts {
				if !strings.Contains(d.Detail(), part) {
					t.Errorf("the error %q does not say %q:\n%s", summary, part, d.Detail())
				}
			}
			return
		}
	}
	t.Fatalf("no error %q among %v", summary, diags)
}

// TestRoleToAssume: the block's arguments before their environment variables, then the defaults.
func TestRoleToAssume(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		block *assumeRoleModel
		env   map[string]string
		// withKeys is set when no source that needs no keys takes TENCENTCLOUD_ASSUME_ROLE_ARN.
		withKeys bool
		want     auth.Role
	}{
		"none, whatever else the environment says": {env: map[string]string{envAssumeRoleSessionDuration: "two hours", envAssumeRoleTokenCode: "384912"},
			withKeys: true, want: auth.Role{}},
		"the MFA device, its code and the source identity of the environment": {
			env: map[string]string{envAssumeRoleARN: testRoleARN, envAssumeRoleSerialNumber: "qcs::cam:uin/1::mfa/softToken",
				envAssumeRoleTokenCode: "384912", envAssumeRoleSourceIdentity: "alice"},
			withKeys: true,
			want: auth.Role{ARN: testRoleARN, SessionName: defaultSessionName, Duration: defaultSessionDuration * time.Second,
				SerialNumber: "qcs::cam:uin/1::mfa/softToken", TokenCode: "384912", SourceIdentity: "alice"},
		},
		"the environment's ARN taken by a web identity": {
			env:  map[string]string{envAssumeRoleARN: testRoleARN},
			want: auth.Role{},
		},
		"the block": {
			block: &assumeRoleModel{RoleARN: types.StringValue(testRoleARN), SessionName: types.StringValue("acceptance"),
				SessionDuration: types.Int64Value(900), Policy: types.StringValue(`{"version":"2.0"}`), ExternalID: types.StringValue("ext-42")},
			env:      map[string]string{envAssumeRoleARN: "qcs::cam::uin/1:roleName/other", envAssumeRoleSessionDuration: "60", envAssumeRoleExternalID: "other"},
			withKeys: true,
			want:     auth.Role{ARN: testRoleARN, SessionName: "acceptance", Duration: 900 * time.Second, Policy: `{"version":"2.0"}`, ExternalID: "ext-42"},
		},
		"the environment": {
			env: map[string]string{envAssumeRoleARN: testRoleARN, envAssumeRoleSessionName: "from-env",
				envAssumeRoleSessionDuration: "900", envAssumeRoleExternalID: "ext-42"},
			withKeys: true,
			want:     auth.Role{ARN: testRoleARN, SessionName: "from-env", Duration: 900 * time.Second, ExternalID: "ext-42"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			role, err := roleToAssume(tc.block, readEnvironment(envOf(tc.env)), tc.withKeys)
			if err != nil || role != tc.want {
				t.Fatalf("got %+v (%v), want %+v", role, err, tc.want)
			}
		})
	}
}

// TestCAMRoleIsAskedOnlyWhenNothingComesFirst: with keys or a profile found, the metadata service
// is never asked, even when a CAM role is named; without them, the role's keys sign.
func TestCAMRoleIsAskedOnlyWhenNothingComesFirst(t *testing.T) {
	t.Parallel()
	emu, srv := startEmulator(t, emulator.Config{InstanceRoles: []string{"reader"}})
	dir := profileDir(t)
	block := qcloudProviderModel{Protocol: types.StringValue("HTTP"), Endpoints: &endpointsModel{Metadata: types.StringValue(endpointOf(srv))}}
	for _, env := range []map[string]string{
		{envCAMRoleName: "reader", envSecretID: testSecretID, envSecretKey: testSecretKey},
		{envCAMRoleName: "reader", envSharedCredentialsDir: dir},
	} {
		c, diags := resolveClientConfig(block, envOf(env))
		if diags.HasError() {
			t.Fatal(diags)
		}
		if _, err := c.credentials.Credential(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := emu.Stats().MetadataRequests; n != 0 {
		t.Fatalf("the metadata service was asked %d times although keys came first", n)
	}
	c, diags := resolveClientConfig(block, envOf(map[string]string{envCAMRoleName: "reader"}))
	if diags.HasError() {
		t.Fatal(diags)
	}
	cred, err := c.credentials.Credential(context.Background())
	if err != nil || cred.Token == "" || emu.Stats().MetadataRequests == 0 {
		t.Fatalf("the CAM role gave %v (%v) after %d metadata requests", cred, err, emu.Stats().MetadataRequests)
	}
}

func TestProvider_plainHTTPToAnotherMachineWarns(t *testing.T) {
	t.Parallel()
	resolved := func(config qcloudProviderModel) diag.Diagnostics {
		_, diags := resolveClientConfig(config, envOf(testKeys))
		return diags
	}
	for endpoint, warns := range map[string]bool{
		"cvm.internal.example.com": true,
		"10.0.0.8:8080":            true,
		"127.0.0.1:8080":           false,
		"[::1]:8080":               false,
		"localhost:8080":           false,
	} {
		diags := resolved(qcloudProviderModel{Protocol: types.StringValue("HTTP"), Endpoints: &endpointsModel{CVM: types.StringValue(endpoint)}})
		if diags.HasError() {
			t.Fatal(diags)
		}
		warned := len(diags.Warnings()) == 1 && diags.Warnings()[0].Summary() == "Requests are not encrypted" &&
			strings.Contains(diags.Warnings()[0].Detail(), endpoint)
		if warned != warns {
			t.Errorf("HTTP to %s: warning %v, want %v (%v)", endpoint, warned, warns, diags)
		}
	}
	if diags := resolved(qcloudProviderModel{Endpoints: &endpointsModel{CVM: types.StringValue("cvm.internal.example.com")}}); len(diags) != 0 {
		t.Errorf("HTTPS to another machine gave %v", diags)
	}
	// STS counts only when a role is assumed.
	assuming := qcloudProviderModel{
		Protocol:   types.StringValue("HTTP"),
		Endpoints:  &endpointsModel{CVM: types.StringValue("127.0.0.1:8080"), STS: types.StringValue("sts.internal.example.com")},
		AssumeRole: &assumeRoleModel{RoleARN: types.StringValue("qcs::cam::uin/1:roleName/r")},
	}
	if diags := resolved(assuming); len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "sts.internal.example.com") {
		t.Errorf("HTTP to a remote STS gave %v", diags)
	}
	// So does a source that needs no keys, and the account guard.
	assuming.AssumeRole = nil
	assuming.WebIdentity = &webIdentityModel{RoleARN: types.StringValue(testRoleARN), Token: types.StringValue("t")}
	if diags := resolved(assuming); len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "sts.internal.example.com") {
		t.Errorf("HTTP to a remote STS for a web identity gave %v", diags)
	}
	assuming.WebIdentity, assuming.AllowedAccountIDs = nil, []string{"100000000001"}
	if diags := resolved(assuming); len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "sts.internal.example.com") {
		t.Errorf("HTTP to a remote STS for the account guard gave %v", diags)
	}
}

package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func TestProvider_secretsAreSensitive(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for _, name := range []string{"secret_key", "security_token"} {
		if !resp.Schema.Attributes[name].(schema.StringAttribute).Sensitive {
			t.Errorf("%s is not sensitive", name)
		}
	}
}

func resolved(t *testing.T, config qcloudProviderModel) (clientConfig, diag.Diagnostics) {
	t.Helper()
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	return resolveClientConfig(config)
}

func TestProvider_plainHTTPToAnotherMachineWarns(t *testing.T) {
	for endpoint, warns := range map[string]bool{
		"cvm.internal.example.com": true,
		"10.0.0.8:8080":            true,
		"127.0.0.1:8080":           false,
		"[::1]:8080":               false,
		"localhost:8080":           false,
	} {
		config := qcloudProviderModel{
			Protocol:  types.StringValue("HTTP"),
			Endpoints: &endpointsModel{CVM: types.StringValue(endpoint)},
		}
		_, diags := resolved(t, config)
		if diags.HasError() {
			t.Fatal(diags)
		}
		warned := len(diags.Warnings()) == 1 && diags.Warnings()[0].Summary() == "Requests are not encrypted" &&
			strings.Contains(diags.Warnings()[0].Detail(), endpoint)
		if warned != warns {
			t.Errorf("HTTP to %s: warning %v, want %v (%v)", endpoint, warned, warns, diags)
		}
	}
	if _, diags := resolved(t, qcloudProviderModel{Endpoints: &endpointsModel{CVM: types.StringValue("cvm.internal.example.com")}}); len(diags) != 0 {
		t.Errorf("HTTPS to another machine gave %v", diags)
	}
	// STS counts only when a role is assumed.
	assuming := qcloudProviderModel{
		Protocol:   types.StringValue("HTTP"),
		Endpoints:  &endpointsModel{CVM: types.StringValue("127.0.0.1:8080"), STS: types.StringValue("sts.internal.example.com")},
		AssumeRole: &assumeRoleModel{RoleARN: types.StringValue("qcs::cam::uin/1:roleName/r")},
	}
	if _, diags := resolved(t, assuming); len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "sts.internal.example.com") {
		t.Errorf("HTTP to a remote STS gave %v", diags)
	}
}

// TestAccProvider_httpsIsTheDefault points the provider, with no protocol set, at an emulator behind TLS
// with a certificate nobody trusts: the read fails in the TLS handshake, which shows that the
// provider spoke HTTPS and checked the certificate.
func TestAccProvider_httpsIsTheDefault(t *testing.T) {
	emu := emulator.New(emulator.Config{Keys: map[string]string{testSecretID: testSecretKey}})
	srv := httptest.NewTLSServer(emu)
	defer srv.Close()
	config := acctest.ProviderBlock(append(acctest.Keys(testSecretID, testSecretKey), acctest.Endpoints(strings.TrimPrefix(srv.URL, "https://")))...) + listAll
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: errorMatching("Unable to read CVM instance states", "Post \"https://", "x509: certificate signed by unknown authority"),
		}},
	})
}

func TestAccProvider_invalidArguments(t *testing.T) {
	cases := map[string]struct {
		argument string
		message  string
	}{
		"rate_limit zero":      {`rate_limit = 0`, `rate_limit value must be none of`},
		"rate_limit negative":  {`rate_limit = -2`, `rate_limit value must be at least 0`},
		"max_retries negative": {`max_retries = -1`, `max_retries value must be at least 0`},
		"protocol":             {`protocol = "FTP"`, `protocol value must be one of`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock(tc.argument) + listAll,
					ExpectError: errorMatching(tc.message),
				}},
			})
		})
	}
}

func TestAccProvider_argumentsUnknownAtPlan(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: `resource "terraform_data" "key" { input = "` + testSecretKey + `" }
` + providerBlockWithoutKeys(srv, `secret_id = "`+testSecretID+`"`, `secret_key = terraform_data.key.output`) + listAll,
			ExpectError: errorMatching("Provider configuration not known until apply", "every provider argument must be known"),
		}},
	})
}

func TestAccProvider_invalidEndpoints(t *testing.T) {
	cases := map[string]struct {
		argument string
		env      string
		message  []string
	}{
		"endpoint with a scheme": {argument: `endpoints = { cvm = "https://cvm.example.com" }`,
			message: []string{"endpoints.cvm", "must be host[:port] with no scheme or path"}},
		"domain that makes no host name": {argument: `domain = "example.com/api"`,
			message: []string{"Invalid domain", `The domain "example.com/api" does not make host names`}},
		"protocol from the environment": {env: "ftp",
			message: []string{"Invalid protocol", envProtocol + ` is "ftp"; it must be HTTPS or HTTP`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv(envProtocol, tc.env)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock(tc.argument) + listAll,
					ExpectError: errorMatching(tc.message...),
				}},
			})
		})
	}
}

// writeProfile writes the tccli files of a profile into dir.
func writeProfile(t *testing.T, dir, name, credential, configure string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".credential"), []byte(credential), 0o600); err != nil {
		t.Fatal(err)
	}
	if configure != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".configure"), []byte(configure), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func testKeysJSON() string {
	return `{"secretId": "` + testSecretID + `", "secretKey": "` + testSecretKey + `"}`
}

func TestAccProvider_credentialsFromEnvironment(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 8, "ap-shanghai": 6}, Seed: 5})
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	t.Setenv(envRegion, "ap-shanghai")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet("ap-shanghai")), nil),
		}},
	})
}

func TestAccProvider_credentialsFromTccliProfile(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 8, "ap-shanghai": 6}, Seed: 6})
	dir := t.TempDir()
	writeProfile(t, dir, "work", testKeysJSON(), `{"_sys_param": {"region": "ap-shanghai", "output": "json"}}`)
	writeProfile(t, dir, "default", `{"secretId": "AKIDother", "secretKey": "other"}`, "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				// The profile's region applies when neither the block nor the environment sets one.
				Config:            providerBlockWithoutKeys(srv, `profile = "work"`, `shared_credentials_dir = "`+dir+`"`) + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet("ap-shanghai")), nil),
			},
			{
				PreConfig: func() {
					t.Setenv(envProfile, "work")
					t.Setenv(envSharedCredentialsDir, dir)
				},
				Config:            providerBlockWithoutKeys(srv, `region = "`+testRegion+`"`) + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
}

func TestAccProvider_keysTakePrecedenceOverTheProfile(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 5}, Seed: 7})
	dir := t.TempDir()
	writeProfile(t, dir, "default", `{"secretId": "AKIDother", "secretKey": "other"}`, "")
	t.Setenv(envSharedCredentialsDir, dir)
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
		}},
	})
}

func TestAccProvider_missingCredentialsNameEveryWayToSupplyThem(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	t.Setenv(envSecretID, "") // empty counts as unset
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlockWithoutKeys(srv) + listAll,
			ExpectError: errorMatching("No usable Tencent Cloud credentials", "secret_id and secret_key",
				envSecretID, envSecretKey, "a tccli profile", "no-tccli/default.credential"),
		}},
	})
}

func TestAccProvider_credentialErrors(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	dir := t.TempDir()
	writeProfile(t, dir, "broken", `{"secretId": "AKID`, "")
	writeProfile(t, dir, "empty", `{"secretId": ""}`, "")
	writeProfile(t, dir, "badregion", testKeysJSON(), `{"_sys_param": ["not", "an", "object"]}`)
	// A folder where the file should be: unreadable even for root, who can read any file.
	if err := os.Mkdir(filepath.Join(dir, "unreadable.credential"), 0o700); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		arguments []string
		message   []string
	}{
		"secret_id without secret_key": {[]string{`secret_id = "AKIDonly"`},
			[]string{"secret_id is set", "but secret_key is not: set secret_key or " + envSecretKey}},
		"secret_key without secret_id": {[]string{`secret_key = "only"`},
			[]string{"secret_key is set", "but secret_id is not: set secret_id or " + envSecretID}},
		"chosen profile that does not exist": {[]string{`profile = "nosuch"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{`the tccli profile "nosuch" was chosen`, "nosuch.credential does not exist"}},
		"malformed credential file": {[]string{`profile = "broken"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{"broken.credential is not valid JSON (at byte 18)"}},
		"credential file without keys": {[]string{`profile = "empty"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{"empty.credential has no secretId or no secretKey"}},
		"unreadable credential file": {[]string{`profile = "unreadable"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{`the tccli profile "unreadable" cannot be used: cannot read`, "unreadable.credential: is a directory"}},
		"malformed configure file": {[]string{`profile = "badregion"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{"Unable to read the region of the tccli profile", "badregion.configure does not have the fields"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      providerBlockWithoutKeys(srv, tc.arguments...) + listAll,
					ExpectError: errorMatching(tc.message...),
				}},
			})
		})
	}
}

const testRoleARN = "qcs::cam::uin/100000000001:roleName/reader"

func TestAccProvider_credentialsFromCAMRole(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 12}, Seed: 10, InstanceRoles: []string{"reader"}})
	block := providerBlockWithoutKeys(srv, "%s") + listAll
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:            fmt.Sprintf(block, `cam_role_name = "reader"`),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				PreConfig:         func() { t.Setenv(envCAMRoleName, "reader") },
				Config:            fmt.Sprintf(block, ""),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
	if len(emu.Stats().Tokens) == 0 {
		t.Fatal("no request was signed with the role's token")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf(block, `cam_role_name = "writer"`),
			ExpectError: errorMatching("Unable to obtain Tencent Cloud credentials", `the CAM role "writer" gave no keys`, "no such role is bound to this instance (HTTP 404)"),
		}},
	})
}

func TestAccProvider_assumeRole(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 12}, Seed: 11, Roles: map[string]string{testRoleARN: "ext-42"}})
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	block := providerBlockWithoutKeys(srv, "%s") + listAll
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(block, `assume_role {
    role_arn         = "`+testRoleARN+`"
    session_name     = "acceptance"
    session_duration = 900
    external_id      = "ext-42"
  }`),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				PreConfig: func() {
					t.Setenv(envAssumeRoleARN, testRoleARN)
					t.Setenv(envAssumeRoleExternalID, "ext-42")
					t.Setenv(envAssumeRoleSessionDuration, "900")
				},
				Config:            fmt.Sprintf(block, ""),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
	s := emu.Stats()
	if s.AssumedRoles == 0 || len(s.Tokens) == 0 {
		t.Fatalf("%d roles assumed and %d tokens used: the reads were not signed with the role's keys", s.AssumedRoles, len(s.Tokens))
	}
	for _, tc := range []struct {
		env, value string
		message    []string
	}{
		{envAssumeRoleExternalID, "wrong", []string{"Unable to obtain Tencent Cloud credentials", "STS AssumeRole of " + testRoleARN, "InvalidParameter.ExternalIdError"}},
		{envAssumeRoleSessionDuration, "two hours", []string{envAssumeRoleSessionDuration, `is "two hours"; it must be a number of seconds from 1 to 43200`}},
	} {
		t.Setenv(tc.env, tc.value)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps:                    []resource.TestStep{{Config: fmt.Sprintf(block, ""), ExpectError: errorMatching(tc.message...)}},
		})
	}
}

// TestAccProvider_assumeRoleBehindAGateway checks that STS answers go through the same checks as
// the CVM API's: a gateway's error page is reported with its HTTP status, not as unreadable JSON.
func TestAccProvider_assumeRoleBehindAGateway(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 1}})
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html><h1>502 Bad Gateway</h1></html>", http.StatusBadGateway)
	}))
	defer gateway.Close()
	config := acctest.ProviderBlock(append(acctest.Keys(testSecretID, testSecretKey), acctest.HTTP,
		fmt.Sprintf("endpoints = { cvm = %q, sts = %q }", endpointOf(srv), endpointOf(gateway)),
		fmt.Sprintf("assume_role { role_arn = %q }", testRoleARN))...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config + listAll,
			ExpectError: errorMatching("Unable to obtain Tencent Cloud credentials", "STS AssumeRole of "+testRoleARN,
				"the endpoint answered HTTP 502 Bad Gateway"),
		}},
	})
}

// TestAccProvider_credentialPrecedence sets several sources at once: keys win over the profile, the
// profile over the CAM role, and the CAM role is not even asked when something comes first.
func TestAccProvider_credentialPrecedence(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 6}, Seed: 12, InstanceRoles: []string{"reader"}})
	dir := t.TempDir()
	writeProfile(t, dir, "default", testKeysJSON(), "")
	t.Setenv(envCAMRoleName, "reader")
	block := providerBlockWithoutKeys(srv)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				// The profile comes before the CAM role.
				PreConfig:         func() { t.Setenv(envSharedCredentialsDir, dir) },
				Config:            block + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				// Keys come before the profile, whose keys here are not the emulator's.
				PreConfig: func() {
					writeProfile(t, dir, "default", `{"secretId": "AKIDother", "secretKey": "other"}`, "")
					t.Setenv(envSecretID, testSecretID)
					t.Setenv(envSecretKey, testSecretKey)
				},
				Config:            block + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
	if n := emu.Stats().MetadataRequests; n != 0 {
		t.Fatalf("the metadata service was asked %d times although keys came first", n)
	}
}

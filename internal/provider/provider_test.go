package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func TestProvider_secretsAreSensitive(t *testing.T) {
	t.Parallel()
	var resp provider.SchemaResponse
	New("test", envOf(nil))().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for _, name := range []string{"secret_key", "security_token"} {
		if !resp.Schema.Attributes[name].(schema.StringAttribute).Sensitive {
			t.Errorf("%s is not sensitive", name)
		}
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
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: errorMatching("Unable to read CVM instance states", "Post \"https://", "x509: certificate signed by unknown authority"),
		}},
	})
}

func TestAccProvider_invalidArguments(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		argument string
		message  []string
	}{
		"rate_limit zero":        {`rate_limit = 0`, []string{`rate_limit value must be none of`}},
		"rate_limit negative":    {`rate_limit = -2`, []string{`rate_limit value must be at least 0`}},
		"max_retries negative":   {`max_retries = -1`, []string{`max_retries value must be at least 0`}},
		"protocol":               {`protocol = "FTP"`, []string{`protocol value must be one of`}},
		"endpoint with a scheme": {`endpoints = { cvm = "https://cvm.example.com" }`, []string{"endpoints.cvm", "must be host[:port] with no scheme or path"}},
		// Errors of the resolution, which its unit tests cover case by case, reach the user too.
		"domain that makes no host name": {`domain = "example.com/api"`, []string{"Invalid domain", `The domain "example.com/api" does not make host names`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock(tc.argument) + listAll,
					ExpectError: errorMatching(tc.message...),
				}},
			})
		})
	}
}

func TestAccProvider_argumentsUnknownAtPlan(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: `resource "terraform_data" "key" { input = "` + testSecretKey + `" }
` + providerBlockWithoutKeys(srv, `secret_id = "`+testSecretID+`"`, `secret_key = terraform_data.key.output`) + listAll,
			ExpectError: errorMatching("Provider configuration not known until apply", "every provider argument must be known"),
		}},
	})
}

// TestAccProvider_credentialsFromEnvironment: keys and region from the environment alone.
func TestAccProvider_credentialsFromEnvironment(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 8, "ap-shanghai": 6}, Seed: 5})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providersWithEnv(map[string]string{envSecretID: testSecretID, envSecretKey: testSecretKey, envRegion: "ap-shanghai"}),
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet("ap-shanghai")), nil),
		}},
	})
}

// TestAccProvider_credentialsFromTccliProfile: keys and region from the files of a tccli
// profile, named in the block, then in the environment.
func TestAccProvider_credentialsFromTccliProfile(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 8, "ap-shanghai": 6}, Seed: 6})
	dir := profileDir(t)
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				// The profile's region applies when neither the block nor the environment sets one.
				ProtoV6ProviderFactories: testProviders,
				Config:                   providerBlockWithoutKeys(srv, `profile = "work"`, `shared_credentials_dir = "`+dir+`"`) + listAll,
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet("ap-shanghai")), nil),
			},
			{
				ProtoV6ProviderFactories: providersWithEnv(map[string]string{envProfile: "work", envSharedCredentialsDir: dir}),
				Config:                   providerBlockWithoutKeys(srv, `region = "`+testRegion+`"`) + listAll,
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
}

func TestAccProvider_missingCredentialsNameEveryWayToSupplyThem(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providersWithEnv(map[string]string{envSecretID: ""}), // empty counts as unset
		Steps: []resource.TestStep{{
			Config: providerBlockWithoutKeys(srv) + listAll,
			ExpectError: errorMatching("No usable Tencent Cloud credentials", "secret_id and secret_key",
				envSecretID, envSecretKey, "a tccli profile", "no-tccli/default.credential"),
		}},
	})
}

const testRoleARN = "qcs::cam::uin/100000000001:roleName/reader"

// TestAccProvider_credentialsFromCAMRole: the CAM role named in the block, then in the
// environment, signs every read with its temporary keys; a role not bound to the instance fails
// the configuration.
func TestAccProvider_credentialsFromCAMRole(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 12}, Seed: 10, InstanceRoles: []string{"reader"}})
	block := providerBlockWithoutKeys(srv, "%s") + listAll
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: testProviders,
				Config:                   fmt.Sprintf(block, `cam_role_name = "reader"`),
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				ProtoV6ProviderFactories: providersWithEnv(map[string]string{envCAMRoleName: "reader"}),
				Config:                   fmt.Sprintf(block, ""),
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet(testRegion)), nil),
				Check: func(*terraform.State) error {
					if len(emu.Stats().Tokens) == 0 {
						return errors.New("no request was signed with the role's token")
					}
					return nil
				},
			},
		},
	})
	// A case of its own: a failed configuration leaves no state to destroy with it.
	t.Run("a role not bound to the instance", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(block, `cam_role_name = "writer"`),
				ExpectError: errorMatching("Unable to obtain Tencent Cloud credentials", `the CAM role "writer" gave no keys`,
					"no such role is bound to this instance (HTTP 404)"),
			}},
		})
	})
}

// TestAccProvider_assumeRole: keys exchanged for a role's, with the block's arguments, then the
// environment's; a wrong external ID is STS's error, with its code.
func TestAccProvider_assumeRole(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 12}, Seed: 11, Roles: map[string]emulator.Role{testRoleARN: {ExternalID: "ext-42"}}})
	block := providerBlockWithoutKeys(srv, "%s") + listAll
	roleEnv := func(externalID string) map[string]string {
		return map[string]string{envSecretID: testSecretID, envSecretKey: testSecretKey,
			envAssumeRoleARN: testRoleARN, envAssumeRoleExternalID: externalID, envAssumeRoleSessionDuration: "900"}
	}
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providersWithEnv(testKeys),
				Config: fmt.Sprintf(block, `assume_role {
    role_arn         = "`+testRoleARN+`"
    session_name     = "acceptance"
    session_duration = 900
    external_id      = "ext-42"
  }`),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				ProtoV6ProviderFactories: providersWithEnv(roleEnv("ext-42")),
				Config:                   fmt.Sprintf(block, ""),
				ConfigStateChecks:        expectRead(sortedByID(emu.Fleet(testRegion)), nil),
				Check: func(*terraform.State) error {
					if s := emu.Stats(); s.AssumedRoles == 0 || len(s.Tokens) == 0 {
						return fmt.Errorf("%d roles assumed and %d tokens used: the reads were not signed with the role's keys", s.AssumedRoles, len(s.Tokens))
					}
					return nil
				},
			},
		},
	})
	// A case of its own: a failed configuration leaves no state to destroy with it.
	t.Run("a wrong external ID", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providersWithEnv(roleEnv("wrong")),
			Steps: []resource.TestStep{{
				Config:      fmt.Sprintf(block, ""),
				ExpectError: errorMatching("Unable to obtain Tencent Cloud credentials", "STS AssumeRole of "+testRoleARN, "InvalidParameter.ExternalIdError"),
			}},
		})
	})
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
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config + listAll,
			ExpectError: errorMatching("Unable to obtain Tencent Cloud credentials", "STS AssumeRole of "+testRoleARN,
				"the endpoint answered HTTP 502 Bad Gateway"),
		}},
	})
}

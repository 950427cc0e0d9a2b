package provider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestAccHTTPSIsTheDefault points the provider, with no protocol set, at an emulator behind TLS
// with a certificate nobody trusts: the read fails in the TLS handshake, which shows that the
// provider spoke HTTPS and checked the certificate.
func TestAccHTTPSIsTheDefault(t *testing.T) {
	emu := emulator.New(emulator.Config{Keys: map[string]string{testSecretID: testSecretKey}})
	srv := httptest.NewTLSServer(emu)
	defer srv.Close()
	config := `provider "qcloud" {
  secret_id  = "` + testSecretID + `"
  secret_key = "` + testSecretKey + `"
  endpoints  = { cvm = "` + strings.TrimPrefix(srv.URL, "https://") + `" }
}
` + listAll
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: errorMatching("Unable to read CVM instance states", "Post \"https://", "x509: certificate signed by unknown authority"),
		}},
	})
}

func resolved(t *testing.T, config qcloudProviderModel) (clientConfig, diag.Diagnostics) {
	t.Helper()
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	return resolveClientConfig(config)
}

func TestPlainHTTPToAnotherMachineWarns(t *testing.T) {
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

func TestSecretsAreSensitive(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for _, name := range []string{"secret_key", "security_token"} {
		if !resp.Schema.Attributes[name].(schema.StringAttribute).Sensitive {
			t.Errorf("%s is not sensitive", name)
		}
	}
}

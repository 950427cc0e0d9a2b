package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

// choosers set up, for each of credentialSources, what makes the provider block or the
// environment choose it; the tccli profiles are in profiles.
func choosers(profiles string) map[string]func(in *credentialInputs) {
	return map[string]func(in *credentialInputs){
		"assume_role_with_web_identity block": func(in *credentialInputs) {
			in.config.WebIdentity = &webIdentityModel{RoleARN: types.StringValue(testRoleARN), Token: types.StringValue("t")}
		},
		"enable_pod_oidc": func(in *credentialInputs) {
			in.config.EnablePodOIDC = types.BoolValue(true)
			in.env.TKERegion, in.env.TKEProviderID, in.env.TKEWebIdentityTokenFile, in.env.TKERoleARN = "ap-shanghai", "cls-abc", "/run/token", testRoleARN
		},
		"assume_role_with_saml block": func(in *credentialInputs) {
			in.config.SAML = &samlModel{RoleARN: types.StringValue(testRoleARN), PrincipalARN: types.StringValue("qcs::cam::uin/1:saml-provider/corp"),
				Assertion: types.StringValue("PHNhbWw+")}
		},
		"keys in the provider block": func(in *credentialInputs) {
			in.config.SecretID, in.config.SecretKey = types.StringValue(testSecretID), types.StringValue(testSecretKey)
		},
		"web identity of the environment": func(in *credentialInputs) {
			in.env.AssumeRoleARN, in.env.WebIdentityToken = testRoleARN, "t"
		},
		"SAML assertion of the environment": func(in *credentialInputs) {
			in.env.AssumeRoleARN, in.env.SAMLAssertion, in.env.PrincipalARN = testRoleARN, "PHNhbWw+", "qcs::cam::uin/1:saml-provider/corp"
		},
		"keys in the environment": func(in *credentialInputs) { in.env.SecretID, in.env.SecretKey = testSecretID, testSecretKey },
		"tccli profile": func(in *credentialInputs) {
			in.profile = tccliProfile{TccliProfile: auth.TccliProfile{Name: "work", Dir: profiles}, chosen: true}
		},
		"CAM role": func(in *credentialInputs) { in.env.CAMRoleName = "reader" },
	}
}

// TestCredentialSourcesOrder is the precedence of credentialSources: each source, chosen alone,
// gives credentials; chosen with any source after it in the list, it is still the one taken.
func TestCredentialSourcesOrder(t *testing.T) {
	t.Parallel()
	choosers := choosers(profileDir(t))
	inputs := func(sources ...credentialSource) credentialInputs {
		in := credentialInputs{profile: tccliProfile{TccliProfile: auth.TccliProfile{Name: "default", Dir: t.TempDir()}}}
		for _, s := range sources {
			choose, ok := choosers[s.name]
			if !ok {
				t.Fatalf("the source %q has no chooser: add one", s.name)
			}
			choose(&in)
		}
		return in
	}
	if len(choosers) != len(credentialSources) {
		t.Fatalf("%d choosers for %d sources: remove the chooser of a source that is gone", len(choosers), len(credentialSources))
	}
	if got := firstSource(inputs()); got != nil {
		t.Fatalf("with nothing set, the source %q applies", got.name)
	}
	for i, first := range credentialSources {
		alone := inputs(first)
		if got := firstSource(alone); got == nil || got.name != first.name {
			t.Fatalf("chosen alone, %q is not the source taken (%v)", first.name, got)
		}
		if _, description, err := first.yield(alone); err != nil || description == "" {
			t.Errorf("chosen alone, %q gives no credentials: %q, %v", first.name, description, err)
		}
		for _, later := range credentialSources[i+1:] {
			if got := firstSource(inputs(first, later)); got == nil || got.name != first.name {
				t.Errorf("with %q and %q chosen, the source taken is %v, want the first", first.name, later.name, got)
			}
		}
	}
}

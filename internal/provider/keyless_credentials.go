package provider

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

// keylessSource is a source of credentials that needs no keys: a web identity (an OIDC token),
// a TKE pod's web identity, or a SAML assertion, each exchanged for a role's temporary keys.
type keylessSource struct {
	// name says where it came from, for the log and for errors.
	name        string
	credentials func(at auth.STS) auth.Credentials
}

// chosenKeylessSource is the source that needs no keys which the provider block chooses (the
// schema allows at most one), else, unless the block sets keys, the one the environment chooses:
// TENCENTCLOUD_ASSUME_ROLE_ARN with a web identity token or a SAML assertion, as the official
// provider reads them. It is nil when there is none.
func chosenKeylessSource(config qcloudProviderModel, env environment) (*keylessSource, error) {
	switch {
	case config.WebIdentity != nil:
		return webIdentitySource(*config.WebIdentity, env, true)
	case config.EnablePodOIDC.ValueBool():
		return podOIDCSource(env)
	case config.SAML != nil:
		return samlSource(*config.SAML, env, true)
	case env(envAssumeRoleARN) == "" || keysInBlock(config):
		return nil, nil
	}
	token := env(envWebIdentityToken) != "" || env(envWebIdentityTokenFile) != ""
	saml := env(envSAMLAssertion) != ""
	switch {
	case token && saml:
		return nil, fmt.Errorf("%s is set with both a web identity token (%s or %s) and a SAML assertion (%s), so it is not clear which "+
			"should take on the role: unset one of them, or choose in the provider block with assume_role_with_web_identity or assume_role_with_saml",
			envAssumeRoleARN, envWebIdentityToken, envWebIdentityTokenFile, envSAMLAssertion)
	case token:
		return webIdentitySource(webIdentityModel{}, env, false)
	case saml:
		return samlSource(samlModel{}, env, false)
	}
	return nil, nil
}

func webIdentitySource(block webIdentityModel, env environment, inBlock bool) (*keylessSource, error) {
	id := auth.WebIdentity{
		RoleARN:     env.or(block.RoleARN, envAssumeRoleARN, ""),
		ProviderID:  env.or(block.ProviderID, envProviderID, defaultProviderID),
		SessionName: env.or(block.SessionName, envAssumeRoleSessionName, defaultSessionName),
	}
	// The block's token or file, else the environment's, where the file wins: it stays current.
	// tokenFrom says which, for the source's name.
	id.Token, id.TokenFile = block.Token.ValueString(), block.TokenFile.ValueString()
	var tokenFrom string
	switch {
	case id.TokenFile != "":
		tokenFrom = "web_identity_token_file " + id.TokenFile
	case id.Token != "":
		tokenFrom = "web_identity_token"
	case env(envWebIdentityTokenFile) != "":
		id.TokenFile, tokenFrom = env(envWebIdentityTokenFile), envWebIdentityTokenFile
	default:
		id.Token, tokenFrom = env(envWebIdentityToken), envWebIdentityToken
	}
	if err := requireArguments("assume_role_with_web_identity",
		requiredArgument{id.RoleARN, "role_arn", envAssumeRoleARN},
		requiredArgument{id.Token + id.TokenFile, "web_identity_token or web_identity_token_file", envWebIdentityToken + " or " + envWebIdentityTokenFile},
	); err != nil {
		return nil, err
	}
	var err error
	if id.Duration, err = sessionDuration(block.SessionDuration, env); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("assume_role_with_web_identity %s (token from %s)", id.RoleARN, tokenFrom)
	if !inBlock {
		name = fmt.Sprintf("the web identity of %s and %s (role %s)", envAssumeRoleARN, tokenFrom, id.RoleARN)
	}
	return &keylessSource{name: name, credentials: func(at auth.STS) auth.Credentials {
		return auth.AssumedRoleWithWebIdentity(id, at)
	}}, nil
}

// podOIDCSource is the web identity of a TKE pod, from the variables TKE sets; its STS requests
// go to the pod's region.
func podOIDCSource(env environment) (*keylessSource, error) {
	var missing []string
	for _, name := range []string{envTKERegion, envTKEProviderID, envTKEWebIdentityTokenFile, envTKERoleARN} {
		if env(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		verb := " is"
		if len(missing) > 1 {
			verb = " are"
		}
		return nil, fmt.Errorf("enable_pod_oidc is true, but %s%s not set. TKE sets %s, %s, %s and %s in the pods whose service account "+
			"is bound to a CAM role (with the cluster's OIDC provider and its pod identity webhook): run Terraform in such a pod, "+
			"or use assume_role_with_web_identity elsewhere", strings.Join(missing, " and "), verb,
			envTKERegion, envTKEProviderID, envTKEWebIdentityTokenFile, envTKERoleARN)
	}
	duration, err := sessionDuration(types.Int64Null(), env)
	if err != nil {
		return nil, err
	}
	id := auth.WebIdentity{
		RoleARN:     env(envTKERoleARN),
		ProviderID:  env(envTKEProviderID),
		SessionName: cmp.Or(env(envAssumeRoleSessionName), defaultSessionName),
		Duration:    duration,
		TokenFile:   env(envTKEWebIdentityTokenFile),
	}
	region := env(envTKERegion)
	return &keylessSource{name: "enable_pod_oidc (role " + id.RoleARN + ")", credentials: func(at auth.STS) auth.Credentials {
		at.Region = region
		return auth.AssumedRoleWithWebIdentity(id, at)
	}}, nil
}

func samlSource(block samlModel, env environment, inBlock bool) (*keylessSource, error) {
	s := auth.SAML{
		RoleARN:      env.or(block.RoleARN, envAssumeRoleARN, ""),
		PrincipalARN: env.or(block.PrincipalARN, envPrincipalARN, ""),
		Assertion:    env.or(block.Assertion, envSAMLAssertion, ""),
		SessionName:  env.or(block.SessionName, envAssumeRoleSessionName, defaultSessionName),
	}
	if err := requireArguments("assume_role_with_saml",
		requiredArgument{s.RoleARN, "role_arn", envAssumeRoleARN},
		requiredArgument{s.PrincipalARN, "principal_arn", envPrincipalARN},
		requiredArgument{s.Assertion, "saml_assertion", envSAMLAssertion},
	); err != nil {
		return nil, err
	}
	var err error
	if s.Duration, err = sessionDuration(block.SessionDuration, env); err != nil {
		return nil, err
	}
	name := "assume_role_with_saml " + s.RoleARN
	if !inBlock {
		name = fmt.Sprintf("the SAML assertion of %s (role %s)", envSAMLAssertion, s.RoleARN)
	}
	return &keylessSource{name: name, credentials: func(at auth.STS) auth.Credentials {
		return auth.AssumedRoleWithSAML(s, at)
	}}, nil
}

// requiredArgument is an argument of a block, with the environment variable it falls back to.
type requiredArgument struct{ value, name, env string }

// requireArguments says which of args block lacks, if any.
func requireArguments(block string, args ...requiredArgument) error {
	var missing []string
	for _, arg := range args {
		if arg.value == "" {
			missing = append(missing, arg.name+" (or "+arg.env+")")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s needs %s", block, strings.Join(missing, " and "))
}

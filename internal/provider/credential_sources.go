package provider

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

// credentialSources are the places credentials come from, in the order they are tried: what the
// provider block chooses before what the environment chooses, and from each, a source that needs
// no keys before keys. The first that applies gives the credentials; an assume_role block (or
// TENCENTCLOUD_ASSUME_ROLE_ARN, after a source with keys) then exchanges them for a role's.
var credentialSources = []credentialSource{
	{
		name: "assume_role_with_web_identity block", keyless: true,
		applies: func(in credentialInputs) bool { return in.config.WebIdentity != nil },
		yield: func(in credentialInputs) (auth.Credentials, string, error) {
			return webIdentityCredentials(in, *in.config.WebIdentity, func(role, tokenFrom string) string {
				return fmt.Sprintf("assume_role_with_web_identity %s (token from %s)", role, tokenFrom)
			})
		},
	},
	{
		name: "enable_pod_oidc", keyless: true,
		applies: func(in credentialInputs) bool { return in.config.EnablePodOIDC.ValueBool() },
		yield:   podIdentityCredentials,
	},
	{
		name: "assume_role_with_saml block", keyless: true,
		applies: func(in credentialInputs) bool { return in.config.SAML != nil },
		yield: func(in credentialInputs) (auth.Credentials, string, error) {
			return samlCredentials(in, *in.config.SAML, "assume_role_with_saml %[1]s")
		},
	},
	{
		name: "keys in the provider block",
		applies: func(in credentialInputs) bool {
			return in.config.SecretID.ValueString()+in.config.SecretKey.ValueString() != ""
		},
		yield: staticKeys,
	},
	{
		name: "web identity of the environment", keyless: true,
		applies: func(in credentialInputs) bool {
			return in.env.AssumeRoleARN != "" && in.env.WebIdentityToken+in.env.WebIdentityTokenFile != ""
		},
		yield: func(in credentialInputs) (auth.Credentials, string, error) {
			if in.env.SAMLAssertion != "" {
				return nil, "", fmt.Errorf("%s is set with both a web identity token (%s or %s) and a SAML assertion (%s), so it is not clear which "+
					"should take on the role: unset one of them, or choose in the provider block with assume_role_with_web_identity or assume_role_with_saml",
					envAssumeRoleARN, envWebIdentityToken, envWebIdentityTokenFile, envSAMLAssertion)
			}
			return webIdentityCredentials(in, webIdentityModel{}, func(role, tokenFrom string) string {
				return fmt.Sprintf("the web identity of %s and %s (role %s)", envAssumeRoleARN, tokenFrom, role)
			})
		},
	},
	{
		name: "SAML assertion of the environment", keyless: true,
		applies: func(in credentialInputs) bool { return in.env.AssumeRoleARN != "" && in.env.SAMLAssertion != "" },
		yield: func(in credentialInputs) (auth.Credentials, string, error) {
			return samlCredentials(in, samlModel{}, "the SAML assertion of "+envSAMLAssertion+" (role %[1]s)")
		},
	},
	{
		name:    "keys in the environment",
		applies: func(in credentialInputs) bool { return in.env.SecretID+in.env.SecretKey != "" },
		yield:   staticKeys,
	},
	{
		name:    "tccli profile",
		applies: func(in credentialInputs) bool { return in.profile.chosen || in.profile.exists() },
		yield:   profileKeys,
	},
	{
		name:    "CAM role",
		applies: func(in credentialInputs) bool { return setting(in.config.CAMRoleName, in.env.CAMRoleName, "") != "" },
		yield: func(in credentialInputs) (auth.Credentials, string, error) {
			role := setting(in.config.CAMRoleName, in.env.CAMRoleName, "")
			return auth.CAMRole(in.metadata, role), "CAM role " + role, nil
		},
	},
}

// credentialSource is one place credentials come from.
type credentialSource struct {
	// name is the source as the precedence tests know it.
	name string
	// keyless is set for a source that exchanges a token or an assertion for a role's keys:
	// TENCENTCLOUD_ASSUME_ROLE_ARN names its role, not a role to assume with its keys.
	keyless bool
	// applies reports whether the provider block or the environment chooses this source.
	applies func(in credentialInputs) bool
	// yield gives the source's credentials and where they came from, for the log and errors, or
	// why the chosen source cannot be used.
	yield func(in credentialInputs) (auth.Credentials, string, error)
}

// credentialInputs is what the choice of credentials reads.
type credentialInputs struct {
	config  qcloudProviderModel
	env     providerEnvironment
	profile tccliProfile
	// metadata is the metadata service's endpoint, which a CAM role's keys come from.
	metadata string
	sts      auth.STS
}

// chosenCredentials are the credentials to sign with, where they came from, and whether they call
// STS.
type chosenCredentials struct {
	credentials auth.Credentials
	description string
	usesSTS     bool
}

// firstSource is the first of credentialSources that applies, or nil.
func firstSource(in credentialInputs) *credentialSource {
	for i := range credentialSources {
		if credentialSources[i].applies(in) {
			return &credentialSources[i]
		}
	}
	return nil
}

// chooseCredentials gives the credentials of the first source that applies, exchanged for the
// role to assume if there is one.
func chooseCredentials(in credentialInputs) (chosenCredentials, diag.Diagnostics) {
	var diags diag.Diagnostics
	source := firstSource(in)
	role, err := roleToAssume(in.config.AssumeRole, in.env, source == nil || !source.keyless)
	if err != nil {
		diags.AddAttributeError(path.Root("assume_role"), "Invalid assume_role", err.Error())
	}
	if source == nil {
		diags.AddError("No usable Tencent Cloud credentials", noCredentialsMessage(in.profile))
		return chosenCredentials{}, diags
	}
	base, description, err := source.yield(in)
	if err != nil {
		diags.AddError("No usable Tencent Cloud credentials", err.Error())
		return chosenCredentials{}, diags
	}
	if role.ARN == "" {
		return chosenCredentials{credentials: base, description: description, usesSTS: source.keyless}, diags
	}
	return chosenCredentials{credentials: auth.AssumedRole(base, role, in.sts), description: description + ", then assume_role " + role.ARN, usesSTS: true}, diags
}

// staticKeys are secret_id and secret_key, each from the block or else the environment, with the
// security token of temporary keys.
func staticKeys(in credentialInputs) (auth.Credentials, string, error) {
	id := setting(in.config.SecretID, in.env.SecretID, "")
	key := setting(in.config.SecretKey, in.env.SecretKey, "")
	switch {
	case id == "":
		return nil, "", fmt.Errorf("secret_key is set (in the provider block or %s) but secret_id is not: set secret_id or %s as well", envSecretKey, envSecretID)
	case key == "":
		return nil, "", fmt.Errorf("secret_id is set (in the provider block or %s) but secret_key is not: set secret_key or %s as well", envSecretID, envSecretKey)
	}
	return auth.Static(id, key, setting(in.config.SecurityToken, in.env.SecurityToken, "")), "secret_id and secret_key", nil
}

// profileKeys are the keys of the tccli profile, which must exist when the user named it.
func profileKeys(in credentialInputs) (auth.Credentials, string, error) {
	p := in.profile
	keys, found, err := p.Keys()
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("the tccli profile %q cannot be used: %w", p.Name, err)
	case !found:
		return nil, "", fmt.Errorf("the tccli profile %q was chosen (profile or %s), but %s does not exist; run `tccli configure --profile %s`, or set shared_credentials_dir or %s to the folder that holds it",
			p.Name, envProfile, p.CredentialFile(), p.Name, envSharedCredentialsDir)
	}
	return keys, "tccli profile " + p.Name, nil
}

// exists reports whether the profile's credential file is there (readable or not).
func (p tccliProfile) exists() bool {
	_, err := os.Lstat(p.CredentialFile())
	return !errors.Is(err, fs.ErrNotExist)
}

// noCredentialsMessage names every way to supply credentials.
func noCredentialsMessage(profile tccliProfile) string {
	return fmt.Sprintf(`The provider found no Tencent Cloud credentials. Supply them in one of these ways:
  1. the provider arguments secret_id and secret_key (with security_token for temporary keys);
  2. the environment variables %s and %s (with %s);
  3. a tccli profile: %s, written by `+"`tccli configure`"+`; choose another with profile or %s, and another folder with shared_credentials_dir or %s;
  4. on a CVM instance, the CAM role bound to it: cam_role_name or %s;
or with no keys at all, one of:
  5. an OIDC token, such as a CI runner's: an assume_role_with_web_identity block, or %s with %s or %s;
  6. in a TKE pod bound to a CAM role: enable_pod_oidc = true, which reads %s, %s, %s and %s;
  7. a SAML assertion: an assume_role_with_saml block, or %s with %s and %s.
An assume_role block (or %s) then exchanges those keys for a role's.`,
		envSecretID, envSecretKey, envSecurityToken, profile.CredentialFile(), envProfile, envSharedCredentialsDir,
		envCAMRoleName,
		envAssumeRoleARN, envWebIdentityToken, envWebIdentityTokenFile,
		envTKERegion, envTKEProviderID, envTKEWebIdentityTokenFile, envTKERoleARN,
		envAssumeRoleARN, envSAMLAssertion, envPrincipalARN,
		envAssumeRoleARN)
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

// webIdentityCredentials are an OIDC token exchanged for a role's keys: the block's arguments, else the
// environment's. describe says where it came from, given the role and where the token is read.
func webIdentityCredentials(in credentialInputs, block webIdentityModel, describe func(role, tokenFrom string) string) (auth.Credentials, string, error) {
	id := auth.WebIdentity{
		RoleARN:     setting(block.RoleARN, in.env.AssumeRoleARN, ""),
		ProviderID:  setting(block.ProviderID, in.env.ProviderID, defaultProviderID),
		SessionName: setting(block.SessionName, in.env.SessionName, defaultSessionName),
	}
	// The block's token or file, else the environment's, where the file wins: it stays current.
	id.Token, id.TokenFile = block.Token.ValueString(), block.TokenFile.ValueString()
	var tokenFrom string
	switch {
	case id.TokenFile != "":
		tokenFrom = "web_identity_token_file " + id.TokenFile
	case id.Token != "":
		tokenFrom = "web_identity_token"
	case in.env.WebIdentityTokenFile != "":
		id.TokenFile, tokenFrom = in.env.WebIdentityTokenFile, envWebIdentityTokenFile
	default:
		id.Token, tokenFrom = in.env.WebIdentityToken, envWebIdentityToken
	}
	if err := requireArguments("assume_role_with_web_identity",
		requiredArgument{id.RoleARN, "role_arn", envAssumeRoleARN},
		requiredArgument{id.Token + id.TokenFile, "web_identity_token or web_identity_token_file", envWebIdentityToken + " or " + envWebIdentityTokenFile},
	); err != nil {
		return nil, "", err
	}
	var err error
	if id.Duration, err = sessionDuration(block.SessionDuration.ValueInt64Pointer(), in.env); err != nil {
		return nil, "", err
	}
	return auth.AssumedRoleWithWebIdentity(id, in.sts), describe(id.RoleARN, tokenFrom), nil
}

// podIdentityCredentials are the web identity of a TKE pod, from the variables TKE sets; its STS requests
// go to the pod's region.
func podIdentityCredentials(in credentialInputs) (auth.Credentials, string, error) {
	env := in.env
	var missing []string
	for _, v := range [][2]string{{envTKERegion, env.TKERegion}, {envTKEProviderID, env.TKEProviderID},
		{envTKEWebIdentityTokenFile, env.TKEWebIdentityTokenFile}, {envTKERoleARN, env.TKERoleARN}} {
		if v[1] == "" {
			missing = append(missing, v[0])
		}
	}
	if len(missing) > 0 {
		verb := " is"
		if len(missing) > 1 {
			verb = " are"
		}
		return nil, "", fmt.Errorf("enable_pod_oidc is true, but %s%s not set. TKE sets %s, %s, %s and %s in the pods whose service account "+
			"is bound to a CAM role (with the cluster's OIDC provider and its pod identity webhook): run Terraform in such a pod, "+
			"or use assume_role_with_web_identity elsewhere", strings.Join(missing, " and "), verb,
			envTKERegion, envTKEProviderID, envTKEWebIdentityTokenFile, envTKERoleARN)
	}
	duration, err := sessionDuration(nil, env)
	if err != nil {
		return nil, "", err
	}
	id := auth.WebIdentity{
		RoleARN: env.TKERoleARN, ProviderID: env.TKEProviderID, TokenFile: env.TKEWebIdentityTokenFile,
		SessionName: cmp.Or(env.SessionName, defaultSessionName), Duration: duration,
	}
	at := in.sts
	at.Region = env.TKERegion
	return auth.AssumedRoleWithWebIdentity(id, at), "enable_pod_oidc (role " + id.RoleARN + ")", nil
}

// samlAssertion is a SAML assertion exchanged for a role's keys: the block's arguments, else the
// environment's. describe is a format of the role that says where it came from.
func samlCredentials(in credentialInputs, block samlModel, describe string) (auth.Credentials, string, error) {
	s := auth.SAML{
		RoleARN:      setting(block.RoleARN, in.env.AssumeRoleARN, ""),
		PrincipalARN: setting(block.PrincipalARN, in.env.PrincipalARN, ""),
		Assertion:    setting(block.Assertion, in.env.SAMLAssertion, ""),
		SessionName:  setting(block.SessionName, in.env.SessionName, defaultSessionName),
	}
	if err := requireArguments("assume_role_with_saml",
		requiredArgument{s.RoleARN, "role_arn", envAssumeRoleARN},
		requiredArgument{s.PrincipalARN, "principal_arn", envPrincipalARN},
		requiredArgument{s.Assertion, "saml_assertion", envSAMLAssertion},
	); err != nil {
		return nil, "", err
	}
	var err error
	if s.Duration, err = sessionDuration(block.SessionDuration.ValueInt64Pointer(), in.env); err != nil {
		return nil, "", err
	}
	return auth.AssumedRoleWithSAML(s, in.sts), fmt.Sprintf(describe, s.RoleARN), nil
}

// roleToAssume is the assume_role block with its environment variables and defaults applied; its
// ARN is empty when no role is to be assumed. TENCENTCLOUD_ASSUME_ROLE_ARN names the role only
// after a source with keys (withKeys): a source that needs no keys takes it for its own role.
func roleToAssume(block *assumeRoleModel, env providerEnvironment, withKeys bool) (auth.Role, error) {
	if block == nil {
		block = &assumeRoleModel{}
	}
	role := auth.Role{ARN: block.RoleARN.ValueString()}
	if role.ARN == "" && withKeys {
		role.ARN = env.AssumeRoleARN
	}
	if role.ARN == "" {
		return role, nil
	}
	role.SessionName = setting(block.SessionName, env.SessionName, defaultSessionName)
	role.Policy = block.Policy.ValueString()
	role.ExternalID = setting(block.ExternalID, env.ExternalID, "")
	role.SourceIdentity = setting(block.SourceIdentity, env.SourceIdentity, "")
	role.SerialNumber = setting(block.SerialNumber, env.SerialNumber, "")
	role.TokenCode = setting(block.TokenCode, env.TokenCode, "")
	if (role.SerialNumber == "") != (role.TokenCode == "") {
		return role, fmt.Errorf("an MFA code needs both serial_number (or %s) and token_code (or %s); only one is set", envAssumeRoleSerialNumber, envAssumeRoleTokenCode)
	}
	var err error
	role.Duration, err = sessionDuration(block.SessionDuration.ValueInt64Pointer(), env)
	return role, err
}

// sessionDuration is the configured session duration (seconds), else its environment variable's,
// else the default.
func sessionDuration(configured *int64, env providerEnvironment) (time.Duration, error) {
	if configured != nil {
		return time.Duration(*configured) * time.Second, nil
	}
	if env.SessionDuration == "" {
		return defaultSessionDuration * time.Second, nil
	}
	seconds, err := strconv.Atoi(env.SessionDuration)
	if err != nil || seconds < 1 || seconds > maxSessionDuration {
		return 0, fmt.Errorf("%s is %q; it must be a number of seconds from 1 to %d", envAssumeRoleSessionDuration, env.SessionDuration, maxSessionDuration)
	}
	return time.Duration(seconds) * time.Second, nil
}

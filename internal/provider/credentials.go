package provider

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

// resolveCredentials returns the credentials to sign with, and says where they came from, for
// the log and for errors. They come from the first of: a source that needs no keys chosen in the
// provider block; keys in the block; a source that needs no keys chosen by the environment; keys
// in the environment; the tccli profile; the CAM role of the CVM instance. With a role to assume,
// they then sign STS AssumeRole, whose temporary keys sign everything else.
func resolveCredentials(config qcloudProviderModel, env environment, profile tccliProfile, keyless *keylessSource, role auth.Role, metadataEndpoint string, sts auth.STS) (auth.Credentials, string, error) {
	var base auth.Credentials
	var source string
	if keyless != nil {
		base, source = keyless.credentials(sts), keyless.name
	} else {
		var err error
		if base, source, err = baseCredentials(config, env, profile, metadataEndpoint); err != nil {
			return nil, "", err
		}
	}
	if role.ARN == "" {
		return base, source, nil
	}
	return auth.AssumedRole(base, role, sts), source + ", then assume_role " + role.ARN, nil
}

// keysInBlock reports whether the provider block sets keys, which then win over a source that
// needs no keys chosen by the environment.
func keysInBlock(config qcloudProviderModel) bool {
	return config.SecretID.ValueString() != "" || config.SecretKey.ValueString() != ""
}

func baseCredentials(config qcloudProviderModel, env environment, profile tccliProfile, metadataEndpoint string) (auth.Credentials, string, error) {
	id := env.or(config.SecretID, envSecretID, "")
	key := env.or(config.SecretKey, envSecretKey, "")
	token := env.or(config.SecurityToken, envSecurityToken, "")
	switch {
	case id != "" && key != "":
		return auth.Static(id, key, token), "secret_id and secret_key", nil
	case id != "":
		return nil, "", fmt.Errorf("secret_id is set (in the provider block or %s) but secret_key is not: set secret_key or %s as well", envSecretID, envSecretKey)
	case key != "":
		return nil, "", fmt.Errorf("secret_key is set (in the provider block or %s) but secret_id is not: set secret_id or %s as well", envSecretKey, envSecretID)
	}

	keys, found, err := profile.Keys()
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("the tccli profile %q cannot be used: %w", profile.Name, err)
	case found:
		return keys, "tccli profile " + profile.Name, nil
	case profile.chosen:
		return nil, "", fmt.Errorf("the tccli profile %q was chosen (profile or %s), but %s does not exist; run `tccli configure --profile %s`, or set shared_credentials_dir or %s to the folder that holds it",
			profile.Name, envProfile, profile.CredentialFile(), profile.Name, envSharedCredentialsDir)
	}

	if role := env.or(config.CAMRoleName, envCAMRoleName, ""); role != "" {
		return auth.CAMRole(metadataEndpoint, role), "CAM role " + role, nil
	}
	return nil, "", errors.New(noCredentialsMessage(profile))
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

// roleToAssume is the assume_role block with its environment variables and defaults applied; its
// ARN is empty when no role is to be assumed. TENCENTCLOUD_ASSUME_ROLE_ARN names the role only
// when envARN is set: a source that needs no keys takes that variable for its own role.
func roleToAssume(block *assumeRoleModel, env environment, envARN bool) (auth.Role, error) {
	if block == nil {
		block = &assumeRoleModel{}
	}
	role := auth.Role{
		ARN:            block.RoleARN.ValueString(),
		SessionName:    env.or(block.SessionName, envAssumeRoleSessionName, defaultSessionName),
		Policy:         block.Policy.ValueString(),
		ExternalID:     env.or(block.ExternalID, envAssumeRoleExternalID, ""),
		SourceIdentity: env.or(block.SourceIdentity, envAssumeRoleSourceIdentity, ""),
		SerialNumber:   env.or(block.SerialNumber, envAssumeRoleSerialNumber, ""),
		TokenCode:      env.or(block.TokenCode, envAssumeRoleTokenCode, ""),
	}
	if role.ARN == "" && envARN {
		role.ARN = env(envAssumeRoleARN)
	}
	if (role.SerialNumber == "") != (role.TokenCode == "") {
		return role, fmt.Errorf("an MFA code needs both serial_number (or %s) and token_code (or %s); only one is set", envAssumeRoleSerialNumber, envAssumeRoleTokenCode)
	}
	var err error
	role.Duration, err = sessionDuration(block.SessionDuration, env)
	return role, err
}

// sessionDuration is the configured session duration, else its environment variable's, else the
// default.
func sessionDuration(configured types.Int64, env environment) (time.Duration, error) {
	if !configured.IsNull() {
		return time.Duration(configured.ValueInt64()) * time.Second, nil
	}
	duration := env(envAssumeRoleSessionDuration)
	if duration == "" {
		return defaultSessionDuration * time.Second, nil
	}
	seconds, err := strconv.Atoi(duration)
	if err != nil || seconds < 1 || seconds > maxSessionDuration {
		return 0, fmt.Errorf("%s is %q; it must be a number of seconds from 1 to %d", envAssumeRoleSessionDuration, duration, maxSessionDuration)
	}
	return time.Duration(seconds) * time.Second, nil
}

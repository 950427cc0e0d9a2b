package provider

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// resolveCredentials returns the credentials to sign with, and says where they came from, for
// the log. The keys come from the first source that has them: the provider arguments or their
// environment variables, then the tccli profile, then the CAM role of the CVM instance; with a
// role to assume, they then sign STS AssumeRole, whose temporary keys sign everything else.
func resolveCredentials(config qcloudProviderModel, profile tccliProfile, role cvm.AssumeRole, s settings) (cvm.Credentials, string, error) {
	base, source, err := baseCredentials(config, profile, s)
	if err != nil || role.RoleARN == "" {
		return base, source, err
	}
	sts := cvm.STSEndpoint{Endpoint: s.stsEndpoint, Scheme: s.scheme, Region: s.region}
	return cvm.AssumeRoleCredentials(base, role, sts), source + ", then assume_role " + role.RoleARN, nil
}

func baseCredentials(config qcloudProviderModel, profile tccliProfile, s settings) (cvm.Credentials, string, error) {
	id := setting(config.SecretID, envSecretID, "")
	key := setting(config.SecretKey, envSecretKey, "")
	token := setting(config.SecurityToken, envSecurityToken, "")
	switch {
	case id != "" && key != "":
		return cvm.StaticCredentials(id, key, token), "secret_id and secret_key", nil
	case id != "":
		return nil, "", fmt.Errorf("secret_id is set (in the provider block or %s) but secret_key is not: set secret_key or %s as well", envSecretID, envSecretKey)
	case key != "":
		return nil, "", fmt.Errorf("secret_key is set (in the provider block or %s) but secret_id is not: set secret_id or %s as well", envSecretKey, envSecretID)
	}

	cred, found, err := profile.credential()
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("the tccli profile %q cannot be used: %w", profile.name, err)
	case found:
		return cvm.StaticCredentials(cred.SecretId, cred.SecretKey, cred.Token), "tccli profile " + profile.name, nil
	case profile.chosen:
		return nil, "", fmt.Errorf("the tccli profile %q was chosen (profile or %s), but %s does not exist; run `tccli configure --profile %s`, or set shared_credentials_dir or %s to the folder that holds it",
			profile.name, envProfile, profile.credentialFile(), profile.name, envSharedCredentialsDir)
	}

	if role := setting(config.CAMRoleName, envCAMRoleName, ""); role != "" {
		return cvm.CAMRoleCredentials(s.metadataEndpoint, role), "CAM role " + role, nil
	}
	return nil, "", errors.New(noCredentialsMessage(profile))
}

// noCredentialsMessage names every way to supply credentials, in the order they are tried.
func noCredentialsMessage(profile tccliProfile) string {
	return fmt.Sprintf(`The provider found no Tencent Cloud API keys. Supply them in one of these ways (the first that is set wins):
  1. the provider arguments secret_id and secret_key (with security_token for temporary keys);
  2. the environment variables %s and %s (with %s);
  3. a tccli profile: %s, written by `+"`tccli configure`"+`; choose another with profile or %s, and another folder with shared_credentials_dir or %s;
  4. on a CVM instance, the CAM role bound to it: cam_role_name or %s.
An assume_role block (or %s) then exchanges those keys for a role's.`,
		envSecretID, envSecretKey, envSecurityToken, profile.credentialFile(), envProfile, envSharedCredentialsDir,
		envCAMRoleName, envAssumeRoleARN)
}

// assumeRole is the assume_role block with its environment variables and defaults applied; its
// RoleARN is empty when no role is to be assumed.
func assumeRole(config qcloudProviderModel) (cvm.AssumeRole, error) {
	block := config.AssumeRole
	if block == nil {
		block = &assumeRoleModel{}
	}
	role := cvm.AssumeRole{
		RoleARN:     setting(block.RoleARN, envAssumeRoleARN, ""),
		SessionName: setting(block.SessionName, envAssumeRoleSessionName, defaultSessionName),
		Duration:    defaultSessionDuration * time.Second,
		Policy:      block.Policy.ValueString(),
		ExternalID:  setting(block.ExternalID, envAssumeRoleExternalID, ""),
	}
	if !block.SessionDuration.IsNull() {
		role.Duration = time.Duration(block.SessionDuration.ValueInt64()) * time.Second
	} else if env := os.Getenv(envAssumeRoleSessionDuration); env != "" {
		seconds, err := strconv.Atoi(env)
		if err != nil || seconds < 1 || seconds > maxSessionDuration {
			return role, fmt.Errorf("%s is %q; it must be a number of seconds from 1 to %d", envAssumeRoleSessionDuration, env, maxSessionDuration)
		}
		role.Duration = time.Duration(seconds) * time.Second
	}
	return role, nil
}

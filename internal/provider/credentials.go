package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// resolveCredentials returns the credentials to sign with, and says where they came from, for
// the log. The keys come from the first source that has them: the provider arguments or their
// environment variables, then the tccli profile, then the CAM role of the CVM instance; with a
// role to assume, they then sign STS AssumeRole, whose temporary keys sign everything else.
func resolveCredentials(config qcloudProviderModel, env environment, profile tccliProfile, role auth.Role, endpoints apiEndpoints, region string) (auth.Credentials, string, error) {
	base, source, err := baseCredentials(config, env, profile, endpoints.metadata)
	if err != nil || role.ARN == "" {
		return base, source, err
	}
	// STS answers like every Tencent Cloud API, so its requests go through the CVM client's checks.
	sts := auth.STS{Endpoint: endpoints.sts, Scheme: endpoints.scheme, Region: region, Transport: cvm.CheckedTransport(http.DefaultTransport)}
	return auth.AssumedRole(base, role, sts), source + ", then assume_role " + role.ARN, nil
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

// noCredentialsMessage names every way to supply credentials, in the order they are tried.
func noCredentialsMessage(profile tccliProfile) string {
	return fmt.Sprintf(`The provider found no Tencent Cloud API keys. Supply them in one of these ways (the first that is set wins):
  1. the provider arguments secret_id and secret_key (with security_token for temporary keys);
  2. the environment variables %s and %s (with %s);
  3. a tccli profile: %s, written by `+"`tccli configure`"+`; choose another with profile or %s, and another folder with shared_credentials_dir or %s;
  4. on a CVM instance, the CAM role bound to it: cam_role_name or %s.
An assume_role block (or %s) then exchanges those keys for a role's.`,
		envSecretID, envSecretKey, envSecurityToken, profile.CredentialFile(), envProfile, envSharedCredentialsDir,
		envCAMRoleName, envAssumeRoleARN)
}

// roleToAssume is the assume_role block with its environment variables and defaults applied; its
// ARN is empty when no role is to be assumed.
func roleToAssume(block *assumeRoleModel, env environment) (auth.Role, error) {
	if block == nil {
		block = &assumeRoleModel{}
	}
	role := auth.Role{
		ARN:         env.or(block.RoleARN, envAssumeRoleARN, ""),
		SessionName: env.or(block.SessionName, envAssumeRoleSessionName, defaultSessionName),
		Duration:    defaultSessionDuration * time.Second,
		Policy:      block.Policy.ValueString(),
		ExternalID:  env.or(block.ExternalID, envAssumeRoleExternalID, ""),
	}
	if !block.SessionDuration.IsNull() {
		role.Duration = time.Duration(block.SessionDuration.ValueInt64()) * time.Second
	} else if duration := env(envAssumeRoleSessionDuration); duration != "" {
		seconds, err := strconv.Atoi(duration)
		if err != nil || seconds < 1 || seconds > maxSessionDuration {
			return role, fmt.Errorf("%s is %q; it must be a number of seconds from 1 to %d", envAssumeRoleSessionDuration, duration, maxSessionDuration)
		}
		role.Duration = time.Duration(seconds) * time.Second
	}
	return role, nil
}

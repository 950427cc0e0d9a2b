package provider

import (
	"fmt"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// resolveCredential returns the keys to sign with from the first source that has them: the
// provider arguments or their environment variables, then the tccli profile. It also says
// which source that was, for the log.
func resolveCredential(config qcloudProviderModel, profile tccliProfile) (common.CredentialIface, string, error) {
	id := setting(config.SecretID, envSecretID, "")
	key := setting(config.SecretKey, envSecretKey, "")
	token := setting(config.SecurityToken, envSecurityToken, "")
	switch {
	case id != "" && key != "":
		return common.NewTokenCredential(id, key, token), "secret_id and secret_key", nil
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
		return cred, "tccli profile " + profile.name, nil
	case profile.chosen:
		return nil, "", fmt.Errorf("the tccli profile %q was chosen (profile or %s), but %s does not exist; run `tccli configure --profile %s`, or set shared_credentials_dir or %s to the folder that holds it",
			profile.name, envProfile, profile.credentialFile(), profile.name, envSharedCredentialsDir)
	}
	return nil, "", fmt.Errorf(`The provider found no Tencent Cloud API keys. Supply them in one of these ways (the first that is set wins):
  1. the provider arguments secret_id and secret_key (with security_token for temporary keys);
  2. the environment variables %s and %s (with %s);
  3. a tccli profile: %s, written by `+"`tccli configure`"+`; choose another with profile or %s, and another folder with shared_credentials_dir or %s.`,
		envSecretID, envSecretKey, envSecurityToken, profile.credentialFile(), envProfile, envSharedCredentialsDir)
}

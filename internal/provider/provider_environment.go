package provider

import "cmp"

// The environment variables of the official tencentcloud provider and tccli.
const (
	envSecretID                  = "TENCENTCLOUD_SECRET_ID"
	envSecretKey                 = "TENCENTCLOUD_SECRET_KEY"
	envSecurityToken             = "TENCENTCLOUD_SECURITY_TOKEN"
	envRegion                    = "TENCENTCLOUD_REGION"
	envProfile                   = "TENCENTCLOUD_PROFILE"
	envSharedCredentialsDir      = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
	envCAMRoleName               = "TENCENTCLOUD_CAM_ROLE_NAME"
	envAssumeRoleARN             = "TENCENTCLOUD_ASSUME_ROLE_ARN"
	envAssumeRoleSessionName     = "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME"
	envAssumeRoleSessionDuration = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"
	envAssumeRoleExternalID      = "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID"
	envAssumeRoleSourceIdentity  = "TENCENTCLOUD_ASSUME_ROLE_SOURCE_IDENTITY"
	envAssumeRoleSerialNumber    = "TENCENTCLOUD_ASSUME_ROLE_SERIAL_NUMBER"
	envAssumeRoleTokenCode       = "TENCENTCLOUD_ASSUME_ROLE_TOKEN_CODE"
	envWebIdentityToken          = "TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN"
	envWebIdentityTokenFile      = "TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE"
	envProviderID                = "TENCENTCLOUD_ASSUME_ROLE_PROVIDER_ID"
	envSAMLAssertion             = "TENCENTCLOUD_ASSUME_ROLE_SAML_ASSERTION"
	envPrincipalARN              = "TENCENTCLOUD_ASSUME_ROLE_PRINCIPAL_ARN"
	envProtocol                  = "TENCENTCLOUD_PROTOCOL"
	envDomain                    = "TENCENTCLOUD_DOMAIN"
)

// The variables TKE sets in a pod whose service account is bound to a CAM role.
const (
	envTKERegion               = "TKE_REGION"
	envTKEProviderID           = "TKE_PROVIDER_ID"
	envTKEWebIdentityTokenFile = "TKE_WEB_IDENTITY_TOKEN_FILE"
	envTKERoleARN              = "TKE_ROLE_ARN"
)

// environment reads the environment variables the provider falls back to: os.Getenv in the
// provider's binary, a map in tests, so that no test has to change the process's environment.
type environment func(name string) string

// providerEnvironment is every environment variable the provider reads, read once when it is
// configured. An empty value counts as unset.
type providerEnvironment struct {
	SecretID, SecretKey, SecurityToken, Region, Protocol, Domain string
	Profile, SharedCredentialsDir, CAMRoleName                   string
	// The role to assume, or the role of a web identity or SAML assertion.
	AssumeRoleARN, SessionName, SessionDuration, ExternalID, SourceIdentity, SerialNumber, TokenCode string
	WebIdentityToken, WebIdentityTokenFile, ProviderID, SAMLAssertion, PrincipalARN                  string
	// What TKE sets in a pod bound to a CAM role.
	TKERegion, TKEProviderID, TKEWebIdentityTokenFile, TKERoleARN string
}

func readEnvironment(getenv environment) providerEnvironment {
	return providerEnvironment{
		SecretID: getenv(envSecretID), SecretKey: getenv(envSecretKey), SecurityToken: getenv(envSecurityToken),
		Region: getenv(envRegion), Protocol: getenv(envProtocol), Domain: getenv(envDomain),
		Profile: getenv(envProfile), SharedCredentialsDir: getenv(envSharedCredentialsDir), CAMRoleName: getenv(envCAMRoleName),
		AssumeRoleARN: getenv(envAssumeRoleARN), SessionName: getenv(envAssumeRoleSessionName),
		SessionDuration: getenv(envAssumeRoleSessionDuration), ExternalID: getenv(envAssumeRoleExternalID),
		SourceIdentity: getenv(envAssumeRoleSourceIdentity), SerialNumber: getenv(envAssumeRoleSerialNumber),
		TokenCode: getenv(envAssumeRoleTokenCode), WebIdentityToken: getenv(envWebIdentityToken),
		WebIdentityTokenFile: getenv(envWebIdentityTokenFile), ProviderID: getenv(envProviderID),
		SAMLAssertion: getenv(envSAMLAssertion), PrincipalARN: getenv(envPrincipalARN),
		TKERegion: getenv(envTKERegion), TKEProviderID: getenv(envTKEProviderID),
		TKEWebIdentityTokenFile: getenv(envTKEWebIdentityTokenFile), TKERoleARN: getenv(envTKERoleARN),
	}
}

// setting is the first that is set of an argument's value, its environment variable's and def.
func setting(argument interface{ ValueString() string }, fromEnv, def string) string {
	return cmp.Or(argument.ValueString(), fromEnv, def)
}

package provider

import (
	"cmp"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

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

const (
	defaultRegion          = "ap-guangzhou"
	defaultProfile         = "default"
	defaultDomain          = "tencentcloudapi.com"
	defaultMaxRetries      = 8
	defaultSessionName     = "terraform-provider-qcloud"
	defaultSessionDuration = 7200
	maxSessionDuration     = 43200
	defaultProviderID      = "OIDC"
)

var accountIDPattern = regexp.MustCompile(`^[0-9]+$`)

var hostPortPattern = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$`)

// clientConfig is the provider block resolved into what the API clients need, after environment
// variables, profile files and defaults have been applied.
type clientConfig struct {
	endpoints        apiEndpoints
	region           string
	credentials      auth.Credentials
	credentialSource string // where the keys came from, for the log and errors
	sts              auth.STS
	// allowedAccounts and forbiddenAccounts guard the account the credentials belong to.
	allowedAccounts, forbiddenAccounts []string
	rateLimit                          float64
	maxRetries                         int
}

// apiEndpoints are the addresses of the APIs the provider calls.
type apiEndpoints struct {
	scheme   string // "https" or "http"; the metadata service is always plain HTTP
	cvm      string
	sts      string
	metadata string
}

// environment reads the environment variables the provider falls back to: os.Getenv in the
// provider's binary, a map in tests, so that no test has to change the process's environment.
type environment func(name string) string

// or returns the configured value, else the environment variable name's, else def. An empty
// value counts as unset, wherever it comes from.
func (env environment) or(v types.String, name, def string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	if s := env(name); s != "" {
		return s
	}
	return def
}

// resolveClientConfig resolves the provider block step by step: endpoints, the source that needs
// no keys and the role to assume, the tccli profile, the region, then the credentials, which
// need all of those.
func resolveClientConfig(config qcloudProviderModel, env environment) (clientConfig, diag.Diagnostics) {
	c := clientConfig{maxRetries: defaultMaxRetries, allowedAccounts: config.AllowedAccountIDs, forbiddenAccounts: config.ForbiddenAccountIDs}
	if !config.RateLimit.IsNull() {
		c.rateLimit = config.RateLimit.ValueFloat64()
	}
	if !config.MaxRetries.IsNull() {
		c.maxRetries = int(config.MaxRetries.ValueInt64())
	}

	endpoints, diags := resolveEndpoints(config, env)
	c.endpoints = endpoints
	keyless, err := chosenKeylessSource(config, env)
	if err != nil {
		diags.AddError("No usable Tencent Cloud credentials", err.Error())
		return c, diags
	}
	role, err := roleToAssume(config.AssumeRole, env, keyless == nil)
	if err != nil {
		diags.AddAttributeError(path.Root("assume_role"), "Invalid assume_role", err.Error())
	}
	usesSTS := role.ARN != "" || keyless != nil || len(c.allowedAccounts)+len(c.forbiddenAccounts) > 0
	diags.Append(plainHTTPWarning(endpoints, usesSTS)...)

	profile, err := chosenProfile(config, env)
	if err != nil {
		diags.AddAttributeError(path.Root("shared_credentials_dir"), "Unable to locate the tccli profile", err.Error())
		return c, diags
	}
	var regionDiags diag.Diagnostics
	c.region, regionDiags = resolveRegion(config.Region, profile, env)
	diags.Append(regionDiags...)
	// STS answers like every Tencent Cloud API, so its requests go through the CVM client's checks.
	c.sts = auth.STS{Endpoint: endpoints.sts, Scheme: endpoints.scheme, Region: c.region, Transport: cvm.CheckedTransport(http.DefaultTransport)}
	c.credentials, c.credentialSource, err = resolveCredentials(config, env, profile, keyless, role, endpoints.metadata, c.sts)
	if err != nil {
		diags.AddError("No usable Tencent Cloud credentials", err.Error())
	}
	return c, diags
}

// resolveEndpoints derives the scheme and every endpoint from protocol, domain and endpoints.
func resolveEndpoints(config qcloudProviderModel, env environment) (apiEndpoints, diag.Diagnostics) {
	var diags diag.Diagnostics
	var e apiEndpoints
	switch protocol := strings.ToUpper(env.or(config.Protocol, envProtocol, "HTTPS")); protocol {
	case "HTTPS", "HTTP":
		e.scheme = strings.ToLower(protocol)
	default:
		diags.AddAttributeError(path.Root("protocol"), "Invalid protocol",
			fmt.Sprintf("%s is %q; it must be HTTPS or HTTP.", envProtocol, env(envProtocol)))
	}
	var overrides endpointsModel
	if config.Endpoints != nil {
		overrides = *config.Endpoints
	}
	domain := env.or(config.Domain, envDomain, defaultDomain)
	e.cvm = cmp.Or(overrides.CVM.ValueString(), "cvm."+domain)
	e.sts = cmp.Or(overrides.STS.ValueString(), "sts."+domain)
	e.metadata = cmp.Or(overrides.Metadata.ValueString(), auth.DefaultMetadataEndpoint)
	if !hostPortPattern.MatchString("cvm." + domain) {
		diags.AddAttributeError(path.Root("domain"), "Invalid domain",
			fmt.Sprintf("The domain %q does not make host names such as cvm.%s; set domain (or %s) to a name such as %s.",
				domain, domain, envDomain, defaultDomain))
	}
	return e, diags
}

// plainHTTPWarning warns when requests would cross the network unencrypted: to a CVM endpoint,
// or, when STS is used, to an STS endpoint that is not this machine.
func plainHTTPWarning(e apiEndpoints, usesSTS bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if e.scheme != "http" {
		return diags
	}
	used := []string{e.cvm}
	if usesSTS {
		used = append(used, e.sts)
	}
	for _, endpoint := range used {
		if !loopback(endpoint) {
			diags.AddAttributeWarning(path.Root("protocol"), "Requests are not encrypted",
				fmt.Sprintf("protocol is HTTP, so requests to %s travel unencrypted and can be read or altered on the way. "+
					"Use HTTP only for an endpoint on this machine, such as the emulator.", endpoint))
			break
		}
	}
	return diags
}

// resolveRegion is the configured region, else the environment's, else the tccli profile's, else
// the default.
func resolveRegion(configured types.String, profile tccliProfile, env environment) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	region := env.or(configured, envRegion, "")
	if region == "" {
		var err error
		region, err = profile.Region()
		if err != nil {
			diags.AddAttributeError(path.Root("region"), "Unable to read the region of the tccli profile", err.Error())
		}
	}
	return cmp.Or(region, defaultRegion), diags
}

// loopback reports whether endpoint (host[:port]) is this machine.
func loopback(endpoint string) bool {
	host := endpoint
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

package provider

import (
	"cmp"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

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

// resolveClientConfig resolves the provider block, with the environment getenv reads and the
// defaults: endpoints, the tccli profile, the region, then the credentials, which need all of
// those.
func resolveClientConfig(config qcloudProviderModel, getenv environment) (clientConfig, diag.Diagnostics) {
	env := readEnvironment(getenv)
	c := clientConfig{maxRetries: defaultMaxRetries, allowedAccounts: config.AllowedAccountIDs, forbiddenAccounts: config.ForbiddenAccountIDs}
	if !config.RateLimit.IsNull() {
		c.rateLimit = config.RateLimit.ValueFloat64()
	}
	if !config.MaxRetries.IsNull() {
		c.maxRetries = int(config.MaxRetries.ValueInt64())
	}

	endpoints, diags := resolveEndpoints(config, env)
	c.endpoints = endpoints
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

	chosen, credDiags := chooseCredentials(credentialInputs{config: config, env: env, profile: profile, metadata: endpoints.metadata, sts: c.sts})
	diags.Append(credDiags...)
	c.credentials, c.credentialSource = chosen.credentials, chosen.description
	diags.Append(plainHTTPWarning(endpoints, chosen.usesSTS || len(c.allowedAccounts)+len(c.forbiddenAccounts) > 0)...)
	return c, diags
}

// resolveEndpoints derives the scheme and every endpoint from protocol, domain and endpoints.
func resolveEndpoints(config qcloudProviderModel, env providerEnvironment) (apiEndpoints, diag.Diagnostics) {
	var diags diag.Diagnostics
	var e apiEndpoints
	switch protocol := strings.ToUpper(setting(config.Protocol, env.Protocol, "HTTPS")); protocol {
	case "HTTPS", "HTTP":
		e.scheme = strings.ToLower(protocol)
	default:
		diags.AddAttributeError(path.Root("protocol"), "Invalid protocol",
			fmt.Sprintf("%s is %q; it must be HTTPS or HTTP.", envProtocol, env.Protocol))
	}
	var overrides endpointsModel
	if config.Endpoints != nil {
		overrides = *config.Endpoints
	}
	domain := setting(config.Domain, env.Domain, defaultDomain)
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
func resolveRegion(configured types.String, profile tccliProfile, env providerEnvironment) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	region := setting(configured, env.Region, "")
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

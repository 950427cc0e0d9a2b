package provider

import (
	"cmp"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	envProtocol                  = "TENCENTCLOUD_PROTOCOL"
	envDomain                    = "TENCENTCLOUD_DOMAIN"
)

const (
	defaultRegion          = "ap-guangzhou"
	defaultProfile         = "default"
	defaultDomain          = "tencentcloudapi.com"
	defaultRateLimit       = 40
	defaultMaxRetries      = 8
	defaultSessionName     = "terraform-provider-qcloud"
	defaultSessionDuration = 7200
	maxSessionDuration     = 43200
)

var hostPortPattern = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$`)

// settings is the provider configuration after environment variables, profile files and
// defaults have been applied.
type settings struct {
	credentials      cvm.Credentials
	credentialSource string
	region           string
	scheme           string
	endpoint         string // CVM
	stsEndpoint      string
	metadataEndpoint string
	rateLimit        float64
	maxRetries       int
}

// setting returns the configured value, else the environment variable's, else def. An empty
// value counts as unset, wherever it comes from.
func setting(v types.String, env, def string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	if s := os.Getenv(env); s != "" {
		return s
	}
	return def
}

func resolveSettings(config qcloudProviderModel) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{
		rateLimit:  defaultRateLimit,
		maxRetries: defaultMaxRetries,
	}
	if !config.RateLimit.IsNull() {
		s.rateLimit = config.RateLimit.ValueFloat64()
	}
	if !config.MaxRetries.IsNull() {
		s.maxRetries = int(config.MaxRetries.ValueInt64())
	}

	switch protocol := strings.ToUpper(setting(config.Protocol, envProtocol, "HTTPS")); protocol {
	case "HTTPS", "HTTP":
		s.scheme = strings.ToLower(protocol)
	default:
		diags.AddAttributeError(path.Root("protocol"), "Invalid protocol",
			fmt.Sprintf("%s is %q; it must be HTTPS or HTTP.", envProtocol, os.Getenv(envProtocol)))
	}

	var endpoints endpointsModel
	if config.Endpoints != nil {
		endpoints = *config.Endpoints
	}
	domain := setting(config.Domain, envDomain, defaultDomain)
	s.endpoint = cmp.Or(endpoints.CVM.ValueString(), "cvm."+domain)
	s.stsEndpoint = cmp.Or(endpoints.STS.ValueString(), "sts."+domain)
	s.metadataEndpoint = cmp.Or(endpoints.Metadata.ValueString(), cvm.DefaultMetadataEndpoint)
	if !hostPortPattern.MatchString("cvm." + domain) {
		diags.AddAttributeError(path.Root("domain"), "Invalid domain",
			fmt.Sprintf("The domain %q does not make host names such as cvm.%s; set domain (or %s) to a name such as %s.",
				domain, domain, envDomain, defaultDomain))
	}
	role, err := assumeRole(config)
	if err != nil {
		diags.AddAttributeError(path.Root("assume_role"), "Invalid assume_role", err.Error())
	}
	if s.scheme == "http" {
		used := []string{s.endpoint}
		if role.RoleARN != "" {
			used = append(used, s.stsEndpoint)
		}
		for _, endpoint := range used {
			if !loopback(endpoint) {
				diags.AddAttributeWarning(path.Root("protocol"), "Requests are not encrypted",
					fmt.Sprintf("protocol is HTTP, so requests to %s travel unencrypted and can be read or altered on the way. "+
						"Use HTTP only for an endpoint on this machine, such as the emulator.", endpoint))
				break
			}
		}
	}

	profile, err := newTccliProfile(config)
	if err != nil {
		diags.AddAttributeError(path.Root("shared_credentials_dir"), "Unable to locate the tccli profile", err.Error())
		return s, diags
	}
	s.region = setting(config.Region, envRegion, "")
	if s.region == "" {
		s.region, err = profile.region()
		if err != nil {
			diags.AddAttributeError(path.Root("region"), "Unable to read the region of the tccli profile", err.Error())
		}
	}
	if s.region == "" {
		s.region = defaultRegion
	}
	s.credentials, s.credentialSource, err = resolveCredentials(config, profile, role, s)
	if err != nil {
		diags.AddError("No usable Tencent Cloud credentials", err.Error())
	}
	return s, diags
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

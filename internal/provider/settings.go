package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// The environment variables of the official tencentcloud provider and tccli.
const (
	envSecretID             = "TENCENTCLOUD_SECRET_ID"
	envSecretKey            = "TENCENTCLOUD_SECRET_KEY"
	envSecurityToken        = "TENCENTCLOUD_SECURITY_TOKEN"
	envRegion               = "TENCENTCLOUD_REGION"
	envProfile              = "TENCENTCLOUD_PROFILE"
	envSharedCredentialsDir = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
	envProtocol             = "TENCENTCLOUD_PROTOCOL"
	envDomain               = "TENCENTCLOUD_DOMAIN"
)

const (
	defaultRegion     = "ap-guangzhou"
	defaultProfile    = "default"
	defaultDomain     = "tencentcloudapi.com"
	defaultRateLimit  = 40
	defaultMaxRetries = 8
)

var hostPortPattern = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$`)

// settings is the provider configuration after environment variables, profile files and
// defaults have been applied.
type settings struct {
	credential       common.CredentialIface
	credentialSource string
	region           string
	endpoint         string
	scheme           string
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

	s.endpoint = "cvm." + setting(config.Domain, envDomain, defaultDomain)
	if config.Endpoints != nil && config.Endpoints.CVM.ValueString() != "" {
		s.endpoint = config.Endpoints.CVM.ValueString()
	}
	if !hostPortPattern.MatchString(s.endpoint) {
		diags.AddAttributeError(path.Root("domain"), "Invalid domain",
			fmt.Sprintf("The CVM endpoint %q made from the domain is not a host name; set domain (or %s) to a name such as %s.",
				s.endpoint, envDomain, defaultDomain))
	}

	profile, err := newTccliProfile(config)
	if err != nil {
		diags.AddAttributeError(path.Root("shared_credentials_dir"), "Unable to locate the tccli profile", err.Error())
		return s, diags
	}
	s.credential, s.credentialSource, err = resolveCredential(config, profile)
	if err != nil {
		diags.AddError("No usable Tencent Cloud credentials", err.Error())
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
	return s, diags
}

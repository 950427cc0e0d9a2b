package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

// The defaults of the provider block, which its schema documents.
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

// The forms of an account ID and of an endpoint (host[:port], no scheme).
var accountIDPattern = regexp.MustCompile(`^[0-9]+$`)

var hostPortPattern = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$`)

// endpointValidator accepts host[:port]: a name, an IPv4 address or a bracketed IPv6 address.
var endpointValidator = stringvalidator.RegexMatches(
	hostPortPattern,
	"must be host[:port] with no scheme or path, such as cvm.internal.example.com or 127.0.0.1:8080",
)

// ConfigValidators allow at most one of the sources that need no keys.
func (p *qcloudProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{providervalidator.Conflicting(
		path.MatchRoot("assume_role_with_web_identity"), path.MatchRoot("enable_pod_oidc"), path.MatchRoot("assume_role_with_saml"),
	)}
}

// accountIDsValidators check a set of account IDs that conflicts with the set other.
func accountIDsValidators(other string) []validator.Set {
	return []validator.Set{
		setvalidator.SizeAtLeast(1),
		setvalidator.ValueStringsAre(stringvalidator.RegexMatches(accountIDPattern, "must be an account ID: the root account's UIN, such as 100000000001")),
		setvalidator.ConflictsWith(path.MatchRoot(other)),
	}
}

func (p *qcloudProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The qcloud provider reads and changes the power state of Tencent Cloud CVM instances. Every argument is optional " +
			"and falls back to the environment variable the official `tencentcloud` provider and `tccli` use.",
		Attributes: map[string]schema.Attribute{
			"secret_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The SecretId of an API key. Environment variable: `" + envSecretID + "`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The SecretKey of an API key. Environment variable: `" + envSecretKey + "`.",
			},
			"security_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The token that goes with temporary keys. Environment variable: `" + envSecurityToken + "`.",
			},
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The region to read, such as `ap-guangzhou`. Environment variable: `" + envRegion +
					"`; then the region of the tccli profile; then `" + defaultRegion + "`.",
			},
			"profile": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The tccli profile whose `<profile>.credential` and `<profile>.configure` files supply " +
					"keys and region when no keys are given. Environment variable: `" + envProfile + "`. Default: `" + defaultProfile + "`.",
			},
			"shared_credentials_dir": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The folder of the tccli profile files. Environment variable: `" + envSharedCredentialsDir +
					"`. Default: `~/.tccli`.",
			},
			"cam_role_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The CAM role bound to the CVM instance Terraform runs on: its temporary keys come from the " +
					"instance's metadata service and are renewed before they expire. Used when no keys and no tccli profile " +
					"are found. Environment variable: `" + envCAMRoleName + "`.",
			},
			"enable_pod_oidc": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "`true` in a TKE pod whose service account is bound to a CAM role: the provider exchanges " +
					"the pod's OIDC token for the role's temporary keys with STS `AssumeRoleWithWebIdentity`, from the variables " +
					"TKE sets (`" + envTKERegion + "`, `" + envTKEProviderID + "`, `" + envTKEWebIdentityTokenFile + "`, `" + envTKERoleARN +
					"`), and reads the token file again at each renewal. Needs no keys; at most one of this, " +
					"`assume_role_with_web_identity` and `assume_role_with_saml` may be set.",
			},
			"allowed_account_ids": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "The only accounts (root account UINs) this configuration may run against. When the " +
					"provider is configured, it asks STS `GetCallerIdentity` once which account the credentials belong to, and " +
					"stops before any CVM call when it is another. Conflicts with `forbidden_account_ids`.",
				Validators: accountIDsValidators("forbidden_account_ids"),
			},
			"forbidden_account_ids": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Accounts (root account UINs) this configuration must never run against, checked like " +
					"`allowed_account_ids`, with which it conflicts.",
				Validators: accountIDsValidators("allowed_account_ids"),
			},
			"protocol": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`HTTPS` or `HTTP`. Use `HTTP` only for a local endpoint such as the emulator. " +
					"Environment variable: `" + envProtocol + "`. Default: `HTTPS`.",
				Validators: []validator.String{stringvalidator.OneOfCaseInsensitive("HTTPS", "HTTP")},
			},
			"domain": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The root domain of the API; the CVM endpoint is `cvm.<domain>`. Environment variable: `" +
					envDomain + "`. Default: `" + defaultDomain + "`.",
			},
			"endpoints": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Endpoints that replace the ones derived from `domain`, for private clouds and the emulator.",
				Attributes: map[string]schema.Attribute{
					"cvm": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The CVM API as `host[:port]`, with no scheme (`protocol` sets it). Default: `cvm.<domain>`.",
						Validators:          []validator.String{endpointValidator},
					},
					"sts": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The STS API that `assume_role`, the sources that need no keys and the account check call, " +
							"as `host[:port]`. Default: `sts.<domain>`.",
						Validators: []validator.String{endpointValidator},
					},
					"metadata": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The CVM metadata service that `cam_role_name` reads, as `host[:port]`, always over " +
							"plain HTTP. Default: `" + auth.DefaultMetadataEndpoint + "`.",
						Validators: []validator.String{endpointValidator},
					},
				},
			},
			"rate_limit": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "The most requests per second of each API action in each region, shared by everything " +
					"this provider configuration does. Each action is paced in each region at the lower of this and its documented limit (40 per second for " +
					"`DescribeInstancesStatus` and `DescribeInstances`, 10 for `StartInstances`, `StopInstances` and " +
					"`RebootInstances`), which is also the default. The limits hold per account and region, for every client: " +
					"when the API answers `RequestLimitExceeded`, the action's pace in that region drops and then climbs back towards this " +
					"limit, so that runs sharing the account settle near their share on their own.",
				Validators: []validator.Float64{float64validator.AtLeast(0), float64validator.NoneOf(0)},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How often one request is retried after an internal error of the API, a malformed " +
					"answer or a network failure, with exponential backoff. A throttled request (`RequestLimitExceeded`) " +
					"is retried until the read's or the operation's timeout, however many attempts that takes: it only " +
					"means \"wait\". `0` disables every retry, throttled ones included. Default: `8`.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role":                   assumeRoleBlock(),
			"assume_role_with_web_identity": webIdentityBlock(),
			"assume_role_with_saml":         samlBlock(),
		},
	}
}

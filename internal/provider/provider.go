// Package provider is the Terraform side of the qcloud provider: its schemas, the resolution of
// its configuration into an API client, and the conversion of API results into state.
package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

var (
	_ provider.Provider                  = &qcloudProvider{}
	_ provider.ProviderWithActions       = &qcloudProvider{}
	_ provider.ProviderWithListResources = &qcloudProvider{}
)

// qcloudProvider is the qcloud provider; version is set by the release build.
type qcloudProvider struct {
	version string
	// env is where the provider reads the environment variables its arguments fall back to.
	env environment
	// actionLimits replaces the API's documented per-action rate limits; only the benchmarks set
	// it, to measure the provider's own cost against an emulator without limits.
	actionLimits map[string]float64
}

// qcloudProviderModel is the provider block.
type qcloudProviderModel struct {
	SecretID             types.String     `tfsdk:"secret_id"`
	SecretKey            types.String     `tfsdk:"secret_key"`
	SecurityToken        types.String     `tfsdk:"security_token"`
	Region               types.String     `tfsdk:"region"`
	Profile              types.String     `tfsdk:"profile"`
	SharedCredentialsDir types.String     `tfsdk:"shared_credentials_dir"`
	CAMRoleName          types.String     `tfsdk:"cam_role_name"`
	AssumeRole           *assumeRoleModel `tfsdk:"assume_role"`
	Protocol             types.String     `tfsdk:"protocol"`
	Domain               types.String     `tfsdk:"domain"`
	Endpoints            *endpointsModel  `tfsdk:"endpoints"`
	RateLimit            types.Float64    `tfsdk:"rate_limit"`
	MaxRetries           types.Int64      `tfsdk:"max_retries"`
}

type assumeRoleModel struct {
	RoleARN         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	Policy          types.String `tfsdk:"policy"`
	ExternalID      types.String `tfsdk:"external_id"`
}

type endpointsModel struct {
	CVM      types.String `tfsdk:"cvm"`
	STS      types.String `tfsdk:"sts"`
	Metadata types.String `tfsdk:"metadata"`
}

// providerData is what the provider hands its data sources, resources, list resources and actions.
type providerData struct {
	client *cvm.Client
	region string
}

// providerDataOf is the providerData that Configure receives, or nil before the provider is
// configured (as when Terraform validates a configuration).
func providerDataOf(data any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if data == nil {
		return nil, diags
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", data))
	}
	return d, diags
}

// New returns a constructor of the provider at version, which reads the environment variables
// its arguments fall back to with getenv: os.Getenv in the provider's binary.
func New(version string, getenv func(name string) string) func() provider.Provider {
	return func() provider.Provider {
		return &qcloudProvider{version: version, env: getenv}
	}
}

func (p *qcloudProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "qcloud"
	resp.Version = p.version
}

// endpointValidator accepts host[:port]: a name, an IPv4 address or a bracketed IPv6 address.
var endpointValidator = stringvalidator.RegexMatches(
	hostPortPattern,
	"must be host[:port] with no scheme or path, such as cvm.internal.example.com or 127.0.0.1:8080",
)

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
						Optional:            true,
						MarkdownDescription: "The STS API that `assume_role` calls, as `host[:port]`. Default: `sts.<domain>`.",
						Validators:          []validator.String{endpointValidator},
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
				MarkdownDescription: "The most requests per second of each API action, shared by everything this provider " +
					"configuration does. Each action is paced at the lower of this and its documented limit (40 per second for " +
					"`DescribeInstancesStatus` and `DescribeInstances`, 10 for `StartInstances`, `StopInstances` and " +
					"`RebootInstances`), which is also the default. The limits hold per account and region, for every client: " +
					"when the API answers `RequestLimitExceeded`, the action's pace drops and then climbs back towards this " +
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
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Take on a CAM role with STS `AssumeRole`, signed with the keys found otherwise; its " +
					"temporary keys then sign every request and are renewed before they expire.",
				Attributes: map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The role, such as `qcs::cam::uin/100000000001:roleName/reader`. Environment variable: `" +
							envAssumeRoleARN + "`.",
					},
					"session_name": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The name of the role session, shown in CloudAudit. Environment variable: `" +
							envAssumeRoleSessionName + "`. Default: `" + defaultSessionName + "`.",
					},
					"session_duration": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "How long the temporary keys last, in seconds (1 to 43200). Environment variable: `" +
							envAssumeRoleSessionDuration + "`. Default: `7200`.",
						Validators: []validator.Int64{int64validator.Between(1, maxSessionDuration)},
					},
					"policy": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "A policy, as JSON, that narrows what the temporary keys may do.",
					},
					"external_id": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The external ID the role's trust policy requires. Environment variable: `" +
							envAssumeRoleExternalID + "`.",
					},
				},
			},
		},
	}
}

func (p *qcloudProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	if !req.Config.Raw.IsFullyKnown() {
		resp.Diagnostics.AddError("Provider configuration not known until apply",
			"An argument of the qcloud provider depends on a value that is known only after apply, such as an attribute "+
				"of a resource. Its data sources read during plan, so every provider argument must be known then: use "+
				"variables, locals or environment variables instead.")
		return
	}
	var config qcloudProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, diags := resolveClientConfig(config, p.env)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Temporary keys are fetched now, so that a wrong role fails the configuration, not each read.
	if _, err := c.credentials.Credential(ctx); err != nil {
		resp.Diagnostics.AddError("Unable to obtain Tencent Cloud credentials", err.Error())
		return
	}
	client, err := cvm.NewClient(cvm.Config{
		Credentials:   c.credentials,
		Endpoint:      c.endpoints.cvm,
		Scheme:        c.endpoints.scheme,
		RateLimit:     c.rateLimit,
		ActionLimits:  p.actionLimits,
		MaxRetries:    c.maxRetries,
		RequestClient: "terraform-provider-qcloud v" + p.version,
		Log:           tflog.Debug,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the CVM API client", err.Error())
		return
	}
	tflog.Debug(ctx, "configured the qcloud provider", map[string]any{
		"region": c.region, "endpoint": c.endpoints.cvm, "scheme": c.endpoints.scheme, "credential_source": c.credentialSource,
		"rate_limit": c.rateLimit, "max_retries": c.maxRetries,
	})
	data := &providerData{client: client, region: c.region}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *qcloudProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewInstancesStatusDataSource}
}

func (p *qcloudProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewStartInstancesAction, NewStopInstancesAction, NewRebootInstancesAction}
}

func (p *qcloudProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewInstanceStateResource}
}

func (p *qcloudProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewInstanceStateListResource}
}

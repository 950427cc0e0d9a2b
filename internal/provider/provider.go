// Package provider is the Terraform side of the qcloud provider: its schemas, the resolution of
// its configuration into an API client, and the conversion of API results into state.
package provider

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

var (
	_ provider.Provider                     = &qcloudProvider{}
	_ provider.ProviderWithActions          = &qcloudProvider{}
	_ provider.ProviderWithListResources    = &qcloudProvider{}
	_ provider.ProviderWithConfigValidators = &qcloudProvider{}
)

// qcloudProvider is the qcloud provider; version is set by the release build.
type qcloudProvider struct {
	version string
	// env is where the provider reads the environment variables its arguments fall back to.
	env environment
	// actionLimits replaces the API's documented per-action rate limits; only the benchmarks set
	// it, to measure the provider's own cost against an emulator without limits.
	actionLimits map[string]float64
	// configured is what Configure made, for the reads that protocolServer serves itself.
	configured atomic.Pointer[providerData]
}

// qcloudProviderModel is the provider block.
type qcloudProviderModel struct {
	SecretID             types.String      `tfsdk:"secret_id"`
	SecretKey            types.String      `tfsdk:"secret_key"`
	SecurityToken        types.String      `tfsdk:"security_token"`
	Region               types.String      `tfsdk:"region"`
	Profile              types.String      `tfsdk:"profile"`
	SharedCredentialsDir types.String      `tfsdk:"shared_credentials_dir"`
	CAMRoleName          types.String      `tfsdk:"cam_role_name"`
	AssumeRole           *assumeRoleModel  `tfsdk:"assume_role"`
	WebIdentity          *webIdentityModel `tfsdk:"assume_role_with_web_identity"`
	EnablePodOIDC        types.Bool        `tfsdk:"enable_pod_oidc"`
	SAML                 *samlModel        `tfsdk:"assume_role_with_saml"`
	AllowedAccountIDs    []string          `tfsdk:"allowed_account_ids"`
	ForbiddenAccountIDs  []string          `tfsdk:"forbidden_account_ids"`
	Protocol             types.String      `tfsdk:"protocol"`
	Domain               types.String      `tfsdk:"domain"`
	Endpoints            *endpointsModel   `tfsdk:"endpoints"`
	RateLimit            types.Float64     `tfsdk:"rate_limit"`
	MaxRetries           types.Int64       `tfsdk:"max_retries"`
}

type assumeRoleModel struct {
	RoleARN         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	Policy          types.String `tfsdk:"policy"`
	ExternalID      types.String `tfsdk:"external_id"`
	SourceIdentity  types.String `tfsdk:"source_identity"`
	SerialNumber    types.String `tfsdk:"serial_number"`
	TokenCode       types.String `tfsdk:"token_code"`
}

type webIdentityModel struct {
	RoleARN         types.String `tfsdk:"role_arn"`
	Token           types.String `tfsdk:"web_identity_token"`
	TokenFile       types.String `tfsdk:"web_identity_token_file"`
	ProviderID      types.String `tfsdk:"provider_id"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
}

type samlModel struct {
	RoleARN         types.String `tfsdk:"role_arn"`
	PrincipalARN    types.String `tfsdk:"principal_arn"`
	Assertion       types.String `tfsdk:"saml_assertion"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
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
		resp.Diagnostics.AddError("Unable to obtain Tencent Cloud credentials", "From "+c.credentialSource+": "+err.Error())
		return
	}
	resp.Diagnostics.Append(checkAccount(ctx, c)...)
	if resp.Diagnostics.HasError() {
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
	p.configured.Store(data)
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

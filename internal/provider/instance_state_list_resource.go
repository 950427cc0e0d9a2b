package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

var (
	_ list.ListResource                   = &instanceStateListResource{}
	_ list.ListResourceWithConfigure      = &instanceStateListResource{}
	_ list.ListResourceWithValidateConfig = &instanceStateListResource{}
)

// instanceStateListResource finds the instances of a region for `terraform query`, as
// qcloud_cvm_instance_state resources to import.
type instanceStateListResource struct {
	data *providerData
}

// NewInstanceStateListResource returns the qcloud_cvm_instance_state list resource.
func NewInstanceStateListResource() list.ListResource {
	return &instanceStateListResource{}
}

type instanceStateListModel struct {
	Region         types.String `tfsdk:"region"`
	InstanceStates []string     `tfsdk:"instance_states"`
	Tags           types.Map    `tfsdk:"tags"`
	Filters        types.Map    `tfsdk:"filters"`
}

func (l *instanceStateListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cvm_instance_state"
}

func (l *instanceStateListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the instances of a region for `terraform query`, each as a `qcloud_cvm_instance_state` " +
			"with its identity and the display name `ins-xxxxxxxx (RUNNING)` (with `tags` or `filters`, the name first: " +
			"`web-3 (ins-xxxxxxxx, RUNNING)`), oldest first (the API's listing order). " +
			"It reads 100 instances per call, several calls at once at the API's pace, and stops reading once it has " +
			"found `limit` instances (Terraform's default is 100). " +
			"`terraform query -generate-config-out=generated.tf` writes an import block and a resource for each.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The region to search instead of the provider's.",
				Validators:          []validator.String{regionValidator},
			},
			"instance_states": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Find only instances in one of these states: `" + strings.Join(instanceStates, "`, `") +
					"`. Leave it out to find every instance.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.NoNullValues(),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.OneOf(instanceStates...)),
				},
			},
			"tags": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: tagsDescription("the instances to find"),
				Validators:          []validator.Map{mapvalidator.NoNullValues()},
			},
			"filters": schema.MapAttribute{
				ElementType:         types.ListType{ElemType: types.StringType},
				Optional:            true,
				MarkdownDescription: filtersDescription("the instances to find") + " Each request of several is read to its end (or the limit) in turn.",
				Validators:          filtersValidators,
			},
		},
	}
}

func (l *instanceStateListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateSelection(ctx, req.Config, &types.List{})...)
}

func (l *instanceStateListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataOf(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	l.data = data
}

func (l *instanceStateListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config instanceStateListModel
	diags := req.Config.Get(ctx, &config)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	filters, diags := selectionConfig{tags: config.Tags, filters: config.Filters}.apiFilters(ctx)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	search := cvm.Search{Region: l.data.region, States: config.InstanceStates, Filters: filters, Limit: int(req.Limit)}
	if !config.Region.IsNull() {
		search.Region = config.Region.ValueString()
	}
	stream.Results = func(push func(list.ListResult) bool) {
		stopped := false
		warnings, err := l.data.client.Find(ctx, search, func(s cvm.Status) bool {
			stopped = !push(listResult(ctx, req, search.Region, s))
			return !stopped
		})
		if stopped {
			return
		}
		var diags diag.Diagnostics
		if err != nil {
			diags.AddError("Unable to list the CVM instances of "+search.Region, callErrorDetail(err, ending{
				canceled: "The query was canceled before it finished, as when Terraform is interrupted. Run it again.",
				timedOut: "The query ran out of time. Run it again.",
			}))
		}
		for _, w := range warnings {
			diags.AddWarning("The instances changed during the query", w)
		}
		if len(diags) > 0 {
			push(list.ListResult{Diagnostics: diags})
		}
	}
}

// listResult is one instance found: its identity, its display name and, when Terraform asks for
// it, the resource that keeps it in the state it is in or on its way to.
func listResult(ctx context.Context, req list.ListRequest, region string, s cvm.Status) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = s.ID + " (" + s.State + ")"
	if s.Details != nil && s.Details.Name != "" {
		result.DisplayName = s.Details.Name + " (" + s.ID + ", " + s.State + ")"
	}
	id := instanceStateIdentity{InstanceID: types.StringValue(s.ID), Region: types.StringValue(region)}
	result.Diagnostics.Append(result.Identity.Set(ctx, id)...)
	if req.IncludeResource {
		for name, value := range map[string]string{"id": s.ID, "instance_id": s.ID, "region": region, "state": cvm.Settling(s.State)} {
			result.Diagnostics.Append(result.Resource.SetAttribute(ctx, path.Root(name), value)...)
		}
	}
	return result
}

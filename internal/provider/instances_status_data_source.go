package provider

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

var (
	_ datasource.DataSource                   = &instancesStatusDataSource{}
	_ datasource.DataSourceWithConfigure      = &instancesStatusDataSource{}
	_ datasource.DataSourceWithValidateConfig = &instancesStatusDataSource{}
)

// instancesStatusTypeName is the data source's type name.
const instancesStatusTypeName = "qcloud_cvm_instances_status"

const (
	defaultReadTimeout  = 10 * time.Minute
	defaultPollInterval = 5 * time.Second
)

// instancesStatusDataSource is qcloud_cvm_instances_status.
type instancesStatusDataSource struct {
	data *providerData
}

type instancesStatusModel struct {
	InstanceIDs    types.List     `tfsdk:"instance_ids"`
	InstanceStates types.Set      `tfsdk:"instance_states"`
	Tags           types.Map      `tfsdk:"tags"`
	Filters        types.Map      `tfsdk:"filters"`
	Region         types.String   `tfsdk:"region"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
	WaitFor        *waitForModel  `tfsdk:"wait_for"`
	Details        types.Bool     `tfsdk:"details"`
	Instances      types.List     `tfsdk:"instances"`
	InstancesByID  types.Map      `tfsdk:"instances_by_id"`
	States         types.Map      `tfsdk:"states"`
	MissingIDs     types.List     `tfsdk:"missing_ids"`
	StateCounts    types.Map      `tfsdk:"state_counts"`
}

type waitForModel struct {
	States       types.Set    `tfsdk:"states"`
	PollInterval types.String `tfsdk:"poll_interval"`
}

// NewInstancesStatusDataSource returns the qcloud_cvm_instances_status data source.
func NewInstancesStatusDataSource() datasource.DataSource {
	return &instancesStatusDataSource{}
}

func (d *instancesStatusDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = instancesStatusTypeName
}

func (d *instancesStatusDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the live state of CVM instances (`RUNNING`, `STOPPED`, ...) in as few calls as the API " +
			"allows: every instance of a region, or the instances you name, through the API action `DescribeInstancesStatus`; " +
			"or the instances you select by tag, name, zone, VPC and the other filters of `DescribeInstances`.",
		Attributes: map[string]schema.Attribute{
			"instance_ids": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "The instances to read, such as `ins-r8hr2upy`. Leave it out to read every instance of the " +
					"region; `[]` reads none and makes no API call. Any number of IDs is accepted (they are sent 100 per " +
					"call); repeated IDs are read once.",
				Validators: []validator.List{
					listvalidator.NoNullValues(),
					listvalidator.ValueStringsAre(instanceIDValidator),
				},
			},
			"instance_states": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Keep only instances in one of these states in `instances` and `states`: " +
					"`" + strings.Join(instanceStates, "`, `") + "`. Leave it out to keep every state; `[]` keeps none. " +
					"`missing_ids` ignores it. With `tags` or `filters`, it is sent as the filter `instance-state`, so that " +
					"only the instances kept are read.",
				Validators: []validator.Set{
					setvalidator.NoNullValues(),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(instanceStates...)),
				},
			},
			"tags": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: tagsDescription("the instances to read") + " Conflicts with `instance_ids`; the result is sorted by ID.",
				Validators: []validator.Map{
					mapvalidator.NoNullValues(),
					mapvalidator.ConflictsWith(path.MatchRoot("instance_ids")),
				},
			},
			"filters": schema.MapAttribute{
				ElementType:         types.ListType{ElemType: types.StringType},
				Optional:            true,
				MarkdownDescription: filtersDescription("the instances to read") + " Conflicts with `instance_ids`; the result is sorted by ID.",
				Validators:          append(slices.Clone(filtersValidators), mapvalidator.ConflictsWith(path.MatchRoot("instance_ids"))),
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The region to read instead of the provider's.",
				Validators:          []validator.String{regionValidator},
			},
			"timeouts": timeouts.Attributes(ctx),
			"wait_for": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Read until every instance in `instance_ids` is listed and in one of `states`, within " +
					"`timeouts.read`. An ID the API does not list yet is waited for, as a just-created instance takes a " +
					"moment to appear. An instance in `LAUNCH_FAILED`, `SHUTDOWN` or `TERMINATING` (states an instance " +
					"does not leave on its own) that is not in `states` fails the read at once, naming it. Each poll " +
					"reads only the instances not yet in a wanted state, 100 per call. When the time runs out, the " +
					"error names every instance not in a wanted state, with the state it was last seen in. " +
					"Needs `instance_ids`. With IDs known only after apply, the read and the wait happen during apply, " +
					"before the resources that depend on this data source.",
				Attributes: map[string]schema.Attribute{
					"states": schema.SetAttribute{
						ElementType:         types.StringType,
						Required:            true,
						MarkdownDescription: "The states to wait for, such as `[\"RUNNING\"]`; the same values as `instance_states`.",
						Validators: []validator.Set{
							setvalidator.SizeAtLeast(1),
							setvalidator.NoNullValues(),
							setvalidator.ValueStringsAre(stringvalidator.OneOf(instanceStates...)),
						},
					},
					"poll_interval": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "The pause between two polls, such as `\"10s\"`: at least `1s`; `5s` when not set. A " +
							"poll that would start after the deadline is not made.",
						Validators: []validator.String{durationValidator},
					},
				},
				Validators: []validator.Object{objectvalidator.AlsoRequires(path.MatchRoot("instance_ids"))},
			},
			"details": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Fill each instance's other attributes (`name`, `zone`, `private_ips`, `tags`, ...) on reads " +
					"by `instance_ids` or of the whole region, by reading through `DescribeInstances` instead of " +
					"`DescribeInstancesStatus`, at the same number of calls (100 instances per call; a `wait_for` polls " +
					"through it too). Without it they are null on those reads, which then carry only states. Reads with " +
					"`tags` or `filters` go through `DescribeInstances` and fill them always, so `details = false` " +
					"conflicts with them.",
			},
			"instances": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The instances found: in the order of `instance_ids` when it is set, otherwise sorted " +
					"by ID.",
				NestedObject: schema.NestedAttributeObject{Attributes: instanceAttributes()},
			},
			"instances_by_id": schema.MapNestedAttribute{
				Computed: true,
				MarkdownDescription: "The same instances as `instances`, by ID, for lookups such as " +
					"`instances_by_id[\"ins-r8hr2upy\"].private_ips[0]`.",
				NestedObject: schema.NestedAttributeObject{Attributes: instanceAttributes()},
			},
			"states": schema.MapAttribute{
				ElementType:         types.StringType,
				Computed:            true,
				MarkdownDescription: "The state of each instance in `instances`, by ID, for lookups such as `states[\"ins-r8hr2upy\"] == \"RUNNING\"`.",
			},
			"missing_ids": schema.ListAttribute{
				ElementType: types.StringType,
				Computed:    true,
				MarkdownDescription: "The IDs in `instance_ids` that the API did not return, because the instance was " +
					"terminated or never existed, in the order of `instance_ids`. Empty when `instance_ids` is not set.",
			},
			"state_counts": schema.MapAttribute{
				ElementType: types.Int64Type,
				Computed:    true,
				MarkdownDescription: "How many of `instances` are in each state, such as `{ RUNNING = 212, STOPPED = 9 }`: " +
					"only the states that occur, after the `instance_states` filter.",
			},
		},
	}
}

func (d *instancesStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataOf(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *instancesStatusDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateSelection(ctx, req.Config, &types.Set{})...)
	var details types.Bool
	var tags, filters types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("details"), &details)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tags"), &tags)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("filters"), &filters)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// No framework validator conflicts on a value (false) rather than on being set.
	selects := func(m types.Map) bool { return m.IsUnknown() || len(m.Elements()) > 0 }
	if !details.IsNull() && !details.IsUnknown() && !details.ValueBool() && (selects(tags) || selects(filters)) {
		resp.Diagnostics.AddAttributeError(path.Root("details"), "details = false conflicts with tags and filters",
			"A read with tags or filters goes through DescribeInstances, whose answer holds every instance's attributes, "+
				"so they are always filled. Remove details, or set it to true.")
	}
}

// Read serves the data source through the framework's server; the provider's protocolServer
// serves its RPC with readState directly, which is where the work is.
func (d *instancesStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := d.readState(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	raw, err := state.Unmarshal(req.Config.Raw.Type())
	if err != nil {
		resp.Diagnostics.AddError("Unable to decode the state", err.Error())
		return
	}
	resp.State.Raw = raw
}

// readState reads what config selects and returns the data source's state, encoded as the
// protocol carries it (see encodeState), once every call succeeded: an error leaves nothing.
func (d *instancesStatusDataSource) readState(ctx context.Context, config tfsdk.Config) (*tfprotov6.DynamicValue, diag.Diagnostics) {
	var model instancesStatusModel
	diags := config.Get(ctx, &model)
	if diags.HasError() {
		return nil, diags
	}
	readTimeout, timeoutDiags := model.Timeouts.Read(ctx, defaultReadTimeout)
	diags.Append(timeoutDiags...)
	if diags.HasError() {
		return nil, diags
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	region := d.data.region
	if !model.Region.IsNull() {
		region = model.Region.ValueString()
	}
	filters, filterDiags := selectionConfig{tags: model.Tags, filters: model.Filters}.apiFilters(ctx)
	diags.Append(filterDiags...)
	if diags.HasError() {
		return nil, diags
	}
	var keep []string
	if !model.InstanceStates.IsNull() {
		keep = []string{}
		diags.Append(model.InstanceStates.ElementsAs(ctx, &keep, false)...)
		if diags.HasError() {
			return nil, diags
		}
	}
	details := model.Details.ValueBool()
	var result cvm.Result
	var err error
	switch {
	case len(filters) > 0 || (details && model.InstanceIDs.IsNull()):
		result, err = d.data.client.Select(ctx, cvm.Selection{Region: region, Filters: filters, States: keep})
	case model.InstanceIDs.IsNull():
		result, err = d.data.client.ListStatuses(ctx, region)
	default:
		var ids []string
		diags.Append(model.InstanceIDs.ElementsAs(ctx, &ids, false)...)
		if diags.HasError() {
			return nil, diags
		}
		switch {
		case model.WaitFor != nil:
			wait, waitDiags := waitOf(ctx, model.WaitFor, region, ids)
			diags.Append(waitDiags...)
			if diags.HasError() {
				return nil, diags
			}
			wait.Details = details
			result, err = d.data.client.WaitForStates(ctx, wait)
		case details:
			result, err = d.data.client.DetailsByID(ctx, region, ids)
		default:
			result, err = d.data.client.StatusesByID(ctx, region, ids)
		}
	}
	if err != nil {
		diags.AddError(readError(err, readTimeout))
		return nil, diags
	}
	for _, warning := range result.Warnings {
		diags.AddWarning("CVM instances changed during the read", warning)
	}

	statuses := result.Statuses
	if keep != nil {
		statuses = filterStates(statuses, keep)
	}
	state, err := encodeState(config.Raw, statuses, result.Missing)
	if err != nil {
		diags.AddError("Unable to encode the state", err.Error())
		return nil, diags
	}
	return state, diags
}

// filterStates keeps the statuses whose state is in keep.
func filterStates(statuses []cvm.Status, keep []string) []cvm.Status {
	wanted := make(map[string]bool, len(keep))
	for _, state := range keep {
		wanted[state] = true
	}
	kept := make([]cvm.Status, 0, len(statuses))
	for _, s := range statuses {
		if wanted[s.State] {
			kept = append(kept, s)
		}
	}
	return kept
}

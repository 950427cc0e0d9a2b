package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

var (
	_ resource.Resource                = &instanceStateResource{}
	_ resource.ResourceWithConfigure   = &instanceStateResource{}
	_ resource.ResourceWithModifyPlan  = &instanceStateResource{}
	_ resource.ResourceWithIdentity    = &instanceStateResource{}
	_ resource.ResourceWithImportState = &instanceStateResource{}
)

// instanceStateResource is qcloud_cvm_instance_state: the power state an existing instance is
// kept in. It never creates or terminates an instance.
type instanceStateResource struct {
	data *providerData
}

// NewInstanceStateResource returns the qcloud_cvm_instance_state resource.
func NewInstanceStateResource() resource.Resource {
	return &instanceStateResource{}
}

type instanceStateModel struct {
	ID           types.String   `tfsdk:"id"`
	InstanceID   types.String   `tfsdk:"instance_id"`
	State        types.String   `tfsdk:"state"`
	Region       types.String   `tfsdk:"region"`
	StopType     types.String   `tfsdk:"stop_type"`
	StoppedMode  types.String   `tfsdk:"stopped_mode"`
	PollInterval types.String   `tfsdk:"poll_interval"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

func (r *instanceStateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cvm_instance_state"
}

func (r *instanceStateResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Keeps an existing CVM instance `RUNNING` or `STOPPED`: each apply starts or stops it when it is " +
			"not, and waits until it is. A refresh records the state the instance is in, so a change made outside " +
			"Terraform shows as drift that the next apply undoes; an instance in a passing state such as `STOPPING` is " +
			"waited for before it is acted on. An instance that no longer exists is removed from the state with a " +
			"warning. The resource never creates or terminates an instance, and destroying it leaves the instance " +
			"as it is. To change hundreds of instances at once, the actions `qcloud_cvm_start_instances` and " +
			"`qcloud_cvm_stop_instances` batch them 100 per call; these resources share their calls when they are paced: " +
			"reads and operations that wait for their turn at the same time go as one call of up to 100 instances.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The instance ID, as `instance_id`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The instance, such as `ins-r8hr2upy`. Changing it manages another instance (and leaves this one as it is).",
				Validators:          []validator.String{instanceIDValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"state": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "`RUNNING` or `STOPPED`. After a refresh it holds the instance's current state, which " +
					"may be another one (`STOPPING`, `LAUNCH_FAILED`, ...): a plan then shows the change back.",
				Validators: []validator.String{stringvalidator.OneOf("RUNNING", "STOPPED")},
			},
			"region": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The region of the instance; the provider's when not set. Changing it manages another " +
					"instance. A change of the provider's region does not move a resource created before.",
				Validators:    []validator.String{regionValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"stop_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: stopTypeDescription("the instance is") + " Used when the instance is stopped.",
				Validators:          []validator.String{stopTypeValidator},
			},
			"stopped_mode": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: stoppedModeDescription("the apply then fails, naming the instance.") + " Used when the instance is stopped.",
				Validators:          []validator.String{stoppedModeValidator},
			},
			"poll_interval": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The pause between two reads of the instance's state while it changes, such as `\"10s\"`: " +
					"at least `1s`; `5s` when not set.",
				Validators: []validator.String{durationValidator},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true,
				Update: true,
				CreateDescription: "How long creating the resource may take to bring the instance to `state`, such as `\"30m\"`; " +
					"`10m` when not set. Everything counts: reading the state, waiting for a passing state, the call, and " +
					"waiting for the instance to get there.",
				UpdateDescription: "The same, for an apply that changes `state` or finds the instance drifted.",
			}),
		},
	}
}

func (r *instanceStateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataOf(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// ModifyPlan fills in the provider's region for a new resource that has none, so that the plan
// shows which region the instance is looked for in.
func (r *instanceStateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var region types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("region"), &region)...)
	if resp.Diagnostics.HasError() || !region.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), r.data.region)...)
}

func (r *instanceStateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(r.apply(ctx, "create", req.Plan, &resp.State, resp.Identity)...)
}

func (r *instanceStateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(r.apply(ctx, "update", req.Plan, &resp.State, resp.Identity)...)
}

// apply brings the instance to the planned state, within the timeout of the operation ("create"
// or "update"), and records it.
func (r *instanceStateResource) apply(ctx context.Context, operation string, plan tfsdk.Plan, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var m instanceStateModel
	diags := plan.Get(ctx, &m)
	if diags.HasError() {
		return diags
	}
	timeoutOf := m.Timeouts.Create
	if operation == "update" {
		timeoutOf = m.Timeouts.Update
	}
	timeout, d := timeoutOf(ctx, defaultOperationTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	diags.Append(r.converge(ctx, m, timeout, "timeouts."+operation)...)
	if diags.HasError() {
		return diags
	}
	m.ID = m.InstanceID
	diags.Append(state.Set(ctx, m)...)
	diags.Append(identity.Set(ctx, identityOf(m))...)
	return diags
}

// converge brings the instance to the planned state within timeout, through the operation
// pipeline the actions use; timeoutName is the argument that sets timeout.
func (r *instanceStateResource) converge(ctx context.Context, plan instanceStateModel, timeout time.Duration, timeoutName string) diag.Diagnostics {
	var diags diag.Diagnostics
	o := cvm.Operation{Op: cvm.Start, Region: plan.Region.ValueString(), IDs: []string{plan.InstanceID.ValueString()},
		PollInterval: defaultPollInterval, Progress: logOperationProgress}
	if plan.State.ValueString() == "STOPPED" {
		o.Op, o.StopType, o.StoppedMode = cvm.Stop, defaultStopType, plan.StoppedMode.ValueString()
		if !plan.StopType.IsNull() {
			o.StopType = plan.StopType.ValueString()
		}
	}
	var pollDiags diag.Diagnostics
	if o.PollInterval, pollDiags = durationOf(ctx, plan.PollInterval, defaultPollInterval, path.Root("poll_interval")); pollDiags.HasError() {
		return pollDiags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := r.data.client.Operate(ctx, o); err != nil {
		diags.AddError(fmt.Sprintf("Unable to %s CVM instance %s", o.Op, o.IDs[0]), operationError(err, o.Op, timeout, operationWording{
			what: "The apply", again: "run terraform apply again", timeout: timeoutName,
			leaveOut: "remove this qcloud_cvm_instance_state from the configuration",
		}))
	}
	return diags
}

// logOperationProgress logs how an operation of the resource stands; Terraform itself shows
// that the apply is still going.
func logOperationProgress(ctx context.Context, p cvm.OperationProgress) {
	fields := map[string]any{"phase": string(p.Phase), "elapsed": p.Elapsed.String(), "polls": p.Polls, "done": p.Done}
	if len(p.Pending) > 0 {
		fields["state"] = p.Pending[0].State
	}
	tflog.Info(ctx, "CVM instance operation", fields)
}

func (r *instanceStateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state instanceStateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The framework wants an identity even from a read that removes the resource; a CLI before
	// Terraform 1.12 stores none to start from.
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityOf(state))...)
	id, region := state.InstanceID.ValueString(), state.Region.ValueString()
	result, err := r.data.client.StatusesByID(ctx, region, []string{id})
	if err != nil {
		resp.Diagnostics.AddError("Unable to read the state of CVM instance "+id, callErrorDetail(err, ending{
			canceled: "The refresh was canceled before it finished, as when Terraform is interrupted. Run it again.",
			timedOut: "The refresh ran out of time. Run it again.",
		}))
		return
	}
	if len(result.Statuses) == 0 {
		resp.Diagnostics.AddWarning("CVM instance "+id+" no longer exists",
			fmt.Sprintf("The API does not list %s in %s any more: it was terminated, or it is in another region. It was "+
				"removed from the state, and Terraform plans to bring it under management again, which fails while it "+
				"does not exist. Remove this qcloud_cvm_instance_state from the configuration, or set instance_id and "+
				"region to an instance that exists.", id, region))
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = state.InstanceID
	state.State = types.StringValue(result.Statuses[0].State)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete only stops managing the instance, and says so.
func (r *instanceStateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state instanceStateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("CVM instance "+state.InstanceID.ValueString()+" left as it is",
		fmt.Sprintf("Terraform no longer keeps %s (%s) %s. Destroying a qcloud_cvm_instance_state never starts, stops "+
			"or terminates its instance: it stays as it is.", state.InstanceID.ValueString(), state.Region.ValueString(),
			state.State.ValueString()))
}

package provider

import (
	"cmp"
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

var (
	_ action.Action              = &instancesAction{}
	_ action.ActionWithConfigure = &instancesAction{}
)

// instancesAction is one of the actions qcloud_cvm_start_instances, qcloud_cvm_stop_instances and
// qcloud_cvm_reboot_instances: the same operation pipeline with a different operation.
type instancesAction struct {
	op   cvm.Op
	data *providerData
}

// NewStartInstancesAction returns the qcloud_cvm_start_instances action.
func NewStartInstancesAction() action.Action { return &instancesAction{op: cvm.Start} }

// NewStopInstancesAction returns the qcloud_cvm_stop_instances action.
func NewStopInstancesAction() action.Action { return &instancesAction{op: cvm.Stop} }

// NewRebootInstancesAction returns the qcloud_cvm_reboot_instances action.
func NewRebootInstancesAction() action.Action { return &instancesAction{op: cvm.Reboot} }

func (a *instancesAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cvm_" + string(a.op) + "_instances"
}

func (a *instancesAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	op := a.op
	attributes := map[string]schema.Attribute{
		"instance_ids": schema.ListAttribute{
			ElementType: types.StringType,
			Required:    true,
			MarkdownDescription: "The instances to " + string(op) + ", such as `ins-r8hr2upy`: at least one, any number (they are " +
				"sent 100 per `" + op.Action() + "` call); repeated IDs count once.",
			Validators: []validator.List{
				listvalidator.SizeAtLeast(1),
				listvalidator.NoNullValues(),
				listvalidator.ValueStringsAre(instanceIDValidator),
			},
		},
		"region": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "The region of the instances instead of the provider's.",
			Validators:          []validator.String{regionValidator},
		},
		"timeout": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "How long the action may take in all, such as `\"30m\"`; `10m` when not set. When it runs " +
				"out, the action fails and names every instance not " + op.Target() + " yet.",
			Validators: []validator.String{durationValidator},
		},
		"poll_interval": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The pause between two polls of the instances not there yet, such as `\"10s\"`: at least " +
				"`1s`; `5s` when not set.",
			Validators: []validator.String{durationValidator},
		},
	}
	if a.op != cvm.Start {
		attributes["stop_type"] = schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: stopTypeDescription("the instances are"),
			Validators:          []validator.String{stopTypeValidator},
		}
	}
	if a.op == cvm.Stop {
		attributes["stopped_mode"] = schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: stoppedModeDescription("the action then fails naming them."),
			Validators:          []validator.String{stoppedModeValidator},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: a.description(),
		Attributes:          attributes,
	}
}

func (a *instancesAction) description() string {
	op := a.op
	var what string
	switch a.op {
	case cvm.Start:
		what = "Starts CVM instances and waits until every one is `RUNNING`. Instances already `RUNNING` are left alone."
	case cvm.Stop:
		what = "Stops CVM instances and waits until every one is `STOPPED`. Instances already `STOPPED` are left alone."
	case cvm.Reboot:
		what = "Reboots CVM instances and waits until every one has been through `REBOOTING` and is `RUNNING` again. " +
			"Every instance must be `RUNNING` (or already `REBOOTING`): the action refuses a list with any other, before " +
			"rebooting any."
	}
	return what + " Any number of instances, 100 per `" + op.Action() + "` call, at the API's pace. An instance in " +
		"a passing state (`PENDING`, `STARTING`, `STOPPING`, ...) is waited for first. An ID that does not exist, or an " +
		"instance that cannot get there (`LAUNCH_FAILED`, `SHUTDOWN`, `TERMINATING`), fails the action before anything " +
		"is changed. When another client changes an instance at the same time, the action re-reads it and carries on. " +
		"Progress is reported while it waits; when an instance fails, the error names it with the API's reason, and " +
		"the others are not rolled back. Invoke it with `terraform apply -invoke=action.qcloud_cvm_" + string(a.op) +
		"_instances.NAME`, or from a resource's `lifecycle { action_trigger { ... } }`."
}

func (a *instancesAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	data, diags := providerDataOf(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	a.data = data
}

func (a *instancesAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	o, timeout, diags := a.operation(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	progress := newActionProgress(a.op, resp.SendProgress, heartbeat)
	defer progress.stop()
	o.Progress = progress.report
	result, err := a.data.client.Operate(ctx, o)
	if err != nil {
		resp.Diagnostics.AddError("Unable to "+string(a.op)+" CVM instances", operationError(err, a.op, timeout, operationWording{
			what: "The action", again: "invoke the action again", timeout: "timeout", leaveOut: "take them out of instance_ids",
		}))
		return
	}
	progress.finished(result)
}

// instancesConfig is the configuration of qcloud_cvm_start_instances, which the other actions
// add to.
type instancesConfig struct {
	InstanceIDs  []string     `tfsdk:"instance_ids"`
	Region       types.String `tfsdk:"region"`
	Timeout      types.String `tfsdk:"timeout"`
	PollInterval types.String `tfsdk:"poll_interval"`
}

// rebootConfig is the configuration of qcloud_cvm_reboot_instances.
type rebootConfig struct {
	instancesConfig
	StopType types.String `tfsdk:"stop_type"`
}

// stopConfig is the configuration of qcloud_cvm_stop_instances.
type stopConfig struct {
	rebootConfig
	StoppedMode types.String `tfsdk:"stopped_mode"`
}

// operation reads the action's configuration into the operation it asks for, and its timeout.
func (a *instancesAction) operation(ctx context.Context, config tfsdk.Config) (cvm.Operation, time.Duration, diag.Diagnostics) {
	var m stopConfig
	var diags diag.Diagnostics
	switch a.op {
	case cvm.Start:
		diags = config.Get(ctx, &m.instancesConfig)
	case cvm.Reboot:
		diags = config.Get(ctx, &m.rebootConfig)
	default:
		diags = config.Get(ctx, &m)
	}
	if diags.HasError() {
		return cvm.Operation{}, 0, diags
	}
	o := cvm.Operation{Op: a.op, IDs: m.InstanceIDs, Region: cmp.Or(m.Region.ValueString(), a.data.region), StoppedMode: m.StoppedMode.ValueString()}
	if a.op != cvm.Start {
		o.StopType = cmp.Or(m.StopType.ValueString(), defaultStopType)
	}
	var pollDiags diag.Diagnostics
	o.PollInterval, pollDiags = durationOf(ctx, m.PollInterval, defaultPollInterval, path.Root("poll_interval"))
	diags.Append(pollDiags...)
	timeout, timeoutDiags := durationOf(ctx, m.Timeout, defaultOperationTimeout, path.Root("timeout"))
	diags.Append(timeoutDiags...)
	return o, timeout, diags
}

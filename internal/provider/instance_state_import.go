package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// instanceStateIdentity is the identity of a qcloud_cvm_instance_state: the instance and its region.
type instanceStateIdentity struct {
	InstanceID types.String `tfsdk:"instance_id"`
	Region     types.String `tfsdk:"region"`
}

func identityOf(m instanceStateModel) instanceStateIdentity {
	return instanceStateIdentity{InstanceID: m.InstanceID, Region: m.Region}
}

func (r *instanceStateResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"instance_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The instance, such as ins-r8hr2upy.",
			},
			"region": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "The region of the instance; the provider's when not given.",
			},
		},
	}
}

// ImportState takes `ins-xxxxxxxx` or `region/ins-xxxxxxxx`, or an import block's identity; the
// read that follows records the instance's state, and fails the import when it does not exist.
func (r *instanceStateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id instanceStateIdentity
	var diags diag.Diagnostics
	if req.ID != "" {
		id, diags = parseImportID(req.ID)
	} else {
		diags = req.Identity.Get(ctx, &id)
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cvm.InstanceIDPattern.MatchString(id.InstanceID.ValueString()) {
		resp.Diagnostics.AddError("Invalid instance ID to import",
			fmt.Sprintf("%q is not a CVM instance ID: %s.", id.InstanceID.ValueString(), instanceIDForm))
		return
	}
	if id.Region.ValueString() == "" {
		id.Region = types.StringValue(r.data.region)
	}
	for name, value := range map[string]types.String{"id": id.InstanceID, "instance_id": id.InstanceID, "region": id.Region} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), value)...)
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, id)...)
}

// parseImportID reads `ins-xxxxxxxx` or `region/ins-xxxxxxxx`.
func parseImportID(importID string) (instanceStateIdentity, diag.Diagnostics) {
	var diags diag.Diagnostics
	region, instanceID, withRegion := strings.Cut(importID, "/")
	if !withRegion {
		return instanceStateIdentity{InstanceID: types.StringValue(importID), Region: types.StringNull()}, diags
	}
	if region == "" || strings.Contains(instanceID, "/") {
		diags.AddError("Invalid import ID", fmt.Sprintf("The import ID is an instance ID, such as ins-r8hr2upy, or a region "+
			"and an instance ID, such as ap-shanghai/ins-r8hr2upy; %q is neither.", importID))
	}
	return instanceStateIdentity{InstanceID: types.StringValue(instanceID), Region: types.StringValue(region)}, diags
}

package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// instanceField is one attribute of an instance in `instances` and `instances_by_id`: its schema
// and its value, from what the read found (instanceValue sets id and state, which have none). The
// fields of the details are null when the read did not go through DescribeInstances.
type instanceField struct {
	name  string
	attr  schema.Attribute
	value func(cvm.Status) tftypes.Value
}

var instanceFields = []instanceField{
	{"id", computedString("The instance ID."), nil},
	{"state", computedString("The instance state as the API reports it, such as `RUNNING` or `STOPPED`. A state the API adds later is passed through as it is."), nil},
	detailString("name", "The instance's name (`InstanceName`).", func(d *cvm.Details) string { return d.Name }),
	detailString("zone", "The availability zone, such as `ap-guangzhou-3` (`Placement.Zone`).", func(d *cvm.Details) string { return d.Zone }),
	detailString("instance_type", "The instance type, such as `S5.MEDIUM4`.", func(d *cvm.Details) string { return d.InstanceType }),
	detailNumber("cpu", "The number of CPU cores.", func(d *cvm.Details) *int64 { return d.CPU }),
	detailNumber("memory", "The memory, in GiB.", func(d *cvm.Details) *int64 { return d.Memory }),
	detailList("private_ips", "The private IPv4 addresses, in the API's order (`PrivateIpAddresses`).", func(d *cvm.Details) []string { return d.PrivateIPs }),
	detailList("public_ips", "The public IPv4 addresses, in the API's order (`PublicIpAddresses`); `[]` when it has none.", func(d *cvm.Details) []string { return d.PublicIPs }),
	detailList("ipv6_addresses", "The IPv6 addresses, in the API's order; `[]` when it has none.", func(d *cvm.Details) []string { return d.IPv6Addresses }),
	detailString("vpc_id", "The VPC the instance is in (`VirtualPrivateCloud.VpcId`).", func(d *cvm.Details) string { return d.VpcID }),
	detailString("subnet_id", "The subnet the instance is in (`VirtualPrivateCloud.SubnetId`).", func(d *cvm.Details) string { return d.SubnetID }),
	detailList("security_group_ids", "The security groups the instance is in, in the API's order.", func(d *cvm.Details) []string { return d.SecurityGroupIDs }),
	detailNumber("project_id", "The project the instance belongs to; `0` is the default project (`Placement.ProjectId`).", func(d *cvm.Details) *int64 { return d.ProjectID }),
	detailString("image_id", "The image the instance was launched from.", func(d *cvm.Details) string { return d.ImageID }),
	detailString("os_name", "The operating system, as the API names it.", func(d *cvm.Details) string { return d.OsName }),
	{"tags", schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: detailsDescription("The instance's tags, by key; `{}` when it has none.")},
		func(s cvm.Status) tftypes.Value {
			if s.Details == nil {
				return nullTags
			}
			tags := make(map[string]tftypes.Value, len(s.Details.Tags))
			for k, v := range s.Details.Tags {
				tags[k] = tftypes.NewValue(tftypes.String, v)
			}
			return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, tags)
		}},
	detailString("charge_type", "How the instance is charged: `PREPAID`, `POSTPAID_BY_HOUR`, `CDHPAID`, `SPOTPAID`, ... (`InstanceChargeType`).", func(d *cvm.Details) string { return d.ChargeType }),
	detailString("created_time", "When the instance was created, as the API writes it (ISO 8601, UTC), such as `2025-01-06T08:00:00Z`.", func(d *cvm.Details) string { return d.CreatedTime }),
	detailString("expired_time", "When a prepaid instance's term ends, as the API writes it; null for the others.", func(d *cvm.Details) string { return d.ExpiredTime }),
	detailString("latest_operation", "The last operation on the instance, such as `StopInstances`; null when it has had none.", func(d *cvm.Details) string { return d.Latest.Action }),
	detailString("latest_operation_state", "How the last operation went: `SUCCESS`, `OPERATING` or `FAILED`.", func(d *cvm.Details) string { return d.Latest.State }),
	detailString("latest_operation_error_msg", "Why the last operation failed, when it did, as the API says it.", func(d *cvm.Details) string { return d.Latest.ErrorMsg }),
}

// detailsDescription is the description of an attribute of the details: when it is filled.
func detailsDescription(what string) string {
	return what + " Filled when the read goes through `DescribeInstances` (`tags`, `filters` or `details = true`); null otherwise."
}

func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: description}
}

// detailString is an attribute of the details that is a string; one the API leaves out or empty
// is null.
func detailString(name, description string, of func(*cvm.Details) string) instanceField {
	return instanceField{name, computedString(detailsDescription(description)), func(s cvm.Status) tftypes.Value {
		if s.Details == nil || of(s.Details) == "" {
			return nullString
		}
		return tftypes.NewValue(tftypes.String, of(s.Details))
	}}
}

func detailNumber(name, description string, of func(*cvm.Details) *int64) instanceField {
	return instanceField{name, schema.Int64Attribute{Computed: true, MarkdownDescription: detailsDescription(description)}, func(s cvm.Status) tftypes.Value {
		if s.Details == nil || of(s.Details) == nil {
			return nullNumber
		}
		return tftypes.NewValue(tftypes.Number, *of(s.Details))
	}}
}

func detailList(name, description string, of func(*cvm.Details) []string) instanceField {
	return instanceField{name, schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: detailsDescription(description)},
		func(s cvm.Status) tftypes.Value {
			if s.Details == nil {
				return nullList
			}
			values := of(s.Details)
			elements := make([]tftypes.Value, len(values))
			for i, v := range values {
				elements[i] = tftypes.NewValue(tftypes.String, v)
			}
			return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elements)
		}}
}

// The null values of the details, made once: values are immutable, so every instance read
// without details shares them.
var (
	nullString = tftypes.NewValue(tftypes.String, nil)
	nullNumber = tftypes.NewValue(tftypes.Number, nil)
	nullList   = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil)
	nullTags   = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil)
)

// instanceAttributes are the schema of an instance in `instances` and `instances_by_id`.
func instanceAttributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(instanceFields))
	for _, f := range instanceFields {
		attrs[f.name] = f.attr
	}
	return attrs
}

// instanceObjectType is the type of an instance in `instances` and `instances_by_id`.
var instanceObjectType = func() tftypes.Object {
	types := make(map[string]tftypes.Type, len(instanceFields))
	for _, f := range instanceFields {
		types[f.name] = f.attr.GetType().TerraformType(context.Background())
	}
	return tftypes.Object{AttributeTypes: types}
}()

// withoutDetails are the attributes of an instance read without details but for its id and
// state, made once and copied for each such instance.
var withoutDetails = func() map[string]tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(instanceFields))
	for _, f := range instanceFields {
		if f.value != nil {
			attrs[f.name] = f.value(cvm.Status{})
		}
	}
	return attrs
}()

// instanceValue is s as an element of `instances`, whose state is the value state.
func instanceValue(s cvm.Status, state tftypes.Value) tftypes.Value {
	var attrs map[string]tftypes.Value
	if s.Details == nil {
		attrs = maps.Clone(withoutDetails)
	} else {
		attrs = make(map[string]tftypes.Value, len(instanceFields))
		for _, f := range instanceFields {
			if f.value != nil {
				attrs[f.name] = f.value(s)
			}
		}
	}
	attrs["id"] = tftypes.NewValue(tftypes.String, s.ID)
	attrs["state"] = state // the value `states` holds too, made once
	return tftypes.NewValue(instanceObjectType, attrs)
}

package provider

import (
	"cmp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// instanceField is one attribute of an instance in `instances` and `instances_by_id`: its schema,
// and how its value is written into the state (see stateWriter). The attributes of the details are
// null when the read did not go through DescribeInstances.
type instanceField struct {
	name  string
	attr  schema.Attribute
	write func(*msgpack.Encoder, cvm.Status) error
}

// instanceFields are the attributes of an instance, sorted by name as the state's encoding
// writes them.
var instanceFields = sortedFields(
	instanceField{"id", computedString("The instance ID."), func(enc *msgpack.Encoder, s cvm.Status) error { return enc.EncodeString(s.ID) }},
	instanceField{"state", computedString("The instance state as the API reports it, such as `RUNNING` or `STOPPED`. A state the API adds later is passed through as it is."),
		func(enc *msgpack.Encoder, s cvm.Status) error { return enc.EncodeString(s.State) }},
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
	instanceField{"tags", schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: detailsDescription("The instance's tags, by key; `{}` when it has none.")},
		func(enc *msgpack.Encoder, s cvm.Status) error {
			if s.Details == nil {
				return enc.EncodeNil()
			}
			return writeStringMap(enc, s.Details.Tags)
		}},
	detailString("charge_type", "How the instance is charged: `PREPAID`, `POSTPAID_BY_HOUR`, `CDHPAID`, `SPOTPAID`, ... (`InstanceChargeType`).", func(d *cvm.Details) string { return d.ChargeType }),
	detailString("created_time", "When the instance was created, as the API writes it (ISO 8601, UTC), such as `2025-01-06T08:00:00Z`.", func(d *cvm.Details) string { return d.CreatedTime }),
	detailString("expired_time", "When a prepaid instance's term ends, as the API writes it; null for the others.", func(d *cvm.Details) string { return d.ExpiredTime }),
	detailString("latest_operation", "The last operation on the instance, such as `StopInstances`; null when it has had none.", func(d *cvm.Details) string { return d.Latest.Action }),
	detailString("latest_operation_state", "How the last operation went: `SUCCESS`, `OPERATING` or `FAILED`.", func(d *cvm.Details) string { return d.Latest.State }),
	detailString("latest_operation_error_msg", "Why the last operation failed, when it did, as the API says it.", func(d *cvm.Details) string { return d.Latest.ErrorMsg }),
)

func sortedFields(fields ...instanceField) []instanceField {
	return slices.SortedFunc(slices.Values(fields), func(a, b instanceField) int { return cmp.Compare(a.name, b.name) })
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
	return instanceField{name, computedString(detailsDescription(description)), func(enc *msgpack.Encoder, s cvm.Status) error {
		if s.Details == nil || of(s.Details) == "" {
			return enc.EncodeNil()
		}
		return enc.EncodeString(of(s.Details))
	}}
}

func detailNumber(name, description string, of func(*cvm.Details) *int64) instanceField {
	return instanceField{name, schema.Int64Attribute{Computed: true, MarkdownDescription: detailsDescription(description)}, func(enc *msgpack.Encoder, s cvm.Status) error {
		if s.Details == nil || of(s.Details) == nil {
			return enc.EncodeNil()
		}
		return enc.EncodeInt(*of(s.Details))
	}}
}

func detailList(name, description string, of func(*cvm.Details) []string) instanceField {
	return instanceField{name, schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: detailsDescription(description)},
		func(enc *msgpack.Encoder, s cvm.Status) error {
			if s.Details == nil {
				return enc.EncodeNil()
			}
			return writeStrings(enc, of(s.Details))
		}}
}

// instanceAttributes are the schema of an instance in `instances` and `instances_by_id`.
func instanceAttributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(instanceFields))
	for _, f := range instanceFields {
		attrs[f.name] = f.attr
	}
	return attrs
}

// writeInstance writes s as an object of instanceFields.
func writeInstance(enc *msgpack.Encoder, s cvm.Status) error {
	if err := enc.EncodeMapLen(len(instanceFields)); err != nil {
		return err
	}
	for _, f := range instanceFields {
		if err := enc.EncodeString(f.name); err != nil {
			return err
		}
		if err := f.write(enc, s); err != nil {
			return err
		}
	}
	return nil
}

package cvm

import (
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// Details are the attributes of an instance that users act on besides its state (a DNS record
// needs its private addresses, a message its name, a for_each its zone), as DescribeInstances
// answers them. A string the API leaves out or null is "", a number it leaves out is nil, and a
// list or the tags it leaves out are empty, not nil.
type Details struct {
	Name             string
	Zone             string
	InstanceType     string
	CPU              *int64 // cores
	Memory           *int64 // GiB
	PrivateIPs       []string
	PublicIPs        []string
	IPv6Addresses    []string
	VpcID            string
	SubnetID         string
	SecurityGroupIDs []string
	ProjectID        *int64
	ImageID          string
	OsName           string
	// Tags are the instance's tags, by key.
	Tags        map[string]string
	ChargeType  string // PREPAID, POSTPAID_BY_HOUR, CDHPAID, SPOTPAID, ...
	CreatedTime string // as the API writes it, such as 2025-01-06T08:00:00Z
	ExpiredTime string // prepaid instances only
	Latest      LatestOperation
}

// detailsOf are the details of inst as DescribeInstances answers it.
func detailsOf(inst *cvmapi.Instance) *Details {
	d := &Details{
		Name:             deref(inst.InstanceName),
		InstanceType:     deref(inst.InstanceType),
		CPU:              inst.CPU,
		Memory:           inst.Memory,
		PrivateIPs:       valuesOf(inst.PrivateIpAddresses),
		PublicIPs:        valuesOf(inst.PublicIpAddresses),
		IPv6Addresses:    valuesOf(inst.IPv6Addresses),
		SecurityGroupIDs: valuesOf(inst.SecurityGroupIds),
		ImageID:          deref(inst.ImageId),
		OsName:           deref(inst.OsName),
		Tags:             make(map[string]string, len(inst.Tags)),
		ChargeType:       deref(inst.InstanceChargeType),
		CreatedTime:      deref(inst.CreatedTime),
		ExpiredTime:      deref(inst.ExpiredTime),
		Latest: LatestOperation{
			Action:    deref(inst.LatestOperation),
			State:     deref(inst.LatestOperationState),
			RequestID: deref(inst.LatestOperationRequestId),
			ErrorMsg:  deref(inst.LatestOperationErrorMsg),
		},
	}
	if p := inst.Placement; p != nil {
		d.Zone, d.ProjectID = deref(p.Zone), p.ProjectId
	}
	if vpc := inst.VirtualPrivateCloud; vpc != nil {
		d.VpcID, d.SubnetID = deref(vpc.VpcId), deref(vpc.SubnetId)
	}
	for _, t := range inst.Tags {
		if t != nil && t.Key != nil {
			d.Tags[*t.Key] = deref(t.Value)
		}
	}
	return d
}

// valuesOf are the values of a list the API answers, in its order, without the nulls it may hold.
func valuesOf(values []*string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != nil {
			out = append(out, *v)
		}
	}
	return out
}

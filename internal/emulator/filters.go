package emulator

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The API's limits on the Filters of DescribeInstances.
const (
	MaxFilters      = 10
	MaxFilterValues = 5
)

// filterParam is one filter of a DescribeInstances request, as the wire carries it.
type filterParam struct {
	Name   *string  `json:"Name"`
	Values []string `json:"Values"`
}

// filterRule is what one filter name checks of each value and how a value matches an instance.
type filterRule struct {
	// check returns the API's error for a value it refuses; nil accepts every value.
	check func(region, value string) *apiError
	match func(inst Instance, value string) bool
}

// FilterNames are the filter names DescribeInstances documents, besides tag:<key>.
var FilterNames = []string{
	"zone", "project-id", "host-id", "dedicated-cluster-id", "vpc-id", "subnet-id", "instance-id", "uuid",
	"security-group-id", "instance-name", "instance-charge-type", "instance-state", "private-ip-address",
	"public-ip-address", "ipv6-address", "tag-key", "tag-value", "creation-start-time", "creation-end-time",
}

// creationTimeLayout is how the creation-start-time and creation-end-time filters write a time.
const creationTimeLayout = "2006-01-02 15:04:05"

// maxVagueName is the longest instance-name value the emulator accepts.
const maxVagueName = 128

var filterRules = map[string]filterRule{
	"zone": {
		check: func(region, v string) *apiError {
			if !slices.Contains(Zones(region), v) {
				return &apiError{"InvalidZone.MismatchRegion", fmt.Sprintf("The zone %q does not exist in the region %s; its zones are %s.", v, region, strings.Join(Zones(region), ", "))}
			}
			return nil
		},
		match: func(inst Instance, v string) bool { return inst.Zone == v },
	},
	"project-id": {
		check: func(_, v string) *apiError {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return &apiError{"InvalidParameterValue", fmt.Sprintf("The value %q of the filter project-id is not an integer.", v)}
			}
			return nil
		},
		match: func(inst Instance, v string) bool {
			return strconv.FormatInt(inst.ProjectID, 10) == strings.TrimLeft(v, "+")
		},
	},
	"host-id":              {check: idForm("host", "InvalidHostId.Malformed"), match: func(inst Instance, v string) bool { return inst.HostID == v }},
	"dedicated-cluster-id": {match: func(inst Instance, v string) bool { return inst.DedicatedClusterID == v }},
	"vpc-id":               {check: idForm("vpc", "InvalidParameterValue.VpcIdMalformed"), match: func(inst Instance, v string) bool { return inst.VpcID == v }},
	"subnet-id":            {check: idForm("subnet", "InvalidParameterValue.SubnetIdMalformed"), match: func(inst Instance, v string) bool { return inst.SubnetID == v }},
	"instance-id":          {check: idForm("ins", "InvalidInstanceId.Malformed"), match: func(inst Instance, v string) bool { return inst.ID == v }},
	"uuid": {
		check: func(_, v string) *apiError {
			if !uuidPattern.MatchString(v) {
				return &apiError{"InvalidParameterValue.UuidMalformed", fmt.Sprintf("The UUID %q is malformed: it must look like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.", v)}
			}
			return nil
		},
		match: func(inst Instance, v string) bool { return inst.UUID == v },
	},
	"security-group-id": {check: idForm("sg", "InvalidSgId.Malformed"), match: func(inst Instance, v string) bool { return slices.Contains(inst.SecurityGroupIDs, v) }},
	"instance-name": {
		// The API's documentation does not say whether a name matches whole or in part; its code
		// InvalidVagueName suggests a part, and that is what the emulator does.
		check: func(_, v string) *apiError {
			if v == "" || len(v) > maxVagueName {
				return &apiError{"InvalidParameterValue.InvalidVagueName", fmt.Sprintf("The instance-name value %q must be 1 to %d characters long.", v, maxVagueName)}
			}
			return nil
		},
		match: func(inst Instance, v string) bool { return strings.Contains(inst.Name, v) },
	},
	"instance-charge-type": {match: func(inst Instance, v string) bool { return inst.ChargeType == v }},
	"instance-state":       {match: func(inst Instance, v string) bool { return inst.State == v }},
	"private-ip-address":   {check: address("InvalidParameterValue.IPAddressMalformed", netip.Addr.Is4), match: func(inst Instance, v string) bool { return slices.Contains(inst.PrivateIPs, v) }},
	"public-ip-address":    {check: address("InvalidParameterValue.IPAddressMalformed", netip.Addr.Is4), match: func(inst Instance, v string) bool { return slices.Contains(inst.PublicIPs, v) }},
	"ipv6-address":         {check: address("InvalidParameterValue.IPv6AddressMalformed", netip.Addr.Is6), match: func(inst Instance, v string) bool { return slices.Contains(inst.IPv6s, v) }},
	"tag-key": {match: func(inst Instance, v string) bool {
		_, ok := inst.Tags[v]
		return ok
	}},
	"tag-value": {match: func(inst Instance, v string) bool {
		for _, value := range inst.Tags {
			if value == v {
				return true
			}
		}
		return false
	}},
	"creation-start-time": {check: creationTime, match: func(inst Instance, v string) bool { return !inst.CreatedTime.Before(parseCreationTime(v)) }},
	"creation-end-time":   {check: creationTime, match: func(inst Instance, v string) bool { return !inst.CreatedTime.After(parseCreationTime(v)) }},
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// idForm checks that a value is an ID of the form prefix-xxxxxxxx, or answers code.
func idForm(prefix, code string) func(string, string) *apiError {
	pattern := regexp.MustCompile(`^` + prefix + `-[a-z0-9]{8}$`)
	return func(_, v string) *apiError {
		if !pattern.MatchString(v) {
			return &apiError{code, fmt.Sprintf("The ID %q is malformed: it must look like %s-xxxxxxxx (8 lowercase letters or digits).", v, prefix)}
		}
		return nil
	}
}

// address checks that a value is an address of the kind is accepts, or answers code.
func address(code string, is func(netip.Addr) bool) func(string, string) *apiError {
	return func(_, v string) *apiError {
		if a, err := netip.ParseAddr(v); err != nil || !is(a) {
			return &apiError{code, fmt.Sprintf("The address %q is malformed.", v)}
		}
		return nil
	}
}

func creationTime(_, v string) *apiError {
	if _, err := time.Parse(creationTimeLayout, v); err != nil {
		return &apiError{"InvalidParameterValue.InvalidTimeFormat", fmt.Sprintf("The time %q is not of the form %s.", v, creationTimeLayout)}
	}
	return nil
}

// parseCreationTime reads a value that creationTime accepted; the API's times are UTC.
func parseCreationTime(v string) time.Time {
	t, _ := time.Parse(creationTimeLayout, v)
	return t
}

// filter is one checked filter: an instance matches it when it matches one of its values.
type filter struct {
	rule   filterRule
	values []string
}

// parseFilters checks the Filters of a request as the API does and returns them; an instance
// must match every one.
func parseFilters(region string, params []filterParam, ids []string) ([]filter, *apiError) {
	if len(params) > MaxFilters {
		return nil, &apiError{"InvalidParameterValue.LimitExceeded", fmt.Sprintf("The number of Filters (%d) exceeds the limit of %d.", len(params), MaxFilters)}
	}
	if len(params) > 0 && len(ids) > 0 {
		return nil, &apiError{"InvalidParameter", "InstanceIds and Filters cannot be specified in the same request."}
	}
	filters := make([]filter, len(params))
	for i, p := range params {
		name := deref(p.Name)
		rule, ok := filterRules[name]
		if key, isTag := strings.CutPrefix(name, "tag:"); isTag && key != "" {
			rule, ok = filterRule{match: func(inst Instance, v string) bool {
				value, has := inst.Tags[key]
				return has && value == v
			}}, true
		}
		switch {
		case !ok:
			return nil, &apiError{"InvalidFilter", fmt.Sprintf("The filter %q is not supported; the filters are %s and tag:<key>.", name, strings.Join(FilterNames, ", "))}
		case len(p.Values) == 0:
			return nil, &apiError{"InvalidParameterValue", fmt.Sprintf("The filter %s has no Values.", name)}
		case len(p.Values) > MaxFilterValues:
			return nil, &apiError{"InvalidFilterValue.LimitExceeded", fmt.Sprintf("The filter %s has %d Values, more than the limit of %d.", name, len(p.Values), MaxFilterValues)}
		}
		if rule.check != nil {
			for _, v := range p.Values {
				if apiErr := rule.check(region, v); apiErr != nil {
					return nil, apiErr
				}
			}
		}
		filters[i] = filter{rule: rule, values: p.Values}
	}
	return filters, nil
}

// matchesAll reports whether inst matches every filter: one of the values of each.
func matchesAll(inst Instance, filters []filter) bool {
	for _, f := range filters {
		if !matchesOne(inst, f) {
			return false
		}
	}
	return true
}

func matchesOne(inst Instance, f filter) bool {
	for _, v := range f.values {
		if f.rule.match(inst, v) {
			return true
		}
	}
	return false
}

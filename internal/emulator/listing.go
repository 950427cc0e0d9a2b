package emulator

import "fmt"

const (
	defaultLimit  = 20
	maxLimit      = 100
	maxIDsPerCall = 100
)

// listParams are the parameters DescribeInstancesStatus and DescribeInstances share.
type listParams struct {
	InstanceIDs []string `json:"InstanceIds"`
	Offset      *int64   `json:"Offset"`
	Limit       *int64   `json:"Limit"`
}

// checkIDs applies the API's checks of an InstanceIds parameter: at most 100, each well formed.
func checkIDs(ids []string) *apiError {
	if len(ids) > maxIDsPerCall {
		return &apiError{"InvalidParameterValue.LimitExceeded", fmt.Sprintf(
			"The number of InstanceIds (%d) exceeds the limit of %d.", len(ids), maxIDsPerCall)}
	}
	for _, id := range ids {
		if !InstanceIDPattern.MatchString(id) {
			return &apiError{"InvalidInstanceId.Malformed", fmt.Sprintf(
				"The instance ID %q is malformed: it must look like ins-xxxxxxxx (8 lowercase letters or digits).", id)}
		}
	}
	return nil
}

// window checks the paging parameters and returns the offset and limit they ask for.
func (p listParams) window() (offset, limit int64, apiErr *apiError) {
	if apiErr := checkIDs(p.InstanceIDs); apiErr != nil {
		return 0, 0, apiErr
	}
	offset, limit = 0, defaultLimit
	if p.Offset != nil {
		offset = *p.Offset
	}
	if p.Limit != nil {
		limit = *p.Limit
	}
	if offset < 0 {
		return 0, 0, &apiError{"InvalidParameterValue", fmt.Sprintf("Offset %d must not be negative.", offset)}
	}
	if limit < 1 || limit > maxLimit {
		return 0, 0, &apiError{"InvalidParameterValue", fmt.Sprintf("Limit %d must be between 1 and %d.", limit, maxLimit)}
	}
	return offset, limit, nil
}

// page returns the instances of the region (or the requested ones that exist, unknown IDs
// silently left out), those that match every filter, from offset to offset+limit in listing
// order, and TotalCount, which counts every match; e.mu is held.
func (e *Emulator) page(region string, ids []string, filters []filter, offset, limit int64) ([]Instance, int64) {
	matches := e.fleet(region).matching(ids)
	if len(filters) == 0 {
		total := int64(len(matches))
		return matches[min(offset, total):min(offset+limit, total)], total
	}
	// One pass that keeps only the page: a region of 100,000 instances is scanned for every page.
	var page []Instance
	var total int64
	for i := range matches {
		if inst := e.withCharge(matches[i]); matchesAll(inst, filters) {
			if total >= offset && total < offset+limit {
				page = append(page, inst)
			}
			total++
		}
	}
	return page, total
}

// withCharge is inst with the charge type the emulator's Config.Prepaid gives it and, when prepaid,
// the end of its term (a month after its creation unless it was given); e.mu is held.
func (e *Emulator) withCharge(inst Instance) Instance {
	if e.prepaid[inst.ID] {
		inst.ChargeType = "PREPAID"
	}
	if inst.ChargeType == "PREPAID" && inst.ExpiredTime.IsZero() {
		inst.ExpiredTime = inst.CreatedTime.AddDate(0, 1, 0)
	}
	return inst
}

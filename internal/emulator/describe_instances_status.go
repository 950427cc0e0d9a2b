package emulator

import "fmt"

const (
	defaultLimit  = 20
	maxLimit      = 100
	maxIDsPerCall = 100
)

type describeInstancesStatusParams struct {
	InstanceIDs []string `json:"InstanceIds"`
	Offset      *int64   `json:"Offset"`
	Limit       *int64   `json:"Limit"`
}

// describeInstancesStatus pages through the region's instances (or the requested ones that
// exist, unknown IDs silently left out) in listing order. TotalCount counts every match.
func (e *Emulator) describeInstancesStatus(region string, body []byte) (map[string]any, *apiError) {
	var p describeInstancesStatusParams
	if apiErr := decodeParams(body, &p); apiErr != nil {
		return nil, apiErr
	}
	if len(p.InstanceIDs) > maxIDsPerCall {
		return nil, &apiError{"InvalidParameterValue.LimitExceeded", fmt.Sprintf(
			"The number of InstanceIds (%d) exceeds the limit of %d.", len(p.InstanceIDs), maxIDsPerCall)}
	}
	for _, id := range p.InstanceIDs {
		if !instanceIDPattern.MatchString(id) {
			return nil, &apiError{"InvalidInstanceId.Malformed", fmt.Sprintf(
				"The instance ID %q is malformed: it must look like ins-xxxxxxxx (8 lowercase letters or digits).", id)}
		}
	}
	offset, limit := int64(0), int64(defaultLimit)
	if p.Offset != nil {
		offset = *p.Offset
	}
	if p.Limit != nil {
		limit = *p.Limit
	}
	if offset < 0 {
		return nil, &apiError{"InvalidParameterValue", fmt.Sprintf("Offset %d must not be negative.", offset)}
	}
	if limit < 1 || limit > maxLimit {
		return nil, &apiError{"InvalidParameterValue", fmt.Sprintf("Limit %d must be between 1 and %d.", limit, maxLimit)}
	}

	e.mu.Lock()
	e.churn(region)
	matches := e.fleet(region).matching(p.InstanceIDs)
	total := int64(len(matches))
	page := matches[min(offset, total):min(offset+limit, total)]
	set := make([]map[string]string, len(page))
	for i, inst := range page {
		set[i] = map[string]string{"InstanceId": inst.ID, "InstanceState": inst.State}
	}
	e.mu.Unlock()

	return map[string]any{"TotalCount": total, "InstanceStatusSet": set}, nil
}

package emulator

import "encoding/json"

type describeInstancesParams struct {
	listParams
	Filters json.RawMessage `json:"Filters"`
}

// describeInstances pages through the region's instances, or the requested ones, with what this
// emulator knows of each: its state, how it is charged, and its latest operation.
func (e *Emulator) describeInstances(c call) (map[string]any, *apiError) {
	var p describeInstancesParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	if len(p.Filters) > 0 && string(p.Filters) != "null" && string(p.Filters) != "[]" {
		return nil, &apiError{"InvalidParameterValue", "The emulator does not implement the Filters of DescribeInstances; ask for InstanceIds."}
	}
	offset, limit, apiErr := p.window()
	if apiErr != nil {
		return nil, apiErr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	page, total := e.page(c.region, p.InstanceIDs, offset, limit)
	set := make([]map[string]any, len(page))
	for i, inst := range page {
		charge := "POSTPAID_BY_HOUR"
		if e.prepaid[inst.ID] {
			charge = "PREPAID"
		}
		fields := map[string]any{"InstanceId": inst.ID, "InstanceState": inst.State, "InstanceChargeType": charge}
		if op, ok := e.latest[c.region+"/"+inst.ID]; ok {
			fields["LatestOperation"] = op.Action
			fields["LatestOperationState"] = op.State
			fields["LatestOperationRequestId"] = op.RequestID
			if op.ErrorMsg != "" {
				fields["LatestOperationErrorMsg"] = op.ErrorMsg
			}
		}
		set[i] = fields
	}
	return map[string]any{"TotalCount": total, "InstanceSet": set}, nil
}

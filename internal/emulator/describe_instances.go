package emulator

type describeInstancesParams struct {
	listParams
	Filters []filterParam `json:"Filters"`
}

// describeInstances pages through the region's instances, the requested ones, or those that match
// every filter, each as the API's whole Instance object.
func (e *Emulator) describeInstances(c call) (map[string]any, *apiError) {
	var p describeInstancesParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	e.recordIDs("DescribeInstances", len(p.InstanceIDs))
	offset, limit, apiErr := p.window()
	if apiErr != nil {
		return nil, apiErr
	}
	filters, apiErr := parseFilters(c.region, p.Filters, p.InstanceIDs)
	if apiErr != nil {
		return nil, apiErr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.churn(c.region)
	page, total := e.page(c.region, p.InstanceIDs, filters, offset, limit)
	set := make([]instanceObject, len(page))
	for i, inst := range page {
		set[i] = e.withCharge(inst).object(e.latest[c.region+"/"+inst.ID])
	}
	return map[string]any{"TotalCount": total, "InstanceSet": set}, nil
}

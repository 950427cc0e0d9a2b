package emulator

// describeInstancesStatus pages through the region's instances, or the requested ones, with the
// state of each.
func (e *Emulator) describeInstancesStatus(c call) (map[string]any, *apiError) {
	var p listParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	e.recordIDs("DescribeInstancesStatus", len(p.InstanceIDs))
	offset, limit, apiErr := p.window()
	if apiErr != nil {
		return nil, apiErr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.churn(c.region)
	page, total := e.page(c.region, p.InstanceIDs, nil, offset, limit)
	set := make([]map[string]string, len(page))
	for i, inst := range page {
		set[i] = map[string]string{"InstanceId": inst.ID, "InstanceState": inst.State}
	}
	return map[string]any{"TotalCount": total, "InstanceStatusSet": set}, nil
}

package emulator

// getCallerIdentity is STS GetCallerIdentity: who the keys that signed it belong to.
func (e *Emulator) getCallerIdentity(c call) (map[string]any, *apiError) {
	var p struct{}
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{
		"Arn":         c.caller.arn,
		"AccountId":   c.caller.account,
		"UserId":      c.caller.userID,
		"PrincipalId": c.caller.account,
		"Type":        c.caller.kind,
	}, nil
}

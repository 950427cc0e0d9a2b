package emulator

import (
	"fmt"
	"time"
)

const (
	defaultAssumeRoleDuration = 7200
	maxAssumeRoleDuration     = 43200
)

type assumeRoleParams struct {
	RoleARN         string  `json:"RoleArn"`
	RoleSessionName string  `json:"RoleSessionName"`
	DurationSeconds *int64  `json:"DurationSeconds"`
	Policy          *string `json:"Policy"`
	ExternalID      *string `json:"ExternalId"`
}

// assumeRole is STS AssumeRole: temporary keys for a known role, which the other actions accept
// only with their token and until they expire.
func (e *Emulator) assumeRole(c call) (map[string]any, *apiError) {
	var p assumeRoleParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	duration := int64(defaultAssumeRoleDuration)
	if p.DurationSeconds != nil {
		duration = *p.DurationSeconds
	}
	switch {
	case p.RoleARN == "":
		return nil, &apiError{"MissingParameter", "The RoleArn parameter is missing."}
	case p.RoleSessionName == "":
		return nil, &apiError{"MissingParameter", "The RoleSessionName parameter is missing."}
	case duration < 1 || duration > maxAssumeRoleDuration:
		return nil, &apiError{"InvalidParameter.OverTimeError", fmt.Sprintf("DurationSeconds %d must be between 1 and %d.", duration, maxAssumeRoleDuration)}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	externalID, ok := e.roles[p.RoleARN]
	switch {
	case !ok:
		return nil, &apiError{"ResourceNotFound.RoleNotExist", "The role " + p.RoleARN + " does not exist."}
	case externalID != "" && (p.ExternalID == nil || *p.ExternalID != externalID):
		return nil, &apiError{"InvalidParameter.ExternalIdError", "The ExternalId does not match the role's trust policy."}
	}
	id, k := e.issueTemporaryKeys(time.Duration(duration) * time.Second)
	e.stats.AssumedRoles++
	return map[string]any{
		"Credentials": credentialsFields(id, k),
		"ExpiredTime": k.expires.Unix(),
		"Expiration":  k.expires.UTC().Format(time.RFC3339),
	}, nil
}

package emulator

import (
	"encoding/json"
	"fmt"
)

const (
	defaultAssumeRoleDuration = 7200
	maxAssumeRoleDuration     = 43200
)

type assumeRoleParams struct {
	RoleARN         string            `json:"RoleArn"`
	RoleSessionName string            `json:"RoleSessionName"`
	DurationSeconds *int64            `json:"DurationSeconds"`
	Policy          *string           `json:"Policy"`
	ExternalID      *string           `json:"ExternalId"`
	Tags            []json.RawMessage `json:"Tags"`
	SourceIdentity  *string           `json:"SourceIdentity"`
	SerialNumber    *string           `json:"SerialNumber"`
	TokenCode       *string           `json:"TokenCode"`
}

// assumeRole is STS AssumeRole, signed with the keys of the caller: temporary keys for a known
// role whose trust policy the request meets (its ExternalId, its MFA code), which the other
// actions accept only with their token and until they expire.
func (e *Emulator) assumeRole(c call) (map[string]any, *apiError) {
	var p assumeRoleParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	duration, apiErr := checkRoleSession(p.RoleARN, p.RoleSessionName, p.DurationSeconds, "InvalidParameter.OverTimeError")
	if apiErr != nil {
		return nil, apiErr
	}
	serial, code := deref(p.SerialNumber), deref(p.TokenCode)
	if (serial == "") != (code == "") {
		return nil, &apiError{"InvalidParameter.ParamError", "SerialNumber and TokenCode go together: send both or neither."}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	role, ok := e.roles[p.RoleARN]
	switch {
	case !ok:
		return nil, &apiError{"ResourceNotFound.RoleNotFound", "The role " + p.RoleARN + " does not exist."}
	case role.ExternalID != "" && deref(p.ExternalID) != role.ExternalID:
		return nil, &apiError{"InvalidParameter.ExternalIdError", "The ExternalId does not match the role's trust policy."}
	case serial != "" && (e.mfaDevices[serial] == "" || e.mfaDevices[serial] != code):
		return nil, &apiError{"FailedOperation.CheckMFAError", "The MFA code does not match the device " + serial + ", or no such device exists."}
	case role.MFA && serial == "":
		return nil, &apiError{"UnauthorizedOperation", "The trust policy of " + p.RoleARN + " requires MFA: send SerialNumber and TokenCode."}
	}
	return e.issueRoleKeys(p.RoleARN, p.RoleSessionName, duration), nil
}

// sessionDuration checks the parameters every STS action that takes on a role shares, and
// returns DurationSeconds or its default; outOfRange is the action's code for a duration that
// is not within 0 < d <= 43200.
func checkRoleSession(roleARN, sessionName string, seconds *int64, outOfRange string) (int64, *apiError) {
	duration := int64(defaultAssumeRoleDuration)
	if seconds != nil {
		duration = *seconds
	}
	switch {
	case roleARN == "":
		return 0, &apiError{"MissingParameter", "The RoleArn parameter is missing."}
	case sessionName == "":
		return 0, &apiError{"MissingParameter", "The RoleSessionName parameter is missing."}
	case duration < 1 || duration > maxAssumeRoleDuration:
		return 0, &apiError{outOfRange, fmt.Sprintf("DurationSeconds %d must be between 1 and %d.", duration, maxAssumeRoleDuration)}
	}
	return duration, nil
}

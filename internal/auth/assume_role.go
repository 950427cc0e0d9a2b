package auth

import (
	"cmp"
	"context"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"
)

// Role is the role to take on with STS AssumeRole.
type Role struct {
	ARN         string
	SessionName string
	Duration    time.Duration
	Policy      string
	ExternalID  string
	// SourceIdentity is who takes on the role, recorded by CloudAudit; "" for none.
	SourceIdentity string
	// SerialNumber and TokenCode are the MFA device and the code it shows, for a role whose trust
	// policy asks for MFA; both "" for none.
	SerialNumber string
	TokenCode    string
}

// AssumedRole are the temporary keys of role, obtained from STS by signing AssumeRole with base,
// and obtained again before they expire. The SDK's RoleArnProvider would do this but takes
// neither a policy, an external ID, an MFA code, a scheme nor a context, so the STS client is
// called directly.
func AssumedRole(base Credentials, role Role, at STS) Credentials {
	return at.renewing(func(ctx context.Context, renewal bool) (temporaryKeys, error) {
		keys, err := assumeRoleKeys(ctx, base, role, at)
		if err != nil && role.TokenCode != "" {
			return keys, staleProof(err, renewal, "the MFA code")
		}
		return keys, err
	})
}

// assumeRoleKeys asks STS for the keys of role.
func assumeRoleKeys(ctx context.Context, base Credentials, role Role, at STS) (temporaryKeys, error) {
	what := "AssumeRole of " + role.ARN
	cred, err := base.Credential(ctx)
	if err != nil {
		return temporaryKeys{}, stsFailure(what, at, err)
	}
	req := sts.NewAssumeRoleRequest()
	req.RoleArn = common.StringPtr(role.ARN)
	req.RoleSessionName = common.StringPtr(role.SessionName)
	req.DurationSeconds = common.Uint64Ptr(uint64(role.Duration / time.Second)) //nolint:gosec // validated to 1..43200 seconds
	req.Policy = optional(role.Policy)
	req.ExternalId = optional(role.ExternalID)
	req.SourceIdentity = optional(role.SourceIdentity)
	req.SerialNumber = optional(role.SerialNumber)
	req.TokenCode = optional(role.TokenCode)
	issued := at.now()
	resp, err := at.client(cred).AssumeRoleWithContext(ctx, req)
	if err != nil {
		return temporaryKeys{}, stsFailure(what, at, err)
	}
	r := cmp.Or(resp.Response, &sts.AssumeRoleResponseParams{})
	return at.roleKeys(what, r.Credentials, r.ExpiredTime, issued)
}

// optional is s for a parameter that is sent only when it is set.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

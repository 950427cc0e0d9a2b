package auth

import (
	"cmp"
	"context"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"
)

// SAML is a role to take on with the SAML assertion of a company's identity provider.
type SAML struct {
	RoleARN string
	// PrincipalARN is the identity provider, as CAM names it.
	PrincipalARN string
	// Assertion is the base64-encoded SAML response.
	Assertion   string
	SessionName string
	Duration    time.Duration
}

// AssumedRoleWithSAML are the temporary keys that STS AssumeRoleWithSAML gives for the assertion
// of s. It needs no keys: the request is unsigned. Renewing them sends the assertion again, which
// identity providers make valid for minutes, so the session duration should cover the run.
func AssumedRoleWithSAML(s SAML, at STS) Credentials {
	return at.renewing(func(ctx context.Context, renewal bool) (temporaryKeys, error) {
		keys, err := samlKeys(ctx, s, at)
		if err != nil {
			return keys, staleProof(err, renewal, "the SAML assertion")
		}
		return keys, nil
	})
}

func samlKeys(ctx context.Context, s SAML, at STS) (temporaryKeys, error) {
	what := "AssumeRoleWithSAML of " + s.RoleARN
	req := sts.NewAssumeRoleWithSAMLRequest()
	req.SAMLAssertion = common.StringPtr(s.Assertion)
	req.PrincipalArn = common.StringPtr(s.PrincipalARN)
	req.RoleArn = common.StringPtr(s.RoleARN)
	req.RoleSessionName = common.StringPtr(s.SessionName)
	req.DurationSeconds = common.Uint64Ptr(uint64(s.Duration / time.Second)) //nolint:gosec // validated to 1..43200 seconds
	issued := at.now()
	resp, err := at.client(nil).AssumeRoleWithSAMLWithContext(ctx, req)
	if err != nil {
		return temporaryKeys{}, stsFailure(what, at, err)
	}
	r := cmp.Or(resp.Response, &sts.AssumeRoleWithSAMLResponseParams{})
	return at.roleKeys(what, r.Credentials, unixTime(r.ExpiredTime), issued)
}

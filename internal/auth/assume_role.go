package auth

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"
)

// stsRequestTimeout bounds one AssumeRole request, from connecting to reading the whole answer.
const stsRequestTimeout = 30 * time.Second

// Role is the role to take on with STS AssumeRole.
type Role struct {
	ARN         string
	SessionName string
	Duration    time.Duration
	Policy      string
	ExternalID  string
}

// STS says where STS is and how to reach it.
type STS struct {
	Endpoint string // host[:port]
	Scheme   string // "https" or "http"
	Region   string
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
}

// AssumedRole are the temporary keys of role, obtained from STS by signing AssumeRole with base,
// and obtained again before they expire. The SDK's RoleArnProvider would do this but takes
// neither a policy, an external ID, a scheme nor a context, so the STS client is called directly.
func AssumedRole(base Credentials, role Role, at STS) Credentials {
	return &renewingKeys{fetch: func(ctx context.Context) (temporaryKeys, error) {
		return stsKeys(ctx, base, role, at)
	}}
}

// stsKeys asks STS for the keys of role.
func stsKeys(ctx context.Context, base Credentials, role Role, at STS) (temporaryKeys, error) {
	fail := func(err error) (temporaryKeys, error) {
		return temporaryKeys{}, fmt.Errorf("STS AssumeRole of %s at %s failed: %w", role.ARN, at.Endpoint, err)
	}
	cred, err := base.Credential(ctx)
	if err != nil {
		return fail(err)
	}
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint = at.Endpoint
	p.HttpProfile.Scheme = at.Scheme
	p.HttpProfile.ReqTimeout = int(stsRequestTimeout / time.Second)
	p.Language = "en-US"
	p.DisableRegionBreaker = true
	client, _ := sts.NewClient(cred, at.Region, p)
	if at.Transport != nil {
		client.WithHttpTransport(at.Transport)
	}

	req := sts.NewAssumeRoleRequest()
	req.RoleArn = common.StringPtr(role.ARN)
	req.RoleSessionName = common.StringPtr(role.SessionName)
	req.DurationSeconds = common.Uint64Ptr(uint64(role.Duration / time.Second)) //nolint:gosec // validated to 1..43200 seconds
	if role.Policy != "" {
		req.Policy = common.StringPtr(role.Policy)
	}
	if role.ExternalID != "" {
		req.ExternalId = common.StringPtr(role.ExternalID)
	}
	issued := time.Now()
	resp, err := client.AssumeRoleWithContext(ctx, req)
	if err != nil {
		return fail(err)
	}
	r := resp.Response
	if r == nil || r.Credentials == nil || r.Credentials.TmpSecretId == nil || r.Credentials.TmpSecretKey == nil ||
		r.Credentials.Token == nil || r.ExpiredTime == nil {
		return fail(fmt.Errorf("the answer lacks keys, token or expiry"))
	}
	return temporaryKeys{
		cred:    common.NewTokenCredential(*r.Credentials.TmpSecretId, *r.Credentials.TmpSecretKey, *r.Credentials.Token),
		issued:  issued,
		expires: time.Unix(*r.ExpiredTime, 0),
	}, nil
}

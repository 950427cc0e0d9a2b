package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"
)

// stsRequestTimeout bounds one STS request, from connecting to reading the whole answer.
const stsRequestTimeout = 30 * time.Second

// STS says where STS is and how to reach it.
type STS struct {
	Endpoint string // host[:port]
	Scheme   string // "https" or "http"
	Region   string
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock that decides when temporary keys are due for renewal; nil means time.Now.
	Now func() time.Time
}

// client is an STS client that signs with cred, or sends unsigned requests when cred is nil.
func (at STS) client(cred common.CredentialIface) *sts.Client {
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
	return client
}

func (at STS) now() time.Time {
	if at.Now != nil {
		return at.Now()
	}
	return time.Now()
}

// renewing are the temporary keys that fetch obtains, obtained again before they expire by the
// clock of at.
func (at STS) renewing(fetch func(ctx context.Context, renewal bool) (temporaryKeys, error)) Credentials {
	return &renewingKeys{fetch: fetch, now: at.now}
}

// roleKeys are the temporary keys in the answer of the STS request what, which takes on a role.
func (at STS) roleKeys(what string, creds *sts.Credentials, expiredTime *int64, issued time.Time) (temporaryKeys, error) {
	if creds == nil || creds.TmpSecretId == nil || creds.TmpSecretKey == nil || creds.Token == nil || expiredTime == nil {
		return temporaryKeys{}, stsFailure(what, at, errors.New("the answer lacks keys, token or expiry"))
	}
	return temporaryKeys{
		cred:    common.NewTokenCredential(*creds.TmpSecretId, *creds.TmpSecretKey, *creds.Token),
		issued:  issued,
		expires: time.Unix(*expiredTime, 0),
	}, nil
}

// unixTime is an STS expiry sent as an unsigned number.
func unixTime(t *uint64) *int64 {
	if t == nil {
		return nil
	}
	seconds := int64(*t) //nolint:gosec // a time in seconds since 1970
	return &seconds
}

// stsAdvice says what to do about the STS errors a user can fix.
var stsAdvice = map[string]string{
	"InvalidParameter.WebIdentityTokenError": "STS refused the web identity token: it may have expired (CI and TKE tokens last minutes to hours, and are rotated in their file), " +
		"or the provider ID may not name the identity provider that issued it",
	"UnauthorizedOperation":            "the role does not exist, or its trust policy does not allow this identity: check the role ARN and the role's trust policy in CAM",
	"ResourceNotFound.RoleNotFound":    "no role has this ARN: check the role ARN (qcs::cam::uin/<account>:roleName/<name>)",
	"FailedOperation.CheckMFAError":    "the MFA code is wrong or no longer current, or the serial number names another device: pass the code the device shows now",
	"InvalidParameter.ExternalIdError": "the external ID is not the one the role's trust policy requires",
	"InvalidParameter.OverTimeError":   "the session duration must be from 1 to 43200 seconds",
}

// stsFailure is the error of an STS request: what was asked of whom, the API's code, message and
// RequestId (in the SDK's error), and what to do about it when that is known.
func stsFailure(what string, at STS, err error) error {
	var sdkErr *sdkerrors.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		if advice, ok := stsAdvice[sdkErr.Code]; ok {
			return fmt.Errorf("STS %s at %s failed: %w; %s", what, at.Endpoint, err, advice)
		}
	}
	return fmt.Errorf("STS %s at %s failed: %w", what, at.Endpoint, err)
}

// staleProof says why a renewal with the same short-lived proof (an MFA code, a SAML assertion)
// failed: the proof was valid when the keys were first obtained, and is not any more.
func staleProof(err error, renewal bool, proof string) error {
	if !renewal {
		return err
	}
	return fmt.Errorf("%w. The temporary keys had to be renewed, and %s was sent again, which is valid only briefly: "+
		"set the session duration long enough for the whole run (at most 43200 seconds)", err, proof)
}

package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"
)

// WebIdentity is a role to take on with an OIDC token, such as a CI runner's or a TKE pod's.
type WebIdentity struct {
	RoleARN string
	// ProviderID is the identity provider of the token, as CAM names it.
	ProviderID  string
	SessionName string
	Duration    time.Duration
	// Token is the token itself; when it is empty, TokenFile is the file that holds it, read again
	// at each renewal, since runners and TKE replace the token before it expires.
	Token     string
	TokenFile string
}

// AssumedRoleWithWebIdentity are the temporary keys that STS AssumeRoleWithWebIdentity gives for
// the token of id, obtained again (with the token as it is then) before they expire. It needs no
// keys: the request is unsigned.
//
// The SDK's common.OIDCRoleArnProvider sends the same request, but it takes no context, no
// scheme and no transport (so neither the emulator nor the provider's checks of answers can be
// put in its way), reads TKE's variables with os.Getenv, and does not check that the answer holds
// keys; so the STS client is called directly, as for AssumeRole.
func AssumedRoleWithWebIdentity(id WebIdentity, at STS) Credentials {
	return at.renewing(func(ctx context.Context, _ bool) (temporaryKeys, error) {
		return webIdentityKeys(ctx, id, at)
	})
}

func webIdentityKeys(ctx context.Context, id WebIdentity, at STS) (temporaryKeys, error) {
	what := "AssumeRoleWithWebIdentity of " + id.RoleARN
	token, err := id.token()
	if err != nil {
		return temporaryKeys{}, fmt.Errorf("cannot take on the role %s with a web identity: %w", id.RoleARN, err)
	}
	req := sts.NewAssumeRoleWithWebIdentityRequest()
	req.ProviderId = common.StringPtr(id.ProviderID)
	req.WebIdentityToken = common.StringPtr(token)
	req.RoleArn = common.StringPtr(id.RoleARN)
	req.RoleSessionName = common.StringPtr(id.SessionName)
	req.DurationSeconds = common.Int64Ptr(int64(id.Duration / time.Second))
	issued := at.now()
	resp, err := at.client(nil).AssumeRoleWithWebIdentityWithContext(ctx, req)
	if err != nil {
		return temporaryKeys{}, stsFailure(what, at, err)
	}
	r := cmp.Or(resp.Response, &sts.AssumeRoleWithWebIdentityResponseParams{})
	return at.roleKeys(what, r.Credentials, unixTime(r.ExpiredTime), issued)
}

// token is the token to send now. Its errors never quote the file, which holds a secret.
func (id WebIdentity) token() (string, error) {
	if id.Token != "" {
		return id.Token, nil
	}
	data, err := os.ReadFile(id.TokenFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("the web identity token file %s does not exist", id.TokenFile)
	case err != nil:
		return "", fmt.Errorf("cannot read the web identity token file: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", fmt.Errorf("the web identity token file %s is empty", id.TokenFile)
	}
	return token, nil
}

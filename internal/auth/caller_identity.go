package auth

import (
	"context"
	"errors"

	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"
)

// Account is the account (the root account's UIN) that creds belong to, from STS
// GetCallerIdentity; a role's keys belong to the role's account.
func Account(ctx context.Context, creds Credentials, at STS) (string, error) {
	const what = "GetCallerIdentity"
	cred, err := creds.Credential(ctx)
	if err != nil {
		return "", err
	}
	resp, err := at.client(cred).GetCallerIdentityWithContext(ctx, sts.NewGetCallerIdentityRequest())
	if err != nil {
		return "", stsFailure(what, at, err)
	}
	if resp.Response == nil || resp.Response.AccountId == nil || *resp.Response.AccountId == "" {
		return "", stsFailure(what, at, errors.New("the answer names no account"))
	}
	return *resp.Response.AccountId, nil
}

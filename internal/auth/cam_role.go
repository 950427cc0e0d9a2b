package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// DefaultMetadataEndpoint is the CVM metadata service, reachable from CVM instances only.
const DefaultMetadataEndpoint = "metadata.tencentyun.com"

// metadataClient reaches the metadata service, which answers within milliseconds on a CVM and
// not at all elsewhere: a short connect timeout keeps a misplaced cam_role_name from hanging.
var metadataClient = &http.Client{
	Timeout: 10 * time.Second,
	Transport: &http.Transport{
		DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		Proxy:       nil,
	},
}

// CAMRole are the temporary keys of the CAM role bound to this CVM instance, from the metadata
// service at endpoint (host[:port], always plain HTTP), renewed before they expire.
//
// The SDK's CvmRoleProvider cannot be pointed at another address, waits without a timeout,
// renews a fixed five minutes before expiry and can only log a failed renewal, so the provider
// reads the metadata service itself.
func CAMRole(endpoint, role string) Credentials {
	return &renewingKeys{now: time.Now, fetch: func(ctx context.Context, _ bool) (temporaryKeys, error) {
		return metadataKeys(ctx, endpoint, role)
	}}
}

// roleCredentialsResponse is the metadata service's answer for a role.
type roleCredentialsResponse struct {
	TmpSecretID  string `json:"TmpSecretId"`
	TmpSecretKey string `json:"TmpSecretKey"`
	Token        string `json:"Token"`
	ExpiredTime  int64  `json:"ExpiredTime"`
	Code         string `json:"Code"`
}

// metadataKeys asks the metadata service for the keys of role.
func metadataKeys(ctx context.Context, endpoint, role string) (temporaryKeys, error) {
	address := "http://" + endpoint + "/latest/meta-data/cam/security-credentials/" + url.PathEscape(role)
	fail := func(format string, args ...any) (temporaryKeys, error) {
		return temporaryKeys{}, fmt.Errorf("the CAM role %q gave no keys at %s: %s", role, address, fmt.Sprintf(format, args...))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, address, nil)
	if err != nil {
		return fail("%v", err)
	}
	resp, err := metadataClient.Do(req)
	if err != nil {
		return fail("%v (the metadata service answers only on a CVM instance)", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fail("%v", err)
	}
	if resp.StatusCode == http.StatusNotFound {
		return fail("no such role is bound to this instance (HTTP 404)")
	}
	if resp.StatusCode != http.StatusOK {
		return fail("HTTP %s", resp.Status)
	}
	var r roleCredentialsResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return fail("the answer is not JSON: %v", err)
	}
	if r.Code != "Success" || r.TmpSecretID == "" || r.TmpSecretKey == "" || r.Token == "" || r.ExpiredTime == 0 {
		return fail("the answer has Code %q and lacks keys, token or expiry", r.Code)
	}
	return temporaryKeys{
		cred:    common.NewTokenCredential(r.TmpSecretID, r.TmpSecretKey, r.Token),
		issued:  time.Now(),
		expires: time.Unix(r.ExpiredTime, 0),
	}, nil
}

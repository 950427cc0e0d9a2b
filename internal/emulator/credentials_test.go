package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	sts "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const roleARN = "qcs::cam::uin/100000000001:roleName/reader"

func assumeRole(t *testing.T, endpoint, id, key, externalID string, seconds uint64) (*sts.AssumeRoleResponseParams, error) {
	t.Helper()
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint = endpoint
	p.HttpProfile.Scheme = "HTTP"
	p.DisableRegionBreaker = true
	c, _ := sts.NewClient(common.NewCredential(id, key), region, p)
	req := sts.NewAssumeRoleRequest()
	req.RoleArn, req.RoleSessionName = common.StringPtr(roleARN), common.StringPtr("test")
	req.DurationSeconds = common.Uint64Ptr(seconds)
	if externalID != "" {
		req.ExternalId = common.StringPtr(externalID)
	}
	resp, err := c.AssumeRoleWithContext(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return resp.Response, nil
}

// clientWithToken is an SDK client that signs with temporary keys and their token.
func clientWithToken(t *testing.T, endpoint, id, key, token string) *cvmapi.Client {
	t.Helper()
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint = endpoint
	p.HttpProfile.Scheme = "HTTP"
	p.DisableRegionBreaker = true
	c, _ := cvmapi.NewClient(common.NewTokenCredential(id, key, token), region, p)
	return c
}

func TestAssumeRoleIssuesKeysThatNeedTheirToken(t *testing.T) {
	t.Parallel()
	clock := time.Now()
	emu, srv := start(t, emulator.Config{
		Fleets: map[string]int{region: 3},
		Roles:  map[string]emulator.Role{roleARN: {ExternalID: "ext-42"}},
		Now:    func() time.Time { return clock },
	})
	endpoint := strings.TrimPrefix(srv.URL, "http://")

	_, err := assumeRole(t, endpoint, secretID, secretKey, "wrong", 900)
	wantCode(t, err, "InvalidParameter.ExternalIdError")
	_, err = assumeRole(t, endpoint, secretID, "not-the-key", "ext-42", 60)
	wantCode(t, err, "AuthFailure.SignatureFailure")

	r, err := assumeRole(t, endpoint, secretID, secretKey, "ext-42", 60)
	if err != nil {
		t.Fatal(err)
	}
	id, key, token := *r.Credentials.TmpSecretId, *r.Credentials.TmpSecretKey, *r.Credentials.Token
	if want := clock.Add(60 * time.Second).Truncate(time.Second).Unix(); *r.ExpiredTime != want {
		t.Fatalf("ExpiredTime %d, want %d", *r.ExpiredTime, want)
	}
	if _, err := firstPage(clientWithToken(t, endpoint, id, key, token)); err != nil {
		t.Fatal(err)
	}
	_, err = firstPage(clientWithToken(t, endpoint, id, key, ""))
	wantCode(t, err, "AuthFailure.TokenFailure")
	_, err = firstPage(clientWithToken(t, endpoint, id, key, "someone-elses-token"))
	wantCode(t, err, "AuthFailure.TokenFailure")

	clock = clock.Add(61 * time.Second)
	_, err = firstPage(clientWithToken(t, endpoint, id, key, token))
	wantCode(t, err, "AuthFailure.TokenFailure")
	if s := emu.Stats(); s.AssumedRoles != 1 || s.Tokens[token] != 1 {
		t.Fatalf("%d roles assumed, token used %d times; want 1 and 1", s.AssumedRoles, s.Tokens[token])
	}
}

func TestMetadataServiceHandsOutRoleKeys(t *testing.T) {
	t.Parallel()
	emu, srv := start(t, emulator.Config{InstanceRoles: []string{"reader"}, RoleKeyLifetime: time.Hour})
	get := func(path string) (int, []byte) {
		resp, err := http.Get(srv.URL + "/latest/meta-data/cam/security-credentials/" + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	if status, body := get(""); status != http.StatusOK || string(body) != "reader" {
		t.Fatalf("the role list is %d %q", status, body)
	}
	if status, _ := get("writer"); status != http.StatusNotFound {
		t.Fatalf("an unknown role gave %d, want 404", status)
	}
	_, body := get("reader")
	var keys struct {
		TmpSecretID  string `json:"TmpSecretId"`
		TmpSecretKey string
		Token        string
		Code         string
		ExpiredTime  int64
	}
	if err := json.Unmarshal(body, &keys); err != nil || keys.Code != "Success" {
		t.Fatalf("the role's keys are %s (%v)", body, err)
	}
	if _, err := firstPage(clientWithToken(t, strings.TrimPrefix(srv.URL, "http://"), keys.TmpSecretID, keys.TmpSecretKey, keys.Token)); err != nil {
		t.Fatal(err)
	}
	if got := emu.Stats().MetadataRequests; got != 3 {
		t.Fatalf("%d metadata requests counted, want 3", got)
	}
}

package cvm_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestCAMRoleKeysAreRenewedDuringARead reads for about ten seconds with keys that last three.
func TestCAMRoleKeysAreRenewedDuringARead(t *testing.T) {
	var endpoint string
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 2000}, InstanceRoles: []string{"reader"}, RoleKeyLifetime: 3 * time.Second},
		func(cfg *cvm.Config) {
			endpoint = cfg.Endpoint
			cfg.Credentials = cvm.CAMRoleCredentials(endpoint, "reader")
			cfg.RateLimit = 2
		})
	got, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Statuses, sortedFleet(emu, region)) {
		t.Fatal("the statuses are not the fleet")
	}
	if tokens := len(emu.Stats().Tokens); tokens < 2 {
		t.Fatalf("the API saw %d token(s) during a read four times longer than the keys last", tokens)
	}
}

func TestAssumeRoleKeysSignTheReads(t *testing.T) {
	const roleARN = "qcs::cam::uin/100000000001:roleName/reader"
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 150}, Roles: map[string]string{roleARN: ""}},
		func(cfg *cvm.Config) {
			sts := cvm.STSEndpoint{Endpoint: cfg.Endpoint, Scheme: "http", Region: region}
			cfg.Credentials = cvm.AssumeRoleCredentials(cfg.Credentials, cvm.AssumeRole{RoleARN: roleARN, SessionName: "test", Duration: time.Hour}, sts)
		})
	if _, err := c.ListStatuses(context.Background(), region); err != nil {
		t.Fatal(err)
	}
	s := emu.Stats()
	if s.AssumedRoles != 1 || len(s.Tokens) != 1 {
		t.Fatalf("%d roles assumed for %d tokens; want one role assumed once for both pages", s.AssumedRoles, len(s.Tokens))
	}
}

func TestUnreachableMetadataServiceFailsClearly(t *testing.T) {
	// Nothing listens on port 9 of the loopback address: the connection is refused at once.
	creds := cvm.CAMRoleCredentials("127.0.0.1:9", "reader")
	_, err := creds.Credential(context.Background())
	if err == nil || !strings.Contains(err.Error(), `the CAM role "reader" gave no keys at http://127.0.0.1:9/`) ||
		!strings.Contains(err.Error(), "answers only on a CVM instance") {
		t.Fatalf("unexpected error %v", err)
	}
}

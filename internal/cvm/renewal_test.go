package cvm_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestCAMRoleKeysAreRenewedDuringARead reads for about ten seconds with keys that last three.
func TestCAMRoleKeysAreRenewedDuringARead(t *testing.T) {
	t.Parallel()
	var endpoint string
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 2000}, InstanceRoles: []string{"reader"}, RoleKeyLifetime: 3 * time.Second},
		func(cfg *cvm.Config) {
			endpoint = cfg.Endpoint
			cfg.Credentials = auth.CAMRole(endpoint, "reader")
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
	t.Parallel()
	const roleARN = "qcs::cam::uin/100000000001:roleName/reader"
	emu, c := setup(t, emulator.Config{Fleets: map[string]int{region: 150}, Roles: map[string]emulator.Role{roleARN: {}}},
		func(cfg *cvm.Config) {
			sts := auth.STS{Endpoint: cfg.Endpoint, Scheme: "http", Region: region}
			cfg.Credentials = auth.AssumedRole(cfg.Credentials, auth.Role{ARN: roleARN, SessionName: "test", Duration: time.Hour}, sts)
		})
	if _, err := c.ListStatuses(context.Background(), region); err != nil {
		t.Fatal(err)
	}
	s := emu.Stats()
	if s.AssumedRoles != 1 || len(s.Tokens) != 1 {
		t.Fatalf("%d roles assumed for %d tokens; want one role assumed once for both pages", s.AssumedRoles, len(s.Tokens))
	}
}

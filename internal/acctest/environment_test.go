package acctest

import (
	"slices"
	"testing"
)

// TestEnvironmentKeepsOnlyTheAllowList: a developer's keys, role, pod identity, logging and CLI
// configuration stay away from the Terraform a test or the demo runs; Go's caches and the network's
// proxy reach it, and so does what they pass.
func TestEnvironmentKeepsOnlyTheAllowList(t *testing.T) {
	t.Parallel()
	got := allowed([]string{
		"PATH=/usr/bin", "HOME=/home/dev", "LC_ALL=C.UTF-8",
		"TENCENTCLOUD_SECRET_ID=AKIDdeveloper", "TENCENTCLOUD_ASSUME_ROLE_ARN=qcs::cam::uin/1:roleName/admin",
		"TENCENTCLOUD_SECURITY_TOKEN=token", "TKE_ROLE_ARN=qcs::cam::uin/1:roleName/pod", "TF_LOG=TRACE",
		"TF_CLI_CONFIG_FILE=/home/dev/.terraformrc", "GOFLAGS=-mod=mod", "GOCACHE=/home/dev/.cache/go", "HTTPS_PROXY=http://proxy:3128",
	}, "TENCENTCLOUD_SECRET_ID=AKIDemulator", "PATH=/opt/bin")
	want := []string{"PATH=/usr/bin", "HOME=/home/dev", "LC_ALL=C.UTF-8", "GOCACHE=/home/dev/.cache/go", "HTTPS_PROXY=http://proxy:3128",
		"TENCENTCLOUD_SECRET_ID=AKIDemulator", "PATH=/opt/bin"}
	if !slices.Equal(got, want) {
		t.Fatalf("the environment is %q, want %q", got, want)
	}
}

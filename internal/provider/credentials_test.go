package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const listAll = `data "qcloud_cvm_instances_status" "test" {}`

// writeProfile writes the tccli files of a profile into dir.
func writeProfile(t *testing.T, dir, name, credential, configure string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".credential"), []byte(credential), 0o600); err != nil {
		t.Fatal(err)
	}
	if configure != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".configure"), []byte(configure), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func testKeysJSON() string {
	return `{"secretId": "` + testSecretID + `", "secretKey": "` + testSecretKey + `"}`
}

func TestAccCredentialsFromEnvironment(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 8, "ap-shanghai": 6}, Seed: 5})
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	t.Setenv(envRegion, "ap-shanghai")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet("ap-shanghai")), nil),
		}},
	})
}

func TestAccCredentialsFromTccliProfile(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 8, "ap-shanghai": 6}, Seed: 6})
	dir := t.TempDir()
	writeProfile(t, dir, "work", testKeysJSON(), `{"_sys_param": {"region": "ap-shanghai", "output": "json"}}`)
	writeProfile(t, dir, "default", `{"secretId": "AKIDother", "secretKey": "other"}`, "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				// The profile's region applies when neither the block nor the environment sets one.
				Config:            providerBlockWithoutKeys(srv, `profile = "work"`, `shared_credentials_dir = "`+dir+`"`) + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet("ap-shanghai")), nil),
			},
			{
				PreConfig: func() {
					t.Setenv(envProfile, "work")
					t.Setenv(envSharedCredentialsDir, dir)
				},
				Config:            providerBlockWithoutKeys(srv, `region = "`+testRegion+`"`) + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
}

func TestAccKeysTakePrecedenceOverTheProfile(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 5}, Seed: 7})
	dir := t.TempDir()
	writeProfile(t, dir, "default", `{"secretId": "AKIDother", "secretKey": "other"}`, "")
	t.Setenv(envSharedCredentialsDir, dir)
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
		}},
	})
}

func TestAccMissingCredentialsNameEveryWayToSupplyThem(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	t.Setenv(envSecretID, "") // empty counts as unset
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: providerBlockWithoutKeys(srv) + listAll,
			ExpectError: errorMatching("No usable Tencent Cloud credentials", "secret_id and secret_key",
				envSecretID, envSecretKey, "a tccli profile", "no-tccli/default.credential"),
		}},
	})
}

func TestAccCredentialErrors(t *testing.T) {
	_, srv := startEmulator(t, emulator.Config{})
	dir := t.TempDir()
	writeProfile(t, dir, "broken", `{"secretId": "AKID`, "")
	writeProfile(t, dir, "empty", `{"secretId": ""}`, "")
	writeProfile(t, dir, "badregion", testKeysJSON(), `{"_sys_param": ["not", "an", "object"]}`)
	// A folder where the file should be: unreadable even for root, who can read any file.
	if err := os.Mkdir(filepath.Join(dir, "unreadable.credential"), 0o700); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		arguments []string
		message   []string
	}{
		"secret_id without secret_key": {[]string{`secret_id = "AKIDonly"`},
			[]string{"secret_id is set", "but secret_key is not: set secret_key or " + envSecretKey}},
		"secret_key without secret_id": {[]string{`secret_key = "only"`},
			[]string{"secret_key is set", "but secret_id is not: set secret_id or " + envSecretID}},
		"chosen profile that does not exist": {[]string{`profile = "nosuch"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{`the tccli profile "nosuch" was chosen`, "nosuch.credential does not exist"}},
		"malformed credential file": {[]string{`profile = "broken"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{"broken.credential is not valid JSON (at byte 18)"}},
		"credential file without keys": {[]string{`profile = "empty"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{"empty.credential has no secretId or no secretKey"}},
		"unreadable credential file": {[]string{`profile = "unreadable"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{`the tccli profile "unreadable" cannot be used: cannot read`, "unreadable.credential: is a directory"}},
		"malformed configure file": {[]string{`profile = "badregion"`, `shared_credentials_dir = "` + dir + `"`},
			[]string{"Unable to read the region of the tccli profile", "badregion.configure does not have the fields"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      providerBlockWithoutKeys(srv, tc.arguments...) + listAll,
					ExpectError: errorMatching(tc.message...),
				}},
			})
		})
	}
}

const testRoleARN = "qcs::cam::uin/100000000001:roleName/reader"

func TestAccCredentialsFromCAMRole(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 12}, Seed: 10, InstanceRoles: []string{"reader"}})
	block := providerBlockWithoutKeys(srv, "%s") + listAll
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:            fmt.Sprintf(block, `cam_role_name = "reader"`),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				PreConfig:         func() { t.Setenv(envCAMRoleName, "reader") },
				Config:            fmt.Sprintf(block, ""),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
	if len(emu.Stats().Tokens) == 0 {
		t.Fatal("no request was signed with the role's token")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf(block, `cam_role_name = "writer"`),
			ExpectError: errorMatching("Unable to obtain Tencent Cloud credentials", `the CAM role "writer" gave no keys`, "no such role is bound to this instance (HTTP 404)"),
		}},
	})
}

func TestAccAssumeRole(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 12}, Seed: 11, Roles: map[string]string{testRoleARN: "ext-42"}})
	t.Setenv(envSecretID, testSecretID)
	t.Setenv(envSecretKey, testSecretKey)
	block := providerBlockWithoutKeys(srv, "%s") + listAll
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(block, `assume_role {
    role_arn         = "`+testRoleARN+`"
    session_name     = "acceptance"
    session_duration = 900
    external_id      = "ext-42"
  }`),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				PreConfig: func() {
					t.Setenv(envAssumeRoleARN, testRoleARN)
					t.Setenv(envAssumeRoleExternalID, "ext-42")
					t.Setenv(envAssumeRoleSessionDuration, "900")
				},
				Config:            fmt.Sprintf(block, ""),
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
	s := emu.Stats()
	if s.AssumedRoles == 0 || len(s.Tokens) == 0 {
		t.Fatalf("%d roles assumed and %d tokens used: the reads were not signed with the role's keys", s.AssumedRoles, len(s.Tokens))
	}
	for _, tc := range []struct {
		env, value string
		message    []string
	}{
		{envAssumeRoleExternalID, "wrong", []string{"Unable to obtain Tencent Cloud credentials", "STS AssumeRole of " + testRoleARN, "InvalidParameter.ExternalIdError"}},
		{envAssumeRoleSessionDuration, "two hours", []string{envAssumeRoleSessionDuration, `is "two hours"; it must be a number of seconds from 1 to 43200`}},
	} {
		t.Setenv(tc.env, tc.value)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps:                    []resource.TestStep{{Config: fmt.Sprintf(block, ""), ExpectError: errorMatching(tc.message...)}},
		})
	}
}

// TestAccCredentialPrecedence sets several sources at once: keys win over the profile, the
// profile over the CAM role, and the CAM role is not even asked when something comes first.
func TestAccCredentialPrecedence(t *testing.T) {
	emu, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 6}, Seed: 12, InstanceRoles: []string{"reader"}})
	dir := t.TempDir()
	writeProfile(t, dir, "default", testKeysJSON(), "")
	t.Setenv(envCAMRoleName, "reader")
	block := providerBlockWithoutKeys(srv)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				// The profile comes before the CAM role.
				PreConfig:         func() { t.Setenv(envSharedCredentialsDir, dir) },
				Config:            block + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
			{
				// Keys come before the profile, whose keys here are not the emulator's.
				PreConfig: func() {
					writeProfile(t, dir, "default", `{"secretId": "AKIDother", "secretKey": "other"}`, "")
					t.Setenv(envSecretID, testSecretID)
					t.Setenv(envSecretKey, testSecretKey)
				},
				Config:            block + listAll,
				ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			},
		},
	})
	if n := emu.Stats().MetadataRequests; n != 0 {
		t.Fatalf("the metadata service was asked %d times although keys came first", n)
	}
}

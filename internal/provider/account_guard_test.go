package provider

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestAccProvider_accountGuard: a run against an allowed account reads after one GetCallerIdentity;
// a run against another account, or a forbidden one, stops before any CVM call, naming the
// account the keys belong to.
func TestAccProvider_accountGuard(t *testing.T) {
	emu, srv := startEmulator(t, keylessConfig())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providersWithEnv(testKeys),
		Steps: []resource.TestStep{{
			Config:            providerBlockWithoutKeys(srv, fmt.Sprintf("allowed_account_ids = [%q, \"200000000009\"]", emulator.DefaultAccount)) + listAll,
			ConfigStateChecks: expectRead(sortedByID(emu.Fleet(testRegion)), nil),
			Check: func(*terraform.State) error {
				if n := emu.Calls("GetCallerIdentity"); n == 0 {
					return fmt.Errorf("the account was never checked")
				}
				return nil
			},
		}},
	})
	guard := func(args ...string) func(*httptest.Server) string {
		return func(srv *httptest.Server) string { return providerBlockWithoutKeys(srv, args...) }
	}
	expectConfigureError(t, "an account that is not allowed", testKeys, guard(`allowed_account_ids = ["200000000009", "200000000001"]`),
		"Wrong Tencent Cloud account", "The credentials (from secret_id and secret_key) belong to the account "+emulator.DefaultAccount,
		"which is not in allowed_account_ids (200000000001, 200000000009)", "nothing was read or changed")
	expectConfigureError(t, "a forbidden account", testKeys, guard(fmt.Sprintf("forbidden_account_ids = [%q]", emulator.DefaultAccount)),
		"Wrong Tencent Cloud account", "belong to the account "+emulator.DefaultAccount+", which forbidden_account_ids names")
	// The keys of a role belong to the role's account, which is the one checked.
	expectConfigureError(t, "a role in a forbidden account", map[string]string{envAssumeRoleARN: oidcRoleARN, envWebIdentityToken: ciToken, envProviderID: "github-actions"},
		guard(`forbidden_account_ids = ["100000000002"]`),
		"Wrong Tencent Cloud account", "The credentials (from the web identity of "+envAssumeRoleARN, "belong to the account 100000000002")
	expectConfigureError(t, "keys STS does not know", map[string]string{envSecretID: "AKIDunknown", envSecretKey: "x"}, guard(`allowed_account_ids = ["100000000001"]`),
		"Unable to check the Tencent Cloud account", "allowed_account_ids or forbidden_account_ids is set", "STS GetCallerIdentity at", "AuthFailure.SecretIdNotFound")
	t.Run("both sets at once", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providersWithEnv(testKeys),
			Steps: []resource.TestStep{{
				Config:      providerBlockWithoutKeys(srv, `allowed_account_ids = ["1"]`, `forbidden_account_ids = ["2"]`) + listAll,
				ExpectError: errorMatching("Invalid Attribute Combination", "cannot be specified when", "forbidden_account_ids"),
			}},
		})
	})
	t.Run("an account ID that is not one", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providersWithEnv(testKeys),
			Steps: []resource.TestStep{{
				Config:      providerBlockWithoutKeys(srv, `allowed_account_ids = ["prod"]`) + listAll,
				ExpectError: errorMatching("must be an account ID: the root account's UIN"),
			}},
		})
	})
}

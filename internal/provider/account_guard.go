package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

// checkAccount asks STS whose the credentials are, once, and refuses an account that
// allowed_account_ids leaves out or forbidden_account_ids names, before any CVM call is made.
func checkAccount(ctx context.Context, c clientConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(c.allowedAccounts) == 0 && len(c.forbiddenAccounts) == 0 {
		return diags
	}
	account, err := auth.Account(ctx, c.credentials, c.sts)
	if err != nil {
		diags.AddError("Unable to check the Tencent Cloud account",
			fmt.Sprintf("allowed_account_ids or forbidden_account_ids is set, so the provider asks STS which account the credentials (from %s) "+
				"belong to, and that failed, so nothing was read or changed: %v", c.credentialSource, err))
		return diags
	}
	switch {
	case len(c.allowedAccounts) > 0 && !slices.Contains(c.allowedAccounts, account):
		diags.AddAttributeError(path.Root("allowed_account_ids"), "Wrong Tencent Cloud account",
			fmt.Sprintf("The credentials (from %s) belong to the account %s, which is not in allowed_account_ids (%s), so nothing was read or "+
				"changed. Use the credentials of an allowed account, or add %s to allowed_account_ids if this run is meant for it.",
				c.credentialSource, account, strings.Join(slices.Sorted(slices.Values(c.allowedAccounts)), ", "), account))
	case slices.Contains(c.forbiddenAccounts, account):
		diags.AddAttributeError(path.Root("forbidden_account_ids"), "Wrong Tencent Cloud account",
			fmt.Sprintf("The credentials (from %s) belong to the account %s, which forbidden_account_ids names, so nothing was read or changed. "+
				"Use the credentials of another account.", c.credentialSource, account))
	}
	return diags
}

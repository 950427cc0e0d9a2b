package main

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// keyOptions are the flags of the keys group: the keys the emulator accepts, and what STS and the
// metadata service hand out.
type keyOptions struct {
	secretID      string
	secretKey     string
	account       string
	roles         rolesFlag
	tokens        pairsFlag // provider -> token
	assertions    pairsFlag // principal ARN -> assertion
	mfaDevices    pairsFlag // serial -> code
	instanceRoles listFlag
}

func (k *keyOptions) define(fs *flag.FlagSet) {
	k.roles = rolesFlag{}
	fs.StringVar(&k.secretID, "secret-id", emulator.DefaultSecretID, "the SecretId the emulator accepts")
	fs.StringVar(&k.secretKey, "secret-key", emulator.DefaultSecretKey, "the SecretKey of -secret-id")
	fs.StringVar(&k.account, "account", emulator.DefaultAccount, "the account (root UIN) the keys belong to, as GetCallerIdentity answers; a role's keys belong to the account in its ARN")
	fs.Var(&k.roles, "role", "a role STS lets callers take on, as `ARN[,condition...]` with the conditions of its trust policy: "+
		roleConditionList()+"; such as qcs::cam::uin/100000000001:roleName/ci,oidc=OIDC (repeatable)")
	fs.Var(&k.tokens, "web-identity-token", "an OIDC token AssumeRoleWithWebIdentity accepts, as `provider=token`, the provider being the ProviderId (repeatable)")
	fs.Var(&k.assertions, "saml-assertion", "a base64 SAML assertion AssumeRoleWithSAML accepts, as `principal-arn=assertion`, the PrincipalArn of the identity provider that issued it (repeatable)")
	fs.Var(&k.mfaDevices, "mfa-device", "an MFA device AssumeRole checks codes against, as `serial=code` (repeatable)")
	fs.Var(&k.instanceRoles, "instance-role", "a CAM `role` bound to the emulated instance, whose keys the metadata service hands out (repeatable)")
}

// config is the part of the emulator's configuration that the keys group sets.
func (k *keyOptions) config(cfg *emulator.Config) {
	cfg.Keys = map[string]string{k.secretID: k.secretKey}
	cfg.Account = k.account
	cfg.Roles = k.roles
	cfg.WebIdentityTokens = map[string]emulator.WebIdentityToken{}
	for _, token := range k.tokens {
		cfg.WebIdentityTokens[token.value] = emulator.WebIdentityToken{ProviderID: token.name}
	}
	cfg.SAMLAssertions = map[string]string{}
	for _, assertion := range k.assertions {
		cfg.SAMLAssertions[assertion.value] = assertion.name
	}
	cfg.MFADevices = map[string]string{}
	for _, device := range k.mfaDevices {
		cfg.MFADevices[device.name] = device.value
	}
	cfg.InstanceRoles = k.instanceRoles
}

// rolesFlag is -role ARN[,condition...], repeated.
type rolesFlag map[string]emulator.Role

// roleConditions are the conditions of a role's trust policy that -role takes, by name, each with
// the kind of value it takes ("" for none).
var roleConditions = map[string]struct {
	value string
	set   func(*emulator.Role, string)
}{
	"external-id": {"ID", func(r *emulator.Role, v string) { r.ExternalID = v }},
	"mfa":         {"", func(r *emulator.Role, _ string) { r.MFA = true }},
	"oidc":        {"PROVIDER", func(r *emulator.Role, v string) { r.OIDCProvider = v }},
	"saml":        {"PRINCIPAL_ARN", func(r *emulator.Role, v string) { r.SAMLProvider = v }},
}

// roleConditionList is "external-id=ID, mfa, oidc=PROVIDER, saml=PRINCIPAL_ARN".
func roleConditionList() string {
	var list []string
	for _, name := range slices.Sorted(maps.Keys(roleConditions)) {
		if v := roleConditions[name].value; v != "" {
			name += "=" + v
		}
		list = append(list, name)
	}
	return strings.Join(list, ", ")
}

func (f rolesFlag) String() string { return strings.Join(slices.Sorted(maps.Keys(f)), ",") }

func (f rolesFlag) Set(value string) error {
	arn, conditions, _ := strings.Cut(value, ",")
	if !strings.HasPrefix(arn, "qcs::cam::") {
		return fmt.Errorf("%q does not start with a role's ARN, such as qcs::cam::uin/100000000001:roleName/ci", value)
	}
	var role emulator.Role
	for condition := range strings.SplitSeq(conditions, ",") {
		if condition == "" {
			continue
		}
		name, v, _ := strings.Cut(condition, "=")
		c, ok := roleConditions[name]
		if !ok || (c.value == "") != (v == "") {
			return fmt.Errorf("%q in %q is not one of the conditions %s", condition, value, roleConditionList())
		}
		c.set(&role, v)
	}
	f[arn] = role
	return nil
}

// pairsFlag is a repeated name=value flag, in order: one identity provider issues many tokens.
// The value may hold "=", as base64 does.
type pairsFlag []pair

type pair struct{ name, value string }

func (f *pairsFlag) String() string { return fmt.Sprint(*f) }

func (f *pairsFlag) Set(value string) error {
	name, v, ok := strings.Cut(value, "=")
	if !ok || name == "" || v == "" {
		return fmt.Errorf("%q is not name=value", value)
	}
	*f = append(*f, pair{name, v})
	return nil
}

// listFlag is a repeated flag whose values are collected in order.
type listFlag []string

func (f *listFlag) String() string { return strings.Join(*f, ",") }

func (f *listFlag) Set(value string) error {
	*f = append(*f, value)
	return nil
}

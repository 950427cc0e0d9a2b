package emulator

import (
	"regexp"
	"time"
)

// DefaultAccount is the account (the root UIN) of the emulator's keys unless Config.Account
// names another.
const DefaultAccount = "100000000001"

// Role is a CAM role that STS lets clients take on, with the conditions of its trust policy.
type Role struct {
	// ExternalID is the ExternalId AssumeRole must send; "" for none.
	ExternalID string
	// MFA makes AssumeRole refuse a request without the SerialNumber of one of Config.MFADevices
	// and the code that device shows.
	MFA bool
	// OIDCProvider is the identity provider (the ProviderId) whose web identity tokens may take
	// on the role with AssumeRoleWithWebIdentity; "" for none.
	OIDCProvider string
	// SAMLProvider is the identity provider (the PrincipalArn) whose SAML assertions may take on
	// the role with AssumeRoleWithSAML; "" for none.
	SAMLProvider string
}

// WebIdentityToken is an OIDC token that an identity provider issued, as STS sees it: who issued
// it and until when it is valid (zero: always).
type WebIdentityToken struct {
	ProviderID string
	Expires    time.Time
}

// roleAccountPattern finds the account in a role's ARN: qcs::cam::uin/<account>:roleName/<name>.
var roleAccountPattern = regexp.MustCompile(`^qcs::cam::uin/([0-9]+):`)

// accountOfRole is the account that owns the role, else the emulator's own; the keys of a role
// belong to its account, which is how a role in another account moves a client there.
func (e *Emulator) accountOfRole(roleARN string) string {
	if m := roleAccountPattern.FindStringSubmatch(roleARN); m != nil {
		return m[1]
	}
	return e.account
}

// SetMFACode makes the MFA device serial show code from now on, as a device's code changes every
// half minute.
func (e *Emulator) SetMFACode(serial, code string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mfaDevices[serial] = code
}

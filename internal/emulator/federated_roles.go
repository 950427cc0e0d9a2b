package emulator

import (
	"encoding/base64"
	"time"
)

type webIdentityParams struct {
	ProviderID       string `json:"ProviderId"`
	WebIdentityToken string `json:"WebIdentityToken"`
	RoleARN          string `json:"RoleArn"`
	RoleSessionName  string `json:"RoleSessionName"`
	DurationSeconds  *int64 `json:"DurationSeconds"`
}

// assumeRoleWithWebIdentity is STS AssumeRoleWithWebIdentity, an unsigned request: temporary
// keys for a role that trusts the identity provider of a valid OIDC token. The codes are the
// ones sts v20180813 documents for it.
func (e *Emulator) assumeRoleWithWebIdentity(c call) (map[string]any, *apiError) {
	var p webIdentityParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if p.WebIdentityToken != "" {
		e.stats.WebIdentityTokens[p.WebIdentityToken]++
	}
	if p.ProviderID == "" || p.WebIdentityToken == "" {
		return nil, &apiError{"InvalidParameter.ParamError", "ProviderId and WebIdentityToken are required."}
	}
	duration, apiErr := checkRoleSession(p.RoleARN, p.RoleSessionName, p.DurationSeconds, "InvalidParameter.ParamError")
	if apiErr != nil {
		return nil, apiErr
	}
	token, known := e.webIdentityTokens[p.WebIdentityToken]
	role, ok := e.roles[p.RoleARN]
	switch {
	case !known:
		return nil, &apiError{"InvalidParameter.WebIdentityTokenError", "The web identity token is not valid: no identity provider issued it."}
	case !token.Expires.IsZero() && !e.now().Before(token.Expires):
		return nil, &apiError{"InvalidParameter.WebIdentityTokenError", "The web identity token expired at " + token.Expires.UTC().Format(time.RFC3339) + "."}
	case token.ProviderID != p.ProviderID:
		return nil, &apiError{"InvalidParameter.WebIdentityTokenError", "The web identity token was not issued by the identity provider " + p.ProviderID + "."}
	case !ok:
		return nil, &apiError{"UnauthorizedOperation", "The role " + p.RoleARN + " does not exist."}
	case role.OIDCProvider != p.ProviderID:
		return nil, &apiError{"UnauthorizedOperation", "The trust policy of " + p.RoleARN + " does not allow the identity provider " + p.ProviderID + "."}
	}
	return e.issueRoleKeys(p.RoleARN, p.RoleSessionName, duration), nil
}

type samlParams struct {
	SAMLAssertion   string `json:"SAMLAssertion"`
	PrincipalARN    string `json:"PrincipalArn"`
	RoleARN         string `json:"RoleArn"`
	RoleSessionName string `json:"RoleSessionName"`
	DurationSeconds *int64 `json:"DurationSeconds"`
}

// assumeRoleWithSAML is STS AssumeRoleWithSAML, an unsigned request: temporary keys for a role
// that trusts the SAML identity provider that issued a valid assertion.
func (e *Emulator) assumeRoleWithSAML(c call) (map[string]any, *apiError) {
	var p samlParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	if p.SAMLAssertion == "" || p.PrincipalARN == "" {
		return nil, &apiError{"InvalidParameter.ParamError", "SAMLAssertion and PrincipalArn are required."}
	}
	if _, err := base64.StdEncoding.DecodeString(p.SAMLAssertion); err != nil {
		return nil, &apiError{"InvalidParameter.ParamError", "SAMLAssertion must be the base64 encoding of the assertion."}
	}
	duration, apiErr := checkRoleSession(p.RoleARN, p.RoleSessionName, p.DurationSeconds, "InvalidParameter.OverTimeError")
	if apiErr != nil {
		return nil, apiErr
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	issuer, known := e.samlAssertions[p.SAMLAssertion]
	role, ok := e.roles[p.RoleARN]
	switch {
	case !known || issuer != p.PrincipalARN:
		return nil, &apiError{"InvalidParameter.ParamError", "The SAML assertion is not valid for the identity provider " + p.PrincipalARN + "."}
	case !ok:
		return nil, &apiError{"ResourceNotFound.RoleNotFound", "The role " + p.RoleARN + " does not exist."}
	case role.SAMLProvider != p.PrincipalARN:
		return nil, &apiError{"UnauthorizedOperation", "The trust policy of " + p.RoleARN + " does not allow the identity provider " + p.PrincipalARN + "."}
	}
	return e.issueRoleKeys(p.RoleARN, p.RoleSessionName, duration), nil
}

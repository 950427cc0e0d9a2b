// Package auth finds the keys that sign Tencent Cloud API requests: static API keys, the files of
// a tccli profile, the CAM role of the CVM instance it runs on (through the metadata service),
// STS AssumeRole on top of any of them (with an MFA code if the role asks for one), and the
// sources that need no keys: an OIDC token (a CI runner's, a TKE pod's) or a SAML assertion
// exchanged for a role's keys. Every temporary key is renewed before it expires, by the source
// that made it. It also asks STS whose keys they are. It knows neither Terraform nor any API but
// STS.
package auth

import (
	"context"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Credentials supply the keys that sign requests.
type Credentials interface {
	// Credential returns keys that stay valid for at least the next request.
	Credential(ctx context.Context) (*common.Credential, error)
}

// Static are keys that do not expire: an API key, or temporary keys with their token that
// someone else renews.
func Static(secretID, secretKey, token string) Credentials {
	return staticKeys{common.NewTokenCredential(secretID, secretKey, token)}
}

type staticKeys struct{ cred *common.Credential }

func (s staticKeys) Credential(context.Context) (*common.Credential, error) {
	return s.cred, nil
}

// temporaryKeys are keys that expire.
type temporaryKeys struct {
	cred    *common.Credential
	issued  time.Time
	expires time.Time
}

// renewAt is when keys should be replaced: a fifth of their lifetime before they expire, and
// at most five minutes before, so that no request is signed with keys about to lapse.
func (k temporaryKeys) renewAt() time.Time {
	return k.expires.Add(-min(5*time.Minute, k.expires.Sub(k.issued)/5))
}

// renewingKeys hold the latest temporary keys and fetch new ones when they are due by the clock
// now; one fetch serves every request waiting for it. fetch is told whether it renews keys,
// which a source whose proof is valid only briefly (an MFA code) mentions in its error.
type renewingKeys struct {
	fetch func(ctx context.Context, renewal bool) (temporaryKeys, error)
	now   func() time.Time

	mu   sync.Mutex
	keys temporaryKeys
}

func (r *renewingKeys) Credential(ctx context.Context) (*common.Credential, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys.cred != nil && r.now().Before(r.keys.renewAt()) {
		return r.keys.cred, nil
	}
	keys, err := r.fetch(ctx, r.keys.cred != nil)
	if err != nil {
		return nil, err
	}
	r.keys = keys
	return keys.cred, nil
}

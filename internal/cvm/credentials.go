package cvm

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Credentials supply the keys that sign requests.
type Credentials interface {
	// Credential returns keys that stay valid for at least the next request.
	Credential(ctx context.Context) (*common.Credential, error)
}

// StaticCredentials are keys that do not expire: an API key, or temporary keys with their token
// that someone else refreshes.
func StaticCredentials(secretID, secretKey, token string) Credentials {
	return staticCredentials{common.NewTokenCredential(secretID, secretKey, token)}
}

type staticCredentials struct{ cred *common.Credential }

func (s staticCredentials) Credential(context.Context) (*common.Credential, error) {
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

// temporaryCredentials hold the latest temporary keys and fetch new ones when they are due; one
// fetch serves every request waiting for it.
type temporaryCredentials struct {
	fetch func(ctx context.Context) (temporaryKeys, error)

	mu   sync.Mutex
	keys temporaryKeys
}

func (t *temporaryCredentials) Credential(ctx context.Context) (*common.Credential, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys.cred != nil && time.Now().Before(t.keys.renewAt()) {
		return t.keys.cred, nil
	}
	keys, err := t.fetch(ctx)
	if err != nil {
		return nil, err
	}
	t.keys = keys
	return keys.cred, nil
}

// signingCredential is what the SDK client signs with: the keys a request obtained from
// Credentials just before it was sent. The SDK asks for keys without a context and cannot
// report an error, so fetching happens before, in describe.
type signingCredential struct {
	current atomic.Pointer[common.Credential]
}

func (s *signingCredential) GetCredential() (string, string, string) {
	c := s.current.Load()
	return c.SecretId, c.SecretKey, c.Token
}

// GetSecretId is named by the SDK's CredentialIface.
func (s *signingCredential) GetSecretId() string  { return s.current.Load().SecretId } //nolint:revive
func (s *signingCredential) GetSecretKey() string { return s.current.Load().SecretKey }
func (s *signingCredential) GetToken() string     { return s.current.Load().Token }

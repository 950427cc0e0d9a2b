package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// key is a SecretKey the emulator accepts, with the token and expiry of temporary keys.
type key struct {
	secret  string
	token   string
	expires time.Time
}

// checkToken applies the rules of temporary keys: the request carries their token, and they
// have not expired. e.mu is held.
func (e *Emulator) checkToken(r *http.Request, k key) *apiError {
	token := r.Header.Get("X-TC-Token")
	if k.token == "" {
		return nil
	}
	if token != k.token {
		return &apiError{"AuthFailure.TokenFailure", "The security token is missing or does not belong to these temporary keys."}
	}
	if !e.now().Before(k.expires) {
		return &apiError{"AuthFailure.TokenFailure", "The temporary keys and their token expired at " + k.expires.UTC().Format(time.RFC3339) + "."}
	}
	e.stats.Tokens[token]++
	return nil
}

// issueTemporaryKeys creates temporary keys that expire after lifetime; e.mu is held.
func (e *Emulator) issueTemporaryKeys(lifetime time.Duration) (id string, k key) {
	id = "AKIDtmp" + randomHex(12)
	k = key{secret: randomHex(16), token: randomHex(32), expires: e.now().Add(lifetime).Truncate(time.Second)}
	e.keys[id] = k
	return id, k
}

// credentialsFields are the keys as STS and the metadata service return them.
func credentialsFields(id string, k key) map[string]any {
	return map[string]any{"TmpSecretId": id, "TmpSecretKey": k.secret, "Token": k.token}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}

package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// key is a SecretKey the emulator accepts, with the token and expiry of temporary keys and the
// identity GetCallerIdentity answers for it.
type key struct {
	secret  string
	token   string
	expires time.Time
	caller  callerIdentity
}

// callerIdentity is who a key belongs to.
type callerIdentity struct {
	account string // the root account's UIN
	arn     string
	userID  string
	kind    string // the Type GetCallerIdentity answers
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

// issueTemporaryKeys creates temporary keys of caller that expire after lifetime; e.mu is held.
func (e *Emulator) issueTemporaryKeys(lifetime time.Duration, caller callerIdentity) (id string, k key) {
	id = "AKIDtmp" + randomHex(12)
	k = key{secret: randomHex(16), token: randomHex(32), expires: e.now().Add(lifetime).Truncate(time.Second), caller: caller}
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

// roleSession is the identity of the keys of a session of roleARN.
func (e *Emulator) roleSession(roleARN, session string) callerIdentity {
	account := e.accountOfRole(roleARN)
	name := roleARN[strings.LastIndex(roleARN, "/")+1:]
	return callerIdentity{
		account: account,
		arn:     "qcs::sts:" + account + ":assumed-role/" + name + "/" + session,
		userID:  name + ":" + session,
		kind:    "CAMRole",
	}
}

// issueRoleKeys answers an STS action that takes on roleARN: temporary keys of a session of it
// that last seconds; e.mu is held.
func (e *Emulator) issueRoleKeys(roleARN, session string, seconds int64) map[string]any {
	id, k := e.issueTemporaryKeys(time.Duration(seconds)*time.Second, e.roleSession(roleARN, session))
	e.stats.AssumedRoles++
	return map[string]any{
		"Credentials": credentialsFields(id, k),
		"ExpiredTime": k.expires.Unix(),
		"Expiration":  k.expires.UTC().Format(time.RFC3339),
	}
}

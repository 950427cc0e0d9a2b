package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The keys cvm-emulator and the demo accept unless told otherwise, which the guide "Testing your
// modules against the emulator" and examples/testing give.
const (
	DefaultSecretID  = "AKIDcvmemulator"
	DefaultSecretKey = "cvm-emulator-secret-key"
)

const (
	signatureAlgorithm = "TC3-HMAC-SHA256"
	unsignedPayload    = "UNSIGNED-PAYLOAD"
	// maxClockSkew is how far X-TC-Timestamp may be from the server's clock.
	maxClockSkew = 5 * time.Minute
)

// authorization is the parsed Authorization header of an API 3.0 request:
// "TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=a;b, Signature=<hex>".
type authorization struct {
	secretID      string
	scope         string
	signedHeaders []string
	signature     string
}

func parseAuthorization(header string) (authorization, *apiError) {
	invalid := func(why string) *apiError {
		return &apiError{"AuthFailure.InvalidAuthorization", "Authorization header is invalid: " + why}
	}
	algorithm, rest, ok := strings.Cut(header, " ")
	if !ok || algorithm != signatureAlgorithm {
		return authorization{}, invalid("it must start with " + signatureAlgorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return authorization{}, invalid(fmt.Sprintf("%q is not key=value", part))
		}
		fields[key] = value
	}
	credential := strings.SplitN(fields["Credential"], "/", 2)
	if len(credential) != 2 || credential[0] == "" {
		return authorization{}, invalid("Credential must be <SecretId>/<date>/<service>/tc3_request")
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !slices.Contains(signed, "content-type") || !slices.Contains(signed, "host") {
		return authorization{}, invalid("SignedHeaders must include content-type and host")
	}
	if fields["Signature"] == "" {
		return authorization{}, invalid("Signature is missing")
	}
	return authorization{
		secretID:      credential[0],
		scope:         credential[1],
		signedHeaders: signed,
		signature:     fields["Signature"],
	}, nil
}

// verifySignature recomputes the TC3-HMAC-SHA256 signature of r from its method, body and the
// headers it claims to sign, with the server's own service name and the date of its timestamp,
// and compares it with the one the client sent.
func verifySignature(r *http.Request, body []byte, auth authorization, secretKey, service string, now time.Time) *apiError {
	timestamp, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return &apiError{"MissingParameter", "The request is missing a valid X-TC-Timestamp header."}
	}
	signedAt := time.Unix(timestamp, 0).UTC()
	if skew := now.Sub(signedAt).Abs(); skew > maxClockSkew {
		return &apiError{"AuthFailure.SignatureExpire", fmt.Sprintf(
			"Signature expired: the request timestamp %d is %s away from the server time %d; the limit is %s.",
			timestamp, skew.Round(time.Second), now.Unix(), maxClockSkew)}
	}

	date := signedAt.Format("2006-01-02")
	scope := date + "/" + service + "/tc3_request"
	key := signingKey(secretKey, date, service)
	for _, host := range signedHosts(r) {
		expected := hex.EncodeToString(hmacSHA256(key, stringToSign(canonicalRequest(r, host, body, auth.signedHeaders), scope, timestamp)))
		if auth.scope == scope && hmac.Equal([]byte(expected), []byte(auth.signature)) {
			return nil
		}
	}
	return &apiError{"AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct."}
}

// signedHosts are the values of the host header that a client may have signed: the Host it sent
// and, when that ends in the port the emulator listens on, the Host without the port. The real
// API listens on 443, which clients leave out of both, but Tencent's Node.js SDK signs the
// endpoint without its port even while it sends the port, so against the emulator on any other
// port its every call would fail.
func signedHosts(r *http.Request) []string {
	hosts := []string{r.Host}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return hosts
	}
	if _, port, err := net.SplitHostPort(local.String()); err == nil {
		if host, cut := strings.CutSuffix(r.Host, ":"+port); cut && host != "" {
			hosts = append(hosts, host)
		}
	}
	return hosts
}

func canonicalRequest(r *http.Request, host string, body []byte, signedHeaders []string) string {
	var headers strings.Builder
	for _, name := range signedHeaders {
		value := r.Header.Get(name)
		if name == "host" {
			value = host
		}
		headers.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	payload := body
	if r.Header.Get("X-TC-Content-SHA256") == unsignedPayload {
		payload = []byte(unsignedPayload)
	}
	return strings.Join([]string{
		r.Method,
		"/",
		r.URL.RawQuery,
		headers.String(),
		strings.Join(signedHeaders, ";"),
		sha256Hex(payload),
	}, "\n")
}

func stringToSign(canonical, scope string, timestamp int64) string {
	return strings.Join([]string{
		signatureAlgorithm,
		strconv.FormatInt(timestamp, 10),
		scope,
		sha256Hex([]byte(canonical)),
	}, "\n")
}

func signingKey(secretKey, date, service string) []byte {
	key := hmacSHA256([]byte("TC3"+secretKey), date)
	key = hmacSHA256(key, service)
	return hmacSHA256(key, "tc3_request")
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

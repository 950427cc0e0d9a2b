package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// wireRecorder passes requests to the emulator and keeps what a leak would expose: the
// signatures and tokens of the requests, the temporary keys STS hands out, and the RequestIds of
// the answers.
type wireRecorder struct {
	next http.Handler

	mu         sync.Mutex
	secrets    map[string]bool
	requestIDs []string
}

var signaturePattern = regexp.MustCompile(`Signature=([0-9a-f]+)`)

func (w *wireRecorder) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	w.next.ServeHTTP(rec, r)
	w.mu.Lock()
	if m := signaturePattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		w.secrets[m[1]] = true
	}
	if token := r.Header.Get("X-TC-Token"); token != "" {
		w.secrets[token] = true
	}
	var answer struct {
		Response struct {
			Credentials struct{ TmpSecretKey, Token string }
			RequestID   string `json:"RequestId"`
		}
	}
	if json.Unmarshal(rec.Body.Bytes(), &answer) == nil {
		for _, secret := range []string{answer.Response.Credentials.TmpSecretKey, answer.Response.Credentials.Token} {
			if secret != "" {
				w.secrets[secret] = true
			}
		}
		if r.Header.Get("X-TC-Action") == "DescribeInstancesStatus" {
			w.requestIDs = append(w.requestIDs, answer.Response.RequestID)
		}
	}
	w.mu.Unlock()
	for name, values := range rec.Header() {
		rw.Header()[name] = values
	}
	rw.WriteHeader(rec.Code)
	_, _ = rw.Write(rec.Body.Bytes())
}

// leakCase is a way to sign in, with the secrets it brings of its own.
type leakCase struct {
	env map[string]string
	// args are the provider arguments beside the endpoints.
	args []string
	// secrets are the secrets only this way to sign in sends; words are those that are words of
	// digits, such as an MFA code, looked for only where they stand alone.
	secrets, words []string
}

// TestAccProvider_nothingLeaks runs a read that succeeds and one that fails through the provider
// built as a binary, with TF_LOG=TRACE, for each way to sign in that carries a secret: keys and
// AssumeRole with an MFA code, an OIDC token, a SAML assertion. It looks for the secret key, the
// MFA code, the web identity token, the SAML assertion, the temporary keys, their token and every
// request signature in Terraform's and the provider's logs, in the output and in the state. As a
// control, the same logs must name the action and every RequestId.
func TestAccProvider_nothingLeaks(t *testing.T) {
	t.Parallel()
	const secretKey = "leak-test-secret-key-0f3a9c"
	const code = "738291"
	cases := map[string]leakCase{
		"keys, then AssumeRole with an MFA code": {
			args: []string{acctest.Arg("secret_id", "AKIDleaktest"), acctest.Arg("secret_key", secretKey),
				fmt.Sprintf("assume_role {\n    role_arn = %q\n    serial_number = %q\n    token_code = %q\n  }", mfaRoleARN, mfaSerial, code)},
			secrets: []string{secretKey}, words: []string{code},
		},
		"a web identity token": {
			env:     map[string]string{envWebIdentityToken: ciToken},
			args:    []string{fmt.Sprintf("assume_role_with_web_identity {\n    role_arn = %q\n    provider_id = \"github-actions\"\n  }", oidcRoleARN)},
			secrets: []string{ciToken},
		},
		"a SAML assertion": {
			args: []string{fmt.Sprintf("assume_role_with_saml {\n    role_arn = %q\n    principal_arn = %q\n    saml_assertion = %q\n  }",
				samlRoleARN, samlProvider, samlAssertion)},
			secrets: []string{samlAssertion},
		},
	}
	testCLI(t)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectNoLeak(t, c, secretKey, code)
		})
	}
}

func expectNoLeak(t *testing.T, c leakCase, secretKey, code string) {
	cfg := keylessConfig()
	cfg.Keys = map[string]string{"AKIDleaktest": secretKey}
	cfg.Fleets = map[string]int{testRegion: 250}
	cfg.MFADevices = map[string]string{mfaSerial: code}
	emu := emulator.New(cfg)
	recorder := &wireRecorder{next: emu, secrets: map[string]bool{}}
	for _, secret := range c.secrets {
		recorder.secrets[secret] = true
	}
	srv := httptest.NewServer(recorder)
	defer srv.Close()

	config := func(maxRetries int) string {
		return acctest.RequiredProviders + acctest.ProviderBlock(append([]string{
			acctest.Arg("region", testRegion),
			acctest.HTTP,
			acctest.Endpoints(endpointOf(srv)),
			acctest.Arg("max_retries", maxRetries),
		}, c.args...)...) + `
data "qcloud_cvm_instances_status" "test" {}

output "instances" {
  value = length(data.qcloud_cvm_instances_status.test.instances)
}
`
	}
	env := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(t.TempDir(), "terraform.log")}
	for name, value := range c.env {
		env = append(env, name+"="+value)
	}
	logPath := strings.TrimPrefix(env[1], "TF_LOG_PATH=")

	w := terraformIn(t, t.TempDir(), env...)
	writeFile(t, filepath.Join(w.Dir, "main.tf"), config(8))
	output, err := w.Run("apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("the read failed: %v", err)
	}
	emu.SetFaults(emulator.Faults{InternalError: 1})
	writeFile(t, filepath.Join(w.Dir, "main.tf"), config(1))
	failed, err := w.Run("apply", "-auto-approve", "-input=false", "-no-color")
	if err == nil {
		t.Fatal("the read succeeded although every call failed")
	}
	if !strings.Contains(failed, "InternalError") {
		t.Fatalf("the failed read did not show the API's error:\n%s", failed)
	}
	output += failed

	logs := readFile(t, logPath)
	state := readFile(t, filepath.Join(w.Dir, "terraform.tfstate"))
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	if len(recorder.secrets) < 4 || len(recorder.requestIDs) < 3 {
		t.Fatalf("the recorder saw %d secrets and %d RequestIds: the reads did not happen as planned", len(recorder.secrets), len(recorder.requestIDs))
	}
	texts := map[string]string{"the logs": logs, "the output": output, "the state": state}
	for secret := range recorder.secrets {
		for name, text := range texts {
			if strings.Contains(text, secret) {
				t.Errorf("%s contain the secret %s...", name, secret[:6])
			}
		}
	}
	for _, word := range c.words {
		alone := regexp.MustCompile(`(^|[^0-9A-Za-z])` + word + `([^0-9A-Za-z]|$)`)
		for name, text := range texts {
			if alone.MatchString(text) {
				t.Errorf("%s contain the secret %s...", name, word[:2])
			}
		}
	}
	if !strings.Contains(logs, "DescribeInstancesStatus") {
		t.Error("the logs do not name the action: the control failed, so the search above proves nothing")
	}
	for _, id := range recorder.requestIDs {
		if !strings.Contains(logs, id) {
			t.Errorf("the logs lack the RequestId %s: the control failed", id)
		}
	}
}

package provider

import (
	"bytes"
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

// TestAccProvider_nothingLeaks runs a read that succeeds and one that fails through the provider built
// as a binary, with TF_LOG=TRACE, and looks for the secret key, the temporary keys, their token
// and every request signature in Terraform's and the provider's logs, in the output and in the
// state. As a control, the same logs must name the action and every RequestId.
func TestAccProvider_nothingLeaks(t *testing.T) {
	t.Parallel()
	const secretKey = "leak-test-secret-key-0f3a9c"
	const roleARN = "qcs::cam::uin/100000000001:roleName/reader"
	emu := emulator.New(emulator.Config{
		Keys:   map[string]string{"AKIDleaktest": secretKey},
		Fleets: map[string]int{testRegion: 250},
		Roles:  map[string]emulator.Role{roleARN: {}},
	})
	recorder := &wireRecorder{next: emu, secrets: map[string]bool{secretKey: true}}
	srv := httptest.NewServer(recorder)
	defer srv.Close()

	cli := newCLI(t)
	config := func(maxRetries int) string {
		return acctest.RequiredProviders + acctest.ProviderBlock(
			acctest.Arg("secret_id", "AKIDleaktest"),
			acctest.Arg("secret_key", secretKey),
			acctest.Arg("region", testRegion),
			acctest.HTTP,
			acctest.Endpoints(endpointOf(srv)),
			acctest.Arg("max_retries", maxRetries),
			fmt.Sprintf("assume_role {\n    role_arn = %q\n  }", roleARN),
		) + `
data "qcloud_cvm_instances_status" "test" {}

output "instances" {
  value = length(data.qcloud_cvm_instances_status.test.instances)
}
`
	}

	work := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	var output bytes.Buffer
	writeFile(t, filepath.Join(work, "main.tf"), config(8))
	if err := cli.run(work, &output, []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the read failed: %v\n%s", err, output.String())
	}
	emu.SetFaults(emulator.Faults{InternalError: 1})
	writeFile(t, filepath.Join(work, "main.tf"), config(1))
	if err := cli.run(work, &output, []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}, "apply", "-auto-approve", "-input=false", "-no-color"); err == nil {
		t.Fatal("the read succeeded although every call failed")
	}
	if !strings.Contains(output.String(), "InternalError") {
		t.Fatalf("the failed read did not show the API's error:\n%s", output.String())
	}

	logs := readFile(t, logPath)
	state := readFile(t, filepath.Join(work, "terraform.tfstate"))
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	if len(recorder.secrets) < 4 || len(recorder.requestIDs) < 3 {
		t.Fatalf("the recorder saw %d secrets and %d RequestIds: the reads did not happen as planned", len(recorder.secrets), len(recorder.requestIDs))
	}
	for secret := range recorder.secrets {
		for name, text := range map[string]string{"the logs": logs, "the output": output.String(), "the state": state} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contain the secret %s...", name, secret[:6])
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

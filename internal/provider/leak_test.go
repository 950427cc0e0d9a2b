package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

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
			RequestId   string
		}
	}
	if json.Unmarshal(rec.Body.Bytes(), &answer) == nil {
		for _, secret := range []string{answer.Response.Credentials.TmpSecretKey, answer.Response.Credentials.Token} {
			if secret != "" {
				w.secrets[secret] = true
			}
		}
		if r.Header.Get("X-TC-Action") == "DescribeInstancesStatus" {
			w.requestIDs = append(w.requestIDs, answer.Response.RequestId)
		}
	}
	w.mu.Unlock()
	for name, values := range rec.Header() {
		rw.Header()[name] = values
	}
	rw.WriteHeader(rec.Code)
	_, _ = rw.Write(rec.Body.Bytes())
}

// TestAccNothingLeaks runs a read that succeeds and one that fails through the provider built
// as a binary, with TF_LOG=TRACE, and looks for the secret key, the temporary keys, their token
// and every request signature in Terraform's and the provider's logs, in the output and in the
// state. As a control, the same logs must name the action and every RequestId.
func TestAccNothingLeaks(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	const secretKey = "leak-test-secret-key-0f3a9c"
	const roleARN = "qcs::cam::uin/100000000001:roleName/reader"
	emu := emulator.New(emulator.Config{
		Keys:   map[string]string{"AKIDleaktest": secretKey},
		Fleets: map[string]int{testRegion: 250},
		Roles:  map[string]string{roleARN: ""},
	})
	recorder := &wireRecorder{next: emu, secrets: map[string]bool{secretKey: true}}
	srv := httptest.NewServer(recorder)
	defer srv.Close()

	dir := t.TempDir()
	terraform := devOverrideTerraform(t, dir)
	config := func(maxRetries int) string {
		return fmt.Sprintf(`
terraform {
  required_providers {
    qcloud = { source = "qcloudlabs/qcloud" }
  }
}

provider "qcloud" {
  secret_id   = "AKIDleaktest"
  secret_key  = %q
  region      = %q
  protocol    = "HTTP"
  endpoints   = { cvm = %q, sts = %q }
  max_retries = %d
  assume_role {
    role_arn = %q
  }
}

data "qcloud_cvm_instances_status" "test" {}

output "instances" {
  value = length(data.qcloud_cvm_instances_status.test.instances)
}
`, secretKey, testRegion, endpointOf(srv), endpointOf(srv), maxRetries, roleARN)
	}

	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	var output bytes.Buffer
	writeFile(t, filepath.Join(work, "main.tf"), config(8))
	if err := terraform(work, &output, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the read failed: %v\n%s", err, output.String())
	}
	emu.SetFaults(emulator.Faults{InternalError: 1})
	writeFile(t, filepath.Join(work, "main.tf"), config(1))
	if err := terraform(work, &output, "apply", "-auto-approve", "-input=false", "-no-color"); err == nil {
		t.Fatal("the read succeeded although every call failed")
	}
	if !strings.Contains(output.String(), "InternalError") {
		t.Fatalf("the failed read did not show the API's error:\n%s", output.String())
	}

	logs := readFile(t, filepath.Join(dir, "terraform.log"))
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

// devOverrideTerraform builds the provider into dir and returns a function that runs Terraform
// in a folder with the provider installed through dev_overrides, TF_LOG=TRACE and the log in
// dir/terraform.log.
func devOverrideTerraform(t *testing.T, dir string) func(workDir string, out *bytes.Buffer, args ...string) error {
	t.Helper()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-qcloud"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	writeFile(t, filepath.Join(dir, "terraformrc"), fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/qcloudlabs/qcloud" = %q
  }
  direct {}
}
`, dir))
	binary := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if binary == "" {
		binary = "terraform"
	}
	return func(workDir string, out *bytes.Buffer, args ...string) error {
		cmd := exec.Command(binary, args...)
		cmd.Dir = workDir
		cmd.Env = append(os.Environ(),
			"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"),
			"TF_LOG=TRACE", "TF_LOG_PATH="+filepath.Join(dir, "terraform.log"),
			"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		cmd.Stdout, cmd.Stderr = out, out
		return cmd.Run()
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

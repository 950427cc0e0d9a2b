package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestAccCVMInstancesStatusDataSource_readErrorsSayWhatToDo shows the message of each way a read can fail: what happened,
// with the API's code and RequestId where there is one, and what to do.
func TestAccCVMInstancesStatusDataSource_readErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html><h1>502 Bad Gateway</h1></html>", http.StatusBadGateway)
	}))
	t.Cleanup(gateway.Close) // after the cases, which run in parallel
	cases := []struct {
		name    string
		faults  emulator.Faults
		config  func(srv *httptest.Server) string
		message []string
	}{
		{
			name: "unknown region",
			config: func(srv *httptest.Server) string {
				return providerBlock(srv) + `data "qcloud_cvm_instances_status" "test" { region = "mars-north-1" }`
			},
			message: []string{"failed on the page at offset 0 (limit 100) after 1 attempt: UnsupportedRegion", "(RequestId", "Check the region"},
		},
		{
			name:    "throttled without retries",
			faults:  emulator.Faults{Throttle: 1},
			config:  func(srv *httptest.Server) string { return providerBlock(srv, "max_retries = 0") + listAll },
			message: []string{"after 1 attempt: RequestLimitExceeded", "(RequestId", "max_retries = 0 turns off every retry"},
		},
		{
			name:    "internal errors on every retry",
			faults:  emulator.Faults{InternalError: 1},
			config:  func(srv *httptest.Server) string { return providerBlock(srv, "max_retries = 1") + listAll },
			message: []string{"after 2 attempts: InternalError", "(RequestId", "The API failed on its side", "quote the RequestId"},
		},
		{
			name:    "a gateway's error page",
			config:  func(*httptest.Server) string { return providerBlock(gateway, "max_retries = 1") + listAll },
			message: []string{"after 2 attempts", "the endpoint answered HTTP 502 Bad Gateway", "Check that endpoints.cvm (or domain) points at the CVM API"},
		},
		{
			name: "an endpoint nobody listens on",
			config: func(*httptest.Server) string {
				return acctest.ProviderBlock(append(acctest.Keys(testSecretID, testSecretKey), acctest.HTTP, acctest.Endpoints("127.0.0.1:9"), "max_retries = 1")...) + listAll
			},
			message: []string{"after 2 attempts", "connection refused", "The API could not be reached. Check the endpoint (endpoints.cvm, domain, protocol)"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := startEmulator(t, emulator.Config{Fleets: map[string]int{testRegion: 5}, Faults: tc.faults})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: tc.config(srv), ExpectError: errorMatching(append([]string{"Unable to read CVM instance states"}, tc.message...)...)}},
			})
		})
	}
}

// TestCVMInstancesStatusDataSource_canceledReadSaysSo shows the message of a read that Terraform
// canceled (an interrupt) while it waited to retry: it says so, not that retries ran out.
func TestCVMInstancesStatusDataSource_canceledReadSaysSo(t *testing.T) {
	t.Parallel()
	err := &cvm.Error{Action: "DescribeInstancesStatus", Region: testRegion, Request: "page at offset 0 (limit 100)", Attempts: 2,
		Canceled: true, Code: "RequestLimitExceeded", Message: "too many requests", RequestID: "req-1"}
	detail := readErrorDetail(err, time.Minute)
	if !errorMatching("after 2 attempts, when it was canceled: RequestLimitExceeded", "The read was canceled before it finished").MatchString(detail) ||
		strings.Contains(detail, "kept throttling") {
		t.Fatalf("the message of a canceled read is:\n%s", detail)
	}
}

// TestCVMInstancesStatusDataSource_canceledWaitSaysSo shows the message of a wait that Terraform
// canceled: which instances were not there yet, and that nothing was set.
func TestCVMInstancesStatusDataSource_canceledWaitSaysSo(t *testing.T) {
	t.Parallel()
	err := &cvm.WaitError{
		Wait:     cvm.Wait{Region: testRegion, States: []string{"RUNNING"}},
		Progress: cvm.WaitProgress{Poll: 3, Elapsed: 12 * time.Second, Total: 4, Done: 3, Pending: []cvm.Status{{ID: "ins-new00001", State: "PENDING"}}},
		Canceled: true,
	}
	summary, detail := readError(err, time.Minute)
	if summary != "CVM instances did not reach RUNNING" ||
		!errorMatching("The wait was canceled after 12s and 3 polls: 1 of 4 instances in ap-guangzhou is not RUNNING yet: ins-new00001 (PENDING).",
			"The wait was canceled before it finished", "no state was set").MatchString(detail) {
		t.Fatalf("the message of a canceled wait is:\n%s\n%s", summary, detail)
	}
}

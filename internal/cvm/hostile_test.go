package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// hostileAPI answers every request with answer and counts the requests.
func hostileAPI(t *testing.T, answer http.HandlerFunc) (*cvm.Client, *atomic.Int32) {
	t.Helper()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	return newClient(t, srv, func(cfg *cvm.Config) { cfg.MaxRetries, cfg.RateLimit = 2, 1000 }), &requests
}

func jsonAnswer(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}
}

func pageAnswer(total int, entries string) http.HandlerFunc {
	return jsonAnswer(fmt.Sprintf(`{"Response":{"TotalCount":%d,"InstanceStatusSet":[%s],"RequestId":"req-hostile"}}`, total, entries))
}

// TestHostileAnswers feeds the client answers no API would give. Each fails the read with an
// error that says what was wrong, after the retries a malformed answer deserves, and none panics.
func TestHostileAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		answer   http.HandlerFunc
		attempts int // 3 when retried (max_retries 2), 1 when not
		message  string
	}{
		{"malformed JSON", jsonAnswer(`{"Response": {"TotalCount": 3,`), 3, "malformed response: the body is not a JSON answer of DescribeInstancesStatus"},
		{"HTML 502 page", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		}, 3, `the endpoint answered HTTP 502 Bad Gateway: "<html><body><h1>502 Bad Gateway`},
		{"body of many megabytes", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"Response":{"RequestId":"`+strings.Repeat("x", 20<<20)+`"}}`)
		}, 1, "the response body is larger than 8 MiB"},
		{"null InstanceId", pageAnswer(1, `{"InstanceId":null,"InstanceState":"RUNNING"}`), 3, "entry 0 has no InstanceId"},
		{"null entry", pageAnswer(1, `null`), 3, "entry 0 has no InstanceId"},
		{"malformed InstanceId", pageAnswer(1, `{"InstanceId":"i-1234; DROP","InstanceState":"RUNNING"}`), 3, `entry 0 has the InstanceId "i-1234; DROP", which is not of the form ins-xxxxxxxx`},
		{"state that is not a string", pageAnswer(1, `{"InstanceId":"ins-aaaaaaaa","InstanceState":5}`), 3, "cannot unmarshal number"},
		{"missing state", pageAnswer(1, `{"InstanceId":"ins-aaaaaaaa"}`), 3, "entry 0 (ins-aaaaaaaa) has no InstanceState"},
		{"TotalCount larger than the pages hold", pageAnswer(5, `{"InstanceId":"ins-aaaaaaaa","InstanceState":"RUNNING"}`), 3, "TotalCount is 5, so the page at offset 0 should hold 5 entries, but it holds 1"},
		{"TotalCount smaller than the page holds", pageAnswer(1, `{"InstanceId":"ins-aaaaaaaa","InstanceState":"RUNNING"},{"InstanceId":"ins-bbbbbbbb","InstanceState":"RUNNING"}`), 3, "TotalCount is 1, so the page at offset 0 should hold 1 entries, but it holds 2"},
		{"no Response object", jsonAnswer(`{}`), 3, "the body has no Response object"},
		{"an instance listed twice", pageAnswer(2, `{"InstanceId":"ins-aaaaaaaa","InstanceState":"RUNNING"},{"InstanceId":"ins-aaaaaaaa","InstanceState":"STOPPED"}`), 3, "entry 1 repeats ins-aaaaaaaa"},
		{"missing TotalCount", jsonAnswer(`{"Response":{"InstanceStatusSet":[],"RequestId":"r"}}`), 3, "TotalCount is missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, requests := hostileAPI(t, tc.answer)
			_, err := c.ListStatuses(context.Background(), region)
			var apiErr *cvm.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("want a *cvm.Error, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("the error does not say %q:\n%v", tc.message, err)
			}
			if apiErr.Attempts != tc.attempts || int(requests.Load()) != tc.attempts {
				t.Fatalf("%d attempts, %d requests; want %d", apiErr.Attempts, requests.Load(), tc.attempts)
			}
			if len(err.Error()) > 2000 {
				t.Fatalf("the error is %d bytes long", len(err.Error()))
			}
		})
	}
}

func TestUnknownStateIsPassedThrough(t *testing.T) {
	t.Parallel()
	c, _ := hostileAPI(t, pageAnswer(1, `{"InstanceId":"ins-aaaaaaaa","InstanceState":"HIBERNATING"}`))
	got, err := c.ListStatuses(context.Background(), region)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Statuses) != 1 || got.Statuses[0].State != "HIBERNATING" {
		t.Fatalf("got %+v", got.Statuses)
	}
}

func TestSlowDripEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	c, _ := hostileAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for _, b := range []byte(`{"Response":{"TotalCount":0,"InstanceStatusSet":[],"RequestId":"slow"}}`) {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
			_, _ = w.Write([]byte{b})
			w.(http.Flusher).Flush()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.ListStatuses(ctx, region)
	var apiErr *cvm.Error
	if !errors.As(err, &apiErr) || !apiErr.TimedOut {
		t.Fatalf("want a timed-out read, got %v", err)
	}
	// The whole answer takes 14 s to drip: a read that ends sooner was cut at its deadline.
	if elapsed := time.Since(start); elapsed >= 14*time.Second {
		t.Fatalf("a read with a 1s deadline took %s: it waited for the whole answer", elapsed)
	}
}

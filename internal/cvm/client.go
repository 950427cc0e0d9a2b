// Package cvm reads instance states from the Tencent Cloud CVM API. It knows nothing of
// Terraform: it signs and sends DescribeInstancesStatus requests through the SDK, pages and
// batches them at the API's maximum size, runs them concurrently under one shared rate limit,
// retries what is worth retrying, and checks every answer.
package cvm

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

const (
	action = "DescribeInstancesStatus"
	// pageSize is the API's maximum Limit and its maximum number of InstanceIds per call.
	pageSize = 100
	// requestTimeout bounds one attempt, from connecting to reading the whole answer.
	requestTimeout = 30 * time.Second
)

// InstanceIDPattern is the form of a CVM instance ID.
var InstanceIDPattern = regexp.MustCompile(`^ins-[a-z0-9]{8}$`)

// Logger receives one debug line per API call. tflog.Debug fits it.
type Logger func(ctx context.Context, msg string, fields ...map[string]any)

// Config is what a Client needs to reach the API.
type Config struct {
	Credentials Credentials
	// Endpoint is host[:port] of the CVM API, e.g. cvm.tencentcloudapi.com.
	Endpoint string
	// Scheme is "https" or "http".
	Scheme string
	// RateLimit is the most requests per second, shared by every read of this client.
	RateLimit float64
	// MaxRetries is how often one request is retried; 0 disables retries.
	MaxRetries int
	// RequestClient names the caller in the X-TC-RequestClient header, e.g. "terraform-provider-qcloud v1.0.0".
	RequestClient string
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Log, if set, receives a line for every call.
	Log Logger
}

// Client reads instance states. It is safe for concurrent use, and all its reads share one pace.
type Client struct {
	cfg     Config
	pace    *pacer
	width   int
	signing *signingCredential

	mu      sync.Mutex
	regions map[string]*cvmapi.Client
}

// NewClient returns a client for cfg.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("cvm: no credentials")
	}
	if !(cfg.RateLimit > 0) || math.IsInf(cfg.RateLimit, 1) {
		return nil, fmt.Errorf("cvm: the rate limit must be a number greater than 0, not %v", cfg.RateLimit)
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("cvm: the number of retries must not be negative, not %d", cfg.MaxRetries)
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	if cfg.Log == nil {
		cfg.Log = func(context.Context, string, ...map[string]any) {}
	}
	return &Client{
		cfg:  cfg,
		pace: newPacer(cfg.RateLimit),
		// One second of requests at the rate limit may be under way at once: enough to keep
		// the limit busy for round trips up to a second, and few enough that a lowered pace
		// takes effect within a second. A thousand at most, whatever the rate.
		width:   int(min(1000, math.Ceil(cfg.RateLimit))),
		signing: &signingCredential{},
		regions: map[string]*cvmapi.Client{},
	}, nil
}

// sdk returns the SDK client of a region, made once and shared by every read of that region.
func (c *Client) sdk(region string) *cvmapi.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.regions[region]; ok {
		return client
	}
	p := profile.NewClientProfile()
	p.HttpProfile.Endpoint = c.cfg.Endpoint
	p.HttpProfile.Scheme = c.cfg.Scheme
	p.HttpProfile.ReqTimeout = int(requestTimeout / time.Second)
	p.Language = "en-US"
	// Retries, backoff and pacing are this package's job; the SDK's would multiply with them,
	// and its region breaker would send requests to a backup domain, not the configured endpoint.
	p.NetworkFailureMaxRetries = 0
	p.RateLimitExceededMaxRetries = 0
	p.DisableRegionBreaker = true
	client, _ := cvmapi.NewClient(c.signing, region, p)
	client.WithHttpTransport(checkedTransport{base: c.cfg.Transport})
	if c.cfg.RequestClient != "" {
		client.WithRequestClient(requestClient(c.cfg.RequestClient))
	}
	c.regions[region] = client
	return client
}

// requestClient maps s onto the characters the SDK accepts in X-TC-RequestClient
// (it silently drops a value with any other), so that a version such as 1.0.0+dirty survives.
func requestClient(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune("-_ ,;.", r)) {
			return r
		}
		return '_'
	}, s)
}

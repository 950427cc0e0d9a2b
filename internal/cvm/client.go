// Package cvm calls the Tencent Cloud CVM API. It knows nothing of Terraform: every action goes
// through one request pipeline (the action's own pace, retries with backoff, a checked transport,
// typed errors that name the action). On top of it, DescribeInstancesStatus is paged and batched
// at the API's maximum size and run concurrently, the waiter polls until instances reach a state,
// and the operation pipeline starts, stops and reboots instances in batches and waits for them.
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

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

const (
	// pageSize is the API's maximum Limit and its maximum number of InstanceIds per call.
	pageSize = 100
	// requestTimeout bounds one attempt, from connecting to reading the whole answer.
	requestTimeout = 30 * time.Second
)

// InstanceIDPattern is the form of a CVM instance ID.
var InstanceIDPattern = regexp.MustCompile(`^ins-[a-z0-9]{8}$`)

// Credentials supply the keys that sign requests; the auth package's sources are such.
type Credentials interface {
	// Credential returns keys that stay valid for at least the next request.
	Credential(ctx context.Context) (*common.Credential, error)
}

// Logger receives one debug line per API call. tflog.Debug fits it.
type Logger func(ctx context.Context, msg string, fields ...map[string]any)

// Config is what a Client needs to reach the API.
type Config struct {
	Credentials Credentials
	// Endpoint is host[:port] of the CVM API, e.g. cvm.tencentcloudapi.com.
	Endpoint string
	// Scheme is "https" or "http".
	Scheme string
	// RateLimit caps the requests per second of each action in each region, shared by every call
	// of this client: each action is paced in each region at the lower of RateLimit and its own
	// limit. Zero paces each action at its own limit.
	RateLimit float64
	// ActionLimits replaces the API's documented per-action limits, by action, for an endpoint
	// that allows other rates (a private cloud, or an emulator without limits in benchmarks).
	// Nil keeps the documented limits.
	ActionLimits map[string]float64
	// MaxRetries is how often one request is retried; 0 disables retries.
	MaxRetries int
	// RequestClient names the caller in the X-TC-RequestClient header, e.g. "terraform-provider-qcloud v1.0.0".
	RequestClient string
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Log, if set, receives a line for every call.
	Log Logger
	// Now is the clock on which the paces climb back after throttling; nil means time.Now.
	// Tests set the emulator's clock, to step through a recovery.
	Now func() time.Time
}

// Client calls the CVM API. It is safe for concurrent use, and all its calls of one action in one
// region share that action's pace in that region, as they share the API's limit.
type Client struct {
	cfg Config
	// limits are the most requests per second of each action in each region.
	limits map[string]float64
	// statuses, operations and lookups join the calls by ID of DescribeInstancesStatus, of the
	// operations and of DescribeInstances that wait for their turn at the same time.
	statuses   *coalescer[page]
	operations *coalescer[string]
	lookups    *coalescer[page]

	mu sync.Mutex
	// signers holds, per region, the SDK client that signs with the keys most recently obtained.
	signers map[string]signer
	// paces are the paces of each action in each region, made at its first request.
	paces map[paceKey]*pacer
}

type paceKey struct{ action, region string }

// signer is an SDK client and the keys it signs with.
type signer struct {
	keys   *common.Credential
	client *cvmapi.Client
}

// NewClient returns a client for cfg.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("cvm: no credentials")
	}
	if !(cfg.RateLimit >= 0) {
		return nil, fmt.Errorf("cvm: the rate limit must be a number of 0 or more, not %v", cfg.RateLimit)
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("cvm: the number of retries must not be negative, not %d", cfg.MaxRetries)
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = func(context.Context, string, ...map[string]any) {}
	}
	limits := make(map[string]float64, len(documentedRateLimits))
	for action, documented := range documentedRateLimits {
		limit := documented
		if l, ok := cfg.ActionLimits[action]; ok {
			limit = l
		}
		if cfg.RateLimit > 0 {
			limit = min(limit, cfg.RateLimit)
		}
		if !(limit > 0) || math.IsInf(limit, 1) {
			return nil, fmt.Errorf("cvm: the rate limit of %s must be a number greater than 0, not %v", action, limit)
		}
		limits[action] = limit
	}
	c := &Client{cfg: cfg, limits: limits, signers: map[string]signer{}, paces: map[paceKey]*pacer{}}
	c.statuses = newCoalescer(c, c.callStatuses, pageOf)
	c.operations = newCoalescer(c, c.callOperation, sameRequestID)
	c.lookups = newCoalescer(c, c.callLookUp, pageOf)
	return c, nil
}

// pace is the pace of action in region.
func (c *Client) pace(action, region string) *pacer {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := paceKey{action, region}
	p, ok := c.paces[k]
	if !ok {
		p = newPacer(c.limits[action], c.cfg.Now)
		c.paces[k] = p
	}
	return p
}

// width is how many requests of action a read keeps under way at once: a second of requests at
// the action's limit, enough to keep its pace busy for round trips up to a second; a thousand at
// most.
func (c *Client) width(action string) int {
	return int(min(1000, math.Ceil(c.limits[action])))
}

// sdk returns an SDK client of region that signs with keys. The SDK asks its client for keys
// without a context and cannot report an error, so each request obtains its keys first and is
// sent by a client made for exactly those keys; clients are made again only when the keys change
// (temporary keys renewed), and a request in flight keeps the client it started with.
func (c *Client) sdk(region string, keys *common.Credential) *cvmapi.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.signers[region]; ok && s.keys == keys {
		return s.client
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
	client, _ := cvmapi.NewClient(keys, region, p)
	client.WithHttpTransport(CheckedTransport(c.cfg.Transport))
	if c.cfg.RequestClient != "" {
		client.WithRequestClient(requestClient(c.cfg.RequestClient))
	}
	c.signers[region] = signer{keys: keys, client: client}
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

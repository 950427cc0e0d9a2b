package cvm

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"golang.org/x/time/rate"
)

func TestPacerHalvesAfterThrottlingAndRecovers(t *testing.T) {
	t.Parallel()
	p := newPacer(40)
	p.slowDown()
	p.slowDown()
	if got := p.limiter.Limit(); got != 20 {
		t.Fatalf("after throttling the pace is %v per second, want 20", got)
	}
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := p.limiter.Limit(); got != 20 {
		t.Fatalf("the pace recovered to %v during the slowdown", got)
	}
	p.slowUntil = time.Now().Add(-time.Millisecond)
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := p.limiter.Limit(); got != rate.Limit(40) {
		t.Fatalf("after the slowdown the pace is %v per second, want 40", got)
	}
}

// TestEachActionIsPacedAtItsLimit checks that every action gets a pace of its own, at the lower
// of the configured rate limit and the action's documented limit.
func TestEachActionIsPacedAtItsLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		rateLimit float64
		limits    map[string]float64
		want      float64
	}{
		{rateLimit: 0, want: 40},
		{rateLimit: 100, want: 40},
		{rateLimit: 10, want: 10},
		{rateLimit: 0.5, want: 0.5},
		{rateLimit: 0, limits: map[string]float64{describeInstancesStatus: 1e6}, want: 1e6},
		{rateLimit: 25, limits: map[string]float64{describeInstancesStatus: 1e6}, want: 25},
	}
	for _, tc := range cases {
		c, err := NewClient(Config{Credentials: staticKeys{}, RateLimit: tc.rateLimit, ActionLimits: tc.limits})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.paces) != len(documentedRateLimits) {
			t.Fatalf("%d paces for %d actions", len(c.paces), len(documentedRateLimits))
		}
		if got := c.paces[describeInstancesStatus].limiter.Limit(); got != rate.Limit(tc.want) {
			t.Errorf("rate_limit %v with limits %v paces DescribeInstancesStatus at %v per second, want %v", tc.rateLimit, tc.limits, got, tc.want)
		}
	}
	for _, bad := range []float64{-1, math.NaN()} {
		if _, err := NewClient(Config{Credentials: staticKeys{}, RateLimit: bad}); err == nil {
			t.Errorf("a rate limit of %v was accepted", bad)
		}
	}
}

// TestEachRequestSignsWithTheKeysItObtained checks that the SDK client a request is sent with
// signs with exactly the keys that request obtained, even when other requests obtained others.
func TestEachRequestSignsWithTheKeysItObtained(t *testing.T) {
	t.Parallel()
	c, err := NewClient(Config{Credentials: staticKeys{}})
	if err != nil {
		t.Fatal(err)
	}
	old := common.NewTokenCredential("AKIDold", "old-key", "old-token")
	renewed := common.NewTokenCredential("AKIDnew", "new-key", "new-token")
	first := c.sdk("ap-guangzhou", old)
	second := c.sdk("ap-guangzhou", renewed)
	if first.GetCredential() != old || second.GetCredential() != renewed {
		t.Fatal("a client signs with keys its request did not obtain")
	}
	if c.sdk("ap-guangzhou", renewed) != second {
		t.Fatal("unchanged keys made a new client")
	}
}

type staticKeys struct{}

func (staticKeys) Credential(context.Context) (*common.Credential, error) {
	return common.NewCredential("AKIDtest", "test-key"), nil
}

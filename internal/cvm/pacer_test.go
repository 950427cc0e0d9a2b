package cvm

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// TestPaceCutsAfterThrottlingAndClimbsBack steps the pace's clock by hand through a cut and a
// recovery.
func TestPaceCutsAfterThrottlingAndClimbsBack(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	p := newPacer(40, func() time.Time { return now })
	// A request goes when the pace's clock has moved on by a token's worth.
	let := func() uint64 {
		t.Helper()
		now = now.Add(time.Second / 40)
		turn, err := p.wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return turn.ticket
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-6 {
			t.Fatalf("%s: the pace is %v per second, want %v", what, got, want)
		}
	}
	var tickets []uint64
	for range 10 {
		tickets = append(tickets, let())
	}
	near("before any throttling", p.rateAt(now), 40)

	// Ten requests in the last second: the action went at 10 per second, not at its pace of 40.
	p.slowDown(tickets[9])
	near("after a throttled answer", p.rateAt(now), 7)
	p.slowDown(tickets[3])
	p.slowDown(tickets[9])
	near("after throttled answers of requests sent before the cut", p.rateAt(now), 7)

	// A request sent after the cut, throttled too: the pace it went at is cut again.
	ticket := let()
	before := p.rateAt(now)
	p.slowDown(ticket)
	near("after a second cut", p.rateAt(now), paceBeta*before)
	window := math.Cbrt(before * (1 - paceBeta) / paceScale)
	now = now.Add(time.Duration(window / 2 * float64(time.Second)))
	if r := p.rateAt(now); r <= paceBeta*before || r >= before {
		t.Fatalf("halfway back, the pace is %v per second, want between %v and %v", r, paceBeta*before, before)
	}
	now = now.Add(time.Duration(window / 2 * float64(time.Second)))
	near("back at the rate of the cut", p.rateAt(now), before)
	now = now.Add(time.Second)
	near("a second past it", p.rateAt(now), before+paceScale)
	now = now.Add(time.Minute)
	near("long after", p.rateAt(now), 40)
	if !p.cutTime.IsZero() {
		t.Fatal("the curve goes on after the pace is back at the limit")
	}

	// Throttled answers of requests sent after each cut (a ticket the pace has handed out since).
	for range 20 {
		p.tickets++
		p.slowDown(p.tickets)
	}
	near("after many cuts", p.rateAt(now), paceFloor)
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
		if got := c.paces[describeInstancesStatus].limit; got != tc.want {
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

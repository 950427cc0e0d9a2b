package cvm

import (
	"context"
	"errors"
	"math"
	"sync"
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
	// A request goes when the pace's clock has moved on by a token's worth at the pace.
	let := func() uint64 {
		t.Helper()
		now = now.Add(time.Duration(float64(time.Second) / p.rateAt(now)))
		turn, err := p.wait(context.Background(), noDeadline)
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
		if len(c.limits) != len(documentedRateLimits) {
			t.Fatalf("%d limits for %d actions", len(c.limits), len(documentedRateLimits))
		}
		if got := c.pace(describeInstancesStatus, "ap-guangzhou").limit; got != tc.want {
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

func noDeadline() (time.Time, bool) { return time.Time{}, false }

// TestPaceServesWaitersInTheOrderTheyCame: five requests wait on a pace whose clock stands still;
// each step of the clock by one token's worth lets exactly the first of those still waiting go,
// in the order they came, and a waiter that leaves the line gives its place to the next.
func TestPaceServesWaitersInTheOrderTheyCame(t *testing.T) {
	t.Parallel()
	clock, advance := handClock()
	p := newPacer(40, clock)
	emptyBucket(t, p)
	order := make(chan int, 5)
	leaving, leave := context.WithCancel(context.Background())
	for i := range 5 {
		ctx := context.Background()
		if i == 2 {
			ctx = leaving
		}
		go func() {
			if _, err := p.wait(ctx, noDeadline); err == nil {
				order <- i
			}
		}()
		// Each joins the line before the next comes.
		for inLine(p) != i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	leave()
	for inLine(p) != 4 {
		time.Sleep(time.Millisecond)
	}
	for _, want := range []int{0, 1, 3, 4} {
		advance(time.Second / 40)
		if got := <-order; got != want {
			t.Fatalf("waiter %d went, want %d: the waiters go in the order they came", got, want)
		}
		select {
		case extra := <-order:
			t.Fatalf("waiter %d went on the same token", extra)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestPaceLetsItsBurstGoAtOnceThenOnePerInterval: on a clock that stands still, a full bucket
// lets paceBurst requests go at once and the next waits for the clock to move on by an interval;
// a throttled answer empties the bucket, so that the next request waits for the cut pace.
func TestPaceLetsItsBurstGoAtOnceThenOnePerInterval(t *testing.T) {
	t.Parallel()
	clock, advance := handClock()
	p := newPacer(40, clock)
	emptyBucket(t, p) // paceBurst requests, at once: the clock has not moved
	// queue starts a request, waits until it is in line, and returns where its turn arrives.
	queue := func() <-chan pacePermit {
		went := make(chan pacePermit, 1)
		go func() {
			tr, err := p.wait(context.Background(), noDeadline)
			if err != nil {
				t.Error(err)
			}
			went <- tr
		}()
		for inLine(p) != 1 {
			time.Sleep(time.Millisecond)
		}
		return went
	}
	went := queue()
	advance(time.Second / 40)
	last := <-went
	if last.ticket != paceBurst+1 {
		t.Fatalf("ticket %d went after one interval, want %d", last.ticket, paceBurst+1)
	}

	advance(time.Second) // the bucket is full again
	p.slowDown(last.ticket)
	went = queue()
	select {
	case tr := <-went:
		t.Fatalf("ticket %d went at once after a throttled answer, want a wait for the cut pace", tr.ticket)
	case <-time.After(20 * time.Millisecond):
	}
	advance(time.Duration(float64(time.Second) / p.rateAt(clock())))
	<-went
}

// TestPaceWaitThatWouldOutlastTheDeadlineIsNotBegun: behind 39 waiters at 40 per second, a
// request whose deadline is half a second away fails at once with DeadlineExceeded, and spends no
// token; one whose deadline is two seconds away waits in line.
func TestPaceWaitThatWouldOutlastTheDeadlineIsNotBegun(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	p := newPacer(40, func() time.Time { return now })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	emptyBucket(t, p)
	for range 39 {
		go func() { _, _ = p.wait(ctx, noDeadline) }()
	}
	for inLine(p) != 39 {
		time.Sleep(time.Millisecond)
	}
	soon := func() (time.Time, bool) { return time.Now().Add(500 * time.Millisecond), true }
	if _, err := p.wait(ctx, soon); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a wait behind 39 others with half a second left got %v, want DeadlineExceeded at once", err)
	}
	later := func() (time.Time, bool) { return time.Now().Add(2 * time.Second), true }
	go func() { _, _ = p.wait(ctx, later) }()
	for inLine(p) != 40 {
		time.Sleep(time.Millisecond)
	}
	if p.tickets != paceBurst {
		t.Fatalf("%d tickets handed out, want %d: the bucket's", p.tickets, paceBurst)
	}
}

// TestEachRegionHasAPaceOfItsOwn: a throttled answer in one region slows that region's pace only.
func TestEachRegionHasAPaceOfItsOwn(t *testing.T) {
	t.Parallel()
	c, err := NewClient(Config{Credentials: staticKeys{}})
	if err != nil {
		t.Fatal(err)
	}
	throttled, other := c.pace(describeInstancesStatus, "ap-guangzhou"), c.pace(describeInstancesStatus, "ap-shanghai")
	turn, err := throttled.wait(context.Background(), noDeadline)
	if err != nil {
		t.Fatal(err)
	}
	throttled.slowDown(turn.ticket)
	now := time.Now()
	if throttled.rateAt(now) >= 40 || other.rateAt(now) != 40 {
		t.Fatalf("after a throttled answer in ap-guangzhou the paces are %v and %v per second, want below 40 and 40",
			throttled.rateAt(now), other.rateAt(now))
	}
	if c.pace(describeInstances, "ap-guangzhou") == throttled {
		t.Fatal("two actions share a pace")
	}
}

// handClock is a clock that stands still until advance moves it, safe for concurrent use.
func handClock() (clock func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance = func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	return clock, advance
}

// emptyBucket takes the tokens the bucket holds, on a clock that stands still.
func emptyBucket(t *testing.T, p *pacer) {
	t.Helper()
	for range paceBurst {
		if _, err := p.wait(context.Background(), noDeadline); err != nil {
			t.Fatal(err)
		}
	}
}

func inLine(p *pacer) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.line)
}

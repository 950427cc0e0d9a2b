package cvm

import (
	"cmp"
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The curve of an adaptive pace, with the constants of the AWS SDK's adaptive retry mode: a
// RequestLimitExceeded answer cuts the pace to paceBeta of the rate the action was sent at, and
// the pace then climbs back along a cubic curve, reaching that rate again after a time that grows
// with it (3.1 s from 40 per second, 1.6 s from 5), then going past it, towards the limit.
const (
	paceBeta  = 0.7
	paceScale = 0.4 // of the cubic, in requests per second per second cubed
	paceFloor = 0.5 // requests per second, the lowest pace
)

// pacer paces the requests of one action across every call of a client: a token bucket with a
// burst of 1 at a rate that adapts to throttling. The API's limits hold per account, and other
// clients (parallel runs, the console, other tools) spend the same quota, so the pace starts at
// the action's limit, drops when the API answers RequestLimitExceeded and climbs back while it
// does not: clients that share a quota settle near their share, instead of spending most of their
// requests on throttled retries.
type pacer struct {
	limit float64 // the most requests per second: the action's limit, or rate_limit below it
	// width is how many requests of the action may be under way at once: a second of requests at
	// the limit, enough to keep the pace busy for round trips up to a second. A thousand at most.
	width int
	// now is the pace's clock (Config.Now), which tests move by hand: a waiter sleeps for as long
	// as the bucket needs to refill at the pace, then looks at the clock again.
	now func() time.Time

	mu     sync.Mutex
	bucket *rate.Limiter
	// tickets counts the requests let through; cutAt is the count at the last cut, so that the
	// throttled answers of requests sent before it, at the rate that was cut, cut it only once.
	tickets, cutAt uint64
	// The curve since the last cut (none when cutTime is zero): the pace climbs from
	// paceBeta*peak at cutTime back to peak after window, then past it.
	cutTime time.Time
	peak    float64
	window  time.Duration
	// sent are the times (on now) of the requests let through in the last second: the rate the
	// action is really sent at, which may be well below the pace.
	sent []time.Time
}

func newPacer(limit float64, now func() time.Time) *pacer {
	return &pacer{
		limit:  limit,
		width:  int(min(1000, math.Ceil(limit))),
		now:    now,
		bucket: rate.NewLimiter(rate.Limit(limit), 1),
	}
}

// turn is a request's leave from the pace to go: its ticket, and the pace it went at.
type turn struct {
	ticket    uint64
	perSecond float64
}

// wait blocks until the next request may go, or ctx ends, and returns its turn: its ticket (for
// slowDown) and the pace it went at. It takes a token from the bucket without reserving one: a
// waiter that is not let through holds no place, so a cut applies to every waiter at once
// (rate.Limiter.Wait would keep the places reserved at the rate before the cut).
func (p *pacer) wait(ctx context.Context) (turn, error) {
	for {
		// A request whose caller is gone spends no token.
		if err := ctx.Err(); err != nil {
			return turn{}, err
		}
		p.mu.Lock()
		now := p.now()
		perSecond := p.rateAt(now)
		if rate.Limit(perSecond) != p.bucket.Limit() {
			p.bucket.SetLimitAt(now, rate.Limit(perSecond))
		}
		if p.bucket.AllowN(now, 1) {
			p.tickets++
			t := turn{ticket: p.tickets, perSecond: perSecond}
			p.sent = append(p.recent(), now)
			p.mu.Unlock()
			return t, nil
		}
		until := time.Duration((1 - p.bucket.TokensAt(now)) / perSecond * float64(time.Second))
		p.mu.Unlock()
		// A wait that would outlast ctx's deadline is not begun: the request could not go in time.
		if !sleep(ctx, until) {
			return turn{}, cmp.Or(ctx.Err(), context.DeadlineExceeded)
		}
	}
}

// recent are the times in sent of the last second on p.now; p.mu is held.
func (p *pacer) recent() []time.Time {
	cutoff := p.now().Add(-time.Second)
	i := 0
	for i < len(p.sent) && !p.sent[i].After(cutoff) {
		i++
	}
	return p.sent[i:]
}

// slowDown cuts the pace after a RequestLimitExceeded answer to the request with ticket: to
// paceBeta of the rate the action was sent at, the lower of the pace and the requests let through
// in the last second. The answers of requests sent before the last cut do not cut it again.
func (p *pacer) slowDown(ticket uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ticket <= p.cutAt {
		return
	}
	now := p.now()
	p.sent = p.recent()
	p.peak = max(paceFloor, min(p.rateAt(now), float64(len(p.sent))))
	p.window = time.Duration(math.Cbrt(p.peak*(1-paceBeta)/paceScale) * float64(time.Second))
	p.cutTime, p.cutAt = now, p.tickets
}

// rateAt is the pace at t: the limit, or the cubic curve since the last cut, at most the limit.
func (p *pacer) rateAt(t time.Time) float64 {
	if p.cutTime.IsZero() {
		return p.limit
	}
	since := t.Sub(p.cutTime) - p.window
	r := paceScale*math.Pow(since.Seconds(), 3) + p.peak
	if r >= p.limit {
		p.cutTime = time.Time{} // back at the limit: the curve is over
		return p.limit
	}
	return max(paceFloor, r)
}

package cvm

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"
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

// paceBurst is how many tokens the bucket holds. The answer of a joined call releases its callers
// at once, and Terraform hands their slots the next resources within milliseconds of each other:
// with one token, the second of them waited a whole interval (25 ms at 40 per second) and the
// others joined it, so they stayed together, answer after answer. A second token lets it go at
// once. Measured with `terraform plan` of 300 resources at -parallelism=10 against d9fe202: 0.72x
// and 0.98x of its time at 150 and 250 ms with two tokens, 0.75x to 0.81x and 1.01x to 1.04x with
// one, and no more gain with three. At most one request more than the limit goes in any second;
// the API counts its limits per second (the emulator's bucket holds a second's worth).
const paceBurst = 2

// pacer paces the requests of one action in one region across every call of a client: a bucket
// of paceBurst tokens that fills at a rate that adapts to throttling. The API's limits hold per
// action, region and account, and other clients (parallel runs, the console, other tools) spend
// the same quota, so the pace starts at the action's limit, drops when the API answers
// RequestLimitExceeded and climbs back while it does not: clients that share a quota settle near
// their share, instead of spending most of their requests on throttled retries.
//
// Waiters are served in the order they came. golang.org/x/time/rate does not fit: its tokens
// accrue at a fixed rate between two changes of the limit, where this pace climbs along a curve,
// and its reservations keep the places they were given at the rate before a cut. So the bucket is
// written here: filled along the curve, and taken from by the first waiter in line.
type pacer struct {
	limit float64 // the most requests per second: the action's limit, or rate_limit below it
	// now is the pace's clock (Config.Now), which tests move by hand: the first waiter sleeps for
	// as long as the bucket needs to fill at the pace, then looks at the clock again.
	now func() time.Time

	mu sync.Mutex
	// tokens is what the bucket held at filled, at most paceBurst.
	tokens float64
	filled time.Time
	// line are the requests waiting for their turn, in the order they came; the first of them
	// watches the bucket, and the others wait to be first.
	line []*waiter
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
	return &pacer{limit: limit, now: now, tokens: paceBurst, filled: now()}
}

// waiter is one request in the pace's line; first is signaled when it becomes the first.
type waiter struct {
	first chan struct{}
}

// pacePermit is a request's leave from the pace to go: its ticket, and the pace it went at.
type pacePermit struct {
	ticket    uint64
	perSecond float64
}

// wait blocks until the request may go, after every request that came before it, and returns its
// turn: its ticket (for slowDown) and the pace it went at. A wait that would outlast the deadline
// (deadline reports it; none when ok is false) is not begun or not gone on with, and ends with
// context.DeadlineExceeded; a wait whose ctx ends ends with ctx's error. A request whose caller is
// gone spends no token.
func (p *pacer) wait(ctx context.Context, deadline func() (time.Time, bool)) (pacePermit, error) {
	w := &waiter{first: make(chan struct{}, 1)}
	p.mu.Lock()
	p.line = append(p.line, w)
	if len(p.line) == 1 {
		w.first <- struct{}{}
	}
	// The requests ahead take the tokens in the bucket, then go one interval apart at the pace.
	now := p.now()
	p.fill(now)
	behind := max(0, float64(len(p.line))-p.tokens) // the tokens this request waits for
	ahead := time.Duration(behind / p.rateAt(now) * float64(time.Second))
	p.mu.Unlock()
	if outlasts(deadline, ahead) {
		p.leave(w)
		return pacePermit{}, context.DeadlineExceeded
	}
	for {
		select {
		case <-w.first:
		case <-ctx.Done():
			p.leave(w)
			return pacePermit{}, ctx.Err()
		}
		t, until, ok := p.take()
		if ok {
			return t, nil
		}
		if outlasts(deadline, until) {
			p.leave(w)
			return pacePermit{}, context.DeadlineExceeded
		}
		timer := time.NewTimer(until)
		select {
		case <-timer.C:
			w.first <- struct{}{} // still first: look at the bucket again
		case <-ctx.Done():
			timer.Stop()
			p.leave(w)
			return pacePermit{}, ctx.Err()
		}
	}
}

// outlasts reports whether a wait of d would end after the deadline.
func outlasts(deadline func() (time.Time, bool), d time.Duration) bool {
	end, ok := deadline()
	return ok && time.Until(end) < d
}

// take gives the first waiter its turn if the bucket holds a token; otherwise it says how long
// the bucket needs to fill.
func (p *pacer) take() (pacePermit, time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.fill(now)
	if p.tokens < 1-1e-9 { // a token's worth, but for the rounding of the sum
		return pacePermit{}, p.untilFull(now), false
	}
	p.tokens = max(0, p.tokens-1)
	p.tickets++
	p.sent = append(p.recent(now), now)
	p.line = p.line[1:]
	if len(p.line) > 0 {
		p.line[0].first <- struct{}{}
	}
	return pacePermit{ticket: p.tickets, perSecond: p.rateAt(now)}, 0, true
}

// leave takes w out of the line, and tells the next waiter when w was first.
func (p *pacer) leave(w *waiter) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.Index(p.line, w)
	if i < 0 {
		return
	}
	p.line = slices.Delete(p.line, i, i+1)
	if i == 0 && len(p.line) > 0 {
		p.line[0].first <- struct{}{}
	}
}

// fill adds to the bucket what the pace put in since it was last filled, up to paceBurst; the
// pace's rate is taken as changing linearly in between (its curve is smooth on that scale).
// p.mu is held.
func (p *pacer) fill(now time.Time) {
	if !now.After(p.filled) {
		return
	}
	p.tokens = min(paceBurst, p.tokens+p.between(p.filled, now))
	p.filled = now
}

// between is how many tokens the pace puts in the bucket from a to b.
func (p *pacer) between(a, b time.Time) float64 {
	return (p.rateAt(a) + p.rateAt(b)) / 2 * b.Sub(a).Seconds()
}

// untilFull is how long from now the bucket, filling along the pace's curve, takes to hold a
// token: a few steps of the fixed point d = missing / (mean rate over d), which converges fast
// as the rate changes slowly over one interval. p.mu is held.
func (p *pacer) untilFull(now time.Time) time.Duration {
	missing := 1 - p.tokens
	d := missing / p.rateAt(now)
	for range 4 {
		end := now.Add(time.Duration(d * float64(time.Second)))
		d = missing / ((p.rateAt(now) + p.rateAt(end)) / 2)
	}
	return time.Duration(math.Ceil(d * float64(time.Second)))
}

// recent are the times in sent of the last second before now; p.mu is held.
func (p *pacer) recent(now time.Time) []time.Time {
	cutoff := now.Add(-time.Second)
	i := 0
	for i < len(p.sent) && !p.sent[i].After(cutoff) {
		i++
	}
	return p.sent[i:]
}

// slowDown cuts the pace after a RequestLimitExceeded answer to the request with ticket: to
// paceBeta of the rate the action was sent at, the lower of the pace and the requests let through
// in the last second, and empties the bucket. The answers of requests sent before the last cut do
// not cut it again.
func (p *pacer) slowDown(ticket uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ticket <= p.cutAt {
		return
	}
	now := p.now()
	// The quota is spent now: what the bucket holds would go to be throttled again.
	p.tokens, p.filled = 0, now
	p.sent = p.recent(now)
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
	return max(paceFloor, min(p.limit, r))
}

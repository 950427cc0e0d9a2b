package cvm

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// slowdown is how long the pace stays halved after the last RequestLimitExceeded.
const slowdown = 2 * time.Second

// pacer paces the requests of one action across every call of a client: a token bucket at the
// action's rate with a burst of 1. When the API answers RequestLimitExceeded, the pace halves for
// every request of the action, so that the client backs off as a whole while each throttled
// request also backs off on its own; it returns to the full rate once no throttling has been seen
// for a while.
type pacer struct {
	limiter *rate.Limiter
	rate    rate.Limit
	// width is how many requests of the action may be under way at once: a second of requests at
	// the rate, enough to keep the pace busy for round trips up to a second, and few enough that a
	// lowered pace takes effect within a second. A thousand at most, whatever the rate.
	width int

	mu        sync.Mutex
	slowUntil time.Time
}

func newPacer(perSecond float64) *pacer {
	return &pacer{
		limiter: rate.NewLimiter(rate.Limit(perSecond), 1),
		rate:    rate.Limit(perSecond),
		width:   int(min(1000, math.Ceil(perSecond))),
	}
}

// wait blocks until the next request may go, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	if !p.slowUntil.IsZero() && time.Now().After(p.slowUntil) {
		p.limiter.SetLimit(p.rate)
		p.slowUntil = time.Time{}
	}
	p.mu.Unlock()
	return p.limiter.Wait(ctx)
}

// slowDown halves the pace after a RequestLimitExceeded answer.
func (p *pacer) slowDown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limiter.SetLimit(p.rate / 2)
	p.slowUntil = time.Now().Add(slowdown)
}

package cvm

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

const (
	// slowdown is how long a RequestLimitExceeded keeps the pace lowered.
	slowdown = 5 * time.Second
	// minPaceFraction bounds how far repeated throttling lowers the pace.
	minPaceFraction = 1.0 / 16
)

// pacer paces the requests of one action across every read of a provider. It is a token
// bucket at the configured rate (burst 1) that halves its rate each time the API answers
// RequestLimitExceeded, so that the whole provider backs off together, and returns to the
// configured rate once no throttling has been seen for a while.
type pacer struct {
	limiter *rate.Limiter
	rate    rate.Limit

	mu        sync.Mutex
	slowUntil time.Time
}

func newPacer(perSecond float64) *pacer {
	return &pacer{limiter: rate.NewLimiter(rate.Limit(perSecond), 1), rate: rate.Limit(perSecond)}
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

// throttled records a RequestLimitExceeded answer.
func (p *pacer) throttled() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limiter.SetLimit(max(p.limiter.Limit()/2, p.rate*minPaceFraction))
	p.slowUntil = time.Now().Add(slowdown)
}

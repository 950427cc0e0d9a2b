package cvm

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestPacerHalvesAfterThrottlingAndRecovers(t *testing.T) {
	p := newPacer(40)
	p.throttled()
	p.throttled()
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

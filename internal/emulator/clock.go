package emulator

import (
	"sync"
	"time"
)

// Clock is a clock that moves only when told to. Set Config.Now to its Now, and the tests (or a
// handler in front of the emulator) decide how much time passes between two calls: scheduled
// transitions, operations, the rate limit and the expiry of keys then follow the calls, not the
// speed of the machine. Keep it within five minutes of the real time, since request signatures
// carry the caller's clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock that stands at start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

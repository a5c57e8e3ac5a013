// Package testclock is the engine clock tests move by hand (weir.Options.Clock), so that
// time windows and NOW() are tested without sleeping. It is for tests only.
package testclock

import (
	"sync"
	"time"
)

// Manual is a clock that moves only when the test sets or advances it. It is safe for
// concurrent use: the engine reads it from its domains while the test moves it.
type Manual struct {
	mu sync.Mutex
	at time.Time
}

// At returns a clock that reads t.
func At(t time.Time) *Manual { return &Manual{at: t} }

// Now reads the clock; pass it as weir.Options.Clock.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// Set moves the clock to t.
func (c *Manual) Set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time.
func (c *Manual) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
	return c.at
}

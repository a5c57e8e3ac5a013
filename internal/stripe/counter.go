// Package stripe has counters that many goroutines increment on a hot path (a read) without
// sharing a cache line. It must never block or allocate on Inc.
package stripe

import (
	"math/rand/v2"
	"sync/atomic"
)

// Counter is a counter that many goroutines increment on the read path. One shared
// atomic would bounce its cache line between cores on every read; spreading increments over
// padded stripes, picked by the runtime's per-thread random source, keeps them local.
type Counter struct {
	stripes [8]struct {
		n atomic.Int64
		_ [56]byte
	}
}

// Inc adds one.
func (c *Counter) Inc() { c.stripes[rand.Uint32()&7].n.Add(1) }

// Value is the sum of the stripes: exact once increments have stopped.
func (c *Counter) Value() int64 {
	var n int64
	for i := range c.stripes {
		n += c.stripes[i].n.Load()
	}
	return n
}

package weir

import (
	"math/rand/v2"
	"sync/atomic"
)

// stripedCounter is a counter that many goroutines increment on the read path. One shared
// atomic would bounce its cache line between cores on every read; spreading increments over
// padded stripes, picked by the runtime's per-thread random source, keeps them local.
type stripedCounter struct {
	stripes [8]struct {
		n atomic.Int64
		_ [56]byte
	}
}

func (c *stripedCounter) inc() { c.stripes[rand.Uint32()&7].n.Add(1) }

func (c *stripedCounter) value() int64 {
	var n int64
	for i := range c.stripes {
		n += c.stripes[i].n.Load()
	}
	return n
}

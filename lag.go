package weir

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// lagProbeInterval is how often the write-to-visible lag is probed.
const lagProbeInterval = 100 * time.Millisecond

// LagBuckets are the upper bounds of the write-to-visible lag histogram (WriteLag).
var LagBuckets = []time.Duration{
	100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 5 * time.Second,
}

// LagStats summarizes the write-to-visible lag probes: each probe notes the newest write
// acknowledged at that moment and measures how long until every domain has applied it, so
// every view shows it. That is how stale a read can be, at most, when writes are flowing:
// the lag a monitoring system should watch. A probe while every write is visible measures 0.
type LagStats struct {
	Count   uint64        // probes taken
	Sum     time.Duration // their total
	Last    time.Duration // the latest probe
	Buckets []uint64      // cumulative: probes at or under LagBuckets[i]
}

type lagHistogram struct {
	count, sum, last atomic.Int64
	buckets          [16]atomic.Uint64 // len(LagBuckets) used
}

func (h *lagHistogram) record(d time.Duration) {
	h.count.Add(1)
	h.sum.Add(int64(d))
	h.last.Store(int64(d))
	for i, b := range LagBuckets {
		if d <= b {
			h.buckets[i].Add(1)
			break
		}
	}
}

// WriteLag reports the write-to-visible lag probes so far.
func (e *Engine) WriteLag() LagStats {
	h := &e.lag
	st := LagStats{Count: uint64(h.count.Load()), Sum: time.Duration(h.sum.Load()), Last: time.Duration(h.last.Load())}
	st.Buckets = make([]uint64, len(LagBuckets))
	var cum uint64
	for i := range LagBuckets {
		cum += h.buckets[i].Load()
		st.Buckets[i] = cum
	}
	return st
}

// lagLoop probes the write-to-visible lag until the engine closes. A probe costs a load
// per domain when every write is visible, and a wait otherwise; nothing on the write path.
func (e *Engine) lagLoop() {
	defer e.background.Done()
	// Closing the engine ends a probe's wait at once.
	closing, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-e.closing
		cancel()
	}()
	t := time.NewTicker(lagProbeInterval)
	defer t.Stop()
	for {
		select {
		case <-e.closing:
			return
		case <-t.C:
		}
		tok := Token(e.lastToken.Load())
		start := time.Now()
		if e.visible(tok) {
			e.lag.record(0)
			continue
		}
		ctx, cancelProbe := context.WithTimeout(closing, e.opts.ReadTimeout)
		err := e.WaitFor(ctx, tok)
		cancelProbe()
		switch {
		case err == nil:
			e.lag.record(time.Since(start))
		case errors.Is(err, context.DeadlineExceeded):
			e.lag.record(e.opts.ReadTimeout)
		}
	}
}

// visible reports whether every domain has applied the writes up to tok.
func (e *Engine) visible(tok Token) bool {
	for _, d := range e.rt.Domains {
		if d.Progress() < uint64(tok) {
			return false
		}
	}
	return true
}

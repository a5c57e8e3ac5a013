package dataflow

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// LagProbeInterval is how often the write-to-visible lag is probed.
const LagProbeInterval = 100 * time.Millisecond

// LagBuckets are the upper bounds of the write-to-visible lag histogram.
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

// LagProbe probes a runtime's write-to-visible lag in the background and keeps the
// histogram.
type LagProbe struct {
	hist lagHistogram
	stop chan struct{}
	done chan struct{}
}

// StartLagProbe probes the lag of rt every LagProbeInterval until Stop: newest returns the
// newest token acknowledged to a writer, and a probe that waits gives up after timeout.
func StartLagProbe(rt *Runtime, newest func() uint64, timeout time.Duration) *LagProbe {
	p := &LagProbe{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.run(rt, newest, timeout)
	}()
	return p
}

// Stop ends the probing and waits for it.
func (p *LagProbe) Stop() {
	close(p.stop)
	<-p.done
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

// Stats reports the probes so far.
func (p *LagProbe) Stats() LagStats {
	h := &p.hist
	st := LagStats{Count: uint64(h.count.Load()), Sum: time.Duration(h.sum.Load()), Last: time.Duration(h.last.Load())}
	st.Buckets = make([]uint64, len(LagBuckets))
	var cum uint64
	for i := range LagBuckets {
		cum += h.buckets[i].Load()
		st.Buckets[i] = cum
	}
	return st
}

// run probes until Stop. A probe costs a load per domain when every write is visible, and
// a wait otherwise; nothing on the write path.
func (p *LagProbe) run(rt *Runtime, newest func() uint64, timeout time.Duration) {
	stop := p.stop
	// Stopping ends a probe's wait at once.
	closing, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-stop
		cancel()
	}()
	t := time.NewTicker(LagProbeInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		tok := newest()
		start := time.Now()
		if rt.Visible(tok) {
			p.hist.record(0)
			continue
		}
		ctx, cancelProbe := context.WithTimeout(closing, timeout)
		err := rt.WaitVisible(ctx, tok)
		cancelProbe()
		switch {
		case err == nil:
			p.hist.record(time.Since(start))
		case errors.Is(err, context.DeadlineExceeded):
			p.hist.record(timeout)
		}
	}
}

// Visible reports whether every domain has applied the writes up to tok.
func (rt *Runtime) Visible(tok uint64) bool {
	for _, d := range rt.Domains {
		if d.Progress() < tok {
			return false
		}
	}
	return true
}

// WaitVisible blocks until every domain has applied the writes up to tok, or ctx ends.
func (rt *Runtime) WaitVisible(ctx context.Context, tok uint64) error {
	for _, d := range rt.Domains {
		if err := d.WaitProgress(ctx, tok, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// Package replstate is what the replicators of every upstream (PostgreSQL's logical
// replication in package replication, MySQL's and MariaDB's binlog in replication/binlog)
// count, wait on and report alike: copies taken and awaited, transactions and changes
// applied, the durable position, the lag, the last error, and the SHOW STATUS rows and
// Prometheus metrics that show them. It holds no position format and no protocol: each
// replicator adds the rows and gauges of its own positions (LSNs, binlog files, GTIDs).
// It also runs the reconnect loop every replicator shares (RunSessions: backoff, the
// errors no reconnect cures). It never applies a change or decides when a copy is taken.
package replstate

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Counters are a replicator's counters. The zero value is ready to use.
type Counters struct {
	SnapshotRows, SnapshotTotal atomic.Int64
	Snapshots                   atomic.Int64 // copies started
	Transactions, Changes       atomic.Int64
	ServerEnd                   atomic.Uint64 // newest upstream position seen
	Durable                     atomic.Uint64 // newest position durable in Weir
	LastCommit                  atomic.Int64  // upstream commit time of the newest applied transaction (unix ns)
	Connected                   atomic.Bool

	lastError     atomic.Pointer[string]
	snapshotsDone atomic.Int64

	// copied is closed and replaced each time a copy completes.
	mu     sync.Mutex
	copied chan struct{}
}

// SetLastError records msg as the newest error ("" clears it).
func (c *Counters) SetLastError(msg string) { c.lastError.Store(&msg) }

// SnapshotsDone is the number of copies completed.
func (c *Counters) SnapshotsDone() int64 { return c.snapshotsDone.Load() }

// SnapshotDone records a completed copy and wakes its waiters.
func (c *Counters) SnapshotDone() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snapshotsDone.Add(1)
	if c.copied != nil {
		close(c.copied)
	}
	c.copied = make(chan struct{})
}

// WaitSnapshots blocks until n copies have completed, or ctx ends.
func (c *Counters) WaitSnapshots(ctx context.Context, n int64) error {
	for {
		c.mu.Lock()
		if c.copied == nil {
			c.copied = make(chan struct{})
		}
		done, ch := c.snapshotsDone.Load() >= n, c.copied
		c.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for copy %d (%d done): %w", n, c.snapshotsDone.Load(), ctx.Err())
		}
	}
}

// Common is the part of a replicator's status every upstream reports; each package's
// Status embeds it.
type Common struct {
	// Connected is true while changes stream from the upstream.
	Connected bool
	// Snapshotting is true while a copy runs; SnapshotRows of about SnapshotTotal (the
	// upstream's estimate) rows are copied so far. Snapshots counts copies started.
	Snapshotting                bool
	SnapshotRows, SnapshotTotal int64
	Snapshots                   int64
	// LagSeconds is the age of the newest applied transaction's commit while Weir is
	// behind (0 when caught up).
	LagSeconds float64
	// Transactions and Changes count the upstream transactions and row changes applied.
	Transactions, Changes int64
	// LastError is the newest error that made the replicator reconnect, "" if none.
	LastError string
}

// Common reads the counters. ready is the replicator's Ready channel (a copy before it is
// the initial one); applied is the position the tables reflect, against which ServerEnd
// tells whether Weir is behind.
func (c *Counters) Common(ready <-chan struct{}, applied uint64) Common {
	s := Common{
		Connected:     c.Connected.Load(),
		SnapshotRows:  c.SnapshotRows.Load(),
		SnapshotTotal: c.SnapshotTotal.Load(),
		Snapshots:     c.Snapshots.Load(),
		Transactions:  c.Transactions.Load(),
		Changes:       c.Changes.Load(),
	}
	select {
	case <-ready:
	default:
		s.Snapshotting = s.SnapshotTotal > 0
	}
	if c.snapshotsDone.Load() < s.Snapshots {
		s.Snapshotting = true
	}
	if c.ServerEnd.Load() > applied {
		if lc := c.LastCommit.Load(); lc > 0 {
			s.LagSeconds = time.Since(time.Unix(0, lc)).Seconds()
		}
	}
	if p := c.lastError.Load(); p != nil {
		s.LastError = *p
	}
	return s
}

// Rows renders s as SHOW STATUS rows, with the replicator's own position rows after the
// copy's and its extra counters after the common ones.
func Rows(s Common, positions, extra [][2]string) [][2]string {
	rows := [][2]string{
		{"Weir_replication_connected", onOff(s.Connected)},
		{"Weir_replication_snapshotting", onOff(s.Snapshotting)},
		{"Weir_replication_snapshot_rows", strconv.FormatInt(s.SnapshotRows, 10)},
		{"Weir_replication_snapshot_rows_estimate", strconv.FormatInt(s.SnapshotTotal, 10)},
		{"Weir_replication_snapshots", strconv.FormatInt(s.Snapshots, 10)},
	}
	rows = append(rows, positions...)
	rows = append(rows,
		[2]string{"Weir_replication_lag_seconds", strconv.FormatFloat(s.LagSeconds, 'f', 3, 64)},
		[2]string{"Weir_replication_transactions", strconv.FormatInt(s.Transactions, 10)},
		[2]string{"Weir_replication_changes", strconv.FormatInt(s.Changes, 10)},
	)
	rows = append(rows, extra...)
	return append(rows, [2]string{"Weir_replication_last_error", s.LastError})
}

func onOff(v bool) string {
	if v {
		return "ON"
	}
	return "OFF"
}

// Gauge and Counter make metrics read from a replicator's status of type S when scraped.
func Gauge[S any](status func() S, name, help string, f func(S) float64) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(status()) })
}

// Counter: see Gauge.
func Counter[S any](status func() S, name, help string, f func(S) float64) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(status()) })
}

// Register adds the common metrics and the replicator's own (own) to reg. recopies says
// what, besides the first, makes the replicator copy the upstream again.
func Register(reg prometheus.Registerer, common func() Common, recopies string, own ...prometheus.Collector) error {
	for _, c := range append([]prometheus.Collector{
		Gauge(common, "weir_replication_connected", "1 while changes stream from the upstream.", func(s Common) float64 { return bool01(s.Connected) }),
		Gauge(common, "weir_replication_snapshot_rows", "Rows copied by the current or last copy.", func(s Common) float64 { return float64(s.SnapshotRows) }),
		Gauge(common, "weir_replication_snapshot_rows_estimate", "The upstream's estimate of the rows the copy takes.", func(s Common) float64 { return float64(s.SnapshotTotal) }),
		Gauge(common, "weir_replication_snapshotting", "1 while a copy runs.", func(s Common) float64 { return bool01(s.Snapshotting) }),
		Counter(common, "weir_replication_snapshots_total", "Copies of the upstream taken (the first, and any after "+recopies+").", func(s Common) float64 { return float64(s.Snapshots) }),
		Gauge(common, "weir_replication_lag_seconds", "Age of the newest applied upstream commit while behind; 0 when caught up.", func(s Common) float64 { return s.LagSeconds }),
		Counter(common, "weir_replication_transactions_total", "Upstream transactions applied.", func(s Common) float64 { return float64(s.Transactions) }),
		Counter(common, "weir_replication_changes_total", "Upstream row changes applied.", func(s Common) float64 { return float64(s.Changes) }),
	}, own...) {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Durability records positions as they become durable in Weir, in order, off the
// stream's receive loop, so that the stream keeps flowing while fsyncs run and
// consecutive transactions share them.
type Durability struct {
	pending chan pending
	done    chan error
}

// pending is an applied transaction whose durability is not yet known.
type pending struct {
	pos  uint64
	wait func() error
}

// StartDurability starts recording into durable.
func StartDurability(durable *atomic.Uint64) *Durability {
	d := &Durability{pending: make(chan pending, 4096), done: make(chan error, 1)}
	go func() {
		var first error
		for p := range d.pending {
			if first != nil {
				continue
			}
			if p.wait != nil {
				if err := p.wait(); err != nil {
					first = err
					continue
				}
			}
			durable.Store(p.pos)
		}
		d.done <- first
	}()
	return d
}

// Add queues pos, durable once wait (nil: already) returns. It blocks while the queue is
// full, until ctx ends.
func (d *Durability) Add(ctx context.Context, pos uint64, wait func() error) error {
	select {
	case d.pending <- pending{pos: pos, wait: wait}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stop waits for the queued positions and returns the first error of their waits.
func (d *Durability) Stop() error {
	close(d.pending)
	return <-d.done
}

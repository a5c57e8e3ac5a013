package weir

import (
	"context"
	"sync"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// Time windows. A cached query that compares a column with NOW() (± INTERVAL) has a
// temporal filter (operators.TemporalFilter) whose output is the condition at one instant.
// The engine advances every temporal filter to the clock's time (Options.Clock) when a
// row's membership is due to change: a clock goroutine sleeps until the earliest change
// any filter has scheduled (no ticks while none is), at most minTickInterval apart, and
// wakes early when a write schedules an earlier change. Each advance is a message in the
// filter's domain, in order with writes, replay pieces and evictions; the rows that
// entered or left go down the graph as an ordinary batch.

// minTickInterval is the shortest time between two advances: the clock never spins, even
// when changes are due faster than the domains take them.
const minTickInterval = 10 * time.Millisecond

// temporalClock is the engine's side of the time windows.
type temporalClock struct {
	// filters are the temporal filters linked into the graph (guarded by mu, and read
	// with Engine.mu held, which guards the graph); a node that left the graph is
	// forgotten when next seen.
	mu      sync.Mutex
	filters map[*dataflow.Node]*operators.TemporalFilter
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

func newTemporalClock() *temporalClock {
	return &temporalClock{filters: map[*dataflow.Node]*operators.TemporalFilter{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

func (c *temporalClock) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// startTemporal sets the instant of the temporal filters a registration created, before any
// delta reaches them (the caller is inside changeGraph), and registers them with the clock.
func (e *Engine) startTemporal(created []*dataflow.Node) {
	for _, n := range created {
		f, ok := n.Op.(*operators.TemporalFilter)
		if !ok {
			continue
		}
		f.Start(e.opts.Clock(), e.clock.kick)
		e.clock.mu.Lock()
		e.clock.filters[n] = f
		e.clock.mu.Unlock()
	}
	e.clock.kick()
}

// liveFilters lists the temporal filters in the graph by domain, forgetting those that
// left it.
func (e *Engine) liveFilters() map[int][]*dataflow.Node {
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.clock.mu.Lock()
	defer e.clock.mu.Unlock()
	out := map[int][]*dataflow.Node{}
	for n := range e.clock.filters {
		if m, ok := e.graph.Lookup(n.Signature); !ok || m != n {
			delete(e.clock.filters, n)
			continue
		}
		out[n.Domain] = append(out[n.Domain], n)
	}
	return out
}

// nextTemporalChange is the earliest instant a temporal filter has a change due.
func (e *Engine) nextTemporalChange() (time.Time, bool) {
	var next time.Time
	found := false
	for _, ns := range e.liveFilters() {
		for _, n := range ns {
			if at, ok := n.Op.(*operators.TemporalFilter).NextChange(); ok && (!found || at.Before(next)) {
				next, found = at, true
			}
		}
	}
	return next, found
}

// advanceTemporal advances every temporal filter to instant t, each in its domain, and
// returns once each domain has taken its advance (not once the changes reached the
// readers: see AdvanceClock). A filter still being backfilled is left for the next advance.
// Holding the gate shared keeps the graph as it is meanwhile.
func (e *Engine) advanceTemporal(ctx context.Context, t time.Time) error {
	e.gate.RLock()
	defer e.gate.RUnlock()
	if err := e.checkOpen(); err != nil {
		return err
	}
	byDomain := e.liveFilters()
	for dom, nodes := range byDomain {
		d := e.rt.Domains[dom]
		err := d.Call(ctx, func() {
			for _, n := range nodes {
				if n.Backfilling() {
					continue
				}
				d.Emit(n, n.Op.(*operators.TemporalFilter).Advance(t))
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// AdvanceClock brings every view that compares rows with NOW() to the time Options.Clock
// reads now, and returns once every view shows the rows that entered and left their
// windows up to that instant. The engine advances on its own as changes fall due (see
// Options.Clock); this is for a clock the caller moves, as tests do, and for a caller that
// must read a window exactly as of now.
func (e *Engine) AdvanceClock(ctx context.Context) error {
	if err := e.advanceTemporal(ctx, e.opts.Clock()); err != nil {
		return err
	}
	// The changes leave each domain at the end of the step that made them and travel to
	// higher domains only; two calls on each domain in turn see every step before them
	// finished, flushed output included, so the changes have reached every reader.
	for _, d := range e.rt.Domains {
		for range 2 {
			if err := d.Call(ctx, func() {}); err != nil {
				return err
			}
		}
	}
	return nil
}

// runClock is the clock goroutine: it advances the temporal filters when a change falls
// due, and sleeps otherwise.
func (e *Engine) runClock() {
	defer close(e.clock.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var last time.Time
	for {
		var due <-chan time.Time
		if next, ok := e.nextTemporalChange(); ok {
			wait := next.Sub(e.opts.Clock())
			if !last.IsZero() {
				// The clock may be one the caller moves: measure the floor in real time.
				wait = max(wait, minTickInterval-time.Since(last))
			}
			timer.Reset(max(wait, 0))
			due = timer.C
		}
		select {
		case <-e.clock.stop:
			timer.Stop()
			return
		case <-e.clock.wake:
			timer.Stop()
		case <-due:
			last = time.Now()
			if err := e.advanceTemporal(context.Background(), e.opts.Clock()); err != nil {
				return // closed, or a domain failed: reads report it
			}
		}
	}
}

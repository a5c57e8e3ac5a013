package weir

import (
	"context"

	"github.com/weirdb/weir/eviction"
)

// The caches of ad-hoc query shapes under the memory limit: the engine tells its evictor
// what the graphs of its views cost and which views it may drop (eviction.Caches); the
// evictor decides when and which (the least recently read).

// engineCaches is the engine as the evictor sees its caches.
type engineCaches struct{ e *Engine }

// GraphBytes is the memory of every view's graph, the statement caches, and the full state
// of the views of ad-hoc shapes.
func (c engineCaches) GraphBytes() int64 {
	return c.e.graphBytes.Load() + c.e.stmts.Bytes() + c.e.pgStmts.Bytes() + c.e.adhocFullBytes()
}

// AdHocBytes is the part of GraphBytes that the views of ad-hoc shapes added.
func (c engineCaches) AdHocBytes() int64 {
	return c.e.adhocBytes.Load() + c.e.adhocFullBytes()
}

// AdHoc lists the views of ad-hoc shapes with what dropping each frees and when it was
// last read.
func (c engineCaches) AdHoc() []eviction.AdHoc {
	e := c.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]eviction.AdHoc, 0, len(e.shapes))
	for _, v := range e.shapes {
		graph := v.graphBytes + v.fullBytes()
		all := graph
		for _, r := range v.readers() {
			if r.ownReader && r.reader.Partial() {
				all += r.reader.Bytes()
			}
		}
		out = append(out, eviction.AdHoc{Cache: v, GraphBytes: graph, Bytes: all,
			Used: max(v.lastRead.Load(), v.created), Seq: v.seq})
	}
	return out
}

// Drop drops the views of ad-hoc shapes that are still their shapes' views. A read that
// holds one finishes with its rows or retries through the shape's new view (see
// queryPlanned).
func (c engineCaches) Drop(ctx context.Context, victims []eviction.AdHoc) (int, error) {
	e := c.e
	dropped := 0
	err := e.changeGraph(ctx, func() error {
		var firstErr error
		for _, a := range victims {
			v := a.Cache.(*View)
			if e.shapes[v.query.Text] != v {
				continue // dropped with its table meanwhile
			}
			delete(e.shapes, v.query.Text)
			dropped++
			if err := e.dropViewLocked(ctx, v); err != nil && firstErr == nil {
				firstErr = err
			}
		}
		return firstErr
	}, nil)
	return dropped, err
}

// adhocFullBytes is the full state the views of ad-hoc shapes hold in the nodes they
// created.
func (e *Engine) adhocFullBytes() int64 {
	e.fullMu.Lock()
	defer e.fullMu.Unlock()
	var total int64
	for v := range e.fullShapes {
		total += v.fullBytes()
	}
	return total
}

// fullBytes is the full state the view's own nodes hold (eviction.FullBytes).
func (v *View) fullBytes() int64 {
	var total int64
	for _, n := range v.full {
		total += eviction.FullBytes(n)
	}
	return total
}

// touch stamps the view with the evictor's coarse clock for its last read: one atomic
// load, and a store only when the clock has moved on since the view's last read, so a read
// neither locks nor, mostly, writes shared memory.
func (v *View) touch() {
	if now := v.e.evictor.Now(); v.lastRead.Load() != now {
		v.lastRead.Store(now)
	}
}

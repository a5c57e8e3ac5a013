package weir

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/weirdb/weir/eviction"
	"github.com/weirdb/weir/operators"
)

// ViewStats describes a view's reader and the reads it served.
type ViewStats struct {
	Name  string // "" for the view of an ad-hoc query shape
	Query string // normalized SQL text
	// Partial reports that the reader keeps only the keys somebody read (filled by
	// upqueries, evicted under the memory limit); a full reader holds every key, always.
	Partial bool
	// FullReason says, for a full reader, what kept it from being partial: the first
	// operator on the key's way to the tables that cannot find rows by the key, and why.
	FullReason string
	// Keys is the number of keys present in the reader (a partial reader's keys known to
	// be empty count); Bytes approximates the memory they hold. Views of one query shape share a reader and report the same figures.
	Keys  int
	Bytes int64
	// Hits counts key lookups served from the reader (rows or a known-empty key); Misses
	// those that found a hole and had to fill it by an upquery (partial readers only).
	Hits, Misses int64
	// Upqueries counts the fills sent (misses on a key already being filled share one);
	// FillLatency is the mean time from upquery to filled key of those a read waited for.
	// Views that share a reader share these counts.
	Upqueries   int64
	FillLatency time.Duration
	// Evictions counts the keys evicted from the reader.
	Evictions int64
	// GraphBytes approximates what the view costs apart from its reader's rows (Bytes): the
	// nodes it added to the graph with their operator structures, its reader's fixed cost,
	// its plan, and for the view of an ad-hoc shape the full state of the operators it
	// added. It counts toward the memory limit, like the partial state.
	GraphBytes int64
	// LastRead is when the view was last read (to the evictor's clock, which ticks every
	// 50ms); zero if it has not been read. Under memory pressure the views of ad-hoc shapes
	// read least recently are dropped first.
	LastRead time.Time
}

// Stats reports the view's size and read counters.
func (v *View) Stats() ViewStats {
	st := ViewStats{Name: v.name, Query: v.query.Text, Partial: true, GraphBytes: v.graphBytes}
	// A view with a parameter under OR reads one reader per branch: it is partial when
	// every branch is, and its figures are their sums.
	var fillTime time.Duration
	for i, r := range v.readers() {
		if !r.reader.Partial() && st.Partial {
			st.Partial, st.FullReason = false, r.reader.FullReason()
			if v.branches != nil {
				st.FullReason = fmt.Sprintf("branch %d of OR (%s): %s", i, v.query.Or.Texts[i], st.FullReason)
			}
		}
		st.Keys += r.reader.Keys()
		st.Bytes += r.reader.Bytes()
		st.Evictions += r.reader.Evictions()
		st.Hits += r.hits.Value()
		st.Misses += r.misses.Value()
		if r.filler != nil {
			n := r.filler.Upqueries()
			st.Upqueries += n
			fillTime += r.filler.FillLatency() * time.Duration(n)
		}
	}
	if st.Upqueries > 0 {
		st.FillLatency = fillTime / time.Duration(st.Upqueries)
	}
	if v.name == "" {
		for _, n := range v.full {
			if _, isReader := n.Op.(*operators.Reader); !isReader {
				st.GraphBytes += eviction.FullBytes(n)
			}
		}
	}
	if t := v.lastRead.Load(); t != 0 {
		st.LastRead = time.Unix(0, t)
	}
	return st
}

// StateStats describes one partial operator state inside the graph.
type StateStats = eviction.StateStats

// States reports the partial operator states (readers are in Stats): what each holds, which
// MemoryLimit bounds together with the readers.
func (e *Engine) States(ctx context.Context) ([]StateStats, error) { return e.evictor.StateStats(ctx) }

// Stats reports every view: the named ones, then the views of ad-hoc query shapes.
func (e *Engine) Stats() []ViewStats {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []ViewStats
	for _, v := range e.views {
		out = append(out, v.Stats())
	}
	slices.SortFunc(out, func(a, b ViewStats) int { return strings.Compare(a.Name, b.Name) })
	for _, v := range e.shapes {
		out = append(out, v.Stats())
	}
	slices.SortStableFunc(out[len(e.views):], func(a, b ViewStats) int { return strings.Compare(a.Query, b.Query) })
	return out
}

// upquery sends a fill request, waiting for a free slot when MaxUpqueries are in flight; the
// slot is returned when the replay reaches the reader (every upquery ends in exactly one
// fill there, even an empty one).

// MemoryInUse is the figure MemoryLimit bounds: the bytes partial state holds (readers,
// partial operator state and the evictor's read history) and what the views' graphs cost
// (see Options.MemoryLimit). Base tables and the full state of named views are not in it.
func (e *Engine) MemoryInUse() int64 { return e.evictor.InUse() }

// MemoryStats describes what the memory limit bounds.
type MemoryStats struct {
	// Limit is Options.MemoryLimit (negative: none); InUse is MemoryInUse.
	Limit, InUse int64
	// Graph is the part of InUse that the views' graphs and the statement cache cost;
	// AdHoc the part of Graph that the views of ad-hoc query shapes cost.
	Graph, AdHoc int64
	// AdHocCaches is the number of views of ad-hoc query shapes held now; AdHocDropped
	// counts those dropped to stay under the limit since Open.
	AdHocCaches  int
	AdHocDropped int64
	// Statements is the number of statements in the statement caches (both dialects').
	Statements int
}

// Memory reports what the memory limit bounds and what it dropped.
func (e *Engine) Memory() MemoryStats {
	c := engineCaches{e}
	e.mu.RLock()
	shapes := len(e.shapes)
	e.mu.RUnlock()
	return MemoryStats{Limit: e.opts.MemoryLimit, InUse: e.evictor.InUse(), Graph: c.GraphBytes(), AdHoc: c.AdHocBytes(),
		AdHocCaches: shapes, AdHocDropped: e.evictor.Dropped(), Statements: e.stmts.Len() + e.pgStmts.Len()}
}

// Evict brings memory back under the limit: it evicts the reader keys read least often
// across all readers (see package eviction), dropping first the views of ad-hoc shapes read
// least recently when their graphs hold more than half the limit, and returns the bytes
// evicting keys freed at the readers. It runs by itself every 50ms and after every 64
// fills; calling it forces a round.
func (e *Engine) Evict(ctx context.Context) (int64, error) { return e.evictor.Round(ctx) }

package weir

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/weirdb/weir/eviction"
)

// ViewStats describes a view's reader and the reads it served.
type ViewStats struct {
	Name  string // "" for the view of an ad-hoc query shape
	Query string // normalized SQL text
	// Partial reports that the reader keeps only the keys somebody read (filled by
	// upqueries, evicted under the memory limit); a full reader holds every key, always.
	Partial bool
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
}

// Stats reports the view's size and read counters.
func (v *View) Stats() ViewStats {
	st := ViewStats{Name: v.name, Query: v.query.Text, Partial: v.reader.Partial(), Keys: v.reader.Keys(), Bytes: v.reader.Bytes(),
		Hits: v.hits.Value(), Misses: v.misses.Value(), Evictions: v.reader.Evictions()}
	if v.filler != nil {
		st.Upqueries, st.FillLatency = v.filler.Upqueries(), v.filler.FillLatency()
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

// MemoryInUse is the bytes partial state holds (readers, partial operator state and the
// evictor's read history), the figure MemoryLimit bounds. Base tables and full operator
// state are not in it: they cannot be evicted.
func (e *Engine) MemoryInUse() int64 { return e.evictor.InUse() }

// Evict brings partial state back under the memory limit, evicting the reader keys read
// least often across all readers (see package eviction), and returns the bytes freed at the
// readers. It runs by itself every 50ms and after every 64 fills; calling it forces a round.
func (e *Engine) Evict(ctx context.Context) (int64, error) { return e.evictor.Round(ctx) }

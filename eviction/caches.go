package eviction

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Every SELECT shape a client sends may become a cache (an ad-hoc cache: the view of a
// query shape, with no name), and each costs memory beyond the keys it holds: its nodes and
// operator structures, its reader, its plan. That memory counts toward the limit too, and
// under pressure the evictor drops the ad-hoc caches read least recently; a dropped shape
// is installed again by its next read. Named caches are never dropped.

// Caches is what an engine tells its evictor about its caches beyond their partial state:
// the memory their graphs cost, and the ad-hoc caches it may drop.
type Caches interface {
	// GraphBytes approximates the memory of every cache's graph: nodes, operator
	// structures, readers, plans, the statement cache, and the full (not partial) state
	// of ad-hoc caches, which dropping them frees. Partial state is not in it.
	GraphBytes() int64
	// AdHocBytes is the part of GraphBytes that ad-hoc caches cost.
	AdHocBytes() int64
	// AdHoc lists the ad-hoc caches that may be dropped.
	AdHoc() []AdHoc
	// Drop drops ad-hoc caches (those still there) and reports how many it dropped.
	Drop(ctx context.Context, victims []AdHoc) (int, error)
}

// AdHoc is an ad-hoc cache as the evictor ranks it.
type AdHoc struct {
	// Cache identifies the cache to Caches.Drop.
	Cache any
	// GraphBytes is the graph memory dropping it frees (its share of AdHocBytes); Bytes
	// adds its partial state.
	GraphBytes, Bytes int64
	// Used is the clock (Evictor.Now) of its last read, or of its creation when it has
	// not been read since; Seq orders caches created at one tick.
	Used int64
	Seq  uint64
}

// AdHocShare is the part of the limit that the graphs of ad-hoc caches may hold: past it,
// a round drops the least recently read of them, down to AdHocShare less dropHeadroom,
// before it evicts keys. Below it, keys go first when memory is over the limit (the least
// frequently read, from every reader), and ad-hoc caches are dropped only for what evicting
// every key could not free.
//
// Why a share of the limit, even when the rest of it is free: a stream of new shapes is
// the churniest thing a cache holds (installing one allocates several times what it then
// keeps), and a garbage-collected heap needs room above its live data to absorb garbage.
// With the ad-hoc caches' graphs at half the limit, the heap of a flood of shapes stays
// within the limit plus an eighth (see GoMemoryLimit) at a bearable collection rate; with
// them filling the limit, the collector ran continually and throughput fell eightfold.
const AdHocShare = 0.5

// dropHeadroom is the part of the limit a round that drops caches frees below the share,
// so that a stream of new shapes does not make every round drop a few.
const dropHeadroom = 0.05

// SetCaches makes the evictor count the caches' graphs and drop ad-hoc caches. Call it
// before Start.
func (ev *Evictor) SetCaches(c Caches) { ev.caches = c }

// Now is the evictor's coarse clock: Unix nanoseconds as of its last tick (every round,
// and every RoundInterval without a limit too), increasing strictly from tick to tick. A
// read stamps its cache with it (one atomic load, and a store when the clock has moved
// on since the cache's last read); the least recently read ad-hoc caches are dropped first.
func (ev *Evictor) Now() int64 { return ev.clock.Load() }

// tick moves the clock to the present, and at least one past where it was.
func (ev *Evictor) tick() {
	now := time.Now().UnixNano()
	for {
		old := ev.clock.Load()
		if ev.clock.CompareAndSwap(old, max(now, old+1)) {
			return
		}
	}
}

// Dropped is the number of ad-hoc caches dropped to stay under the limit.
func (ev *Evictor) Dropped() int64 { return ev.dropped.Load() }

// graphBytes is the caches' graph memory, if the evictor knows the caches.
func (ev *Evictor) graphBytes() int64 {
	if ev.caches == nil {
		return 0
	}
	return ev.caches.GraphBytes()
}

// dropAdHoc drops the least recently read ad-hoc caches until their graphs free at least
// graph bytes and they free at least total bytes in all. roundMu is held.
func (ev *Evictor) dropAdHoc(ctx context.Context, graph, total int64) error {
	cands := ev.caches.AdHoc()
	slices.SortFunc(cands, func(a, b AdHoc) int {
		return cmp.Or(cmp.Compare(a.Used, b.Used), cmp.Compare(a.Seq, b.Seq))
	})
	var victims []AdHoc
	for _, c := range cands {
		if graph <= 0 && total <= 0 {
			break
		}
		victims = append(victims, c)
		graph -= c.GraphBytes
		total -= c.Bytes
	}
	if len(victims) == 0 {
		return nil
	}
	n, err := ev.caches.Drop(ctx, victims)
	ev.dropped.Add(int64(n))
	return err
}

// dropNeeds is what a round drops before it evicts keys: graph, the bytes the graphs of
// ad-hoc caches hold past their share (and the headroom), and total, what evicting every
// key could not free of the excess over the limit (zero when under it).
func dropNeeds(limit, adhoc, partial, excess int64) (graph, total int64) {
	share := int64(float64(limit) * AdHocShare)
	if adhoc > share {
		graph = adhoc - share + int64(float64(limit)*dropHeadroom)
	}
	if excess-graph > partial {
		total = excess - partial
	}
	return graph, total
}

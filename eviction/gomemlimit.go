package eviction

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// A memory limit on the caches bounds what they hold, not what the process's heap grows
// to: a garbage-collected heap runs ahead of its live data (by GOGC, 4x in weir serve)
// before it collects. For resident memory to follow the limit, the Go runtime's own soft
// limit (debug.SetMemoryLimit) has to follow it too. GoMemoryLimit keeps it at the memory
// limit plus some slack for garbage, plus the live heap that the limit does not count
// (base tables, the full state of named caches, connections), as the last collection
// measured it: the collector works harder only when the caches are near their limit,
// never to squeeze the tables. It never sets it below a quarter above the live heap, so
// that caches held right at the limit do not make the collector run without pause.

// goLimitSlack is the part of the limit the soft limit leaves for garbage above the live
// heap the limit counts; goLimitRoom is the least room it leaves above the live heap.
const (
	goLimitSlack = 1.0 / 16
	goLimitRoom  = 0.25
)

// goLimitEvery is how often GoMemoryLimit looks at the heap.
const goLimitEvery = 100 * time.Millisecond

// GoMemoryLimit keeps the Go runtime's soft memory limit at the evictor's limit (plus
// slack, plus the live heap it does not count; see GoLimit) until the evictor stops, and
// restores the soft limit it found then. It is for a process that runs one engine (weir
// serve): the soft limit is the process's. It does nothing without a memory limit. Call it
// after Start.
func (ev *Evictor) GoMemoryLimit() {
	if ev.limit <= 0 {
		return
	}
	prev := debug.SetMemoryLimit(-1)
	ev.wg.Add(1)
	go func() {
		defer ev.wg.Done()
		defer debug.SetMemoryLimit(prev)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(goLimitEvery)
		defer t.Stop()
		set := int64(0)
		for {
			metrics.Read(sample)
			var live int64
			if sample[0].Value.Kind() == metrics.KindUint64 {
				live = int64(min(sample[0].Value.Uint64(), math.MaxInt64))
			}
			soft := GoLimit(ev.limit, live, ev.InUse())
			// Move it only when it changes by more than 1%: each call costs the runtime.
			if d := soft - set; d > set/100 || -d > set/100 {
				debug.SetMemoryLimit(soft)
				set = soft
			}
			select {
			case <-ev.stop:
				return
			case <-t.C:
			}
		}
	}()
}

// GoLimit is the soft memory limit for the Go runtime under a memory limit: the limit,
// slack for garbage, and the live heap the limit does not count (live, measured by the
// last collection, less inUse, what the limit counts now); at least a quarter above live.
func GoLimit(limit, live, inUse int64) int64 {
	soft := limit + int64(float64(limit)*goLimitSlack) + max(live-inUse, 0)
	return max(soft, live+int64(float64(live)*goLimitRoom))
}

package eviction

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// TestChooseVictimsOneScanMatchesTwo checks that the victims a round takes from the
// candidates kept during its one scan are the ones a second scan would collect: every key
// scoring below the threshold, and keys at it covering the rest of the excess.
func TestChooseVictimsOneScanMatchesTwo(t *testing.T) {
	rt := dataflow.NewRuntime(1)           // never started: the test plays the domain
	ev := New(rt, 1<<40, time.Second, nil) // never binds: rounds are driven by hand
	reader := operators.NewReader([]int{0}, nil)
	reader.SetPartial()
	node := &dataflow.Node{Op: reader}
	ev.Track(node)
	const keys = 2000
	for id := 1; id <= keys; id++ {
		key := dataflow.Row{dataflow.Int(int64(id))}
		reader.Fill(key, dataflow.Batch{{Row: dataflow.Row{dataflow.Int(int64(id)), dataflow.Int(int64(id))}}})
	}
	ev.roundMu.Lock()
	ev.sizeSketch(keys) // as a round would once the keys are held
	ev.roundMu.Unlock()
	// Key id is read 1 + id%7 times: seven scores, with many keys tied at each.
	for id := 1; id <= keys; id++ {
		for range 1 + id%7 {
			ev.CountRead(reader.HashInt(uint64(id)))
		}
	}
	for len(ev.readLog) > 0 { // the counting loop is not running: count its batches here
		ev.countReads(<-ev.readLog)
	}
	ev.roundMu.Lock()
	defer ev.roundMu.Unlock()
	ev.flushReads()
	ev.sketchMu.Lock()
	ev.ranked = ev.sketch.Snapshot(ev.ranked)
	ev.sketchMu.Unlock()
	readers := ev.partialReaders()
	perKey := readers[0].reader.Bytes() / int64(readers[0].reader.Keys())
	sorted := func(l victimList) []string {
		vs := l.appendVictims(nil, 0, len(l.keys))
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = fmt.Sprint(v.Int)
		}
		slices.Sort(out)
		return out
	}
	for _, excessKeys := range []int64{1, 40, 285, 286, 300, 600, 1000} {
		excess := excessKeys * perKey
		ev.lastThreshold = -1 // bound 0: nothing scores 0, so a second scan is needed
		two, held := ev.chooseVictims(readers, keys, excess)
		if held != keys {
			t.Fatalf("scan saw %d keys, want %d", held, keys)
		}
		want := sorted(two[0]) // before the next pass reuses the victims' arrays
		threshold := ev.lastThreshold
		ev.lastThreshold = threshold - 1 // the threshold is within the bound: candidates serve
		one, _ := ev.chooseVictims(readers, keys, excess)
		if got := sorted(one[0]); !slices.Equal(got, want) {
			t.Fatalf("excess %d keys: one scan chose %d victims, two scans %d", excessKeys, len(got), len(want))
		}
		if n := int64(len(one[0].keys)); n < excessKeys || n > excessKeys+1 {
			t.Fatalf("excess %d keys: %d victims", excessKeys, n)
		}
		for _, vic := range one[0].appendVictims(nil, 0, len(one[0].keys)) {
			if score := ev.ranked.Count(readers[0].reader.HashInt(vic.Int)); score > int64(threshold) {
				t.Fatalf("excess %d keys: victim %d scores %d, above the threshold %d", excessKeys, vic.Int, score, threshold)
			}
		}
	}
}

// TestCandidateIsCompact: a round keeps up to a quarter of the keys held as candidates
// while it ranks them, beside the cache, so a candidate must not carry a whole
// operators.Victim (120 bytes, most of them the interval a range victim names).
func TestCandidateIsCompact(t *testing.T) {
	if size := unsafe.Sizeof(candidate{}); size > 40 {
		t.Fatalf("a candidate takes %d bytes, want at most 40", size)
	}
}

// TestRoundVictimsAreCompact: a round in chunks holds its victims until its last chunk, and
// a garbage collection running beside it counts them live on top of the limit. They are
// kept as compact as candidates and allocated once, so choosing them borrows less than one
// operators.Victim (120 bytes) per victim, the candidates included.
func TestRoundVictimsAreCompact(t *testing.T) {
	const keys, evict = 8000, 4000
	ev, readers, perKey := unreadReader(t, keys)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	victims, _ := ev.chooseVictims(readers, keys, evict*perKey)
	runtime.ReadMemStats(&after)
	chosen := len(victims[0].keys)
	if chosen < evict {
		t.Fatalf("chose %d victims, want %d", chosen, evict)
	}
	borrowed := after.TotalAlloc - before.TotalAlloc
	if limit := uint64(chosen) * uint64(unsafe.Sizeof(operators.Victim{})); borrowed >= limit {
		t.Fatalf("choosing %d victims allocated %d bytes, want under %d (one operators.Victim each)", chosen, borrowed, limit)
	}
	t.Logf("choosing %d victims allocated %d bytes (%.1f per victim)", chosen, borrowed, float64(borrowed)/float64(chosen))
}

// TestSteadyRoundsDoNotAllocate: a pass of eviction works in scratch kept from the last
// pass, so rounds of a steady size allocate nothing. Allocated afresh each round, the
// candidates, victims and chunk were garbage that a collection running beside the rounds
// counted live: 10% of the limit over the accounted state at 200k keys.
func TestSteadyRoundsDoNotAllocate(t *testing.T) {
	const keys, evict = 8000, 1000
	ev, readers, perKey := unreadReader(t, keys)
	pass := func() int {
		victims, _ := ev.chooseVictims(readers, keys, evict*perKey)
		n := len(victims[0].keys)
		ev.scratch.release(1 << 40)
		return n
	}
	pass() // the first pass sizes the scratch
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	chosen := pass()
	runtime.ReadMemStats(&after)
	if chosen < evict {
		t.Fatalf("chose %d victims, want %d", chosen, evict)
	}
	if borrowed := after.TotalAlloc - before.TotalAlloc; borrowed > 1024 {
		t.Fatalf("a second pass choosing %d victims allocated %d bytes, want none", chosen, borrowed)
	}
	for _, c := range ev.scratch.victims[0].keys[:cap(ev.scratch.victims[0].keys)] {
		if c != (candidate{}) {
			t.Fatalf("the scratch still names a key after its pass: %+v", c)
		}
	}
}

// unreadReader returns an evictor that tracks one partial reader holding keys integer keys,
// none of them read, ranked for a pass (the round lock is held until the test ends), and
// the reader's bytes per key.
func unreadReader(t *testing.T, keys int) (*Evictor, []partialReader, int64) {
	rt := dataflow.NewRuntime(1)           // never started: the test plays the domain
	ev := New(rt, 1<<40, time.Second, nil) // never binds: passes are driven by hand
	reader := operators.NewReader([]int{0}, nil)
	reader.SetPartial()
	ev.Track(&dataflow.Node{Op: reader})
	for id := 1; id <= keys; id++ {
		key := dataflow.Row{dataflow.Int(int64(id))}
		reader.Fill(key, dataflow.Batch{{Row: dataflow.Row{dataflow.Int(int64(id)), dataflow.Int(int64(id))}}})
	}
	ev.roundMu.Lock()
	t.Cleanup(ev.roundMu.Unlock)
	ev.sizeSketch(keys)
	ev.ranked = ev.sketch.Snapshot(ev.ranked) // no reads counted: every key scores 0
	readers := ev.partialReaders()
	return ev, readers, readers[0].reader.Bytes() / int64(readers[0].reader.Keys())
}

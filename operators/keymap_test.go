package operators

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// TestKeyMapChurnKeepsEntries replaces keys at random, long and short ones, deleting
// from inside each as eviction may, and checks the map against a plain model throughout
// its rebuilds.
func TestKeyMapChurnKeepsEntries(t *testing.T) {
	var m keyMap[int]
	model := map[string]int{}
	rng := rand.New(rand.NewPCG(7, 9))
	key := func(n uint64) []byte {
		k := binary.BigEndian.AppendUint64(nil, n)
		if n%3 == 0 {
			k = append(k, "-a key longer than fifteen bytes"...) // the large map
		}
		return k
	}
	live := make([]uint64, 0, 10_000)
	for i := range 200_000 {
		if len(live) < 10_000 || rng.IntN(2) == 0 {
			n := rng.Uint64()
			live = append(live, n)
			m.put(key(n), i)
			model[string(key(n))] = i
		} else {
			j := rng.IntN(len(live))
			m.del(key(live[j]))
			delete(model, string(key(live[j])))
			live[j] = live[len(live)-1]
			live = live[:len(live)-1]
		}
		if i%50_000 == 0 {
			// Deleting every visited key from inside each must not lose or revisit any.
			seen := 0
			m.each(func(k []byte, v int) {
				if model[string(k)] != v {
					t.Fatalf("key %x: %d, model %d", k, v, model[string(k)])
				}
				seen++
				m.del(k)
			})
			if seen != len(model) || m.len() != 0 {
				t.Fatalf("each saw %d of %d entries and left %d", seen, len(model), m.len())
			}
			clear(model)
			live = live[:0]
		}
	}
	if m.len() != len(model) {
		t.Fatalf("len %d, model %d", m.len(), len(model))
	}
	for k, v := range model {
		if got, ok := m.get([]byte(k)); !ok || got != v {
			t.Fatalf("key %x: %d %v, model %d", k, got, ok, v)
		}
	}
}

// TestKeyMapChurnDoesNotGrow is the regression test for partial state outgrowing the
// memory limit: a Go map whose keys are replaced over and over grows to several times
// the size of a fresh map with as many keys, which the limit, counting live keys, never
// sees. keyMap must stay close to the fresh size.
func TestKeyMapChurnDoesNotGrow(t *testing.T) {
	const keys = 20_000
	fill := func(m *keyMap[*int], from uint64) {
		for n := from; n < from+keys; n++ {
			m.put(binary.BigEndian.AppendUint64(nil, n), nil)
		}
	}
	base := liveHeap()
	fresh := &keyMap[*int]{}
	fill(fresh, 0)
	freshBytes := liveHeap() - base
	runtime.KeepAlive(fresh)
	fresh = nil

	base = liveHeap()
	churned := &keyMap[*int]{}
	fill(churned, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	next := uint64(keys)
	present := make([]uint64, keys)
	for i := range present {
		present[i] = uint64(i)
	}
	for range 40 * keys {
		j := rng.IntN(keys)
		churned.del(binary.BigEndian.AppendUint64(nil, present[j]))
		churned.put(binary.BigEndian.AppendUint64(nil, next), nil)
		present[j], next = next, next+1
	}
	churnedBytes := liveHeap() - base
	if churned.len() != keys {
		t.Fatalf("len %d, want %d", churned.len(), keys)
	}
	t.Logf("after churn the map holds %.2f× a fresh map", float64(churnedBytes)/float64(freshBytes))
	if float64(churnedBytes) > 1.3*float64(freshBytes) {
		t.Fatalf("after churn the map holds %d bytes, %.2f× a fresh map's %d", churnedBytes,
			float64(churnedBytes)/float64(freshBytes), freshBytes)
	}
	runtime.KeepAlive(churned)
}

// TestReaderMapChurnDoesNotGrow: a partial reader's keys turn over under eviction at a
// constant count. The concurrent map frees no overflow bucket on deletion, so without
// rebuilding it held 1.25× a fresh map after 20 turnovers, memory the limit did not count.
func TestReaderMapChurnDoesNotGrow(t *testing.T) {
	const keys = 20_000
	entry := ReaderEntry{One: dataflow.Row{dataflow.Int(1)}}
	base := liveHeap()
	fresh := &lazyMap[uint64, ReaderEntry]{}
	for n := range uint64(keys) {
		fresh.Store(n, entry)
	}
	freshBytes := liveHeap() - base
	runtime.KeepAlive(fresh)
	fresh = nil

	base = liveHeap()
	churned := &lazyMap[uint64, ReaderEntry]{}
	for n := range uint64(keys) {
		churned.Store(n, entry)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	next := uint64(keys)
	present := make([]uint64, keys)
	for i := range present {
		present[i] = uint64(i)
	}
	for range 40 * keys {
		j := rng.IntN(keys)
		if _, ok := churned.LoadAndDelete(present[j]); !ok {
			t.Fatalf("key %d missing", present[j])
		}
		churned.Store(next, entry)
		present[j], next = next, next+1
	}
	churnedBytes := liveHeap() - base - int64(8*keys) // present's backing array
	if churned.Size() != keys {
		t.Fatalf("size %d, want %d", churned.Size(), keys)
	}
	for _, k := range present {
		if _, ok := churned.Load(k); !ok {
			t.Fatalf("key %d lost by a rebuild", k)
		}
	}
	if float64(churnedBytes) > 1.1*float64(freshBytes) {
		t.Fatalf("after churn the map holds %d bytes, %.2f× a fresh map's %d", churnedBytes,
			float64(churnedBytes)/float64(freshBytes), freshBytes)
	}
	runtime.KeepAlive(churned)
}

// TestKeyMapRebuildCopiesAShard: a rebuild allocates the fresh map while the old one still
// holds its entries, and a garbage collection running beside it counts both. A large map
// rebuilds a sixteenth of itself at a time, so no deletion allocates more than a quarter
// of the map (with its slack, a shard's copy may take an eighth); rebuilt whole, one
// deletion in every few thousand allocated 1.1 times the map.
func TestKeyMapRebuildCopiesAShard(t *testing.T) {
	const keys = 50_000
	key := func(n uint64) []byte { return dataflow.AppendKey(nil, dataflow.Int(int64(n))) }
	base := liveHeap()
	m := &keyMap[*int]{}
	for n := range uint64(keys) {
		m.put(key(n), nil)
	}
	mapBytes := liveHeap() - base
	rng := rand.New(rand.NewPCG(3, 4))
	next := uint64(keys)
	present := make([]uint64, keys)
	for i := range present {
		present[i] = uint64(i)
	}
	var most int64
	for range 3 * keys {
		j := rng.IntN(keys)
		k := key(present[j])
		before := allocated()
		m.del(k)
		most = max(most, allocated()-before)
		m.put(key(next), nil)
		present[j], next = next, next+1
	}
	if m.len() != keys {
		t.Fatalf("len %d, want %d", m.len(), keys)
	}
	if most > mapBytes/4 {
		t.Fatalf("a deletion allocated %d bytes, %.2f of the map's %d", most, float64(most)/float64(mapBytes), mapBytes)
	}
	runtime.KeepAlive(m)
}

// TestReaderMapRebuildCopiesAShard: a partial reader's map rebuilt after evictions stores
// every entry again while the old map holds them all. A large map rebuilds a sixteenth of
// itself at a time, so no deletion allocates more than a quarter of the map; rebuilt
// whole, one deletion allocated half the map's bytes (its nodes and table, not its rows).
func TestReaderMapRebuildCopiesAShard(t *testing.T) {
	const keys = 50_000
	entry := ReaderEntry{One: dataflow.Row{dataflow.Int(1)}}
	base := liveHeap()
	m := &lazyMap[uint64, ReaderEntry]{}
	for n := range uint64(keys) {
		m.Store(n, entry)
	}
	mapBytes := liveHeap() - base
	// Evictions take two thirds of the keys, then fills bring as many new ones: enough
	// buckets empty that the map is rebuilt.
	rng := rand.New(rand.NewPCG(5, 6))
	next := uint64(keys)
	present := make([]uint64, keys)
	for i := range present {
		present[i] = uint64(i)
	}
	var most int64
	for range 3 {
		rng.Shuffle(len(present), func(i, j int) { present[i], present[j] = present[j], present[i] })
		for _, k := range present[:2*keys/3] {
			before := allocated()
			if _, ok := m.LoadAndDelete(k); !ok {
				t.Fatalf("key %d missing", k)
			}
			most = max(most, allocated()-before)
		}
		for i := range present[:2*keys/3] {
			m.Store(next, entry)
			present[i], next = next, next+1
		}
	}
	if m.Size() != keys {
		t.Fatalf("size %d, want %d", m.Size(), keys)
	}
	for _, k := range present {
		if _, ok := m.Load(k); !ok {
			t.Fatalf("key %d lost", k)
		}
	}
	if most > mapBytes/4 {
		t.Fatalf("a deletion allocated %d bytes, %.2f of the map's %d", most, float64(most)/float64(mapBytes), mapBytes)
	}
	runtime.KeepAlive(m)
}

// TestSplitReaderMapLoadDoesNotAllocate: a read of a reader whose map is split into shards
// allocates nothing. Choosing the shard boxed an integer key in an interface, which
// allocated on every read of keys past 255.
func TestSplitReaderMapLoadDoesNotAllocate(t *testing.T) {
	ints := &lazyMap[uint64, ReaderEntry]{}
	strs := &lazyMap[string, ReaderEntry]{}
	entry := ReaderEntry{One: dataflow.Row{dataflow.Int(1)}}
	keys := make([]string, 2*shardMapMin)
	for n := range uint64(2 * shardMapMin) {
		ints.Store(n, entry)
		keys[n] = fmt.Sprintf("key %d", n)
		strs.Store(keys[n], entry)
	}
	if ints.s.Load() == nil || strs.s.Load() == nil {
		t.Fatal("the maps are not split")
	}
	k := uint64(1000)
	if n := testing.AllocsPerRun(1000, func() {
		if _, ok := ints.Load(k); !ok {
			t.Fatal("integer key missing")
		}
		k = (k + 7919) % uint64(2*shardMapMin)
	}); n != 0 {
		t.Errorf("a read of an integer key allocated %v times", n)
	}
	i := 0
	if n := testing.AllocsPerRun(1000, func() {
		if _, ok := strs.Load(keys[i]); !ok {
			t.Fatal("string key missing")
		}
		i = (i + 7919) % len(keys)
	}); n != 0 {
		t.Errorf("a read of a string key allocated %v times", n)
	}
}

// TestSplitKeyMapGetDoesNotAllocate: finding a key of operator state whose map is split
// into shards allocates nothing. Choosing the shard boxed the 16-byte inline key in an
// interface, an allocation on every get, put and delete of large keyed state (and so on
// every eviction notice an aggregate or a join handled).
func TestSplitKeyMapGetDoesNotAllocate(t *testing.T) {
	var m keyMap[*int]
	key := func(n int) []byte { return binary.BigEndian.AppendUint64([]byte{1}, uint64(n)) }
	long := func(n int) []byte { return fmt.Appendf(nil, "a key longer than fifteen bytes %d", n) }
	const n = 2 * shardMapMin
	for i := range n {
		v := i
		m.put(key(i), &v)
		m.put(long(i), &v)
	}
	if len(m.small.shards) != mapShards || len(m.large.shards) != mapShards {
		t.Fatalf("the maps are not split: %d and %d shards", len(m.small.shards), len(m.large.shards))
	}
	small, large := key(1000), long(1000)
	if allocs := testing.AllocsPerRun(1000, func() {
		if v, ok := m.get(small); !ok || *v != 1000 {
			t.Fatal("inline key missing")
		}
	}); allocs != 0 {
		t.Errorf("a get of an inline key allocated %v times", allocs)
	}
	if allocs := testing.AllocsPerRun(1000, func() {
		if v, ok := m.get(large); !ok || *v != 1000 {
			t.Fatal("long key missing")
		}
	}); allocs != 0 {
		t.Errorf("a get of a long key allocated %v times", allocs)
	}
}

// TestKeyMapChurnCopiesLittle: rebuilding a map after churn copies its entries while the old
// map still holds them, and a garbage collection running beside an eviction round counts
// both copies live. A map is rebuilt after its keys have turned over twice, which keeps it
// at its fresh size (TestKeyMapChurnDoesNotGrow) for half an entry's copy per deletion;
// rebuilt every half turnover, it copied two entries per deletion, 7% of the memory limit
// on top of it at the peak of the vote query's grouped form at 1M articles and 25%.
func TestKeyMapChurnCopiesLittle(t *testing.T) {
	const keys = 20_000
	var buf [8]byte
	key := func(n uint64) []byte { return binary.BigEndian.AppendUint64(buf[:0], n) }
	base := liveHeap()
	m := &keyMap[*int]{}
	for n := range uint64(keys) {
		m.put(key(n), nil)
	}
	perEntry := float64(liveHeap()-base) / keys
	rng := rand.New(rand.NewPCG(5, 6))
	next := uint64(keys)
	present := make([]uint64, keys)
	for i := range present {
		present[i] = uint64(i)
	}
	const deletions = 20 * keys
	before := allocated()
	for range deletions {
		j := rng.IntN(keys)
		m.del(key(present[j]))
		m.put(key(next), nil)
		present[j], next = next, next+1
	}
	copied := float64(allocated()-before) / deletions / perEntry
	t.Logf("churn allocated %.2f entries' bytes per deletion", copied)
	if copied > 1 {
		t.Fatalf("churn allocated %.2f entries' bytes per deletion, want at most one", copied)
	}
	runtime.KeepAlive(m)
}

// liveHeap is the live heap after a full collection.
func liveHeap() int64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// allocated is the bytes allocated on the heap so far.
func allocated() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// TestKeyMapRoundCopiesAShard: eviction deletes keys in rounds, a few percent of them at a
// time, and a garbage collection that runs beside a round counts every copy the round's
// rebuilds make beside the shards they replace. Keys hash evenly over the shards, so
// shards that counted their own deletions all reached the rebuild threshold within a round
// or two of each other: one round in about forty copied half the map or more. Rebuilt in
// turn, a round copies one shard at most.
func TestKeyMapRoundCopiesAShard(t *testing.T) {
	const keys = 64_000
	var buf [16]byte // keys are copied into the map: one buffer encodes them all
	key := func(n uint64) []byte { return dataflow.AppendKey(buf[:0], dataflow.Int(int64(n))) }
	m := &keyMap[*int]{}
	mapBytes, most := churnInRounds(7, keys, func(n uint64) { m.put(key(n), nil) }, func(n uint64) { m.del(key(n)) })
	if m.len() != keys {
		t.Fatalf("len %d, want %d", m.len(), keys)
	}
	checkRoundCopy(t, mapBytes, most)
	runtime.KeepAlive(m)
}

// TestReaderMapRoundCopiesAShard is TestKeyMapRoundCopiesAShard for a partial reader's
// map: its shards are checked for rebuilding in turn, so a round of evictions rebuilds one
// at most.
func TestReaderMapRoundCopiesAShard(t *testing.T) {
	const keys = 64_000
	entry := ReaderEntry{One: dataflow.Row{dataflow.Int(1)}}
	m := &lazyMap[uint64, ReaderEntry]{}
	mapBytes, most := churnInRounds(9, keys, func(n uint64) { m.Store(n, entry) }, func(n uint64) {
		if _, ok := m.LoadAndDelete(n); !ok {
			t.Fatalf("key %d missing", n)
		}
	})
	if m.Size() != keys {
		t.Fatalf("size %d, want %d", m.Size(), keys)
	}
	checkRoundCopy(t, mapBytes, most)
	runtime.KeepAlive(m)
}

// churnInRounds puts keys keys into a map, then turns them over in 400 rounds as eviction
// does: a fiftieth of the keys, drawn at random, deleted, then as many new keys put. It
// returns the bytes the map held when filled and the most one round's deletions allocated.
func churnInRounds(seed uint64, keys int, put, del func(n uint64)) (mapBytes, most int64) {
	base := liveHeap()
	for n := range uint64(keys) {
		put(n)
	}
	mapBytes = liveHeap() - base
	rng := rand.New(rand.NewPCG(seed, seed+1))
	present := make([]uint64, keys)
	for i := range present {
		present[i] = uint64(i)
	}
	next := uint64(keys)
	for range 400 {
		rng.Shuffle(len(present), func(i, j int) { present[i], present[j] = present[j], present[i] })
		evicted := present[:keys/50]
		before := allocated()
		for _, n := range evicted {
			del(n)
		}
		most = max(most, allocated()-before)
		for i := range evicted {
			put(next)
			evicted[i], next = next, next+1
		}
	}
	return mapBytes, most
}

// checkRoundCopy fails when a round allocated more than an eighth of the map: a shard is a
// sixteenth, with its slack up to an eighth.
func checkRoundCopy(t *testing.T, mapBytes, most int64) {
	t.Helper()
	t.Logf("the most a round of deletions allocated: %d bytes, %.3f of the map's %d", most, float64(most)/float64(mapBytes), mapBytes)
	if most > mapBytes/8 {
		t.Fatalf("a round of deletions allocated %d bytes, %.2f of the map's %d", most, float64(most)/float64(mapBytes), mapBytes)
	}
}

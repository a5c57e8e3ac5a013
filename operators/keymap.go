package operators

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
)

// keyMap is a map keyed by encoded keys. Keys of up to smallKeyMax bytes (one integer column
// encodes in 9) are stored inline in a fixed-size array key: the lookup then hashes and
// compares the array in place instead of chasing a string pointer to compare key bytes,
// which saves a cache miss per delta on large maps and an allocation per new key. Longer
// keys use an ordinary string map. Encodings are prefix-free, and the array also records the
// length, so zero padding cannot make two keys collide.
//
// A Go map never gives back the memory of deleted entries, and under churn (partial state
// evicting and refilling keys, groups emptied and made again) its deleted slots make it
// grow as if it held several times its live keys: 10,000 live keys cost 2.9 times a fresh
// map's bytes after two million replacements. The memory limit counts live entries, so
// keyMap rebuilds a map once the deletions since its last rebuild reach twice its live size
// (rebuildTurnovers): a copy per that many deletions, half an extra insertion per deletion
// amortized, and a map that stays within its fresh size. See splitMap for how large maps
// rebuild in pieces.
type keyMap[V any] struct {
	small splitMap[smallKey, V]
	large splitMap[string, V]
}

// rebuildTurnovers is how many times over a map's keys must turn over (deletions, as many
// insertions keep its size) before it is rebuilt. A Go map (1.26) keeps its fresh size for
// about eight turnovers of random or oldest-first deletions before its tables grow, so two
// keep it there, with a quarter of the copying that rebuilding every half turnover did: a
// rebuild's copy, made while the old map still holds every entry, is memory a garbage
// collection running beside an eviction round counts twice.
const rebuildTurnovers = 2

// rebuildAfter is the fewest deletions that make a map worth rebuilding: small maps waste
// little, and rebuilding them often would cost more than it frees.
const rebuildAfter = 512

const smallKeyMax = 15

type smallKey [smallKeyMax + 1]byte

func toSmallKey(k []byte) smallKey {
	var sk smallKey
	copy(sk[:smallKeyMax], k)
	sk[smallKeyMax] = byte(len(k))
	return sk
}

func (sk *smallKey) bytes() []byte { return sk[:sk[smallKeyMax]] }

func (m *keyMap[V]) get(k []byte) (V, bool) {
	if len(k) <= smallKeyMax {
		return m.small.get(toSmallKey(k))
	}
	// Indexed here rather than through large.get: a map index converting the bytes in
	// place does not allocate the string that a call's argument would.
	if m.large.shards == nil {
		var zero V
		return zero, false
	}
	n := len(m.large.shards)
	if n == 1 {
		v, ok := m.large.shards[0][string(k)]
		return v, ok
	}
	v, ok := m.large.shards[shardIndex(maphash.Bytes(shardSeed, k), n)][string(k)]
	return v, ok
}

func (m *keyMap[V]) put(k []byte, v V) {
	if len(k) <= smallKeyMax {
		m.small.put(toSmallKey(k), v)
		return
	}
	m.large.put(string(k), v)
}

func (m *keyMap[V]) del(k []byte) {
	if len(k) <= smallKeyMax {
		m.small.del(toSmallKey(k))
		return
	}
	m.large.del(string(k))
}

func (m *keyMap[V]) len() int { return m.small.len() + m.large.len() }

// each calls f with every key and value, in no particular order. f may delete entries.
func (m *keyMap[V]) each(f func(k []byte, v V)) {
	m.small.each(func(k smallKey, v V) { f(k.bytes(), v) })
	m.large.each(func(k string, v V) { f([]byte(k), v) })
}

// sorted returns the entries in key order (for deterministic snapshots).
func (m *keyMap[V]) sorted() []V {
	type kv struct {
		k string
		v V
	}
	all := make([]kv, 0, m.len())
	m.small.each(func(k smallKey, v V) { all = append(all, kv{string(k.bytes()), v}) })
	m.large.each(func(k string, v V) { all = append(all, kv{k, v}) })
	slices.SortFunc(all, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	out := make([]V, len(all))
	for i, e := range all {
		out[i] = e.v
	}
	return out
}

// splitMap is one of a keyMap's maps: a single Go map while it is small, and mapShards
// maps, each holding the keys of one hash range, from when it first holds shardMapMin keys.
//
// Shards are for the rebuilds. A rebuild allocates the fresh map while the old one still
// holds every entry, so the heap briefly holds the map twice; under eviction churn rebuilds
// come every few thousand evictions, and a garbage collection that runs beside one counts
// both copies as live (what it allocates while it marks is live by definition). Rebuilding
// the whole map of a large partial state at once put 4–8% of the memory limit on top of it
// whenever that happened; a shard is a sixteenth of it.
//
// The shards are rebuilt in turn, one after every rebuildTurnovers times a shard's keys
// deleted from the whole map, not each when its own deletions reach that: keys hash evenly
// over the shards, so their deletion counts rise together, and counted apart all sixteen
// reached the threshold within a round or two of each other, the whole map copied in one
// round again. In turn, each shard still sees rebuildTurnovers turnovers of its keys
// between its rebuilds, and no two rebuilds come closer than a sixteenth of that.
type splitMap[K comparable, V any] struct {
	shards []map[K]V // nil until the first put; one map, or mapShards
	// dels counts the deletions since the last rebuild of any shard; next is the shard the
	// next rebuild copies.
	dels, next int
	// iterating defers rebuilds while each runs, so its callback may delete.
	iterating bool
}

const (
	// mapShards is the number of shards of a large map, a power of two.
	mapShards = 16
	// shardMapMin is the keys at which a map is split into shards: below it a whole
	// rebuild's copy is small, and sixteen tables would cost more than they save.
	shardMapMin = 8192
)

var shardSeed = maphash.MakeSeed()

// shardOf picks the shard of a key among n (a power of two).
func shardOf[K comparable](k K, n int) int {
	if n == 1 {
		return 0
	}
	// Switched on a pointer to k, not on k: boxing a 16-byte smallKey in an interface
	// allocated on every get, put and delete of a split map.
	var h uint64
	switch p := any(&k).(type) {
	case *smallKey:
		lo, hi := binary.LittleEndian.Uint64(p[:8]), binary.LittleEndian.Uint64(p[8:])
		h = (lo ^ hi*0xC2B2AE3D27D4EB4F) * 0x9E3779B97F4A7C15
	case *string:
		h = maphash.String(shardSeed, *p)
	default:
		h = maphash.Comparable(shardSeed, k)
	}
	return shardIndex(h, n)
}

// shardIndex is the shard among n (a power of two) of a key hashing to h: its top bits,
// since the top bits of a product depend on every bit of the key. maphash.Bytes and
// maphash.String agree on equal contents, so a key's bytes and its string find one shard.
func shardIndex(h uint64, n int) int {
	return int(h >> (64 - bits.TrailingZeros(uint(n))))
}

func (m *splitMap[K, V]) get(k K) (V, bool) {
	if m.shards == nil {
		var zero V
		return zero, false
	}
	v, ok := m.shards[shardOf(k, len(m.shards))][k]
	return v, ok
}

func (m *splitMap[K, V]) put(k K, v V) {
	if m.shards == nil {
		m.shards = []map[K]V{make(map[K]V)}
	}
	s := m.shards[shardOf(k, len(m.shards))]
	s[k] = v
	if len(m.shards) == 1 && len(s) >= shardMapMin && !m.iterating {
		m.split()
	}
}

// split spreads a single map over mapShards shards. It runs when the map reaches
// shardMapMin keys, so the copy it makes is small; splitting at a later rebuild would copy
// the whole large map at once, the very thing shards avoid.
func (m *splitMap[K, V]) split() {
	old := m.shards[0]
	shards := make([]map[K]V, mapShards)
	for j := range shards {
		shards[j] = make(map[K]V, 2*len(old)/mapShards)
	}
	for k, v := range old {
		shards[shardOf(k, mapShards)][k] = v
	}
	m.shards, m.dels, m.next = shards, 0, 0
}

func (m *splitMap[K, V]) del(k K) {
	if m.shards == nil {
		return
	}
	s := m.shards[shardOf(k, len(m.shards))]
	n := len(s)
	delete(s, k)
	if len(s) == n {
		return
	}
	if m.dels++; m.dels >= max(rebuildTurnovers*len(m.shards[m.next]), rebuildAfter/len(m.shards)) && !m.iterating {
		m.rebuild(m.next)
		m.next = (m.next + 1) % len(m.shards)
	}
}

// rebuild copies shard i into a map sized for its live entries.
func (m *splitMap[K, V]) rebuild(i int) {
	m.dels = 0
	old := m.shards[i]
	fresh := make(map[K]V, len(old))
	for k, v := range old {
		fresh[k] = v
	}
	m.shards[i] = fresh
}

func (m *splitMap[K, V]) len() int {
	n := 0
	for _, s := range m.shards {
		n += len(s)
	}
	return n
}

// each calls f with every key and value, in no particular order. f may delete entries:
// rebuilds wait until the walk ends.
func (m *splitMap[K, V]) each(f func(k K, v V)) {
	was := m.iterating
	m.iterating = true
	defer func() { m.iterating = was }()
	for _, s := range m.shards {
		for k, v := range s {
			f(k, v)
		}
	}
}

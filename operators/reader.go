package operators

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/puzpuzpuz/xsync/v4"

	"github.com/weirdb/weir/dataflow"
)

// Reader is the leaf of a query: its result rows, grouped by the query's key columns, in
// maps that clients read without taking any lock the domain holds.
//
// Publication is copy-on-write per key: for every key a batch touches, the domain builds a
// new immutable entry and stores it with one atomic map store; readers load the current
// entry and never see a half-applied key. A key's rows are kept sorted by the query's ORDER
// BY, so a read returns them as they are.
//
// A key of one integer-valued component (the common `id = ?`) lives in a map keyed by the
// integer itself, whose entries hold the key inline: a hit costs a hash of eight bytes and
// two cache lines. Every other key lives in a map keyed by its canonical byte encoding.
// Which map a key belongs to depends only on its value (dataflow.IntKey), so writers and
// readers always agree.
type Reader struct {
	keyCols []int
	// partial readers keep only keys somebody read: a key absent from the maps is a hole,
	// deltas for it are dropped, and a read of it asks for a fill (Fill, through package
	// upquery).
	partial bool
	// fullReason says why a full reader is not partial (upquery.FullReason).
	fullReason string
	order      []dataflow.SortKey
	// ranged, for a query with range conditions, orders each key's rows in a tree (see
	// RangeRows); nil otherwise.
	ranged *rangeOrder
	ints   lazyMap[uint64, ReaderEntry]
	strs   lazyMap[string, ReaderEntry]

	// bytes approximates the memory the published entries hold; only the domain writes it.
	bytes     atomic.Int64
	evictions atomic.Int64
	// intervals counts the filled intervals of a reader with interval holes.
	intervals atomic.Int64
	// ivStates are the states above a reader with interval holes that are partial by
	// intervals too: they evict what the reader evicts (AddIntervalState).
	ivStates []IntervalState
	salt     uint64 // see HashInt

	keyBuf  []byte
	scratch []dataflow.Row
	idx     map[string]int
	groups  []readerGroup
	next    []int
}

// ReaderEntry is the published, immutable result of one key: one row in One (the common
// case, without a slice to allocate) or several in Rows; a range reader's key holds its rows
// in Tree instead.
type ReaderEntry struct {
	Rows []dataflow.Row
	One  dataflow.Row
	Tree *RangeRows
}

// Len is the number of rows.
func (e ReaderEntry) Len() int {
	if e.Tree != nil {
		return e.Tree.Len()
	}
	if e.One != nil {
		return 1
	}
	return len(e.Rows)
}

// All returns the rows as a slice (allocating for a single row, and for a tree).
func (e ReaderEntry) All() []dataflow.Row {
	if e.Tree != nil {
		return e.Tree.All()
	}
	if e.One != nil {
		return []dataflow.Row{e.One}
	}
	return e.Rows
}

type readerGroup struct {
	key   string
	ikey  uint64
	isInt bool
	first int
	last  int
	adds  int
}

// NewReader returns a reader keyed by keyCols (none: one key) whose rows are kept in order.
func NewReader(keyCols []int, order []dataflow.SortKey) *Reader {
	return &Reader{keyCols: keyCols, order: order, idx: map[string]int{}, salt: rand.Uint64()}
}

// lazyMap is a concurrent map allocated by its first store: a reader whose keys are all
// integers never pays for the map of encoded keys, nor a reader never filled for either
// (their empty tables are most of what an unread cache costs). Reads take no lock: one
// atomic load of the map, none yet meaning empty. Only the reader's writer stores (its
// domain, or the backfill before the reader is published), so the allocation races with
// nothing.
//
// The map is rebuilt after churn. Deleting an entry frees its slot but never the overflow
// bucket that held it, so a partial reader whose keys turn over under eviction at a constant
// count grows its table without bound (1.25× a fresh one after 20 turnovers, and the memory
// limit does not see it). The writer counts deletions; once they reach half the entries it
// checks the table and, if a quarter or more of its buckets are empty, stores the entries in
// a fresh map and publishes it with one atomic store. Readers that loaded the old map finish
// on it: nothing writes to it any more, and its entries are the same immutable values.
//
// A rebuild stores every entry again (a new table and a new node per entry) while the old
// map still holds them, and a garbage collection running beside it counts both; for a large
// reader that was 8% of the memory limit on top of it. So once the map holds shardMapMin
// entries it is split into mapShards maps by key hash (in p's place, s holds them), checked
// and rebuilt one at a time, in turn: a rebuild then copies a sixteenth.
type lazyMap[K comparable, V any] struct {
	p atomic.Pointer[xsync.Map[K, V]]
	s atomic.Pointer[lazyShards[K, V]]
	// Only the writer touches these: deletions since the map or, split, any shard was last
	// checked (deleted), the shard to check next (nextShard; shards are checked in turn, as
	// splitMap's are rebuilt, so their rebuilds never come in one eviction round), and
	// stores since the map's size was last checked for a split.
	deleted   int
	nextShard int
	stores    int
}

// lazyShards are a split lazyMap's maps, replaced whole (copy on write) when one is rebuilt.
type lazyShards[K comparable, V any] [mapShards]*xsync.Map[K, V]

// of is the shard that holds k.
func (s *lazyShards[K, V]) of(k K) (*xsync.Map[K, V], int) {
	// Switched on a pointer to k, not on k: boxing a uint64 key in an interface allocated
	// on every read of a split map.
	var h uint64
	switch p := any(&k).(type) {
	case *uint64:
		h = *p * 0x9E3779B97F4A7C15
	case *string:
		h = maphash.String(shardSeed, *p)
	default:
		h = maphash.Comparable(shardSeed, k)
	}
	i := int(h >> (64 - 4)) // mapShards is 16; the top bits of a product depend on every bit
	return s[i], i
}

func (m *lazyMap[K, V]) Load(k K) (v V, ok bool) {
	if x := m.p.Load(); x != nil {
		return x.Load(k)
	}
	if s := m.s.Load(); s != nil {
		x, _ := s.of(k)
		return x.Load(k)
	}
	return v, false
}

func (m *lazyMap[K, V]) Store(k K, v V) {
	if s := m.s.Load(); s != nil {
		x, _ := s.of(k)
		x.Store(k, v)
		return
	}
	x := m.p.Load()
	if x == nil {
		x = xsync.NewMap[K, V]()
		m.p.Store(x)
	}
	x.Store(k, v)
	if m.stores++; m.stores >= minRebuildDeletions {
		m.stores = 0
		if x.Size() >= shardMapMin {
			m.split(x)
		}
	}
}

// split spreads the single map x over shards and publishes them in its place. It runs when
// x reaches shardMapMin entries, so the copy it makes is small.
func (m *lazyMap[K, V]) split(x *xsync.Map[K, V]) {
	s := new(lazyShards[K, V])
	for i := range s {
		s[i] = xsync.NewMap[K, V](xsync.WithPresize(2 * x.Size() / mapShards))
	}
	x.Range(func(k K, v V) bool {
		to, _ := s.of(k)
		to.Store(k, v)
		return true
	})
	m.deleted, m.nextShard = 0, 0
	m.s.Store(s) // before p goes: a reader that finds p nil finds s
	m.p.Store(nil)
}

func (m *lazyMap[K, V]) Delete(k K) {
	m.LoadAndDelete(k)
}

func (m *lazyMap[K, V]) LoadAndDelete(k K) (v V, ok bool) {
	if s := m.s.Load(); s != nil {
		x, _ := s.of(k)
		if v, ok = x.LoadAndDelete(k); ok {
			m.churnedShards(s)
		}
		return v, ok
	}
	if x := m.p.Load(); x != nil {
		if v, ok = x.LoadAndDelete(k); ok {
			m.churned(x)
		}
	}
	return v, ok
}

// minRebuildDeletions keeps small maps from being checked on every few deletions.
const minRebuildDeletions = 128

// churned counts a deletion from x and rebuilds x once deletions have left enough of its
// buckets empty. Checking costs a walk of the table, as rebuilding does, and happens at most
// once per half the entries deleted: amortized, a constant per deletion.
func (m *lazyMap[K, V]) churned(x *xsync.Map[K, V]) {
	m.deleted++
	if m.deleted < max(x.Size()/2, minRebuildDeletions) {
		return
	}
	m.deleted = 0
	if fresh := rebuiltMap(x); fresh != nil {
		m.p.Store(fresh)
	}
}

// churnedShards is churned for a split map: deletions from all its shards are counted
// together, and each time they reach half a shard's entries the next shard in turn is
// checked, so each is checked once per half its entries deleted, as a whole map is.
func (m *lazyMap[K, V]) churnedShards(s *lazyShards[K, V]) {
	i := m.nextShard
	m.deleted++
	if m.deleted < max(s[i].Size()/2, minRebuildDeletions/mapShards) {
		return
	}
	m.deleted, m.nextShard = 0, (i+1)%mapShards
	if fresh := rebuiltMap(s[i]); fresh != nil {
		next := *s
		next[i] = fresh
		m.s.Store(&next)
	}
}

// rebuiltMap copies x into a fresh map when a quarter or more of its buckets are empty,
// and returns nil when it is not worth it.
func rebuiltMap[K comparable, V any](x *xsync.Map[K, V]) *xsync.Map[K, V] {
	if st := x.Stats(); st.EmptyBuckets*4 < st.TotalBuckets {
		return nil
	}
	fresh := xsync.NewMap[K, V](xsync.WithPresize(x.Size()))
	x.Range(func(k K, v V) bool {
		fresh.Store(k, v)
		return true
	})
	return fresh
}

func (m *lazyMap[K, V]) Range(f func(K, V) bool) {
	if x := m.p.Load(); x != nil {
		x.Range(f)
		return
	}
	if s := m.s.Load(); s != nil {
		for _, x := range s {
			stopped := false
			x.Range(func(k K, v V) bool {
				if !f(k, v) {
					stopped = true
					return false
				}
				return true
			})
			if stopped {
				return
			}
		}
	}
}

func (m *lazyMap[K, V]) RangeRelaxed(f func(K, V) bool) {
	if x := m.p.Load(); x != nil {
		x.RangeRelaxed(f)
		return
	}
	if s := m.s.Load(); s != nil {
		for _, x := range s {
			stopped := false
			x.RangeRelaxed(func(k K, v V) bool {
				if !f(k, v) {
					stopped = true
					return false
				}
				return true
			})
			if stopped {
				return
			}
		}
	}
}

func (m *lazyMap[K, V]) Size() int {
	if x := m.p.Load(); x != nil {
		return x.Size()
	}
	n := 0
	if s := m.s.Load(); s != nil {
		for _, x := range s {
			n += x.Size()
		}
	}
	return n
}

// SetPartial makes the reader partial. It must be called before the reader sees any delta.
func (r *Reader) SetPartial() { r.partial = true }

// SetFullReason records why a full reader could not be partial, for EXPLAIN and SHOW
// CACHES. It must be called before the reader is published.
func (r *Reader) SetFullReason(why string) { r.fullReason = why }

// FullReason says why the reader is full ("" for a partial reader).
func (r *Reader) FullReason() string {
	if r.partial {
		return ""
	}
	return r.fullReason
}

// Victim names a present key of a reader, as Scores reports it, for EvictKeys.
type Victim struct {
	Int   uint64 // the key, when IsInt
	Str   string // the encoded key, otherwise
	IsInt bool
	// Range, when IsRange, is one filled interval of the key of a reader with interval
	// holes: the victim is that interval, not the whole key.
	Range   Interval
	IsRange bool
}

// EvictKeys turns the given keys into holes (those still present) and returns the bytes
// freed. evicted, when not nil, is called with each evicted key, encoded. It runs in the
// reader's domain. Only a partial reader evicts: a full reader's absent keys mean "no rows".
func (r *Reader) EvictKeys(victims []Victim, evicted func(key string)) int64 {
	if !r.partial {
		return 0
	}
	var freed, n, freedRanges int64
	var buf []byte
	for _, v := range victims {
		if v.IsRange {
			freedRanges += r.EvictRange(v.Str, v.Range) // accounted there
			continue
		}
		var e ReaderEntry
		var ok bool
		if v.IsInt {
			e, ok = r.ints.LoadAndDelete(v.Int)
		} else {
			e, ok = r.strs.LoadAndDelete(v.Str)
		}
		if !ok {
			continue
		}
		n++
		freed += entryBytes(e)
		if e.Tree != nil {
			r.intervals.Add(-int64(e.Tree.filled.Len()))
			r.evictAbove(Everything)
		}
		if evicted != nil {
			if v.IsInt {
				buf = dataflow.AppendKey(buf[:0], dataflow.Int(int64(v.Int)))
				evicted(string(buf))
			} else {
				evicted(v.Str)
			}
		}
	}
	r.bytes.Add(-freed)
	r.evictions.Add(n)
	return freed + freedRanges
}

// EvictKey turns one present key (encoded, see EncodeKey) into a hole and reports whether
// it was present. It runs in the reader's domain.
func (r *Reader) EvictKey(key string) bool {
	v := Victim{Str: key}
	if ik, isInt := intKeyOf(key); isInt {
		v = Victim{Int: ik, IsInt: true}
	}
	return r.EvictKeys([]Victim{v}, nil) > 0
}

// intKeyOf recovers the integer map key of an encoded one-integer key.
func intKeyOf(key string) (uint64, bool) {
	if len(key) != 9 {
		return 0, false
	}
	var buf [9]byte
	copy(buf[:], key)
	want := dataflow.AppendKey(nil, dataflow.Int(int64(binary.BigEndian.Uint64(buf[1:]))))
	if string(want) != key {
		return 0, false
	}
	return binary.BigEndian.Uint64(buf[1:]), true
}

// Evictions counts the keys evicted so far.
func (r *Reader) Evictions() int64 { return r.evictions.Load() }

// Scores calls f with the score and name of every present key (for choosing what to
// evict). A key's score is what score says for the key's hash (see HashInt and HashKey):
// the evictor's count of its reads. It reads no entry, so it costs no cache miss on the
// rows, and takes no lock: a key stored or deleted meanwhile may be seen or not, or twice,
// which eviction tolerates (evicting an absent key frees nothing). Safe to run beside the
// domain and readers.
func (r *Reader) Scores(score func(hash uint64) int64, f func(score int64, key Victim)) {
	if r.IntervalHoles() {
		// Each filled interval is a victim; they share their key's read count, and at one
		// count a round takes them from the lowest values up.
		r.strs.RangeRelaxed(func(k string, e ReaderEntry) bool {
			if e.Tree == nil {
				return true
			}
			s := score(r.HashKey(k))
			for i := 0; i < e.Tree.filled.Len(); i++ {
				f(s, Victim{Str: k, Range: e.Tree.filled.At(i), IsRange: true})
			}
			return true
		})
		return
	}
	r.ints.RangeRelaxed(func(k uint64, _ ReaderEntry) bool {
		f(score(r.HashInt(k)), Victim{Int: k, IsInt: true})
		return true
	})
	r.strs.RangeRelaxed(func(k string, _ ReaderEntry) bool {
		f(score(r.HashKey(k)), Victim{Str: k})
		return true
	})
}

// HashInt and HashKey hash a key read from the maps by GetInt and Get, for counting its
// reads: salted per reader, so the keys of different readers are counted apart.
func (r *Reader) HashInt(k uint64) uint64 { return (k ^ r.salt) * 0x9E3779B97F4A7C15 }

// HashKey: see HashInt.
func (r *Reader) HashKey(k string) uint64 { return maphash.String(hashSeed, k) ^ r.salt }

var hashSeed = maphash.MakeSeed()

// Partial reports whether the reader keeps only the keys that were read.
func (r *Reader) Partial() bool { return r.partial }

// EncodeKey encodes key values as the reader's maps key them; isInt reports a one-component
// integer key, stored by ikey.
func EncodeKey(buf []byte, vals dataflow.Row) (enc []byte, ikey uint64, isInt bool) {
	buf = dataflow.AppendKeys(buf, vals)
	if len(vals) == 1 {
		ikey, isInt = dataflow.IntKey(vals[0])
	}
	return buf, ikey, isInt
}

// Fill makes a hole present with the rows a replay computed for it. It runs in the reader's
// domain, in order with updates: deltas for the key that arrived before the replay were
// dropped (the replay's rows include them) and those after it apply to these rows. It
// reports whether the key was present already (the rows were not needed).
func (r *Reader) Fill(key dataflow.Row, rows dataflow.Batch) (present bool) {
	return r.FillEncoded(dataflow.EncodeKey(key), key, rows)
}

// PresentEncoded reports whether the key, encoded by dataflow.EncodeKey, is present: a
// fill of it has nothing to do.
func (r *Reader) PresentEncoded(k string, key dataflow.Row) bool {
	if len(key) == 1 {
		if ikey, isInt := dataflow.IntKey(key[0]); isInt {
			_, found := r.ints.Load(ikey)
			return found
		}
	}
	_, found := r.strs.Load(k)
	return found
}

// FillEncoded is Fill for a caller that has the key's encoding (dataflow.EncodeKey) at
// hand already.
func (r *Reader) FillEncoded(k string, key dataflow.Row, rows dataflow.Batch) (present bool) {
	var ikey uint64
	var isInt bool
	if len(key) == 1 {
		ikey, isInt = dataflow.IntKey(key[0])
	}
	var found bool
	if isInt {
		_, found = r.ints.Load(ikey)
	} else {
		_, found = r.strs.Load(k)
	}
	if found {
		return true // filled already by an earlier replay, and kept up to date since
	}
	list := make([]dataflow.Row, 0, len(rows))
	var kb [64]byte
	kbuf := kb[:0]
	for _, rec := range rows {
		// A piece can carry rows of other keys (an outer join above pads its key with
		// NULL): they are not this key's.
		if len(r.keyCols) > 0 {
			kbuf = dataflow.AppendRowKey(kbuf[:0], rec.Row, r.keyCols)
			if string(kbuf) != k {
				continue
			}
		}
		if !rec.Neg {
			list = append(list, rec.Row)
			continue
		}
		// A piece that collected deltas on its way (at a union) may retract rows it holds.
		for i := len(list) - 1; i >= 0; i-- {
			if dataflow.IdenticalRows(list[i], rec.Row) {
				list = slices.Delete(list, i, i+1)
				break
			}
		}
	}
	var e ReaderEntry
	if r.ranged != nil {
		e.Tree = r.ranged.newRows()
		for _, row := range list {
			e.Tree.add(row)
		}
		list = nil
	} else if len(r.order) > 0 {
		slices.SortStableFunc(list, func(a, b dataflow.Row) int {
			return dataflow.CompareRowsTotal(a, b, r.order)
		})
	}
	switch {
	case e.Tree != nil:
	case len(list) == 0:
		e.Rows = []dataflow.Row{} // present and known empty
	case len(list) == 1:
		e.One = list[0]
	default:
		e.Rows = list
	}
	if isInt {
		r.ints.Store(ikey, e)
	} else {
		r.strs.Store(k, e)
	}
	r.bytes.Add(entryBytes(e))
	return false
}

// PresentKeys calls f with every present key, encoded (for releasing a dropped reader's
// holds). It must run while nothing writes the reader.
func (r *Reader) PresentKeys(f func(key string)) {
	var buf []byte
	r.ints.Range(func(k uint64, _ ReaderEntry) bool {
		buf = dataflow.AppendKey(buf[:0], dataflow.Int(int64(k)))
		f(string(buf))
		return true
	})
	r.strs.Range(func(k string, _ ReaderEntry) bool { f(k); return true })
}

// KeyCols are the key column positions.
func (r *Reader) KeyCols() []int { return r.keyCols }

// GetInt returns the entry of a one-component key whose value is the integer k (see
// dataflow.IntKey). The rows are shared and must not be modified.
func (r *Reader) GetInt(k uint64) (ReaderEntry, bool) {
	return r.ints.Load(k)
}

// Get returns the entry of an encoded key (dataflow.AppendKey of each component) that is not
// a one-component integer key.
func (r *Reader) Get(key string) (ReaderEntry, bool) {
	return r.strs.Load(key)
}

// Keys is the number of present keys (a partial reader's keys known to be empty count);
// for a reader with interval holes, the number of filled intervals, what it evicts by.
func (r *Reader) Keys() int {
	if r.IntervalHoles() {
		return int(r.intervals.Load())
	}
	return r.ints.Size() + r.strs.Size()
}

// Bytes approximates the memory held by the published rows and entries.
func (r *Reader) Bytes() int64 { return r.bytes.Load() }

// entryOverhead approximates a map entry: key, entry header and the map's slot. The
// concurrent map doubles its table as Go's maps do, so 16 of it are the slot's cost at the
// table's lowest load beyond its average (see mapLowLoadBytes).
const entryOverhead = 96 + 16

func entryBytes(e ReaderEntry) int64 {
	if e.Tree != nil {
		return entryOverhead + e.Tree.bytes + int64(e.Tree.filled.Len())*intervalBytes
	}
	if e.One != nil {
		return entryOverhead + dataflow.RowBytes(e.One)
	}
	n := int64(entryOverhead + 24*len(e.Rows))
	for _, r := range e.Rows {
		n += dataflow.RowBytes(r)
	}
	return n
}

// Process applies a batch and publishes every touched key once.
func (r *Reader) Process(_ int, in dataflow.Batch) dataflow.Batch {
	r.groups = r.groups[:0]
	if cap(r.next) < len(in) {
		r.next = make([]int, len(in))
	}
	r.next = r.next[:len(in)]
	for i, rec := range in {
		r.keyBuf = dataflow.AppendRowKey(r.keyBuf[:0], rec.Row, r.keyCols)
		r.next[i] = -1
		g, ok := r.idx[string(r.keyBuf)]
		if !ok {
			g = len(r.groups)
			k := string(r.keyBuf)
			r.idx[k] = g
			grp := readerGroup{key: k, first: i, last: i}
			if len(r.keyCols) == 1 {
				grp.ikey, grp.isInt = dataflow.IntKey(rec.Row[r.keyCols[0]])
			}
			r.groups = append(r.groups, grp)
		} else {
			r.next[r.groups[g].last] = i
			r.groups[g].last = i
		}
		if !rec.Neg {
			r.groups[g].adds++
		}
	}
	if len(r.groups) > 256 {
		// clear costs the map's capacity, not its length: after a large batch start over
		// rather than pay for the high-water mark on every later small batch.
		r.idx = map[string]int{}
	} else {
		clear(r.idx)
	}
	for _, g := range r.groups {
		var old ReaderEntry
		var found bool
		if g.isInt {
			old, found = r.ints.Load(g.ikey)
		} else {
			old, found = r.strs.Load(g.key)
		}
		if r.partial && !found {
			continue // a hole: nobody holds this key, and a later fill will include these deltas
		}
		if r.ranged != nil {
			r.processRange(in, g, old, found)
			continue
		}
		rows := r.scratch[:0]
		if old.One != nil {
			rows = append(rows, old.One)
		} else {
			rows = append(rows, old.Rows...)
		}
		rows = r.apply(rows, in, g)
		if found {
			r.bytes.Add(-entryBytes(old))
		}
		if len(rows) == 0 {
			if r.partial {
				// Known empty, not a hole: the key keeps its holds on the states above,
				// which keep it current, until it is evicted (and the holds released with
				// it). Deleting it here made it a hole that still held them: the next read
				// filled it again and took a second hold that no eviction gave back.
				e := ReaderEntry{Rows: []dataflow.Row{}}
				r.bytes.Add(entryBytes(e))
				if g.isInt {
					r.ints.Store(g.ikey, e)
				} else {
					r.strs.Store(g.key, e)
				}
				continue
			}
			if g.isInt {
				r.ints.Delete(g.ikey)
			} else {
				r.strs.Delete(g.key)
			}
			continue
		}
		if len(r.order) > 0 {
			slices.SortStableFunc(rows, func(a, b dataflow.Row) int {
				return dataflow.CompareRowsTotal(a, b, r.order)
			})
		}
		var e ReaderEntry
		if len(rows) == 1 {
			e.One = rows[0]
		} else {
			e.Rows = slices.Clone(rows)
		}
		clear(rows)
		r.scratch = rows[:0]
		r.bytes.Add(entryBytes(e))
		if g.isInt {
			r.ints.Store(g.ikey, e)
		} else {
			r.strs.Store(g.key, e)
		}
	}
	return nil
}

// apply applies one key's deltas of a batch to its rows. A few retractions are found by a
// scan from the end (where recent rows are); many against a large key are counted in a map
// and removed in one pass, so a batch that rewrites a big key costs linear time rather than
// quadratic. Either way the result is the same multiset: retractions only ever name rows
// that are present by the time they arrive.
func (r *Reader) apply(rows []dataflow.Row, in dataflow.Batch, g readerGroup) []dataflow.Row {
	dels := 0
	for i := g.first; i >= 0; i = r.next[i] {
		if in[i].Neg {
			dels++
		}
	}
	if dels <= 8 || len(rows)+g.adds <= 64 {
		for i := g.first; i >= 0; i = r.next[i] {
			rec := in[i]
			if !rec.Neg {
				rows = append(rows, rec.Row)
				continue
			}
			for j := len(rows) - 1; j >= 0; j-- {
				if dataflow.IdenticalRows(rows[j], rec.Row) {
					rows = append(rows[:j], rows[j+1:]...)
					break
				}
			}
		}
		return rows
	}
	gone := make(map[string]int, dels)
	var kb []byte
	for i := g.first; i >= 0; i = r.next[i] {
		rec := in[i]
		if rec.Neg {
			kb = appendExactRowKey(kb[:0], rec.Row)
			gone[string(kb)]++
		} else {
			rows = append(rows, rec.Row)
		}
	}
	kept := rows[:0]
	for _, row := range rows {
		kb = appendExactRowKey(kb[:0], row)
		if n := gone[string(kb)]; n > 0 {
			gone[string(kb)] = n - 1
			continue
		}
		kept = append(kept, row)
	}
	clear(rows[len(kept):])
	return kept
}

func appendExactRowKey(buf []byte, row dataflow.Row) []byte {
	for _, v := range row {
		buf = dataflow.AppendExactKey(buf, v)
	}
	return buf
}

// Snapshot returns every row of every key.
func (r *Reader) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	var out []dataflow.Row
	collect := func(e ReaderEntry) {
		if e.Tree != nil {
			out = append(out, e.Tree.All()...)
		} else if e.One != nil {
			out = append(out, e.One)
		} else {
			out = append(out, e.Rows...)
		}
	}
	r.ints.Range(func(_ uint64, e ReaderEntry) bool { collect(e); return true })
	r.strs.Range(func(_ string, e ReaderEntry) bool { collect(e); return true })
	return out
}

// Origins: a reader holds its parent's rows as they are.
func (r *Reader) Origins(col int) []dataflow.ColumnOrigin { return dataflow.PassThrough(col) }

// Describe renders the key and order.
func (r *Reader) Describe() string {
	var b strings.Builder
	b.WriteString("reader[")
	for i, c := range r.keyCols {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", c)
	}
	b.WriteString("]")
	if len(r.order) > 0 {
		b.WriteString(" order(")
		for i, k := range r.order {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d", k.Col)
			if k.Desc {
				b.WriteString(" desc")
			}
		}
		b.WriteString(")")
	}
	if r.ranged != nil {
		fmt.Fprintf(&b, " range($%d)", r.ranged.col)
	}
	return b.String()
}

package operators

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/weirdb/weir/dataflow"
)

// Base is a base table: the root of the graph and the full, authoritative copy of the table's
// rows. Writes are applied by the engine's write executor inside the base domain through Put
// and Remove; the deltas they produce enter the graph through Process, which passes them on.
//
// Rows of a table with a primary key are kept in a map by the key's collation-aware encoding
// (so 'a' and 'A' collide as MySQL's case-insensitive keys do). A table without a primary
// key is a multiset: its rows live in a slice, and a row's storage key is its position,
// which makes the insert-only tables of event workloads (votes, clicks) cheap to append to.
type Base struct {
	name  string
	width int
	pk    []int
	rows  map[string]dataflow.Row // tables with a primary key
	slots []dataflow.Row          // tables without one; nil marks a deleted row
	live  int
	buf   []byte

	indexes []*baseIndex
	ordered []*orderedIndex // see EnsureOrderedIndex
	ibuf    []byte
}

// NewBase returns an empty base table of the given width and primary-key columns (none for a
// table without a primary key).
func NewBase(name string, width int, pk []int) *Base {
	b := &Base{name: name, width: width, pk: pk}
	if len(pk) > 0 {
		b.rows = make(map[string]dataflow.Row)
	}
	return b
}

// Process passes base-table deltas to the children unchanged.
func (b *Base) Process(_ int, in dataflow.Batch) dataflow.Batch { return in }

// Snapshot returns every row.
func (b *Base) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	out := make([]dataflow.Row, 0, b.Len())
	b.Scan(func(_ string, r dataflow.Row) bool {
		out = append(out, r)
		return true
	})
	return out
}

// Describe names the table.
// Origins: a base table has no parents; its columns originate here.
func (b *Base) Origins(int) []dataflow.ColumnOrigin { return nil }

func (b *Base) Describe() string { return "base(" + b.name + ")" }

// HasPrimaryKey reports whether rows are keyed by a primary key.
func (b *Base) HasPrimaryKey() bool { return len(b.pk) > 0 }

// PrimaryKey returns the primary-key column positions.
func (b *Base) PrimaryKey() []int { return b.pk }

// Len is the number of rows.
func (b *Base) Len() int {
	if b.rows != nil {
		return len(b.rows)
	}
	return b.live
}

func slotKey(i int) string {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(i))
	return string(k[:])
}

func slotIndex(key string) (int, bool) {
	if len(key) != 8 {
		return 0, false
	}
	return int(binary.BigEndian.Uint64([]byte(key))), true
}

// KeyOf returns the storage key of a row: its primary-key encoding, or for a table without a
// primary key the next free position (the row must be Put before the next KeyOf).
func (b *Base) KeyOf(row dataflow.Row) string {
	if b.rows == nil {
		return slotKey(len(b.slots))
	}
	b.buf = dataflow.AppendRowKey(b.buf[:0], row, b.pk)
	return string(b.buf)
}

// Get returns the row stored under key.
func (b *Base) Get(key string) (dataflow.Row, bool) {
	if b.rows != nil {
		r, ok := b.rows[key]
		return r, ok
	}
	i, ok := slotIndex(key)
	if !ok || i >= len(b.slots) || b.slots[i] == nil {
		return nil, false
	}
	return b.slots[i], true
}

// GetByKey returns the row whose primary-key columns equal those of probe.
func (b *Base) GetByKey(probe dataflow.Row) (string, dataflow.Row, bool) {
	if b.rows == nil {
		return "", nil, false
	}
	b.buf = dataflow.AppendRowKey(b.buf[:0], probe, b.pk)
	r, ok := b.rows[string(b.buf)]
	if !ok {
		return "", nil, false
	}
	return string(b.buf), r, true
}

// Put stores row under key, replacing what was there.
func (b *Base) Put(key string, row dataflow.Row) {
	if len(b.indexes) > 0 || len(b.ordered) > 0 {
		if old, ok := b.Get(key); ok {
			b.unindex(key, old)
		}
		defer b.index(key, row)
	}
	b.putRaw(key, row)
}

func (b *Base) putRaw(key string, row dataflow.Row) {
	if len(row) != b.width || row == nil {
		panic(fmt.Sprintf("operators: base %s: row of width %d, want %d", b.name, len(row), b.width))
	}
	if b.rows != nil {
		b.rows[key] = row
		return
	}
	i, ok := slotIndex(key)
	if !ok {
		panic(fmt.Sprintf("operators: base %s: bad storage key %x", b.name, key))
	}
	if i == len(b.slots) {
		b.slots = append(b.slots, row)
		b.live++
		return
	}
	for i >= len(b.slots) { // restoring rows behind a trimmed tail (statement rollback)
		b.slots = append(b.slots, nil)
	}
	if b.slots[i] == nil {
		b.live++
	}
	b.slots[i] = row
}

// Remove deletes the row under key.
func (b *Base) Remove(key string) {
	if len(b.indexes) > 0 || len(b.ordered) > 0 {
		if old, ok := b.Get(key); ok {
			b.unindex(key, old)
		}
	}
	b.removeRaw(key)
}

func (b *Base) removeRaw(key string) {
	if b.rows != nil {
		delete(b.rows, key)
		return
	}
	i, ok := slotIndex(key)
	if !ok || i >= len(b.slots) || b.slots[i] == nil {
		return
	}
	b.slots[i] = nil
	b.live--
	for n := len(b.slots); n > 0 && b.slots[n-1] == nil; n-- {
		b.slots = b.slots[:n-1]
	}
}

// Compact drops deleted positions of a table without a primary key once they are the
// majority, and reports whether it did. It renumbers rows, so no storage key may be held
// across it: the engine calls it between statements, and rewrites the table's rows in the
// durable store when it returns true.
func (b *Base) Compact() bool {
	if b.rows != nil || len(b.slots) < 1024 || b.live*2 > len(b.slots) {
		return false
	}
	kept := make([]dataflow.Row, 0, b.live+b.live/4)
	for _, r := range b.slots {
		if r != nil {
			kept = append(kept, r)
		}
	}
	b.slots = kept
	for _, ix := range b.indexes { // positions changed: rebuild
		b.fillIndex(ix)
	}
	for _, ix := range b.ordered {
		b.fillOrdered(ix)
	}
	return true
}

// baseIndex maps the encoding of some columns to the storage keys of the rows holding those
// values: what a fill of a partial reader keyed by non-key columns looks rows up by.
type baseIndex struct {
	cols []int
	m    map[string][]string
}

// EnsureIndex builds, once, an index on cols (in that order) and keeps it up to date from
// then on. It must run in the base domain or while the graph is quiescent.
func (b *Base) EnsureIndex(cols []int) {
	for _, ix := range b.indexes {
		if slices.Equal(ix.cols, cols) {
			return
		}
	}
	ix := &baseIndex{cols: slices.Clone(cols)}
	b.fillIndex(ix)
	b.indexes = append(b.indexes, ix)
}

func (b *Base) fillIndex(ix *baseIndex) {
	ix.m = map[string][]string{}
	var buf []byte
	b.Scan(func(key string, row dataflow.Row) bool {
		buf = dataflow.AppendRowKey(buf[:0], row, ix.cols)
		ix.m[string(buf)] = append(ix.m[string(buf)], key)
		return true
	})
}

func (b *Base) index(key string, row dataflow.Row) {
	for _, ix := range b.ordered {
		ix.add(key, row)
	}
	for _, ix := range b.indexes {
		b.ibuf = dataflow.AppendRowKey(b.ibuf[:0], row, ix.cols)
		ix.m[string(b.ibuf)] = append(ix.m[string(b.ibuf)], key)
	}
}

func (b *Base) unindex(key string, row dataflow.Row) {
	for _, ix := range b.ordered {
		ix.remove(key, row)
	}
	for _, ix := range b.indexes {
		b.ibuf = dataflow.AppendRowKey(b.ibuf[:0], row, ix.cols)
		keys := ix.m[string(b.ibuf)]
		if i := slices.Index(keys, key); i >= 0 {
			keys[i] = keys[len(keys)-1]
			keys = keys[:len(keys)-1]
		}
		if len(keys) == 0 {
			delete(ix.m, string(b.ibuf))
		} else {
			ix.m[string(b.ibuf)] = keys
		}
	}
}

// indexed returns the rows whose columns cols equal the encoded key, when an index on cols
// exists.
func (b *Base) indexed(cols []int, enc []byte) ([]dataflow.Row, bool) {
	for _, ix := range b.indexes {
		if slices.Equal(ix.cols, cols) {
			keys := ix.m[string(enc)]
			if len(keys) == 0 {
				return nil, true
			}
			out := make([]dataflow.Row, 0, len(keys))
			for _, k := range keys {
				if r, ok := b.Get(k); ok {
					out = append(out, r)
				}
			}
			return out, true
		}
	}
	return nil, false
}

// IndexedKeys returns the storage keys of the rows whose columns cols equal those of probe,
// through the index on cols (see EnsureIndex); ok is false when there is none. The slice
// belongs to the index: it is valid until the table next changes and must not be modified.
// It must run in the base domain.
func (b *Base) IndexedKeys(cols []int, probe dataflow.Row) (keys []string, ok bool) {
	for _, ix := range b.indexes {
		if slices.Equal(ix.cols, cols) {
			b.ibuf = dataflow.AppendRowKey(b.ibuf[:0], probe, cols)
			return ix.m[string(b.ibuf)], true
		}
	}
	return nil, false
}

// Scan calls f for every row until f returns false. f must not modify the table.
func (b *Base) Scan(f func(key string, row dataflow.Row) bool) {
	if b.rows != nil {
		for k, r := range b.rows {
			if !f(k, r) {
				return
			}
		}
		return
	}
	for i, r := range b.slots {
		if r != nil && !f(slotKey(i), r) {
			return
		}
	}
}

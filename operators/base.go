package operators

import (
	"encoding/binary"
	"fmt"

	"github.com/weirdb/weir/dataflow"
)

// Base is a base table: the root of the graph and the full, authoritative copy of the table's
// rows. Writes are applied by the engine's write executor inside the base domain through Put
// and Remove; the deltas they produce enter the graph through Process, which passes them on.
//
// Rows are keyed by the primary key's collation-aware encoding (so 'a' and 'A' collide as
// MySQL's case-insensitive keys do) or, for a table without a primary key, by a hidden row id.
type Base struct {
	name  string
	width int
	pk    []int
	rows  map[string]dataflow.Row
	rowID uint64
	buf   []byte
}

// NewBase returns an empty base table of the given width and primary-key columns (none for a
// table without a primary key).
func NewBase(name string, width int, pk []int) *Base {
	return &Base{name: name, width: width, pk: pk, rows: make(map[string]dataflow.Row)}
}

// Process passes base-table deltas to the children unchanged.
func (b *Base) Process(_ int, in dataflow.Batch) dataflow.Batch { return in }

// Snapshot returns every row.
func (b *Base) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	out := make([]dataflow.Row, 0, len(b.rows))
	for _, r := range b.rows {
		out = append(out, r)
	}
	return out
}

// Describe names the table.
func (b *Base) Describe() string { return "base(" + b.name + ")" }

// HasPrimaryKey reports whether rows are keyed by a primary key.
func (b *Base) HasPrimaryKey() bool { return len(b.pk) > 0 }

// PrimaryKey returns the primary-key column positions.
func (b *Base) PrimaryKey() []int { return b.pk }

// Len is the number of rows.
func (b *Base) Len() int { return len(b.rows) }

// KeyOf returns the storage key of a row: its primary-key encoding. For a table without a
// primary key it allocates a fresh row id, so every insert is a distinct row.
func (b *Base) KeyOf(row dataflow.Row) string {
	if len(b.pk) == 0 {
		b.rowID++
		b.buf = binary.BigEndian.AppendUint64(b.buf[:0], b.rowID)
		return string(b.buf)
	}
	b.buf = dataflow.AppendRowKey(b.buf[:0], row, b.pk)
	return string(b.buf)
}

// Get returns the row stored under key.
func (b *Base) Get(key string) (dataflow.Row, bool) {
	r, ok := b.rows[key]
	return r, ok
}

// GetByKey returns the row whose primary-key columns equal those of probe.
func (b *Base) GetByKey(probe dataflow.Row) (string, dataflow.Row, bool) {
	if len(b.pk) == 0 {
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
	if len(row) != b.width {
		panic(fmt.Sprintf("operators: base %s: row of width %d, want %d", b.name, len(row), b.width))
	}
	b.rows[key] = row
}

// Remove deletes the row under key.
func (b *Base) Remove(key string) { delete(b.rows, key) }

// Scan calls f for every row until f returns false. f must not modify the table.
func (b *Base) Scan(f func(key string, row dataflow.Row) bool) {
	for k, r := range b.rows {
		if !f(k, r) {
			return
		}
	}
}

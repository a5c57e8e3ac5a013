package operators

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
)

// Distinct removes duplicate rows under the collation's equality (SELECT DISTINCT). It keeps
// the multiplicity of every distinct row key and emits a row when its key goes from absent to
// present and retracts it when the key goes away.
//
// Rows that are equal under the collation but not identical ('a' and 'A') share a key; the
// row shown for the key is the smallest variant in exact order (compareRowsExact) among those
// present. That choice depends only on the current multiset, so the output equals DISTINCT
// computed from scratch, and the emitted row is remembered so its retraction names exactly
// the row that was emitted even when the variants change.
type Distinct struct {
	// bytes approximates the memory of the keys; delta is a batch's change to it.
	bytes   atomic.Int64
	delta   int64
	keys    keyMap[*distinctKey]
	buf     []byte
	epoch   uint64
	touched []*distinctKey
	// subCols, when set (SetPartialBy), are the columns the DISTINCT is partial by, and
	// subKeys their present values (see subkey.go).
	subCols []int
	subKeys keyMap[*subKey[*distinctKey]]
	kbuf    []byte
}

type distinctKey struct {
	vars  variants
	out   dataflow.Row // the row currently emitted for the key, nil if none
	epoch uint64
	// at is the row's position in its partial key's list when the DISTINCT is partial.
	at int32
}

// NewDistinct returns an empty Distinct.
func NewDistinct() *Distinct {
	return &Distinct{}
}

// Process applies the deltas in order and emits, per key the batch touched, the change of its
// representative: nothing when it ends the batch as it began.
func (d *Distinct) Process(_ int, in dataflow.Batch) dataflow.Batch {
	d.epoch++
	d.touched = d.touched[:0]
	for _, rec := range in {
		d.buf = appendWholeRowKey(d.buf[:0], rec.Row)
		k, _ := d.keys.get(d.buf)
		if k == nil {
			if rec.Neg {
				continue
			}
			var owner *subKey[*distinctKey]
			if d.subCols != nil {
				d.kbuf = appendColsKey(d.kbuf[:0], rec.Row, d.subCols)
				if owner, _ = d.subKeys.get(d.kbuf); owner == nil {
					continue // a hole
				}
			}
			k = &distinctKey{}
			d.keys.put(d.buf, k)
			d.delta += distinctKeyBytes
			if owner != nil {
				k.at = owner.add(k)
				d.delta += subMemberBytes
			}
		}
		if rec.Neg {
			if !k.vars.remove(rec.Row, nil) {
				continue
			}
			d.delta -= dataflow.RowBytes(rec.Row) + 16
		} else {
			k.vars.add(rec.Row, nil)
			d.delta += dataflow.RowBytes(rec.Row) + 16
		}
		if k.epoch != d.epoch {
			k.epoch = d.epoch
			d.touched = append(d.touched, k)
		}
	}
	var out dataflow.Batch
	for _, k := range d.touched {
		var cur dataflow.Row
		if k.vars.n > 0 {
			cur = k.vars.current()
		}
		if k.out == nil && cur == nil {
			d.forget(k)
			continue
		}
		if k.out != nil && cur != nil && dataflow.IdenticalRows(k.out, cur) {
			continue
		}
		if out == nil {
			out = make(dataflow.Batch, 0, 2*len(d.touched))
		}
		if k.out != nil {
			out = append(out, dataflow.Record{Row: k.out, Neg: true})
		}
		if cur != nil {
			out = append(out, dataflow.Record{Row: cur})
		}
		k.out = cur
		if cur == nil {
			d.forget(k)
		}
	}
	clear(d.touched)
	if d.delta != 0 {
		d.bytes.Add(d.delta)
		d.delta = 0
	}
	return out
}

// Snapshot returns the emitted row of every key, in key order.
func (d *Distinct) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	out := make([]dataflow.Row, 0, d.keys.len())
	for _, k := range d.keys.sorted() {
		if k.out != nil {
			out = append(out, k.out)
		}
	}
	return out
}

// Origins: DISTINCT passes its parent's columns through. It keeps counts of whole rows,
// and can be partial by any of its columns (SetPartialBy).
func (d *Distinct) Origins(col int) []dataflow.ColumnOrigin { return dataflow.PassThrough(col) }

// Describe names the operator.
func (d *Distinct) Describe() string { return "distinct" }

func appendWholeRowKey(buf []byte, row dataflow.Row) []byte {
	for _, v := range row {
		buf = dataflow.AppendKey(buf, v)
	}
	return buf
}

// variants is the multiset of exact variants of one collation key: the rows (or, with a
// column list, the projections of rows) that group together but need not be identical. The
// overwhelmingly common case is a single variant, kept in rep with no other allocation; only
// when a second variant arrives does the sorted list come into use.
type variants struct {
	rep  dataflow.Row // the only variant while more is nil; the last one seen when n is 0
	n    int64        // total multiplicity
	more []variant    // every variant, sorted by compareRowsExact, while there are two or more
}

type variant struct {
	row dataflow.Row
	n   int64
}

// each calls f with every variant and its multiplicity.
func (v *variants) each(f func(row dataflow.Row, n int64)) {
	if v.more == nil {
		if v.n > 0 {
			f(v.rep, v.n)
		}
		return
	}
	for _, e := range v.more {
		f(e.row, e.n)
	}
}

// current is the representative: the smallest variant in exact order.
func (v *variants) current() dataflow.Row {
	if v.more != nil {
		return v.more[0].row
	}
	return v.rep
}

// add records one row; cols projects it (nil: the whole row, kept without copying).
func (v *variants) add(row dataflow.Row, cols []int) {
	if v.more == nil {
		if v.n == 0 {
			if v.rep == nil || !identicalProjection(v.rep, row, cols) {
				v.rep = project(row, cols)
			}
			v.n = 1
			return
		}
		if identicalProjection(v.rep, row, cols) {
			v.n++
			return
		}
		v.more = []variant{{row: v.rep, n: v.n}}
	}
	v.n++
	i, ok := v.search(row, cols)
	if ok {
		v.more[i].n++
		return
	}
	v.more = slices.Insert(v.more, i, variant{row: project(row, cols), n: 1})
}

// remove deletes one copy of row's variant and reports whether it was present.
func (v *variants) remove(row dataflow.Row, cols []int) bool {
	if v.n == 0 {
		return false
	}
	if v.more == nil {
		if !identicalProjection(v.rep, row, cols) {
			return false
		}
		v.n--
		return true
	}
	i, ok := v.search(row, cols)
	if !ok {
		return false
	}
	v.n--
	if v.more[i].n--; v.more[i].n == 0 {
		v.more = slices.Delete(v.more, i, i+1)
	}
	if len(v.more) == 1 {
		v.rep = v.more[0].row
		v.more = nil
	}
	return true
}

func (v *variants) search(row dataflow.Row, cols []int) (int, bool) {
	return slices.BinarySearchFunc(v.more, row, func(e variant, r dataflow.Row) int {
		return compareProjection(e.row, r, cols)
	})
}

// colAt returns row[i], or NULL when the row is too short: a malformed row must not crash
// the domain.
func colAt(row dataflow.Row, i int) dataflow.Value {
	if i >= 0 && i < len(row) {
		return row[i]
	}
	return dataflow.Null
}

func project(row dataflow.Row, cols []int) dataflow.Row {
	if cols == nil {
		return row
	}
	out := make(dataflow.Row, len(cols))
	for i, c := range cols {
		out[i] = colAt(row, c)
	}
	return out
}

func identicalProjection(stored, row dataflow.Row, cols []int) bool {
	if cols == nil {
		return dataflow.IdenticalRows(stored, row)
	}
	if len(stored) != len(cols) {
		return false
	}
	for i, c := range cols {
		if !dataflow.Identical(stored[i], colAt(row, c)) {
			return false
		}
	}
	return true
}

func compareProjection(stored, row dataflow.Row, cols []int) int {
	if cols == nil {
		return compareRowsExact(stored, row)
	}
	for i, c := range cols {
		if i >= len(stored) {
			return -1
		}
		if r := compareValuesTotal(stored[i], colAt(row, c)); r != 0 {
			return r
		}
	}
	return len(stored) - len(cols)
}

// describeCols renders column positions as "$0, $2".
func describeCols(b *strings.Builder, cols []int) {
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(c))
	}
}

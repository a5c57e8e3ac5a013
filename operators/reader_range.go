package operators

import (
	"github.com/google/btree"

	"github.com/weirdb/weir/dataflow"
)

// Range readers. A query with range conditions (`created > ?`, `x BETWEEN ? AND ?`) keeps
// each key's rows in a B-tree ordered by the range column, so that a read selects the rows
// within its bounds in O(log n) plus the rows it returns, without a TopK: which rows a
// window keeps depends on the bounds, so every row of the key stays.
//
// Publication stays copy-on-write per key: the domain clones the key's published tree
// (O(1): the clone shares every node until one is written), applies the batch to the clone
// and publishes it; reads of the older tree go on undisturbed, on nodes nobody writes.

// Bound is one end of a range read: Val, included when Incl; an unset bound does not limit.
type Bound struct {
	Val  dataflow.Value
	Incl bool
	Set  bool
}

// rangeOrder is how a range reader orders a key's rows: by the range column (descending
// when the query's ORDER BY starts with it descending), then by the rest of the query's
// order, then by the whole row, so that rows equal under all of it are the same item.
type rangeOrder struct {
	col  int
	desc bool
	rest []dataflow.SortKey
	// holes: the reader's keys hold only the rows of their filled intervals (see
	// SetIntervalHoles).
	holes bool
}

// rangeItem is a distinct row with its multiplicity, and its range value inline (a search
// compares it without a cache miss on the row). A search pivot has only a value, and sorts
// before (pivot -1) or after (pivot +1) every row whose range value equals its own.
type rangeItem struct {
	val   dataflow.Value
	row   dataflow.Row
	n     int
	pivot int8
}

func (o *rangeOrder) value(r dataflow.Row) dataflow.Value {
	if o.col < len(r) {
		return r[o.col]
	}
	return dataflow.Null
}

func (o *rangeOrder) cmpValue(a, b dataflow.Value) int {
	c := dataflow.Compare(a, b)
	if o.desc {
		return -c
	}
	return c
}

func (o *rangeOrder) less(a, b rangeItem) bool {
	if c := o.cmpValue(a.val, b.val); c != 0 {
		return c < 0
	}
	if a.pivot != 0 || b.pivot != 0 {
		return a.pivot < b.pivot
	}
	return dataflow.CompareRowsTotal(a.row, b.row, o.rest) < 0
}

// rangeItemBytes approximates an item's share of a tree node beside its row.
const rangeItemBytes = 80

// RangeRows is the published, immutable rows of one key of a range reader.
type RangeRows struct {
	order *rangeOrder
	t     *btree.BTreeG[rangeItem]
	n     int
	bytes int64
	// filled, for a reader with interval holes, is the set of range values whose rows the
	// tree holds; every other value is a hole. Nil otherwise (and for no value filled).
	filled *Intervals
}

// treeDegree suits rows of pointers: nodes of about 64 items.
const treeDegree = 32

func (o *rangeOrder) newRows() *RangeRows {
	return &RangeRows{order: o, t: btree.NewG[rangeItem](treeDegree, o.less)}
}

// clone returns a writable copy sharing every node with rr until written.
func (rr *RangeRows) clone() *RangeRows {
	return &RangeRows{order: rr.order, t: rr.t.Clone(), n: rr.n, bytes: rr.bytes, filled: rr.filled}
}

func (rr *RangeRows) add(row dataflow.Row) {
	// One descent for a new row (the common case, and every row of a fill); a duplicate
	// puts the first copy back with its count raised.
	if old, found := rr.t.ReplaceOrInsert(rangeItem{val: rr.order.value(row), row: row, n: 1}); found {
		old.n++
		rr.t.ReplaceOrInsert(old)
	} else {
		rr.bytes += rangeItemBytes + dataflow.RowBytes(row)
	}
	rr.n++
}

// remove retracts one copy of row; a row that is not there is ignored.
func (rr *RangeRows) remove(row dataflow.Row) {
	it, found := rr.t.Get(rangeItem{val: rr.order.value(row), row: row})
	if !found {
		return
	}
	rr.n--
	if it.n > 1 {
		it.n--
		rr.t.ReplaceOrInsert(it)
		return
	}
	rr.t.Delete(it)
	rr.bytes -= rangeItemBytes + dataflow.RowBytes(it.row)
}

// Len is the number of rows, duplicates included.
func (rr *RangeRows) Len() int { return rr.n }

// Ascending reports whether the rows are in ascending order of the range column.
func (rr *RangeRows) Ascending() bool { return !rr.order.desc }

// All returns every row, in order.
func (rr *RangeRows) All() []dataflow.Row {
	out := make([]dataflow.Row, 0, rr.n)
	rr.t.Ascend(func(it rangeItem) bool {
		for range it.n {
			out = append(out, it.row)
		}
		return true
	})
	return out
}

// Scan calls f with each row whose range value lies within lo and hi, in the rows' order
// (the range column's direction, then the query's order), until f returns false. NULL lies
// in no range. The cost is a descent of the tree plus the rows visited.
func (rr *RangeRows) Scan(lo, hi Bound, f func(dataflow.Row) bool) {
	rr.scanItems(lo, hi, func(it rangeItem) bool {
		for range it.n {
			if !f(it.row) {
				return false
			}
		}
		return true
	})
}

// scanItems calls f with each distinct row whose range value lies within lo and hi, in
// the tree's order, until f returns false.
func (rr *RangeRows) scanItems(lo, hi Bound, f func(rangeItem) bool) {
	o := rr.order
	first, last := lo, hi // the bounds in the tree's order
	if o.desc {
		first, last = hi, lo
	}
	// past reports a value beyond the far end of the range in the tree's order; NULL, which
	// sorts lowest, is beyond it at the low end.
	past := func(v dataflow.Value) bool {
		if v.IsNull() {
			return true
		}
		if !last.Set {
			return false
		}
		c := o.cmpValue(v, last.Val)
		return c > 0 || (c == 0 && !last.Incl)
	}
	visit := func(it rangeItem) bool {
		v := it.val
		if v.IsNull() && !o.desc && !first.Set {
			return true
		}
		if past(v) {
			return false
		}
		return f(it)
	}
	if first.Set {
		if first.Val.IsNull() {
			return
		}
		pivot := rangeItem{val: first.Val, pivot: -1}
		if !first.Incl {
			pivot.pivot = 1
		}
		rr.t.AscendGreaterOrEqual(pivot, visit)
		return
	}
	if !o.desc {
		// Start after the NULLs, which sort first and match no range.
		rr.t.AscendGreaterOrEqual(rangeItem{val: dataflow.Null, pivot: 1}, visit)
		return
	}
	rr.t.Ascend(visit)
}

// SetRange makes the reader a range reader over column col (see RangeRows): order is the
// query's order, which the reader keeps within each range value. It must be called before
// the reader sees any delta.
func (r *Reader) SetRange(col int) {
	o := &rangeOrder{col: col, rest: r.order}
	if len(r.order) > 0 && r.order[0].Col == col {
		o.desc, o.rest = r.order[0].Desc, r.order[1:]
	}
	r.ranged = o
}

// RangeCol is the column a range reader orders its keys' rows by; -1 for another reader.
func (r *Reader) RangeCol() int {
	if r.ranged == nil {
		return -1
	}
	return r.ranged.col
}

// processRange applies one key's deltas of a batch to a range reader's key.
func (r *Reader) processRange(in dataflow.Batch, g readerGroup, old ReaderEntry, found bool) {
	var rr *RangeRows
	if found && old.Tree != nil {
		rr = old.Tree.clone()
		r.bytes.Add(-entryBytes(old))
	} else {
		rr = r.ranged.newRows()
	}
	for i := g.first; i >= 0; i = r.next[i] {
		if r.ranged.holes && !rr.filled.Contains(r.ranged.value(in[i].Row)) {
			// A hole of the key's range: whatever fills it later reads upstream state
			// that includes this delta.
			continue
		}
		if in[i].Neg {
			rr.remove(in[i].Row)
		} else {
			rr.add(in[i].Row)
		}
	}
	if rr.n == 0 && !r.partial {
		if g.isInt {
			r.ints.Delete(g.ikey)
		} else {
			r.strs.Delete(g.key)
		}
		return
	}
	// A partial reader keeps an emptied key present and known empty (see Process).
	e := ReaderEntry{Tree: rr}
	r.bytes.Add(entryBytes(e))
	if g.isInt {
		r.ints.Store(g.ikey, e)
	} else {
		r.strs.Store(g.key, e)
	}
}

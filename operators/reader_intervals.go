package operators

import (
	"github.com/weirdb/weir/dataflow"
)

// Interval holes. A range reader whose range column traces to an ordered index of a base
// table (see upquery.PlanRange) keeps, per key, only the rows of the intervals of range
// values that reads asked for: beside its tree, the key's filled intervals (RangeRows,
// Intervals). A value outside them is a hole, as an absent key is for a point reader:
//
//   - a delta whose range value lies in a hole is dropped (Process): the fill that covers
//     the value later reads upstream state that includes it;
//   - a read of [lo, hi] that is not covered fills the missing sub-intervals first, each
//     by a range upquery whose piece travels down the same edges as updates, and then
//     answers from the tree (package weir); a read is never partial;
//   - a fill (FillRange) installs only the rows of the parts of its interval that are
//     still holes when it arrives: a part filled meanwhile by an overlapping fill has
//     been kept current by every delta since and its rows in the piece are redundant;
//   - eviction (EvictRange, or EvictKeys for a whole key) removes an interval's rows and
//     makes it a hole again; a later read fills only that hole.
//
// The ordering argument is the point reader's, per value: a delta that left the source
// before the source read its index for an interval reaches the reader while the value is a
// hole there and is dropped (the piece holds it); a delta after the read travels behind the
// piece and reaches a filled value. The domain applies fills and deltas in one order, so
// the interval set and the tree always change together, and a read sees both in one
// published entry.
//
// Equality keys beside a range (`owner = ? AND created >= ?`) are filled whole per key by a
// point upquery, as before: interval holes are for readers without equality keys, whose one
// key would otherwise hold the whole result.

// SetIntervalHoles makes a range reader (SetRange first) partial by intervals of its range
// column. It must be called before the reader sees any delta.
func (r *Reader) SetIntervalHoles() {
	r.partial = true
	r.ranged.holes = true
}

// AddIntervalState records a state above the reader partial by intervals of the range
// column (an aggregate grouped by it, see Aggregate.SetIntervalPartial), which must run in
// the reader's domain: every interval the reader evicts, it evicts in the same step, so
// it holds at least what the reader holds. The reader must have interval holes and no
// equality key.
func (r *Reader) AddIntervalState(s IntervalState) { r.ivStates = append(r.ivStates, s) }

// evictAbove evicts iv from the states partial by intervals above the reader.
func (r *Reader) evictAbove(iv Interval) {
	for _, s := range r.ivStates {
		s.EvictInterval(iv)
	}
}

// IntervalHoles reports whether the reader keeps interval holes.
func (r *Reader) IntervalHoles() bool { return r.ranged != nil && r.ranged.holes }

// Covers reports whether every value of [lo, hi] is filled: always, for a reader without
// interval holes. It allocates nothing.
func (rr *RangeRows) Covers(lo, hi Bound) bool {
	return !rr.order.holes || rr.filled.Covers(Interval{Lo: lo, Hi: hi})
}

// Missing returns the holes of [lo, hi], in ascending order of values.
func (rr *RangeRows) Missing(lo, hi Bound) []Interval {
	if !rr.order.holes {
		return nil
	}
	return rr.filled.Missing(Interval{Lo: lo, Hi: hi})
}

// Filled is the set of range values whose rows the key holds (nil for a reader without
// interval holes, or when none is filled).
func (rr *RangeRows) Filled() *Intervals { return rr.filled }

// Range-upquery keys: a range upquery travels the replay machinery as an ordinary key row
// (the equality key's values, then the interval as three values: the low bound's value, the
// high bound's, and a flags integer), so that coalescing and the domains' messages need no
// second kind of key.
const (
	rangeLoSet = 1 << iota
	rangeLoIncl
	rangeHiSet
	rangeHiIncl
)

// RangeKey is the key row of a range upquery for interval iv of equality key eq.
func RangeKey(eq dataflow.Row, iv Interval) dataflow.Row {
	out := make(dataflow.Row, 0, len(eq)+3)
	out = append(out, eq...)
	flags := int64(0)
	lo, hi := dataflow.Null, dataflow.Null
	if iv.Lo.Set {
		flags |= rangeLoSet
		lo = iv.Lo.Val
		if iv.Lo.Incl {
			flags |= rangeLoIncl
		}
	}
	if iv.Hi.Set {
		flags |= rangeHiSet
		hi = iv.Hi.Val
		if iv.Hi.Incl {
			flags |= rangeHiIncl
		}
	}
	return append(out, lo, hi, dataflow.Int(flags))
}

// SplitRangeKey recovers the equality key and the interval of a RangeKey row.
func SplitRangeKey(key dataflow.Row) (eq dataflow.Row, iv Interval, ok bool) {
	if len(key) < 3 {
		return nil, Interval{}, false
	}
	n := len(key) - 3
	flags := key[n+2].RawInt()
	iv.Lo = Bound{Val: key[n], Incl: flags&rangeLoIncl != 0, Set: flags&rangeLoSet != 0}
	iv.Hi = Bound{Val: key[n+1], Incl: flags&rangeHiIncl != 0, Set: flags&rangeHiSet != 0}
	if !iv.Lo.Set {
		iv.Lo = Bound{}
	}
	if !iv.Hi.Set {
		iv.Hi = Bound{}
	}
	return key[:n], iv, true
}

// FillRange installs the rows a range upquery computed for its interval (key is a RangeKey
// row) at a reader with interval holes. It runs in the reader's domain, in order with
// updates, and reports whether the interval was filled already (nothing was installed).
func (r *Reader) FillRange(key dataflow.Row, rows dataflow.Batch) (redundant bool) {
	eq, iv, ok := SplitRangeKey(key)
	if !ok || !r.IntervalHoles() {
		return true
	}
	k, ikey, isInt := EncodeKey(nil, eq)
	old, found := r.loadKey(k, ikey, isInt)
	var rr *RangeRows
	if found && old.Tree != nil {
		if old.Tree.filled.Covers(iv) {
			return true
		}
		rr = old.Tree.clone()
		r.bytes.Add(-entryBytes(old))
	} else {
		rr = r.ranged.newRows()
	}
	missing := rr.filled.Missing(iv)
	var kbuf []byte
	for _, rec := range rows {
		if len(r.keyCols) > 0 {
			kbuf = dataflow.AppendRowKey(kbuf[:0], rec.Row, r.keyCols)
			if string(kbuf) != string(k) {
				continue
			}
		}
		v := r.ranged.value(rec.Row)
		in := false
		for _, m := range missing {
			if m.Contains(v) {
				in = true
				break
			}
		}
		if !in {
			continue // a value filled already, and kept current since, or not asked for
		}
		if rec.Neg {
			rr.remove(rec.Row)
		} else {
			rr.add(rec.Row)
		}
	}
	before := rr.filled.Len()
	rr.filled = rr.filled.Add(iv)
	r.intervals.Add(int64(rr.filled.Len() - before))
	e := ReaderEntry{Tree: rr}
	r.bytes.Add(entryBytes(e))
	if isInt {
		r.ints.Store(ikey, e)
	} else {
		r.strs.Store(string(k), e)
	}
	return false
}

// EvictRange turns the values of iv in the key encoded as key (dataflow.EncodeKey of the
// equality key; "" without one) into a hole: their rows leave the tree and the interval
// leaves the filled set. It returns the bytes freed. It runs in the reader's domain.
func (r *Reader) EvictRange(key string, iv Interval) int64 {
	if !r.IntervalHoles() {
		return 0
	}
	ikey, isInt := intKeyOf(key)
	var old ReaderEntry
	var found bool
	if isInt {
		old, found = r.ints.Load(ikey)
	} else {
		old, found = r.strs.Load(key)
	}
	if !found || old.Tree == nil {
		return 0
	}
	parts := old.Tree.filled.Intersect(iv)
	if len(parts) == 0 {
		return 0
	}
	rr := old.Tree.clone()
	var gone []rangeItem
	for _, p := range parts {
		old.Tree.scanItems(p.Lo, p.Hi, func(it rangeItem) bool {
			gone = append(gone, it)
			return true
		})
	}
	for _, it := range gone {
		rr.t.Delete(it)
		rr.n -= it.n
		rr.bytes -= rangeItemBytes + dataflow.RowBytes(it.row)
	}
	rr.filled = rr.filled.Remove(iv)
	r.evictAbove(iv)
	r.intervals.Add(int64(rr.filled.Len() - old.Tree.filled.Len()))
	e := ReaderEntry{Tree: rr}
	freed := entryBytes(old) - entryBytes(e)
	r.bytes.Add(-freed)
	r.evictions.Add(1)
	if isInt {
		r.ints.Store(ikey, e)
	} else {
		r.strs.Store(key, e)
	}
	return freed
}

// RangeFilled reports whether the interval of a range key (RangeKey) is filled: a fill of
// it has nothing to do.
func (r *Reader) RangeFilled(key dataflow.Row) bool {
	eq, iv, ok := SplitRangeKey(key)
	if !ok || !r.IntervalHoles() {
		return false
	}
	e, found := r.loadKey(EncodeKey(nil, eq))
	return found && e.Tree != nil && e.Tree.filled.Covers(iv)
}

// loadKey is the entry of a key as EncodeKey encodes it.
func (r *Reader) loadKey(k []byte, ikey uint64, isInt bool) (ReaderEntry, bool) {
	if isInt {
		return r.ints.Load(ikey)
	}
	return r.strs.Load(string(k))
}

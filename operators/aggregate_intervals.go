package operators

import (
	"slices"

	"github.com/google/btree"

	"github.com/weirdb/weir/dataflow"
)

// An aggregate partial by intervals of one of its group columns: the state of a range
// query over a GROUP BY column (`SELECT day, COUNT(*) FROM events WHERE day BETWEEN ? AND ?
// GROUP BY day`) whose reader keeps interval holes (Reader.SetIntervalHoles). It keeps the
// groups whose value of that column lies in the intervals filled, and nothing else:
//
//   - a delta whose range value lies in a hole is dropped, and no group is made for it: the
//     fill that covers the value later reads upstream state that includes the delta;
//   - a range upquery's piece (every parent row of its interval) builds the groups of the
//     parts of the interval that are still holes, and the aggregate answers with the rows
//     of every group in the interval: parts filled before have been kept current by every
//     delta since, so their rows in the piece are redundant, as at the reader;
//   - a group that empties goes: what the aggregate knows to be empty is the filled
//     intervals, not a set of groups;
//   - the reader below evicts an interval and the aggregate with it (EvictInterval), in
//     the same domain and step, so the aggregate always holds at least what the reader
//     holds and keeps it current.
//
// The aggregate serves one reader: it is never shared (the planner gives it a signature of
// its own), since a second reader's eviction would take groups the first still shows.
// Holds are not counted: the reader's evictions are the aggregate's, and the releases of
// redundant fills are ignored (Release).

// IntervalState is a state partial by intervals of a range column above a reader with
// interval holes, which evicts its intervals together with the reader's
// (Reader.AddIntervalState).
type IntervalState interface {
	// EvictInterval makes the values of iv holes again and returns the bytes freed.
	EvictInterval(iv Interval) int64
}

var _ IntervalState = (*Aggregate)(nil)

// aggIntervals is the interval partiality of an aggregate.
type aggIntervals struct {
	col    int // the parent column, one of the group columns
	out    int // its position among the group columns (and the output)
	filled *Intervals
	// groups orders the present groups by their value of the column, so that a fill
	// answers, and an eviction drops, the groups of an interval without visiting others.
	groups *btree.BTreeG[ivGroup]
}

// ivGroup is a group's place in the interval index: its range value, its encoded group
// key (which tells apart groups with one range value) and the group.
type ivGroup struct {
	val dataflow.Value
	key string
	g   *aggGroup
	// pivot orders a search item before (-1) or after (+1) every group of its value.
	pivot int8
}

func ivGroupLess(a, b ivGroup) bool {
	if c := dataflow.Compare(a.val, b.val); c != 0 {
		return c < 0
	}
	if a.pivot != 0 || b.pivot != 0 {
		return a.pivot < b.pivot
	}
	return a.key < b.key
}

// ivGroupBytes is a group's item in the interval index: its share of a tree node and its
// key's bytes beside what a group costs.
const ivGroupBytes = 64

// IntervalKeyable reports whether the aggregate can be partial by intervals of parent
// column col: col is one of its group columns.
func (a *Aggregate) IntervalKeyable(col int) bool {
	return len(a.groupBy) > 0 && slices.Contains(a.groupBy, col)
}

// SetIntervalPartial makes the aggregate partial by intervals of its group column col (a
// parent column). It must be called before the aggregate sees any delta.
func (a *Aggregate) SetIntervalPartial(col int) {
	if !a.IntervalKeyable(col) {
		panic("operators: an aggregate is partial by intervals of a group column only")
	}
	a.partial = true
	a.groups = keyMap[*aggGroup]{}
	a.iv = &aggIntervals{col: col, out: slices.Index(a.groupBy, col),
		groups: btree.NewG[ivGroup](treeDegree, ivGroupLess)}
}

// IntervalColumn returns the parent column the aggregate is partial by intervals of, and
// false when it is not.
func (a *Aggregate) IntervalColumn() (int, bool) {
	if a.iv == nil {
		return 0, false
	}
	return a.iv.col, true
}

// Filled is the set of range values whose groups the aggregate holds (nil when none, or
// when it is not partial by intervals).
func (a *Aggregate) Filled() *Intervals {
	if a.iv == nil {
		return nil
	}
	return a.iv.filled
}

// ivHole reports whether a parent row's range value lies in a hole.
func (a *Aggregate) ivHole(row dataflow.Row) bool {
	return !a.iv.filled.Contains(colAt(row, a.iv.col))
}

// ivItem is the interval index's item for a group whose encoded key is key: any variant
// of its range value finds it, as they compare equal.
func (a *Aggregate) ivItem(g *aggGroup, key []byte) ivGroup {
	return ivGroup{val: g.key.current()[a.iv.out], key: string(key)}
}

// replayInterval fills the holes of the interval a range key (RangeKey) names from the
// piece, the parent's rows in the interval, and answers with the row of every group in it.
func (a *Aggregate) replayInterval(slot int, key dataflow.Row, piece dataflow.Batch) (dataflow.Batch, bool, bool) {
	_, iv, ok := SplitRangeKey(key)
	if !ok {
		return dataflow.Batch{}, true, true
	}
	missing := a.iv.filled.Missing(iv)
	if len(missing) > 0 {
		rows := make(dataflow.Batch, 0, len(piece))
		for _, rec := range piece {
			v := colAt(rec.Row, a.iv.col)
			for _, m := range missing {
				if m.Contains(v) {
					rows = append(rows, rec)
					break
				}
			}
		}
		before := a.iv.filled.Len()
		a.iv.filled = a.iv.filled.Add(iv)
		a.bytes.Add(int64(a.iv.filled.Len()-before) * intervalBytes)
		a.Process(slot, rows) // the answer is read from the groups below
	}
	out := dataflow.Batch{}
	a.scanInterval(iv, func(it ivGroup) bool {
		if it.g.out != nil {
			out = append(out, dataflow.Record{Row: it.g.out})
		}
		return true
	})
	return out, true, len(missing) == 0
}

// scanInterval calls f with the index's items in iv, in ascending order, until f returns
// false.
func (a *Aggregate) scanInterval(iv Interval, f func(ivGroup) bool) {
	visit := func(it ivGroup) bool {
		if iv.Hi.Set {
			c := dataflow.Compare(it.val, iv.Hi.Val)
			if c > 0 || (c == 0 && !iv.Hi.Incl) {
				return false
			}
		}
		return f(it)
	}
	if !iv.Lo.Set {
		a.iv.groups.Ascend(visit)
		return
	}
	pivot := int8(-1)
	if !iv.Lo.Incl {
		pivot = 1
	}
	a.iv.groups.AscendGreaterOrEqual(ivGroup{val: iv.Lo.Val, pivot: pivot}, visit)
}

// EvictInterval drops the groups of iv and makes its values holes again.
func (a *Aggregate) EvictInterval(iv Interval) int64 {
	if a.iv == nil || len(a.iv.filled.Intersect(iv)) == 0 {
		return 0
	}
	var gone []ivGroup
	a.scanInterval(iv, func(it ivGroup) bool {
		gone = append(gone, it)
		return true
	})
	var freed int64
	for _, it := range gone {
		a.iv.groups.Delete(it)
		a.groups.del([]byte(it.key))
		freed += int64(it.g.charged)
	}
	before := a.iv.filled.Len()
	a.iv.filled = a.iv.filled.Remove(iv)
	freed += int64(before-a.iv.filled.Len()) * intervalBytes
	a.bytes.Add(-freed)
	return freed
}

// appendFilledFlag is the state key of a row of a state partial by intervals, for the
// invariants build (dataflow.KeyPresence): whether its range value is filled, which is all
// that presence means there.
func appendFilledFlag(buf []byte, filled *Intervals, v dataflow.Value) []byte {
	if filled.Contains(v) {
		return append(buf, 1)
	}
	return append(buf, 0)
}

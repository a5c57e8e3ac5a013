package weir

import (
	"context"
	"slices"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// serveRange answers a read of a query with range conditions (planner.Query.Ranges): each
// lookup's key is fetched as any other (a hole of a partial reader is filled whole first;
// the holes of a reader with interval holes within the bounds are filled first, see
// fetchRange), and the read selects the rows within the bounds from the key's tree.
//
// When the query's order is the reader's (no ORDER BY, or ORDER BY the range column first)
// and one lookup is read without DISTINCT, the rows stream from the tree and the read stops
// at the end of its window: O(log n + offset + count). With ORDER BY another column and a
// LIMIT, the read visits its range's m rows and keeps the best offset+count in a heap:
// O(log n + m log(offset+count)) time and memory for the window only. Otherwise (DISTINCT,
// IN lists, no LIMIT) it collects the range's rows and sorts them, O(m log m), as the
// answer holds them anyway.
//
// Under WithoutWaiting only the streamed window is read, when it visits at most
// maxNoWaitWindow rows of a key the reader holds with the whole interval filled: its cost
// is then bounded, as a lookup's is. Every other range read is ErrWouldWait there.
func (v *View) serveRange(ctx context.Context, q *planner.Query, vals []Value) (Rows, error) {
	lo, hi, ok := q.RangeBounds(vals)
	if !ok {
		return Rows{cols: q.Cols, width: v.width}, nil
	}
	blo, bhi := operators.Bound(lo), operators.Bound(hi)
	// Conditions on other columns than the reader's range column are checked per row.
	others := false
	for _, rc := range q.Ranges {
		others = others || rc.Col != q.RangeCol()
	}
	if len(q.Lookups) == 1 && !q.Distinct && q.RangeOrdered() {
		skip, count := 0, -1
		if q.Paging != nil {
			skip, count = q.Paging.Bounds(vals)
		}
		if (others || count < 0 || skip > maxNoWaitWindow || count > maxNoWaitWindow-skip) && mustNotWait(ctx) {
			return Rows{}, ErrWouldWait
		}
		e, err := v.fetchRange(ctx, q.Lookups[0], vals, blo, bhi)
		if err != nil || e.Tree == nil {
			return Rows{cols: q.Cols, width: v.width}, err
		}
		var out []dataflow.Row
		var buf *RowBuffer
		kept := 0 // rows of the buffer's read before
		if count >= 0 {
			if buf, out = rowBuffer(ctx, count); buf == nil {
				out = make([]dataflow.Row, 0, min(count, 1024))
			} else {
				kept = len(buf.rows)
			}
		}
		if count != 0 {
			e.Tree.Scan(blo, bhi, func(r dataflow.Row) bool {
				if others && !q.InRange(r, vals) {
					return true
				}
				if skip > 0 {
					skip--
					return true
				}
				out = append(out, r)
				return count < 0 || len(out) < count
			})
		}
		if buf != nil {
			// Rows of the read before past this one's are dropped, so that the buffer
			// does not keep rows a write or an eviction has replaced alive.
			if len(out) < kept {
				clear(out[len(out):kept])
			}
			buf.rows = out
		}
		return Rows{cols: q.Cols, rows: out, width: v.width}, nil
	}
	if mustNotWait(ctx) {
		return Rows{}, ErrWouldWait
	}
	if len(q.Lookups) == 1 && !q.Distinct && q.Paging != nil {
		// ORDER BY another column with a window: keep the best offset+count rows of the
		// range in a heap, so the read holds no more than its window whatever m is.
		e, err := v.fetchRange(ctx, q.Lookups[0], vals, blo, bhi)
		if err != nil || e.Tree == nil {
			return Rows{cols: q.Cols, width: v.width}, err
		}
		offset, count := q.Paging.Bounds(vals)
		top := &topRows{k: min(offset+count, e.Tree.Len()), order: q.Order}
		if top.k > 0 {
			e.Tree.Scan(blo, bhi, func(r dataflow.Row) bool {
				if !others || q.InRange(r, vals) {
					top.push(r)
				}
				return true
			})
		}
		out := top.sorted()
		return Rows{cols: q.Cols, rows: out[min(offset, len(out)):], width: v.width}, nil
	}
	var out []dataflow.Row
	seen := map[string]bool{}
	for _, lookup := range q.Lookups {
		kb := dataflow.AppendKeys(nil, planner.KeyRow(lookup, vals))
		if seen[string(kb)] {
			continue
		}
		seen[string(kb)] = true
		e, err := v.fetchRange(ctx, lookup, vals, blo, bhi)
		if err != nil {
			return Rows{}, err
		}
		if e.Tree == nil {
			continue
		}
		e.Tree.Scan(blo, bhi, func(r dataflow.Row) bool {
			if !others || q.InRange(r, vals) {
				out = append(out, r)
			}
			return true
		})
	}
	out = q.MergeRows(out)
	if q.Paging != nil {
		lo, hi := q.Paging.Window(len(out), vals)
		out = out[lo:hi]
	}
	return Rows{cols: q.Cols, rows: out, width: v.width}, nil
}

// fetchRange reads one key of a range reader for a read of [lo, hi]. For a reader with
// interval holes (operators.Reader.SetIntervalHoles) a read whose interval is not all
// filled sends a range upquery for each missing sub-interval, only those, waits for the
// fills and looks again: it never answers from a partly filled interval. Other readers
// are read as fetch does.
func (v *View) fetchRange(ctx context.Context, lookup []planner.KeySource, vals []Value, lo, hi operators.Bound) (operators.ReaderEntry, error) {
	if !v.reader.IntervalHoles() {
		return v.fetch(ctx, lookup, vals)
	}
	iv := operators.Interval{Lo: lo, Hi: hi}
	e, found, hash := v.get(lookup, vals)
	covered := iv.Empty() || (found && (e.Tree == nil || e.Tree.Covers(lo, hi)))
	if !covered && mustNotWait(ctx) {
		return e, ErrWouldWait
	}
	if v.filler != nil && v.e.evictor.Counting() {
		v.e.evictor.CountRead(hash)
	}
	if covered {
		v.hits.Inc()
		return e, nil
	}
	v.misses.Inc()
	eq := planner.KeyRow(lookup, vals)
	timer := startFillTimer(v.e.opts.ReadTimeout)
	defer stopFillTimer(timer)
	for {
		if v.dropped.Load() {
			return e, v.errDropped()
		}
		missing := []operators.Interval{iv}
		if found && e.Tree != nil {
			missing = e.Tree.Missing(lo, hi)
		}
		if err := v.filler.AwaitRange(ctx, eq, missing, timer.C); err != nil {
			return e, err
		}
		if e, found, _ = v.get(lookup, vals); found && (e.Tree == nil || e.Tree.Covers(lo, hi)) {
			return e, nil
		}
		// Filled, then partly evicted again before we looked: fill what is missing.
	}
}

// maxNoWaitWindow bounds the rows a range read under WithoutWaiting visits (its offset and
// its count): a longer window is read where reads may take their time.
const maxNoWaitWindow = 64

// topRows keeps the k first rows in order of those pushed: a heap whose root is the last
// of them.
type topRows struct {
	k     int
	order []dataflow.SortKey
	rows  []dataflow.Row
}

func (t *topRows) cmp(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, t.order) }

func (t *topRows) push(r dataflow.Row) {
	if len(t.rows) < t.k {
		t.rows = append(t.rows, r)
		for i := len(t.rows) - 1; i > 0; {
			p := (i - 1) / 2
			if t.cmp(t.rows[p], t.rows[i]) >= 0 {
				break
			}
			t.rows[p], t.rows[i] = t.rows[i], t.rows[p]
			i = p
		}
		return
	}
	if t.cmp(r, t.rows[0]) >= 0 {
		return
	}
	t.rows[0] = r
	for i := 0; ; {
		l, big := 2*i+1, i
		if l < len(t.rows) && t.cmp(t.rows[l], t.rows[big]) > 0 {
			big = l
		}
		if l+1 < len(t.rows) && t.cmp(t.rows[l+1], t.rows[big]) > 0 {
			big = l + 1
		}
		if big == i {
			break
		}
		t.rows[i], t.rows[big] = t.rows[big], t.rows[i]
		i = big
	}
}

// sorted returns the kept rows in order.
func (t *topRows) sorted() []dataflow.Row {
	slices.SortFunc(t.rows, t.cmp)
	return t.rows
}

// RangeFullReason says why the reader of a view whose only conditions are ranges keeps its
// whole result rather than the intervals read (interval holes filled by range upqueries):
// the path from its range column to a base table's column cannot carry a range upquery.
// It is "" for a view with interval holes and for any other view.
func (v *View) RangeFullReason() string { return v.reader.FullReason() }

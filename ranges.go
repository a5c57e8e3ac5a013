package weir

import (
	"context"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// serveRange answers a read of a query with range conditions (planner.Query.Ranges): each
// lookup's key is fetched as any other (a hole of a partial reader is filled whole first),
// and the read selects the rows within the bounds from the key's tree.
//
// When the query's order is the reader's (no ORDER BY, or ORDER BY the range column first)
// and one lookup is read without DISTINCT, the rows stream from the tree and the read stops
// at the end of its window: O(log n + offset + count). Otherwise the read collects every row
// of its range, O(log n + m) for m rows in it, and sorts them (O(m log m)) before applying
// DISTINCT and the window.
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
		e, err := v.fetch(ctx, q.Lookups[0], vals)
		if err != nil || e.Tree == nil {
			return Rows{cols: q.Cols, width: v.width}, err
		}
		skip, count := 0, -1
		if q.Paging != nil {
			skip, count = q.Paging.Bounds(vals)
		}
		var out []dataflow.Row
		if count >= 0 {
			out = make([]dataflow.Row, 0, min(count, 1024))
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
		return Rows{cols: q.Cols, rows: out, width: v.width}, nil
	}
	var out []dataflow.Row
	seen := map[string]bool{}
	for _, lookup := range q.Lookups {
		kb := dataflow.AppendKeys(nil, planner.KeyRow(lookup, vals))
		if seen[string(kb)] {
			continue
		}
		seen[string(kb)] = true
		e, err := v.fetch(ctx, lookup, vals)
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

package weir

import (
	"context"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// merge combines several point lookups (`col IN (?, ?)`): each distinct key once, then the
// query's DISTINCT, ORDER BY and LIMIT over the union, or, for an aggregate whose groups
// span the keys (planner.Query.Combine), the combination of each key's groups first.
func (v *View) merge(ctx context.Context, q *planner.Query, vals []Value) (Rows, error) {
	var out []dataflow.Row
	var orBuf dataflow.Row
	seen := map[string]bool{}
	for _, lookup := range q.Lookups {
		var kb []byte
		null := false
		for _, ks := range lookup {
			kv := ks.Value(vals)
			null = null || kv.IsNull()
			kb = dataflow.AppendKey(kb, kv)
		}
		if null && q.EmptyRow == nil {
			continue
		}
		if seen[string(kb)] {
			continue
		}
		seen[string(kb)] = true
		e, err := v.fetch(ctx, lookup, vals)
		if err != nil {
			return Rows{}, err
		}
		rows := e.All()
		if len(rows) == 0 && q.EmptyRow != nil {
			rows = v.emptyRow(q, lookup, vals)
		}
		if q.Or == nil {
			out = append(out, rows...)
			continue
		}
		// A branch of a parameter under OR keeps the rows no earlier disjunct holds for.
		for _, r := range rows {
			var keep bool
			if keep, orBuf = q.Or.Keep(r, vals, orBuf); keep {
				out = append(out, r)
			}
		}
	}
	out = q.MergeRows(out)
	return Rows{cols: q.Cols, rows: out, width: v.width}, nil
}

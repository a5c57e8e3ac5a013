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
	if v.branches != nil && q.Or != nil {
		return v.mergeOr(ctx, q, vals)
	}
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
			if out == nil {
				// Keys of one view hold similar numbers of rows: room for all of them at once.
				out = make([]dataflow.Row, 0, len(rows)*len(q.Lookups))
			}
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

// mergeOr answers a query with a parameter under OR from its branches' readers: each
// branch's keys looked up (filled first where they are holes), a branch's rows kept where
// no earlier disjunct holds for them, so that a row matching several disjuncts is counted
// once and identical base rows stay as many; then DISTINCT, ORDER BY and LIMIT over the
// merge.
func (v *View) mergeOr(ctx context.Context, q *planner.Query, vals []Value) (Rows, error) {
	var out []dataflow.Row
	var orBuf dataflow.Row
	var kb []byte
	for i, bq := range q.Or.Branches {
		b := v.branches[i]
		seen := map[string]bool{}
		for _, lookup := range bq.Lookups {
			kb = kb[:0]
			null := false
			for _, ks := range lookup {
				kv := ks.Value(vals)
				null = null || kv.IsNull()
				kb = dataflow.AppendKey(kb, kv)
			}
			if null || seen[string(kb)] {
				continue // `col = NULL` matches nothing; an IN list's repeated value once
			}
			seen[string(kb)] = true
			e, err := b.fetch(ctx, lookup, vals)
			if err != nil {
				return Rows{}, err
			}
			for _, r := range e.All() {
				var keep bool
				if keep, orBuf = q.Or.KeepBranch(i, r, vals, orBuf); keep {
					out = append(out, r)
				}
			}
		}
	}
	out = q.MergeRows(out)
	return Rows{cols: q.Cols, rows: out, width: v.width}, nil
}

package planner

import (
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// A nested query block (a derived table, an IN subquery, a UNION branch) may have reader keys
// of its own: `owner = ?` inside a derived table. Its plan then computes the block for every
// key at once, with the key columns as hidden trailing columns, and each enclosing block
// carries them along like any other column, grouping and distincting by them and keeping its
// TopK per key, up to the reader. A lookup reads the rows of one key, which are the enclosing
// query evaluated over the nested block's rows for that key, provided that every enclosing
// operator treats the rows of one key apart from the others: a row-by-row operator does, an
// aggregate grouped by the key does, and so does the preserved side of an outer join. The
// optional side does not: a preserved row that no row of some key matches would need a
// NULL-padded copy under that key, which no operator produces. Nor does the empty group of a
// scalar aggregate, which exists for every key but which only the reader makes up (for the
// branches of a UNION, by the branch tag in the key). Several lookups (an IN list of
// parameters, the branches of a UNION) concatenate their results and the reader's merge
// applies DISTINCT, ORDER BY and LIMIT, which is right only where nothing between the nested
// block and the reader combines rows of different lookups. nesting passes these limits down.

// nesting describes, for a nested block, what keys it may pass up to its enclosing query.
type nesting struct {
	// where describes the block for messages ("in a derived table"); empty for the
	// outermost query.
	where string
	// noKeys, when not empty, says where the block sits when no key can pass up from it: a
	// parameter there is refused, a literal condition stays a filter.
	noKeys string
	// single, when not empty, says where the block sits when the enclosing query can carry
	// one lookup only.
	single string
	// emptyRow says the enclosing query can make up the row of an empty group of the block
	// (a scalar aggregate with a key): it is a UNION that reaches the reader through no
	// operator that combines rows.
	emptyRow bool
}

// carried is a nested query's plan cut down to what an enclosing query reads from it: the
// visible columns, then the key columns. Hidden sort columns only ordered the rows, and order
// means nothing to an enclosing query.
func carried(q *Query) (plan Plan, cols, keys []dataflow.Column) {
	in := q.Root.Columns()
	cols = append([]dataflow.Column(nil), q.Cols...)
	exprs := make([]expr.Expr, 0, len(cols)+len(q.KeyCols))
	for i := range cols {
		exprs = append(exprs, expr.NewCol(i, in[i]))
	}
	for _, k := range q.KeyCols {
		keys = append(keys, in[k])
		exprs = append(exprs, expr.NewCol(k, in[k]))
	}
	return project(q.Root, exprs, append(append([]dataflow.Column(nil), cols...), keys...)), cols, keys
}

// seq is n consecutive numbers from first.
func seq(first, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = first + i
	}
	return out
}

// emptyRowFunc is the type of Query.EmptyRow.
type emptyRowFunc = func(key dataflow.Row) (dataflow.Row, bool)

// carriedEmptyRow is q's EmptyRow in the layout carried returns, nil when q has none.
func carriedEmptyRow(q *Query) emptyRowFunc {
	if q.EmptyRow == nil {
		return nil
	}
	f, w, keyCols := q.EmptyRow, len(q.Cols), q.KeyCols
	return func(key dataflow.Row) (dataflow.Row, bool) {
		r, ok := f(key)
		if !ok {
			return nil, false
		}
		out := make(dataflow.Row, 0, w+len(keyCols))
		out = append(out, r[:w]...)
		for _, k := range keyCols {
			out = append(out, r[k])
		}
		return out, true
	}
}

// limitedEmptyRow passes an empty group's row through a TopK, which keeps it when it keeps
// anything of a group of one row.
func limitedEmptyRow(t *TopK, f emptyRowFunc) emptyRowFunc {
	if f == nil || (t.Limit > 0 && t.Offset == 0) {
		return f
	}
	return nil
}

package operators

import (
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Filter passes the rows whose predicate is true: not false, and not NULL (SQL's WHERE keeps
// only rows for which the condition is known to hold). It is stateless: a retraction is
// filtered exactly as its insertion was, because the predicate is a function of the row.
type Filter struct {
	pred expr.Expr
}

// NewFilter returns a filter on pred. A nil predicate is unknown for every row and passes
// nothing.
func NewFilter(pred expr.Expr) *Filter { return &Filter{pred: pred} }

// Process keeps the deltas whose row satisfies the predicate, in order.
func (f *Filter) Process(_ int, in dataflow.Batch) dataflow.Batch {
	if f.pred == nil {
		return nil
	}
	var out dataflow.Batch
	for i, rec := range in {
		if !f.pred.Eval(rec.Row).Truthy() {
			continue
		}
		if out == nil {
			out = make(dataflow.Batch, 0, len(in)-i)
		}
		out = append(out, rec)
	}
	return out
}

// Snapshot filters the parent's rows.
func (f *Filter) Snapshot(parent func(int) []dataflow.Row) []dataflow.Row {
	if f.pred == nil {
		return nil
	}
	var out []dataflow.Row
	for _, r := range parent(0) {
		if f.pred.Eval(r).Truthy() {
			out = append(out, r)
		}
	}
	return out
}

// Describe renders the predicate, e.g. "filter(($1 > 5))".
// Origins: a filter passes its parent's columns through.
func (f *Filter) Origins(col int) []dataflow.ColumnOrigin { return dataflow.PassThrough(col) }

// Stateless marks the filter as keeping no rows.
func (f *Filter) Stateless() {}

func (f *Filter) Describe() string {
	if f.pred == nil {
		return "filter(NULL)"
	}
	return "filter(" + f.pred.String() + ")"
}

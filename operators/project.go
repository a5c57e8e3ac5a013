package operators

import (
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Project computes one output column per expression. It is stateless: the retraction of a
// row projects to the retraction of exactly the row its insertion projected to, because
// expressions are deterministic functions of the row.
type Project struct {
	exprs []expr.Expr
}

// NewProject returns a projection computing exprs; a nil expression yields NULL.
func NewProject(exprs []expr.Expr) *Project {
	return &Project{exprs: append([]expr.Expr(nil), exprs...)}
}

// Process projects every delta, keeping its sign and order.
func (p *Project) Process(_ int, in dataflow.Batch) dataflow.Batch {
	if len(in) == 0 {
		return nil
	}
	out := make(dataflow.Batch, len(in))
	for i, rec := range in {
		out[i] = dataflow.Record{Row: p.row(rec.Row), Neg: rec.Neg}
	}
	return out
}

func (p *Project) row(in dataflow.Row) dataflow.Row {
	out := make(dataflow.Row, len(p.exprs))
	for i, e := range p.exprs {
		if e != nil {
			out[i] = e.Eval(in)
		}
	}
	return out
}

// Snapshot projects the parent's rows.
func (p *Project) Snapshot(parent func(int) []dataflow.Row) []dataflow.Row {
	rows := parent(0)
	out := make([]dataflow.Row, len(rows))
	for i, r := range rows {
		out[i] = p.row(r)
	}
	return out
}

// Describe renders the expressions, e.g. "project($0, ($1 + 1))".
// Origins: an output column that is a plain column reference copies that parent column;
// a computed one has no origin.
func (p *Project) Origins(col int) []dataflow.ColumnOrigin {
	if col < 0 || col >= len(p.exprs) || p.exprs[col] == nil {
		return nil
	}
	if src, ok := expr.Index(p.exprs[col]); ok {
		return []dataflow.ColumnOrigin{{Slot: 0, Col: src}}
	}
	return nil
}

// Stateless marks the projection as keeping no rows.
func (p *Project) Stateless() {}

func (p *Project) Describe() string {
	var b strings.Builder
	b.WriteString("project(")
	for i, e := range p.exprs {
		if i > 0 {
			b.WriteString(", ")
		}
		if e == nil {
			b.WriteString("NULL")
		} else {
			b.WriteString(e.String())
		}
	}
	b.WriteString(")")
	return b.String()
}

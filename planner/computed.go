package planner

import (
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// An IN (subquery) over an expression (`lower(name) IN (SELECT …)`, `a + 1 IN (…)`) is a
// semi-join or anti-join keyed on the expression's value. The value becomes a hidden global
// column, computed by a projection over the whole FROM clause once its joins are done (so
// that an outer join's padded NULLs are what the expression sees, as in MySQL, where WHERE
// is evaluated over the joined row), and the subquery's leaf joins on it like on any column.

// computedCol is a hidden global column whose value is an expression over other columns.
type computedCol struct {
	col  int
	expr expr.Expr // over global columns
}

// computedColumn returns the global column holding e's value: e's own column when it is
// one, otherwise a hidden column computed over the FROM clause (one per distinct expression).
func (b *block) computedColumn(e expr.Expr) int {
	if i, ok := expr.Index(e); ok {
		return i
	}
	text := e.String()
	for _, c := range b.computed {
		if c.expr.String() == text {
			return c.col
		}
	}
	col := b.sc.addHidden([]dataflow.Column{{Name: text, Type: e.Type()}})
	b.computed = append(b.computed, computedCol{col: col, expr: e})
	return col
}

// fromComputed is a piece of the join structure with the block's computed columns added
// after its own.
type fromComputed struct {
	input fromNode
	cols  []computedCol
}

func (c *fromComputed) cover(cols []int) bool {
	for _, col := range cols {
		if !c.computes(col) && !c.input.cover([]int{col}) {
			return false
		}
	}
	return true
}

func (c *fromComputed) computes(col int) bool {
	for _, cc := range c.cols {
		if cc.col == col {
			return true
		}
	}
	return false
}

func (c *fromComputed) tableList() []int { return c.input.tableList() }

// buildComputed builds the input with the conditions that read only its columns, then
// projects the computed columns after them and filters by the rest.
func (b *block) buildComputed(n *fromComputed, preds []*pred) (*built, error) {
	var below, above []*pred
	for _, p := range preds {
		if len(p.cols) > 0 && n.input.cover(p.cols) {
			below = append(below, p)
		} else {
			above = append(above, p)
		}
	}
	bt, err := b.build(n.input, below)
	if err != nil {
		return nil, err
	}
	cols := bt.plan.Columns()
	p := &Project{Input: bt.plan}
	for i, c := range cols {
		p.Exprs = append(p.Exprs, expr.NewCol(i, c))
		p.Cols = append(p.Cols, c)
	}
	for _, cc := range n.cols {
		bt.pos[cc.col] = len(p.Exprs)
		p.Exprs = append(p.Exprs, bt.local(cc.expr))
		p.Cols = append(p.Cols, b.sc.cols[cc.col].col)
	}
	bt.plan = p
	bt.filter(above)
	return bt, nil
}

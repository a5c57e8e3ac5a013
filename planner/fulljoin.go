package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// pgFullJoinFunc marks a FULL [OUTER] JOIN in the text the PostgreSQL dialect lowers to,
// which MySQL's grammar has no words for: `a FULL JOIN b ON cond` is lowered to
// `a LEFT JOIN b ON PG_FULL_JOIN() AND (cond)`. Like pgAvgFunc it exists in that dialect
// only; in MySQL's there is no FULL JOIN (`FULL` is a table alias there, and `FULL OUTER
// JOIN` a syntax error, as in MySQL).
const pgFullJoinFunc = "pg_full_join"

// fullJoinCond reports whether a LEFT JOIN's ON condition carries the FULL JOIN mark, and
// returns the condition without it.
func (b *block) fullJoinCond(on ast.ExprNode) (ast.ExprNode, bool) {
	if b.c.dialect != PostgreSQL {
		return on, false
	}
	and, ok := on.(*ast.BinaryOperationExpr)
	if !ok || and.Op != opcode.LogicAnd {
		return on, false
	}
	fn, ok := and.L.(*ast.FuncCallExpr)
	if !ok || fn.FnName.L != pgFullJoinFunc || len(fn.Args) != 0 {
		return on, false
	}
	return and.R, true
}

// buildFull compiles a FULL JOIN as two maintained branches of one union: the LEFT JOIN of
// the two sides, and the right side's rows that meet no left row, padded with NULLs on the
// left. The second is a LEFT JOIN the other way round, over the left side with a column
// that is 1 in every row, whose padded rows (where that column is NULL) are the unmatched
// right rows: a right row's padded row appears when its last match leaves and goes when a
// match arrives, as the join's own bookkeeping does for a LEFT JOIN. Every ON condition that
// is not a key equality is checked by both joins, pair by pair (Join.Residual), so a pair
// failing it leaves both rows unmatched, as PostgreSQL's FULL JOIN does. No WHERE
// condition goes below the join: either side's columns are NULL in the other's unmatched
// rows.
func (b *block) buildFull(j *fromLeft, preds []*pred) (*built, error) {
	var keys, residual []*pred
	both := false
	for _, p := range j.on {
		if p.eq && ((j.left.cover([]int{p.eqL}) && j.right.cover([]int{p.eqR})) ||
			(j.left.cover([]int{p.eqR}) && j.right.cover([]int{p.eqL}))) &&
			joinable(b.sc.cols[p.eqL].col.Type, b.sc.cols[p.eqR].col.Type) {
			keys = append(keys, p)
			continue
		}
		residual = append(residual, p)
		if !j.left.cover(p.cols) && !j.right.cover(p.cols) && !isEquality(p.src) {
			both = true
		}
	}
	if len(keys) == 0 && both {
		// PostgreSQL's executor joins FULL only by hash or merge, on equalities.
		return nil, unsupported("FULL JOIN is only supported with merge-joinable or hash-joinable join conditions")
	}
	l, err := b.build(j.left, nil)
	if err != nil {
		return nil, err
	}
	r, err := b.build(j.right, nil)
	if err != nil {
		return nil, err
	}
	lcols, rcols := l.plan.Columns(), r.plan.Columns()
	matched := fullJoinBuilt(b, l, r, keys, residual)

	one := expr.NewConst(dataflow.Int(1))
	mark := appendColumn(l, one, "full_join_match")
	reversed := fullJoinBuilt(b, r, l, keys, residual)
	unmatched := &Filter{Input: reversed.plan, Pred: expr.NewIsNull(expr.NewCol(len(rcols)+mark, dataflow.Column{Name: "full_join_match", Type: one.Type()}), false)}
	cols := make([]dataflow.Column, 0, len(lcols)+len(rcols))
	pad := &Project{Input: unmatched}
	for _, c := range lcols {
		c.Type.Nullable = true
		pad.Exprs = append(pad.Exprs, expr.NewConstTyped(dataflow.Value{}, c.Type))
		pad.Cols = append(pad.Cols, c)
		cols = append(cols, c)
	}
	for i, c := range rcols {
		pad.Exprs = append(pad.Exprs, expr.NewCol(i, c))
		c.Type.Nullable = true
		pad.Cols = append(pad.Cols, c)
		cols = append(cols, c)
	}
	out := b.newBuilt(&Union{Ins: []Plan{matched.plan, pad}, Cols: cols})
	copy(out.pos, matched.pos)
	out.filter(preds)
	return out, nil
}

// fullJoinBuilt is one LEFT JOIN of a FULL JOIN's two: joinBuilt without the functional
// dependencies a LEFT JOIN's key equalities give, which a FULL JOIN's do not (a row of
// either side may stand without the other's).
func fullJoinBuilt(b *block, l, r *built, keys, residual []*pred) *built {
	j := &Join{Left: l.plan, Right: r.plan, Kind: LeftJoin}
	for _, k := range keys {
		a, c := k.eqL, k.eqR
		if !l.has([]int{a}) {
			a, c = c, a
		}
		j.LeftKeys = append(j.LeftKeys, l.pos[a])
		j.RightKeys = append(j.RightKeys, r.pos[c])
	}
	out := b.newBuilt(j)
	lw := len(l.plan.Columns())
	for i := range out.pos {
		switch {
		case l.pos[i] >= 0:
			out.pos[i] = l.pos[i]
		case r.pos[i] >= 0:
			out.pos[i] = lw + r.pos[i]
		}
	}
	for _, p := range residual {
		e := out.local(p.e)
		if j.Residual == nil {
			j.Residual = e
		} else {
			j.Residual = expr.NewAnd(j.Residual, e)
		}
	}
	return out
}

// isEquality reports whether a condition is an `=` comparison, which PostgreSQL can hash.
func isEquality(n ast.Node) bool {
	for {
		switch x := n.(type) {
		case *ast.ParenthesesExpr:
			n = x.Expr
			continue
		case *ast.BinaryOperationExpr:
			return x.Op == opcode.EQ
		}
		return false
	}
}

package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/expr"
)

// wherePreds compiles the WHERE conjuncts that are not keys; top-level `x IN (SELECT ...)`
// become semi-join leaves.
func (b *block) wherePreds(conjs []ast.ExprNode, keys []*keyCond) ([]*pred, []*fromLeaf, error) {
	isKey := map[int]bool{}
	for _, k := range keys {
		isKey[k.conj] = true
	}
	v := b.rowConv(b.sc, "where clause")
	v.hook = b.existsHook
	var preds []*pred
	var semis []*fromLeaf
	for i, cj := range conjs {
		if isKey[i] {
			continue
		}
		if s, ok := b.eqSemis[cj]; ok {
			semis = append(semis, s.leaf)
			preds = append(preds, s.preds...)
			continue
		}
		if leaf, ps, ok, err := b.subqueryConj(cj); ok {
			if err != nil {
				return nil, nil, err
			}
			if leaf != nil {
				semis = append(semis, leaf)
			}
			preds = append(preds, ps...)
			continue
		}
		if ps, ok, err := b.temporalConj(v, cj); ok {
			if err != nil {
				return nil, nil, err
			}
			preds = append(preds, ps...)
			continue
		}
		p, err := newPred(v, cj)
		if err != nil {
			return nil, nil, err
		}
		preds = append(preds, p)
	}
	return preds, semis, nil
}

// semiJoin compiles `x IN (SELECT y ...)` into an inner join with the distinct values of y
// (and of the correlation columns, for a correlated subquery).
func (b *block) semiJoin(in *ast.PatternInExpr) (*fromLeaf, []*pred, error) {
	xs, err := b.inOperands(in)
	if err != nil {
		return nil, nil, err
	}
	sq, ok := in.Sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, nil, b.c.at(unsupported("this IN (subquery)"), in)
	}
	nest := b.childNest("in a subquery")
	// Each lookup of the subquery would give every outer row that one of its values
	// matches: rows that several match would repeat, which no merge can tell from duplicates.
	nest.single = "in an IN (subquery)"
	q, corr, err := b.inSubquery(sq.Query, nest)
	if err != nil {
		return nil, nil, err
	}
	if len(q.Cols) != len(xs) {
		return nil, nil, b.c.at(newErr(CodeOperandColumns, "Operand should contain %d column(s)", len(xs)), in)
	}
	if hasTopK(q.Root) {
		return nil, nil, b.c.at(unsupported("'LIMIT & IN/ALL/ANY/SOME subquery'"), in)
	}
	// The distinct values of y (a row of them for a row constructor) and the correlation
	// columns per key: each outer row matches at most once per lookup.
	rootCols := q.Root.Columns()
	lead := make([]expr.Expr, len(xs))
	for i := range xs {
		lead[i] = expr.NewCol(i, rootCols[i])
	}
	inner, all := b.subqueryLeaf(q, corr, lead)
	first := b.sc.addHidden(all)
	n := len(xs)
	if len(q.KeyCols) > 0 {
		b.inherited = append(b.inherited, keyPart{cols: seq(first+n+len(corr.inner), len(q.KeyCols)), alts: q.Lookups})
	}
	var preds []*pred
	for i, x := range xs {
		if !joinable(b.sc.cols[x].col.Type, all[i].Type) {
			return nil, nil, b.c.at(unsupported("IN (subquery) comparing values of different types"), in)
		}
		preds = append(preds, b.eqPred(x, first+i, in))
	}
	for i, o := range corr.outer {
		preds = append(preds, b.eqPred(o, first+n+i, in))
	}
	return &fromLeaf{plan: inner, first: first, n: len(all), table: -1}, preds, nil
}

func hasTopK(p Plan) bool {
	switch p := p.(type) {
	case *TopK:
		return true
	case *Project:
		return hasTopK(p.Input)
	case *Distinct:
		return hasTopK(p.Input)
	}
	return false
}

// inOperands resolves the left operand of `x IN (SELECT ...)`: a column, or a row
// constructor of columns (`(a, b) IN (SELECT x, y ...)`), each of which the semi-join is
// keyed on.
func (b *block) inOperands(in *ast.PatternInExpr) ([]int, error) {
	operands := []ast.ExprNode{in.Expr}
	if row, ok := unparen(in.Expr).(*ast.RowExpr); ok {
		operands = row.Values
	}
	var xs []int
	for _, op := range operands {
		cn, ok := unparen(op).(*ast.ColumnNameExpr)
		if !ok {
			return nil, b.c.at(unsupported("IN (subquery) on an expression: compare a column (or a row of columns)"), in)
		}
		x, rerr := b.sc.resolve(cn.Name, "where clause")
		if rerr != nil {
			return nil, b.c.at(rerr, cn)
		}
		xs = append(xs, x)
	}
	return xs, nil
}

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
	cn, ok := unparen(in.Expr).(*ast.ColumnNameExpr)
	if !ok {
		return nil, nil, b.c.at(unsupported("IN (subquery) on an expression: compare a column"), in)
	}
	x, rerr := b.sc.resolve(cn.Name, "where clause")
	if rerr != nil {
		return nil, nil, b.c.at(rerr, cn)
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
	if len(q.Cols) != 1 {
		return nil, nil, b.c.at(newErr(CodeOperandColumns, "Operand should contain 1 column(s)"), in)
	}
	if hasTopK(q.Root) {
		return nil, nil, b.c.at(unsupported("LIMIT in an IN (subquery)"), in)
	}
	// The distinct values of y and the correlation columns per key: each outer row matches
	// at most once per lookup.
	inner, all := b.subqueryLeaf(q, corr, []expr.Expr{expr.NewCol(0, q.Root.Columns()[0])})
	col := all[0]
	first := b.sc.addHidden(all)
	if len(q.KeyCols) > 0 {
		b.inherited = append(b.inherited, keyPart{cols: seq(first+1+len(corr.inner), len(q.KeyCols)), alts: q.Lookups})
	}
	if !joinable(b.sc.cols[x].col.Type, col.Type) {
		return nil, nil, b.c.at(unsupported("IN (subquery) comparing values of different types"), in)
	}
	preds := []*pred{b.eqPred(x, first, in)}
	for i, o := range corr.outer {
		preds = append(preds, b.eqPred(o, first+1+i, in))
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

package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/weirdb/weir/dataflow"
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
		positive := map[ast.ExprNode]bool{}
		positiveSubqueries(cj, positive)
		cv := *v
		cv.hook = func(n ast.ExprNode) (expr.Expr, bool, error) {
			if positive[n] {
				e, err := b.subqueryValue(n)
				return e, true, err
			}
			return b.existsHook(n)
		}
		p, err := newPred(&cv, cj)
		if err != nil {
			return nil, nil, err
		}
		preds = append(preds, p)
	}
	return preds, semis, nil
}

// positiveSubqueries collects the IN and NOT IN (subquery) conditions (possibly under NOT)
// of cond that only AND and OR connect to it. There a row is kept when the condition is
// TRUE and dropped when it is FALSE or NULL alike, so the condition may stand for "is
// TRUE", which anti-joins compute exactly; anywhere else (under a NOT of an OR, in a
// comparison, IS NULL) its NULL would have to be told from FALSE.
func positiveSubqueries(cond ast.ExprNode, into map[ast.ExprNode]bool) {
	if bin, ok := unparen(cond).(*ast.BinaryOperationExpr); ok && (bin.Op == opcode.LogicAnd || bin.Op == opcode.LogicOr) {
		positiveSubqueries(bin.L, into)
		positiveSubqueries(bin.R, into)
		return
	}
	if in, ok := unparenNot(cond).(*ast.PatternInExpr); ok && in.Sel != nil {
		into[cond] = true
	}
}

func unparenNot(n ast.ExprNode) ast.ExprNode {
	n, _ = negation(n)
	return n
}

// subqueryValue compiles a condition positiveSubqueries found: 1 where it is TRUE, 0 where
// it is FALSE or NULL.
func (b *block) subqueryValue(n ast.ExprNode) (expr.Expr, error) {
	inner, not := negation(n)
	in := inner.(*ast.PatternInExpr)
	if in.Not {
		not = !not
	}
	if !not {
		return b.inValue(in)
	}
	ps, err := b.notIn(in)
	if err != nil {
		return nil, err
	}
	return ps[0].e, nil
}

// semiJoin compiles `x IN (SELECT y ...)` into an inner join with the distinct values of y
// (and of the correlation columns, for a correlated subquery).
func (b *block) semiJoin(in *ast.PatternInExpr) (*fromLeaf, []*pred, error) {
	nest := b.childNest("in a subquery")
	// Each lookup of the subquery would give every outer row that one of its values
	// matches: rows that several match would repeat, which no merge can tell from duplicates.
	nest.single = "in an IN (subquery)"
	leaf, preds, keys, err := b.inLeaf(in, nest)
	if err != nil {
		return nil, nil, err
	}
	if keys != nil {
		b.inherited = append(b.inherited, *keys)
	}
	return leaf, preds, nil
}

// inValue compiles an IN (subquery) inside a condition (under OR) to its value, 1 when the
// row's x is among the subquery's values and 0 otherwise: whether a LEFT JOIN with the
// subquery's distinct values found a match for the row. It stands for SQL's value only
// where NULL and FALSE mean the same, which the caller ensures (see positiveSubqueries).
func (b *block) inValue(in *ast.PatternInExpr) (expr.Expr, error) {
	const what = "an IN (subquery) under OR"
	nest := b.childNest("in " + what)
	nest.noKeys = "in " + what
	leaf, on, _, err := b.inLeaf(in, nest)
	if err != nil {
		return nil, err
	}
	b.antis = append(b.antis, &fromLeft{right: leaf, on: on, src: in})
	// A matched row's first value equals x, so it is not NULL; a padded row's is.
	return expr.NewIsNull(b.colExpr(leaf.first), true), nil
}

// inLeaf compiles the subquery of `x IN (SELECT y ...)` into a leaf with the distinct rows
// of y, the correlation columns and the subquery's key columns, with the conditions that
// join it to the outer rows: x = y (on a hidden column computed from x, for an
// expression) and the correlations. keys, when not nil, are the subquery's key columns.
func (b *block) inLeaf(in *ast.PatternInExpr, nest nesting) (*fromLeaf, []*pred, *keyPart, error) {
	sq, ok := in.Sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, nil, nil, b.c.at(unsupported("this IN (subquery)"), in)
	}
	operands, err := b.inOperands(in)
	if err != nil {
		return nil, nil, nil, err
	}
	q, corr, err := b.inSubquery(sq.Query, nest)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(q.Cols) != len(operands) {
		return nil, nil, nil, b.c.at(newErr(CodeOperandColumns, "Operand should contain %d column(s)", len(operands)), in)
	}
	if hasTopK(q.Root) {
		return nil, nil, nil, b.c.at(unsupported("'LIMIT & IN/ALL/ANY/SOME subquery'"), in)
	}
	// The distinct values of y (a row of them for a row constructor) and the correlation
	// columns per key: each outer row matches at most once per lookup.
	rootCols := q.Root.Columns()
	lead := make([]expr.Expr, len(operands))
	for i, x := range operands {
		var ok bool
		operands[i], lead[i], ok = inComparison(x, expr.NewCol(i, rootCols[i]))
		if !ok {
			return nil, nil, nil, b.c.at(unsupported("IN (subquery) comparing %s with %s", kindName(x.Type()), kindName(rootCols[i].Type)), in)
		}
	}
	inner, all := b.subqueryLeaf(q, corr, lead)
	xs := make([]int, len(operands))
	for i, x := range operands {
		xs[i] = b.computedColumn(x)
	}
	first := b.sc.addHidden(all)
	n := len(xs)
	var keys *keyPart
	if len(q.KeyCols) > 0 {
		keys = &keyPart{cols: seq(first+n+len(corr.inner), len(q.KeyCols)), alts: q.Lookups}
	}
	var preds []*pred
	for i, x := range xs {
		preds = append(preds, b.eqPred(x, first+i, in))
	}
	for i, o := range corr.outer {
		preds = append(preds, b.eqPred(o, first+n+i, in))
	}
	leaf := &fromLeaf{plan: inner, first: first, n: len(all), table: -1}
	return leaf, preds, keys, nil
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

// inOperands compiles the left operand of `x IN (SELECT ...)`: an expression, or a row
// constructor of them (`(a, b + 1) IN (SELECT x, y ...)`), over the block's columns.
func (b *block) inOperands(in *ast.PatternInExpr) ([]expr.Expr, error) {
	operands := []ast.ExprNode{in.Expr}
	if row, ok := unparen(in.Expr).(*ast.RowExpr); ok {
		operands = row.Values
	}
	xs := make([]expr.Expr, len(operands))
	for i, op := range operands {
		x, err := b.inOperand(op)
		if err != nil {
			return nil, err
		}
		xs[i] = x
	}
	return xs, nil
}

// inOperand compiles one operand of an IN or NOT IN (subquery). An expression is computed
// over the FROM clause's columns (computed.go), so it may not read a subquery's value.
func (b *block) inOperand(op ast.ExprNode) (expr.Expr, error) {
	if cn, ok := unparen(op).(*ast.ColumnNameExpr); ok {
		x, rerr := b.sc.resolve(cn.Name, b.operandClause())
		if rerr != nil {
			if item := b.aliasedItem(cn); item != nil {
				// HAVING and ORDER BY of a query without aggregates name the select
				// list's expressions by alias: the operand is that expression.
				return b.inOperand(item)
			}
			return nil, b.c.at(rerr, cn)
		}
		return b.colExpr(x), nil
	}
	v := b.rowConv(b.sc, b.operandClause())
	x, err := v.conv(op)
	if err != nil {
		return nil, err
	}
	for _, c := range expr.Columns(x) {
		if c >= b.fromCols {
			return nil, b.c.at(unsupported("IN (subquery) on an expression that reads a subquery's value"), op)
		}
	}
	return x, nil
}

// aliasedItem is the select-list expression that cn names by alias, where the IN
// (subquery) stands in HAVING or ORDER BY; nil elsewhere, and for a name that is no alias.
func (b *block) aliasedItem(cn *ast.ColumnNameExpr) ast.ExprNode {
	if (b.valueClause != "having clause" && b.valueClause != "order clause") || cn.Name.Table.O != "" {
		return nil
	}
	for _, it := range b.items {
		if it.alias && it.node != nil && strings.EqualFold(it.label, cn.Name.Name.O) {
			if _, self := unparen(it.node).(*ast.ColumnNameExpr); self && strings.EqualFold(restoreText(it.node), restoreText(cn)) {
				return nil
			}
			return it.node
		}
	}
	return nil
}

// inComparison gives the two sides of an IN (subquery)'s x = y as values whose key
// encodings are equal exactly when MySQL's comparison of x and y holds, so that the
// semi-join can key on them: as they are when they compare as one kind, and both as DOUBLE
// when MySQL compares them as floating-point numbers (an exact number with a DOUBLE, a
// number with a string). A NULL side (`NULL IN (SELECT …)`, `x IN (SELECT NULL …)`) is
// a NULL of the other side's type: it equals nothing, and the NULL rules of IN and NOT IN
// give MySQL's answer (UNKNOWN, or FALSE and TRUE over an empty subquery). ok is false for
// pairs no key can compare (a time with a number).
func inComparison(x, y expr.Expr) (xk, yk expr.Expr, ok bool) {
	xt, yt := x.Type(), y.Type()
	switch {
	case xt.Kind == dataflow.KindNull && yt.Kind != dataflow.KindNull:
		return expr.NewConstTyped(dataflow.Null, yt), y, true
	case yt.Kind == dataflow.KindNull && xt.Kind != dataflow.KindNull:
		return x, expr.NewConstTyped(dataflow.Null, xt), true
	}
	if joinable(xt, yt) {
		return x, y, true
	}
	kx, ky := keyClass(xt), keyClass(yt)
	numeric := func(k int) bool { return k == keyExact || k == keyFloat }
	if (numeric(kx) || kx == keyText) && (numeric(ky) || ky == keyText) && (numeric(kx) || numeric(ky)) {
		double := dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE"}
		return expr.NewCast(x, double), expr.NewCast(y, double), true
	}
	return nil, nil, false
}

// kindName names a type's kind of value for messages.
func kindName(t dataflow.Type) string {
	switch keyClass(t) {
	case keyExact:
		return "an exact number"
	case keyFloat:
		return "a floating-point number"
	case keyText:
		return "a string"
	case keyBinary:
		return "a binary string"
	case keyDate:
		return "a date or datetime"
	case keyTime:
		return "a time"
	}
	if t.Kind == dataflow.KindNull {
		return "NULL"
	}
	return "a value of type " + t.String()
}

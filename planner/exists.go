package planner

import (
	"slices"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// EXISTS, NOT EXISTS and NOT IN (subquery) in a WHERE are joins with the subquery's rows,
// never an evaluation per row.
//
// A subquery may be correlated by equalities `inner column = outer column` among the
// top-level AND conditions of its WHERE (correlation). They are taken out of its WHERE and
// its plan carries the inner columns instead, so that the enclosing query joins on them;
// any other reference to an outer column is refused.
//
//   - EXISTS is a semi-join: an inner join with the distinct values of the correlation
//     columns (a constant where there are none), so an outer row appears once however many
//     rows match it. The Distinct keeps a count per value and emits only when a value's
//     first row arrives or its last leaves.
//   - NOT EXISTS is an anti-join: a LEFT JOIN with the same distinct values, keeping the
//     rows that found none (the padded marker column IS NULL). The join retracts the padded
//     row when a key's first match arrives and emits it again when its last leaves.
//   - EXISTS inside an expression (under OR or NOT, in the select list) is the same LEFT JOIN, its value
//     whether the marker column was matched: one row per outer row either way.
//   - x NOT IN (SELECT y ...) follows SQL's three-valued logic: it is true when the
//     subquery has no rows (even for a NULL x), and otherwise when x is not NULL, no y is
//     NULL and no y equals x. Three anti-joins keep what that needs, per correlation key:
//     whether there are rows at all (only when x may be NULL), whether some y is NULL (only
//     when y may be NULL) and whether some y equals x; a filter over their markers decides.
//     That filter is TRUE exactly where SQL's NOT IN is, so under OR (see
//     positiveSubqueries), where FALSE and NULL both drop the row, it is the condition's value.
//
// An uncorrelated subquery's distinct rows are one row at most (per key of a parameter
// inside it), joined without a key to every outer row.

// correlation collects the correlation equalities of a subquery block.
type correlation struct {
	// inner are the subquery's columns (its own global numbers), outer the enclosing
	// block's columns they equal.
	inner, outer []int
	// out is the position of the first inner column in the subquery's Root output, where
	// they follow the key columns.
	out int
	// scalar marks a scalar subquery's block, which may aggregate: it groups by its inner
	// columns (see subquery.go).
	scalar bool
	// empty, for a scalar subquery that aggregates without GROUP BY, is the row its
	// aggregate has over no rows, which an outer row that no group matches stands for.
	empty emptyRowFunc
}

// correlate takes the correlation equalities out of the block's WHERE conjuncts.
func (b *block) correlate(conjs []ast.ExprNode) ([]ast.ExprNode, error) {
	var rest []ast.ExprNode
	for _, cj := range conjs {
		if bin, ok := unparen(cj).(*ast.BinaryOperationExpr); ok && bin.Op == opcode.EQ {
			l, lok := unparen(bin.L).(*ast.ColumnNameExpr)
			r, rok := unparen(bin.R).(*ast.ColumnNameExpr)
			if lok && rok {
				in, out, ok := b.corrPair(l, r)
				if !ok {
					in, out, ok = b.corrPair(r, l)
				}
				if ok {
					if !joinable(b.sc.cols[in].col.Type, b.parent.cols[out].col.Type) {
						return nil, b.c.at(unsupported("a correlated equality between columns of different types"), cj)
					}
					b.corr.inner = append(b.corr.inner, in)
					b.corr.outer = append(b.corr.outer, out)
					continue
				}
			}
		}
		rest = append(rest, cj)
	}
	if len(b.corr.inner) > 0 && b.agg && !b.corr.scalar {
		return nil, unsupported("a correlated subquery with GROUP BY or aggregates %s", b.where)
	}
	return rest, nil
}

// corrPair reports whether in names a column of the block and out one of the enclosing
// block only.
func (b *block) corrPair(in, out *ast.ColumnNameExpr) (int, int, bool) {
	i, err := b.sc.lookup(in.Name, "where clause")
	if err != nil {
		return 0, 0, false
	}
	if _, err := b.sc.lookup(out.Name, "where clause"); err == nil || err.Code != CodeUnknownColumn {
		return 0, 0, false
	}
	o, err := b.parent.lookup(out.Name, "where clause")
	if err != nil {
		return 0, 0, false
	}
	return i, o, true
}

// correlated compiles a subquery block that may be correlated with this one.
func (b *block) correlated(sel *ast.SelectStmt, nest nesting) (*Query, *correlation, error) {
	corr := &correlation{}
	nb := &block{c: b.c, where: nest.where, parent: b.sc, nest: nest, corr: corr}
	q, err := nb.plan(sel)
	if err != nil {
		return nil, nil, err
	}
	return q, corr, nil
}

// inSubquery compiles the subquery of an IN or NOT IN, correlated where it is one SELECT.
func (b *block) inSubquery(n ast.ResultSetNode, nest nesting) (*Query, *correlation, error) {
	if sel, ok := n.(*ast.SelectStmt); ok {
		return b.correlated(sel, nest)
	}
	q, err := b.c.subquery(n, b.sc, nest)
	return q, &correlation{}, err
}

// subqueryLeaf is the plan of a subquery's leaf: the distinct rows of lead (over q.Root),
// the correlation columns and the key columns, and their columns. Rows that are distinct
// already (see distinctRows) are not made distinct again: no state, and a key of the leaf
// then traces to the base table's index, so a cache keyed inside the subquery is partial.
func (b *block) subqueryLeaf(q *Query, corr *correlation, lead []expr.Expr) (Plan, []dataflow.Column) {
	in := q.Root.Columns()
	var all []dataflow.Column
	exprs := slices.Clone(lead)
	var picked []int // the positions of q.Root that the leaf copies
	for _, e := range lead {
		c := dataflow.Column{Type: e.Type()}
		if i, ok := expr.Index(e); ok {
			c = in[i]
			c.Table = ""
			picked = append(picked, i)
		} else {
			c.Name = e.String()
		}
		all = append(all, c)
	}
	for i := range corr.inner {
		c := in[corr.out+i]
		c.Table = ""
		all = append(all, c)
		exprs = append(exprs, expr.NewCol(corr.out+i, c))
		picked = append(picked, corr.out+i)
	}
	for _, k := range q.KeyCols {
		all = append(all, in[k])
		exprs = append(exprs, expr.NewCol(k, in[k]))
		picked = append(picked, k)
	}
	leaf := project(q.Root, exprs, all)
	if b.distinctRows(q.Root, picked) {
		return leaf, all
	}
	return &Distinct{Input: leaf}, all
}

// distinctRows reports whether the rows of p, cut down to the columns cols, are distinct:
// p reads one base table through filters and projections, and cols copy its primary key.
func (b *block) distinctRows(p Plan, cols []int) bool {
	for {
		switch n := p.(type) {
		case *Filter:
			p = n.Input
			continue
		case *Project:
			in := make([]int, 0, len(cols))
			for _, c := range cols {
				if i, ok := expr.Index(n.Exprs[c]); ok {
					in = append(in, i)
				}
			}
			p, cols = n.Input, in
			continue
		case *Scan:
			if b.c.cat == nil {
				return false
			}
			t, ok := b.c.cat.Table(n.Table)
			if !ok || t == nil || len(t.PK) == 0 {
				return false
			}
			for _, k := range t.PK {
				if !slices.Contains(cols, k) {
					return false
				}
			}
			return true
		}
		return false
	}
}

// negation strips NOT and parentheses off a condition, reporting whether an odd number of
// them negate it.
func negation(n ast.ExprNode) (ast.ExprNode, bool) {
	not := false
	for {
		n = unparen(n)
		u, ok := n.(*ast.UnaryOperationExpr)
		if !ok || (u.Op != opcode.Not && u.Op != opcode.Not2) {
			return n, not
		}
		not = !not
		n = u.V
	}
}

// isSubqueryConj reports a condition that subqueryConj compiles.
func isSubqueryConj(cj ast.ExprNode) bool {
	n, _ := negation(cj)
	switch x := n.(type) {
	case *ast.ExistsSubqueryExpr:
		return true
	case *ast.PatternInExpr:
		return x.Sel != nil
	}
	return false
}

// subqueryConj compiles a WHERE conjunct that is an EXISTS, NOT EXISTS or (NOT) IN
// subquery, possibly under NOT; handled is false for any other conjunct. A semi-join's
// leaf goes into the block's inner joins (semi), an anti-join's into b.antis.
func (b *block) subqueryConj(cj ast.ExprNode) (semi *fromLeaf, preds []*pred, handled bool, err error) {
	n, not := negation(cj)
	switch x := n.(type) {
	case *ast.ExistsSubqueryExpr:
		if x.Not {
			not = !not
		}
		semi, preds, err = b.exists(x, not)
		return semi, preds, true, err
	case *ast.PatternInExpr:
		if x.Sel == nil {
			return nil, nil, false, nil
		}
		if x.Not {
			not = !not
		}
		if !not {
			leaf, ps, err := b.semiJoin(x)
			return leaf, ps, true, err
		}
		preds, err = b.notIn(x)
		return nil, preds, true, err
	}
	return nil, nil, false, nil
}

// exists compiles EXISTS (or, with not, NOT EXISTS) as a top-level AND condition.
func (b *block) exists(x *ast.ExistsSubqueryExpr, not bool) (*fromLeaf, []*pred, error) {
	what := "an EXISTS (subquery)"
	if not {
		what = "a NOT EXISTS (subquery)"
	}
	nest := b.childNest("in " + what)
	if not {
		// A key inside would have to select the outer rows that no row of that key
		// matches, a padded row per key that no operator makes.
		nest.noKeys = "in " + what
	} else {
		// Each lookup of the subquery would give every outer row its values match again.
		nest.single = "in " + what
	}
	leaf, on, always, err := b.existsLeaf(x, what, nest)
	switch {
	case err != nil:
		return nil, nil, err
	case always:
		return nil, []*pred{constPred(!not, x)}, nil
	case !not:
		return leaf, on, nil
	}
	b.antis = append(b.antis, &fromLeft{right: leaf, on: on, src: x})
	e := expr.NewIsNull(b.colExpr(leaf.first), false)
	return nil, []*pred{{e: e, cols: []int{leaf.first}, src: x}}, nil
}

// existsValue compiles an EXISTS inside an expression (under OR or NOT, in a comparison) to
// its value, 1 or 0: whether a LEFT JOIN with the subquery's distinct correlation values
// found a match for the row. No key can come out of it, the optional side of the join.
func (b *block) existsValue(x *ast.ExistsSubqueryExpr) (expr.Expr, error) {
	const what = "an EXISTS (subquery) inside an expression"
	nest := b.childNest("in " + what)
	nest.noKeys = "in " + what
	leaf, on, always, err := b.existsLeaf(x, what, nest)
	switch {
	case err != nil:
		return nil, err
	case always && x.Not:
		return expr.NewConst(dataflow.Int(0)), nil
	case always:
		return expr.NewConst(dataflow.Int(1)), nil
	}
	b.antis = append(b.antis, &fromLeft{right: leaf, on: on, src: x})
	return expr.NewIsNull(b.colExpr(leaf.first), !x.Not), nil
}

// existsHook compiles the EXISTS nodes of a WHERE condition that are not top-level AND
// conditions (an exprConv hook).
func (b *block) existsHook(n ast.ExprNode) (expr.Expr, bool, error) {
	x, ok := n.(*ast.ExistsSubqueryExpr)
	if !ok {
		return nil, false, nil
	}
	e, err := b.existsValue(x)
	return e, true, err
}

// selectExists compiles the EXISTS of the select list (`EXISTS (...) AS saved`) before the
// FROM plan is built, since each adds a LEFT JOIN to it; plainSelect's conversion finds
// their values in b.existsVals.
func (b *block) selectExists(fl *ast.FieldList) error {
	if fl == nil {
		return nil
	}
	var f existsFinder
	for _, fd := range fl.Fields {
		if fd.Expr != nil {
			fd.Expr.Accept(&f)
		}
	}
	if len(f.found) == 0 {
		return nil
	}
	if b.agg {
		return nil // subqueryValues compiled them, as group columns
	}
	b.existsVals = map[*ast.ExistsSubqueryExpr]expr.Expr{}
	for _, x := range f.found {
		e, err := b.existsValue(x)
		if err != nil {
			return err
		}
		b.existsVals[x] = e
	}
	return nil
}

// selectExistsHook gives plainSelect's conversion the values selectExists compiled.
func (b *block) selectExistsHook(n ast.ExprNode) (expr.Expr, bool, error) {
	if x, ok := n.(*ast.ExistsSubqueryExpr); ok {
		if e, ok := b.existsVals[x]; ok {
			return e, true, nil
		}
	}
	return nil, false, nil
}

// existsFinder collects the EXISTS nodes of an expression, not those of nested subqueries.
type existsFinder struct{ found []*ast.ExistsSubqueryExpr }

func (f *existsFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.ExistsSubqueryExpr:
		f.found = append(f.found, x)
		return n, true
	case *ast.SubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt:
		return n, true
	}
	return n, false
}

func (f *existsFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// existsLeaf compiles the subquery of an EXISTS into a leaf to join with: its marker column
// (never NULL), its correlation columns and its key columns, with the join conditions on
// the correlation columns. always reports a subquery that has a row whatever its input
// (and then there is no leaf).
func (b *block) existsLeaf(x *ast.ExistsSubqueryExpr, what string, nest nesting) (leaf *fromLeaf, on []*pred, always bool, err error) {
	sq, ok := unparen(x.Sel).(*ast.SubqueryExpr)
	if !ok {
		return nil, nil, false, b.c.at(unsupported("this EXISTS (subquery)"), x)
	}
	var src ast.ResultSetNode = sq.Query
	sel, isSelect := sq.Query.(*ast.SelectStmt)
	if isSelect {
		if sel, always, err = b.existsShape(sel, what); err != nil {
			return nil, nil, false, err
		}
		if always {
			// An aggregate without GROUP BY has one row whatever its input: EXISTS is
			// true. The subquery is still compiled, for its errors; none of its literals
			// may become a key, which the text would show as `?`.
			nest.noKeys = "in " + what + " of an aggregate"
			if _, _, err := b.correlated(sel, nest); err != nil {
				return nil, nil, false, err
			}
			return nil, nil, true, nil
		}
		src = sel
	}
	q, corr, err := b.inSubquery(src, nest)
	if err != nil {
		return nil, nil, false, err
	}
	// The marker is the constant 1 of the select list existsShape made, or a constant.
	var marker expr.Expr = expr.NewConst(dataflow.Int(1))
	if isSelect {
		marker = expr.NewCol(0, q.Root.Columns()[0])
	}
	leafPlan, all := b.subqueryLeaf(q, corr, []expr.Expr{marker})
	first := b.sc.addHidden(all)
	if len(q.KeyCols) > 0 {
		b.inherited = append(b.inherited, keyPart{cols: seq(first+1+len(corr.inner), len(q.KeyCols)), alts: q.Lookups})
	}
	leaf = &fromLeaf{plan: leafPlan, first: first, n: len(all), table: -1, cross: true}
	for i, o := range corr.outer {
		on = append(on, b.eqPred(o, first+1+i, x))
	}
	return leaf, on, false, nil
}

// existsShape is what of an EXISTS subquery matters: its rows' existence, not their
// values, order or grouping. always reports a subquery that has a row whatever its input.
func (b *block) existsShape(sel *ast.SelectStmt, what string) (*ast.SelectStmt, bool, error) {
	if sel.Having != nil {
		return nil, false, b.c.at(unsupported("HAVING in %s", what), sel.Having.Expr)
	}
	if sel.Limit != nil {
		count, offset, _, err := b.c.limit(sel.Limit, "in "+what)
		if err != nil {
			return nil, false, err
		}
		if offset != 0 || count == 0 {
			return nil, false, unsupported("LIMIT 0 or OFFSET in %s", what)
		}
	}
	always := sel.GroupBy == nil && hasAggregate(sel)
	cp := *sel
	cp.Fields = &ast.FieldList{Fields: []*ast.SelectField{{Expr: ast.NewValueExpr(int64(1), "", "")}}}
	cp.Distinct, cp.OrderBy, cp.Limit = false, nil, nil
	if !always {
		cp.GroupBy = nil
	}
	return &cp, always, nil
}

// constPred is a condition that is always true or always false.
func constPred(v bool, src ast.ExprNode) *pred {
	n := int64(0)
	if v {
		n = 1
	}
	return &pred{e: expr.NewConst(dataflow.Int(n)), src: src}
}

// eqPred is the join condition outer = inner between two global columns.
func (b *block) eqPred(outer, inner int, src ast.ExprNode) *pred {
	e := expr.NewCompare(expr.OpEQ, b.colExpr(outer), b.colExpr(inner))
	return &pred{e: e, cols: []int{min(outer, inner), max(outer, inner)}, src: src, eq: true, eqL: outer, eqR: inner}
}

// notIn compiles `x NOT IN (SELECT y ...)`. A row `(a, b) NOT IN (SELECT x, y ...)` is
// planned only where no value on either side may be NULL: it is then true exactly when no
// row of the subquery equals the row, one anti-join. (With NULLs, a row is unequal to a
// subquery row when some pair of its values is known to differ, which no equality join
// can tell.)
func (b *block) notIn(in *ast.PatternInExpr) ([]*pred, error) {
	const what = "a NOT IN (subquery)"
	nest := b.childNest("in " + what)
	nest.noKeys = "in " + what
	j, err := b.inJoins(in, "NOT IN (subquery)", nest)
	if err != nil {
		return nil, err
	}
	cond := expr.NewIsNull(b.colExpr(j.match), false)
	if j.nulls >= 0 {
		cond = expr.NewAnd(cond, expr.NewIsNull(b.colExpr(j.nulls), false))
	}
	if j.any >= 0 {
		cond = expr.NewAnd(cond, expr.NewIsNull(b.colExpr(j.x), true))
		cond = expr.NewOr(expr.NewIsNull(b.colExpr(j.any), false), cond)
	}
	return []*pred{{e: cond, cols: expr.Columns(cond), src: in}}, nil
}

// inJoined is what the LEFT JOINs of an IN or NOT IN (subquery) tell of an outer row, as
// the global numbers of their first columns, each NULL exactly where its join found no
// row: match, the subquery rows whose y equals x; nulls (or -1 where no y may be NULL),
// whether some y is NULL; any (or -1 where x may not be NULL, or for a row constructor),
// whether the subquery has rows at all. All are per correlation value.
type inJoined struct {
	match, nulls, any int
	// x is the outer operand's column, for one operand.
	x int
	// operands are the outer operands as compiled, before they became columns; outer the
	// outer columns the subquery is correlated with.
	operands []expr.Expr
	outer    []int
}

// inJoins adds the LEFT JOINs of an IN or NOT IN (subquery) (name says which, for
// messages) to the block: the match on x = y and the correlations, then for one operand
// those on whether the subquery holds a NULL and whether it has rows, where the types
// allow NULLs. A row constructor is refused where a value of it may be NULL.
func (b *block) inJoins(in *ast.PatternInExpr, name string, nest nesting) (*inJoined, error) {
	operands, err := b.inOperands(in)
	if err != nil {
		return nil, err
	}
	sq, ok := in.Sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, b.c.at(unsupported("this %s", name), in)
	}
	q, corr, err := b.inSubquery(sq.Query, nest)
	if err != nil {
		return nil, err
	}
	if len(q.Cols) != len(operands) {
		return nil, b.c.at(newErr(CodeOperandColumns, "Operand should contain %d column(s)", len(operands)), in)
	}
	if hasTopK(q.Root) {
		return nil, b.c.at(unsupported("'LIMIT & IN/ALL/ANY/SOME subquery'"), in)
	}
	ys := q.Root.Columns()[:len(operands)]
	xs := make([]int, len(operands))
	yKeys := make([]expr.Expr, len(operands))
	for i, operand := range operands {
		xKey, yKey, ok := inComparison(operand, expr.NewCol(i, ys[i]))
		if !ok {
			return nil, b.c.at(unsupported("%s comparing %s with %s", name, kindName(operand.Type()), kindName(ys[i].Type)), in)
		}
		if len(operands) > 1 && (xKey.Type().Nullable || yKey.Type().Nullable) {
			return nil, b.c.at(unsupported("%s on a row constructor whose values may be NULL", name), in)
		}
		xs[i], yKeys[i] = b.computedColumn(xKey), yKey
	}
	// leaf adds a LEFT JOIN with the distinct rows of lead over plan (the subquery's rows,
	// or some of them) and the correlation columns, on lead = outer and the correlations;
	// it returns the global number of its first column, which is NULL exactly for the outer
	// rows it does not match.
	leaf := func(plan Plan, lead []expr.Expr, outer []int) int {
		sub := *q
		sub.Root = plan
		leafPlan, all := b.subqueryLeaf(&sub, corr, lead)
		first := b.sc.addHidden(all)
		var on []*pred
		for i, o := range outer {
			on = append(on, b.eqPred(o, first+i, in))
		}
		for i, o := range corr.outer {
			on = append(on, b.eqPred(o, first+len(lead)+i, in))
		}
		b.antis = append(b.antis, &fromLeft{right: &fromLeaf{plan: leafPlan, first: first, n: len(all),
			table: -1, cross: len(on) == 0}, on: on, src: in})
		return first
	}
	j := &inJoined{match: leaf(q.Root, yKeys, xs), nulls: -1, any: -1, x: xs[0], operands: operands, outer: corr.outer}
	if len(operands) > 1 {
		return j, nil
	}
	y := ys[0]
	one := []expr.Expr{expr.NewConst(dataflow.Int(1))}
	if y.Type.Nullable {
		nulls := &Filter{Input: q.Root, Pred: expr.NewIsNull(expr.NewCol(0, y), false)}
		j.nulls = leaf(nulls, one, nil)
	}
	if b.sc.cols[j.x].col.Type.Nullable {
		j.any = leaf(q.Root, one, nil)
	}
	return j, nil
}

// wrapAntis puts the block's anti-joins around its FROM: each is a LEFT JOIN whose padded
// rows the WHERE keeps.
func (b *block) wrapAntis(from fromNode) fromNode {
	for _, a := range b.antis {
		a.left = from
		from = a
	}
	return from
}

package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Scalar subqueries — `(SELECT MAX(x) FROM t)` as a value in the select list, WHERE,
// HAVING, ORDER BY or an inner join's ON — are decorrelated into joins, never evaluated
// per row. The subquery's rows, with their correlation columns, are the optional side of a
// LEFT JOIN of the block's FROM, and its value is the joined value column:
//
//   - An uncorrelated subquery joins every outer row without a key. An aggregate without
//     GROUP BY has exactly one row, so each outer row meets its value; a subquery of one
//     row at most pads with NULL when it has none, which is MySQL's value of an empty
//     scalar subquery.
//   - A subquery correlated by `inner column = outer column` equalities groups by its
//     inner columns (an aggregate) or keeps one row per their value (LIMIT 1 is a TopK per
//     correlation value), and joins on them. An outer row that no group matches is padded:
//     its value is that of the aggregate over no rows (COUNT 0, SUM and MAX NULL,
//     `COUNT(*) + 1` 1), computed here once and put back by a CASE on the padded marker.
//
// MySQL raises error 1242 when a scalar subquery returns more than one row, at run time and
// depending on the data; a view kept up to date cannot raise an error later. Only
// subqueries that cannot return more than one row per outer row are accepted: an aggregate
// without GROUP BY, a GROUP BY on columns that the correlation or literal equalities bind,
// LIMIT 0 or 1, and rows of one table whose primary or unique key those equalities bind.

// scalarUse is one scalar subquery of a block's clauses.
type scalarUse struct {
	sq *ast.SubqueryExpr
	// group says the value is read above the block's aggregate (outside an aggregate
	// function of the select list, HAVING or ORDER BY), where it must be a group column.
	group bool
}

// scalarFinder collects the scalar subqueries of an expression: not the subqueries of
// EXISTS, IN and ANY/ALL, which are no values, nor those nested in other subqueries.
type scalarFinder struct {
	found    []scalarUse
	aggDepth int
	group    bool
}

func (f *scalarFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.SubqueryExpr:
		f.found = append(f.found, scalarUse{sq: x, group: f.group && f.aggDepth == 0})
		return n, true
	case *ast.ExistsSubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt:
		return n, true
	case *ast.PatternInExpr:
		if x.Sel != nil {
			x.Expr.Accept(f)
			return n, true
		}
	case *ast.CompareSubqueryExpr:
		x.L.Accept(f)
		return n, true
	case *ast.AggregateFuncExpr:
		f.aggDepth++
	}
	return n, false
}

func (f *scalarFinder) Leave(n ast.Node) (ast.Node, bool) {
	if _, ok := n.(*ast.AggregateFuncExpr); ok {
		f.aggDepth--
	}
	return n, true
}

// hasScalarSubquery reports a scalar subquery in n.
func hasScalarSubquery(n ast.ExprNode) bool {
	var f scalarFinder
	n.Accept(&f)
	return len(f.found) > 0
}

// scalarSubqueries compiles the scalar subqueries of the block's select list, WHERE
// conjuncts, HAVING and ORDER BY before the FROM plan is built, since each adds a LEFT JOIN
// to it; every expression conversion of the block then finds their values in
// b.scalarVals.
func (b *block) scalarSubqueries(sel *ast.SelectStmt, conjs []ast.ExprNode) error {
	var f scalarFinder
	f.group = b.agg
	if sel.Fields != nil {
		for _, fd := range sel.Fields.Fields {
			if fd.Expr != nil {
				fd.Expr.Accept(&f)
			}
		}
	}
	if sel.Having != nil {
		sel.Having.Expr.Accept(&f)
	}
	if sel.OrderBy != nil {
		for _, it := range sel.OrderBy.Items {
			it.Expr.Accept(&f)
		}
	}
	f.group = false
	for _, cj := range conjs {
		semi, handled, err := b.scalarEq(cj)
		if err != nil {
			return err
		}
		if handled {
			if b.eqSemis == nil {
				b.eqSemis = map[ast.ExprNode]*eqSemi{}
			}
			b.eqSemis[cj] = semi
			continue
		}
		cj.Accept(&f)
	}
	if len(f.found) == 0 {
		return nil
	}
	if b.scalarVals == nil {
		b.scalarVals = map[*ast.SubqueryExpr]expr.Expr{}
	}
	for _, u := range f.found {
		e, corrOuter, err := b.scalarValue(u.sq)
		if err != nil {
			return err
		}
		if u.group {
			if sel.GroupBy == nil {
				// As a group column it would turn the query's one group into one per value,
				// none when the query's rows are none (MySQL still has its row).
				return b.c.at(unsupported("a scalar subquery outside aggregate functions in a query that aggregates without GROUP BY"), u.sq)
			}
			// The value depends on the outer columns it is correlated with only: with them
			// grouped it is one per group, and grouping by it too changes no group.
			b.postWhat = "Scalar subquery " + restoreText(u.sq)
			for _, o := range corrOuter {
				if _, err := b.postColumn(o); err != nil {
					return b.c.at(err.(*Error), u.sq)
				}
			}
			b.addGroup(e)
		}
		b.scalarVals[u.sq] = e
	}
	return nil
}

// scalarValue compiles a scalar subquery into a LEFT JOIN of the block (b.antis) and
// returns its value over the block's global columns, and the outer columns it is
// correlated with.
func (b *block) scalarValue(sq *ast.SubqueryExpr) (expr.Expr, []int, error) {
	const what = "a scalar subquery"
	sel, ok := sq.Query.(*ast.SelectStmt)
	if !ok {
		return nil, nil, b.c.at(unsupported("a UNION as a scalar subquery"), sq)
	}
	nest := b.childNest("in " + what)
	// The subquery is the optional side of a LEFT JOIN, through which no key passes: a
	// key there would select which outer rows have a value, not which rows there are.
	nest.noKeys = "in " + what
	corr := &correlation{scalar: true}
	nb := &block{c: b.c, where: nest.where, parent: b.sc, nest: nest, corr: corr}
	q, err := nb.plan(sel)
	if err != nil {
		return nil, nil, err
	}
	if len(q.Cols) != 1 {
		return nil, nil, b.c.at(newErr(CodeOperandColumns, "Operand should contain 1 column(s)"), sq)
	}
	if !nb.singleRow(sel) {
		return nil, nil, b.c.at(unsupported("a scalar subquery that may return more than one row (MySQL fails such a query with error 1242 when it does, which a view kept up to date cannot): aggregate it, GROUP BY only columns its WHERE equates with outer columns or literals, LIMIT it to 1, or equate a primary or unique key"), sq)
	}
	in := q.Root.Columns()
	val := in[0]
	val.Table, val.Name = "", q.Cols[0].Name
	var empty dataflow.Value // the value of an outer row that no subquery row matches
	always := nb.agg && sel.GroupBy == nil && sel.Having == nil && sel.Limit == nil
	if len(corr.inner) > 0 && corr.empty != nil {
		if row, ok := corr.empty(dataflow.Row{}); ok && len(row) > 0 {
			empty = row[0]
		}
	}
	if !always || (len(corr.inner) > 0 && empty.IsNull()) {
		val.Type.Nullable = true
	}
	cols := []dataflow.Column{val}
	exprs := []expr.Expr{expr.NewCol(0, in[0])}
	for i := range corr.inner {
		c := in[corr.out+i]
		c.Table = ""
		cols = append(cols, c)
		exprs = append(exprs, expr.NewCol(corr.out+i, c))
	}
	first := b.sc.addHidden(cols)
	leaf := &fromLeaf{plan: project(q.Root, exprs, cols), first: first, n: len(cols), table: -1,
		cross: len(corr.inner) == 0}
	var on []*pred
	for i, o := range corr.outer {
		on = append(on, b.eqPred(o, first+1+i, sq))
	}
	b.antis = append(b.antis, &fromLeft{right: leaf, on: on, src: sq})
	value := b.colExpr(first)
	if len(corr.inner) > 0 && !empty.IsNull() {
		// A padded row stands for the aggregate over no rows; the correlation column is
		// never NULL in a row that matched, since `=` never matches NULL.
		padded := expr.NewIsNull(b.colExpr(first+1), false)
		value = expr.NewCase(nil, []expr.When{{Cond: padded, Then: expr.NewConstTyped(empty, in[0].Type)}}, value)
	}
	return value, corr.outer, nil
}

// singleRow reports whether the block, a scalar subquery, has one row at most per value of
// its correlation columns.
func (b *block) singleRow(sel *ast.SelectStmt) bool {
	if b.agg && sel.GroupBy == nil {
		return true
	}
	if sel.Limit != nil {
		if count, _, ok, err := b.c.limit(sel.Limit, b.where); err == nil && ok && count >= 0 && count <= 1 {
			return true
		}
	}
	bound := b.boundColumns(sel)
	if b.agg && b.groupsBound(sel, bound) {
		return true
	}
	// One row of one table at most (then one group at most): no join that could repeat its
	// rows (the leaves of semi- and anti-joins match each row once at most), and a key of
	// the table bound.
	if len(b.sc.tables) != 1 || b.sc.tables[0].schema == nil {
		return false
	}
	t := b.sc.tables[0]
	covers := func(key []int) bool {
		if len(key) == 0 {
			return false
		}
		for _, k := range key {
			if !bound[t.first+k] {
				return false
			}
		}
		return true
	}
	if covers(t.schema.PK) {
		return true
	}
	for _, ix := range t.schema.Indexes {
		// A unique key may hold several NULLs, but `=` binds no column to NULL.
		if ix.Unique() && ix.Lengths == nil && covers(ix.Cols) {
			return true
		}
	}
	return false
}

// groupsBound reports whether every GROUP BY column of the block is bound: one group per
// outer row at most.
func (b *block) groupsBound(sel *ast.SelectStmt, bound map[int]bool) bool {
	for _, it := range sel.GroupBy.Items {
		cn, ok := unparen(it.Expr).(*ast.ColumnNameExpr)
		if !ok {
			return false
		}
		i, err := b.sc.lookup(cn.Name, "group statement")
		if err != nil || !bound[i] {
			return false
		}
	}
	return true
}

// boundColumns are the block's columns that its WHERE equates with one value per outer
// row: the correlation columns and the columns compared with a non-NULL literal or a
// parameter.
func (b *block) boundColumns(sel *ast.SelectStmt) map[int]bool {
	bound := map[int]bool{}
	for _, c := range b.corr.inner {
		bound[c] = true
	}
	for _, cj := range splitAnd(sel.Where) {
		bin, ok := unparen(cj).(*ast.BinaryOperationExpr)
		if !ok || bin.Op != opcode.EQ {
			continue
		}
		for _, side := range [][2]ast.ExprNode{{bin.L, bin.R}, {bin.R, bin.L}} {
			cn, ok := unparen(side[0]).(*ast.ColumnNameExpr)
			if !ok {
				continue
			}
			switch v := unparen(side[1]).(type) {
			case *test_driver.ValueExpr:
				if v.Kind() == test_driver.KindNull {
					continue
				}
			case *test_driver.ParamMarkerExpr:
				// One value per lookup: a key of the view.
			default:
				continue
			}
			if i, err := b.sc.lookup(cn.Name, "where clause"); err == nil {
				bound[i] = true
			}
		}
	}
	return bound
}

// scalarHook gives an expression conversion the values scalarSubqueries compiled.
func (b *block) scalarHook(n *ast.SubqueryExpr) (expr.Expr, bool) {
	e, ok := b.scalarVals[n]
	return e, ok
}

// correlatedTopK groups the TopK of a correlated scalar subquery by its correlation
// columns too: LIMIT 1 keeps one row per outer value.
func (b *block) correlatedTopK(t *TopK) {
	if b.corr != nil && len(b.corr.inner) > 0 {
		t.GroupBy = append(t.GroupBy, seq(b.corr.out, len(b.corr.inner))...)
	}
}

// eqSemi is a WHERE conjunct `col = (SELECT …)` compiled as a semi-join.
type eqSemi struct {
	leaf  *fromLeaf
	preds []*pred
}

// scalarEq compiles a top-level WHERE conjunct `col = (SELECT …)` (either way round) as a
// semi-join, an inner join with the subquery's rows on col, where that is the same: the
// subquery has one row at most per outer row, and an outer row that no subquery row
// matches compares with NULL, so it is dropped either way, provided the subquery's value
// over no rows is NULL (MAX, SUM; not COUNT). As in IN (subquery), a `?` inside then keys
// the cache: `WHERE id = (SELECT MAX(id) FROM orders WHERE customer_id = ?)`. handled is
// false for any other conjunct, and for one the LEFT JOIN of scalarValue must compile.
func (b *block) scalarEq(cj ast.ExprNode) (semi *eqSemi, handled bool, err error) {
	bin, ok := unparen(cj).(*ast.BinaryOperationExpr)
	if !ok || bin.Op != opcode.EQ {
		return nil, false, nil
	}
	cn, cok := unparen(bin.L).(*ast.ColumnNameExpr)
	sq, sok := unparen(bin.R).(*ast.SubqueryExpr)
	if !cok || !sok {
		cn, cok = unparen(bin.R).(*ast.ColumnNameExpr)
		sq, sok = unparen(bin.L).(*ast.SubqueryExpr)
	}
	if !cok || !sok {
		return nil, false, nil
	}
	x, rerr := b.sc.resolve(cn.Name, "where clause")
	if rerr != nil {
		return nil, false, nil // the generic path reports it
	}
	sel, ok := sq.Query.(*ast.SelectStmt)
	if !ok {
		return nil, false, nil
	}
	const what = "a scalar subquery compared with ="
	nest := b.childNest("in " + what)
	if nest.single == "" {
		// Each lookup of the subquery would give every outer row its value matches again.
		nest.single = "in " + what
	}
	// An empty group's row, which no operator makes, is known here: it must be NULL.
	nest.emptyRow = true
	keysBefore := len(b.c.keys)
	corr := &correlation{scalar: true}
	nb := &block{c: b.c, where: nest.where, parent: b.sc, nest: nest, corr: corr}
	q, err := nb.plan(sel)
	if err != nil {
		return nil, true, err
	}
	fallBack := func(reason string) (*eqSemi, bool, error) {
		if len(q.KeyCols) > 0 {
			return nil, true, b.c.at(unsupported("a parameter (?) in %s %s", what, reason), sq)
		}
		// Compiled again as a LEFT JOIN, whose literals stay filters.
		b.c.keys = b.c.keys[:keysBefore]
		return nil, false, nil
	}
	if len(q.Cols) != 1 {
		return nil, true, b.c.at(newErr(CodeOperandColumns, "Operand should contain 1 column(s)"), sq)
	}
	if !nb.singleRow(sel) {
		return nil, true, b.c.at(unsupported("a scalar subquery that may return more than one row (MySQL fails such a query with error 1242 when it does, which a view kept up to date cannot): aggregate it, GROUP BY only columns its WHERE equates with outer columns or literals, LIMIT it to 1, or equate a primary or unique key"), sq)
	}
	if q.EmptyRow != nil {
		key := make(dataflow.Row, len(q.KeyCols))
		if row, ok := q.EmptyRow(key); ok && !row[0].IsNull() {
			return fallBack("whose value over no rows is not NULL (COUNT)")
		}
	}
	if corr.empty != nil {
		if row, ok := corr.empty(dataflow.Row{}); ok && len(row) > 0 && !row[0].IsNull() {
			return fallBack("whose value over no rows is not NULL (COUNT)")
		}
	}
	in := q.Root.Columns()
	if !joinable(b.sc.cols[x].col.Type, in[0].Type) {
		return fallBack("compared with a value of another type")
	}
	// The subquery's rows are one per correlation value and key already: no Distinct.
	cols := []dataflow.Column{in[0]}
	exprs := []expr.Expr{expr.NewCol(0, in[0])}
	add := func(i int) {
		c := in[i]
		c.Table = ""
		cols = append(cols, c)
		exprs = append(exprs, expr.NewCol(i, c))
	}
	cols[0].Table = ""
	for i := range corr.inner {
		add(corr.out + i)
	}
	for _, k := range q.KeyCols {
		add(k)
	}
	first := b.sc.addHidden(cols)
	if len(q.KeyCols) > 0 {
		b.inherited = append(b.inherited, keyPart{cols: seq(first+1+len(corr.inner), len(q.KeyCols)), alts: q.Lookups})
	}
	preds := []*pred{b.eqPred(x, first, cj)}
	for i, o := range corr.outer {
		preds = append(preds, b.eqPred(o, first+1+i, cj))
	}
	leaf := &fromLeaf{plan: project(q.Root, exprs, cols), first: first, n: len(cols), table: -1}
	return &eqSemi{leaf: leaf, preds: preds}, true, nil
}

package planner

import (
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// IN, NOT IN and EXISTS (subquery) as values: in the select list, GROUP BY, HAVING and
// ORDER BY, and in WHERE wherever more than AND and OR connect them to it (under a NOT of
// AND or OR, in a comparison, IS [NOT] NULL, XOR, CASE). There SQL's NULL must be told
// from FALSE, which the semi- and anti-joins of WHERE's conditions do not need to do.
//
// `x IN (SELECT y …)` is TRUE when some subquery row has y = x; else NULL when some y is
// NULL, or when x is NULL and the subquery has rows; else FALSE. NOT IN is its negation.
// The value is decorrelated like NOT IN's condition (exists.go): the same three LEFT
// JOINs with the subquery's distinct rows per correlation value (on y = x; on whether some
// y is NULL, only where y may be NULL; on whether there are rows at all, only where x may
// be NULL), and the value an expression over their markers:
//
//	matched OR ((y-null-found OR (x IS NULL AND rows-found)) AND NULL)
//
// whose AND NULL turns an unknown answer into NULL and leaves a known FALSE alone. A write
// to either side changes the markers through the joins, never by evaluation per row.
// EXISTS is TRUE or FALSE, the existing LEFT JOIN of existsValue.
//
// In a query that aggregates, a value read outside aggregate functions (in the select
// list, HAVING or ORDER BY) depends only on its operand and correlation columns, which
// must then be group columns: the value becomes one more group column, which changes no
// group (as a scalar subquery's does, subquery.go). A value that GROUP BY names (by alias
// or by its text) is compiled before the group columns are, and is one of them whatever
// its operands. An operand that is an aggregate's value (`HAVING COUNT(*) IN (SELECT …)`)
// is joined above the aggregate instead (postInValue, below).

// valueUse is one IN, NOT IN or EXISTS subquery of a block that stands as a value.
type valueUse struct {
	n ast.ExprNode
	// group says the value is read above the block's aggregate, outside aggregate
	// functions.
	group bool
	// clause is MySQL's name of the clause it stands in.
	clause string
}

// valueFinder collects the IN, NOT IN and (with exists) EXISTS subqueries of an
// expression, not those of nested subqueries, nor the nodes of skip.
type valueFinder struct {
	found    []valueUse
	clause   string
	skip     map[ast.ExprNode]bool
	exists   bool
	group    bool
	aggDepth int
}

func (f *valueFinder) Enter(n ast.Node) (ast.Node, bool) {
	if e, ok := n.(ast.ExprNode); ok && f.skip[e] {
		return n, true
	}
	switch x := n.(type) {
	case *ast.PatternInExpr:
		if x.Sel != nil {
			// The operand is computed below the joins and may not read another
			// subquery's value, which the operand's compilation reports.
			f.found = append(f.found, valueUse{n: x, group: f.group && f.aggDepth == 0, clause: f.clause})
			return n, true
		}
	case *ast.ExistsSubqueryExpr:
		if f.exists {
			f.found = append(f.found, valueUse{n: x, group: f.group && f.aggDepth == 0, clause: f.clause})
		}
		return n, true
	case *ast.SubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt, *ast.CompareSubqueryExpr:
		return n, true
	case *ast.AggregateFuncExpr:
		f.aggDepth++
	}
	return n, false
}

func (f *valueFinder) Leave(n ast.Node) (ast.Node, bool) {
	if _, ok := n.(*ast.AggregateFuncExpr); ok {
		f.aggDepth--
	}
	return n, true
}

// hasSubqueryValue reports an IN, NOT IN or EXISTS subquery anywhere in n outside nested
// subqueries.
func hasSubqueryValue(n ast.ExprNode) bool {
	f := valueFinder{exists: true}
	n.Accept(&f)
	return len(f.found) > 0
}

// subqueryValues compiles the IN, NOT IN and EXISTS subqueries of the block that stand as
// values, before the FROM plan is built, since each adds LEFT JOINs to it; every
// expression conversion of the block then finds their values in b.subqueryVals. The
// WHERE conditions that wherePreds plans as semi- and anti-joins (top-level conditions and
// those that only AND and OR join to WHERE) are not values, nor are WHERE's EXISTS, which
// existsHook compiles, nor the select list's EXISTS of a query without aggregates, which
// selectExists compiles.
func (b *block) subqueryValues(sel *ast.SelectStmt, conjs []ast.ExprNode) error {
	f := valueFinder{group: b.agg, clause: "field list"}
	if sel.Fields != nil {
		f.exists = b.agg
		for _, fd := range sel.Fields.Fields {
			if fd.Expr != nil {
				fd.Expr.Accept(&f)
			}
		}
	}
	f.exists = true
	if sel.Having != nil {
		f.clause = "having clause"
		sel.Having.Expr.Accept(&f)
	}
	if sel.OrderBy != nil {
		f.clause = "order clause"
		for _, it := range sel.OrderBy.Items {
			it.Expr.Accept(&f)
		}
	}
	f.group, f.exists, f.clause = false, false, "where clause"
	for _, cj := range conjs {
		if _, ok := b.eqSemis[cj]; ok || isSubqueryConj(cj) {
			continue
		}
		f.skip = map[ast.ExprNode]bool{}
		positiveSubqueries(cj, f.skip)
		cj.Accept(&f)
	}
	return b.compileValues(sel, f.found)
}

// groupByValues compiles, before GROUP BY is, the IN, NOT IN and EXISTS subqueries of the
// GROUP BY items and of the select list, which GROUP BY may name by alias: grouped by, a
// value is a group column however its operands are grouped.
func (b *block) groupByValues(sel *ast.SelectStmt) error {
	f := valueFinder{exists: true, clause: "group statement"}
	for _, it := range sel.GroupBy.Items {
		it.Expr.Accept(&f)
	}
	if sel.Fields != nil {
		f.clause = "field list"
		for _, fd := range sel.Fields.Fields {
			if fd.Expr != nil {
				fd.Expr.Accept(&f)
			}
		}
	}
	return b.compileValues(sel, f.found)
}

// subqueryValue is a compiled IN, NOT IN or EXISTS value: the expression over the block's
// global columns, the operands it compares (IN) and the outer columns it is correlated
// with.
type subqueryValue struct {
	e        expr.Expr
	operands []expr.Expr
	outer    []int
}

// compileValues compiles the uses of subqueries as values into LEFT JOINs of the block,
// once per text (the same value in the select list, HAVING and ORDER BY is joined once),
// and makes those read above the aggregate group columns.
func (b *block) compileValues(sel *ast.SelectStmt, uses []valueUse) error {
	if len(uses) == 0 {
		return nil
	}
	if b.subqueryVals == nil {
		b.subqueryVals = map[ast.ExprNode]expr.Expr{}
		b.valuesByText = map[string]*subqueryValue{}
	}
	defer func() { b.valueClause = "" }()
	for _, u := range uses {
		if in, ok := u.n.(*ast.PatternInExpr); ok && (containsAggregate(in.Expr) || u.group && b.selectAlias(in.Expr)) {
			continue // joined above the aggregate (postInValue), or misplaced (error 1111)
		}
		text := restoreText(u.n)
		v, done := b.valuesByText[text]
		if !done {
			b.valueClause = u.clause
			v = &subqueryValue{}
			var err error
			switch x := u.n.(type) {
			case *ast.PatternInExpr:
				v.e, v.operands, v.outer, err = b.inTriValue(x)
			case *ast.ExistsSubqueryExpr:
				v.e, v.outer, err = b.existsValueOuter(x)
			}
			if err != nil {
				return err
			}
			b.valuesByText[text] = v
		}
		if u.group {
			if err := b.groupSubqueryValue(sel, u.n, v); err != nil {
				return err
			}
		}
		b.subqueryVals[u.n] = v.e
	}
	return nil
}

// operandClause names the clause of the IN (subquery) whose operand is being compiled.
func (b *block) operandClause() string {
	if b.valueClause != "" {
		return b.valueClause
	}
	return "where clause"
}

// groupSubqueryValue makes a value read above the block's aggregate one of its group
// columns, once its operands and correlation columns are known to be group columns.
func (b *block) groupSubqueryValue(sel *ast.SelectStmt, n ast.ExprNode, v *subqueryValue) error {
	if _, ok := b.groupIdx[v.e.String()]; ok {
		return nil // grouped by already
	}
	if sel.GroupBy == nil {
		// As a group column it would turn the query's one group into one per value,
		// none when the query's rows are none (MySQL still has its row).
		return b.c.at(unsupported("IN or EXISTS (subquery) outside aggregate functions in a query that aggregates without GROUP BY"), n)
	}
	b.postWhat = "Expression " + restoreText(n)
	cols := v.outer
	for _, o := range v.operands {
		if _, ok := b.groupIdx[o.String()]; ok {
			continue
		}
		cols = append(cols[:len(cols):len(cols)], expr.Columns(o)...)
	}
	for _, c := range cols {
		if _, err := b.postColumn(c); err != nil {
			return b.c.at(err.(*Error), n)
		}
	}
	b.addGroup(v.e)
	return nil
}

// containsAggregate reports an aggregate function of this block in n.
func containsAggregate(n ast.ExprNode) bool {
	index := map[ast.Node]bool{}
	n.Accept(&aggIndexer{index: index})
	return index[n]
}

// inTriValue compiles an IN or NOT IN (subquery) to its three-valued value over the
// block's global columns, with the operands it compares and the outer columns it is
// correlated with.
func (b *block) inTriValue(in *ast.PatternInExpr) (expr.Expr, []expr.Expr, []int, error) {
	name, what := "IN (subquery)", "an IN (subquery) inside an expression"
	if in.Not {
		name, what = "NOT IN (subquery)", "a NOT IN (subquery) inside an expression"
	}
	nest := b.childNest("in " + what)
	// The subquery is the optional side of LEFT JOINs, through which no key passes.
	nest.noKeys = "in " + what
	j, err := b.inJoins(in, name, nest)
	if err != nil {
		return nil, nil, nil, err
	}
	var nullY, x, anyRow expr.Expr
	if j.nulls >= 0 {
		nullY = b.colExpr(j.nulls)
	}
	if j.any >= 0 {
		x, anyRow = b.colExpr(j.x), b.colExpr(j.any)
	}
	return threeValuedIn(b.colExpr(j.match), nullY, x, anyRow, in.Not), j.operands, j.outer, nil
}

// threeValuedIn is the value of x [NOT] IN (subquery) from the columns its LEFT JOINs add:
// matched is non-NULL when a subquery row equals x; nullY non-NULL when the subquery holds
// a NULL (nil when it cannot); anyRow non-NULL when the subquery has rows (nil, as x, when
// x cannot be NULL). TRUE on a match; else NULL when the subquery holds a NULL, or x is
// NULL and the subquery is not empty; else FALSE.
func threeValuedIn(matched, nullY, x, anyRow expr.Expr, not bool) expr.Expr {
	value := expr.NewIsNull(matched, true)
	var unknown expr.Expr
	if nullY != nil {
		unknown = expr.NewIsNull(nullY, true)
	}
	if anyRow != nil {
		rowsAndNull := expr.NewAnd(expr.NewIsNull(x, false), expr.NewIsNull(anyRow, true))
		if unknown == nil {
			unknown = rowsAndNull
		} else {
			unknown = expr.NewOr(unknown, rowsAndNull)
		}
	}
	if unknown != nil {
		value = expr.NewOr(value, expr.NewAnd(unknown, expr.NewConst(dataflow.Null)))
	}
	if not {
		value = expr.NewNot(value)
	}
	return value
}

// existsValueOuter is existsValue with the outer columns the subquery is correlated with.
func (b *block) existsValueOuter(x *ast.ExistsSubqueryExpr) (expr.Expr, []int, error) {
	before := len(b.antis)
	e, err := b.existsValue(x)
	if err != nil {
		return nil, nil, err
	}
	var outer []int
	for _, a := range b.antis[before:] {
		for _, p := range a.on {
			outer = append(outer, p.eqL)
		}
	}
	return e, outer, nil
}

// subqueryValHook gives an expression conversion the values subqueryValues compiled.
func (b *block) subqueryValHook(n ast.ExprNode) (expr.Expr, bool) {
	e, ok := b.subqueryVals[n]
	return e, ok
}

// An IN or NOT IN (subquery) on an aggregate's value (`HAVING COUNT(*) IN (SELECT n …)`,
// also in the select list or ORDER BY of the aggregating query) is joined above the
// aggregate: the aggregate's rows gain the operand as a computed column and the same LEFT
// JOINs as below it, keyed on that column and on the group columns the subquery is
// correlated with. While the block compiles, their columns are numbered from
// postJoinBase (below winBase); aggOutput lays them after the aggregate's columns.

// postJoinBase numbers the columns joined above the aggregate while the block compiles.
const postJoinBase = 1 << 28

// postStep is one step above the aggregate: a computed column, or a LEFT JOIN with a
// subquery's leaf on leftKeys (group columns and postJoinBase columns) = rightKeys.
type postStep struct {
	compute             expr.Expr
	name                string
	leaf                Plan
	leftKeys, rightKeys []int
}

// postColumnRef adds columns above the aggregate and returns the number of the first.
func (b *block) postColumnRef(cols []dataflow.Column) int {
	first := postJoinBase + len(b.postCols)
	b.postCols = append(b.postCols, cols...)
	return first
}

func (b *block) postCol(i int) expr.Expr {
	return expr.NewCol(i, b.postCols[i-postJoinBase])
}

// postInValue compiles an IN or NOT IN (subquery) whose operand reads an aggregate into
// LEFT JOINs above the aggregate (b.postSteps) and returns its value, numbered as the
// block's expressions above the aggregate are.
func (b *block) postInValue(in *ast.PatternInExpr, clause string) (expr.Expr, error) {
	text := restoreText(in)
	if e, ok := b.postValsByText[text]; ok {
		return e, nil
	}
	if _, ok := unparen(in.Expr).(*ast.RowExpr); ok {
		return nil, b.c.at(unsupported("IN (subquery) on a row constructor that reads an aggregate's value"), in)
	}
	name, what := "IN (subquery)", "an IN (subquery) on an aggregate's value"
	if in.Not {
		name, what = "NOT IN (subquery)", "a NOT IN (subquery) on an aggregate's value"
	}
	x, err := b.postConv(clause, clause != "field list").conv(in.Expr)
	if err != nil {
		return nil, err
	}
	sq, ok := in.Sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, b.c.at(unsupported("this %s", name), in)
	}
	nest := b.childNest("in " + what)
	nest.noKeys = "in " + what
	q, corr, err := b.inSubquery(sq.Query, nest)
	if err != nil {
		return nil, err
	}
	if len(q.Cols) != 1 {
		return nil, b.c.at(newErr(CodeOperandColumns, "Operand should contain 1 column(s)"), in)
	}
	if hasTopK(q.Root) {
		return nil, b.c.at(unsupported("'LIMIT & IN/ALL/ANY/SOME subquery'"), in)
	}
	y := q.Root.Columns()[0]
	xKey, yKey, ok := inComparison(x, expr.NewCol(0, y))
	if !ok {
		return nil, b.c.at(unsupported("%s comparing %s with %s", name, kindName(x.Type()), kindName(y.Type)), in)
	}
	// The subquery reads the outer columns it is correlated with once per group: they must
	// be group columns.
	b.postWhat = "Expression " + text
	corrOuter := make([]int, len(corr.outer))
	for i, o := range corr.outer {
		e, err := b.postColumn(o)
		if err != nil {
			return nil, b.c.at(err.(*Error), in)
		}
		idx, ok := expr.Index(e)
		if !ok {
			return nil, b.c.at(unsupported("%s correlated with a column that is not a group column", name), in)
		}
		corrOuter[i] = idx
	}
	xCol := b.postColumnRef([]dataflow.Column{{Name: restoreText(in.Expr), Type: xKey.Type()}})
	b.postSteps = append(b.postSteps, postStep{compute: xKey, name: restoreText(in.Expr)})
	leaf := func(plan Plan, lead []expr.Expr, left []int) int {
		sub := *q
		sub.Root = plan
		leafPlan, all := b.subqueryLeaf(&sub, corr, lead)
		st := postStep{leaf: leafPlan}
		for i, l := range left {
			st.leftKeys = append(st.leftKeys, l)
			st.rightKeys = append(st.rightKeys, i)
		}
		for i, o := range corrOuter {
			st.leftKeys = append(st.leftKeys, o)
			st.rightKeys = append(st.rightKeys, len(lead)+i)
		}
		b.postSteps = append(b.postSteps, st)
		padded := make([]dataflow.Column, len(all))
		for i, c := range all {
			c.Type.Nullable = true
			padded[i] = c
		}
		return b.postColumnRef(padded)
	}
	one := []expr.Expr{expr.NewConst(dataflow.Int(1))}
	match := leaf(q.Root, []expr.Expr{yKey}, []int{xCol})
	var nullY, xVal, anyRow expr.Expr
	if y.Type.Nullable {
		nulls := leaf(&Filter{Input: q.Root, Pred: expr.NewIsNull(expr.NewCol(0, y), false)}, one, nil)
		nullY = b.postCol(nulls)
	}
	if xKey.Type().Nullable {
		any := leaf(q.Root, one, nil)
		xVal, anyRow = b.postCol(xCol), b.postCol(any)
	}
	value := threeValuedIn(b.postCol(match), nullY, xVal, anyRow, in.Not)
	if b.postValsByText == nil {
		b.postValsByText = map[string]expr.Expr{}
		b.postFirst = in
	}
	b.postValsByText[text] = value
	return value, nil
}

// selectAlias reports an operand that reads a select-list alias (in HAVING or ORDER BY),
// not a column of the FROM clause: it is read above the aggregate.
func (b *block) selectAlias(n ast.ExprNode) bool {
	var f columnFinder
	n.Accept(&f)
	for _, cn := range f.found {
		if cn.Name.Table.O != "" {
			continue
		}
		if _, err := b.sc.lookup(cn.Name, "having clause"); err == nil || err.Code != CodeUnknownColumn {
			continue
		}
		for _, it := range b.items {
			if it.alias && strings.EqualFold(it.label, cn.Name.Name.O) {
				return true
			}
		}
	}
	return false
}

// columnFinder collects the column names of an expression, not those of subqueries.
type columnFinder struct{ found []*ast.ColumnNameExpr }

func (f *columnFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.ColumnNameExpr:
		f.found = append(f.found, x)
	case *ast.SubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt, *ast.ExistsSubqueryExpr:
		return n, true
	}
	return n, false
}

func (f *columnFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// postJoins lays the steps above the aggregate over its output (of width columns); post
// maps the block's numbering above the aggregate onto the positions there.
func (b *block) postJoins(input Plan, post func(expr.Expr) expr.Expr) Plan {
	at := func(i int) int {
		idx, _ := expr.Index(post(expr.NewCol(i, dataflow.Column{})))
		return idx
	}
	for _, st := range b.postSteps {
		if st.compute != nil {
			cols := input.Columns()
			exprs := make([]expr.Expr, 0, len(cols)+1)
			for i, c := range cols {
				exprs = append(exprs, expr.NewCol(i, c))
			}
			e := post(st.compute)
			exprs = append(exprs, e)
			input = project(input, exprs, append(slices.Clone(cols), dataflow.Column{Name: st.name, Type: e.Type()}))
			continue
		}
		j := &Join{Left: input, Right: st.leaf, Kind: LeftJoin, RightKeys: st.rightKeys}
		for _, l := range st.leftKeys {
			j.LeftKeys = append(j.LeftKeys, at(l))
		}
		input = j
	}
	return input
}

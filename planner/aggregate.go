package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Expressions above an Aggregate (select list, HAVING, ORDER BY) are compiled over its output:
// the group columns, then the aggregates. A subexpression that equals a GROUP BY expression
// becomes a reference to that group column, an aggregate call becomes a reference to its
// result, constants stay, and any other column is an ONLY_FULL_GROUP_BY violation, unless
// the GROUP BY covers its table's primary key, which determines it (MySQL's functional
// dependency rule); such a column joins the group, which changes no group.

// aggSelect compiles the select list, HAVING and ORDER BY of an aggregating block.
func (b *block) aggSelect(sel *ast.SelectStmt) (expr.Expr, []orderRef, error) {
	v := b.postConv("field list", false)
	v.hook = b.windowHook(b.postConv("field list", false), v.hook)
	for i, it := range b.items {
		b.postWhat = fmt.Sprintf("Expression #%d of SELECT list", i+1)
		var err error
		if it.node == nil {
			it.e, err = b.postColumn(it.star)
		} else {
			it.e, err = v.conv(it.node)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	var having expr.Expr
	if sel.Having != nil {
		b.postWhat = "Expression of HAVING clause"
		var err error
		if having, err = b.postConv("having clause", true).conv(sel.Having.Expr); err != nil {
			return nil, nil, err
		}
	}
	ov := b.postConv("order clause", true)
	ov.hook = b.windowHook(b.postConv("order clause", false), ov.hook)
	order, err := b.orderBy(sel.OrderBy, ov)
	return having, order, err
}

// postConv returns a compiler for expressions over the aggregate's output; aliases lets
// select-list aliases be named (HAVING, ORDER BY).
func (b *block) postConv(clause string, aliases bool) *exprConv {
	v := b.rowConv(b.sc, clause)
	// The hook tries every subtree as a row expression; remembering the results (and which
	// subtrees hold an aggregate) keeps that linear in the size of the expression.
	row := b.rowConv(b.sc, clause)
	row.memo = map[ast.ExprNode]memoEntry{}
	aggs := map[ast.Node]bool{}
	containsAggMemo := func(n ast.Node) bool {
		if has, ok := aggs[n]; ok {
			return has
		}
		n.Accept(&aggIndexer{index: aggs})
		return aggs[n]
	}
	alias := b.aliasHook()
	v.hook = func(n ast.ExprNode) (expr.Expr, bool, error) {
		if a, ok := n.(*ast.AggregateFuncExpr); ok {
			e, err := b.aggRef(a)
			return e, true, err
		}
		if aliases {
			if e, ok, _ := alias(n); ok {
				return e, true, nil
			}
		}
		if in, ok := n.(*ast.PatternInExpr); ok && in.Sel != nil && (containsAggMemo(in.Expr) || aliases && b.selectAlias(in.Expr)) {
			e, err := b.postInValue(in, clause)
			return e, true, err
		}
		if containsAggMemo(n) {
			return nil, false, nil
		}
		e, err := row.conv(n)
		if err != nil {
			// Something inside does not compile as a row expression (an alias, a misplaced
			// `?`): compile the node piece by piece, which reports the culprit precisely.
			return nil, false, nil
		}
		if gi, ok := b.groupIdx[e.String()]; ok {
			return b.groupRef(gi), true, nil
		}
		if _, ok := expr.ConstValue(e); ok {
			return e, true, nil
		}
		if idx, ok := expr.Index(e); ok {
			out, err := b.postColumn(idx)
			if err != nil {
				return nil, true, b.c.at(err.(*Error), n)
			}
			return out, true, nil
		}
		return nil, false, nil
	}
	return v
}

// aggIndexer records, for every node of a tree, whether its subtree holds an aggregate of
// this query block (subqueries are their own blocks).
type aggIndexer struct {
	index map[ast.Node]bool
	stack []ast.Node
}

func (x *aggIndexer) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.SubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt:
		x.index[n] = false
		return n, true
	}
	x.stack = append(x.stack, n)
	return n, false
}

func (x *aggIndexer) Leave(n ast.Node) (ast.Node, bool) {
	if len(x.stack) == 0 || x.stack[len(x.stack)-1] != n {
		return n, true // a subquery, skipped on Enter
	}
	x.stack = x.stack[:len(x.stack)-1]
	if _, isAgg := n.(*ast.AggregateFuncExpr); isAgg {
		x.index[n] = true
	} else if _, seen := x.index[n]; !seen {
		x.index[n] = false
	}
	if x.index[n] && len(x.stack) > 0 {
		x.index[x.stack[len(x.stack)-1]] = true
	}
	return n, true
}

// postColumn refers to a FROM column above the aggregate.
func (b *block) postColumn(idx int) (expr.Expr, error) {
	if gi, ok := b.groupIdx[b.colExpr(idx).String()]; ok {
		return b.groupRef(gi), nil
	}
	if ti := b.sc.tableOf(idx); ti >= 0 {
		t := b.sc.tables[ti]
		if t.schema != nil && len(t.schema.PK) > 0 {
			all := true
			for _, p := range t.schema.PK {
				all = all && b.grouped(t.first+p)
			}
			if all {
				return b.groupRef(b.addGroup(b.colExpr(idx))), nil
			}
		}
	}
	c := b.sc.cols[idx].col
	name := c.Name
	if c.Table != "" {
		name = c.Table + "." + c.Name
	}
	return nil, newErr(CodeGroupBy, "%s is not in GROUP BY clause and contains nonaggregated column '%s' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by", b.postWhat, name)
}

// groupColumn describes group expression i as a column.
func (b *block) groupColumn(i int) dataflow.Column {
	e := b.groups[i]
	if idx, ok := expr.Index(e); ok {
		return b.sc.cols[idx].col
	}
	return dataflow.Column{Name: e.String(), Type: e.Type()}
}

func (b *block) groupRef(i int) expr.Expr { return expr.NewCol(i, b.groupColumn(i)) }

// aggRef registers an aggregate call (once per distinct call) and refers to its result.
func (b *block) aggRef(a *ast.AggregateFuncExpr) (expr.Expr, error) {
	name := strings.ToLower(a.F)
	row := b.rowConv(b.sc, "field list")
	one := func() (expr.Expr, error) {
		if len(a.Args) != 1 {
			if a.Distinct && len(a.Args) > 1 {
				return nil, b.c.at(unsupported("%s(DISTINCT ...) over several expressions", strings.ToUpper(name)), a)
			}
			return nil, b.c.at(newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function '%s'", strings.ToUpper(name)), a)
		}
		return row.conv(a.Args[0])
	}
	var info aggInfo
	var err error
	switch name {
	case ast.AggFuncCount:
		if info.arg, err = one(); err != nil {
			return nil, err
		}
		info.spec = AggSpec{Func: expr.AggCount, Distinct: a.Distinct, Type: countType}
		if v, ok := expr.ConstValue(info.arg); ok && !v.IsNull() && !a.Distinct {
			// COUNT(*) (the parser writes it COUNT(1)) and COUNT(<non-NULL constant>) count rows.
			info.spec.Func, info.arg = expr.AggCountStar, nil
		}
		info.col = dataflow.Column{Name: "COUNT(*)", Type: countType}
	case ast.AggFuncSum, ast.AggFuncAvg:
		if info.arg, err = one(); err != nil {
			return nil, err
		}
		f := expr.AggSum
		if name == ast.AggFuncAvg {
			f = expr.AggAvg
		}
		info.spec = AggSpec{Func: f, Distinct: a.Distinct, Type: sumType(info.arg.Type(), f == expr.AggAvg)}
		if b.c.dialect == PostgreSQL && f == expr.AggSum {
			info.spec.Type = pgSumType(info.arg.Type(), info.spec.Type)
		}
	case ast.AggFuncMin, ast.AggFuncMax:
		if info.arg, err = one(); err != nil {
			return nil, err
		}
		f := expr.AggMin
		if name == ast.AggFuncMax {
			f = expr.AggMax
		}
		t := info.arg.Type()
		t.Nullable = true
		// DISTINCT changes neither extreme.
		info.spec = AggSpec{Func: f, Type: t}
	case ast.AggFuncGroupConcat:
		if err := b.groupConcat(a, row, &info); err != nil {
			return nil, err
		}
	case ast.AggFuncJsonArrayagg:
		if info.arg, err = one(); err != nil {
			return nil, err
		}
		info.spec = AggSpec{Func: expr.AggJSONArray, ArgJSON: expr.IsJSONType(info.arg.Type()), Type: jsonAggType}
	case ast.AggFuncJsonObjectAgg:
		if len(a.Args) != 2 {
			return nil, b.c.at(newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function 'JSON_OBJECTAGG'"), a)
		}
		key, err := row.conv(a.Args[0])
		if err != nil {
			return nil, err
		}
		val, err := row.conv(a.Args[1])
		if err != nil {
			return nil, err
		}
		// The aggregate collects each row's member text; a NULL key makes it NULL, and
		// MariaDB skips such a row.
		info.arg = expr.NewJSONMember(key, val)
		info.spec = AggSpec{Func: expr.AggJSONObject, Type: jsonAggType}
	default:
		return nil, b.c.at(unsupported("the aggregate function %s()", strings.ToUpper(name)), a)
	}
	if info.col.Name == "" {
		info.col = dataflow.Column{Name: restoreText(a), Type: info.spec.Type}
	}
	j := b.addAgg(info)
	return expr.NewCol(aggBase+j, b.aggs[j].col), nil
}

// addAgg registers an aggregate once per distinct call and returns its number.
func (b *block) addAgg(info aggInfo) int {
	info.col.Type = info.spec.Type
	argStr := ""
	if info.arg != nil {
		argStr = info.arg.String()
	}
	if info.order != nil {
		argStr += " ORDER BY " + info.order.String()
	}
	key := fmt.Sprintf("%d/%t/%q/%t/%t/%d/%d/%s", info.spec.Func, info.spec.Distinct, info.spec.Separator, info.spec.OrderDesc,
		info.spec.HasLimit, info.spec.Limit, info.spec.Offset, argStr)
	j, ok := b.aggIdx[key]
	if !ok {
		b.aggs = append(b.aggs, info)
		j = len(b.aggs) - 1
		b.aggIdx[key] = j
	}
	return j
}

// jsonAggType is the type of JSON_ARRAYAGG and JSON_OBJECTAGG: a JSON document (so JSON
// functions over it embed it as JSON), NULL for an empty group.
var jsonAggType = dataflow.Type{Kind: dataflow.KindString, Precision: 4294967295, SQL: "JSON", Nullable: true}

// groupConcatMaxLen is MariaDB's default group_concat_max_len: a GROUP_CONCAT result is cut
// at this many bytes (at a character boundary), as MariaDB cuts it. The session variable is
// not followed.
const groupConcatMaxLen = 1 << 20

// groupConcat compiles GROUP_CONCAT([DISTINCT] x, ... [ORDER BY x [ASC|DESC]] [SEPARATOR s]).
// The parser appends the separator (',' by default) as the last argument.
func (b *block) groupConcat(a *ast.AggregateFuncExpr, row *exprConv, info *aggInfo) error {
	if len(a.Args) < 2 {
		return b.c.at(newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function 'GROUP_CONCAT'"), a)
	}
	sepNode, ok := a.Args[len(a.Args)-1].(*test_driver.ValueExpr)
	if !ok || sepNode.Kind() != test_driver.KindString {
		return b.c.at(unsupported("this GROUP_CONCAT separator"), a)
	}
	if call, _, ok := parseJSONArrayAggMarker(sepNode.GetString()); ok {
		return b.jsonArrayAgg(a, row, info, call)
	}
	var args []expr.Expr
	for _, n := range a.Args[:len(a.Args)-1] {
		e, err := row.conv(n)
		if err != nil {
			return err
		}
		args = append(args, e)
	}
	arg := args[0]
	if len(args) > 1 {
		// Several values are concatenated per row; a NULL among them skips the row, exactly
		// as CONCAT's NULL does.
		e, err := expr.NewFunc("concat", args)
		if err != nil {
			return b.c.at(unsupported("this GROUP_CONCAT"), a)
		}
		arg = e
	}
	info.arg = arg
	info.spec = AggSpec{Func: expr.AggGroupConcat, Distinct: a.Distinct, Separator: sepNode.GetString(), Type: textType}
	if b.c.dialect != PostgreSQL {
		// PostgreSQL's string_agg, compiled as GROUP_CONCAT, has no such cap.
		info.spec.MaxLen = groupConcatMaxLen
	}
	if a.Order != nil {
		if len(a.Order.Items) != 1 {
			return b.c.at(unsupported("GROUP_CONCAT ... ORDER BY on several terms"), a)
		}
		it := a.Order.Items[0]
		if _, isPos := unparen(it.Expr).(*ast.PositionExpr); isPos {
			return b.c.at(unsupported("GROUP_CONCAT ... ORDER BY a position"), a)
		}
		e, err := row.conv(it.Expr)
		if err != nil {
			return err
		}
		if e.String() != arg.String() {
			return b.c.at(unsupported("GROUP_CONCAT ... ORDER BY anything but the concatenated value"), a)
		}
		info.spec.OrderDesc = it.Desc
	}
	return nil
}

// jsonArrayAgg compiles JSON_ARRAYAGG([DISTINCT] x [ORDER BY x [ASC|DESC]] [LIMIT ...]),
// which reaches the parser as a GROUP_CONCAT whose separator is call's marker (see
// rewriteJSONArrayAgg).
func (b *block) jsonArrayAgg(a *ast.AggregateFuncExpr, row *exprConv, info *aggInfo, call jsonArrayAggCall) error {
	if len(a.Args) != 2 {
		return b.c.at(newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function 'JSON_ARRAYAGG'"), a)
	}
	arg, err := row.conv(a.Args[0])
	if err != nil {
		return err
	}
	info.arg = arg
	info.col = dataflow.Column{Name: call.original}
	info.spec = AggSpec{Func: expr.AggJSONArray, Distinct: a.Distinct, ArgJSON: expr.IsJSONType(arg.Type()), Type: jsonAggType,
		HasLimit: call.hasLimit, Limit: call.limit, Offset: call.offset}
	if a.Order == nil {
		return nil
	}
	if len(a.Order.Items) != 1 {
		return b.c.at(unsupported("JSON_ARRAYAGG ... ORDER BY on several terms"), a)
	}
	it := a.Order.Items[0]
	if pos, isPos := unparen(it.Expr).(*ast.PositionExpr); isPos {
		// A position counts the call's arguments, as in MariaDB; there is one.
		if pos.P != nil || pos.N != 1 {
			return b.c.at(unsupported("JSON_ARRAYAGG ... ORDER BY a position other than 1"), a)
		}
	} else {
		e, err := row.conv(it.Expr)
		if err != nil {
			return err
		}
		if e.String() != arg.String() {
			if a.Distinct {
				return b.c.at(unsupported("JSON_ARRAYAGG(DISTINCT ... ORDER BY another expression)"), a)
			}
			// Elements follow the ORDER BY expression, the values of rows that tie there
			// in value order.
			info.order = e
		}
	}
	info.spec.OrderDesc = it.Desc
	return nil
}

// aggregate builds the Aggregate over the FROM plan, with a projection below it when a group
// expression or an aggregate argument is more than a column.
func (b *block) aggregate(bt *built) *Aggregate {
	var pre []expr.Expr
	pre = append(pre, b.groups...)
	for _, a := range b.aggs {
		if a.arg != nil {
			pre = append(pre, a.arg)
		}
		if a.order != nil {
			pre = append(pre, a.order)
		}
	}
	direct := true
	for _, e := range pre {
		idx, ok := expr.Index(e)
		if !ok || !bt.has([]int{idx}) {
			direct = false
			break
		}
	}
	input := bt.plan
	var pos func(e expr.Expr) int
	if direct {
		pos = func(e expr.Expr) int {
			idx, _ := expr.Index(e)
			return bt.pos[idx]
		}
	} else {
		at := map[string]int{}
		var exprs []expr.Expr
		var cols []dataflow.Column
		for _, e := range pre {
			s := e.String()
			if _, ok := at[s]; ok {
				continue
			}
			at[s] = len(exprs)
			exprs = append(exprs, bt.local(e))
			c := dataflow.Column{Name: s, Type: e.Type()}
			if idx, ok := expr.Index(e); ok {
				c = b.sc.cols[idx].col
			}
			cols = append(cols, c)
		}
		input = project(bt.plan, exprs, cols)
		pos = func(e expr.Expr) int { return at[e.String()] }
	}
	agg := &Aggregate{Input: input}
	for i, g := range b.groups {
		agg.GroupBy = append(agg.GroupBy, pos(g))
		agg.Cols = append(agg.Cols, b.groupColumn(i))
	}
	for _, a := range b.aggs {
		spec := a.spec
		if a.arg != nil {
			spec.Arg = pos(a.arg)
		}
		if a.order != nil {
			spec.OrderByArg, spec.OrderArg = true, pos(a.order)
		}
		agg.Aggs = append(agg.Aggs, spec)
		agg.Cols = append(agg.Cols, a.col)
	}
	return agg
}

// emptyGroupRow computes the result row of a key whose group is empty, as MySQL answers a
// scalar aggregate over no rows: COUNT is 0, every other aggregate and every column NULL, and
// whatever stands between the aggregate and the root (HAVING, the projection) is evaluated
// over that. Only the hidden key columns carry the key, so the row files under it.
func emptyGroupRow(root Plan, agg *Aggregate, keyCols []int) emptyRowFunc {
	return func(key dataflow.Row) (dataflow.Row, bool) {
		if len(key) != len(keyCols) {
			return nil, false
		}
		row := make(dataflow.Row, len(agg.Cols))
		for j, a := range agg.Aggs {
			if a.Func == expr.AggCountStar || a.Func == expr.AggCount {
				row[len(agg.GroupBy)+j] = dataflow.Int(0)
			}
		}
		out, ok := evalAbove(root, agg, row)
		if !ok {
			return nil, false
		}
		for i, kc := range keyCols {
			if kc < len(out) {
				out[kc] = key[i]
			}
		}
		return out, true
	}
}

func evalAbove(p Plan, agg *Aggregate, row dataflow.Row) (dataflow.Row, bool) {
	if a, ok := p.(*Aggregate); ok && a == agg {
		return row, true
	}
	switch p := p.(type) {
	case *Filter:
		r, ok := evalAbove(p.Input, agg, row)
		if !ok || !p.Pred.Eval(r).Truthy() {
			return nil, false
		}
		return r, true
	case *Project:
		r, ok := evalAbove(p.Input, agg, row)
		if !ok {
			return nil, false
		}
		out := make(dataflow.Row, len(p.Exprs))
		for i, e := range p.Exprs {
			out[i] = e.Eval(r)
		}
		return out, true
	case *Distinct:
		return evalAbove(p.Input, agg, row)
	case *TopK:
		r, ok := evalAbove(p.Input, agg, row)
		if !ok || p.Offset > 0 || p.Limit <= 0 {
			return nil, false
		}
		return r, true
	}
	return nil, false
}

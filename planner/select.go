package planner

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// aggBase numbers aggregate results while the list of group columns may still grow (columns
// that depend on a grouped primary key join the group as they are met): an aggregate j is
// column aggBase+j until the layout is final, then G+j.
const aggBase = 1 << 30

// block compiles one SELECT query block.
type block struct {
	c *compiler
	// outer marks the statement's outermost SELECT, whose lookups the reader's merge combines.
	outer bool
	// orBranch marks a branch of an outermost SELECT with a parameter under OR (or.go).
	orBranch bool
	// orCarry, for the branch of an aggregating SELECT with a parameter under OR, are the
	// columns the disjuncts read, which the branch keeps beside its rows (orAggQuery);
	// orCarriedAt receives their positions in the branch's rows.
	orCarry     []*ast.ColumnNameExpr
	orCarriedAt map[int]int
	// where describes a nested block for messages ("in a derived table").
	where string
	// nest says what keys a nested block may pass up to the query that encloses it.
	nest   nesting
	parent *scope
	sc     *scope

	items []*selItem

	// distinct and limited record DISTINCT and LIMIT, which decide what nested blocks may
	// pass up.
	distinct, limited bool

	// Aggregation state: group expressions and aggregates (over global columns).
	agg      bool
	groups   []expr.Expr
	groupIdx map[string]int
	aggs     []aggInfo
	aggIdx   map[string]int
	// postWhat names the expression being compiled over the aggregate, for 1055 messages.
	postWhat string

	// inherited are the keys of the nested blocks of FROM and of IN subqueries, carried
	// through this block as hidden columns.
	inherited []keyPart
	// joinEqs are the equalities the block's joins are keyed on (see fdgroup.go).
	joinEqs []joinEq
	// corr, for a subquery that may be correlated, collects its correlation equalities;
	// antis are the anti-joins of NOT EXISTS and NOT IN conditions (see exists.go).
	corr  *correlation
	antis []*fromLeft
	// onSubqueries are the subquery conditions of inner joins' ON clauses, planned with
	// WHERE's.
	onSubqueries []ast.ExprNode
	// existsVals are the values of the select list's EXISTS (see selectExists).
	existsVals map[*ast.ExistsSubqueryExpr]expr.Expr
	// scalarVals are the values of the block's scalar subqueries (see subquery.go).
	scalarVals map[*ast.SubqueryExpr]expr.Expr
	// subqueryVals are the values of the block's IN, NOT IN and EXISTS subqueries that
	// stand inside expressions (see invalue.go).
	subqueryVals map[ast.ExprNode]expr.Expr
	// postSteps and postCols are the computed columns and LEFT JOINs above the aggregate of
	// IN (subquery) values on aggregates, postValsByText those values and postFirst the
	// first of them, for messages (see postInValue).
	postSteps      []postStep
	postCols       []dataflow.Column
	postValsByText map[string]expr.Expr
	postFirst      ast.ExprNode
	// valuesByText are the same values by their text, each joined once.
	valuesByText map[string]*subqueryValue
	// valueClause is MySQL's name of the clause whose subquery value is being compiled,
	// for messages about its operand; WHERE's when empty.
	valueClause string
	// eqSemis are the WHERE conjuncts `col = (SELECT …)` planned as semi-joins.
	eqSemis map[ast.ExprNode]*eqSemi
	// computed are the hidden columns of IN (subquery) over expressions (see computed.go).
	computed []computedCol
	// fromCols counts the global columns of the FROM clause; the subqueries' hidden
	// columns follow them.
	fromCols int
	// stars holds the SELECT * order of the FROM clause's joins (see join_using.go);
	// usingStar says one is a USING or NATURAL join, whose order star then is.
	stars     map[fromNode][]int
	usingStar bool
	star      []int
	// Window functions (window.go): whether the block has any, its calls, and the named
	// windows of its WINDOW clause.
	hasWin  bool
	wins    []*winInfo
	winIdx  map[string]int
	winDefs map[string]*ast.WindowSpec
}

// selItem is one column of the select list.
type selItem struct {
	node  ast.ExprNode // nil for a column that `*` expanded to
	star  int          // the expanded column's global number, -1 otherwise
	label string
	alias bool // label came from AS
	table string
	e     expr.Expr
}

type aggInfo struct {
	spec AggSpec
	arg  expr.Expr // global; nil for COUNT(*)
	// order is JSON_ARRAYAGG's ORDER BY expression when it is not arg (global).
	order expr.Expr
	col   dataflow.Column
}

// orderRef is one ORDER BY term: a visible column, or an expression kept as a hidden column.
type orderRef struct {
	vis  int
	e    expr.Expr
	desc bool
}

// query compiles the statement's SELECT or UNION.
func (c *compiler) query(n ast.ResultSetNode) (*Query, error) {
	var q *Query
	var err error
	switch n := n.(type) {
	case *ast.SelectStmt:
		b := &block{c: c, outer: true}
		q, err = b.plan(n)
	case *ast.SetOprStmt:
		q, err = c.union(n, nesting{})
	default:
		err = unsupported("this statement")
	}
	if err != nil {
		return nil, err
	}
	q.NumParams = len(c.params)
	q.ParamTypes = make([]dataflow.Type, q.NumParams)
	for i := range q.ParamTypes {
		q.ParamTypes[i] = paramType
		if i < len(c.paramTypes) {
			q.ParamTypes[i] = c.paramTypes[i]
		}
	}
	q.Text = c.normalize(n.(ast.Node), c.keys)
	if q.Or != nil {
		for i, br := range q.Or.Branches {
			br.NumParams, br.ParamTypes = q.NumParams, q.ParamTypes
			br.Text = q.Text + " /* branch " + strconv.Itoa(i) + " of OR */"
		}
	}
	return q, nil
}

// subquery compiles a nested query block (a derived table, an IN subquery, a UNION branch).
func (c *compiler) subquery(n ast.ResultSetNode, parent *scope, nest nesting) (*Query, error) {
	switch n := n.(type) {
	case *ast.SelectStmt:
		b := &block{c: c, where: nest.where, parent: parent, nest: nest}
		return b.plan(n)
	case *ast.SetOprStmt:
		return c.union(n, nest)
	}
	return nil, unsupported("this subquery (%T)", n)
}

// normalize renders the statement with the literals of its key conditions replaced by `?`,
// so that queries that differ only in those literals share one text (and one view).
func (c *compiler) normalize(n ast.Node, keys []*keyCond) string {
	for _, k := range keys {
		for _, site := range k.sites {
			site()
		}
	}
	var sb strings.Builder
	if err := n.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags|format.RestoreStringWithoutDefaultCharset, &sb)); err != nil {
		// Without a canonical rendering the text itself still identifies the query exactly.
		return c.sql
	}
	return sb.String()
}

func (b *block) rowConv(sc *scope, clause string) *exprConv {
	return &exprConv{c: b.c, sc: sc, clause: clause, view: true, where: b.where, scalars: b.scalarHook,
		subqueryVals: b.subqueryValHook}
}

func checkSelect(sel *ast.SelectStmt) error {
	switch {
	case sel.Kind != ast.SelectStmtKindSelect:
		return unsupported("TABLE statements")
	case sel.SelectIntoOpt != nil:
		return unsupported("SELECT ... INTO")
	case sel.LockInfo != nil && sel.LockInfo.LockType != ast.SelectLockNone:
		return unsupported("locking reads (FOR UPDATE / FOR SHARE)")
	case sel.GroupBy != nil && sel.GroupBy.Rollup:
		return unsupported("GROUP BY ... WITH ROLLUP")
	case sel.From != nil && sel.From.TableRefs == nil:
		return unsupported("this FROM clause")
	}
	return nil
}

// plan compiles the block. Columns are numbered globally (scope order) until the very end,
// where every expression is mapped onto the positions of the operator that evaluates it.
func (b *block) plan(sel *ast.SelectStmt) (*Query, error) {
	if sel.Kind == ast.SelectStmtKindValues {
		return b.values(sel)
	}
	if err := checkSelect(sel); err != nil {
		return nil, err
	}
	if sel.With != nil {
		w := sel.With
		sel.With = nil // compiled once, by the call below; restored for the text
		defer func() { sel.With = w }()
		return b.c.withCTEs(w, func() (*Query, error) { return b.plan(sel) })
	}
	if b.outer && !b.orBranch {
		if q, ok, err := b.c.orQuery(sel); ok {
			return q, err
		}
	}
	b.sc = &scope{outer: b.parent}
	b.groupIdx = map[string]int{}
	b.aggIdx = map[string]int{}
	b.agg = sel.GroupBy != nil || hasAggregate(sel)
	b.distinct, b.limited = sel.Distinct, sel.Limit != nil
	b.hasWin, b.winIdx = hasWindow(sel), map[string]int{}
	if err := b.windowDefs(sel); err != nil {
		return nil, err
	}
	if !b.outer && b.agg && sel.GroupBy == nil && !b.nest.emptyRow && b.nest.noKeys == "" {
		// A scalar aggregate has a row even for an empty group, which no operator produces:
		// only the reader makes it up (Query.EmptyRow), and a nested block has no reader.
		b.nest.noKeys = "in an aggregate without GROUP BY " + b.where
	}
	var from fromNode
	var err error
	if sel.From == nil {
		from, err = b.dual(sel)
	} else {
		from, err = b.walkFrom(sel.From.TableRefs, false)
	}
	if err != nil {
		return nil, err
	}
	b.fromCols = len(b.sc.cols)
	if b.usingStar {
		b.star = b.starCols(from)
	}
	if err := b.selectItems(sel.Fields); err != nil {
		return nil, err
	}
	if sel.GroupBy != nil {
		if err := b.groupByValues(sel); err != nil {
			return nil, err
		}
		for _, it := range sel.GroupBy.Items {
			e, err := b.groupItem(it.Expr)
			if err != nil {
				return nil, err
			}
			b.addGroup(e)
		}
	}
	conjs := append(splitAnd(sel.Where), b.onSubqueries...)
	if b.corr != nil {
		if conjs, err = b.correlate(conjs); err != nil {
			return nil, err
		}
	}
	keys, err := b.c.keyConds(b.sc, conjs, true)
	if err != nil {
		return nil, err
	}
	if keys, err = b.nestedKeys(keys); err != nil {
		return nil, err
	}
	var combine bool
	if keys, combine, err = b.checkKeys(keys, sel.GroupBy == nil); err != nil {
		return nil, err
	}
	// An aggregating branch of a parameter under OR keeps its rows, not its groups: a read
	// aggregates the rows of every branch together (orAggQuery).
	combine = combine || (b.orBranch && b.agg)
	if b.hasWin {
		if keys, err = b.windowKeys(keys); err != nil {
			return nil, err
		}
		if b.agg && sel.GroupBy == nil && len(keys)+len(b.inherited) > 0 {
			return nil, unsupported("window functions over an aggregate without GROUP BY in a query with parameters")
		}
	}
	var ranges []*rangeCond
	if b.outer && !b.hasWin && !b.orBranch {
		// A branch of a parameter under OR filters its rows at read time by the disjuncts
		// before it, over every row of a key: its literal ranges stay filters.
		if ranges, err = b.rangeConds(conjs, keys); err != nil {
			return nil, err
		}
	}
	if combine && len(ranges) > 0 {
		return nil, b.c.at(unsupported("a range condition together with an IN list of parameters over an aggregate that spans its keys"), ranges[0].src)
	}
	notPreds := keys
	for _, r := range ranges {
		notPreds = append(notPreds[:len(notPreds):len(notPreds)], &keyCond{conj: r.conj})
	}
	if err := b.scalarSubqueries(sel, conjs); err != nil {
		return nil, err
	}
	if err := b.subqueryValues(sel, conjs); err != nil {
		return nil, err
	}
	preds, semis, err := b.wherePreds(conjs, notPreds)
	if err != nil {
		return nil, err
	}
	if err := b.selectExists(sel.Fields); err != nil {
		return nil, err
	}
	if len(b.computed) > 0 {
		from = &fromComputed{input: from, cols: b.computed}
	}
	if len(semis) > 0 {
		g := &fromInner{}
		if in, ok := from.(*fromInner); ok {
			g.items, g.conds = append(g.items, in.items...), in.conds
		} else {
			g.items = []fromNode{from}
		}
		for _, s := range semis {
			g.items = append(g.items, s)
		}
		from = g
	}
	from = b.wrapAntis(from)
	bt, err := b.build(from, preds)
	if err != nil {
		return nil, err
	}
	limit, offset, hasLimit, err := b.c.limit(sel.Limit, b.where)
	if err != nil {
		return nil, err
	}
	var paging *Paging
	if hasLimit && (limit < 0 || offset < 0) {
		paging = &Paging{Count: limit, Offset: offset, CountArg: -1, OffsetArg: -1}
		if limit < 0 {
			paging.CountArg, paging.Count = -1-limit, 0
		}
		if offset < 0 {
			paging.OffsetArg, paging.Offset = -1-offset, 0
		}
		hasLimit = false
	}
	if hasLimit && limit == math.MaxInt32 && offset == 0 {
		hasLimit = false
	}
	parts := make([]keyPart, 0, len(keys)+len(b.inherited))
	for _, k := range keys {
		parts = append(parts, condPart(k))
	}
	parts = append(parts, b.inherited...)
	lookups, ok := crossParts(parts)
	if !ok {
		return nil, unsupported("IN lists whose combinations exceed %d lookups", maxLookups)
	}
	multi := len(lookups) > 1
	if multi && paging != nil {
		return nil, unsupported("a parameter (?) in LIMIT together with IN (...) lookups")
	}
	if multi && !b.outer {
		if err := b.checkMulti(keys, sel.Distinct, hasLimit); err != nil {
			return nil, err
		}
	}
	var keyCols []int
	for _, p := range parts {
		keyCols = append(keyCols, p.cols...)
	}
	if combine {
		return b.combinedQuery(sel, bt, keys, keyCols, lookups, limit, offset, hasLimit)
	}
	outCols := keyCols
	if b.corr != nil {
		// The correlation columns follow the key columns.
		outCols = append(slices.Clone(keyCols), b.corr.inner...)
	}
	q := &Query{Limit: -1}
	if len(ranges) > 0 && hasLimit {
		// The window depends on the bounds: the reader keeps every row of a key and each
		// read keeps the window of its range (no TopK).
		if multi {
			q.Limit, q.Offset = limit, offset
		} else {
			paging = &Paging{Count: limit, Offset: offset, CountArg: -1, OffsetArg: -1}
		}
		hasLimit = false
	}
	rcols := rangeCols(ranges)
	var input Plan
	var exprs []expr.Expr
	var order []orderRef
	var aggNode *Aggregate
	if b.agg {
		input, exprs, order, aggNode, err = b.aggOutput(sel, bt, append(outCols[:len(outCols):len(outCols)], rcols...), len(outCols))
	} else {
		input, exprs, order, err = b.plainOutput(sel, bt, append(outCols[:len(outCols):len(outCols)], rcols...))
	}
	if err != nil {
		return nil, err
	}
	// The output: visible columns, hidden sort columns, key columns.
	var cols []dataflow.Column
	for _, it := range b.items {
		cols = append(cols, dataflow.Column{Table: it.table, Name: it.label, Type: it.e.Type()})
	}
	q.Cols = append([]dataflow.Column(nil), cols...)
	var sortKeys []dataflow.SortKey
	hidden := len(b.items)
	for _, o := range order {
		pos := o.vis
		if pos < 0 {
			pos = hidden
			hidden++
			cols = append(cols, dataflow.Column{Type: o.e.Type()})
		}
		sortKeys = append(sortKeys, dataflow.SortKey{Col: pos, Desc: o.desc})
	}
	if sel.Distinct && hidden > len(b.items) {
		return nil, newErr(CodeOrderNotInDistinct, "Expression #1 of ORDER BY clause is not in SELECT list, references column which is not in SELECT list; this is incompatible with DISTINCT")
	}
	for i, col := range keyCols {
		q.KeyCols = append(q.KeyCols, hidden+i)
		cols = append(cols, b.sc.cols[col].col)
	}
	if b.corr != nil {
		b.corr.out = hidden + len(keyCols)
		for _, col := range b.corr.inner {
			cols = append(cols, b.sc.cols[col].col)
		}
	}
	rangePos := map[int]int{}
	for i, col := range rcols {
		pos := hidden + len(outCols) + i
		cols = append(cols, b.sc.cols[col].col)
		// A range column that is also selected or sorted on is read there, so that the
		// reader's order can be the query's.
		for j := range hidden {
			if j < len(exprs) && exprs[j].String() == exprs[pos].String() {
				pos = j
				break
			}
		}
		rangePos[col] = pos
	}
	for _, r := range ranges {
		q.Ranges = append(q.Ranges, RangeCond{Col: rangePos[r.col], Op: r.op, Bound: r.bound})
	}
	root := project(input, exprs, cols)
	if sel.Distinct {
		root = &Distinct{Input: root}
	}
	if hasLimit {
		t := &TopK{Input: root, GroupBy: append([]int(nil), q.KeyCols...), Order: sortKeys, Limit: limit, Offset: offset}
		b.correlatedTopK(t)
		if multi {
			// Each lookup keeps enough rows for the merge to skip the offset.
			t.Limit, t.Offset = addCap(limit, offset), 0
			q.Limit, q.Offset = limit, offset
		}
		root = t
	}
	q.Root = root
	q.Order = sortKeys
	q.Paging = paging
	q.Distinct = (multi || len(ranges) > 0) && sel.Distinct
	q.Lookups = lookups
	for _, k := range keys {
		for _, a := range k.alts {
			if a.Param >= 0 {
				b.c.setParamType(a.Param, b.sc.cols[k.col].col.Type)
			}
		}
	}
	if aggNode != nil && sel.GroupBy == nil && b.corr != nil && b.corr.scalar {
		b.corr.empty = emptyGroupRow(root, aggNode, q.KeyCols)
	}
	if aggNode != nil && sel.GroupBy == nil && len(keyCols) > 0 {
		q.EmptyRow = emptyGroupRow(root, aggNode, q.KeyCols)
	}
	for _, r := range ranges {
		if r.params {
			b.c.setParamType(r.bound.Param, b.sc.cols[r.col].col.Type)
		}
	}
	b.c.keys = append(b.c.keys, keys...)
	for _, r := range ranges {
		b.c.keys = append(b.c.keys, &keyCond{conj: r.conj, sites: r.sites})
	}
	return q, nil
}

// nestedKeys applies to the key conditions of a nested block what its enclosing query can
// carry. A literal condition stays a filter (always right) where a key would be refused,
// and so does a literal IN list: its several lookups would restrict what encloses the block.
func (b *block) nestedKeys(keys []*keyCond) ([]*keyCond, error) {
	if b.outer {
		return keys, nil
	}
	var out []*keyCond
	for _, k := range keys {
		switch {
		case k.params && b.nest.noKeys != "":
			return nil, b.c.at(unsupported("a parameter (?) %s", b.nest.noKeys), k.src)
		case k.params || (b.nest.noKeys == "" && len(k.alts) == 1):
			out = append(out, k)
		}
	}
	return out, nil
}

// checkMulti refuses several lookups in a nested block where their results cannot simply be
// concatenated: under DISTINCT or LIMIT of the block itself, whose merge only the reader of
// the outermost query performs, or where the enclosing query needs one lookup (nest.single).
// Literal IN lists are filters in nested blocks and nested blocks pass up several lookups
// only where allowed, so the culprit is an IN list of parameters of this block.
func (b *block) checkMulti(keys []*keyCond, distinct, limit bool) error {
	reason := b.nest.single
	switch {
	case reason != "":
	case distinct:
		reason = "together with DISTINCT " + b.where
	case limit:
		reason = "together with LIMIT " + b.where
	default:
		return nil
	}
	err := unsupported("an IN list of parameters %s", reason)
	for _, k := range keys {
		if len(k.alts) > 1 {
			return b.c.at(err, k.src)
		}
	}
	return err
}

// childNest is what a nested block of this one (a derived table in FROM, an IN subquery)
// may pass up, where describing it.
func (b *block) childNest(where string) nesting {
	n := nesting{where: where, noKeys: b.nest.noKeys, single: b.nest.single}
	if n.single != "" {
		return n
	}
	switch {
	case b.agg:
		n.single = where + " whose rows the enclosing query aggregates"
	case !b.outer && b.distinct:
		n.single = where + " of a SELECT DISTINCT " + b.where
	case !b.outer && b.limited:
		n.single = where + " of a SELECT with LIMIT " + b.where
	}
	return n
}

// plainOutput compiles the select list, HAVING and ORDER BY of a block without aggregation:
// the projection's expressions (visible, hidden sort, key columns) over the FROM plan.
func (b *block) plainOutput(sel *ast.SelectStmt, bt *built, keyCols []int) (Plan, []expr.Expr, []orderRef, error) {
	order, err := b.plainSelect(sel, bt)
	if err != nil {
		return nil, nil, nil, err
	}
	input, local := bt.plan, bt.local
	if len(b.wins) > 0 {
		keys := make([]int, len(keyCols))
		for i, col := range keyCols {
			keys[i] = bt.pos[col]
		}
		var at []int
		input, at = b.windowPlan(bt.plan, bt.local, keys)
		local = func(e expr.Expr) expr.Expr {
			return windowResults(e, at, func(i int) int {
				if i < 0 || i >= len(bt.pos) {
					return -1
				}
				return bt.pos[i]
			})
		}
	}
	var exprs []expr.Expr
	for _, it := range b.items {
		exprs = append(exprs, local(it.e))
	}
	for _, o := range order {
		if o.vis < 0 {
			exprs = append(exprs, local(o.e))
		}
	}
	for _, col := range keyCols {
		exprs = append(exprs, local(b.colExpr(col)))
	}
	return input, exprs, order, nil
}

// aggOutput builds the Aggregate (grouped by the key columns too) and HAVING over the FROM
// plan, and compiles the projection's expressions over them.
// The hidden columns past the first nkeys of keyCols are range columns, which are group
// columns already and take no part in choosing the groups that are kept.
func (b *block) aggOutput(sel *ast.SelectStmt, bt *built, keyCols []int, nkeys int) (Plan, []expr.Expr, []orderRef, *Aggregate, error) {
	var keyGroup []int
	for _, col := range keyCols {
		keyGroup = append(keyGroup, b.addGroup(b.colExpr(col)))
	}
	having, order, err := b.aggSelect(sel)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	agg := b.aggregate(bt)
	grouped, reduced := reduceGroups(agg, b.dependentGroups(keyGroup[:nkeys]))
	g := len(b.groups)
	width := len(agg.Cols)
	post := func(e expr.Expr) expr.Expr {
		return expr.Remap(e, func(i int) int {
			if i >= aggBase {
				return g + i - aggBase
			}
			if i >= postJoinBase && i < winBase {
				return width + i - postJoinBase
			}
			return i
		})
	}
	var input = grouped
	if len(b.postSteps) > 0 {
		input = b.postJoins(input, post)
	}
	if having != nil {
		if v, ok := expr.ConstValue(having); !ok || !v.Truthy() {
			input = &Filter{Input: input, Pred: post(having)}
		}
	}
	var exprs []expr.Expr
	for _, it := range b.items {
		it.e = post(it.e)
		exprs = append(exprs, it.e)
	}
	for i := range order {
		if order[i].vis < 0 {
			order[i].e = post(order[i].e)
			exprs = append(exprs, order[i].e)
		}
	}
	for _, gi := range keyGroup {
		exprs = append(exprs, expr.NewCol(gi, agg.Cols[gi]))
	}
	if len(b.wins) > 0 {
		var at []int
		input, at = b.windowPlan(input, post, keyGroup[:nkeys])
		for i := range exprs {
			exprs[i] = windowResults(exprs[i], at, func(i int) int { return i })
		}
	}
	return input, exprs, order, reduced, nil
}

func addCap(a, b int) int {
	if a > math.MaxInt32-b {
		return math.MaxInt32
	}
	return a + b
}

// checkKeys applies the rules that tie keys to aggregation: several lookups are merged as
// they are only when each lookup's groups are its own, so an IN list over a GROUP BY column.
// An IN list of parameters over another column makes groups that span its keys, which the
// read combines (combine is true; see combine.go) in the outermost SELECT; a literal IN list
// there is simply a filter again.
func (b *block) checkKeys(keys []*keyCond, scalar bool) (out []*keyCond, combine bool, err error) {
	if !b.agg {
		return keys, false, nil
	}
	for _, k := range keys {
		if len(k.alts) > 1 && (scalar || !b.grouped(k.col)) {
			if !k.params {
				continue
			}
			switch {
			case !b.outer:
				return nil, false, b.c.at(unsupported("an IN parameter list with an aggregate over several keys %s (add the IN column to GROUP BY)", b.where), k.src)
			case b.hasWin:
				return nil, false, b.c.at(unsupported("an IN parameter list with an aggregate over several keys in a query with window functions (add the IN column to GROUP BY)"), k.src)
			}
			combine = true
		}
		out = append(out, k)
	}
	return out, combine, nil
}

// combinedQuery compiles the output of an aggregating outermost block whose IN list of
// parameters spans groups (see combine.go): the view keeps the aggregate grouped by the key
// columns too, with a hidden SUM and COUNT beside each AVG, and the select list, HAVING,
// ORDER BY, DISTINCT and LIMIT become the read's combination.
func (b *block) combinedQuery(sel *ast.SelectStmt, bt *built, keys []*keyCond, keyCols []int, lookups [][]KeySource, limit, offset int, hasLimit bool) (*Query, error) {
	// The select list is compiled before the key columns join the groups: a column that
	// only one key would determine is no group of the combined result.
	having, order, err := b.aggSelect(sel)
	if err != nil {
		return nil, err
	}
	if len(b.postSteps) > 0 {
		// The read combines the groups of several keys (or branches) after the view: a
		// join above the aggregate would see each key's part of a group alone.
		return nil, b.c.at(unsupported("IN (subquery) on an aggregate's value in a query whose read combines the groups of several keys (an IN list of parameters over a column not grouped by, or a parameter under OR)"), b.postFirst)
	}
	type avgParts struct{ avg, sum, count int }
	var avgs []avgParts
	// An aggregate that does not decompose into parts that add up makes the view keep rows,
	// not groups, as a parameter under OR does: the read computes it over the rows of every
	// key together (CombineAgg.Collect).
	rowwise := b.orBranch
	for j, n := 0, len(b.aggs); j < n; j++ {
		a := b.aggs[j]
		switch f := a.spec.Func; {
		case collects(a.spec):
			rowwise = true
		case f == expr.AggCountStar || f == expr.AggCount || f == expr.AggSum || f == expr.AggMin || f == expr.AggMax:
		case f == expr.AggAvg:
			arg := a.arg.String()
			if idx, ok := expr.Index(a.arg); ok {
				arg = b.sc.cols[idx].col.Name
			}
			sum := b.addAgg(aggInfo{arg: a.arg, spec: AggSpec{Func: expr.AggSum, Type: sumType(a.arg.Type(), false)},
				col: dataflow.Column{Name: "SUM(" + arg + ")"}})
			count := b.addAgg(aggInfo{arg: a.arg, spec: AggSpec{Func: expr.AggCount, Type: countType},
				col: dataflow.Column{Name: "COUNT(" + arg + ")"}})
			avgs = append(avgs, avgParts{j, sum, count})
		default:
			return nil, unsupported("%s over several keys", a.col.Name)
		}
	}
	userGroups := len(b.groups)
	// COUNT, SUM and AVG over DISTINCT values need no more of a key than its distinct
	// values: over an IN list whose other collecting aggregates are none, the view keeps the
	// groups of the GROUP BY columns, each DISTINCT argument and the key (the other
	// aggregates as their parts, which add up), one row per distinct value, not every row.
	// argGroup[j] is the group column of aggregate j's argument.
	argGroup := map[int]int{}
	if rowwise && !b.orBranch && distinctValuesOnly(b.aggs) {
		rowwise = false
		for j, a := range b.aggs {
			if collects(a.spec) {
				argGroup[j] = b.addGroup(a.arg)
			}
		}
	}
	// orderGroup[j] is the group column that carries JSON_ARRAYAGG j's ORDER BY expression
	// in each row, when that is not its argument.
	orderGroup := map[int]int{}
	if rowwise {
		for j, a := range b.aggs {
			if a.order != nil {
				orderGroup[j] = b.addGroup(a.order)
			}
		}
	}
	if b.orBranch {
		// The columns the disjuncts read, for the read's filter, as groups of one row.
		b.orCarriedAt = map[int]int{}
		for _, cn := range b.orCarry {
			col, err := b.sc.resolve(cn.Name, "where clause")
			if err != nil {
				return nil, b.c.at(err, cn)
			}
			b.orCarriedAt[col] = b.addGroup(b.colExpr(col))
		}
	}
	var keyGroup []int
	for _, col := range keyCols {
		keyGroup = append(keyGroup, b.addGroup(b.colExpr(col)))
	}
	agg := b.aggregate(bt)
	for j := range argGroup {
		// The argument is a group column; the aggregate's own column is a count per row,
		// which costs the operator no state.
		agg.Aggs[j] = AggSpec{Func: expr.AggCountStar, Type: countType}
		agg.Cols[len(agg.GroupBy)+j].Type = countType
	}
	var grouped Plan
	if rowwise {
		grouped = rowGroups(agg)
	} else {
		grouped, _ = reduceGroups(agg, b.dependentGroups(keyGroup))
	}
	g := len(b.groups)
	width := g + len(b.aggs)
	post := func(e expr.Expr) expr.Expr {
		return expr.Remap(e, func(i int) int {
			if i >= aggBase {
				return g + i - aggBase
			}
			return i
		})
	}
	comb := &Combine{Width: width, Visible: len(b.items), Distinct: sel.Distinct, Limit: -1, Rowwise: rowwise}
	for i := range userGroups {
		comb.Groups = append(comb.Groups, i)
	}
	for j, a := range b.aggs {
		ca := CombineAgg{Col: g + j, Func: a.spec.Func, Type: a.spec.Type, Name: a.col.Name}
		if collects(a.spec) {
			ca.Collect, ca.Spec = true, a.spec
			ca.Spec.Arg = g + j
			if at, ok := argGroup[j]; ok {
				ca.Spec.Arg = at
			}
			if at, ok := orderGroup[j]; ok {
				ca.Spec.OrderByArg, ca.Spec.OrderArg = true, at
			}
			switch a.spec.Func {
			case expr.AggSum:
				ca.SumCast = expr.NewCast(expr.NewCol(0, dataflow.Column{Type: a.arg.Type()}), a.spec.Type)
			case expr.AggAvg:
				ca.SumCast = expr.NewCast(expr.NewCol(0, dataflow.Column{Type: a.arg.Type()}), sumType(a.arg.Type(), false))
			}
		}
		comb.Aggs = append(comb.Aggs, ca)
	}
	for _, p := range avgs {
		comb.Aggs[p.avg].SumCol, comb.Aggs[p.avg].CountCol = g+p.sum, g+p.count
	}
	if having != nil {
		if v, ok := expr.ConstValue(having); !ok || !v.Truthy() {
			comb.Having = post(having)
		}
	}
	for _, it := range b.items {
		it.e = post(it.e)
		comb.Exprs = append(comb.Exprs, it.e)
	}
	hidden := len(b.items)
	for _, o := range order {
		pos := o.vis
		if pos < 0 {
			pos = hidden
			hidden++
			comb.Exprs = append(comb.Exprs, post(o.e))
		}
		comb.Order = append(comb.Order, dataflow.SortKey{Col: pos, Desc: o.desc})
	}
	if sel.Distinct && hidden > len(b.items) {
		return nil, newErr(CodeOrderNotInDistinct, "Expression #1 of ORDER BY clause is not in SELECT list, references column which is not in SELECT list; this is incompatible with DISTINCT")
	}
	if hasLimit {
		comb.Limit, comb.Offset = limit, offset
	}
	// The view's rows: the aggregate's groups and results, then the key columns.
	cols := slices.Clone(grouped.Columns())
	exprs := make([]expr.Expr, 0, width+len(keyGroup))
	for i, c := range cols {
		exprs = append(exprs, expr.NewCol(i, c))
	}
	q := &Query{Limit: -1, Combine: comb, Lookups: lookups}
	for i, gi := range keyGroup {
		q.KeyCols = append(q.KeyCols, width+i)
		exprs = append(exprs, expr.NewCol(gi, cols[gi]))
		cols = append(cols, cols[gi])
	}
	for _, it := range b.items {
		q.Cols = append(q.Cols, dataflow.Column{Table: it.table, Name: it.label, Type: it.e.Type()})
	}
	q.Root = project(grouped, exprs, cols)
	for _, k := range keys {
		for _, a := range k.alts {
			if a.Param >= 0 {
				b.c.setParamType(a.Param, b.sc.cols[k.col].col.Type)
			}
		}
	}
	b.c.keys = append(b.c.keys, keys...)
	return q, nil
}

// distinctValuesOnly reports aggregates whose collecting ones are all COUNT, SUM or AVG over
// DISTINCT values, which only the distinct values of each key decide.
func distinctValuesOnly(aggs []aggInfo) bool {
	for _, a := range aggs {
		if collects(a.spec) && !(a.spec.Distinct && (a.spec.Func == expr.AggCount || a.spec.Func == expr.AggSum || a.spec.Func == expr.AggAvg)) {
			return false
		}
	}
	return true
}

func (b *block) grouped(col int) bool {
	_, ok := b.groupIdx[b.colExpr(col).String()]
	return ok
}

func (b *block) colExpr(col int) expr.Expr { return expr.NewCol(col, b.sc.cols[col].col) }

// project builds a projection. Column names are descriptive only (the result's names are
// Query.Cols), so a projection that would be the identity is left out, and one over another
// projection is merged with it when either only picks columns.
func project(in Plan, exprs []expr.Expr, cols []dataflow.Column) Plan {
	if len(exprs) == len(in.Columns()) {
		identity := true
		for i, e := range exprs {
			if idx, ok := expr.Index(e); !ok || idx != i {
				identity = false
				break
			}
		}
		if identity {
			return in
		}
	}
	inner, ok := in.(*Project)
	if !ok {
		return &Project{Input: in, Exprs: exprs, Cols: cols}
	}
	picks := func(es []expr.Expr) ([]int, bool) {
		out := make([]int, len(es))
		for i, e := range es {
			idx, ok := expr.Index(e)
			if !ok {
				return nil, false
			}
			out[i] = idx
		}
		return out, true
	}
	if outer, ok := picks(exprs); ok {
		merged := make([]expr.Expr, len(exprs))
		for i, idx := range outer {
			if idx < 0 || idx >= len(inner.Exprs) {
				return &Project{Input: in, Exprs: exprs, Cols: cols}
			}
			merged[i] = inner.Exprs[idx]
		}
		return project(inner.Input, merged, cols)
	}
	if under, ok := picks(inner.Exprs); ok {
		merged := make([]expr.Expr, len(exprs))
		for i, e := range exprs {
			merged[i] = expr.Remap(e, func(c int) int {
				if c < 0 || c >= len(under) {
					return -1
				}
				return under[c]
			})
		}
		return project(inner.Input, merged, cols)
	}
	return &Project{Input: in, Exprs: exprs, Cols: cols}
}

// limitParamType is the type a LIMIT or OFFSET parameter is converted to.
var limitParamType = dataflow.Type{Kind: dataflow.KindInt, Precision: 20, SQL: "BIGINT", Nullable: true}

// limit reads LIMIT [offset,] count; has is false without a LIMIT. A parameter of the
// outermost LIMIT is returned as -1-i, i its number.
func (c *compiler) limit(l *ast.Limit, where string) (count, offset int, has bool, err error) {
	if l == nil {
		return 0, 0, false, nil
	}
	read := func(n ast.ExprNode) (int, error) {
		if n == nil {
			return 0, nil
		}
		switch x := n.(type) {
		case *test_driver.ParamMarkerExpr:
			if where != "" {
				return 0, c.at(unsupported("a parameter (?) in LIMIT%s", suffix(where)), x)
			}
			// The outermost LIMIT may take a parameter: the read keeps the window.
			c.setParamType(x.Order, limitParamType)
			return -1 - x.Order, nil
		case *test_driver.ValueExpr:
			switch x.Kind() {
			case test_driver.KindInt64:
				return clampInt(uint64(max(x.GetInt64(), 0))), nil
			case test_driver.KindUint64:
				return clampInt(x.GetUint64()), nil
			}
		}
		return 0, c.at(newErr(CodeParse, "LIMIT takes integer constants"), n)
	}
	if count, err = read(l.Count); err != nil {
		return 0, 0, false, err
	}
	if offset, err = read(l.Offset); err != nil {
		return 0, 0, false, err
	}
	return count, offset, true, nil
}

func suffix(where string) string {
	if where == "" {
		return ""
	}
	return " " + where
}

// clampInt bounds a LIMIT: no view holds more than 2^31 rows per key, so a larger LIMIT
// (18446744073709551615 is MySQL's "no limit" idiom) limits nothing.
func clampInt(u uint64) int {
	if u > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(u)
}

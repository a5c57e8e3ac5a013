package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// A parameter under OR (`WHERE a = ? OR b = ?`, `WHERE (a = ? AND c = 1) OR b = ?`): each
// disjunct is a branch of its own, the query with WHERE the other conjuncts AND that
// disjunct, keyed by its own `col = ?` conditions. The engine installs each branch as a
// reader of its own (OrBranches.Branches), so a branch's key is its disjunct's columns
// alone and traces to an index: the reader is partial, filled by its own upqueries and
// evicted as any partial reader. (Root, the branches as a UNION ALL whose rows are tagged
// with the branch number, describes the same rows for the reference evaluation; its
// reader would be full, the tag being a computed key column.) A row that satisfies
// several disjuncts is in several branches; SQL returns it once (as often as the FROM
// clause makes it), so a read keeps a row of branch i only where no earlier disjunct holds
// for it: `(D0) IS NOT TRUE AND … AND (Di-1) IS NOT TRUE`, evaluated with the read's
// arguments over columns each branch carries for the purpose. Then DISTINCT, ORDER BY and
// LIMIT apply to the rows of every branch, as a merge of several lookups does; since a
// branch's rows are filtered at read time, each key keeps all its rows (no top-k per key).
// An aggregating SELECT keeps rows too, each a group of its own, and a read aggregates
// the rows it keeps (orAggQuery).

// OrBranches says how a read filters the rows of the branches of a query whose WHERE has a
// parameter under OR (Query.Or).
type OrBranches struct {
	// TagCol is the position, in the view's rows, of the branch number (the first key
	// column).
	TagCol int
	// Width is the number of columns of the view's rows. A disjunct is evaluated over a row
	// followed by the read's arguments: parameter k is column Width+k.
	Width int
	// Disjuncts are the disjuncts in order, but the last (no later branch excludes its rows).
	// A row of branch i is dropped when Disjuncts[j] is true for some j < i.
	Disjuncts []expr.Expr
	// Texts are the disjuncts as written, for EXPLAIN.
	Texts []string
	// Branches are the branches as queries of their own, one per disjunct, which the engine
	// installs instead of Root: each reader keyed by its disjunct's conditions alone, so
	// that the key traces to an index and the reader is partial, filled by its own
	// upqueries and evicted as any partial reader. A branch's rows are Root's without the
	// branch number: the visible and sort columns, the carried columns, then its own key
	// (BranchWidth columns before it). A read looks each branch up with the branch's
	// Lookups, keeps the rows KeepBranch keeps, and merges them (Query.MergeRows).
	Branches []*Query
	// BranchWidth is the number of columns of a branch's rows before its key columns.
	BranchWidth int
}

// KeepBranch reports whether a row of branch i (Branches) belongs to the result for args,
// as Keep does for a row of Root.
func (o *OrBranches) KeepBranch(i int, row dataflow.Row, args []dataflow.Value, buf dataflow.Row) (bool, dataflow.Row) {
	if i == 0 {
		return true, buf
	}
	buf = append(buf[:0], row[:o.BranchWidth]...)
	for len(buf) < o.Width {
		buf = append(buf, dataflow.Null)
	}
	buf = append(buf, args...)
	for j := 0; j < i && j < len(o.Disjuncts); j++ {
		if o.Disjuncts[j].Eval(buf).Truthy() {
			return false, buf
		}
	}
	return true, buf
}

// Keep reports whether a row of the view belongs to the result for args: no disjunct
// before its branch holds for it. buf is scratch space for the evaluation row, returned
// for reuse across the rows of one read.
func (o *OrBranches) Keep(row dataflow.Row, args []dataflow.Value, buf dataflow.Row) (bool, dataflow.Row) {
	tag, ok := row[o.TagCol].ToInt()
	if !ok || tag <= 0 {
		return true, buf
	}
	buf = append(append(buf[:0], row[:o.Width]...), args...)
	for j := 0; j < int(tag) && j < len(o.Disjuncts); j++ {
		if o.Disjuncts[j].Eval(buf).Truthy() {
			return false, buf
		}
	}
	return true, buf
}

// String describes the filter for EXPLAIN.
func (o *OrBranches) String() string {
	parts := make([]string, len(o.Texts))
	for i, t := range o.Texts {
		parts[i] = fmt.Sprintf("branch %d: %s", i, t)
	}
	return "one branch per disjunct of OR, a row of a branch kept where no earlier disjunct is true (" + strings.Join(parts, "; ") + ")"
}

// orParamBase numbers the parameters of a disjunct while its columns are the scope's.
const orParamBase = 1 << 29

// astScan collects what orQuery needs to know of a subtree.
type astScan struct {
	params, subqueries bool
	cols               []*ast.ColumnNameExpr
}

func (s *astScan) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *test_driver.ParamMarkerExpr:
		s.params = true
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt:
		s.subqueries = true
		return n, true
	case *ast.ColumnNameExpr:
		s.cols = append(s.cols, x)
	}
	return n, false
}

func (s *astScan) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func scanAST(n ast.Node) *astScan {
	s := &astScan{}
	n.Accept(s)
	return s
}

// keyShaped reports a `column = value` or `column IN (value, ...)` condition, whose values
// are parameters or literals: the conditions a lookup answers.
func keyShaped(n ast.ExprNode) bool {
	switch x := unparen(n).(type) {
	case *ast.BinaryOperationExpr:
		if x.Op != opcode.EQ {
			return false
		}
		_, lcol := unparen(x.L).(*ast.ColumnNameExpr)
		_, rcol := unparen(x.R).(*ast.ColumnNameExpr)
		return (lcol && isKeyValue(x.R)) || (rcol && isKeyValue(x.L))
	case *ast.PatternInExpr:
		if _, ok := unparen(x.Expr).(*ast.ColumnNameExpr); !ok || x.Not || x.Sel != nil || len(x.List) == 0 {
			return false
		}
		for _, it := range x.List {
			if !isKeyValue(it) {
				return false
			}
		}
		return true
	}
	return false
}

// splitOr lists the disjuncts of a condition (nested ORs and parentheses flattened).
func splitOr(n ast.ExprNode) []ast.ExprNode {
	if b, ok := unparen(n).(*ast.BinaryOperationExpr); ok && b.Op == opcode.LogicOr {
		return append(splitOr(b.L), splitOr(b.R)...)
	}
	return []ast.ExprNode{n}
}

func nodeText(n ast.Node) string {
	var sb strings.Builder
	if err := n.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags|format.RestoreStringWithoutDefaultCharset, &sb)); err != nil {
		return "?"
	}
	return sb.String()
}

// orQuery compiles an outermost SELECT whose WHERE has one conjunct with a parameter under
// OR into branches (see OrBranches). ok is false for a SELECT it does not take (no such
// conjunct, or a shape the branches cannot express: aggregation, window functions, several
// such conjuncts, a subquery in a disjunct, `LIMIT ?`), which the ordinary compilation then
// accepts or refuses, naming the parameter under OR.
func (c *compiler) orQuery(sel *ast.SelectStmt) (q *Query, ok bool, err error) {
	if sel.Where == nil || hasWindow(sel) {
		return nil, false, nil
	}
	aggregating := sel.GroupBy != nil || sel.Having != nil || hasAggregate(sel)
	conjs := splitAnd(sel.Where)
	orAt := -1
	for i, cj := range conjs {
		if len(splitOr(cj)) < 2 || !scanAST(cj).params {
			continue
		}
		if orAt >= 0 {
			return nil, false, nil
		}
		orAt = i
	}
	if orAt < 0 {
		return nil, false, nil
	}
	if sel.Limit != nil && (isParam(sel.Limit.Count) || (sel.Limit.Offset != nil && isParam(sel.Limit.Offset))) {
		return nil, false, nil
	}
	disjuncts := splitOr(conjs[orAt])
	var carry []*ast.ColumnNameExpr
	seen := map[string]bool{}
	for _, d := range disjuncts {
		s := scanAST(d)
		if s.subqueries {
			return nil, false, nil
		}
		for _, cj := range splitAnd(d) {
			if scanAST(cj).params && !keyShaped(cj) {
				return nil, true, c.at(unsupported("a parameter (?) under OR in '%s': within a disjunct, parameters may only appear in `column = ?` and `column IN (?, ...)` conditions, each disjunct looked up by its own", nodeText(cj)), cj)
			}
		}
		for _, cn := range s.cols {
			if k := strings.ToLower(colText(cn.Name)); !seen[k] {
				seen[k] = true
				carry = append(carry, cn)
			}
		}
	}
	if aggregating {
		q, err := c.orAggQuery(sel, conjs, orAt, disjuncts, carry)
		return q, true, err
	}
	// Every branch selects the query's items, then the columns the disjuncts read (for the
	// read's filter), under the query's ORDER BY; DISTINCT and LIMIT apply to the merge.
	fields := append([]*ast.SelectField(nil), sel.Fields.Fields...)
	for _, cn := range carry {
		fields = append(fields, &ast.SelectField{Expr: &ast.ColumnNameExpr{Name: cn.Name}})
	}
	branches := make([]unionBranch, len(disjuncts))
	orQueries := make([]*Query, len(disjuncts))
	var first *block
	var firstQ *Query
	for i, d := range disjuncts {
		bsel := *sel
		bsel.Where = branchWhere(d, conjs, orAt)
		bsel.Fields = &ast.FieldList{Fields: fields}
		bsel.Distinct = false
		bsel.Limit = nil
		bb := &block{c: c, outer: true, orBranch: true}
		bq, err := bb.plan(&bsel)
		if err != nil {
			return nil, true, err
		}
		switch {
		case len(bq.KeyCols) == 0:
			return nil, true, c.at(unsupported("a parameter (?) under OR whose disjunct '%s' has no `column = ?` or `column IN (?, ...)` condition to look its rows up by", nodeText(d)), d)
		case len(bq.Ranges) > 0:
			return nil, true, c.at(unsupported("a range condition in a disjunct of OR ('%s')", nodeText(d)), d)
		case bq.Paging != nil || bq.Combine != nil || bq.EmptyRow != nil || hasTopK(bq.Root):
			return nil, true, c.at(unsupported("a parameter (?) under OR in this query"), d)
		}
		if i == 0 {
			first, firstQ = bb, bq
		} else if bq.KeyCols[0] != firstQ.KeyCols[0] {
			return nil, true, c.at(unsupported("a parameter (?) under OR in this query"), d)
		}
		// A branch carries its visible and sort columns, then its key.
		in := bq.Root.Columns()
		width := bq.KeyCols[0]
		exprs := make([]expr.Expr, 0, width+len(bq.KeyCols))
		for j := range width {
			exprs = append(exprs, expr.NewCol(j, in[j]))
		}
		var keys []dataflow.Column
		for _, k := range bq.KeyCols {
			exprs = append(exprs, expr.NewCol(k, in[k]))
			keys = append(keys, in[k])
		}
		cols := append([]dataflow.Column(nil), in[:width]...)
		brRoot := project(bq.Root, exprs, append(append([]dataflow.Column(nil), cols...), keys...))
		orQueries[i] = &Query{Root: brRoot, Cols: cols, KeyCols: seq(width, len(keys)), Lookups: bq.Lookups,
			Limit: -1, Order: bq.Order}
		branches[i] = unionBranch{plan: project(bq.Root, exprs, append(append([]dataflow.Column(nil), cols...), keys...)),
			cols: cols, keys: keys, lookups: bq.Lookups, op: ast.UnionAll}
	}
	f, err := foldUnion(branches, 0)
	if err != nil {
		return nil, true, err
	}
	visible := len(sel.Fields.Fields)
	if firstQ != nil {
		visible = len(firstQ.Cols) - len(carry)
	}
	q = &Query{Root: f.plan, Cols: append([]dataflow.Column(nil), firstQ.Cols[:visible]...), Limit: -1, Lookups: f.lookups,
		Order: firstQ.Order, Distinct: sel.Distinct}
	q.KeyCols = seq(len(f.cols), f.nkeys)
	if sel.Distinct {
		for _, k := range q.Order {
			if k.Col >= visible {
				return nil, true, newErr(CodeOrderNotInDistinct, "Expression #1 of ORDER BY clause is not in SELECT list, references column which is not in SELECT list; this is incompatible with DISTINCT")
			}
		}
	}
	limit, offset, hasLimit, err := c.limit(sel.Limit, "")
	if err != nil {
		return nil, true, err
	}
	if hasLimit {
		q.Limit, q.Offset = limit, offset
	}
	// The disjuncts over a branch's row: the carried columns are the visible ones after the
	// query's items; parameter k follows the row.
	width := len(f.cols) + f.nkeys
	carriedAt := map[int]int{}
	for i, cn := range carry {
		col, rerr := first.sc.resolve(cn.Name, "where clause")
		if rerr != nil {
			return nil, true, c.at(rerr, cn)
		}
		carriedAt[col] = visible + i
	}
	or := &OrBranches{TagCol: len(f.cols), Width: width, Branches: orQueries, BranchWidth: len(f.cols)}
	if err := c.orDisjuncts(or, first, disjuncts, carriedAt, width); err != nil {
		return nil, true, err
	}
	q.Or = or
	return q, true, nil
}

// orDisjuncts compiles the disjuncts but the last into or.Disjuncts, over a row of width
// columns followed by the read's arguments: a column of first's scope is read at
// carriedAt's position for it.
func (c *compiler) orDisjuncts(or *OrBranches, first *block, disjuncts []ast.ExprNode, carriedAt map[int]int, width int) error {
	for i, d := range disjuncts {
		or.Texts = append(or.Texts, nodeText(d))
		if i == len(disjuncts)-1 {
			break
		}
		v := first.rowConv(first.sc, "where clause")
		v.param = func(p *test_driver.ParamMarkerExpr, _ *dataflow.Type) (expr.Expr, error) {
			t := paramType
			if p.Order < len(c.paramTypes) {
				t = c.paramTypes[p.Order]
			}
			return expr.NewCol(orParamBase+p.Order, dataflow.Column{Name: "?", Type: t}), nil
		}
		e, err := v.conv(d)
		if err != nil {
			return err
		}
		bad := false
		e = expr.Remap(e, func(col int) int {
			if col >= orParamBase {
				return width + col - orParamBase
			}
			at, ok := carriedAt[col]
			if !ok {
				bad = true
				return -1
			}
			return at
		})
		if bad {
			return c.at(unsupported("a parameter (?) under OR in this query"), d)
		}
		or.Disjuncts = append(or.Disjuncts, e)
	}
	return nil
}

// orAggQuery compiles an aggregating SELECT whose WHERE has a parameter under OR. A
// branch's groups cannot be added to another's when a row is in both, and no view can
// hold the groups of every combination of keys; so each branch keeps the rows its
// disjunct selects, each row a group of its own (rowGroups) carrying the columns the
// disjuncts read, in a reader keyed by the disjunct's conditions (partial where the key
// traces to an index). A read keeps a branch's rows where no earlier disjunct holds, then
// aggregates them all at once (Query.Combine), HAVING, ORDER BY, DISTINCT and LIMIT after.
// The price is stated in EXPLAIN: a read aggregates every row its keys match.
func (c *compiler) orAggQuery(sel *ast.SelectStmt, conjs []ast.ExprNode, orAt int, disjuncts []ast.ExprNode, carry []*ast.ColumnNameExpr) (*Query, error) {
	branches := make([]unionBranch, len(disjuncts))
	orQueries := make([]*Query, len(disjuncts))
	var first *block
	var firstQ *Query
	for i, d := range disjuncts {
		bsel := *sel
		bsel.Where = branchWhere(d, conjs, orAt)
		bb := &block{c: c, outer: true, orBranch: true, orCarry: carry}
		bq, err := bb.plan(&bsel)
		if err != nil {
			return nil, err
		}
		switch {
		case len(bq.KeyCols) == 0:
			return nil, c.at(unsupported("a parameter (?) under OR whose disjunct '%s' has no `column = ?` or `column IN (?, ...)` condition to look its rows up by", nodeText(d)), d)
		case bq.Combine == nil || bq.Paging != nil || len(bq.Ranges) > 0:
			return nil, c.at(unsupported("a parameter (?) under OR in this aggregate query"), d)
		}
		width := bq.Combine.Width
		if i == 0 {
			first, firstQ = bb, bq
		} else if width != firstQ.Combine.Width {
			return nil, c.at(unsupported("a parameter (?) under OR in this aggregate query"), d)
		}
		in := bq.Root.Columns()
		cols := append([]dataflow.Column(nil), in[:width]...)
		var keys []dataflow.Column
		for _, k := range bq.KeyCols {
			keys = append(keys, in[k])
		}
		orQueries[i] = &Query{Root: bq.Root, Cols: cols, KeyCols: bq.KeyCols, Lookups: bq.Lookups, Limit: -1}
		branches[i] = unionBranch{plan: bq.Root, cols: cols, keys: keys, lookups: bq.Lookups, op: ast.UnionAll}
	}
	f, err := foldUnion(branches, 0)
	if err != nil {
		return nil, err
	}
	q := &Query{Root: f.plan, Cols: firstQ.Cols, Limit: -1, Lookups: f.lookups, Combine: firstQ.Combine}
	q.KeyCols = seq(len(f.cols), f.nkeys)
	width := len(f.cols) + f.nkeys
	or := &OrBranches{TagCol: len(f.cols), Width: width, Branches: orQueries, BranchWidth: len(f.cols)}
	if err := c.orDisjuncts(or, first, disjuncts, first.orCarriedAt, width); err != nil {
		return nil, err
	}
	q.Or = or
	return q, nil
}

// branchWhere is an OR branch's WHERE: its disjunct and the query's conjuncts but the OR
// at orAt.
func branchWhere(disjunct ast.ExprNode, conjs []ast.ExprNode, orAt int) ast.ExprNode {
	where := disjunct
	for j, cj := range conjs {
		if j != orAt {
			where = &ast.BinaryOperationExpr{Op: opcode.LogicAnd, L: where, R: cj}
		}
	}
	return where
}

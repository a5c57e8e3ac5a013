package pgsql

import (
	"fmt"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// Lowered is a PostgreSQL statement lowered into the text the planner compiles: the MySQL
// dialect as Weir accepts it, with PostgreSQL's meaning kept (see the package doc), and the
// map from its `?` markers back to the statement's `$n` parameters.
type Lowered struct {
	// SQL is the lowered text.
	SQL string
	// Markers gives, for each `?` of SQL in text order, the 0-based number of the `$n`
	// parameter it stands for (`$1` is 0). A parameter used twice has two markers.
	Markers []int
	// NumParams is the number of parameters the statement takes: the highest `$n`.
	NumParams int
	// BoolCols marks the leading result columns whose expressions are boolean (comparisons,
	// tests, logical operators, boolean literals), which the planner types as integers:
	// PostgreSQL returns them as booleans. It stops at the first `*` of the select list.
	BoolCols []bool
}

// maxDepth bounds the nesting the lowering follows, so that hostile input cannot exhaust
// the stack; PostgreSQL's own limit (max_stack_depth) refuses far less deep text anyway.
const maxDepth = 200

// Lower parses sql with PostgreSQL's parser and lowers it. Every failure is an *Error.
func Lower(sql string) (l *Lowered, err error) {
	defer func() {
		// The parse tree is foreign input: a shape the lowering did not foresee must become
		// an error, never take the process down.
		if r := recover(); r != nil {
			l, err = nil, &Error{SQLState: StateInternalError, Msg: fmt.Sprintf("the PostgreSQL dialect failed to lower the statement (%v)", r)}
		}
	}()
	tree, err := parse(sql)
	if err != nil {
		return nil, err
	}
	switch len(tree.Stmts) {
	case 0:
		return nil, &Error{SQLState: StateSyntaxError, Msg: "the statement is empty"}
	case 1:
	default:
		return nil, unsupported("several statements in one request")
	}
	lw := &lowerer{}
	node := tree.Stmts[0].Stmt
	sel := node.GetSelectStmt()
	if sel == nil {
		return nil, unsupported("the %s statement in the PostgreSQL dialect (only SELECT is answered by Weir; writes and DDL go to the upstream)", statementName(node))
	}
	if err := lw.selectStmt(sel, 0); err != nil {
		return nil, err
	}
	return &Lowered{SQL: lw.b.String(), Markers: lw.markers, NumParams: lw.numParams, BoolCols: boolCols(sel)}, nil
}

// statementName names a statement node for messages: "INSERT" for an InsertStmt.
func statementName(n *pg.Node) string {
	name := fmt.Sprintf("%T", n.GetNode())
	name = strings.TrimPrefix(name, "*pg_query.Node_")
	name = strings.TrimSuffix(name, "Stmt")
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

type lowerer struct {
	b         strings.Builder
	markers   []int
	numParams int
}

func (lw *lowerer) w(s ...string) {
	for _, x := range s {
		lw.b.WriteString(x)
	}
}

// ident writes an identifier quoted, so that no name is read as a MySQL keyword. PostgreSQL's
// parser has already folded unquoted names to lower case and kept quoted ones as written.
func (lw *lowerer) ident(name string) {
	lw.w("`", strings.ReplaceAll(name, "`", "``"), "`")
}

// str writes a string literal: PostgreSQL's standard-conforming strings take a backslash
// as itself, which MySQL's text must escape.
func (lw *lowerer) str(s string) {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `''`)
	lw.w("'", s, "'")
}

func (lw *lowerer) selectStmt(s *pg.SelectStmt, depth int) error {
	if depth > maxDepth {
		return unsupported("statements nested more than %d deep", maxDepth)
	}
	if s.WithClause != nil {
		if err := lw.with(s.WithClause, depth); err != nil {
			return err
		}
	}
	switch s.Op {
	case pg.SetOperation_SETOP_UNION, pg.SetOperation_SETOP_INTERSECT, pg.SetOperation_SETOP_EXCEPT:
		return lw.setOp(s, depth)
	}
	switch {
	case s.IntoClause != nil:
		return unsupported("SELECT INTO")
	case len(s.LockingClause) > 0:
		return unsupported("FOR UPDATE/FOR SHARE (locking reads go to the upstream)")
	case len(s.ValuesLists) > 0:
		return unsupported("VALUES lists as a query")
	case len(s.WindowClause) > 0:
		return unsupported("the WINDOW clause (write the window in OVER)")
	case s.GroupDistinct:
		return unsupported("GROUP BY DISTINCT")
	}
	if len(s.DistinctClause) > 0 && s.DistinctClause[0].GetNode() != nil {
		return lw.distinctOn(s, depth)
	}
	if s.DistinctClause != nil && len(s.SortClause) > 0 {
		return lw.distinctOrdered(s, depth)
	}
	lw.w("SELECT ")
	if s.DistinctClause != nil {
		if len(s.DistinctClause) == 1 && s.DistinctClause[0].GetNode() == nil {
			lw.w("DISTINCT ")
		} else {
			return unsupported("DISTINCT ON")
		}
	}
	if len(s.TargetList) == 0 {
		return unsupported("a SELECT without result columns")
	}
	for i, t := range s.TargetList {
		if i > 0 {
			lw.w(", ")
		}
		rt := t.GetResTarget()
		if rt == nil {
			return unsupported("this select list item")
		}
		if err := lw.expr(rt.Val, depth+1); err != nil {
			return err
		}
		if rt.Name != "" {
			lw.w(" AS ")
			lw.ident(rt.Name)
		} else if name := defaultLabel(rt.Val); name != "" {
			// PostgreSQL labels a computed column with the function's name (or ?column?);
			// MySQL would label it with the expression's text.
			lw.w(" AS ")
			lw.ident(name)
		}
	}
	if len(s.FromClause) > 0 {
		lw.w(" FROM ")
		for i, f := range s.FromClause {
			if i > 0 {
				lw.w(", ")
			}
			if err := lw.from(f, depth+1); err != nil {
				return err
			}
		}
	}
	if s.WhereClause != nil {
		lw.w(" WHERE ")
		if err := lw.expr(s.WhereClause, depth+1); err != nil {
			return err
		}
	}
	if len(s.GroupClause) > 0 {
		lw.w(" GROUP BY ")
		for i, g := range s.GroupClause {
			if i > 0 {
				lw.w(", ")
			}
			switch g.GetNode().(type) {
			case *pg.Node_GroupingSet:
				return unsupported("GROUPING SETS, ROLLUP and CUBE")
			}
			if err := lw.expr(g, depth+1); err != nil {
				return err
			}
		}
	}
	if s.HavingClause != nil {
		lw.w(" HAVING ")
		if err := lw.expr(s.HavingClause, depth+1); err != nil {
			return err
		}
	}
	return lw.orderLimit(s, s.TargetList, depth)
}

// orderLimit writes ORDER BY, LIMIT and OFFSET. PostgreSQL sorts NULLs last ascending and
// first descending (MySQL does the reverse), so every sort key is preceded by whether it is
// NULL, in the direction that puts NULLs where PostgreSQL (or NULLS FIRST/LAST) puts them.
func (lw *lowerer) orderLimit(s *pg.SelectStmt, targets []*pg.Node, depth int) error {
	if len(s.SortClause) > 0 {
		lw.w(" ORDER BY ")
		if err := lw.sortList(s.SortClause, targets, depth); err != nil {
			return err
		}
	}
	if s.LimitOption == pg.LimitOption_LIMIT_OPTION_WITH_TIES {
		return unsupported("FETCH FIRST … WITH TIES")
	}
	count, hasCount := s.LimitCount, s.LimitCount != nil
	if hasCount {
		if c := count.GetAConst(); c != nil && c.Isnull {
			hasCount = false // LIMIT ALL, LIMIT NULL
		}
	}
	if !hasCount && s.LimitOffset == nil {
		return nil
	}
	lw.w(" LIMIT ")
	if hasCount {
		if err := lw.limitValue(count, "LIMIT"); err != nil {
			return err
		}
	} else {
		lw.w("18446744073709551615")
	}
	if s.LimitOffset != nil {
		lw.w(" OFFSET ")
		if err := lw.limitValue(s.LimitOffset, "OFFSET"); err != nil {
			return err
		}
	}
	return nil
}

// limitValue writes a LIMIT or OFFSET count: an integer constant, or a parameter.
func (lw *lowerer) limitValue(n *pg.Node, clause string) error {
	if p := n.GetParamRef(); p != nil {
		return lw.param(p)
	}
	if c := n.GetAConst(); c != nil {
		if iv, ok := c.Val.(*pg.A_Const_Ival); ok {
			if iv.Ival.Ival < 0 {
				return &Error{SQLState: "2201W", Msg: clause + " must not be negative"}
			}
			lw.w(strconv.Itoa(int(iv.Ival.Ival)))
			return nil
		}
		if sv, ok := c.Val.(*pg.A_Const_Sval); ok {
			// An untyped literal is read as the bigint LIMIT takes: pgx's simple protocol
			// sends LIMIT $1 as LIMIT '10'.
			n, err := strconv.ParseInt(strings.TrimSpace(sv.Sval.Sval), 10, 64)
			if err != nil {
				return &Error{SQLState: "22P02", Msg: fmt.Sprintf("invalid input syntax for type bigint: \"%s\"", sv.Sval.Sval)}
			}
			if n < 0 {
				return &Error{SQLState: "2201W", Msg: clause + " must not be negative"}
			}
			lw.w(strconv.FormatInt(n, 10))
			return nil
		}
	}
	return unsupported("%s other than an integer constant or a parameter", clause)
}

func (lw *lowerer) sortList(keys []*pg.Node, targets []*pg.Node, depth int) error {
	for i, k := range keys {
		if i > 0 {
			lw.w(", ")
		}
		sb := k.GetSortBy()
		if sb == nil {
			return unsupported("this ORDER BY item")
		}
		if sb.SortbyDir == pg.SortByDir_SORTBY_USING {
			return unsupported("ORDER BY … USING")
		}
		desc := sb.SortbyDir == pg.SortByDir_SORTBY_DESC
		nullsFirst := desc
		switch sb.SortbyNulls {
		case pg.SortByNulls_SORTBY_NULLS_FIRST:
			nullsFirst = true
		case pg.SortByNulls_SORTBY_NULLS_LAST:
			nullsFirst = false
		}
		key := sb.Node
		if targets != nil {
			// ORDER BY 2 and ORDER BY alias name the select list's items: write the item's
			// expression, which the NULL test needs.
			if t := outputRef(key, targets); t != nil {
				key = t
			}
		}
		if err := lw.expr(key, depth+1); err != nil {
			return err
		}
		lw.w(" IS NULL")
		if nullsFirst {
			lw.w(" DESC")
		}
		lw.w(", ")
		if err := lw.expr(key, depth+1); err != nil {
			return err
		}
		if desc {
			lw.w(" DESC")
		}
	}
	return nil
}

// distinctOrdered writes SELECT DISTINCT … ORDER BY as the ordering of a derived table
// that holds the distinct rows: the NULL tests that put NULLs where PostgreSQL sorts them are
// no select list item, which an ORDER BY of a SELECT DISTINCT must be. Each sort key must
// name a select list item, as PostgreSQL requires of SELECT DISTINCT.
func (lw *lowerer) distinctOrdered(s *pg.SelectStmt, depth int) error {
	names := make([]string, len(s.TargetList))
	for i, t := range s.TargetList {
		rt := t.GetResTarget()
		if rt == nil || isStar(rt.Val) {
			return unsupported("SELECT DISTINCT * with ORDER BY")
		}
		switch {
		case rt.Name != "":
			names[i] = rt.Name
		case rt.Val.GetColumnRef() != nil:
			names[i] = columnLabel(rt.Val.GetColumnRef())
		default:
			names[i] = defaultLabel(rt.Val)
		}
	}
	keys := make([]*pg.Node, len(s.SortClause))
	for i, k := range s.SortClause {
		sb := k.GetSortBy()
		if sb == nil {
			return unsupported("this ORDER BY item")
		}
		item := -1
		if c := sb.Node.GetAConst(); c != nil {
			if iv, ok := c.Val.(*pg.A_Const_Ival); ok && iv.Ival.Ival >= 1 && int(iv.Ival.Ival) <= len(names) {
				item = int(iv.Ival.Ival) - 1
			}
		} else if cr := sb.Node.GetColumnRef(); cr != nil {
			for j, t := range s.TargetList {
				rt := t.GetResTarget()
				if len(cr.Fields) == 1 && rt.Name != "" && rt.Name == columnLabel(cr) {
					item = j
					break
				}
				if tc := rt.Val.GetColumnRef(); tc != nil && sameFields(tc, cr) {
					item = j
					break
				}
			}
		}
		if item < 0 {
			return &Error{SQLState: "42P10", Msg: "for SELECT DISTINCT, ORDER BY expressions must appear in select list"}
		}
		keys[i] = pg.MakeSortByNode(pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(names[item])}, 0), sb.SortbyDir, sb.SortbyNulls, 0)
	}
	inner := &pg.SelectStmt{DistinctClause: s.DistinctClause, TargetList: s.TargetList, FromClause: s.FromClause,
		WhereClause: s.WhereClause, GroupClause: s.GroupClause, HavingClause: s.HavingClause, Op: pg.SetOperation_SETOP_NONE}
	lw.w("SELECT * FROM (")
	if err := lw.selectStmt(inner, depth+1); err != nil {
		return err
	}
	lw.w(") AS `distinct`")
	outer := &pg.SelectStmt{SortClause: keys, LimitCount: s.LimitCount, LimitOffset: s.LimitOffset, LimitOption: s.LimitOption}
	return lw.orderLimit(outer, nil, depth)
}

// distinctOn writes SELECT DISTINCT ON (keys) … ORDER BY … as the first row of each group
// of rows with equal keys, in the ORDER BY's order: a derived table numbers the rows of
// each partition by the keys with ROW_NUMBER() in the order of the sort keys that follow
// the DISTINCT ON keys, and the outer query keeps row 1 and sorts by the sort keys (carried
// as hidden columns, since they need not be select list items). NULL keys are one group,
// as PostgreSQL's DISTINCT ON has them. Without ORDER BY the row kept is any row of its
// group, as in PostgreSQL.
func (lw *lowerer) distinctOn(s *pg.SelectStmt, depth int) error {
	names := make([]string, len(s.TargetList))
	seen := map[string]bool{}
	for i, t := range s.TargetList {
		rt := t.GetResTarget()
		if rt == nil || isStar(rt.Val) {
			return unsupported("SELECT DISTINCT ON with * in the select list")
		}
		switch {
		case rt.Name != "":
			names[i] = rt.Name
		case rt.Val.GetColumnRef() != nil:
			names[i] = columnLabel(rt.Val.GetColumnRef())
		default:
			names[i] = defaultLabel(rt.Val)
		}
		if seen[names[i]] || strings.HasPrefix(names[i], "__pg_") {
			return unsupported("SELECT DISTINCT ON with two result columns named %s", names[i])
		}
		seen[names[i]] = true
	}
	keys := make([]*pg.SortBy, len(s.SortClause))
	for i, k := range s.SortClause {
		sb := k.GetSortBy()
		if sb == nil || sb.SortbyDir == pg.SortByDir_SORTBY_USING {
			return unsupported("this ORDER BY item")
		}
		key := &pg.SortBy{Node: sb.Node, SortbyDir: sb.SortbyDir, SortbyNulls: sb.SortbyNulls}
		if t := outputRef(sb.Node, s.TargetList); t != nil {
			key.Node = t
		}
		keys[i] = key
	}
	on := make([]*pg.Node, len(s.DistinctClause))
	for i, d := range s.DistinctClause {
		on[i] = d
		if t := outputRef(d, s.TargetList); t != nil {
			on[i] = t
		}
		if len(keys) == 0 {
			continue
		}
		same := false
		if i < len(keys) {
			var err error
			if same, err = sameExpr(on[i], keys[i].Node); err != nil {
				return err
			}
		}
		if !same {
			return &Error{SQLState: "42P10", Msg: "SELECT DISTINCT ON expressions must match initial ORDER BY expressions"}
		}
	}
	targets := make([]*pg.Node, 0, len(s.TargetList)+len(keys)+1)
	for i, t := range s.TargetList {
		targets = append(targets, pg.MakeResTargetNodeWithNameAndVal(names[i], t.GetResTarget().Val, 0))
	}
	outerKeys := make([]*pg.Node, len(keys))
	for i, k := range keys {
		name := fmt.Sprintf("__pg_sort_%d", i+1)
		targets = append(targets, pg.MakeResTargetNodeWithNameAndVal(name, k.Node, 0))
		outerKeys[i] = pg.MakeSortByNode(pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(name)}, 0), k.SortbyDir, k.SortbyNulls, 0)
	}
	var within []*pg.Node
	for _, k := range keys[min(len(on), len(keys)):] {
		within = append(within, &pg.Node{Node: &pg.Node_SortBy{SortBy: k}})
	}
	rowNumber := pg.MakeFuncCallNode([]*pg.Node{pg.MakeStrNode("row_number")}, nil, 0)
	rowNumber.GetFuncCall().Over = &pg.WindowDef{PartitionClause: on, OrderClause: within}
	targets = append(targets, pg.MakeResTargetNodeWithNameAndVal("__pg_row", rowNumber, 0))
	inner := &pg.SelectStmt{TargetList: targets, FromClause: s.FromClause, WhereClause: s.WhereClause,
		GroupClause: s.GroupClause, HavingClause: s.HavingClause, Op: pg.SetOperation_SETOP_NONE}
	lw.w("SELECT ")
	for i, n := range names {
		if i > 0 {
			lw.w(", ")
		}
		lw.ident(n)
	}
	lw.w(" FROM (")
	if err := lw.selectStmt(inner, depth+1); err != nil {
		return err
	}
	lw.w(") AS `distinct_on` WHERE `__pg_row` = 1")
	outer := &pg.SelectStmt{SortClause: outerKeys, LimitCount: s.LimitCount, LimitOffset: s.LimitOffset, LimitOption: s.LimitOption}
	return lw.orderLimit(outer, nil, depth)
}

func sameFields(a, b *pg.ColumnRef) bool {
	if len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		x, y := a.Fields[i].GetString_(), b.Fields[i].GetString_()
		if x == nil || y == nil || x.Sval != y.Sval {
			return false
		}
	}
	return true
}

// outputRef resolves an ORDER BY key that names a select list item (by position, or by an
// output name that is a bare identifier, as PostgreSQL resolves them) to that item's
// expression; nil when it names none.
func outputRef(key *pg.Node, targets []*pg.Node) *pg.Node {
	if c := key.GetAConst(); c != nil {
		if iv, ok := c.Val.(*pg.A_Const_Ival); ok {
			i := int(iv.Ival.Ival)
			if i >= 1 && i <= len(targets) {
				if rt := targets[i-1].GetResTarget(); rt != nil && rt.Val.GetColumnRef() == nil || rt != nil && !isStar(rt.Val) {
					return rt.Val
				}
			}
		}
		return nil
	}
	cr := key.GetColumnRef()
	if cr == nil || len(cr.Fields) != 1 {
		return nil
	}
	name := cr.Fields[0].GetString_()
	if name == nil {
		return nil
	}
	for _, t := range targets {
		if rt := t.GetResTarget(); rt != nil && rt.Name == name.Sval {
			return rt.Val
		}
	}
	return nil
}

func isStar(n *pg.Node) bool {
	cr := n.GetColumnRef()
	if cr == nil {
		return false
	}
	return cr.Fields[len(cr.Fields)-1].GetAStar() != nil
}

func (lw *lowerer) setOp(s *pg.SelectStmt, depth int) error {
	if depth > maxDepth {
		return unsupported("statements nested more than %d deep", maxDepth)
	}
	op := map[pg.SetOperation]string{
		pg.SetOperation_SETOP_UNION: "UNION", pg.SetOperation_SETOP_INTERSECT: "INTERSECT",
		pg.SetOperation_SETOP_EXCEPT: "EXCEPT",
	}[s.Op]
	if op != "UNION" {
		return unsupported("%s", op)
	}
	if len(s.SortClause) > 0 || s.LimitCount != nil || s.LimitOffset != nil {
		// An ORDER BY of a UNION names its output columns; wrap it as a derived table.
		lw.w("SELECT * FROM (")
		if err := lw.setBranches(s, op, depth); err != nil {
			return err
		}
		lw.w(") AS `union`")
		var targets []*pg.Node
		return lw.orderLimit(s, targets, depth)
	}
	return lw.setBranches(s, op, depth)
}

func (lw *lowerer) setBranches(s *pg.SelectStmt, op string, depth int) error {
	for i, side := range []*pg.SelectStmt{s.Larg, s.Rarg} {
		if side == nil {
			return unsupported("this set operation")
		}
		if i > 0 {
			lw.w(" ", op)
			if s.All {
				lw.w(" ALL")
			}
			lw.w(" ")
		}
		if side.Op == pg.SetOperation_SETOP_UNION && len(side.SortClause) == 0 && side.LimitCount == nil && side.LimitOffset == nil && side.WithClause == nil && side.All == s.All {
			if err := lw.setBranches(side, op, depth+1); err != nil {
				return err
			}
			continue
		}
		lw.w("(")
		if err := lw.selectStmt(side, depth+1); err != nil {
			return err
		}
		lw.w(")")
	}
	return nil
}

func (lw *lowerer) with(w *pg.WithClause, depth int) error {
	if w.Recursive {
		return unsupported("WITH RECURSIVE")
	}
	lw.w("WITH ")
	for i, c := range w.Ctes {
		cte := c.GetCommonTableExpr()
		if cte == nil {
			return unsupported("this WITH item")
		}
		if cte.SearchClause != nil || cte.CycleClause != nil {
			return unsupported("SEARCH and CYCLE in WITH")
		}
		if i > 0 {
			lw.w(", ")
		}
		lw.ident(cte.Ctename)
		if len(cte.Aliascolnames) > 0 {
			if err := lw.nameList(cte.Aliascolnames); err != nil {
				return err
			}
		}
		lw.w(" AS (")
		sel := cte.Ctequery.GetSelectStmt()
		if sel == nil {
			return unsupported("a WITH query that is not a SELECT (data-modifying WITH goes to the upstream)")
		}
		if err := lw.selectStmt(sel, depth+1); err != nil {
			return err
		}
		lw.w(")")
	}
	lw.w(" ")
	return nil
}

func (lw *lowerer) nameList(names []*pg.Node) error {
	lw.w("(")
	for i, n := range names {
		s := n.GetString_()
		if s == nil {
			return unsupported("this column name list")
		}
		if i > 0 {
			lw.w(", ")
		}
		lw.ident(s.Sval)
	}
	lw.w(")")
	return nil
}

func (lw *lowerer) from(n *pg.Node, depth int) error {
	if depth > maxDepth {
		return unsupported("statements nested more than %d deep", maxDepth)
	}
	switch f := n.GetNode().(type) {
	case *pg.Node_RangeVar:
		rv := f.RangeVar
		if err := lw.tableName(rv); err != nil {
			return err
		}
		if !rv.Inh {
			return unsupported("ONLY")
		}
		return lw.alias(rv.Alias, false)
	case *pg.Node_RangeSubselect:
		rs := f.RangeSubselect
		if rs.Lateral {
			return unsupported("LATERAL")
		}
		sel := rs.Subquery.GetSelectStmt()
		if sel == nil {
			return unsupported("this subquery in FROM")
		}
		if rs.Alias != nil && len(rs.Alias.Colnames) > 0 {
			// MySQL takes no column list after a derived table's name: the names go on the
			// subquery's select list (its first branch names a set operation's columns).
			if err := renameColumns(sel, rs.Alias.Colnames); err != nil {
				return err
			}
			rs.Alias.Colnames = nil
		}
		lw.w("(")
		if err := lw.selectStmt(sel, depth+1); err != nil {
			return err
		}
		lw.w(")")
		if rs.Alias == nil {
			// PostgreSQL 16 lets a subquery in FROM go unnamed; the planner needs a name.
			lw.w(" AS `subquery`")
			return nil
		}
		return lw.alias(rs.Alias, true)
	case *pg.Node_JoinExpr:
		j := f.JoinExpr
		if j.Alias != nil || j.JoinUsingAlias != nil {
			return unsupported("an alias on a join")
		}
		lw.w("(")
		if err := lw.from(j.Larg, depth+1); err != nil {
			return err
		}
		if j.IsNatural {
			lw.w(" NATURAL")
		}
		switch j.Jointype {
		case pg.JoinType_JOIN_INNER:
			if j.Quals == nil && len(j.UsingClause) == 0 && !j.IsNatural {
				lw.w(" CROSS JOIN ")
			} else {
				lw.w(" JOIN ")
			}
		case pg.JoinType_JOIN_LEFT:
			lw.w(" LEFT JOIN ")
		case pg.JoinType_JOIN_RIGHT:
			lw.w(" RIGHT JOIN ")
		case pg.JoinType_JOIN_FULL:
			if j.IsNatural || len(j.UsingClause) > 0 {
				return unsupported("FULL JOIN with USING or NATURAL (write ON and coalesce() the columns)")
			}
			// MySQL's grammar has no FULL JOIN: the planner reads the mark as one.
			lw.w(" LEFT JOIN ")
			if err := lw.from(j.Rarg, depth+1); err != nil {
				return err
			}
			lw.w(" ON PG_FULL_JOIN() AND (")
			if j.Quals != nil {
				if err := lw.expr(j.Quals, depth+1); err != nil {
					return err
				}
			} else {
				lw.w("TRUE")
			}
			lw.w("))")
			return nil
		default:
			return unsupported("this join")
		}
		if err := lw.from(j.Rarg, depth+1); err != nil {
			return err
		}
		if len(j.UsingClause) > 0 {
			lw.w(" USING ")
			if err := lw.nameList(j.UsingClause); err != nil {
				return err
			}
		} else if j.Quals != nil {
			lw.w(" ON ")
			if err := lw.expr(j.Quals, depth+1); err != nil {
				return err
			}
		}
		lw.w(")")
		return nil
	case *pg.Node_RangeFunction:
		return unsupported("functions in FROM")
	}
	return unsupported("this FROM item")
}

// tableName writes a table's name. Weir mirrors the upstream's tables under their own
// names, in its default database: `public.t` is `t`.
func (lw *lowerer) tableName(rv *pg.RangeVar) error {
	if rv.Catalogname != "" {
		return unsupported("a table name qualified by its database (%s)", rv.Catalogname)
	}
	switch rv.Schemaname {
	case "", "public":
	case "pg_catalog", "information_schema":
		return unsupported("the catalog table %s.%s (catalog queries are answered by the front door or the upstream)", rv.Schemaname, rv.Relname)
	default:
		return unsupported("tables outside schema public (%s.%s)", rv.Schemaname, rv.Relname)
	}
	if rv.Relpersistence == "t" {
		return unsupported("temporary tables")
	}
	lw.ident(rv.Relname)
	return nil
}

func (lw *lowerer) alias(a *pg.Alias, derived bool) error {
	if a == nil {
		return nil
	}
	lw.w(" AS ")
	lw.ident(a.Aliasname)
	if len(a.Colnames) > 0 {
		if !derived {
			return unsupported("column aliases on a table (%s)", a.Aliasname)
		}
		return lw.nameList(a.Colnames)
	}
	return nil
}

// param writes the `?` that stands for `$n`.
func (lw *lowerer) param(p *pg.ParamRef) error {
	if p.Number < 1 || p.Number > 65535 {
		return &Error{SQLState: StateUndefinedParameter, Msg: fmt.Sprintf("there is no parameter $%d", p.Number), Position: int(p.Location) + 1}
	}
	lw.markers = append(lw.markers, int(p.Number)-1)
	lw.numParams = max(lw.numParams, int(p.Number))
	lw.w("?")
	return nil
}

// defaultLabel is the name PostgreSQL gives a select list item written without AS: the
// column's name, the function's or the cast type's, else ?column?. "" where the planner
// names it the same way (a plain column).
func defaultLabel(n *pg.Node) string {
	switch x := n.GetNode().(type) {
	case *pg.Node_ColumnRef:
		return ""
	case *pg.Node_FuncCall:
		if len(x.FuncCall.Funcname) > 0 {
			if s := x.FuncCall.Funcname[len(x.FuncCall.Funcname)-1].GetString_(); s != nil {
				return s.Sval
			}
		}
	case *pg.Node_TypeCast:
		if l := defaultLabel(x.TypeCast.Arg); l != "" && l != "?column?" {
			return l
		}
		if x.TypeCast.Arg.GetColumnRef() != nil {
			return columnLabel(x.TypeCast.Arg.GetColumnRef())
		}
		if tn := x.TypeCast.TypeName; tn != nil && len(tn.Names) > 0 {
			if s := tn.Names[len(tn.Names)-1].GetString_(); s != nil {
				return pgTypeLabel(s.Sval)
			}
		}
	case *pg.Node_CaseExpr:
		return "case"
	case *pg.Node_CoalesceExpr:
		return "coalesce"
	case *pg.Node_NullIfExpr:
		return "nullif"
	case *pg.Node_MinMaxExpr:
		if x.MinMaxExpr.Op == pg.MinMaxOp_IS_GREATEST {
			return "greatest"
		}
		return "least"
	case *pg.Node_SqlvalueFunction:
		return sqlValueLabel(x.SqlvalueFunction.Op)
	case *pg.Node_SubLink:
		if x.SubLink.SubLinkType == pg.SubLinkType_EXISTS_SUBLINK {
			return "exists"
		}
		if x.SubLink.SubLinkType == pg.SubLinkType_EXPR_SUBLINK {
			if sel := x.SubLink.Subselect.GetSelectStmt(); sel != nil && len(sel.TargetList) == 1 {
				if rt := sel.TargetList[0].GetResTarget(); rt != nil {
					if rt.Name != "" {
						return rt.Name
					}
					if cr := rt.Val.GetColumnRef(); cr != nil {
						return columnLabel(cr)
					}
					return defaultLabel(rt.Val)
				}
			}
		}
	case *pg.Node_AConst:
		if b, ok := x.AConst.Val.(*pg.A_Const_Boolval); ok && b != nil {
			return "bool"
		}
	}
	return "?column?"
}

func columnLabel(cr *pg.ColumnRef) string {
	if s := cr.Fields[len(cr.Fields)-1].GetString_(); s != nil {
		return s.Sval
	}
	return "?column?"
}

// pgTypeLabel is the label PostgreSQL gives `x::type` for the type's written name.
func pgTypeLabel(name string) string {
	switch name {
	case "int4":
		return "int4"
	}
	return name
}

func sqlValueLabel(op pg.SQLValueFunctionOp) string {
	switch op {
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		return "current_date"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		return "current_timestamp"
	case pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		return "localtimestamp"
	}
	return "?column?"
}

// boolCols marks the select list items of s (of its first branch, for a set operation) that
// are boolean expressions, up to the first `*`.
func boolCols(s *pg.SelectStmt) []bool {
	for s != nil && s.Op != pg.SetOperation_SETOP_NONE && s.Op != pg.SetOperation_SET_OPERATION_UNDEFINED {
		s = s.Larg
	}
	if s == nil {
		return nil
	}
	var out []bool
	for _, t := range s.TargetList {
		rt := t.GetResTarget()
		if rt == nil || isStar(rt.Val) {
			break
		}
		out = append(out, isBoolExpr(rt.Val))
	}
	return out
}

// isBoolExpr reports an expression whose PostgreSQL type is boolean by its form alone.
func isBoolExpr(n *pg.Node) bool {
	switch x := n.GetNode().(type) {
	case *pg.Node_BoolExpr, *pg.Node_NullTest, *pg.Node_BooleanTest:
		return true
	case *pg.Node_AExpr:
		switch x.AExpr.Kind {
		case pg.A_Expr_Kind_AEXPR_OP:
			switch opName(x.AExpr.Name) {
			case "=", "<>", "!=", "<", "<=", ">", ">=", "~~", "!~~", "~~*", "!~~*":
				return true
			}
		case pg.A_Expr_Kind_AEXPR_DISTINCT, pg.A_Expr_Kind_AEXPR_NOT_DISTINCT, pg.A_Expr_Kind_AEXPR_IN,
			pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE, pg.A_Expr_Kind_AEXPR_BETWEEN,
			pg.A_Expr_Kind_AEXPR_NOT_BETWEEN:
			return true
		}
	case *pg.Node_AConst:
		_, ok := x.AConst.Val.(*pg.A_Const_Boolval)
		return ok
	case *pg.Node_SubLink:
		switch x.SubLink.SubLinkType {
		case pg.SubLinkType_EXISTS_SUBLINK, pg.SubLinkType_ANY_SUBLINK, pg.SubLinkType_ALL_SUBLINK:
			return true
		}
	case *pg.Node_TypeCast:
		name, _, err := typeName(x.TypeCast.TypeName)
		return err == nil && (name == "bool" || name == "boolean")
	}
	return false
}

// renameColumns names the leading select list items of s (of its first branch) with names.
func renameColumns(s *pg.SelectStmt, names []*pg.Node) error {
	for s.Op != pg.SetOperation_SETOP_NONE && s.Op != pg.SetOperation_SET_OPERATION_UNDEFINED && s.Larg != nil {
		s = s.Larg
	}
	if len(names) > len(s.TargetList) {
		return &Error{SQLState: "42P10", Msg: "table has fewer columns than the aliases given"}
	}
	for i, n := range names {
		rt := s.TargetList[i].GetResTarget()
		str := n.GetString_()
		if rt == nil || str == nil || isStar(rt.Val) {
			return unsupported("column aliases on a subquery whose select list has *")
		}
		rt.Name = str.Sval
	}
	return nil
}

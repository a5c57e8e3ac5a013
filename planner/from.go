package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// The FROM clause is compiled in two steps. walkFrom numbers every column of every relation
// (the block's global numbering) and records the join structure; build then turns that
// structure into a plan, choosing join keys among the equalities of ON and WHERE and placing
// every other condition as low as it stays correct.

// fromNode is a piece of the join structure.
type fromNode interface {
	// cover reports whether every global column of cols belongs to this piece.
	cover(cols []int) bool
	// tableList lists the scope tables of the piece, for ON-clause name resolution.
	tableList() []int
}

// fromLeaf is one relation: a base table, a derived table or a semi-join's subquery.
type fromLeaf struct {
	plan  Plan
	first int // global number of its first column
	n     int
	table int // scope table, -1 for a semi-join leaf (no name resolves to it)
	name  string
	// cross marks a subquery's leaf that may join without a key: its rows are distinct
	// per key of a parameter inside it, so each outer row meets one at most per lookup.
	cross bool
}

// fromInner is an inner join of several pieces under a set of conditions (ON clauses of
// inner joins and, at the top, WHERE), which may be applied in any order.
type fromInner struct {
	items []fromNode
	conds []*pred
}

// fromLeft is a LEFT JOIN (RIGHT JOIN is turned around into one), or with full a FULL
// JOIN (PostgreSQL's dialect; see buildFull).
type fromLeft struct {
	left, right fromNode
	on          []*pred
	src         ast.Node
	full        bool
}

func (l *fromLeaf) cover(cols []int) bool {
	for _, c := range cols {
		if c < l.first || c >= l.first+l.n {
			return false
		}
	}
	return true
}

func (l *fromLeaf) tableList() []int {
	if l.table < 0 {
		return nil
	}
	return []int{l.table}
}

func (g *fromInner) cover(cols []int) bool {
	for _, c := range cols {
		if !anyCovers(g.items, c) {
			return false
		}
	}
	return true
}

func anyCovers(items []fromNode, c int) bool {
	for _, it := range items {
		if it.cover([]int{c}) {
			return true
		}
	}
	return false
}

func (g *fromInner) tableList() []int {
	var out []int
	for _, it := range g.items {
		out = append(out, it.tableList()...)
	}
	return out
}

func (j *fromLeft) cover(cols []int) bool {
	for _, c := range cols {
		if !j.left.cover([]int{c}) && !j.right.cover([]int{c}) {
			return false
		}
	}
	return true
}

func (j *fromLeft) tableList() []int {
	return append(j.left.tableList(), j.right.tableList()...)
}

// pred is one conjunct of a condition, compiled over global column numbers.
type pred struct {
	e    expr.Expr
	cols []int
	src  ast.Node
	// eq is set for `col = col`, the only conditions that can key a join.
	eq       bool
	eqL, eqR int
	// temporal, when set, makes the condition a comparison with the clock kept as time
	// passes (see temporalConj); e is then its row side.
	temporal []temporalAtom
}

// splitAnd lists the top-level AND conjuncts of a condition.
func splitAnd(n ast.ExprNode) []ast.ExprNode {
	if n == nil {
		return nil
	}
	switch x := n.(type) {
	case *ast.BinaryOperationExpr:
		if x.Op == opcode.LogicAnd {
			return append(splitAnd(x.L), splitAnd(x.R)...)
		}
	case *ast.ParenthesesExpr:
		return splitAnd(x.Expr)
	}
	return []ast.ExprNode{n}
}

// newPred compiles one conjunct.
func newPred(v *exprConv, n ast.ExprNode) (*pred, error) {
	e, err := v.conv(n)
	if err != nil {
		return nil, err
	}
	p := &pred{e: e, cols: expr.Columns(e), src: n}
	if b, ok := unparen(n).(*ast.BinaryOperationExpr); ok && b.Op == opcode.EQ {
		_, lc := unparen(b.L).(*ast.ColumnNameExpr)
		_, rc := unparen(b.R).(*ast.ColumnNameExpr)
		if lc && rc {
			l, _ := v.conv(b.L)
			r, _ := v.conv(b.R)
			li, lok := expr.Index(l)
			ri, rok := expr.Index(r)
			if lok && rok && li != ri {
				p.eq, p.eqL, p.eqR = true, li, ri
			}
		}
	}
	return p, nil
}

// The key classes: types whose values are equal exactly when their key encodings are.
const (
	keyExact  = 1 // exact numbers
	keyFloat  = 2 // doubles
	keyText   = 3 // text, by its collation weight
	keyDate   = 4 // dates and datetimes
	keyBinary = 5 // bytes, by their exact bytes
	keyTime   = 6 // TIME values
)

// keyClass groups types whose values are equal exactly when their key encodings are, so that
// an equality between them can key a join: exact numbers, doubles, strings, times.
func keyClass(t dataflow.Type) int {
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal:
		return keyExact
	case dataflow.KindFloat:
		return keyFloat
	case dataflow.KindString:
		if t.BinaryString() {
			return keyBinary
		}
		return keyText
	case dataflow.KindDate, dataflow.KindDatetime:
		return keyDate
	case dataflow.KindTime:
		return keyTime
	}
	return 0
}

func joinable(a, b dataflow.Type) bool {
	ka := keyClass(a)
	return ka != 0 && ka == keyClass(b)
}

// walkFrom compiles the FROM clause's structure, registering relations in the block's scope.
// optional marks the optional side of an outer join, through which no key can pass.
func (b *block) walkFrom(n ast.ResultSetNode, optional bool) (fromNode, error) {
	switch n := n.(type) {
	case *ast.Join:
		if n.Right == nil {
			return b.walkFrom(n.Left, optional)
		}
		lOpt, rOpt := optional, optional
		var onExpr ast.ExprNode
		if n.On != nil {
			onExpr = n.On.Expr
		}
		full := false
		if n.Tp == ast.LeftJoin && onExpr != nil {
			onExpr, full = b.fullJoinCond(onExpr)
		}
		switch {
		case full:
			lOpt, rOpt = true, true
		case n.Tp == ast.LeftJoin:
			rOpt = true
		case n.Tp == ast.RightJoin:
			lOpt = true
		}
		l, err := b.walkFrom(n.Left, lOpt)
		if err != nil {
			return nil, err
		}
		r, err := b.walkFrom(n.Right, rOpt)
		if err != nil {
			return nil, err
		}
		var on []*pred
		var star []int
		if n.NaturalJoin || len(n.Using) > 0 {
			var uerr *Error
			if on, star, uerr = b.usingPreds(n, l, r); uerr != nil {
				return nil, b.c.at(uerr, n)
			}
		}
		if onExpr != nil {
			v := b.rowConv(b.sc.restrict(append(l.tableList(), r.tableList()...)), "on clause")
			for _, cj := range splitAnd(onExpr) {
				if !optional && n.Tp != ast.LeftJoin && n.Tp != ast.RightJoin && (isSubqueryConj(cj) || hasScalarSubquery(cj) || hasSubqueryValue(cj)) {
					// The condition of an inner join outside any outer join's optional
					// side may as well be WHERE's, where a subquery becomes a semi- or
					// anti-join.
					b.onSubqueries = append(b.onSubqueries, cj)
					continue
				}
				p, err := newPred(v, cj)
				if err != nil {
					return nil, err
				}
				on = append(on, p)
			}
		}
		var joined fromNode
		switch {
		case full:
			b.markNullable(l)
			b.markNullable(r)
			joined = &fromLeft{left: l, right: r, on: on, src: n, full: true}
		case n.Tp == ast.LeftJoin:
			b.markNullable(r)
			joined = &fromLeft{left: l, right: r, on: on, src: n}
		case n.Tp == ast.RightJoin:
			b.markNullable(l)
			joined = &fromLeft{left: r, right: l, on: on, src: n}
		default:
			joined = innerOf(l, r, on)
		}
		if star == nil {
			star = append(b.starCols(l), b.starCols(r)...)
		} else {
			b.usingStar = true
		}
		if b.stars == nil {
			b.stars = map[fromNode][]int{}
		}
		b.stars[joined] = star
		return joined, nil
	case *ast.TableSource:
		return b.tableSource(n, optional)
	}
	return nil, unsupported("this FROM clause element (%T)", n)
}

// innerOf is the inner join of two pieces, flattened into one group of items and conditions.
func innerOf(l, r fromNode, on []*pred) *fromInner {
	g := &fromInner{}
	for _, side := range []fromNode{l, r} {
		if in, ok := side.(*fromInner); ok {
			g.items = append(g.items, in.items...)
			g.conds = append(g.conds, in.conds...)
		} else {
			g.items = append(g.items, side)
		}
	}
	g.conds = append(g.conds, on...)
	return g
}

// markNullable records that the columns of the inner side of an outer join may be NULL.
func (b *block) markNullable(n fromNode) {
	for i := range b.sc.cols {
		if n.cover([]int{i}) {
			b.sc.cols[i].col.Type.Nullable = true
		}
	}
}

func (b *block) tableSource(ts *ast.TableSource, optional bool) (fromNode, error) {
	if ts.Lateral {
		return nil, unsupported("LATERAL derived tables")
	}
	alias := ts.AsName.O
	switch src := ts.Source.(type) {
	case *ast.TableName:
		switch {
		case src.AsOf != nil:
			return nil, unsupported("AS OF")
		case src.TableSample != nil:
			return nil, unsupported("TABLESAMPLE")
		case len(src.PartitionNames) > 0:
			return nil, unsupported("PARTITION clauses")
		}
		if src.Schema.O == "" {
			if def, ok := b.c.cte(src.Name.O); ok {
				return b.cteSource(def, src.Name.O, alias, optional)
			}
		}
		if src.Schema.L != InfoSchema {
			key, err := b.c.key(src)
			if err != nil {
				return nil, err
			}
			if def, ok := b.c.view(key); ok && !b.c.isTable(key) {
				return b.viewSource(def, alias, optional)
			}
		}
		t, err := b.c.table(src)
		if err != nil {
			return nil, err
		}
		qual := src.Name.O
		if alias != "" {
			qual = alias
		}
		if b.sc.findTable(qual) >= 0 {
			return nil, newErr(CodeNonUniqTable, "Not unique table/alias: '%s'", qual)
		}
		cols := t.Columns(qual)
		var plan Plan = &Scan{Table: t.Name, Cols: cols}
		if b.c.dialect == PostgreSQL {
			plan, cols = textAsBinary(plan.(*Scan))
		}
		ti := b.sc.addTable(qual, cols, t)
		return &fromLeaf{plan: plan, first: b.sc.tables[ti].first, n: len(cols), table: ti, name: qual}, nil
	case *ast.SelectStmt, *ast.SetOprStmt:
		if alias == "" {
			return nil, newErr(CodeDerivedNeedsAlias, "Every derived table must have its own alias")
		}
		var names []string
		for _, cn := range ts.ColumnNames {
			names = append(names, cn.O)
		}
		return b.derived(src, alias, names, optional, "in a derived table", false)
	case *ast.Join:
		if alias != "" {
			return nil, unsupported("an alias on a parenthesized join")
		}
		return b.walkFrom(src, optional)
	}
	return nil, unsupported("this FROM clause element (%T)", ts.Source)
}

// derived compiles a derived table (or a view's text) named alias, with its columns renamed
// by names when there are any. where describes it for messages; view selects the messages
// of a view.
func (b *block) derived(src ast.ResultSetNode, alias string, names []string, optional bool, where string, view bool) (fromNode, error) {
	if b.sc.findTable(alias) >= 0 {
		return nil, newErr(CodeNonUniqTable, "Not unique table/alias: '%s'", alias)
	}
	nest := b.childNest(where)
	if optional && nest.noKeys == "" {
		nest.noKeys = where + " on the optional side of a LEFT or RIGHT JOIN"
	}
	if view && nest.noKeys == "" {
		// A literal condition in a view's text never takes another value: as a key it would
		// only add a hidden key column, which may keep a lookup by the view's own columns
		// from tracing to a state that can be filled by it. It stays a filter.
		nest.noKeys = where
	}
	q, err := b.c.subquery(src, nil, nest)
	if err != nil {
		return nil, err
	}
	plan, cols, keys := carried(q)
	if len(names) > 0 {
		if len(names) != len(cols) {
			if view {
				return nil, newErr(CodeViewWrongList, "View's SELECT and view's field list have different column counts")
			}
			return nil, newErr(CodeDerivedColumnCount, "In definition of view, derived table or common table expression, SELECT list and column names list have different column counts")
		}
		for i, cn := range names {
			cols[i].Name = cn
		}
	}
	for i := range cols {
		for j := range i {
			if strings.EqualFold(cols[i].Name, cols[j].Name) {
				return nil, newErr(CodeDupFieldName, "Duplicate column name '%s'", cols[i].Name)
			}
		}
		cols[i].Table = alias
	}
	ti := b.sc.addTable(alias, cols, nil)
	if len(keys) > 0 {
		// The key columns follow the named ones, where no name resolves to them.
		hidden := b.sc.addHidden(keys)
		b.inherited = append(b.inherited, keyPart{cols: seq(hidden, len(keys)), alts: q.Lookups})
	}
	return &fromLeaf{plan: plan, first: b.sc.tables[ti].first, n: len(cols) + len(keys), table: ti, name: alias}, nil
}

// built is a compiled piece of the join structure: its plan and where each global column
// sits in the plan's output (-1: not there).
type built struct {
	plan Plan
	pos  []int
}

func (b *block) newBuilt(p Plan) *built {
	pos := make([]int, len(b.sc.cols))
	for i := range pos {
		pos[i] = -1
	}
	return &built{plan: p, pos: pos}
}

// local rewrites a global expression onto the piece's own positions.
func (bt *built) local(e expr.Expr) expr.Expr {
	return expr.Remap(e, func(i int) int {
		if i < 0 || i >= len(bt.pos) {
			return -1
		}
		return bt.pos[i]
	})
}

func (bt *built) has(cols []int) bool {
	for _, c := range cols {
		if c < 0 || c >= len(bt.pos) || bt.pos[c] < 0 {
			return false
		}
	}
	return true
}

// filter applies conditions (global) on top of a piece.
func (bt *built) filter(ps []*pred) {
	var cond expr.Expr
	var temporal []*pred
	for _, p := range ps {
		if p.temporal != nil {
			temporal = append(temporal, p)
			continue
		}
		if v, ok := expr.ConstValue(p.e); ok && v.Truthy() {
			continue // always true: nothing to filter
		}
		e := bt.local(p.e)
		if cond == nil {
			cond = e
		} else {
			cond = expr.NewAnd(cond, e)
		}
	}
	if cond != nil {
		bt.plan = &Filter{Input: bt.plan, Pred: cond}
	}
	bt.temporalFilter(temporal)
}

// build compiles a piece of the join structure; every condition of preds refers only to
// columns of the piece and is applied inside it.
func (b *block) build(n fromNode, preds []*pred) (*built, error) {
	switch n := n.(type) {
	case *fromLeaf:
		bt := b.newBuilt(n.plan)
		for i := range n.n {
			bt.pos[n.first+i] = i
		}
		bt.filter(preds)
		return bt, nil
	case *fromInner:
		return b.buildInner(n, preds)
	case *fromLeft:
		return b.buildLeft(n, preds)
	case *fromComputed:
		return b.buildComputed(n, preds)
	}
	return nil, unsupported("this join structure")
}

func (b *block) buildInner(g *fromInner, preds []*pred) (*built, error) {
	all := append(append([]*pred(nil), g.conds...), preds...)
	if len(g.items) == 1 {
		return b.build(g.items[0], all)
	}
	// A condition on one piece alone goes down into it; the rest wait for the joins.
	per := make([][]*pred, len(g.items))
	var rest []*pred
	for _, p := range all {
		placed := false
		for i, it := range g.items {
			if len(p.cols) > 0 && it.cover(p.cols) {
				per[i] = append(per[i], p)
				placed = true
				break
			}
		}
		if !placed {
			rest = append(rest, p)
		}
	}
	parts := make([]*built, len(g.items))
	for i, it := range g.items {
		bt, err := b.build(it, per[i])
		if err != nil {
			return nil, err
		}
		parts[i] = bt
	}
	cur := parts[0]
	joined := make([]bool, len(parts))
	joined[0] = true
	for range len(parts) - 1 {
		next := -1
		var keys []*pred
		for j := range parts {
			if joined[j] {
				continue
			}
			keys = joinKeys(cur, parts[j], rest, b.sc)
			if len(keys) > 0 {
				next = j
				break
			}
		}
		if next < 0 {
			// A subquery's leaf without correlation joins every row.
			for j := range parts {
				if leaf, ok := g.items[j].(*fromLeaf); ok && leaf.cross && !joined[j] {
					next = j
					break
				}
			}
		}
		if next < 0 {
			// No equality links any remaining piece: the next one joins every row with
			// every row (a CROSS JOIN, or a theta join whose conditions filter above). The
			// join keeps both sides whole, and a write to one side meets every row of the
			// other: O(|left| + |right|) state, O(|other side|) work per written row.
			for j := range parts {
				if !joined[j] {
					next = j
					break
				}
			}
		}
		joined[next] = true
		cur = joinBuilt(b, cur, parts[next], InnerJoin, keys)
		rest = removePreds(rest, keys)
		var now, later []*pred
		for _, p := range rest {
			if cur.has(p.cols) {
				now = append(now, p)
			} else {
				later = append(later, p)
			}
		}
		cur.filter(now)
		rest = later
	}
	// Conditions without columns (WHERE 1 = 0) apply to the whole join.
	cur.filter(rest)
	return cur, nil
}

// joinKeys picks the `col = col` conditions between two pieces that can key their join.
func joinKeys(l, r *built, ps []*pred, sc *scope) []*pred {
	var keys []*pred
	for _, p := range ps {
		if !p.eq {
			continue
		}
		a, c := p.eqL, p.eqR
		if !(l.has([]int{a}) && r.has([]int{c})) && !(l.has([]int{c}) && r.has([]int{a})) {
			continue
		}
		if joinable(sc.cols[a].col.Type, sc.cols[c].col.Type) {
			keys = append(keys, p)
		}
	}
	return keys
}

func removePreds(ps, drop []*pred) []*pred {
	var out []*pred
	for _, p := range ps {
		keep := true
		for _, d := range drop {
			if p == d {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, p)
		}
	}
	return out
}

// joinBuilt joins two pieces on the given equalities.
func joinBuilt(b *block, l, r *built, kind JoinKind, keys []*pred) *built {
	j := &Join{Left: l.plan, Right: r.plan, Kind: kind}
	for _, k := range keys {
		a, c := k.eqL, k.eqR
		if !l.has([]int{a}) {
			a, c = c, a
		}
		j.LeftKeys = append(j.LeftKeys, l.pos[a])
		j.RightKeys = append(j.RightKeys, r.pos[c])
		b.noteJoinEq(a, c, kind)
	}
	out := b.newBuilt(j)
	lw := len(l.plan.Columns())
	for i := range out.pos {
		switch {
		case l.pos[i] >= 0:
			out.pos[i] = l.pos[i]
		case r.pos[i] >= 0:
			out.pos[i] = lw + r.pos[i]
		}
	}
	return out
}

func (b *block) buildLeft(j *fromLeft, preds []*pred) (*built, error) {
	if j.full {
		return b.buildFull(j, preds)
	}
	// WHERE conditions on the preserved side hold or fail before the join as after it; any
	// other one must wait above it, where the NULL-padded rows exist.
	var leftPreds, above []*pred
	for _, p := range preds {
		if len(p.cols) > 0 && j.left.cover(p.cols) {
			leftPreds = append(leftPreds, p)
		} else {
			above = append(above, p)
		}
	}
	var keys, rightPreds, leftOn, residual []*pred
	for _, p := range j.on {
		switch {
		case p.eq && ((j.left.cover([]int{p.eqL}) && j.right.cover([]int{p.eqR})) ||
			(j.left.cover([]int{p.eqR}) && j.right.cover([]int{p.eqL}))) &&
			joinable(b.sc.cols[p.eqL].col.Type, b.sc.cols[p.eqR].col.Type):
			keys = append(keys, p)
		case j.right.cover(p.cols):
			// A condition on the optional side only decides which of its rows can match:
			// filtering them before the join is the same.
			rightPreds = append(rightPreds, p)
		case j.left.cover(p.cols):
			// A condition on the preserved side only decides whether its row may match at
			// all; a row failing it is still kept, padded (see matchGate).
			leftOn = append(leftOn, p)
		default:
			// A condition on both sides that cannot key the join decides, row pair by
			// row pair, which right rows meet a left row: the join checks it itself
			// (Join.Residual), since a filter above would drop the left row instead of
			// padding it.
			residual = append(residual, p)
		}
	}
	l, err := b.build(j.left, leftPreds)
	if err != nil {
		return nil, err
	}
	r, err := b.build(j.right, rightPreds)
	if err != nil {
		return nil, err
	}
	gate := len(leftOn) > 0
	var lk, rk int
	if gate {
		lk, rk = matchGate(l, r, leftOn)
	}
	out := joinBuilt(b, l, r, LeftJoin, keys)
	jn := out.plan.(*Join)
	if gate {
		jn.LeftKeys = append(jn.LeftKeys, lk)
		jn.RightKeys = append(jn.RightKeys, rk)
	}
	for _, p := range residual {
		e := out.local(p.e)
		if jn.Residual == nil {
			jn.Residual = e
		} else {
			jn.Residual = expr.NewAnd(jn.Residual, e)
		}
	}
	out.filter(above)
	return out, nil
}

// matchGate makes the conditions of a LEFT JOIN's ON that read only the preserved side part
// of the join key: the left side gains a column that is 1 where they all hold and NULL where
// one does not, the right side a column that is always 1, and the two are joined as one more
// key component. A NULL key never matches, so a left row failing the conditions is kept,
// padded with NULLs, exactly as ON requires; they never filter the left side. It returns the
// gate columns' positions in the two sides' new plans.
func matchGate(l, r *built, conds []*pred) (lk, rk int) {
	var cond expr.Expr
	for _, p := range conds {
		e := l.local(p.e)
		if cond == nil {
			cond = e
		} else {
			cond = expr.NewAnd(cond, e)
		}
	}
	one := expr.NewConst(dataflow.Int(1))
	gate := expr.NewCase(nil, []expr.When{{Cond: cond, Then: one}}, nil)
	return appendColumn(l, gate, "on_gate"), appendColumn(r, one, "on_gate")
}

// appendColumn adds a computed column after a piece's columns, where no global column maps
// to it, and returns its position.
func appendColumn(bt *built, e expr.Expr, name string) int {
	cols := bt.plan.Columns()
	p := &Project{Input: bt.plan}
	for i, c := range cols {
		p.Exprs = append(p.Exprs, expr.NewCol(i, c))
		p.Cols = append(p.Cols, c)
	}
	p.Exprs = append(p.Exprs, e)
	p.Cols = append(p.Cols, dataflow.Column{Name: name, Type: e.Type()})
	bt.plan = p
	return len(cols)
}

package difftest

import (
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// SourceCol names a base-table column whose values can reach a query column.
type SourceCol struct {
	Table string
	Col   int
}

// Param describes one `?` of a generated query: the type of what it is compared with and the
// base columns whose values make keys that find rows.
type Param struct {
	Type ColType
	Src  []SourceCol
}

// Query is a generated SELECT.
type Query struct {
	SQL    string
	Params []Param
	// AltSQL is SQL with another value in the literal the planner makes a key of (`c = 3`
	// instead of `c = 5`); empty when the query has no such literal.
	AltSQL string
	// Items is the number of select-list items, the visible width of the result.
	Items int
}

// QueryConfig bounds the query generator.
type QueryConfig struct {
	// MaxJoins is the most joins in one FROM clause.
	MaxJoins int
	// Derived allows derived tables in FROM.
	Derived bool
	// Aggregates, Unions and Subqueries allow those shapes.
	Aggregates, Unions, Subqueries bool
}

// scopeCol is a column visible in a FROM clause's scope.
type scopeCol struct {
	ref string // how the query names it: "x1.c0", "d2.k1"
	typ ColType
	src []SourceCol
}

type qgen struct {
	g      gen
	s      *Schema
	cfg    QueryConfig
	alias  int
	params []Param
	lits   [2]string // the two renderings of the literal slot
}

// genQuery draws one SELECT over s.
func genQuery(g gen, s *Schema, cfg QueryConfig) *Query {
	q := &qgen{g: g, s: s, cfg: cfg}
	weights := []int{5, 0, 0}
	if cfg.Aggregates {
		weights[1] = 4
	}
	if cfg.Unions {
		weights[2] = 2
	}
	var sql string
	var items int
	switch g.weighted(weights...) {
	case 0:
		sql, items = q.selectQuery()
	case 1:
		sql, items = q.aggregateQuery()
	default:
		sql, items = q.unionQuery()
	}
	out := &Query{SQL: sql, Params: q.params, Items: items}
	if strings.Contains(sql, literalSlot) {
		out.SQL = strings.Replace(sql, literalSlot, q.lits[0], 1)
		out.AltSQL = strings.Replace(sql, literalSlot, q.lits[1], 1)
	}
	return out
}

// literalSlot marks where a key literal goes, so that one query can be rendered with two
// different literals.
const literalSlot = "\x00literal\x00"

// Variant returns a query that differs from q at most in its key literal: the same text,
// or the text with the other literal. Both plan to the same shape, which Weir serves from
// one reader.
func (q *Query) Variant() *Query {
	v := *q
	if q.AltSQL != "" {
		v.SQL, v.AltSQL = q.AltSQL, q.SQL
	}
	return &v
}

func (q *qgen) nextAlias(prefix string) string {
	q.alias++
	return fmt.Sprintf("%s%d", prefix, q.alias)
}

// tableItem is `tN AS xK` with its columns.
func (q *qgen) tableItem(t *Table) (string, []scopeCol) {
	a := q.nextAlias("x")
	cols := make([]scopeCol, len(t.Cols))
	for i, c := range t.Cols {
		cols[i] = scopeCol{ref: a + "." + c.Name, typ: c.Type, src: []SourceCol{{Table: t.Name, Col: i}}}
	}
	return fmt.Sprintf("%s AS %s", t.Name, a), cols
}

// fromItem is a table or, sometimes, a derived table.
func (q *qgen) fromItem(depth int) (string, []scopeCol) {
	if q.cfg.Derived && depth > 0 && q.g.chance(20) {
		return q.derivedItem(depth - 1)
	}
	return q.tableItem(pick(q.g, q.s.Tables))
}

// derivedItem is `(SELECT ...) AS dK`, an inner query without parameters whose columns are
// named k0, k1, ...
func (q *qgen) derivedItem(depth int) (string, []scopeCol) {
	inner, cols := q.innerSelect(depth)
	a := q.nextAlias("d")
	out := make([]scopeCol, len(cols))
	for i, c := range cols {
		out[i] = scopeCol{ref: fmt.Sprintf("%s.k%d", a, i), typ: c.typ, src: c.src}
	}
	return fmt.Sprintf("(%s) AS %s", inner, a), out
}

// innerSelect is a derived table's query: a filtered projection, a DISTINCT, or a grouped
// aggregate, with its items aliased k0, k1, ...
func (q *qgen) innerSelect(depth int) (string, []scopeCol) {
	from, scope := q.from(depth, 1)
	g := q.g
	if q.cfg.Aggregates && g.chance(40) {
		gc := pick(g, scope)
		agg, typ := q.aggregate(scope)
		sql := fmt.Sprintf("SELECT %s AS k0, %s AS k1 FROM %s", gc.ref, agg, from)
		if g.chance(40) {
			sql += " WHERE " + q.pred(scope, 1)
		}
		sql += " GROUP BY " + gc.ref
		return sql, []scopeCol{gc, {typ: typ}}
	}
	n := g.intn(1, 3)
	var items []string
	var cols []scopeCol
	for i := range n {
		text, c := q.item(scope)
		items = append(items, fmt.Sprintf("%s AS k%d", text, i))
		cols = append(cols, c)
	}
	distinct := ""
	if g.chance(20) {
		distinct = "DISTINCT "
	}
	sql := fmt.Sprintf("SELECT %s%s FROM %s", distinct, strings.Join(items, ", "), from)
	if g.chance(50) {
		sql += " WHERE " + q.pred(scope, 1)
	}
	return sql, cols
}

// from draws a FROM clause: an item and up to maxJoins joins on equalities of comparable
// columns (self-joins included).
func (q *qgen) from(depth, maxJoins int) (string, []scopeCol) {
	sql, scope := q.fromItem(depth)
	joins := 0
	if maxJoins > 0 {
		joins = q.g.intn(0, maxJoins)
	}
	for range joins {
		right, rcols := q.fromItem(depth)
		var conds []string
		for range q.g.intn(1, 2) {
			l := pick(q.g, scope)
			var matches []scopeCol
			for _, r := range rcols {
				if r.typ.KeyClass() == l.typ.KeyClass() {
					matches = append(matches, r)
				}
			}
			if len(matches) == 0 {
				continue
			}
			conds = append(conds, fmt.Sprintf("%s = %s", l.ref, pick(q.g, matches).ref))
		}
		if len(conds) == 0 {
			continue
		}
		kind := "JOIN"
		if q.g.chance(40) {
			kind = "LEFT JOIN"
		}
		sql = fmt.Sprintf("%s %s %s ON %s", sql, kind, right, strings.Join(conds, " AND "))
		scope = append(scope, rcols...)
	}
	return sql, scope
}

// item draws a select-list item: mostly a column, sometimes an expression over one. No
// expression mixes spellings of one string (UPPER(c) is all upper case), so a column of
// results still has one spelling per collation class.
func (q *qgen) item(scope []scopeCol) (string, scopeCol) {
	g := q.g
	c := pick(g, scope)
	if !g.chance(25) {
		return c.ref, c
	}
	lit := func() string { return Literal(pick(g, c.typ.Domain()), c.typ) }
	switch c.typ {
	case TypeInt, TypeDecimal, TypeDouble:
		switch g.intn(0, 5) {
		case 0:
			return fmt.Sprintf("%s + %d", c.ref, g.intn(1, 3)), scopeCol{typ: c.typ}
		case 1:
			return fmt.Sprintf("%s * %d", c.ref, g.intn(-1, 2)), scopeCol{typ: c.typ}
		case 2:
			return fmt.Sprintf("COALESCE(%s, %s)", c.ref, lit()), scopeCol{typ: c.typ, src: c.src}
		case 3:
			return fmt.Sprintf("ABS(%s)", c.ref), scopeCol{typ: c.typ}
		case 4:
			t := TypeDecimal
			if c.typ == TypeDouble {
				t = TypeDouble
			}
			// Division by zero is NULL in MySQL.
			return fmt.Sprintf("%s / %d", c.ref, g.intn(0, 2)), scopeCol{typ: t}
		}
		return fmt.Sprintf("CASE WHEN %s > %s THEN %s ELSE %s END", c.ref, lit(), c.ref, lit()), scopeCol{typ: c.typ, src: c.src}
	case TypeUint:
		// Only additions of positive numbers: a negative unsigned result is an error in MySQL.
		return fmt.Sprintf("%s + %d", c.ref, g.intn(1, 3)), scopeCol{typ: TypeUint}
	case TypeVarchar:
		switch g.intn(0, 3) {
		case 0:
			return fmt.Sprintf("CONCAT(%s, '-')", c.ref), scopeCol{typ: TypeVarchar}
		case 1:
			return fmt.Sprintf("COALESCE(%s, 'none')", c.ref), scopeCol{typ: TypeVarchar}
		case 2:
			return fmt.Sprintf("UPPER(%s)", c.ref), scopeCol{typ: TypeVarchar}
		}
		return fmt.Sprintf("CHAR_LENGTH(%s)", c.ref), scopeCol{typ: TypeInt}
	}
	return fmt.Sprintf("%s %s %s", c.ref, pick(g, cmpOps), Literal(literalFor(g, c.typ), c.typ)), scopeCol{typ: TypeBool}
}

// likePattern draws a LIKE pattern that some stored strings match (case-insensitively).
func likePattern(g gen) string {
	v := pick(g, TypeVarchar.Domain())
	if v.RawString() == "" {
		return "%"
	}
	s := []rune(Respell(v, g.intn(0, 1)).RawString())
	switch g.intn(0, 3) {
	case 0:
		return string(s[:1]) + "%"
	case 1:
		return "%" + string(s[len(s)-1:])
	case 2:
		return "_" + string(s[1:])
	}
	return "%" + string(s[1:min(3, len(s))]) + "%"
}

// pred draws a WHERE predicate over the scope: comparisons with literals (other spellings
// of strings included) and with other columns, NULL tests, LIKE, IN lists, BETWEEN,
// AND/OR/NOT.
func (q *qgen) pred(scope []scopeCol, depth int) string {
	g := q.g
	kind := g.weighted(10, 3, 2, 2, 2, 3, 2, 2)
	if depth <= 0 && kind >= 5 {
		kind = 0
	}
	c := pick(g, scope)
	lit := func() string { return Literal(literalFor(g, c.typ), c.typ) }
	switch kind {
	case 0:
		return fmt.Sprintf("%s %s %s", c.ref, pick(g, cmpOps), lit())
	case 1:
		var same []scopeCol
		for _, o := range scope {
			if o.typ.Class() == c.typ.Class() && o.ref != c.ref {
				same = append(same, o)
			}
		}
		if len(same) == 0 {
			return fmt.Sprintf("%s IS NOT NULL", c.ref)
		}
		return fmt.Sprintf("%s %s %s", c.ref, pick(g, cmpOps), pick(g, same).ref)
	case 2:
		if c.typ == TypeVarchar && g.chance(50) {
			not := ""
			if g.chance(25) {
				not = "NOT "
			}
			return fmt.Sprintf("%s %sLIKE %s", c.ref, not, quote(likePattern(g)))
		}
		if g.chance(50) {
			return c.ref + " IS NULL"
		}
		return c.ref + " IS NOT NULL"
	case 3:
		n := g.intn(1, 3)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = lit()
		}
		not := ""
		if g.chance(25) {
			not = "NOT "
		}
		return fmt.Sprintf("%s %sIN (%s)", c.ref, not, strings.Join(parts, ", "))
	case 4:
		return fmt.Sprintf("%s BETWEEN %s AND %s", c.ref, lit(), lit())
	case 5:
		return fmt.Sprintf("(%s AND %s)", q.pred(scope, depth-1), q.pred(scope, depth-1))
	case 6:
		return fmt.Sprintf("(%s OR %s)", q.pred(scope, depth-1), q.pred(scope, depth-1))
	}
	return fmt.Sprintf("NOT (%s)", q.pred(scope, depth-1))
}

// subqueryPred is `col IN (SELECT y.c FROM t y [WHERE ...])` over a comparable column.
func (q *qgen) subqueryPred(scope []scopeCol) (string, bool) {
	c := pick(q.g, scope)
	t := pick(q.g, q.s.Tables)
	from, inner := q.tableItem(t)
	var same []scopeCol
	for _, o := range inner {
		if o.typ.KeyClass() == c.typ.KeyClass() {
			same = append(same, o)
		}
	}
	if len(same) == 0 {
		return "", false
	}
	sub := fmt.Sprintf("SELECT %s FROM %s", pick(q.g, same).ref, from)
	if q.g.chance(50) {
		sub += " WHERE " + q.pred(inner, 0)
	}
	return fmt.Sprintf("%s IN (%s)", c.ref, sub), true
}

// where draws the outermost WHERE conjuncts: plain predicates, perhaps an IN subquery, and
// the parameters (`c = ?`, compound keys, `c IN (?, ?)`, or a literal the planner turns into
// a key). keyCols restricts which columns parameters may use (nil: any); allowIn allows
// IN-list parameters.
func (q *qgen) where(scope, keyCols []scopeCol, allowIn bool) []string {
	g := q.g
	var conj []string
	for range g.weighted(3, 3, 1) {
		conj = append(conj, q.pred(scope, 1))
	}
	if q.cfg.Subqueries && g.chance(15) {
		if p, ok := q.subqueryPred(scope); ok {
			conj = append(conj, p)
		}
	}
	if keyCols == nil {
		keyCols = scope
	}
	if len(keyCols) == 0 {
		return conj
	}
	in := 0
	if allowIn {
		in = 2
	}
	switch g.weighted(3, 5, 2, in, in/2, 2) {
	case 1:
		conj = append(conj, q.eqParam(pick(g, keyCols)))
	case 2:
		a := pick(g, keyCols)
		b := pick(g, keyCols)
		conj = append(conj, q.eqParam(a))
		if b.ref != a.ref {
			conj = append(conj, q.eqParam(b))
		}
	case 3:
		conj = append(conj, q.inParam(pick(g, keyCols)))
	case 4:
		a := pick(g, keyCols)
		conj = append(conj, q.eqParam(a))
		if b := pick(g, keyCols); b.ref != a.ref {
			conj = append(conj, q.inParam(b))
		}
	case 5:
		c := pick(g, keyCols)
		q.lits = [2]string{Literal(literalFor(g, c.typ), c.typ), Literal(literalFor(g, c.typ), c.typ)}
		conj = append(conj, fmt.Sprintf("%s = %s", c.ref, literalSlot))
	}
	return conj
}

func (q *qgen) eqParam(c scopeCol) string {
	q.params = append(q.params, Param{Type: c.typ, Src: c.src})
	return c.ref + " = ?"
}

func (q *qgen) inParam(c scopeCol) string {
	n := q.g.intn(2, 3)
	marks := make([]string, n)
	for i := range marks {
		marks[i] = "?"
		q.params = append(q.params, Param{Type: c.typ, Src: c.src})
	}
	return fmt.Sprintf("%s IN (%s)", c.ref, strings.Join(marks, ", "))
}

func whereSQL(conj []string) string {
	if len(conj) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conj, " AND ")
}

// orderBy draws ORDER BY over some of keys, often with a LIMIT (a top-k per key), sometimes
// an OFFSET.
func (q *qgen) orderBy(keys []string) string {
	g := q.g
	n := g.intn(1, min(2, len(keys)))
	parts := make([]string, n)
	for i := range parts {
		parts[i] = pick(g, keys)
		if g.chance(50) {
			parts[i] += " DESC"
		}
	}
	sql := " ORDER BY " + strings.Join(parts, ", ")
	if g.chance(60) {
		sql += fmt.Sprintf(" LIMIT %d", g.intn(1, 3))
		if g.chance(20) {
			sql += fmt.Sprintf(" OFFSET %d", g.intn(1, 2))
		}
	}
	return sql
}

// selectQuery: SELECT [DISTINCT] items FROM ... WHERE ... [ORDER BY ... [LIMIT]].
func (q *qgen) selectQuery() (string, int) {
	g := q.g
	from, scope := q.from(1, q.cfg.MaxJoins)
	n := g.intn(1, 4)
	items := make([]string, n)
	var plain []string // items that are bare columns
	for i := range items {
		var c scopeCol
		items[i], c = q.item(scope)
		if c.ref == items[i] {
			plain = append(plain, c.ref)
		}
	}
	distinct := g.chance(20)
	conj := q.where(scope, nil, true)
	sql := "SELECT "
	if distinct {
		sql += "DISTINCT "
	}
	sql += strings.Join(items, ", ") + " FROM " + from + whereSQL(conj)
	// DISTINCT can only be ordered by what it selects (MySQL error 3065 otherwise); without
	// it any column in scope can order, selected or not.
	keys := plain
	if !distinct {
		keys = nil
		for _, c := range scope {
			keys = append(keys, c.ref)
		}
	}
	if len(keys) > 0 && g.chance(30) {
		ob := q.orderBy(keys)
		sql += ob
	}
	return sql, n
}

// aggregate draws one aggregate call over the scope and its result type.
func (q *qgen) aggregate(scope []scopeCol) (string, ColType) {
	g := q.g
	c := pick(g, scope)
	var nums []scopeCol
	for _, o := range scope {
		if o.typ.Class() == ClassNumber {
			nums = append(nums, o)
		}
	}
	kind := g.weighted(3, 2, 2, 3, 2, 2, 2, 2)
	if (kind == 3 || kind == 4) && len(nums) == 0 {
		kind = 0
	}
	switch kind {
	case 0:
		return "COUNT(*)", TypeInt
	case 1:
		return fmt.Sprintf("COUNT(%s)", c.ref), TypeInt
	case 2:
		return fmt.Sprintf("COUNT(DISTINCT %s)", c.ref), TypeInt
	case 3:
		n := pick(g, nums)
		if g.chance(20) {
			return fmt.Sprintf("SUM(DISTINCT %s)", n.ref), sumType(n.typ)
		}
		return fmt.Sprintf("SUM(%s)", n.ref), sumType(n.typ)
	case 4:
		n := pick(g, nums)
		t := TypeDecimal
		if n.typ == TypeDouble {
			t = TypeDouble
		}
		return fmt.Sprintf("AVG(%s)", n.ref), t
	case 5:
		return fmt.Sprintf("MIN(%s)", c.ref), c.typ
	case 6:
		return fmt.Sprintf("MAX(%s)", c.ref), c.typ
	}
	switch g.intn(0, 2) {
	case 0:
		return fmt.Sprintf("GROUP_CONCAT(%s)", c.ref), TypeVarchar
	case 1:
		return fmt.Sprintf("GROUP_CONCAT(DISTINCT %s)", c.ref), TypeVarchar
	}
	return fmt.Sprintf("GROUP_CONCAT(%s ORDER BY %s DESC SEPARATOR '|')", c.ref, c.ref), TypeVarchar
}

func sumType(t ColType) ColType {
	switch t {
	case TypeDouble:
		return TypeDouble
	case TypeDecimal:
		return TypeDecimal
	}
	return TypeInt
}

// aggregateQuery: SELECT groups..., aggregates... FROM ... WHERE ... [GROUP BY ...]
// [HAVING ...] [ORDER BY ... [LIMIT]].
func (q *qgen) aggregateQuery() (string, int) {
	g := q.g
	from, scope := q.from(1, q.cfg.MaxJoins)
	var groups []scopeCol
	for range g.weighted(2, 4, 2) {
		c := pick(g, scope)
		dup := false
		for _, o := range groups {
			dup = dup || o.ref == c.ref
		}
		if !dup {
			groups = append(groups, c)
		}
	}
	var items, orderKeys []string
	for _, c := range groups {
		if g.chance(85) {
			items = append(items, c.ref)
		}
		orderKeys = append(orderKeys, c.ref)
	}
	type aggItem struct {
		alias string
		typ   ColType
	}
	var aggs []aggItem
	for i := range g.intn(1, 3) {
		text, typ := q.aggregate(scope)
		if typ.Class() == ClassNumber && typ != TypeUint && g.chance(15) {
			// An expression over an aggregate is computed above the aggregation.
			text = fmt.Sprintf("%s * 2 + 1", text)
		}
		alias := fmt.Sprintf("a%d", i)
		items = append(items, text+" AS "+alias)
		aggs = append(aggs, aggItem{alias, typ})
		orderKeys = append(orderKeys, alias)
	}
	// A scalar aggregate is one group per key, so its keys are single lookups; a grouped one
	// may use an IN list on a group column (each listed key is its own groups).
	var conj []string
	if len(groups) == 0 {
		conj = q.where(scope, nil, false)
	} else if g.chance(70) {
		conj = q.where(scope, groups, true)
	} else {
		conj = q.where(scope, nil, false)
	}
	sql := "SELECT " + strings.Join(items, ", ") + " FROM " + from + whereSQL(conj)
	if len(groups) > 0 {
		refs := make([]string, len(groups))
		for i, c := range groups {
			refs[i] = c.ref
		}
		sql += " GROUP BY " + strings.Join(refs, ", ")
	}
	if g.chance(25) {
		a := pick(g, aggs)
		if a.typ.Class() == ClassNumber {
			sql += fmt.Sprintf(" HAVING %s %s %d", a.alias, pick(g, cmpOps), g.intn(0, 3))
		} else {
			sql += " HAVING COUNT(*) > 1"
		}
	}
	if len(groups) > 0 && g.chance(30) {
		ob := q.orderBy(orderKeys)
		sql += ob
	}
	return sql, len(items)
}

// unionQuery: branches of the same width and column classes, UNION or UNION ALL, perhaps
// wrapped in a derived table that the parameters filter.
func (q *qgen) unionQuery() (string, int) {
	g := q.g
	width := g.intn(1, 2)
	t0 := pick(g, q.s.Tables)
	classes := make([]int, width)
	outer := make([]scopeCol, width)
	var parts []string
	for b := range g.intn(2, 3) {
		t := t0
		if b > 0 {
			t = pick(g, q.s.Tables)
			if !hasClasses(t, classes) {
				t = t0
			}
		}
		from, scope := q.tableItem(t)
		items := make([]string, width)
		for i := range items {
			var same []scopeCol
			for _, o := range scope {
				if b == 0 || o.typ.KeyClass() == classes[i] {
					same = append(same, o)
				}
			}
			c := pick(g, same)
			if b == 0 {
				classes[i] = c.typ.KeyClass()
				outer[i].typ = c.typ
			}
			outer[i].src = append(outer[i].src, c.src...)
			items[i] = fmt.Sprintf("%s AS k%d", c.ref, i)
		}
		sql := fmt.Sprintf("SELECT %s FROM %s", strings.Join(items, ", "), from)
		if g.chance(50) {
			sql += " WHERE " + q.pred(scope, 1)
		}
		parts = append(parts, sql)
	}
	op := " UNION ALL "
	if g.chance(40) {
		op = " UNION "
	}
	union := strings.Join(parts, op)
	if !g.chance(50) {
		return union, width
	}
	a := q.nextAlias("u")
	refs := make([]string, width)
	for i := range outer {
		outer[i].ref = fmt.Sprintf("%s.k%d", a, i)
		refs[i] = outer[i].ref
	}
	conj := q.where(outer, nil, true)
	sql := fmt.Sprintf("SELECT %s FROM (%s) AS %s%s", strings.Join(refs, ", "), union, a, whereSQL(conj))
	if g.chance(30) {
		ob := q.orderBy(refs)
		sql += ob
	}
	return sql, width
}

// hasClasses reports whether t has a column of each key class.
func hasClasses(t *Table, classes []int) bool {
	for _, cl := range classes {
		found := false
		for _, c := range t.Cols {
			found = found || c.Type.KeyClass() == cl
		}
		if !found {
			return false
		}
	}
	return true
}

// KeyCandidates returns the argument values to look a parameter up with: every value of its
// source columns in the tables (respelled too, for strings; as text, for a few numbers and
// dates), values never stored, and NULL.
func (p Param) KeyCandidates(rows func(table string) []dataflow.Row) []dataflow.Value {
	var out []dataflow.Value
	seen := map[string]bool{}
	add := func(v dataflow.Value) {
		k := string(dataflow.AppendExactKey(nil, v))
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	for _, s := range p.Src {
		for _, r := range rows(s.Table) {
			if s.Col < len(r) && !r[s.Col].IsNull() {
				add(r[s.Col])
			}
		}
	}
	if len(p.Src) == 0 {
		for _, v := range p.Type.Domain() {
			add(v)
		}
	}
	n := len(out)
	for i := 0; i < n; i++ {
		switch v := out[i]; {
		case v.Kind() == dataflow.KindString:
			add(Respell(v, i))
		case i < 2 && (v.IsNumeric() || v.IsTime()):
			// Text where a number or date is expected: MySQL converts it for the comparison.
			add(dataflow.String(v.ToText()))
		}
	}
	for _, v := range p.Type.Absent() {
		add(v)
	}
	add(dataflow.Null)
	return out
}

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
	// InValues counts the IN (subquery) read as values (see inValue).
	InValues int
}

// QueryConfig bounds the query generator.
type QueryConfig struct {
	// MaxJoins is the most joins in one FROM clause.
	MaxJoins int
	// Derived allows derived tables in FROM.
	Derived bool
	// Aggregates, Unions and Subqueries allow those shapes.
	Aggregates, Unions, Subqueries bool
	// Scalars allows scalar subqueries in select lists, WHERE and HAVING.
	Scalars bool
	// Windows allows window functions (query_window.go).
	Windows bool
	// Values allows VALUES tables (`(VALUES ROW(…), …) AS vK(k0, …)`) in FROM.
	Values bool
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
	// inValues counts the IN (subquery) drawn as values.
	inValues int
}

// genQuery draws one SELECT over s.
func genQuery(g gen, s *Schema, cfg QueryConfig) *Query {
	q := &qgen{g: g, s: s, cfg: cfg}
	weights := []int{5, 0, 0, 0}
	if cfg.Aggregates {
		weights[1] = 4
	}
	if cfg.Unions {
		weights[2] = 2
	}
	if cfg.Windows {
		weights[3] = 4
	}
	var sql string
	var items int
	switch g.weighted(weights...) {
	case 0:
		sql, items = q.selectQuery()
	case 1:
		sql, items = q.aggregateQuery()
	case 2:
		sql, items = q.unionQuery()
	default:
		sql, items = q.windowQuery()
	}
	out := &Query{SQL: sql, Params: q.params, Items: items, InValues: q.inValues}
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
	if q.cfg.Values && q.g.chance(15) {
		return q.valuesItem()
	}
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

// valuesTypes are the column types a VALUES table draws: those whose literals have the
// type itself (a date or a double would be written as a string or a decimal).
var valuesTypes = []ColType{TypeInt, TypeUint, TypeDecimal, TypeWideDecimal, TypeVarchar}

// valuesItem is `(VALUES ROW(…), …) AS vK(k0, k1, …)`: one to three columns of values the
// tables hold too (so joins on them match), sometimes NULL after the first row.
func (q *qgen) valuesItem() (string, []scopeCol) {
	g := q.g
	width := g.intn(1, 3)
	types := make([]ColType, width)
	names := make([]string, width)
	a := q.nextAlias("v")
	cols := make([]scopeCol, width)
	for i := range types {
		types[i] = pick(g, valuesTypes)
		names[i] = fmt.Sprintf("k%d", i)
		cols[i] = scopeCol{ref: fmt.Sprintf("%s.k%d", a, i), typ: types[i]}
	}
	rows := make([]string, g.intn(1, 4))
	for r := range rows {
		vals := make([]string, width)
		for i, t := range types {
			if r > 0 && g.chance(10) {
				vals[i] = "NULL"
			} else {
				vals[i] = Literal(pick(g, t.Domain()), t)
			}
		}
		rows[r] = "ROW(" + strings.Join(vals, ", ") + ")"
	}
	return fmt.Sprintf("(VALUES %s) AS %s(%s)", strings.Join(rows, ", "), a, strings.Join(names, ", ")), cols
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
	theta := false
	for i := range joins {
		right, rcols := q.fromItem(depth)
		if !theta && q.g.chance(30) {
			// At most one join without a key per FROM clause keeps the results small.
			if clause, ok := q.otherJoin(scope, right, rcols, i == 0); ok {
				theta = true
				sql += " " + clause
				scope = append(scope, rcols...)
				continue
			}
		}
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
	case TypeInt, TypeDecimal, TypeWideDecimal, TypeDouble:
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
			if c.typ == TypeDouble || c.typ == TypeWideDecimal {
				t = c.typ
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

package difftest

import (
	"fmt"
	"strings"
)

// windowQuery: SELECT items, window calls FROM ... WHERE ... [ORDER BY ... [LIMIT]], or the
// top-N-per-group idiom: a derived table numbering its rows, filtered on the number outside
// and perhaps keyed by a parameter there. The WHERE has no IN list of parameters and no
// range parameters, which a query with windows refuses or filters.
func (q *qgen) windowQuery() (string, int) {
	g := q.g
	if g.chance(25) {
		return q.topPerGroup()
	}
	from, scope := q.from(1, q.cfg.MaxJoins)
	var items, keys []string
	for range g.intn(0, 2) {
		text, c := q.item(scope)
		items = append(items, text)
		if c.ref == text {
			keys = append(keys, text)
		}
	}
	for i := range g.intn(1, 3) {
		alias := fmt.Sprintf("w%d", i)
		items = append(items, q.windowCall(scope)+" AS "+alias)
		keys = append(keys, alias)
	}
	conj := q.where(scope, nil, false)
	sql := "SELECT " + strings.Join(items, ", ") + " FROM " + from + whereSQL(conj)
	if g.chance(30) {
		sql += q.orderBy(keys)
	}
	return sql, len(items)
}

// topPerGroup is `SELECT dN.k0, ..., dN.rn FROM (SELECT c AS k0, ..., ROW_NUMBER() OVER
// (PARTITION BY ... ORDER BY ...) AS rn FROM ...) AS dN WHERE dN.rn <= n [AND dN.kI = ?]`.
func (q *qgen) topPerGroup() (string, int) {
	g := q.g
	from, scope := q.from(1, 1)
	var items []string
	var cols []scopeCol
	for i := range g.intn(1, 3) {
		c := pick(g, scope)
		items = append(items, fmt.Sprintf("%s AS k%d", c.ref, i))
		cols = append(cols, c)
	}
	fn := pick(g, []string{"ROW_NUMBER()", "RANK()", "DENSE_RANK()"})
	inner := fmt.Sprintf("SELECT %s, %s OVER (%s) AS rn FROM %s", strings.Join(items, ", "), fn, q.windowSpec(scope, true), from)
	if g.chance(40) {
		inner += " WHERE " + q.pred(scope, 1)
	}
	a := q.nextAlias("d")
	sql := fmt.Sprintf("SELECT * FROM (%s) AS %s WHERE %s.rn <= %d", inner, a, a, g.intn(1, 3))
	if g.chance(60) {
		i := g.intn(0, len(cols)-1)
		sql += " AND " + q.eqParam(scopeCol{ref: fmt.Sprintf("%s.k%d", a, i), typ: cols[i].typ, src: cols[i].src})
	}
	return sql, len(items) + 1
}

// windowSpec draws PARTITION BY and ORDER BY; ordered forces an ORDER BY.
func (q *qgen) windowSpec(scope []scopeCol, ordered bool) string {
	spec, _ := q.windowSpecKeys(scope, ordered)
	return spec
}

// windowSpecKeys is windowSpec that also returns the ORDER BY columns.
func (q *qgen) windowSpecKeys(scope []scopeCol, ordered bool) (string, []scopeCol) {
	g := q.g
	var parts []string
	var partition []string
	for range g.weighted(2, 3, 1) {
		partition = append(partition, pick(g, scope).ref)
	}
	if len(partition) > 0 {
		parts = append(parts, "PARTITION BY "+strings.Join(partition, ", "))
	}
	n := g.intn(0, 2)
	if ordered && n == 0 {
		n = 1
	}
	var order []string
	var keys []scopeCol
	for range n {
		c := pick(g, scope)
		o := c.ref
		if g.chance(40) {
			o += " DESC"
		}
		order = append(order, o)
		keys = append(keys, c)
	}
	if len(order) > 0 {
		parts = append(parts, "ORDER BY "+strings.Join(order, ", "))
	}
	return strings.Join(parts, " "), keys
}

var frameStarts = []string{"UNBOUNDED PRECEDING", "1 PRECEDING", "2 PRECEDING", "CURRENT ROW", "1 FOLLOWING"}
var frameEnds = []string{"1 PRECEDING", "CURRENT ROW", "1 FOLLOWING", "2 FOLLOWING", "UNBOUNDED FOLLOWING"}

// windowCall draws one window function over the scope with its OVER clause.
func (q *qgen) windowCall(scope []scopeCol) string {
	g := q.g
	c := pick(g, scope)
	var nums []scopeCol
	for _, o := range scope {
		if o.typ.Class() == ClassNumber {
			nums = append(nums, o)
		}
	}
	kind := g.weighted(3, 2, 2, 2, 2, 5, 2, 3)
	switch kind {
	case 0:
		return "ROW_NUMBER() OVER (" + q.windowSpec(scope, false) + ")"
	case 1:
		return "RANK() OVER (" + q.windowSpec(scope, true) + ")"
	case 2:
		return "DENSE_RANK() OVER (" + q.windowSpec(scope, true) + ")"
	case 3, 4:
		name := "LAG"
		if g.chance(50) {
			name = "LEAD"
		}
		args := c.ref
		if g.chance(60) {
			args += fmt.Sprintf(", %d", g.intn(0, 3))
			if g.chance(50) {
				args += ", " + Literal(pick(g, c.typ.Domain()), c.typ)
			}
		}
		return fmt.Sprintf("%s(%s) OVER (%s)", name, args, q.windowSpec(scope, true))
	case 6:
		fn := pick(g, []string{"PERCENT_RANK()", "CUME_DIST()", fmt.Sprintf("NTILE(%d)", g.intn(1, 4))})
		return fn + " OVER (" + q.windowSpec(scope, true) + ")"
	}
	var agg string
	switch k := g.intn(0, 5); {
	case kind == 7:
		// A value function reads a row of the frame the aggregates draw.
		switch g.intn(0, 2) {
		case 0:
			agg = "FIRST_VALUE(" + c.ref + ")"
		case 1:
			agg = "LAST_VALUE(" + c.ref + ")"
		default:
			agg = fmt.Sprintf("NTH_VALUE(%s, %d)", c.ref, g.intn(1, 3))
		}
	case k == 0:
		agg = "COUNT(*)"
	case k == 1:
		agg = "COUNT(" + c.ref + ")"
	case (k == 2 || k == 3) && len(nums) > 0:
		agg = fmt.Sprintf("%s(%s)", pick(g, []string{"SUM", "AVG"}), pick(g, nums).ref)
	case k == 4:
		agg = "MIN(" + c.ref + ")"
	default:
		agg = "MAX(" + c.ref + ")"
	}
	spec, keys := q.windowSpecKeys(scope, false)
	var dates []scopeCol
	for _, o := range scope {
		if o.typ.Class() == ClassDate {
			dates = append(dates, o)
		}
	}
	if len(dates) > 0 && g.chance(35) {
		// A window ordered by a date alone, which takes INTERVAL offsets.
		d := pick(g, dates)
		spec = "ORDER BY " + d.ref
		if g.chance(40) {
			spec += " DESC"
		}
		if g.chance(50) {
			spec = "PARTITION BY " + pick(g, scope).ref + " " + spec
		}
		keys = []scopeCol{d}
	}
	ordered := len(keys) > 0
	numeric := len(keys) == 1 && keys[0].typ.Class() == ClassNumber && keys[0].typ != TypeBool
	temporal := len(keys) == 1 && keys[0].typ.Class() == ClassDate
	switch {
	case temporal && g.chance(40):
		// INTERVAL offsets over a date key: days (the domain's dates lie a day, two months
		// and a year apart), months, which clamp the day, hours, which make the bound a
		// DATETIME, and a compound unit.
		off := func() string {
			return pick(g, []string{"INTERVAL 1 DAY", "INTERVAL 0 DAY", "INTERVAL 2 MONTH", "INTERVAL 1 YEAR",
				"INTERVAL 36 HOUR", "INTERVAL '1 12' DAY_HOUR", "INTERVAL '0-2' YEAR_MONTH", "INTERVAL 1 WEEK"})
		}
		switch g.intn(0, 3) {
		case 0:
			spec += " RANGE BETWEEN " + off() + " PRECEDING AND " + off() + " FOLLOWING"
		case 1:
			spec += " RANGE " + off() + " PRECEDING"
		case 2:
			spec += " RANGE BETWEEN UNBOUNDED PRECEDING AND " + off() + " PRECEDING"
		default:
			spec += " RANGE BETWEEN " + off() + " FOLLOWING AND UNBOUNDED FOLLOWING"
		}
	case numeric && g.chance(30):
		// Value offsets: integers, or a decimal for a key that has a fraction.
		off := func() string {
			if keys[0].typ == TypeInt || keys[0].typ == TypeUint || g.chance(50) {
				return fmt.Sprintf("%d", g.intn(0, 3))
			}
			return pick(g, []string{"0.5", "1.25"})
		}
		switch g.intn(0, 3) {
		case 0:
			spec += " RANGE BETWEEN " + off() + " PRECEDING AND " + off() + " FOLLOWING"
		case 1:
			spec += " RANGE " + off() + " PRECEDING"
		case 2:
			spec += " RANGE BETWEEN CURRENT ROW AND " + off() + " FOLLOWING"
		default:
			spec += " RANGE BETWEEN " + off() + " FOLLOWING AND UNBOUNDED FOLLOWING"
		}
	case g.chance(45):
		si := g.intn(0, len(frameStarts)-1)
		// An end before the start's kind is MariaDB's error 4014: draw one at or after it.
		ei := g.intn(max(0, si-1), len(frameEnds)-1)
		if si == 0 && g.chance(30) {
			spec += " ROWS " + frameStarts[si]
		} else {
			spec += " ROWS BETWEEN " + frameStarts[si] + " AND " + frameEnds[ei]
		}
	case ordered && g.chance(30):
		spec += " RANGE BETWEEN " + pick(g, []string{"UNBOUNDED PRECEDING", "CURRENT ROW"}) + " AND " + pick(g, []string{"CURRENT ROW", "UNBOUNDED FOLLOWING"})
	}
	return agg + " OVER (" + strings.TrimSpace(spec) + ")"
}

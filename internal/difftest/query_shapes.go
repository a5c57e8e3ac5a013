package difftest

import (
	"fmt"
	"strings"
)

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
		if q.cfg.Scalars && g.chance(20) {
			items[i], _ = q.scalarSubquery(scope)
			continue
		}
		if q.cfg.Subqueries && g.chance(10) {
			if v, ok := q.inValue(scope, pick(g, scope)); ok {
				items[i] = v
				continue
			}
		}
		var c scopeCol
		items[i], c = q.item(scope)
		if c.ref == items[i] {
			plain = append(plain, c.ref)
		}
	}
	distinct := g.chance(20)
	var conj []string
	if g.chance(20) {
		// A parameter under OR: the read looks each disjunct up apart and keeps a row once.
		conj = append(q.where(scope, nil, false), q.orParam(scope))
	} else {
		conj = q.where(scope, nil, true)
	}
	if q.cfg.Scalars && g.chance(20) {
		conj = append(conj, q.scalarPred(scope))
	}
	if q.cfg.Scalars && g.chance(15) {
		conj = append(conj, q.scalarEqPred(scope))
	}
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

// orParam draws a condition with parameters under OR: two or three disjuncts, each a
// `c = ?`, a `c IN (?, ...)` or a `c = ?` with another condition.
func (q *qgen) orParam(scope []scopeCol) string {
	g := q.g
	var parts []string
	for range g.intn(2, 3) {
		switch g.weighted(4, 2, 2) {
		case 0:
			parts = append(parts, q.eqParam(pick(g, scope)))
		case 1:
			parts = append(parts, q.inParam(pick(g, scope)))
		default:
			parts = append(parts, "("+q.eqParam(pick(g, scope))+" AND "+q.pred(scope, 1)+")")
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")"
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
		if n.typ == TypeDouble || n.typ == TypeWideDecimal {
			t = n.typ
		}
		return fmt.Sprintf("AVG(%s)", n.ref), t
	case 5:
		return fmt.Sprintf("MIN(%s)", c.ref), c.typ
	case 6:
		return fmt.Sprintf("MAX(%s)", c.ref), c.typ
	}
	switch g.intn(0, 6) {
	case 0:
		return fmt.Sprintf("GROUP_CONCAT(%s)", c.ref), TypeVarchar
	case 1:
		return fmt.Sprintf("GROUP_CONCAT(DISTINCT %s)", c.ref), TypeVarchar
	case 2:
		return fmt.Sprintf("GROUP_CONCAT(%s ORDER BY %s DESC SEPARATOR '|')", c.ref, c.ref), TypeVarchar
	case 3:
		return fmt.Sprintf("JSON_ARRAYAGG(%s)", c.ref), TypeVarchar
	case 4:
		// NULLs are elements: DISTINCT keeps one, the LIMIT window may hold it.
		return fmt.Sprintf("JSON_ARRAYAGG(DISTINCT %s ORDER BY %s DESC LIMIT %d, %d)", c.ref, c.ref, g.intn(0, 1), g.intn(0, 3)), TypeVarchar
	case 5:
		// The ORDER BY column may be another: elements follow it, ties by value.
		return fmt.Sprintf("JSON_ARRAYAGG(%s ORDER BY %s LIMIT %d)", c.ref, pick(g, scope).ref, g.intn(0, 3)), TypeVarchar
	}
	// A NULL key skips its row; duplicate keys stay.
	return fmt.Sprintf("JSON_OBJECTAGG(%s, %s)", c.ref, pick(g, scope).ref), TypeVarchar
}

func sumType(t ColType) ColType {
	switch t {
	case TypeDouble:
		return TypeDouble
	case TypeDecimal, TypeWideDecimal:
		return t
	}
	return TypeInt
}

// combinableAggregate draws an aggregate whose groups over several keys combine into the
// groups over all of them: COUNT, SUM, AVG, MIN and MAX without DISTINCT.
func (q *qgen) combinableAggregate(scope []scopeCol) (string, ColType) {
	g := q.g
	c := pick(g, scope)
	var nums []scopeCol
	for _, o := range scope {
		if o.typ.Class() == ClassNumber {
			nums = append(nums, o)
		}
	}
	kind := g.weighted(3, 2, 3, 3, 2, 2)
	if (kind == 2 || kind == 3) && len(nums) == 0 {
		kind = 0
	}
	switch kind {
	case 1:
		return fmt.Sprintf("COUNT(%s)", c.ref), TypeInt
	case 2:
		n := pick(g, nums)
		return fmt.Sprintf("SUM(%s)", n.ref), sumType(n.typ)
	case 3:
		n := pick(g, nums)
		t := TypeDecimal
		if n.typ == TypeDouble || n.typ == TypeWideDecimal {
			t = n.typ
		}
		return fmt.Sprintf("AVG(%s)", n.ref), t
	case 4:
		return fmt.Sprintf("MIN(%s)", c.ref), c.typ
	case 5:
		return fmt.Sprintf("MAX(%s)", c.ref), c.typ
	}
	return "COUNT(*)", TypeInt
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
	// Now and then an IN list of parameters on a column that need not be grouped: the read
	// combines the groups of its keys (the decomposable aggregates), or, for the others
	// (DISTINCT, GROUP_CONCAT, JSON aggregates), computes them over the rows of every key.
	spanning := g.chance(25)
	// Now and then a parameter under OR: the read aggregates the rows its branches keep.
	underOr := !spanning && g.chance(15)
	// Half of those draw only aggregates that combine from per-key groups, so that the view
	// keeps groups; the others draw from every aggregate, so that it may keep rows.
	combinable := (spanning || underOr) && g.chance(50)
	var aggs []aggItem
	for i := range g.intn(1, 3) {
		text, typ := q.aggregate(scope)
		if combinable {
			text, typ = q.combinableAggregate(scope)
		}
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
	if spanning {
		conj = append(q.where(scope, nil, false), q.inParam(pick(g, scope)))
	} else if underOr {
		conj = append(q.where(scope, nil, false), q.orParam(scope))
	} else if len(groups) == 0 {
		conj = q.where(scope, nil, false)
	} else if g.chance(70) {
		conj = q.where(scope, groups, true)
	} else {
		conj = q.where(scope, nil, false)
	}
	var having string
	if q.cfg.Subqueries && len(groups) > 0 && g.chance(15) {
		// A group column's IN (subquery) as a value: one more group column, in the select
		// list or in HAVING, correlated with group columns only.
		if v, ok := q.inValue(groups, pick(g, groups)); ok {
			if g.chance(50) {
				items = append(items, v)
			} else {
				having = q.valuePred(groups, v)
			}
		}
	}
	sql := "SELECT " + strings.Join(items, ", ") + " FROM " + from + whereSQL(conj)
	if len(groups) > 0 {
		refs := make([]string, len(groups))
		for i, c := range groups {
			refs[i] = c.ref
		}
		sql += " GROUP BY " + strings.Join(refs, ", ")
	}
	if having == "" && q.cfg.Subqueries && !spanning && !underOr && len(aggs) > 0 && g.chance(10) {
		// An aggregate's value, by alias, IN (subquery): joined above the aggregate,
		// correlated with group columns only (not where the read combines the groups of
		// several keys, which Weir refuses).
		a := pick(g, aggs)
		if v, ok := q.inValue(groups, scopeCol{ref: a.alias, typ: a.typ}); ok {
			having = v
			if len(groups) > 0 && g.chance(50) {
				having = q.valuePred(groups, v)
			}
		}
	}
	if having != "" {
		sql += " HAVING " + having
	} else if g.chance(25) {
		a := pick(g, aggs)
		if a.typ.Class() == ClassNumber && q.cfg.Scalars && g.chance(30) {
			sub, _ := q.scalarSubquery(nil)
			sql += fmt.Sprintf(" HAVING %s %s %s", a.alias, pick(g, cmpOps), sub)
		} else if a.typ.Class() == ClassNumber {
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

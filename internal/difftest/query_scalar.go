package difftest

import (
	"fmt"
	"strings"
)

// scalarSubquery draws a scalar subquery over one table that returns one row at most per
// outer row: an aggregate, a row chosen by ORDER BY … LIMIT 1, or a lookup by the table's
// primary key; uncorrelated or correlated by one or two `inner = outer` equalities with
// columns of scope, perhaps filtering the table's rows. It returns the text, in
// parentheses, and the value's type.
func (q *qgen) scalarSubquery(scope []scopeCol) (string, ColType) {
	g := q.g
	t := pick(g, q.s.Tables)
	from, inner := q.tableItem(t)
	var conds []string
	bound := map[int]bool{} // inner columns the conditions equate with one value
	correlations := g.weighted(3, 5, 2)
	if len(scope) == 0 {
		correlations = 0
	}
	for range correlations {
		o := pick(g, scope)
		var same []int
		for i, c := range inner {
			if c.typ.KeyClass() == o.typ.KeyClass() {
				same = append(same, i)
			}
		}
		if len(same) > 0 {
			i := pick(g, same)
			bound[i] = true
			conds = append(conds, fmt.Sprintf("%s = %s", inner[i].ref, o.ref))
		}
	}
	if g.chance(40) {
		conds = append(conds, q.pred(inner, 0))
	}
	where := func() string {
		if len(conds) == 0 {
			return ""
		}
		return " WHERE " + strings.Join(conds, " AND ")
	}
	kind := g.weighted(6, 2, 2)
	if kind == 2 && len(t.PK) == 0 {
		kind = 0
	}
	switch kind {
	case 1:
		c := pick(g, inner)
		order := pick(g, inner).ref
		if g.chance(50) {
			order += " DESC"
		}
		return fmt.Sprintf("(SELECT %s FROM %s%s ORDER BY %s LIMIT 1)", c.ref, from, where(), order), c.typ
	case 2:
		// Every primary-key column is equated with an outer column or a literal.
		for _, k := range t.PK {
			if bound[k] {
				continue
			}
			var same []scopeCol
			for _, o := range scope {
				if o.typ.KeyClass() == inner[k].typ.KeyClass() {
					same = append(same, o)
				}
			}
			if len(same) > 0 && g.chance(60) {
				conds = append(conds, fmt.Sprintf("%s = %s", inner[k].ref, pick(g, same).ref))
			} else {
				conds = append(conds, fmt.Sprintf("%s = %s", inner[k].ref, Literal(literalFor(g, inner[k].typ), inner[k].typ)))
			}
		}
		c := pick(g, inner)
		return fmt.Sprintf("(SELECT %s FROM %s%s)", c.ref, from, where()), c.typ
	}
	agg, typ := q.aggregate(inner)
	if typ == TypeInt && g.chance(20) {
		// Over no rows the expression keeps its value for the aggregate's: COUNT(*) + 1 is 1.
		agg += " + 1"
	}
	return fmt.Sprintf("(SELECT %s FROM %s%s)", agg, from, where()), typ
}

// scalarPred compares a column of scope with a scalar subquery.
func (q *qgen) scalarPred(scope []scopeCol) string {
	c := pick(q.g, scope)
	sub, _ := q.scalarSubquery(scope)
	if q.g.chance(50) {
		return fmt.Sprintf("%s %s %s", c.ref, pick(q.g, cmpOps), sub)
	}
	return fmt.Sprintf("%s %s %s", sub, pick(q.g, cmpOps), c.ref)
}

// scalarEqPred is `col = (SELECT MAX(y) …)` or `col = (SELECT y … ORDER BY … LIMIT 1)` with
// y of col's key class, which Weir plans as a semi-join, often with a parameter inside
// (`… WHERE x.c = ?`) that keys the view. Only for the outermost WHERE's top-level AND.
func (q *qgen) scalarEqPred(scope []scopeCol) string {
	g := q.g
	c := pick(g, scope)
	t := pick(g, q.s.Tables)
	from, inner := q.tableItem(t)
	var same []scopeCol
	for _, i := range inner {
		if i.typ.KeyClass() == c.typ.KeyClass() {
			same = append(same, i)
		}
	}
	if len(same) == 0 {
		return q.scalarPred(scope)
	}
	y := pick(g, same)
	var conds []string
	if g.chance(40) {
		o := pick(g, scope)
		for _, i := range inner {
			if i.typ.KeyClass() == o.typ.KeyClass() {
				conds = append(conds, fmt.Sprintf("%s = %s", i.ref, o.ref))
				break
			}
		}
	}
	if g.chance(30) {
		conds = append(conds, q.pred(inner, 0))
	}
	if g.chance(60) {
		conds = append(conds, q.eqParam(pick(g, inner)))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	if g.chance(30) {
		return fmt.Sprintf("%s = (SELECT %s FROM %s%s ORDER BY %s DESC LIMIT 1)", c.ref, y.ref, from, where, pick(g, inner).ref)
	}
	return fmt.Sprintf("%s = (SELECT %s(%s) FROM %s%s)", c.ref, pick(g, []string{"MAX", "MIN"}), y.ref, from, where)
}

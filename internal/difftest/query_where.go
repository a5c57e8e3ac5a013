package difftest

import (
	"fmt"
	"strings"
)

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

// subqueryPred is a condition on a subquery over one table: `x [NOT] IN (SELECT y ...)`
// (x and y columns or expressions over them, x a row of two for IN), perhaps correlated by
// an equality with an outer column, perhaps under OR, or `[NOT] EXISTS (SELECT ...)`,
// correlated by one or two equalities or not at all, perhaps keyed by a parameter inside
// EXISTS, perhaps under OR. Each may filter the subquery's rows.
func (q *qgen) subqueryPred(scope []scopeCol) (string, bool) {
	g := q.g
	if g.chance(25) {
		if v, ok := q.inValue(scope, pick(g, scope)); ok {
			return q.valuePred(scope, v), true
		}
	}
	c := pick(g, scope)
	t := pick(g, q.s.Tables)
	from, inner := q.tableItem(t)
	comparable := func(o scopeCol) []scopeCol {
		var same []scopeCol
		for _, i := range inner {
			if i.typ.KeyClass() == o.typ.KeyClass() {
				same = append(same, i)
			}
		}
		return same
	}
	// correlation draws `inner = outer` equalities, none when no pair is comparable.
	correlation := func(n int) []string {
		var eqs []string
		for range n {
			o := pick(g, scope)
			if same := comparable(o); len(same) > 0 {
				eqs = append(eqs, fmt.Sprintf("%s = %s", pick(g, same).ref, o.ref))
			}
		}
		return eqs
	}
	var conds []string
	if g.chance(50) {
		conds = append(conds, q.pred(inner, 0))
	}
	not := ""
	if g.chance(50) {
		not = "NOT "
	}
	if g.chance(50) {
		// The operand: a column or an expression, a row of two of them now and then (IN
		// only), each compared with a column or an expression of the subquery of its key
		// class, or now and then of another numeric type (compared as DOUBLEs).
		outer := []scopeCol{c}
		if not == "" && g.chance(15) {
			outer = append(outer, pick(g, scope))
		}
		mixed := g.chance(20)
		var lhs, rhs []string
		for _, o := range outer {
			same := comparable(o)
			if mixed && o.typ.Class() == ClassNumber {
				same = nil
				for _, i := range inner {
					if i.typ.Class() == ClassNumber {
						same = append(same, i)
					}
				}
			}
			if len(same) == 0 {
				return "", false
			}
			lhs = append(lhs, q.inExpr(o))
			rhs = append(rhs, q.inExpr(pick(g, same)))
		}
		if not != "" && g.chance(30) {
			conds = append(conds, correlation(1)...)
		}
		sub := fmt.Sprintf("SELECT %s FROM %s", strings.Join(rhs, ", "), from)
		if len(conds) > 0 {
			sub += " WHERE " + strings.Join(conds, " AND ")
		}
		operand := lhs[0]
		if len(lhs) > 1 {
			operand = "(" + strings.Join(lhs, ", ") + ")"
		}
		in := fmt.Sprintf("%s %sIN (%s)", operand, not, sub)
		if g.chance(25) {
			// Under OR, where a NULL IN drops the row as FALSE does.
			return fmt.Sprintf("(%s OR %s)", q.pred(scope, 0), in), true
		}
		return in, true
	}
	conds = append(conds, correlation(g.weighted(1, 4, 2))...)
	underOr := g.chance(20)
	if not == "" && !underOr && g.chance(25) {
		// A parameter inside EXISTS keys the view by the subquery's column.
		conds = append(conds, q.eqParam(pick(g, inner)))
	}
	sub := fmt.Sprintf("SELECT 1 FROM %s", from)
	if len(conds) > 0 {
		sub += " WHERE " + strings.Join(conds, " AND ")
	}
	if underOr {
		return fmt.Sprintf("(%s OR %sEXISTS (%s))", q.pred(scope, 0), not, sub), true
	}
	return fmt.Sprintf("%sEXISTS (%s)", not, sub), true
}

// inValue draws `x [NOT] IN (SELECT y …)` to be read as a value, where NULL and FALSE
// differ: x is c or an expression over it, y a column or an expression of its key class
// from one table, perhaps filtered, perhaps correlated by an equality with a column of
// scope. No parameter goes inside: the subquery is the optional side of LEFT JOINs.
func (q *qgen) inValue(scope []scopeCol, c scopeCol) (string, bool) {
	g := q.g
	t := pick(g, q.s.Tables)
	from, inner := q.tableItem(t)
	sameClass := func(o scopeCol) []scopeCol {
		var same []scopeCol
		for _, i := range inner {
			if i.typ.KeyClass() == o.typ.KeyClass() {
				same = append(same, i)
			}
		}
		return same
	}
	same := sameClass(c)
	if len(same) == 0 {
		return "", false
	}
	var conds []string
	if g.chance(40) {
		conds = append(conds, q.pred(inner, 0))
	}
	if len(scope) > 0 && g.chance(40) {
		o := pick(g, scope)
		if corr := sameClass(o); len(corr) > 0 {
			conds = append(conds, fmt.Sprintf("%s = %s", pick(g, corr).ref, o.ref))
		}
	}
	sub := fmt.Sprintf("SELECT %s FROM %s", q.inExpr(pick(g, same)), from)
	if len(conds) > 0 {
		sub += " WHERE " + strings.Join(conds, " AND ")
	}
	not := ""
	if g.chance(50) {
		not = "NOT "
	}
	q.inValues++
	return fmt.Sprintf("%s %sIN (%s)", q.inExpr(c), not, sub), true
}

// valuePred reads an IN (subquery) value v in a condition that tells NULL from FALSE.
func (q *qgen) valuePred(scope []scopeCol, v string) string {
	g := q.g
	switch g.intn(0, 6) {
	case 0:
		return fmt.Sprintf("(%s) IS NULL", v)
	case 1:
		return fmt.Sprintf("(%s) IS NOT TRUE", v)
	case 2:
		return fmt.Sprintf("NOT (%s OR %s)", v, q.pred(scope, 0))
	case 3:
		return fmt.Sprintf("((%s) XOR %s)", v, q.pred(scope, 0))
	case 4:
		return fmt.Sprintf("(%s) = 0", v)
	case 5:
		// The same value twice, which the planner joins once.
		return fmt.Sprintf("CASE WHEN %s THEN %s ELSE (%s) IS NULL END", v, q.pred(scope, 0), v)
	}
	return fmt.Sprintf("COALESCE(%s, 2) = 2", v)
}

// inExpr draws an operand of an IN (subquery), outside or in its select list: the column
// c, or now and then an expression over it whose values keep c's key class.
func (q *qgen) inExpr(c scopeCol) string {
	g := q.g
	if !g.chance(45) {
		return c.ref
	}
	var forms []string
	switch c.typ.Class() {
	case ClassString:
		forms = []string{"lower(%s)", "upper(%s)", "concat(%s, '')", "trim(%s)"}
	case ClassNumber:
		forms = []string{"%s + 1", "%s * 2", "coalesce(%s, 0)", "abs(%s)"}
	default:
		return c.ref
	}
	return fmt.Sprintf(pick(g, forms), c.ref)
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
	if q.cfg.Subqueries && g.chance(25) {
		if p, ok := q.subqueryPred(scope); ok {
			conj = append(conj, p)
		}
	}
	given := keyCols != nil
	if !given {
		keyCols = scope
	}
	if len(keyCols) == 0 {
		return conj
	}
	in := 0
	if allowIn {
		in = 2
	}
	noEqWeight := 3
	if given {
		// A range alone (no equality key) over GROUP BY columns is the shape whose
		// aggregate is partial by intervals, and few generated queries are grouped:
		// draw it often.
		noEqWeight = 8
	}
	switch g.weighted(noEqWeight, 5, 2, in, in/2, 2) {
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
	// Range parameters, where the read can select rows (allowIn marks the outermost WHERE
	// of a query whose rows are not aggregated, or one whose keyCols are GROUP BY columns).
	rangeChance := 35
	if given {
		rangeChance = 60
	}
	if allowIn && g.chance(rangeChance) {
		conj = append(conj, q.rangeParam(pick(g, keyCols)))
		if g.chance(30) {
			conj = append(conj, q.rangeParam(pick(g, keyCols)))
		}
	}
	return conj
}

// rangeParam draws a range condition on c with parameters: either comparison either way
// round, or BETWEEN.
func (q *qgen) rangeParam(c scopeCol) string {
	g := q.g
	param := func() { q.params = append(q.params, Param{Type: c.typ, Src: c.src}) }
	switch g.intn(0, 2) {
	case 0:
		param()
		return fmt.Sprintf("%s %s ?", c.ref, pick(g, rangeOps))
	case 1:
		param()
		return fmt.Sprintf("? %s %s", pick(g, rangeOps), c.ref)
	}
	param()
	param()
	return fmt.Sprintf("%s BETWEEN ? AND ?", c.ref)
}

var rangeOps = []string{"<", "<=", ">", ">="}

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

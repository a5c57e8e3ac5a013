package difftest

import (
	"fmt"
	"strings"
)

// otherJoin draws a join that is not keyed by equalities alone, of right (a FROM item with
// columns rcols) onto the scope so far: a CROSS JOIN, an inner join on a comparison of
// columns (a theta join), an equality plus a comparison, a LEFT JOIN whose ON also tests the
// preserved side, a LEFT JOIN on a condition of its optional side only, a LEFT JOIN on a
// comparison of both sides (with or without an equality), or, when the left
// side is one FROM item (whose column names are unique), a JOIN ... USING. ok is false when
// no such join fits the columns.
func (q *qgen) otherJoin(scope []scopeCol, right string, rcols []scopeCol, single bool) (string, bool) {
	g := q.g
	l := pick(g, scope)
	var same, keyed []scopeCol
	for _, r := range rcols {
		if r.typ.Class() == l.typ.Class() {
			same = append(same, r)
		}
		if r.typ.KeyClass() == l.typ.KeyClass() {
			keyed = append(keyed, r)
		}
	}
	switch g.intn(0, 6) {
	case 0:
		return "CROSS JOIN " + right, true
	case 1:
		if len(same) == 0 {
			return "", false
		}
		return fmt.Sprintf("JOIN %s ON %s %s %s", right, l.ref, pick(g, []string{"<", ">=", "<>"}), pick(g, same).ref), true
	case 2:
		if len(keyed) == 0 || len(same) == 0 {
			return "", false
		}
		return fmt.Sprintf("JOIN %s ON %s = %s AND (%s < %s)", right, l.ref, pick(g, keyed).ref, l.ref, pick(g, same).ref), true
	case 3:
		if len(keyed) == 0 {
			return "", false
		}
		return fmt.Sprintf("LEFT JOIN %s ON %s = %s AND (%s)", right, l.ref, pick(g, keyed).ref, q.pred(scope, 1)), true
	case 4:
		return fmt.Sprintf("LEFT JOIN %s ON (%s)", right, q.pred(rcols, 1)), true
	case 5:
		if len(same) == 0 {
			return "", false
		}
		theta := fmt.Sprintf("(%s %s %s)", l.ref, pick(g, []string{"<", ">=", "<>"}), pick(g, same).ref)
		if len(keyed) > 0 && g.chance(50) {
			return fmt.Sprintf("LEFT JOIN %s ON %s = %s AND %s", right, l.ref, pick(g, keyed).ref, theta), true
		}
		return fmt.Sprintf("LEFT JOIN %s ON %s", right, theta), true
	}
	if !single {
		return "", false
	}
	// USING names a column by its bare name, which both sides must have.
	name := func(ref string) string { return ref[strings.LastIndexByte(ref, '.')+1:] }
	for _, r := range rcols {
		if name(r.ref) == name(l.ref) && r.typ.KeyClass() == l.typ.KeyClass() {
			kind := "JOIN"
			if g.chance(40) {
				kind = "LEFT JOIN"
			}
			return fmt.Sprintf("%s %s USING (%s)", kind, right, name(l.ref)), true
		}
	}
	return "", false
}

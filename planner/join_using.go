package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/expr"
)

// NATURAL JOIN and JOIN ... USING follow MySQL (SQL:2003): each common column is joined with
// `left = right` and appears once in SELECT *, first, in USING order (a NATURAL JOIN's in the
// left side's order), followed by the rest of the left side's columns and then the right
// side's. The one column shown is the left side's for an inner or LEFT JOIN (where the two are
// equal, or the right one is NULL) and the right side's for a RIGHT JOIN. An unqualified name
// reads that column; the other side's stays reachable qualified (`b.id`).

// starCols lists the global columns a piece of the FROM clause shows in SELECT *, in order.
func (b *block) starCols(n fromNode) []int {
	if s, ok := b.stars[n]; ok {
		return s
	}
	switch n := n.(type) {
	case *fromLeaf:
		if n.table < 0 {
			return nil
		}
		t := b.sc.tables[n.table]
		return seq(t.first, t.n)
	case *fromInner:
		var out []int
		for _, it := range n.items {
			out = append(out, b.starCols(it)...)
		}
		return out
	case *fromLeft:
		return append(append([]int(nil), b.starCols(n.left)...), b.starCols(n.right)...)
	}
	return nil
}

// namedIn finds the column a USING or NATURAL join names among one side's shown columns,
// with MySQL's errors for none and for several.
func (b *block) namedIn(cols []int, name string) (int, *Error) {
	found := -1
	for _, c := range cols {
		if strings.EqualFold(b.sc.cols[c].col.Name, name) {
			if found >= 0 {
				return -1, newErr(CodeAmbiguousColumn, "Column '%s' in from clause is ambiguous", name)
			}
			found = c
		}
	}
	if found < 0 {
		return -1, newErr(CodeUnknownColumn, "Unknown column '%s' in 'from clause'", name)
	}
	return found, nil
}

// usingPreds compiles the common columns of a NATURAL or USING join of l and r (as written,
// before a RIGHT JOIN is turned around) into equalities, hides the column that is not shown
// from unqualified names, and records the SELECT * order of the join.
func (b *block) usingPreds(n *ast.Join, l, r fromNode) ([]*pred, []int, *Error) {
	ls, rs := b.starCols(l), b.starCols(r)
	var names []string
	if n.NaturalJoin {
		for _, c := range ls {
			name := b.sc.cols[c].col.Name
			for _, d := range rs {
				if strings.EqualFold(name, b.sc.cols[d].col.Name) {
					names = append(names, name)
					break
				}
			}
		}
	} else {
		for _, cn := range n.Using {
			// MariaDB joins on a column named twice once.
			dup := false
			for _, seen := range names {
				dup = dup || strings.EqualFold(seen, cn.Name.O)
			}
			if !dup {
				names = append(names, cn.Name.O)
			}
		}
	}
	right := n.Tp == ast.RightJoin
	var preds []*pred
	var shown, usedL, usedR []int
	for _, name := range names {
		lc, err := b.namedIn(ls, name)
		if err != nil {
			return nil, nil, err
		}
		rc, err := b.namedIn(rs, name)
		if err != nil {
			return nil, nil, err
		}
		usedL, usedR = append(usedL, lc), append(usedR, rc)
		le := expr.NewCol(lc, b.sc.cols[lc].col)
		re := expr.NewCol(rc, b.sc.cols[rc].col)
		preds = append(preds, &pred{e: expr.NewCompare(expr.OpEQ, le, re), cols: []int{lc, rc}, src: n, eq: true, eqL: lc, eqR: rc})
		if right {
			shown = append(shown, rc)
			b.sc.cols[lc].hidden = true
		} else {
			shown = append(shown, lc)
			b.sc.cols[rc].hidden = true
		}
	}
	first, second, firstUsed, secondUsed := ls, rs, usedL, usedR
	if right {
		first, second, firstUsed, secondUsed = rs, ls, usedR, usedL
	}
	star := append([]int(nil), shown...)
	star = append(star, without(first, firstUsed)...)
	star = append(star, without(second, secondUsed)...)
	return preds, star, nil
}

func without(cols, drop []int) []int {
	var out []int
	for _, c := range cols {
		keep := true
		for _, d := range drop {
			keep = keep && c != d
		}
		if keep {
			out = append(out, c)
		}
	}
	return out
}

package difftest

import (
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// tri is SQL's three-valued truth.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

func (a tri) and(b tri) tri {
	switch {
	case a == triFalse || b == triFalse:
		return triFalse
	case a == triTrue && b == triTrue:
		return triTrue
	}
	return triUnknown
}

func (a tri) or(b tri) tri {
	switch {
	case a == triTrue || b == triTrue:
		return triTrue
	case a == triFalse && b == triFalse:
		return triFalse
	}
	return triUnknown
}

func (a tri) not() tri {
	switch a {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triUnknown
}

// PredOp is the kind of a predicate node.
type PredOp uint8

const (
	PredCmp     PredOp = iota // Col Cmp Vals[0]
	PredIsNull                // Col IS NULL
	PredNotNull               // Col IS NOT NULL
	PredIn                    // Col IN (Vals...)
	PredBetween               // Col BETWEEN Vals[0] AND Vals[1]
	PredAnd
	PredOr
	PredNot
)

// Pred is a WHERE predicate over one table's columns, for UPDATE and DELETE. The model
// evaluates it with MySQL's three-valued logic; the engine gets its SQL text.
type Pred struct {
	Op   PredOp
	Col  int
	Cmp  string
	Vals []dataflow.Value
	Kids []*Pred
}

// SQL renders the predicate over t's column names.
func (p *Pred) SQL(t *Table) string {
	col := func() string { return t.Cols[p.Col].Name }
	lit := func(v dataflow.Value) string { return Literal(v, t.Cols[p.Col].Type) }
	switch p.Op {
	case PredCmp:
		return fmt.Sprintf("%s %s %s", col(), p.Cmp, lit(p.Vals[0]))
	case PredIsNull:
		return col() + " IS NULL"
	case PredNotNull:
		return col() + " IS NOT NULL"
	case PredIn:
		parts := make([]string, len(p.Vals))
		for i, v := range p.Vals {
			parts[i] = lit(v)
		}
		return fmt.Sprintf("%s IN (%s)", col(), strings.Join(parts, ", "))
	case PredBetween:
		return fmt.Sprintf("%s BETWEEN %s AND %s", col(), lit(p.Vals[0]), lit(p.Vals[1]))
	case PredAnd:
		return "(" + p.Kids[0].SQL(t) + " AND " + p.Kids[1].SQL(t) + ")"
	case PredOr:
		return "(" + p.Kids[0].SQL(t) + " OR " + p.Kids[1].SQL(t) + ")"
	case PredNot:
		return "NOT (" + p.Kids[0].SQL(t) + ")"
	}
	return "TRUE"
}

// Eval evaluates the predicate over a stored row.
func (p *Pred) Eval(row dataflow.Row) tri {
	switch p.Op {
	case PredCmp:
		return compareTri(row[p.Col], p.Vals[0], p.Cmp)
	case PredIsNull:
		return boolTri(row[p.Col].IsNull())
	case PredNotNull:
		return boolTri(!row[p.Col].IsNull())
	case PredIn:
		// x IN (a, b) is x = a OR x = b, NULLs included.
		out := triFalse
		for _, v := range p.Vals {
			out = out.or(compareTri(row[p.Col], v, "="))
		}
		return out
	case PredBetween:
		return compareTri(row[p.Col], p.Vals[0], ">=").and(compareTri(row[p.Col], p.Vals[1], "<="))
	case PredAnd:
		return p.Kids[0].Eval(row).and(p.Kids[1].Eval(row))
	case PredOr:
		return p.Kids[0].Eval(row).or(p.Kids[1].Eval(row))
	case PredNot:
		return p.Kids[0].Eval(row).not()
	}
	return triUnknown
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func compareTri(a, b dataflow.Value, op string) tri {
	if a.IsNull() || b.IsNull() {
		return triUnknown
	}
	c := dataflow.Compare(a, b)
	switch op {
	case "=":
		return boolTri(c == 0)
	case "<>":
		return boolTri(c != 0)
	case "<":
		return boolTri(c < 0)
	case "<=":
		return boolTri(c <= 0)
	case ">":
		return boolTri(c > 0)
	case ">=":
		return boolTri(c >= 0)
	}
	return triUnknown
}

var cmpOps = []string{"=", "<", ">=", "<>", "<=", ">"}

// literalFor draws a literal to compare column type t with: mostly a stored value (respelled
// for strings), sometimes one that is never stored.
func literalFor(g gen, t ColType) dataflow.Value {
	if g.chance(15) {
		return pick(g, t.Absent())
	}
	v := pick(g, t.Domain())
	if g.chance(30) {
		v = Respell(v, g.intn(0, 2))
	}
	return v
}

// genPred draws a predicate over t's columns, nesting at most depth levels.
func genPred(g gen, t *Table, depth int) *Pred {
	kind := g.weighted(10, 2, 2, 3, 2, 2, 2, 1)
	if depth <= 0 && kind >= int(PredAnd) {
		kind = int(PredCmp)
	}
	col := g.intn(0, len(t.Cols)-1)
	typ := t.Cols[col].Type
	switch PredOp(kind) {
	case PredCmp:
		return &Pred{Op: PredCmp, Col: col, Cmp: pick(g, cmpOps), Vals: []dataflow.Value{literalFor(g, typ)}}
	case PredIsNull, PredNotNull:
		return &Pred{Op: PredOp(kind), Col: col}
	case PredIn:
		n := g.intn(1, 3)
		vals := make([]dataflow.Value, n)
		for i := range vals {
			vals[i] = literalFor(g, typ)
		}
		return &Pred{Op: PredIn, Col: col, Vals: vals}
	case PredBetween:
		return &Pred{Op: PredBetween, Col: col, Vals: []dataflow.Value{literalFor(g, typ), literalFor(g, typ)}}
	case PredNot:
		return &Pred{Op: PredNot, Kids: []*Pred{genPred(g, t, depth-1)}}
	}
	return &Pred{Op: PredOp(kind), Kids: []*Pred{genPred(g, t, depth-1), genPred(g, t, depth-1)}}
}

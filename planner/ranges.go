package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
)

// Range conditions: `col < v`, `col <= v`, `col > v`, `col >= v` (either way round) and
// `col BETWEEN v AND w` in the outermost WHERE, v and w parameters or literals. They are
// not filters of the dataflow: the reader keeps each key's rows ordered by the first range
// column and a read selects the rows within its bounds (see Query.Ranges). Literals become
// parameters of the text as key literals do, so `x > 5` and `x > 6` share one view.

// RangeOp is the comparison of a range condition: column Op bound.
type RangeOp uint8

const (
	RangeGT RangeOp = iota
	RangeGE
	RangeLT
	RangeLE
)

func (op RangeOp) String() string {
	return [...]string{">", ">=", "<", "<="}[op]
}

// RangeCond is one range condition of a query: the value of column Col (a position in
// Root's output) compared by Op with Bound, which is the caller's argument or a literal as
// a key component is.
type RangeCond struct {
	Col   int
	Op    RangeOp
	Bound KeySource
}

// RangeBound is one end of a read's range (see operators.Bound, which has the same fields).
type RangeBound struct {
	Val  dataflow.Value
	Incl bool
	Set  bool
}

// RangeCol is the column the reader orders each key's rows by: the first range condition's.
// It is -1 for a query without range conditions.
func (q *Query) RangeCol() int {
	if len(q.Ranges) == 0 {
		return -1
	}
	return q.Ranges[0].Col
}

// RangeBounds combines the conditions on RangeCol into the tightest bounds for a read with
// args (prepared by PrepareArgs). ok is false when a bound is NULL: the range holds no row.
func (q *Query) RangeBounds(args []dataflow.Value) (lo, hi RangeBound, ok bool) {
	col := q.RangeCol()
	for _, rc := range q.Ranges {
		if rc.Col != col {
			continue
		}
		v := rc.Bound.Value(args)
		if v.IsNull() {
			return lo, hi, false
		}
		b := RangeBound{Val: v, Incl: rc.Op == RangeGE || rc.Op == RangeLE, Set: true}
		if rc.Op == RangeGT || rc.Op == RangeGE {
			if c := compareBound(b, lo); !lo.Set || c > 0 || (c == 0 && !b.Incl) {
				lo = b
			}
		} else if c := compareBound(b, hi); !hi.Set || c < 0 || (c == 0 && !b.Incl) {
			hi = b
		}
	}
	return lo, hi, true
}

func compareBound(a, b RangeBound) int {
	if !b.Set {
		return 0
	}
	return dataflow.Compare(a.Val, b.Val)
}

// InRange reports whether a row of Root's output satisfies every range condition for a
// read with args. NULL satisfies none.
func (q *Query) InRange(row dataflow.Row, args []dataflow.Value) bool {
	for _, rc := range q.Ranges {
		if rc.Col >= len(row) {
			return false
		}
		v, b := row[rc.Col], rc.Bound.Value(args)
		if v.IsNull() || b.IsNull() {
			return false
		}
		c := dataflow.Compare(v, b)
		switch rc.Op {
		case RangeGT:
			if c <= 0 {
				return false
			}
		case RangeGE:
			if c < 0 {
				return false
			}
		case RangeLT:
			if c >= 0 {
				return false
			}
		case RangeLE:
			if c > 0 {
				return false
			}
		}
	}
	return true
}

// RangeOrdered reports whether the reader's order of a key's rows is the query's order, so
// that a read streams the rows of its range and stops at the end of its window. Otherwise
// a read sorts the rows of its range.
func (q *Query) RangeOrdered() bool {
	return len(q.Order) == 0 || q.Order[0].Col == q.RangeCol()
}

// rangeCond is a range condition of the outermost WHERE before the output columns are
// known: col is a global column number.
type rangeCond struct {
	conj   int
	col    int
	op     RangeOp
	bound  KeySource
	params bool
	sites  []func()
	src    ast.ExprNode
}

var rangeOps = map[opcode.Op]RangeOp{opcode.GT: RangeGT, opcode.GE: RangeGE, opcode.LT: RangeLT, opcode.LE: RangeLE}

// flipped is the operator with its operands swapped: `? < x` is `x > ?`.
var flipped = map[RangeOp]RangeOp{RangeGT: RangeLT, RangeGE: RangeLE, RangeLT: RangeGT, RangeLE: RangeGE}

// rangeConds finds the range conditions among the conjuncts that are not keys. A condition
// whose literal is NULL or compares with the column otherwise than a key would (see
// keyLiteral) stays a filter, as does any literal range this block cannot read by range;
// one with a parameter is an error there.
func (b *block) rangeConds(conjs []ast.ExprNode, keys []*keyCond) ([]*rangeCond, error) {
	taken := map[int]bool{}
	for _, k := range keys {
		taken[k.conj] = true
	}
	var out []*rangeCond
	for i, cj := range conjs {
		if taken[i] {
			continue
		}
		type side struct {
			op  RangeOp
			val ast.ExprNode
			set func(ast.ExprNode)
		}
		var colNode *ast.ColumnNameExpr
		var sides []side
		switch x := unparen(cj).(type) {
		case *ast.BinaryOperationExpr:
			op, ok := rangeOps[x.Op]
			if !ok {
				continue
			}
			if cn, ok := unparen(x.L).(*ast.ColumnNameExpr); ok && isKeyValue(x.R) {
				colNode, sides = cn, []side{{op, x.R, func(n ast.ExprNode) { x.R = n }}}
			} else if cn, ok := unparen(x.R).(*ast.ColumnNameExpr); ok && isKeyValue(x.L) {
				colNode, sides = cn, []side{{flipped[op], x.L, func(n ast.ExprNode) { x.L = n }}}
			}
		case *ast.BetweenExpr:
			cn, ok := unparen(x.Expr).(*ast.ColumnNameExpr)
			if !ok || x.Not || !isKeyValue(x.Left) || !isKeyValue(x.Right) {
				continue
			}
			colNode = cn
			sides = []side{
				{RangeGE, x.Left, func(n ast.ExprNode) { x.Left = n }},
				{RangeLE, x.Right, func(n ast.ExprNode) { x.Right = n }},
			}
		}
		if colNode == nil {
			continue
		}
		col, rerr := b.sc.resolve(colNode.Name, "where clause")
		if rerr != nil {
			return nil, b.c.at(rerr, colNode)
		}
		t := b.sc.cols[col].col.Type
		var conds []*rangeCond
		params, usable := false, rangeable(t)
		for _, s := range sides {
			rc := &rangeCond{conj: i, col: col, op: s.op, src: cj}
			src, param, ok, err := b.c.keySource(s.val, t)
			switch {
			case err != nil:
				return nil, err
			case !ok:
				usable = false
				continue
			case param:
				rc.bound, rc.params, params = src, true, true
				conds = append(conds, rc)
				continue
			}
			set := s.set
			rc.bound = src
			rc.sites = []func(){func() { set(&test_driver.ParamMarkerExpr{}) }}
			conds = append(conds, rc)
		}
		if usable && b.agg && !b.grouped(col) {
			if params {
				return nil, b.c.at(unsupported("a range condition with a parameter (?) on column '%s' under an aggregate: the read cannot filter the rows the aggregate has already combined (add '%s' to GROUP BY, or compare it with a literal)", colText(colNode.Name), colText(colNode.Name)), cj)
			}
			continue
		}
		if !usable {
			if params && !rangeable(t) {
				return nil, b.c.at(unsupported("a range condition with a parameter (?) on column '%s' of type %s", colText(colNode.Name), t.SQL), cj)
			}
			if params {
				return nil, b.c.at(unsupported("a range condition that compares column '%s' with a parameter (?) and a NULL literal or one of another type", colText(colNode.Name)), cj)
			}
			continue
		}
		out = append(out, conds...)
	}
	return out, nil
}

// rangeable reports a column type whose values' order is the order in which they compare
// with a bound: not an ENUM or SET (ordered by index, compared with text as text), nor JSON.
func rangeable(t dataflow.Type) bool {
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindFloat, dataflow.KindDecimal,
		dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		return true
	case dataflow.KindString:
		return !t.IsEnum() && !t.IsSet() && !strings.HasPrefix(strings.ToUpper(t.SQL), "JSON")
	}
	return false
}

// rangeCols are the distinct columns of the range conditions, the first one first.
func rangeCols(rs []*rangeCond) []int {
	var cols []int
	seen := map[int]bool{}
	for _, r := range rs {
		if !seen[r.col] {
			seen[r.col] = true
			cols = append(cols, r.col)
		}
	}
	return cols
}

// describeRanges renders a query's range conditions for EXPLAIN.
func describeRanges(rs []RangeCond) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += " and "
		}
		b := fmt.Sprintf("?%d", r.Bound.Param)
		if r.Bound.Param < 0 {
			b = r.Bound.Literal.String()
		}
		s += fmt.Sprintf("$%d %s %s", r.Col, r.Op, b)
	}
	return s
}

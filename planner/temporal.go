package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// TemporalFilter keeps the input rows for which every atom holds at an instant: a WHERE
// condition comparing a row value with NOW(), CURDATE() or UNIX_TIMESTAMP(), optionally ±
// INTERVAL (`created_at > NOW() - INTERVAL 1 HOUR`). Its output changes as time passes
// without any write; the dataflow keeps it current (operators.TemporalFilter) and the
// reference evaluates it at an instant it is given.
//
// Each atom's Cmp reads the input row followed by the clock row: the values of Clocks at
// the instant, in order.
type TemporalFilter struct {
	Input  Plan
	Atoms  []expr.TemporalAtom
	Clocks []expr.Clock
}

func (t *TemporalFilter) Columns() []dataflow.Column { return t.Input.Columns() }
func (t *TemporalFilter) Inputs() []Plan             { return []Plan{t.Input} }

// Describe renders the condition with the clock row's columns named by their clocks.
func (t *TemporalFilter) Describe() string {
	width := len(t.Input.Columns())
	parts := make([]string, len(t.Atoms))
	for i, a := range t.Atoms {
		s := a.Cmp.String()
		for j := len(t.Clocks) - 1; j >= 0; j-- {
			s = strings.ReplaceAll(s, "$"+itoa(width+j), t.Clocks[j].String())
		}
		parts[i] = s
	}
	return "TemporalFilter " + strings.Join(parts, " AND ")
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// temporalAtom is one comparison of a temporal WHERE conjunct, before it is placed: the
// row side over the block's columns, the clock side over its own clocks.
type temporalAtom struct {
	row    expr.Expr
	op     expr.CmpOp
	clock  expr.Expr
	clocks []expr.Clock
}

// clockOf resolves a call of a clock function whose value depends on the instant only;
// ok is false for any other call (RAND() and UUID() included).
func clockOf(n *ast.FuncCallExpr) (expr.Clock, bool, *Error) {
	vol, ok, perr := clockFunc(n)
	if !ok || perr != nil {
		return expr.Clock{}, false, perr
	}
	switch vol.Kind {
	case VolatileDatetime:
		return expr.Clock{Kind: expr.ClockDatetime, Fsp: vol.Fsp}, true, nil
	case VolatileDate:
		return expr.Clock{Kind: expr.ClockDate}, true, nil
	case VolatileUnixTime:
		return expr.Clock{Kind: expr.ClockUnix}, true, nil
	}
	return expr.Clock{}, false, nil
}

// clockFinder looks for a clock function call outside nested queries.
type clockFinder struct{ found ast.Node }

func (f *clockFinder) Enter(n ast.Node) (ast.Node, bool) {
	if f.found != nil {
		return n, true
	}
	switch x := n.(type) {
	case *ast.SubqueryExpr:
		return n, true
	case *ast.FuncCallExpr:
		if _, ok, perr := clockOf(x); ok || perr != nil {
			f.found = x
			return n, true
		}
	}
	return n, false
}

func (f *clockFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// findClock returns the first clock function call in n, outside nested queries, or nil.
func findClock(n ast.Node) ast.Node {
	if n == nil {
		return nil
	}
	f := &clockFinder{}
	n.Accept(f)
	return f.found
}

var flipCmp = map[opcode.Op]opcode.Op{opcode.LT: opcode.GT, opcode.LE: opcode.GE, opcode.GT: opcode.LT,
	opcode.GE: opcode.LE, opcode.EQ: opcode.EQ}

// temporalConj compiles a WHERE conjunct that reads the clock into the conditions it
// stands for: comparisons of a row value with NOW() [± INTERVAL] (or CURDATE(),
// UNIX_TIMESTAMP()) and BETWEEN with such bounds become temporal atoms, kept as time
// passes; the clock-free half of a BETWEEN is an ordinary condition. ok is false for a
// conjunct that does not read the clock. Anything else that reads it is refused with the
// reason: its truth would not change at most once per row, or would need rows the view
// does not keep.
func (b *block) temporalConj(v *exprConv, n ast.ExprNode) (ps []*pred, ok bool, err error) {
	at := findClock(n)
	if at == nil {
		return nil, false, nil
	}
	name := strings.ToUpper(at.(*ast.FuncCallExpr).FnName.O) + "()"
	switch x := unparen(n).(type) {
	case *ast.BinaryOperationExpr:
		if _, isCmp := flipCmp[x.Op]; isCmp {
			ps, err := b.temporalCmp(v, x, x.L, x.Op, x.R, name)
			return ps, true, err
		}
		if x.Op == opcode.LogicOr || x.Op == opcode.LogicXor {
			return nil, true, v.err(unsupported("%s under OR in the WHERE clause of a cached query: only a comparison ANDed with the rest of the condition can be kept current as time passes", name), at)
		}
		if x.Op == opcode.NE || x.Op == opcode.NullEQ {
			return nil, true, v.err(unsupported("%s compared with %s in a cached query: only <, <=, >, >=, = and BETWEEN can be kept current as time passes", name, opText(x.Op)), at)
		}
	case *ast.BetweenExpr:
		if !x.Not {
			lo, err := b.temporalCmp(v, x, x.Expr, opcode.GE, x.Left, name)
			if err != nil {
				return nil, true, err
			}
			hi, err := b.temporalCmp(v, x, x.Expr, opcode.LE, x.Right, name)
			if err != nil {
				return nil, true, err
			}
			return append(lo, hi...), true, nil
		}
	}
	return nil, true, v.err(unsupported("%s in this condition of a cached query: the WHERE clause may compare a value of the row with %s [± INTERVAL] (<, <=, >, >=, =, BETWEEN), ANDed with the rest; a view kept current as time passes cannot hold anything else that reads the clock", name, name), at)
}

// temporalCmp compiles `l op r`, part of the conjunct src, where one side may read the
// clock.
func (b *block) temporalCmp(v *exprConv, src ast.ExprNode, l ast.ExprNode, op opcode.Op, r ast.ExprNode, name string) ([]*pred, error) {
	lc, rc := findClock(l), findClock(r)
	switch {
	case lc != nil && rc != nil:
		return nil, v.err(unsupported("%s on both sides of a comparison in a cached query: compare a value of the row with %s [± INTERVAL]", name, name), src)
	case lc == nil && rc == nil:
		p, err := newPred(v, &ast.BinaryOperationExpr{Op: op, L: l, R: r})
		if err != nil {
			return nil, err
		}
		return []*pred{p}, nil
	case lc != nil:
		l, r, op = r, l, flipCmp[op]
	}
	row, err := v.conv(l)
	if err != nil {
		return nil, err
	}
	clock, clocks, err := b.clockSide(v, r, name)
	if err != nil {
		return nil, err
	}
	var ops []expr.CmpOp
	if op == opcode.EQ {
		// Equal is at least and at most: two comparisons whose truth each changes once.
		ops = []expr.CmpOp{expr.OpGE, expr.OpLE}
	} else {
		ops = []expr.CmpOp{cmpOps[op]}
	}
	p := &pred{e: row, cols: expr.Columns(row), src: src}
	for _, o := range ops {
		p.temporal = append(p.temporal, temporalAtom{row: row, op: o, clock: clock, clocks: clocks})
	}
	return []*pred{p}, nil
}

// clockSide compiles the side of a temporal comparison that reads the clock: clock
// functions become the columns of a clock row; it may apply functions and INTERVAL
// arithmetic to them and to literals, nothing that varies by row or by lookup.
func (b *block) clockSide(v *exprConv, n ast.ExprNode, name string) (expr.Expr, []expr.Clock, error) {
	var clocks []expr.Clock
	cv := *v
	cv.memo, cv.stack = nil, nil
	cv.hook = func(n ast.ExprNode) (expr.Expr, bool, error) {
		switch x := n.(type) {
		case *ast.ColumnNameExpr:
			return nil, true, v.err(unsupported("a column inside the expression of %s in a cached query: compare the column with %s [± INTERVAL] instead, so its truth changes once as time passes", name, name), x)
		case *test_driver.ParamMarkerExpr:
			return nil, true, v.err(unsupported("a parameter inside the expression of %s in a cached query: write the interval as a literal", name), x)
		case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr:
			return nil, true, v.err(unsupported("a subquery inside the expression of %s in a cached query", name), x)
		case *ast.FuncCallExpr:
			c, ok, perr := clockOf(x)
			if perr != nil {
				return nil, true, v.err(perr, x)
			}
			if ok {
				clocks = append(clocks, c)
				return expr.NewCol(len(clocks)-1, dataflow.Column{Name: c.String(), Type: c.Type()}), true, nil
			}
		}
		return nil, false, nil
	}
	e, err := cv.conv(n)
	if err != nil {
		return nil, nil, err
	}
	if !monotoneClockExpr(e) {
		return nil, nil, v.err(unsupported("%s inside this expression in a cached query: only %s itself, ± INTERVAL or a number, DATE(), TO_DAYS() and other functions that never decrease as time passes can be kept current", name, name), n)
	}
	return e, clocks, nil
}

// monotoneClockExpr reports whether a clock-side expression never decreases as the clocks
// it reads increase: a clock, a literal, DATE_ADD/DATE_SUB of a literal interval, a
// literal added or subtracted, and DATE() or TO_DAYS() of such. Anything else (a difference of clocks, MONTH(NOW()),
// a TIME that wraps at midnight) could change a row's membership more than once.
func monotoneClockExpr(e expr.Expr) bool {
	if _, ok := expr.ConstValue(e); ok {
		return true
	}
	if _, ok := expr.Index(e); ok {
		return true
	}
	if op, l, r, ok := expr.ArithOf(e); ok {
		_, lc := expr.ConstValue(l)
		_, rc := expr.ConstValue(r)
		switch op {
		case expr.OpAdd:
			return (lc && monotoneClockExpr(r)) || (rc && monotoneClockExpr(l))
		case expr.OpSub:
			return rc && monotoneClockExpr(l)
		}
		return false
	}
	name, args, ok := expr.CallOf(e)
	if !ok {
		return false
	}
	switch name {
	case "date_add", "date_sub":
		if len(args) != 3 {
			return false
		}
		_, c1 := expr.ConstValue(args[1])
		_, c2 := expr.ConstValue(args[2])
		return c1 && c2 && monotoneClockExpr(args[0])
	case "date", "to_days":
		if len(args) != 1 {
			return false
		}
		return monotoneClockExpr(args[0])
	}
	return false
}

// temporalFilter puts the temporal conditions ps (global positions) on top of the piece.
func (bt *built) temporalFilter(ps []*pred) {
	if len(ps) == 0 {
		return
	}
	width := len(bt.plan.Columns())
	tf := &TemporalFilter{Input: bt.plan}
	for _, p := range ps {
		for _, a := range p.temporal {
			off := len(tf.Clocks)
			tf.Clocks = append(tf.Clocks, a.clocks...)
			row := bt.local(a.row)
			clock := expr.Remap(a.clock, func(i int) int { return off + i })
			cmp := expr.NewCompare(a.op, row, expr.Remap(clock, func(i int) int { return width + i }))
			tf.Atoms = append(tf.Atoms, expr.TemporalAtom{Row: row, Clock: clock, Cmp: cmp})
		}
	}
	bt.plan = tf
}

// clockOutsideWhere refuses a clock function anywhere but a WHERE comparison, naming the
// clause: a value computed from the clock would change every instant, for every row, so
// no state could be kept current by the rows' changes.
func clockOutsideWhere(n *ast.FuncCallExpr, clause string) *Error {
	name := strings.ToUpper(n.FnName.O) + "()"
	return unsupported("%s in the %s of a cached query: its value changes every instant without any write; a cached query may compare a value of the row with %s [± INTERVAL] in its WHERE clause, which is kept current as time passes", name, clause, name)
}

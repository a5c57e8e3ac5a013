package expr

import (
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// CmpOp is a comparison operator.
type CmpOp uint8

const (
	OpEQ         CmpOp = iota // =
	OpNE                      // <> and !=
	OpLT                      // <
	OpLE                      // <=
	OpGT                      // >
	OpGE                      // >=
	OpNullSafeEQ              // <=>: NULL <=> NULL is 1, NULL <=> x is 0
)

func (op CmpOp) String() string {
	switch op {
	case OpEQ:
		return "="
	case OpNE:
		return "<>"
	case OpLT:
		return "<"
	case OpLE:
		return "<="
	case OpGT:
		return ">"
	case OpGE:
		return ">="
	case OpNullSafeEQ:
		return "<=>"
	}
	return "?"
}

// holds reports whether a three-way comparison result satisfies op.
func (op CmpOp) holds(c int) bool {
	switch op {
	case OpEQ, OpNullSafeEQ:
		return c == 0
	case OpNE:
		return c != 0
	case OpLT:
		return c < 0
	case OpLE:
		return c <= 0
	case OpGT:
		return c > 0
	case OpGE:
		return c >= 0
	}
	return false
}

// compareValues orders two non-NULL values like dataflow.Compare, with allocation-free paths
// for the exact numeric kinds that dominate predicates.
func compareValues(a, b dataflow.Value) int {
	ak, bk := a.Kind(), b.Kind()
	if ak == dataflow.KindInt && bk == dataflow.KindInt {
		return cmpInt64(a.RawInt(), b.RawInt())
	}
	if (ak == dataflow.KindInt || ak == dataflow.KindDecimal) && (bk == dataflow.KindInt || bk == dataflow.KindDecimal) {
		ca, sa, aok := exactOf(a)
		cb, sb, bok := exactOf(b)
		s := max(sa, sb)
		if ra, ok := mulPow10(ca, s-sa); ok && aok && bok {
			if rb, ok := mulPow10(cb, s-sb); ok {
				return cmpInt64(ra, rb)
			}
		}
	}
	return dataflow.Compare(a, b)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// timeOperand rewrites a string literal compared with a DATE or DATETIME operand into a time
// literal once, at construction, instead of parsing it for every row; MySQL likewise compares
// such pairs as times. Anything else is returned unchanged.
func timeOperand(lit, other Expr) Expr {
	k := other.Type().Kind
	if k != dataflow.KindDate && k != dataflow.KindDatetime {
		return lit
	}
	v, ok := ConstValue(lit)
	if !ok || v.Kind() != dataflow.KindString {
		return lit
	}
	p, ok := parseTimeText(v.RawString())
	if !ok || p.trailing {
		return lit
	}
	if p.hasTime {
		return NewConst(dataflow.Datetime(p.time(), uint8(p.fsp)))
	}
	return NewConst(dataflow.Date(p.time()))
}

type cmp struct {
	op         CmpOp
	l, r       Expr // as given, for String and Remap
	el, er     Expr // as evaluated
	t          dataflow.Type
	str        string
	nullSafeEQ bool
}

// NewCompare compares two operands with MySQL's rules (see dataflow.Compare): numbers
// numerically, strings by the collation, times chronologically, a string against a number as
// numbers. Any NULL operand gives NULL, except for <=>.
func NewCompare(op CmpOp, l, r Expr) Expr {
	c := &cmp{op: op, l: l, r: r, el: timeOperand(l, r), er: timeOperand(r, l), nullSafeEQ: op == OpNullSafeEQ}
	lt, rt := l.Type(), r.Type()
	c.t = boolType(!c.nullSafeEQ && (nullableType(lt) || nullableType(rt)))
	c.str = "(" + l.String() + " " + op.String() + " " + r.String() + ")"
	return c
}

func nullableType(t dataflow.Type) bool { return t.Nullable || t.Kind == dataflow.KindNull }

func (c *cmp) Type() dataflow.Type         { return c.t }
func (c *cmp) String() string              { return c.str }
func (c *cmp) children() []Expr            { return []Expr{c.l, c.r} }
func (c *cmp) withChildren(ch []Expr) Expr { return NewCompare(c.op, ch[0], ch[1]) }

func (c *cmp) Eval(row dataflow.Row) dataflow.Value {
	a := c.el.Eval(row)
	if c.nullSafeEQ {
		b := c.er.Eval(row)
		if a.IsNull() || b.IsNull() {
			return dataflow.Bool(a.IsNull() && b.IsNull())
		}
		return dataflow.Bool(compareValues(a, b) == 0)
	}
	if a.IsNull() {
		return dataflow.Null
	}
	b := c.er.Eval(row)
	if b.IsNull() {
		return dataflow.Null
	}
	return dataflow.Bool(c.op.holds(compareValues(a, b)))
}

type isNull struct {
	e   Expr
	not bool
	str string
}

// NewIsNull is e IS NULL, or e IS NOT NULL when not is set; never NULL itself.
func NewIsNull(e Expr, not bool) Expr {
	s := "(" + e.String() + " IS NULL)"
	if not {
		s = "(" + e.String() + " IS NOT NULL)"
	}
	return &isNull{e: e, not: not, str: s}
}

func (n *isNull) Eval(row dataflow.Row) dataflow.Value {
	return dataflow.Bool(n.e.Eval(row).IsNull() != n.not)
}
func (n *isNull) Type() dataflow.Type         { return boolType(false) }
func (n *isNull) String() string              { return n.str }
func (n *isNull) children() []Expr            { return []Expr{n.e} }
func (n *isNull) withChildren(ch []Expr) Expr { return NewIsNull(ch[0], n.not) }

type isBool struct {
	e         Expr
	want, not bool
	str       string
}

// NewIsBool is e IS [NOT] TRUE / FALSE: a test of e's truth in which NULL is neither true nor
// false, so the result is never NULL.
func NewIsBool(e Expr, want bool, not bool) Expr {
	var b strings.Builder
	b.WriteString("(" + e.String() + " IS ")
	if not {
		b.WriteString("NOT ")
	}
	if want {
		b.WriteString("TRUE)")
	} else {
		b.WriteString("FALSE)")
	}
	return &isBool{e: e, want: want, not: not, str: b.String()}
}

func (n *isBool) Eval(row dataflow.Row) dataflow.Value {
	v := n.e.Eval(row)
	if v.IsNull() {
		return dataflow.Bool(n.not)
	}
	return dataflow.Bool((v.Truthy() == n.want) != n.not)
}
func (n *isBool) Type() dataflow.Type         { return boolType(false) }
func (n *isBool) String() string              { return n.str }
func (n *isBool) children() []Expr            { return []Expr{n.e} }
func (n *isBool) withChildren(ch []Expr) Expr { return NewIsBool(ch[0], n.want, n.not) }

type in struct {
	e     Expr
	list  []Expr // as given
	elist []Expr // as evaluated
	not   bool
	t     dataflow.Type
	str   string
}

// NewIn is e [NOT] IN (list). It is true when e equals some element; otherwise NULL when e or
// any element is NULL, else false. NOT IN negates that, so a NULL in the list makes NOT IN
// never true.
func NewIn(e Expr, list []Expr, not bool) Expr {
	n := &in{e: e, list: append([]Expr(nil), list...), not: not}
	nullable := nullableType(e.Type())
	n.elist = make([]Expr, len(list))
	var b strings.Builder
	b.WriteString("(" + e.String())
	if not {
		b.WriteString(" NOT")
	}
	b.WriteString(" IN (")
	for i, x := range list {
		n.elist[i] = timeOperand(x, e)
		nullable = nullable || nullableType(x.Type())
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x.String())
	}
	b.WriteString("))")
	n.str = b.String()
	n.t = boolType(nullable)
	return n
}

func (n *in) Eval(row dataflow.Row) dataflow.Value {
	v := n.e.Eval(row)
	if v.IsNull() {
		return dataflow.Null
	}
	sawNull := false
	for _, x := range n.elist {
		w := x.Eval(row)
		if w.IsNull() {
			sawNull = true
			continue
		}
		if compareValues(v, w) == 0 {
			return dataflow.Bool(!n.not)
		}
	}
	if sawNull {
		return dataflow.Null
	}
	return dataflow.Bool(n.not)
}

func (n *in) Type() dataflow.Type { return n.t }
func (n *in) String() string      { return n.str }
func (n *in) children() []Expr    { return append([]Expr{n.e}, n.list...) }
func (n *in) withChildren(ch []Expr) Expr {
	return NewIn(ch[0], ch[1:], n.not)
}

type between struct {
	e, lo, hi    Expr
	ee, elo, ehi Expr
	not          bool
	t            dataflow.Type
	str          string
}

// NewBetween is e [NOT] BETWEEN lo AND hi, that is (e >= lo AND e <= hi) with three-valued
// logic: a NULL bound still gives false when the other bound already excludes e.
func NewBetween(e, lo, hi Expr, not bool) Expr {
	kw := " BETWEEN "
	if not {
		kw = " NOT BETWEEN "
	}
	return &between{
		e: e, lo: lo, hi: hi, not: not,
		ee: e, elo: timeOperand(lo, e), ehi: timeOperand(hi, e),
		t:   boolType(nullableType(e.Type()) || nullableType(lo.Type()) || nullableType(hi.Type())),
		str: "(" + e.String() + kw + lo.String() + " AND " + hi.String() + ")",
	}
}

func (n *between) Eval(row dataflow.Row) dataflow.Value {
	v := n.ee.Eval(row)
	if v.IsNull() {
		return dataflow.Null
	}
	ge, le := triNull, triNull
	if lo := n.elo.Eval(row); !lo.IsNull() {
		ge = triOf(compareValues(v, lo) >= 0)
	}
	if ge == triFalse {
		return dataflow.Bool(n.not)
	}
	if hi := n.ehi.Eval(row); !hi.IsNull() {
		le = triOf(compareValues(v, hi) <= 0)
	}
	r := and3(ge, le)
	if n.not {
		r = not3(r)
	}
	return r.value()
}

func (n *between) Type() dataflow.Type { return n.t }
func (n *between) String() string      { return n.str }
func (n *between) children() []Expr    { return []Expr{n.e, n.lo, n.hi} }
func (n *between) withChildren(ch []Expr) Expr {
	return NewBetween(ch[0], ch[1], ch[2], n.not)
}

package expr

import (
	"math"
	"math/big"

	"github.com/weirdb/weir/dataflow"
)

// ArithOp is a binary arithmetic operator.
type ArithOp uint8

const (
	OpAdd    ArithOp = iota // +
	OpSub                   // -
	OpMul                   // *
	OpDiv                   // /: decimal result for exact operands, NULL when dividing by zero
	OpIntDiv                // DIV: integer division truncating toward zero
	OpMod                   // % and MOD: remainder with the sign of the dividend
)

func (op ArithOp) String() string {
	switch op {
	case OpAdd:
		return "+"
	case OpSub:
		return "-"
	case OpMul:
		return "*"
	case OpDiv:
		return "/"
	case OpIntDiv:
		return "DIV"
	case OpMod:
		return "%"
	}
	return "?"
}

// divScaleIncrement is MySQL's div_precision_increment default: a quotient of exact operands
// has four more fractional digits than its dividend.
const divScaleIncrement = 4

type arith struct {
	op    ArithOp
	l, r  Expr
	t     dataflow.Type
	class numClass // static class the operation is carried out in, at least
	str   string
}

// NewArith combines two operands with MySQL's arithmetic: integers stay integers (BIGINT);
// any DECIMAL operand makes the result exact decimal (scale: the larger for + and -, the sum
// for *); any DOUBLE or string operand makes it DOUBLE. "/" of exact operands is a decimal
// with the dividend's scale plus 4, and NULL when the divisor is zero, as DIV and MOD are.
// Integer overflow yields BIGINT UNSIGNED when the result is non-negative and fits, DOUBLE
// otherwise. Decimal results are exact up to dataflow.MaxDecimalDigits digits, as in
// MariaDB (see fromBigDecimal for wider ones).
func NewArith(op ArithOp, l, r Expr) Expr {
	lt, rt := l.Type(), r.Type()
	a := &arith{op: op, l: l, r: r, class: max(classOf(lt), classOf(rt))}
	if op == OpDiv && a.class == classInt {
		a.class = classDecimal
	}
	a.t = arithType(op, lt, rt)
	a.str = "(" + l.String() + " " + op.String() + " " + r.String() + ")"
	return a
}

func arithType(op ArithOp, lt, rt dataflow.Type) dataflow.Type {
	nullable := lt.Nullable || rt.Nullable || lt.Kind == dataflow.KindNull || rt.Kind == dataflow.KindNull ||
		op == OpDiv || op == OpIntDiv || op == OpMod
	cls := max(classOf(lt), classOf(rt))
	// A double result that overflows is NULL (MySQL raises an error), and text read as a
	// number may already be out of range.
	float := dataflow.Type{Kind: dataflow.KindFloat, Nullable: true}
	switch op {
	case OpIntDiv:
		t := dataflow.Type{Kind: dataflow.KindInt, Precision: min(intDigits(lt), 20), Nullable: nullable}
		if isUnsigned(lt) && isUnsigned(rt) && isIntType(lt) && isIntType(rt) {
			t.Kind, t.Unsigned = dataflow.KindUint, true
		}
		return t
	case OpDiv:
		if cls == classFloat {
			return float
		}
		return decimalType(intDigits(lt)+scaleOf(rt), min(scaleOf(lt)+divScaleIncrement, maxScale), nullable)
	}
	switch cls {
	case classFloat:
		return float
	case classInt:
		t := dataflow.Type{Kind: dataflow.KindInt, Nullable: nullable}
		ld, rd := intDigits(lt), intDigits(rt)
		switch op {
		case OpAdd, OpSub:
			t.Precision = min(max(ld, rd)+1, 20)
		case OpMul:
			t.Precision = min(ld+rd, 20)
		case OpMod:
			t.Precision = min(max(ld, rd), 20)
		}
		unsigned := isUnsigned(lt) && isIntType(lt) && (op == OpMod || isUnsigned(rt) && isIntType(rt))
		if unsigned && op != OpSub {
			t.Kind, t.Unsigned = dataflow.KindUint, true
		}
		return t
	}
	ls, rs := scaleOf(lt), scaleOf(rt)
	switch op {
	case OpMul:
		return decimalType(intDigits(lt)+intDigits(rt), min(ls+rs, maxScale), nullable)
	case OpMod:
		return decimalType(max(intDigits(lt), intDigits(rt)), max(ls, rs), nullable)
	}
	return decimalType(max(intDigits(lt), intDigits(rt))+1, max(ls, rs), nullable)
}

func (a *arith) Type() dataflow.Type { return a.t }
func (a *arith) String() string      { return a.str }
func (a *arith) children() []Expr    { return []Expr{a.l, a.r} }
func (a *arith) withChildren(ch []Expr) Expr {
	return NewArith(a.op, ch[0], ch[1])
}

func (a *arith) Eval(row dataflow.Row) dataflow.Value {
	x := a.l.Eval(row)
	if x.IsNull() {
		return dataflow.Null
	}
	y := a.r.Eval(row)
	if y.IsNull() {
		return dataflow.Null
	}
	return arithValues(a.op, x, y, a.class, a.t)
}

// arithValues applies op to two non-NULL values; cls is the least class to compute in and t
// the static result type (its scale and signedness shape the result).
func arithValues(op ArithOp, x, y dataflow.Value, cls numClass, t dataflow.Type) dataflow.Value {
	cls = max(cls, runtimeClass(x), runtimeClass(y))
	if op == OpDiv && cls == classInt {
		cls = classDecimal
	}
	switch cls {
	case classFloat:
		return floatArith(op, x, y)
	case classInt:
		return intArith(op, x, y, t.Kind == dataflow.KindUint || t.Unsigned)
	}
	targetScale := -1
	if t.Kind == dataflow.KindDecimal {
		targetScale = t.Scale
	}
	v := decArith(op, x, y, targetScale)
	if targetScale >= 0 {
		v = rescale(v, targetScale)
	}
	return v
}

func floatArith(op ArithOp, x, y dataflow.Value) dataflow.Value {
	a, _ := x.ToFloat()
	b, _ := y.ToFloat()
	switch op {
	case OpAdd:
		return dataflow.Float(a + b)
	case OpSub:
		return dataflow.Float(a - b)
	case OpMul:
		return dataflow.Float(a * b)
	case OpDiv:
		if b == 0 {
			return dataflow.Null
		}
		return dataflow.Float(a / b)
	case OpIntDiv:
		if b == 0 {
			return dataflow.Null
		}
		q := math.Trunc(a / b)
		if q >= -(1<<63) && q < 1<<63 {
			return dataflow.Int(int64(q))
		}
		return dataflow.Float(q)
	case OpMod:
		if b == 0 {
			return dataflow.Null
		}
		return dataflow.Float(math.Mod(a, b))
	}
	return dataflow.Null
}

func intArith(op ArithOp, x, y dataflow.Value, unsigned bool) dataflow.Value {
	a, aok := smallInt(x)
	b, bok := smallInt(y)
	if aok && bok {
		switch op {
		case OpAdd:
			if s, ok := addChecked(a, b); ok {
				return mkInt(s, unsigned)
			}
		case OpSub:
			if s, ok := subChecked(a, b); ok {
				return mkInt(s, unsigned)
			}
		case OpMul:
			if s, ok := mulChecked(a, b); ok {
				return mkInt(s, unsigned)
			}
		case OpIntDiv:
			if b == 0 {
				return dataflow.Null
			}
			if !(a == math.MinInt64 && b == -1) {
				return mkInt(a/b, unsigned)
			}
		case OpMod:
			if b == 0 {
				return dataflow.Null
			}
			return mkInt(a%b, unsigned)
		}
	}
	ba, _, _ := bigExact(x)
	bb, _, _ := bigExact(y)
	if ba == nil || bb == nil {
		return floatArith(op, x, y)
	}
	r := new(big.Int)
	switch op {
	case OpAdd:
		r.Add(ba, bb)
	case OpSub:
		r.Sub(ba, bb)
	case OpMul:
		r.Mul(ba, bb)
	case OpIntDiv:
		if bb.Sign() == 0 {
			return dataflow.Null
		}
		r.Quo(ba, bb)
	case OpMod:
		if bb.Sign() == 0 {
			return dataflow.Null
		}
		r.Rem(ba, bb)
	default:
		return dataflow.Null
	}
	return fromBigInt(r, unsigned)
}

// decArith computes op over exact operands. targetScale is the static scale of a quotient
// (negative when the static type is not decimal).
func decArith(op ArithOp, x, y dataflow.Value, targetScale int) dataflow.Value {
	ca, sa, aok := exactOf(x)
	cb, sb, bok := exactOf(y)
	if aok && bok {
		switch op {
		case OpAdd, OpSub, OpMod:
			s := max(sa, sb)
			ra, ok1 := mulPow10(ca, s-sa)
			rb, ok2 := mulPow10(cb, s-sb)
			if ok1 && ok2 {
				switch op {
				case OpAdd:
					if r, ok := addChecked(ra, rb); ok {
						return dataflow.Decimal(r, uint8(s))
					}
				case OpSub:
					if r, ok := subChecked(ra, rb); ok {
						return dataflow.Decimal(r, uint8(s))
					}
				case OpMod:
					if rb == 0 {
						return dataflow.Null
					}
					if rb == -1 {
						return dataflow.Decimal(0, uint8(s))
					}
					return dataflow.Decimal(ra%rb, uint8(s))
				}
			}
		case OpMul:
			if sa+sb <= maxScale {
				if r, ok := mulChecked(ca, cb); ok {
					return dataflow.Decimal(r, uint8(sa+sb))
				}
			}
		case OpDiv:
			if cb == 0 {
				return dataflow.Null
			}
			if targetScale < 0 {
				targetScale = min(sa+divScaleIncrement, maxScale)
			}
			// q = ca×10^(target+sb-sa) / cb, rounded.
			if e := targetScale + sb - sa; e >= 0 {
				if num, ok := mulPow10(ca, e); ok && !(num == math.MinInt64 && cb == -1) {
					q, r := num/cb, num%cb
					if 2*uabs(r) >= uabs(cb) && r != 0 {
						if (num < 0) != (cb < 0) {
							q--
						} else {
							q++
						}
					}
					return dataflow.Decimal(q, uint8(targetScale))
				}
			}
		case OpIntDiv:
			if cb == 0 {
				return dataflow.Null
			}
		}
	}
	ma, sa2, ok1 := bigExact(x)
	mb, sb2, ok2 := bigExact(y)
	if !ok1 || !ok2 {
		return floatArith(op, x, y)
	}
	switch op {
	case OpAdd, OpSub, OpMod:
		s := max(sa2, sb2)
		ma = new(big.Int).Mul(ma, bigPow10(s-sa2))
		mb = new(big.Int).Mul(mb, bigPow10(s-sb2))
		switch op {
		case OpAdd:
			return fromBigDecimal(ma.Add(ma, mb), s)
		case OpSub:
			return fromBigDecimal(ma.Sub(ma, mb), s)
		}
		if mb.Sign() == 0 {
			return dataflow.Null
		}
		return fromBigDecimal(new(big.Int).Rem(ma, mb), s)
	case OpMul:
		return fromBigDecimal(new(big.Int).Mul(ma, mb), sa2+sb2)
	case OpDiv:
		if mb.Sign() == 0 {
			return dataflow.Null
		}
		if targetScale < 0 {
			targetScale = min(sa2+divScaleIncrement, maxScale)
		}
		num := new(big.Int).Mul(ma, bigPow10(targetScale+sb2))
		den := new(big.Int).Mul(mb, bigPow10(sa2))
		return fromBigDecimal(roundDiv(num, den), targetScale)
	case OpIntDiv:
		if mb.Sign() == 0 {
			return dataflow.Null
		}
		num := new(big.Int).Mul(ma, bigPow10(sb2))
		den := new(big.Int).Mul(mb, bigPow10(sa2))
		return fromBigInt(num.Quo(num, den), false)
	}
	return dataflow.Null
}

type neg struct {
	e   Expr
	t   dataflow.Type
	str string
}

// NewNeg is unary minus. Negating the smallest BIGINT yields BIGINT UNSIGNED 9223372036854775808
// (MySQL raises an out-of-range error); negating a BIGINT UNSIGNED past 2^63 yields a DECIMAL,
// as MySQL reads the literal -9223372036854775809.
func NewNeg(e Expr) Expr {
	et := e.Type()
	t := dataflow.Type{Kind: dataflow.KindFloat, Nullable: nullableType(et) || et.Kind == dataflow.KindString}
	switch classOf(et) {
	case classInt:
		t.Kind, t.Precision = dataflow.KindInt, min(intDigits(et)+1, 20)
	case classDecimal:
		d := decimalType(intDigits(et), scaleOf(et), t.Nullable)
		t = d
	}
	return &neg{e: e, t: t, str: "(-" + e.String() + ")"}
}

func (n *neg) Type() dataflow.Type         { return n.t }
func (n *neg) String() string              { return n.str }
func (n *neg) children() []Expr            { return []Expr{n.e} }
func (n *neg) withChildren(ch []Expr) Expr { return NewNeg(ch[0]) }

func (n *neg) Eval(row dataflow.Row) dataflow.Value {
	v := n.e.Eval(row)
	switch v.Kind() {
	case dataflow.KindNull:
		return v
	case dataflow.KindInt:
		if i := v.RawInt(); i != math.MinInt64 {
			return dataflow.Int(-i)
		}
		return dataflow.Uint(1 << 63)
	case dataflow.KindUint:
		u := v.RawUint()
		if u <= 1<<63 {
			return dataflow.Int(int64(-u))
		}
		// As MySQL reads -9223372036854775809: a DECIMAL.
		m := new(big.Int).SetUint64(u)
		return dataflow.DecimalBig(m.Neg(m), 0)
	case dataflow.KindDecimal, dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		c, s, _ := exactOf(v)
		if v.IsWideDecimal() || c == math.MinInt64 {
			m, ms, _ := bigExact(v)
			return dataflow.DecimalBig(m.Neg(m), uint8(ms))
		}
		if s == 0 && v.Kind() != dataflow.KindDecimal {
			return dataflow.Int(-c)
		}
		return dataflow.Decimal(-c, uint8(s))
	}
	f, _ := v.ToFloat()
	return dataflow.Float(-f)
}

package expr

import (
	"math"
	"math/big"

	"github.com/weirdb/weir/dataflow"
)

func init() {
	register(&funcSpec{name: "abs", minArgs: 1, maxArgs: 1, typ: absType, eval: evalAbs})
	register(&funcSpec{name: "sign", minArgs: 1, maxArgs: 1, typ: nullableInt, eval: evalSign})
	register(&funcSpec{name: "round", minArgs: 1, maxArgs: 2,
		typ:  func(args []Expr) dataflow.Type { return roundType(args) },
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalRound(c, row, false) }})
	register(&funcSpec{name: "truncate", minArgs: 2, maxArgs: 2,
		typ:  func(args []Expr) dataflow.Type { return roundType(args) },
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalRound(c, row, true) }})
	register(&funcSpec{name: "floor", minArgs: 1, maxArgs: 1, typ: floorType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalFloorCeil(c, row, false) }})
	register(&funcSpec{name: "ceil", minArgs: 1, maxArgs: 1, typ: floorType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalFloorCeil(c, row, true) }},
		"ceiling")
	// MOD(a, b) is the % operator; NewFunc builds an arithmetic node for it.
	register(&funcSpec{name: "mod", minArgs: 2, maxArgs: 2})
}

func absType(args []Expr) dataflow.Type {
	t := args[0].Type()
	n := nullableType(t)
	switch classOf(t) {
	case classInt:
		out := dataflow.Type{Kind: dataflow.KindInt, Precision: min(intDigits(t), 20), Nullable: n}
		if isIntType(t) && isUnsigned(t) {
			out.Kind, out.Unsigned = dataflow.KindUint, true
		}
		return out
	case classDecimal:
		return decimalType(intDigits(t), scaleOf(t), n)
	}
	return dataflow.Type{Kind: dataflow.KindFloat, Nullable: n || t.Kind == dataflow.KindString}
}

// evalAbs is ABS; the absolute value of the smallest BIGINT is BIGINT UNSIGNED.
func evalAbs(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	switch v.Kind() {
	case dataflow.KindNull, dataflow.KindUint:
		return v
	case dataflow.KindInt:
		if i := v.RawInt(); i < 0 {
			if i == math.MinInt64 {
				return dataflow.Uint(1 << 63)
			}
			return dataflow.Int(-i)
		}
		return v
	case dataflow.KindDecimal, dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		coef, s, _ := exactOf(v)
		if v.IsWideDecimal() || coef == math.MinInt64 {
			m, ms, _ := bigExact(v)
			return rescale(dataflow.DecimalBig(m.Abs(m), uint8(ms)), decimalScaleOf(c.t))
		}
		if coef < 0 {
			coef = -coef
		}
		if v.Kind() == dataflow.KindDecimal || s > 0 {
			return rescale(dataflow.Decimal(coef, uint8(s)), decimalScaleOf(c.t))
		}
		return dataflow.Int(coef)
	}
	f, _ := v.ToFloat()
	return dataflow.Float(math.Abs(f))
}

// decimalScaleOf is the scale a decimal result is rescaled to, or -1 when t is not decimal.
func decimalScaleOf(t dataflow.Type) int {
	if t.Kind == dataflow.KindDecimal {
		return t.Scale
	}
	return -1
}

func evalSign(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	if coef, _, ok := exactOf(v); ok {
		return dataflow.Int(int64(cmpInt64(coef, 0)))
	}
	if m, _, ok := bigExact(v); ok {
		return dataflow.Int(int64(m.Sign()))
	}
	if v.Kind() == dataflow.KindUint {
		return dataflow.Int(1)
	}
	f, _ := v.ToFloat()
	switch {
	case f > 0:
		return dataflow.Int(1)
	case f < 0:
		return dataflow.Int(-1)
	}
	return dataflow.Int(0)
}

// roundType is ROUND's and TRUNCATE's result type: integers stay integers, doubles (and
// strings) give doubles, and a decimal has d digits when d is a constant (ROUND(1.25, 5) is
// 1.25000), its own scale otherwise.
func roundType(args []Expr) dataflow.Type {
	t := args[0].Type()
	n := anyNullable(args)
	switch classOf(t) {
	case classInt:
		out := dataflow.Type{Kind: dataflow.KindInt, Precision: min(intDigits(t)+1, 20), Nullable: n}
		if isIntType(t) && isUnsigned(t) {
			out.Kind, out.Unsigned = dataflow.KindUint, true
		}
		return out
	case classDecimal:
		s := scaleOf(t)
		if len(args) == 1 {
			s = 0
		} else if d, ok := constInt(args[1]); ok {
			s = int(min(max(d, 0), maxScale))
		}
		return decimalType(intDigits(t)+1, s, n)
	}
	return dataflow.Type{Kind: dataflow.KindFloat, Nullable: n || t.Kind == dataflow.KindString}
}

// evalRound is ROUND(x[, d]) and TRUNCATE(x, d). Exact values round half away from zero;
// doubles follow MySQL's my_double_round (rint, so halves go to even: ROUND(2.5e0) is 2).
func evalRound(c *call, row dataflow.Row, trunc bool) dataflow.Value {
	x := c.args[0].Eval(row)
	if x.IsNull() {
		return x
	}
	var d int64
	if len(c.args) > 1 {
		dv := c.args[1].Eval(row)
		if dv.IsNull() {
			return dv
		}
		d, _ = dv.ToInt()
	}
	// Past ±400 digits every result is settled (0, or the value unchanged); the bound keeps
	// the big-number paths small.
	d = min(max(d, -400), 400)
	unsigned := c.t.Kind == dataflow.KindUint
	switch x.Kind() {
	case dataflow.KindInt, dataflow.KindUint:
		if d >= 0 {
			return x
		}
		m, _, _ := bigExact(x)
		return fromBigInt(roundBig(m, int(-d), trunc), unsigned)
	case dataflow.KindDecimal, dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		var v dataflow.Value
		if coef, s, ok := exactOf(x); ok {
			v = roundExact(coef, s, int(d), trunc)
		} else {
			m, s, _ := bigExact(x)
			v = roundBigExact(m, s, int(d), trunc)
		}
		if c.t.Kind == dataflow.KindInt || c.t.Kind == dataflow.KindUint {
			if cv, s, ok := v.NarrowDecimal(); ok && s == 0 {
				return mkInt(cv, unsigned)
			}
		}
		return rescale(v, decimalScaleOf(c.t))
	}
	f, _ := x.ToFloat()
	return dataflow.Float(doubleRound(f, d, trunc))
}

// roundBig rounds m to a multiple of 10^k (half away from zero, or toward zero).
func roundBig(m *big.Int, k int, trunc bool) *big.Int {
	p := bigPow10(k)
	var q *big.Int
	if trunc {
		q = new(big.Int).Quo(m, p)
	} else {
		q = roundDiv(m, p)
	}
	return q.Mul(q, p)
}

// roundExact rounds coef×10^-s to d fractional digits (d < 0 rounds to tens, hundreds, ...).
func roundExact(coef int64, s, d int, trunc bool) dataflow.Value {
	if d >= s {
		return dataflow.Decimal(coef, uint8(s))
	}
	k := s - d
	outScale := max(d, 0)
	if k < len(pow10) {
		p := pow10[k]
		q, r := coef/p, coef%p
		if !trunc && uabs(r) >= uint64(p)-uabs(r) {
			if coef < 0 {
				q--
			} else {
				q++
			}
		}
		if d >= 0 {
			return dataflow.Decimal(q, uint8(outScale))
		}
		if m, ok := mulPow10(q, -d); ok {
			return dataflow.Decimal(m, 0)
		}
	}
	return roundBigExact(big.NewInt(coef), s, d, trunc)
}

// roundBigExact is roundExact for a coefficient of any size.
func roundBigExact(m *big.Int, s, d int, trunc bool) dataflow.Value {
	if d >= s {
		return fromBigDecimal(m, s)
	}
	k := s - d
	var q *big.Int
	if trunc {
		q = new(big.Int).Quo(m, bigPow10(k))
	} else {
		q = roundDiv(m, bigPow10(k))
	}
	if d < 0 {
		q.Mul(q, bigPow10(-d))
	}
	return fromBigDecimal(q, max(d, 0))
}

// doubleRound is MySQL's my_double_round.
func doubleRound(v float64, dec int64, trunc bool) float64 {
	absDec := dec
	if dec < 0 {
		absDec = -dec
	}
	tmp := math.Pow10(int(absDec))
	divTmp := v / tmp
	mulTmp := v * tmp
	switch {
	case dec < 0 && math.IsInf(tmp, 0):
		return 0
	case dec >= 0 && math.IsInf(mulTmp, 0):
		return v
	case trunc:
		if v >= 0 {
			if dec < 0 {
				return math.Floor(divTmp) * tmp
			}
			return math.Floor(mulTmp) / tmp
		}
		if dec < 0 {
			return math.Ceil(divTmp) * tmp
		}
		return math.Ceil(mulTmp) / tmp
	case dec < 0:
		return math.RoundToEven(divTmp) * tmp
	}
	return math.RoundToEven(mulTmp) / tmp
}

// floorType is FLOOR's and CEIL's result type: integers for integer and decimal arguments,
// doubles for doubles and strings.
func floorType(args []Expr) dataflow.Type {
	t := args[0].Type()
	n := nullableType(t)
	switch classOf(t) {
	case classInt, classDecimal:
		if t.Kind == dataflow.KindDecimal && decimalDisplayWidth(t)-t.Scale >= 20 {
			// Too wide for BIGINT: MariaDB keeps a decimal of scale 0.
			return decimalType(intDigits(t)+1, 0, n)
		}
		out := dataflow.Type{Kind: dataflow.KindInt, Precision: min(intDigits(t)+1, 20), Nullable: n}
		if isIntType(t) && isUnsigned(t) {
			out.Kind, out.Unsigned = dataflow.KindUint, true
		}
		return out
	}
	return dataflow.Type{Kind: dataflow.KindFloat, Nullable: n || t.Kind == dataflow.KindString}
}

func evalFloorCeil(c *call, row dataflow.Row, ceil bool) dataflow.Value {
	v := c.args[0].Eval(row)
	switch v.Kind() {
	case dataflow.KindNull, dataflow.KindInt, dataflow.KindUint:
		return v
	case dataflow.KindDecimal, dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		coef, s, ok := exactOf(v)
		if !ok || c.t.Kind == dataflow.KindDecimal {
			return floorCeilBig(v, ceil, c.t.Kind == dataflow.KindDecimal)
		}
		if s == 0 {
			return dataflow.Int(coef)
		}
		if s >= len(pow10) {
			return floorCeilBig(v, ceil, false)
		}
		p := pow10[s]
		q, r := coef/p, coef%p
		if r > 0 && ceil {
			q++
		} else if r < 0 && !ceil {
			q--
		}
		return dataflow.Int(q)
	}
	x, _ := v.ToFloat()
	if ceil {
		return dataflow.Float(math.Ceil(x))
	}
	return dataflow.Float(math.Floor(x))
}

// floorCeilBig is FLOOR or CEIL of an exact value of any size: a decimal of scale 0 when the
// static type is decimal, else an integer (BIGINT, or the nearest wider result when it does
// not fit, as fromBigInt decides).
func floorCeilBig(v dataflow.Value, ceil, decimal bool) dataflow.Value {
	m, s, _ := bigExact(v)
	q, r := new(big.Int).QuoRem(m, bigPow10(s), new(big.Int))
	if r.Sign() > 0 && ceil {
		q.Add(q, big.NewInt(1))
	} else if r.Sign() < 0 && !ceil {
		q.Sub(q, big.NewInt(1))
	}
	if decimal {
		return fromBigDecimal(q, 0)
	}
	return fromBigInt(q, false)
}

// decimalDisplayWidth is MariaDB's max_length of a decimal: its digits, the point and the
// sign.
func decimalDisplayWidth(t dataflow.Type) int {
	w := intDigits(t) + t.Scale + 1
	if t.Scale > 0 {
		w++
	}
	return w
}

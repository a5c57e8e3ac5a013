package expr

import (
	"math"
	"math/big"
	"math/bits"

	"github.com/weirdb/weir/dataflow"
)

// maxScale caps the scale of computed decimals. MySQL allows 30, but a Weir decimal keeps its
// coefficient in an int64 (18 significant digits), and a larger scale could not hold a value
// of one or more.
const maxScale = dataflow.MaxDecimalDigits

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
	1e14, 1e15, 1e16, 1e17, 1e18}

// mulPow10 returns x×10^n; ok is false on int64 overflow.
func mulPow10(x int64, n int) (int64, bool) {
	if n == 0 || x == 0 {
		return x, true
	}
	if n < 0 || n >= len(pow10) {
		return 0, false
	}
	return mulChecked(x, pow10[n])
}

func addChecked(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

func subChecked(a, b int64) (int64, bool) {
	s := a - b
	if (a >= 0 && b < 0 && s < 0) || (a < 0 && b > 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

func mulChecked(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uabs(a), uabs(b))
	if hi != 0 {
		return 0, false
	}
	neg := (a < 0) != (b < 0)
	if neg {
		if lo > 1<<63 {
			return 0, false
		}
		return int64(-lo), true // wraps to MinInt64 exactly when lo == 1<<63
	}
	if lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

// smallInt returns v as an int64 when it is an integer (or a time read as one) that fits.
func smallInt(v dataflow.Value) (int64, bool) {
	switch v.Kind() {
	case dataflow.KindInt:
		return v.RawInt(), true
	case dataflow.KindUint:
		if v.RawUint() <= math.MaxInt64 {
			return int64(v.RawUint()), true
		}
	case dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		c, s := timeNumber(v)
		if s == 0 {
			return c, true
		}
	}
	return 0, false
}

// exactOf returns v as coef×10^-scale when v is an exact number that fits an int64
// coefficient; times read as MySQL reads them in numeric context (YYYYMMDD[hhmmss[.ffffff]]).
func exactOf(v dataflow.Value) (coef int64, scale int, ok bool) {
	switch v.Kind() {
	case dataflow.KindInt:
		return v.RawInt(), 0, true
	case dataflow.KindUint:
		if v.RawUint() <= math.MaxInt64 {
			return int64(v.RawUint()), 0, true
		}
	case dataflow.KindDecimal:
		c, s := v.DecimalParts()
		return c, int(s), true
	case dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		c, s := timeNumber(v)
		return c, s, true
	}
	return 0, 0, false
}

// bigExact returns an exact value as a big mantissa and scale; ok is false for doubles and
// strings.
func bigExact(v dataflow.Value) (*big.Int, int, bool) {
	if v.Kind() == dataflow.KindUint {
		return new(big.Int).SetUint64(v.RawUint()), 0, true
	}
	c, s, ok := exactOf(v)
	if !ok {
		return nil, 0, false
	}
	return big.NewInt(c), s, true
}

// timeNumber reads a DATE as YYYYMMDD, a DATETIME as YYYYMMDDhhmmss and a TIME as
// [-]hhmmss, with fractional seconds as decimal digits.
func timeNumber(v dataflow.Value) (coef int64, scale int) {
	if v.Kind() == dataflow.KindTime {
		c, s := v.TimeNumber()
		return c, int(s)
	}
	t := v.Time()
	y, mo, d := t.Date()
	n := int64(y)*10000 + int64(mo)*100 + int64(d)
	if v.Kind() == dataflow.KindDate {
		return n, 0
	}
	h, mi, s := t.Clock()
	n = n*1000000 + int64(h)*10000 + int64(mi)*100 + int64(s)
	fsp := int(v.Scale())
	if fsp == 0 {
		return n, 0
	}
	frac := int64(t.Nanosecond()/1000) / pow10[6-fsp]
	return n*pow10[fsp] + frac, fsp
}

// runtimeClass is the arithmetic class of one runtime value.
func runtimeClass(v dataflow.Value) numClass {
	switch v.Kind() {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDate:
		return classInt
	case dataflow.KindDatetime, dataflow.KindTime:
		if v.Scale() > 0 {
			return classDecimal
		}
		return classInt
	case dataflow.KindDecimal:
		return classDecimal
	}
	return classFloat
}

// roundDiv returns num/den rounded half away from zero. den must not be zero.
func roundDiv(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Sign() == 0 {
		return q
	}
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(new(big.Int).Abs(den)) >= 0 {
		if (num.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func bigPow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// fromBigInt returns an integer result: BIGINT when it fits, BIGINT UNSIGNED when it is
// non-negative and fits, DOUBLE beyond (MySQL raises an out-of-range error instead).
func fromBigInt(x *big.Int, unsigned bool) dataflow.Value {
	if x.IsInt64() {
		return mkInt(x.Int64(), unsigned)
	}
	if x.IsUint64() {
		return dataflow.Uint(x.Uint64())
	}
	f, _ := new(big.Float).SetInt(x).Float64()
	return dataflow.Float(f)
}

// mkInt makes an integer result, unsigned-kinded when the static type is unsigned.
func mkInt(x int64, unsigned bool) dataflow.Value {
	if unsigned && x >= 0 {
		return dataflow.Uint(uint64(x))
	}
	return dataflow.Int(x)
}

// fromBigDecimal returns mant×10^-scale as a decimal, or as a DOUBLE when the coefficient does
// not fit Weir's decimal.
func fromBigDecimal(mant *big.Int, scale int) dataflow.Value {
	for scale > maxScale {
		mant = roundDiv(mant, big.NewInt(10))
		scale--
	}
	if mant.IsInt64() {
		return dataflow.Decimal(mant.Int64(), uint8(scale))
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(mant), new(big.Float).SetInt(bigPow10(scale))).Float64()
	return dataflow.Float(f)
}

// rescale rounds (half away from zero) or extends a decimal value to scale; values that no
// longer fit become DOUBLE.
func rescale(v dataflow.Value, scale int) dataflow.Value {
	if v.Kind() != dataflow.KindDecimal || scale < 0 {
		return v
	}
	scale = min(scale, maxScale)
	c, s := v.DecimalParts()
	if int(s) == scale {
		return v
	}
	if nc, ok := dataflow.RescaleDecimal(c, s, uint8(scale)); ok {
		return dataflow.Decimal(nc, uint8(scale))
	}
	f, _ := v.ToFloat()
	return dataflow.Float(f)
}

package expr

import (
	"math"
	"math/big"
	"math/bits"

	"github.com/weirdb/weir/dataflow"
)

// maxScale caps the scale of computed decimals: MariaDB's 38 (MySQL's is 30).
const maxScale = dataflow.MaxDecimalScale

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
// coefficient (not a wide decimal: see bigExact); times read as MySQL reads them in numeric
// context (YYYYMMDD[hhmmss[.ffffff]]).
func exactOf(v dataflow.Value) (coef int64, scale int, ok bool) {
	switch v.Kind() {
	case dataflow.KindInt:
		return v.RawInt(), 0, true
	case dataflow.KindUint:
		if v.RawUint() <= math.MaxInt64 {
			return int64(v.RawUint()), 0, true
		}
	case dataflow.KindDecimal:
		if c, s, ok := v.NarrowDecimal(); ok {
			return c, int(s), true
		}
	case dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		c, s := timeNumber(v)
		return c, s, true
	}
	return 0, 0, false
}

// bigExact returns an exact value as a big mantissa and scale; ok is false for doubles and
// strings.
func bigExact(v dataflow.Value) (*big.Int, int, bool) {
	switch v.Kind() {
	case dataflow.KindUint:
		return new(big.Int).SetUint64(v.RawUint()), 0, true
	case dataflow.KindDecimal:
		m, s := v.BigDecimal()
		return m, int(s), true
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
func roundDiv(num, den *big.Int) *big.Int { return dataflow.RoundBigDiv(num, den) }

// bigPow10 returns 10^n; the result is shared and must not be modified.
func bigPow10(n int) *big.Int { return dataflow.BigPow10(n) }

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

// fromBigDecimal returns mant×10^-scale as a decimal. As in MariaDB, a result holds at most
// dataflow.MaxDecimalDigits digits: fractional digits beyond them are rounded away, and a
// result whose integer part alone is wider has overflowed — MariaDB raises error 1690 there;
// Eval cannot fail, so it becomes the nearest DOUBLE. mant may be modified.
func fromBigDecimal(mant *big.Int, scale int) dataflow.Value {
	if scale > maxScale {
		mant = roundDiv(mant, bigPow10(scale-maxScale))
		scale = maxScale
	}
	if mant.IsInt64() {
		return dataflow.Decimal(mant.Int64(), uint8(scale))
	}
	if over := dataflow.BigDigits(mant) - dataflow.MaxDecimalDigits; over > 0 {
		if over > scale {
			f, _ := new(big.Float).Quo(new(big.Float).SetInt(mant), new(big.Float).SetInt(bigPow10(scale))).Float64()
			return dataflow.Float(f)
		}
		mant = roundDiv(mant, bigPow10(over))
		scale -= over
		if dataflow.BigDigits(mant) > dataflow.MaxDecimalDigits {
			// Rounding carried into a new digit (99…9.5 → 100…0).
			if scale == 0 {
				f, _ := new(big.Float).SetInt(mant).Float64()
				return dataflow.Float(f)
			}
			mant = roundDiv(mant, big.NewInt(10))
			scale--
		}
	}
	return dataflow.DecimalBig(mant, uint8(scale))
}

// rescale rounds (half away from zero) or extends a decimal value to scale.
func rescale(v dataflow.Value, scale int) dataflow.Value {
	if v.Kind() != dataflow.KindDecimal || scale < 0 {
		return v
	}
	scale = min(scale, maxScale)
	if c, s, ok := v.NarrowDecimal(); ok {
		if int(s) == scale {
			return v
		}
		if nc, ok := dataflow.RescaleDecimal(c, s, uint8(scale)); ok {
			return dataflow.Decimal(nc, uint8(scale))
		}
	}
	m, s := v.BigDecimal()
	switch {
	case int(s) == scale:
		return v
	case int(s) < scale:
		return fromBigDecimal(m.Mul(m, bigPow10(scale-int(s))), scale)
	}
	return fromBigDecimal(roundDiv(m, bigPow10(int(s)-scale)), scale)
}

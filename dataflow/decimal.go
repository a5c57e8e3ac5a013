package dataflow

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Decimal limits. A column is DECIMAL(p,s) with p ≤ MaxDecimalPrecision and
// s ≤ MaxDecimalScale (MariaDB's limits; MySQL stops the scale at 30). A computed decimal may
// be wider than any column, as in MariaDB, whose arithmetic works in a buffer of 81 digits:
// 99…9 (65 nines) + 1 is a 66-digit result. MaxDecimalDigits bounds such results; what needs
// more integer digits has overflowed (MariaDB raises error 1690 there).
const (
	MaxDecimalPrecision = 65
	MaxDecimalScale     = 38
	MaxDecimalDigits    = 81
)

// Representation. A decimal whose coefficient fits an int64 is narrow: n holds the
// coefficient, s is empty, and nothing is allocated. A wider coefficient is carried in s as
// its magnitude, big-endian bytes without leading zeros, with n holding the sign (1 for
// negative). The representation is canonical: a coefficient that fits an int64 is always
// narrow, so a non-empty s means a magnitude of at least 2^63 and a wide value is never zero.
// Every constructor below canonicalizes; code outside this file never builds a wide value
// by hand.

// DecimalBig returns the exact decimal mant × 10^-scale, narrow when mant fits an int64. mant
// is not retained.
func DecimalBig(mant *big.Int, scale uint8) Value {
	if mant.IsInt64() {
		return Value{n: uint64(mant.Int64()), kind: KindDecimal, scale: scale}
	}
	v := Value{s: string(mant.Bytes()), kind: KindDecimal, scale: scale}
	if mant.Sign() < 0 {
		v.n = 1
	}
	return v
}

// IsWideDecimal reports a decimal whose coefficient does not fit an int64; DecimalParts is
// meaningless for it and BigDecimal must be used.
func (v Value) IsWideDecimal() bool { return v.kind == KindDecimal && v.s != "" }

// NarrowDecimal returns the coefficient and scale of a narrow decimal; ok is false for any
// other value, wide decimals included.
func (v Value) NarrowDecimal() (coef int64, scale uint8, ok bool) {
	if v.kind != KindDecimal || v.s != "" {
		return 0, 0, false
	}
	return int64(v.n), v.scale, true
}

// BigDecimal returns the coefficient and scale of any decimal as a new big.Int the caller
// may modify.
func (v Value) BigDecimal() (*big.Int, uint8) {
	if v.s == "" {
		return big.NewInt(int64(v.n)), v.scale
	}
	m := new(big.Int).SetBytes([]byte(v.s))
	if v.n == 1 {
		m.Neg(m)
	}
	return m, v.scale
}

// decimalSign returns -1, 0 or 1 for a decimal.
func (v Value) decimalSign() int {
	switch {
	case v.s != "" && v.n == 1:
		return -1
	case v.s != "":
		return 1
	}
	c := int64(v.n)
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// DecimalDigits returns the number of digits of the coefficient of a decimal (1 for zero).
func (v Value) DecimalDigits() int {
	if v.s == "" {
		c := int64(v.n)
		var u uint64
		if c < 0 {
			u = uint64(-c)
		} else {
			u = uint64(c)
		}
		d := 1
		for u >= 10 {
			u /= 10
			d++
		}
		return d
	}
	m, _ := v.BigDecimal()
	return BigDigits(m)
}

// BigDigits returns the number of decimal digits of |m| (1 for zero).
func BigDigits(m *big.Int) int {
	if m.Sign() == 0 {
		return 1
	}
	// BitLen×log10(2) is within one of the digit count; compare with the power to settle it.
	d := int(float64(m.BitLen())*math.Log10(2)) + 1
	abs := new(big.Int).Abs(m)
	if abs.Cmp(BigPow10(d-1)) < 0 {
		d--
	}
	if abs.Cmp(BigPow10(d)) >= 0 {
		d++
	}
	return d
}

var bigPow10Tab = func() [MaxDecimalDigits + MaxDecimalScale + 2]*big.Int {
	var t [MaxDecimalDigits + MaxDecimalScale + 2]*big.Int
	p := big.NewInt(1)
	for i := range t {
		t[i] = new(big.Int).Set(p)
		p.Mul(p, big.NewInt(10))
	}
	return t
}()

// BigPow10 returns 10^n. The result is shared for small n and must not be modified.
func BigPow10(n int) *big.Int {
	if n >= 0 && n < len(bigPow10Tab) {
		return bigPow10Tab[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// formatBigDecimal renders mant × 10^-scale with exactly scale fractional digits.
func formatBigDecimal(mant *big.Int, scale uint8) string {
	digits := new(big.Int).Abs(mant).String()
	if scale > 0 {
		if len(digits) <= int(scale) {
			digits = strings.Repeat("0", int(scale)-len(digits)+1) + digits
		}
		cut := len(digits) - int(scale)
		digits = digits[:cut] + "." + digits[cut:]
	}
	if mant.Sign() < 0 {
		return "-" + digits
	}
	return digits
}

// decimalText renders any decimal with exactly its scale's fractional digits.
func (v Value) decimalText() string {
	if v.s == "" {
		return FormatDecimal(int64(v.n), v.scale)
	}
	m, s := v.BigDecimal()
	return formatBigDecimal(m, s)
}

// decimalFloat is the double nearest a decimal.
func (v Value) decimalFloat() float64 {
	if c := int64(v.n); v.s == "" && v.scale <= 22 && c < 1<<53 && c > -1<<53 {
		// Both operands are exact doubles, so the quotient is correctly rounded.
		return float64(c) / pow10f(v.scale)
	}
	f, _ := strconv.ParseFloat(v.decimalText(), 64)
	return f
}

// decimalInt rounds a decimal half away from zero to an integer, clamped to int64 as MySQL
// clamps (with a warning) in integer context.
func (v Value) decimalInt() int64 {
	m, s := v.BigDecimal()
	if s > 0 {
		m = RoundBigDiv(m, BigPow10(int(s)))
	}
	switch {
	case m.IsInt64():
		return m.Int64()
	case m.Sign() < 0:
		return math.MinInt64
	}
	return math.MaxInt64
}

// RoundBigDiv returns num/den rounded half away from zero. den must not be zero.
func RoundBigDiv(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Sign() == 0 {
		return q
	}
	r.Abs(r)
	r.Lsh(r, 1)
	if r.CmpAbs(den) >= 0 {
		if (num.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// ParseDecimalValue parses a plain decimal literal ("-12.340") exactly. ok is false when the
// text is not a plain decimal, has more than MaxDecimalDigits significant digits or more than
// MaxDecimalScale fractional digits.
func ParseDecimalValue(s string) (Value, bool) {
	if c, scale, ok := ParseDecimal(s); ok {
		return Decimal(c, scale), true
	}
	s = strings.TrimSpace(s)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || body == "" {
		return Null, false
	}
	intPart, frac, _ := strings.Cut(body, ".")
	if (intPart == "" && frac == "") || strings.ContainsAny(frac, ".") || !allDigits(intPart) || !allDigits(frac) {
		return Null, false
	}
	if len(frac) > MaxDecimalScale || len(strings.TrimLeft(intPart+frac, "0")) > MaxDecimalDigits {
		return Null, false
	}
	m, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok {
		return Null, false
	}
	if s[0] == '-' {
		m.Neg(m)
	}
	return DecimalBig(m, uint8(len(frac))), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendWideDecimalKey appends the key of a wide decimal (see AppendKey): its trailing
// fractional zeros stripped, so that equal numbers of different scales meet; then, like the
// other numbers, integers in uint64 range share the unsigned encoding and integers a double
// holds exactly the double's, so that a DECIMAL(25,0) joins a BIGINT UNSIGNED or DOUBLE of
// the same value. Anything else is a sign, a scale and the magnitude.
func appendWideDecimalKey(buf []byte, v Value) []byte {
	m, scale := v.BigDecimal()
	if scale > 0 {
		q, r := new(big.Int), new(big.Int)
		ten := big.NewInt(10)
		for scale > 0 {
			q.QuoRem(m, ten, r)
			if r.Sign() != 0 {
				break
			}
			m, q = q, m
			scale--
		}
	}
	if m.IsInt64() {
		// A value such as 1.000…0 with a wide coefficient is a narrow number.
		return appendNarrowDecimalKey(buf, m.Int64(), scale)
	}
	if scale == 0 {
		if m.IsUint64() {
			return appendU64(append(buf, keyUint), m.Uint64())
		}
		if f, acc := new(big.Float).SetInt(m).Float64(); acc == big.Exact {
			return appendU64(append(buf, keyFloat), math.Float64bits(f))
		}
	}
	buf = append(buf, keyWideDecimal, byte(v.n), scale)
	mag := m.Abs(m).Bytes()
	buf = append(buf, byte(len(mag)))
	return append(buf, mag...)
}

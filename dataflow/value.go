package dataflow

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Kind is the runtime representation class of a Value.
type Kind uint8

const (
	KindNull Kind = iota
	// KindInt holds a signed 64-bit integer (also BOOLEAN: 0 or 1).
	KindInt
	// KindUint holds an unsigned 64-bit integer.
	KindUint
	// KindFloat holds a float64 (DOUBLE and FLOAT).
	KindFloat
	// KindDecimal holds an exact decimal: a coefficient and a scale (see DecimalBig).
	KindDecimal
	// KindString holds text (VARCHAR, CHAR, TEXT) or a binary string (BINARY, VARBINARY,
	// BLOB): see Bytes.
	KindString
	// KindDate holds a calendar date as microseconds since the Unix epoch (UTC, midnight).
	KindDate
	// KindDatetime holds a date and time as microseconds since the Unix epoch (UTC).
	KindDatetime
	// KindTime holds a TIME: a signed duration in microseconds, within ±838:59:59.
	KindTime
)

func (k Kind) String() string {
	switch k {
	case KindNull:
		return "NULL"
	case KindInt:
		return "INT"
	case KindUint:
		return "UINT"
	case KindFloat:
		return "FLOAT"
	case KindDecimal:
		return "DECIMAL"
	case KindString:
		return "STRING"
	case KindDate:
		return "DATE"
	case KindDatetime:
		return "DATETIME"
	case KindTime:
		return "TIME"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is one SQL value. It is a small struct rather than an interface so that rows are
// flat slices: state holds millions of values and every interface would be a pointer for the
// garbage collector to chase. Only strings carry a pointer.
type Value struct {
	s     string
	n     uint64
	kind  Kind
	scale uint8 // decimal scale; fractional-second digits for times; stringBinary for strings
}

// stringBinary marks, in a string's scale byte, a binary string: one compared byte by byte
// rather than under the case-insensitive collation; stringHex a hexadecimal or bit literal
// (X'41', 0x41, b'101'), a binary string that reads as an unsigned integer in numeric context.
// stringEnum and stringSet mark the value of an ENUM or SET column: the text is the members'
// spelling and n their index (ENUM, from 1) or bit mask (SET).
const (
	stringBinary uint8 = 1
	stringHex    uint8 = 2
	stringEnum   uint8 = 3
	stringSet    uint8 = 4
)

// Null is the SQL NULL.
var Null = Value{}

// Int returns a signed integer value.
func Int(i int64) Value { return Value{n: uint64(i), kind: KindInt} }

// Uint returns an unsigned integer value.
func Uint(u uint64) Value { return Value{n: u, kind: KindUint} }

// Bool returns 1 or 0, MySQL's booleans.
func Bool(b bool) Value {
	if b {
		return Value{n: 1, kind: KindInt}
	}
	return Value{kind: KindInt}
}

// Float returns a floating-point value. NaN and infinities are NULL, as MySQL cannot store them.
func Float(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Null
	}
	return Value{n: math.Float64bits(f), kind: KindFloat}
}

// Decimal returns the exact decimal coef × 10^-scale.
func Decimal(coef int64, scale uint8) Value {
	return Value{n: uint64(coef), kind: KindDecimal, scale: scale}
}

// String returns a text value.
func String(s string) Value { return Value{s: s, kind: KindString} }

// Bytes returns a binary string (the value of a BINARY, VARBINARY or BLOB column). It is a
// KindString value, so every string function reads it as it reads text, but it compares,
// groups and keys byte by byte: case and trailing spaces matter, as under MySQL's binary
// collation. A comparison with text is binary too, as in MySQL.
func Bytes(s string) Value { return Value{s: s, kind: KindString, scale: stringBinary} }

// HexLiteral returns the value of a hexadecimal or bit literal: the binary string of its
// bytes, which in numeric context (arithmetic, a comparison with a number, a numeric column)
// is the unsigned integer they spell big-endian, as in MySQL.
func HexLiteral(b string) Value { return Value{s: b, kind: KindString, scale: stringHex} }

// Enum returns the value of an ENUM column: the member's spelling and its index (from 1; 0
// is the empty error value). It is text that sorts by its index and reads as the index in
// numeric context, as in MySQL.
func Enum(member string, index uint64) Value {
	return Value{s: member, n: index, kind: KindString, scale: stringEnum}
}

// Set returns the value of a SET column: its members' spellings joined by commas and their
// bit mask, by which it sorts and which it reads as in numeric context.
func Set(members string, mask uint64) Value {
	return Value{s: members, n: mask, kind: KindString, scale: stringSet}
}

// Ordinal returns the index of an ENUM value or the bit mask of a SET value; ok is false for
// any other value.
func (v Value) Ordinal() (n uint64, ok bool) {
	if v.kind == KindString && (v.scale == stringEnum || v.scale == stringSet) {
		return v.n, true
	}
	return 0, false
}

// IsSetValue reports the value of a SET column (see Set).
func (v Value) IsSetValue() bool { return v.kind == KindString && v.scale == stringSet }

// IsBinary reports a binary string (see Bytes and HexLiteral).
func (v Value) IsBinary() bool {
	return v.kind == KindString && (v.scale == stringBinary || v.scale == stringHex)
}

// HexNumber returns the unsigned integer a hexadecimal or bit literal stands for in numeric
// context; ok is false for any other value. Literals longer than 8 bytes saturate, as MySQL
// reads them.
func (v Value) HexNumber() (n uint64, ok bool) {
	if v.kind != KindString || v.scale != stringHex {
		return 0, false
	}
	b := strings.TrimLeft(v.s, "\x00")
	if len(b) > 8 {
		return math.MaxUint64, true
	}
	for i := 0; i < len(b); i++ {
		n = n<<8 | uint64(b[i])
	}
	return n, true
}

// Date returns a DATE value for the calendar day of t (its UTC fields).
func Date(t time.Time) Value {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Value{n: uint64(day.UnixMicro()), kind: KindDate}
}

// Datetime returns a DATETIME value for t (its wall-clock fields read as UTC), with fsp
// fractional-second digits kept (0..6).
func Datetime(t time.Time, fsp uint8) Value {
	if fsp > 6 {
		fsp = 6
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	wall := time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
	us := wall.UnixMicro()
	if fsp < 6 {
		unit := int64(math.Pow10(int(6 - fsp)))
		us = us - mod(us, unit)
	}
	return Value{n: uint64(us), kind: KindDatetime, scale: fsp}
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// Kind reports the value's representation class.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is SQL NULL.
func (v Value) IsNull() bool { return v.kind == KindNull }

// IsNumeric reports whether v is an integer, float or decimal.
func (v Value) IsNumeric() bool {
	return v.kind == KindInt || v.kind == KindUint || v.kind == KindFloat || v.kind == KindDecimal
}

// IsTime reports whether v is a DATE or DATETIME.
func (v Value) IsTime() bool { return v.kind == KindDate || v.kind == KindDatetime }

// RawInt returns the int64 payload of a KindInt value.
func (v Value) RawInt() int64 { return int64(v.n) }

// RawUint returns the uint64 payload of a KindUint value.
func (v Value) RawUint() uint64 { return v.n }

// RawFloat returns the float64 payload of a KindFloat value.
func (v Value) RawFloat() float64 { return math.Float64frombits(v.n) }

// RawString returns the payload of a KindString value.
func (v Value) RawString() string { return v.s }

// DecimalParts returns the coefficient and scale of a narrow KindDecimal value (see
// IsWideDecimal; NarrowDecimal checks, BigDecimal reads both).
func (v Value) DecimalParts() (coef int64, scale uint8) { return int64(v.n), v.scale }

// Scale returns the decimal scale or the fractional-second digits of a time (0 for others).
func (v Value) Scale() uint8 {
	if v.kind == KindString {
		return 0
	}
	return v.scale
}

// Micros returns the microseconds since the epoch of a DATE or DATETIME, or the signed
// duration of a TIME.
func (v Value) Micros() int64 { return int64(v.n) }

// Time returns a DATE or DATETIME as a UTC time.Time.
func (v Value) Time() time.Time { return time.UnixMicro(int64(v.n)).UTC() }

// ToFloat converts a value to float64 the way MySQL does in numeric context. Strings are
// parsed by their longest numeric prefix; ok is false for NULL.
func (v Value) ToFloat() (f float64, ok bool) {
	switch v.kind {
	case KindNull:
		return 0, false
	case KindInt:
		return float64(int64(v.n)), true
	case KindUint:
		return float64(v.n), true
	case KindFloat:
		return math.Float64frombits(v.n), true
	case KindDecimal:
		return v.decimalFloat(), true
	case KindString:
		if n, ok := v.HexNumber(); ok {
			return float64(n), true
		}
		if n, ok := v.Ordinal(); ok {
			return float64(n), true
		}
		return parseFloatPrefix(v.s), true
	case KindDate, KindDatetime:
		f, _ := strconv.ParseFloat(v.numericTimeString(), 64)
		return f, true
	case KindTime:
		c, s := v.TimeNumber()
		return float64(c) / pow10f(s), true
	}
	return 0, false
}

// ToInt converts a value to int64 the way MySQL does in integer context (rounding
// decimals and floats half away from zero). ok is false for NULL.
func (v Value) ToInt() (i int64, ok bool) {
	switch v.kind {
	case KindNull:
		return 0, false
	case KindInt:
		return int64(v.n), true
	case KindUint:
		if v.n > math.MaxInt64 {
			return math.MaxInt64, true
		}
		return int64(v.n), true
	case KindDecimal:
		if v.s != "" || v.scale > 18 {
			return v.decimalInt(), true
		}
		coef, scale := int64(v.n), v.scale
		if scale == 0 {
			return coef, true
		}
		p := int64(pow10i(scale))
		q, r := coef/p, coef%p
		if 2*abs64(r) >= p {
			if coef < 0 {
				q--
			} else {
				q++
			}
		}
		return q, true
	case KindTime:
		c, s := v.TimeNumber()
		return Decimal(c, s).ToInt()
	case KindFloat, KindString, KindDate, KindDatetime:
		if n, ok := v.HexNumber(); ok {
			return Uint(n).ToInt()
		}
		if n, ok := v.Ordinal(); ok {
			return Uint(n).ToInt()
		}
		f, _ := v.ToFloat()
		f = math.Round(f)
		if f >= math.MaxInt64 {
			return math.MaxInt64, true
		}
		if f <= math.MinInt64 {
			return math.MinInt64, true
		}
		return int64(f), true
	}
	return 0, false
}

// Truthy reports SQL truth: NULL is unknown (false here), numbers are true when non-zero,
// strings by their numeric prefix.
func (v Value) Truthy() bool {
	switch v.kind {
	case KindNull:
		return false
	case KindInt, KindUint:
		return v.n != 0
	case KindDecimal:
		return v.s != "" || v.n != 0
	case KindFloat:
		return math.Float64frombits(v.n) != 0
	case KindDate, KindDatetime:
		return true
	case KindTime:
		return v.n != 0
	default:
		f, _ := v.ToFloat()
		return f != 0
	}
}

// ToText renders a value as MySQL's text protocol does. NULL renders as "NULL".
func (v Value) ToText() string {
	switch v.kind {
	case KindNull:
		return "NULL"
	case KindInt:
		return strconv.FormatInt(int64(v.n), 10)
	case KindUint:
		return strconv.FormatUint(v.n, 10)
	case KindFloat:
		return FormatFloat(math.Float64frombits(v.n))
	case KindDecimal:
		return v.decimalText()
	case KindString:
		return v.s
	case KindDate:
		return v.Time().Format("2006-01-02")
	case KindDatetime:
		t := v.Time()
		s := t.Format("2006-01-02 15:04:05")
		if v.scale > 0 {
			frac := fmt.Sprintf("%06d", t.Nanosecond()/1000)
			s += "." + frac[:v.scale]
		}
		return s
	case KindTime:
		return formatTime(int64(v.n), v.scale)
	}
	return "?"
}

// String implements fmt.Stringer; strings are quoted so that test output is unambiguous.
func (v Value) String() string {
	if v.kind == KindString {
		return strconv.Quote(v.s)
	}
	return v.ToText()
}

func (v Value) numericTimeString() string {
	t := v.Time()
	if v.kind == KindDate {
		return t.Format("20060102")
	}
	return t.Format("20060102150405")
}

// FormatFloat renders a float the way MySQL prints DOUBLE values (shortest round-trip form).
func FormatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if strings.Contains(s, "e+") {
		s = strings.Replace(s, "e+", "e", 1)
	}
	return s
}

// FormatDecimal renders coef × 10^-scale with exactly scale fractional digits.
func FormatDecimal(coef int64, scale uint8) string {
	neg := coef < 0
	var mag uint64
	if neg {
		mag = uint64(-coef)
	} else {
		mag = uint64(coef)
	}
	digits := strconv.FormatUint(mag, 10)
	if scale > 0 {
		if len(digits) <= int(scale) {
			digits = strings.Repeat("0", int(scale)-len(digits)+1) + digits
		}
		cut := len(digits) - int(scale)
		digits = digits[:cut] + "." + digits[cut:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

var pow10tab = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
	1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

func pow10i(s uint8) uint64 {
	if int(s) < len(pow10tab) {
		return pow10tab[s]
	}
	return math.MaxUint64
}

func pow10f(s uint8) float64 { return math.Pow10(int(s)) }

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// parseFloatPrefix parses the longest numeric prefix of s, as MySQL does when a string meets
// a number ("12abc" is 12, "abc" is 0).
func parseFloatPrefix(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\r")
	end := 0
	seenDigit, seenDot, seenExp := false, false, false
	for end < len(s) {
		c := s[end]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
		case (c == '+' || c == '-') && (end == 0 || s[end-1] == 'e' || s[end-1] == 'E'):
		case c == '.' && !seenDot && !seenExp:
			seenDot = true
		case (c == 'e' || c == 'E') && seenDigit && !seenExp:
			seenExp = true
		default:
			goto done
		}
		end++
	}
done:
	for end > 0 {
		f, err := strconv.ParseFloat(s[:end], 64)
		if err == nil {
			return f
		}
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f
		}
		end--
	}
	return 0
}

// ParseDecimal parses a decimal literal ("-12.340") into coefficient and scale. ok is false
// when the text is not a plain decimal or its coefficient does not fit an int64 (see
// ParseDecimalValue for any decimal).
func ParseDecimal(s string) (coef int64, scale uint8, ok bool) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, 0, false
	}
	var c uint64
	dot := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '.' {
			if dot {
				return 0, 0, false
			}
			dot = true
			continue
		}
		if ch < '0' || ch > '9' {
			return 0, 0, false
		}
		if c == 0 && ch == '0' && !dot {
			continue
		}
		if c > (math.MaxInt64-uint64(ch-'0'))/10 || (dot && scale == math.MaxUint8) {
			return 0, 0, false
		}
		c = c*10 + uint64(ch-'0')
		if dot {
			scale++
		}
	}
	if neg {
		return -int64(c), scale, true
	}
	return int64(c), scale, true
}

// RescaleDecimal changes the scale of coef×10^-from to `to`, rounding half away from zero when
// digits are dropped. ok is false on overflow.
func RescaleDecimal(coef int64, from, to uint8) (int64, bool) {
	if to == from {
		return coef, true
	}
	if to > from {
		m := pow10i(to - from)
		if m > math.MaxInt64 {
			return 0, false
		}
		r := coef * int64(m)
		if coef != 0 && r/int64(m) != coef {
			return 0, false
		}
		return r, true
	}
	if from-to > 18 {
		q := RoundBigDiv(big.NewInt(coef), BigPow10(int(from-to)))
		return q.Int64(), true
	}
	p := int64(pow10i(from - to))
	q, rem := coef/p, coef%p
	if 2*abs64(rem) >= p {
		if coef < 0 {
			q--
		} else {
			q++
		}
	}
	return q, true
}

// ParseTime parses MySQL date and datetime literals ("2024-01-31", "2024-01-31 12:00:00.5").
func ParseTime(s string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	layouts := []struct {
		layout string
		isDate bool
	}{
		{"2006-01-02", true},
		{"2006-01-02 15:04:05", false},
		{"2006-01-02 15:04:05.999999", false},
		{"2006-01-02T15:04:05", false},
		{"2006-01-02T15:04:05.999999", false},
		{"2006-01-02 15:04", false},
		{"20060102", true},
		{"20060102150405", false},
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l.layout, s, time.UTC); err == nil {
			return t, l.isDate, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("invalid date/time value %q", s)
}

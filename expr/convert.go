package expr

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// MySQL error numbers that Convert reports in strict mode.
const (
	CodeOutOfRange        = 1264 // ER_WARN_DATA_OUT_OF_RANGE
	CodeDataTruncated     = 1265 // WARN_DATA_TRUNCATED: a number followed by other text
	CodeIncorrectValue    = 1366 // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: text that is no number
	CodeIncorrectDatetime = 1292 // ER_TRUNCATED_WRONG_VALUE: text that is no date
	CodeDataTooLong       = 1406 // ER_DATA_TOO_LONG
)

// ConvertError is a value that does not fit a column's type under strict rules. Code is the
// MySQL error number a client expects for it.
type ConvertError struct {
	Code  int
	Value string // the offending value, as text
	Type  string // the target type, as SQL
	msg   string
}

func (e *ConvertError) Error() string {
	return fmt.Sprintf("%s (error %d)", e.msg, e.Code)
}

func convErr(code int, v dataflow.Value, t dataflow.Type, format string, args ...any) *ConvertError {
	return &ConvertError{Code: code, Value: v.ToText(), Type: typeLabel(t), msg: fmt.Sprintf(format, args...)}
}

func typeLabel(t dataflow.Type) string {
	if t.SQL != "" {
		return t.SQL
	}
	return typeName(t)
}

// Convert turns v into a value of type t.
//
// Strict is MySQL's STRICT_TRANS_TABLES behaviour for INSERT and UPDATE: a value that does
// not fit is an error (*ConvertError) instead of being adjusted: integers and decimals out of
// the type's range (1264), text longer than CHAR(n)/VARCHAR(n) (1406), text that is not a
// number (1366) or has trailing garbage (1265), text or numbers that are no valid date
// (1292). Negative values are out of range for UNSIGNED types.
//
// Lenient is CAST: out-of-range numbers clamp to the type's bounds (a negative integer cast to
// 64-bit UNSIGNED wraps around, as CAST(-1 AS UNSIGNED) does), text is read by its longest
// numeric prefix, long text is cut to the length, and an invalid date is NULL (MySQL would
// store a zero date, which Weir cannot represent).
//
// Integers round half away from zero from decimals and text; DECIMAL(p,s) rounds to s digits
// the same way. Integer targets produce KindUint values for unsigned types and KindInt
// otherwise, whatever t.Kind says. A DECIMAL without precision (Precision 0) is bounded by the
// widest column, DECIMAL(65). NULL converts to NULL: nullability is the caller's check.
func Convert(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	if v.IsNull() {
		return v, nil
	}
	if n, ok := v.HexNumber(); ok && t.Kind != dataflow.KindString {
		v = dataflow.Uint(n)
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		switch sqlBase(t) {
		case "YEAR":
			return convertYear(v, t, strict)
		case "BIT":
			return convertBit(v, t, strict)
		}
		return convertInt(v, t, strict)
	case dataflow.KindTime:
		return convertTimeOfDay(v, t, strict)
	case dataflow.KindFloat:
		return convertFloat(v, t, strict)
	case dataflow.KindDecimal:
		return convertDecimal(v, t, strict)
	case dataflow.KindString:
		return convertString(v, t, strict)
	case dataflow.KindDate, dataflow.KindDatetime:
		return convertTime(v, t, strict)
	}
	return v, nil
}

// numText is a number read from text: value = ±digits × 10^exp, with digits free of leading
// zeros (empty for zero).
type numText struct {
	neg    bool
	digits string
	exp    int
	ok     bool // at least one digit was read
	full   bool // nothing but spaces followed the number
}

// parseNumText reads the longest numeric prefix of s (after leading spaces), as MySQL does
// when text meets a number.
func parseNumText(s string) numText {
	var r numText
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		r.neg = s[i] == '-'
		i++
	}
	var digits []byte
	nDigits := 0
	for i < len(s) && isDigit(s[i]) {
		if len(digits) > 0 || s[i] != '0' {
			digits = append(digits, s[i])
		}
		nDigits++
		i++
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		frac := 0
		for j < len(s) && isDigit(s[j]) {
			if len(digits) > 0 || s[j] != '0' {
				digits = append(digits, s[j])
			}
			r.exp--
			frac++
			j++
		}
		if nDigits > 0 || frac > 0 {
			i = j
			nDigits += frac
		}
	}
	r.ok = nDigits > 0
	if !r.ok {
		return r
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		eneg := false
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			eneg = s[j] == '-'
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			e := 0
			for j < len(s) && isDigit(s[j]) {
				if e < 100000 {
					e = e*10 + int(s[j]-'0')
				}
				j++
			}
			if eneg {
				e = -e
			}
			r.exp += e
			i = j
		}
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	r.full = i == len(s)
	r.digits = string(digits)
	return r
}

// float reads the number as a float64.
func (n numText) float() float64 {
	if n.digits == "" {
		return 0
	}
	f, _ := strconv.ParseFloat(n.digits+"e"+strconv.Itoa(n.exp), 64)
	if n.neg {
		return -f
	}
	return f
}

// scaled returns |value| × 10^scale rounded half away from zero as a magnitude; ok is false
// when it exceeds uint64.
func (n numText) scaled(scale int) (uint64, bool) {
	shift := n.exp + scale
	d := n.digits
	var roundUp bool
	if shift < 0 {
		keep := len(d) + shift
		switch {
		case keep < 0:
			return 0, true
		case keep == 0:
			roundUp = d != "" && d[0] >= '5'
			d = ""
		default:
			roundUp = d[keep] >= '5'
			d = d[:keep]
		}
		shift = 0
	}
	if d == "" {
		if roundUp {
			return 1, true
		}
		return 0, true
	}
	if len(d)+shift > 20 {
		return 0, false
	}
	var m uint64
	for i := 0; i < len(d)+shift; i++ {
		c := uint64(0)
		if i < len(d) {
			c = uint64(d[i] - '0')
		}
		hi, lo := bits.Mul64(m, 10)
		if hi != 0 {
			return 0, false
		}
		var carry uint64
		m, carry = bits.Add64(lo, c, 0)
		if carry != 0 {
			return 0, false
		}
	}
	if roundUp {
		if m == math.MaxUint64 {
			return 0, false
		}
		m++
	}
	return m, true
}

// bigScaled returns |value| × 10^scale rounded half away from zero; ok is false when it has
// more digits than any decimal holds.
func (n numText) bigScaled(scale int) (*big.Int, bool) {
	shift := n.exp + scale
	d := n.digits
	roundUp := false
	if shift < 0 {
		keep := len(d) + shift
		switch {
		case keep < 0:
			return new(big.Int), true
		case keep == 0:
			roundUp = d != "" && d[0] >= '5'
			d = ""
		default:
			roundUp = d[keep] >= '5'
			d = d[:keep]
		}
		shift = 0
	}
	if d != "" && len(d)+shift > dataflow.MaxDecimalDigits {
		return nil, false
	}
	m := new(big.Int)
	if d != "" {
		m.SetString(d, 10)
		m.Mul(m, bigPow10(shift))
	}
	if roundUp {
		m.Add(m, big.NewInt(1))
	}
	return m, true
}

// textNumber reads text in numeric context, checking it strictly when asked: no digits is
// 1366, digits followed by other text 1265.
func textNumber(v dataflow.Value, t dataflow.Type, strict bool, what string) (numText, error) {
	n := parseNumText(v.RawString())
	if strict {
		if !n.ok {
			return n, convErr(CodeIncorrectValue, v, t, "Incorrect %s value: '%s'", what, v.RawString())
		}
		if !n.full {
			return n, convErr(CodeDataTruncated, v, t, "Data truncated: '%s' is not a valid %s", v.RawString(), what)
		}
	}
	return n, nil
}

// integer is an integer being converted: sign and magnitude, with over set when it lies
// beyond 64 bits. negSource records a negative source even when it rounds to zero: MySQL
// rejects -0.4 for an UNSIGNED column although it rounds to 0.
type integer struct {
	neg       bool
	mag       uint64
	over      bool
	negSource bool
}

func integerOf(v dataflow.Value, t dataflow.Type, strict bool) (integer, error) {
	switch v.Kind() {
	case dataflow.KindInt:
		i := v.RawInt()
		return integer{neg: i < 0, mag: uabs(i), negSource: i < 0}, nil
	case dataflow.KindUint:
		return integer{mag: v.RawUint()}, nil
	case dataflow.KindDecimal:
		if c, s, ok := v.NarrowDecimal(); ok {
			r, _ := dataflow.RescaleDecimal(c, s, 0)
			return integer{neg: r < 0, mag: uabs(r), negSource: c < 0}, nil
		}
		m, s := v.BigDecimal()
		neg := m.Sign() < 0
		r := dataflow.RoundBigDiv(m, bigPow10(int(s)))
		r.Abs(r)
		return integer{neg: neg, mag: r.Uint64(), over: !r.IsUint64(), negSource: neg}, nil
	case dataflow.KindFloat:
		// Doubles round half to even (C's rint), unlike decimals: CAST(2.5e0 AS SIGNED) is 2.
		n := floatInteger(math.RoundToEven(v.RawFloat()))
		n.negSource = v.RawFloat() < 0
		return n, nil
	case dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		c, s := timeNumber(v)
		r, _ := dataflow.RescaleDecimal(c, uint8(s), 0)
		return integer{mag: uint64(r)}, nil
	case dataflow.KindString:
		n, err := textNumber(v, t, strict, "integer")
		if err != nil {
			return integer{}, err
		}
		if !strict {
			// CAST reads text as an integer literal: '1.9' is 1 and '1e3' is 1, the digits
			// before the first character that cannot continue an integer. A column store
			// (strict) reads it as a number and rounds: '2.5' is 3, '1e3' is 1000.
			n = parseIntPrefix(v.RawString())
		}
		m, ok := n.scaled(0)
		return integer{neg: n.neg && m != 0, mag: m, over: !ok, negSource: n.neg && n.digits != ""}, nil
	}
	return integer{}, nil
}

// parseIntPrefix reads the leading integer of s, ignoring any fraction or exponent.
func parseIntPrefix(s string) numText {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return parseNumText(s[i:j])
}

func floatInteger(f float64) integer {
	a := math.Abs(f)
	if a >= 1<<64 {
		return integer{neg: f < 0, over: true}
	}
	return integer{neg: f < 0 && a != 0, mag: uint64(a)}
}

func convertInt(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	minV, maxV := IntRange(t)
	unsigned := minV == 0
	n, err := integerOf(v, t, strict)
	if err != nil {
		return dataflow.Null, err
	}
	inRange := !n.over && !(unsigned && n.negSource)
	if inRange {
		if n.neg {
			inRange = n.mag <= uabs(minV) && !unsigned
		} else {
			inRange = n.mag <= maxV
		}
	}
	if inRange {
		if unsigned {
			return dataflow.Uint(n.mag), nil
		}
		if n.neg {
			return dataflow.Int(int64(-n.mag)), nil
		}
		return dataflow.Int(int64(n.mag)), nil
	}
	if strict {
		return dataflow.Null, convErr(CodeOutOfRange, v, t, "Out of range value %s for type %s", v.ToText(), typeLabel(t))
	}
	if unsigned && n.neg && !n.over && maxV == math.MaxUint64 &&
		(v.Kind() == dataflow.KindInt || v.Kind() == dataflow.KindString) {
		return dataflow.Uint(-n.mag), nil
	}
	if n.neg || n.negSource {
		if unsigned {
			return dataflow.Uint(0), nil
		}
		return dataflow.Int(minV), nil
	}
	if unsigned {
		return dataflow.Uint(maxV), nil
	}
	return dataflow.Int(int64(maxV)), nil
}

func convertFloat(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	var f float64
	if v.Kind() == dataflow.KindString {
		n, err := textNumber(v, t, strict, "double")
		if err != nil {
			return dataflow.Null, err
		}
		f = n.float()
		if math.IsInf(f, 0) {
			if strict {
				return dataflow.Null, convErr(CodeOutOfRange, v, t, "Out of range value %s for type %s", v.ToText(), typeLabel(t))
			}
			f = math.Copysign(math.MaxFloat64, f)
		}
	} else {
		f, _ = v.ToFloat()
	}
	if isSingleFloat(t) {
		if math.Abs(f) > math.MaxFloat32 {
			if strict {
				return dataflow.Null, convErr(CodeOutOfRange, v, t, "Out of range value %s for type %s", v.ToText(), typeLabel(t))
			}
			f = math.Copysign(math.MaxFloat32, f)
		}
		f = float64(float32(f))
	}
	if isUnsigned(t) && f < 0 {
		if strict {
			return dataflow.Null, convErr(CodeOutOfRange, v, t, "Out of range value %s for type %s", v.ToText(), typeLabel(t))
		}
		f = 0
	}
	return dataflow.Float(f), nil
}

// decimalBounds returns the target scale and the largest coefficient DECIMAL(p,s) holds; a
// DECIMAL without precision (Precision 0) is bounded by the widest column, 65 digits.
func decimalBounds(t dataflow.Type) (scale int, maxCoef *big.Int) {
	scale = min(max(t.Scale, 0), maxScale)
	p := t.Precision
	if p <= 0 || p > dataflow.MaxDecimalPrecision {
		p = dataflow.MaxDecimalPrecision
	}
	maxCoef = new(big.Int).Sub(bigPow10(max(p, scale)), big.NewInt(1))
	return scale, maxCoef
}

func convertDecimal(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	scale := min(max(t.Scale, 0), maxScale)
	// The common narrow case, without allocating: any int64 coefficient fits a precision of
	// 19 digits or more.
	if c, s, ok := exactOf(v); ok && t.Precision > 0 {
		p := max(t.Precision, scale)
		if r, ok := dataflow.RescaleDecimal(c, uint8(s), uint8(scale)); ok && (p > 18 || uabs(r) < uint64(pow10[p])) &&
			!(c < 0 && isUnsigned(t)) {
			return dataflow.Decimal(r, uint8(scale)), nil
		}
	}
	_, maxCoef := decimalBounds(t)
	var (
		m         *big.Int // the value × 10^scale, rounded
		negSource bool
	)
	switch v.Kind() {
	case dataflow.KindString, dataflow.KindFloat:
		var n numText
		if v.Kind() == dataflow.KindFloat {
			n = parseNumText(strconv.FormatFloat(v.RawFloat(), 'e', -1, 64))
		} else {
			var err error
			if n, err = textNumber(v, t, strict, "decimal"); err != nil {
				return dataflow.Null, err
			}
		}
		negSource = n.neg && n.digits != ""
		if mag, ok := n.bigScaled(scale); ok {
			m = mag
			if n.neg {
				m.Neg(m)
			}
		}
	default:
		src, s, ok := bigExact(v)
		if !ok {
			return dataflow.Null, convErr(CodeIncorrectValue, v, t, "Incorrect decimal value: '%s'", v.ToText())
		}
		negSource = src.Sign() < 0
		if s <= scale {
			m = src.Mul(src, bigPow10(scale-s))
		} else {
			m = roundDiv(src, bigPow10(s-scale))
		}
	}
	if m != nil && m.CmpAbs(maxCoef) <= 0 && !(negSource && isUnsigned(t)) {
		return dataflow.DecimalBig(m, uint8(scale)), nil
	}
	if strict {
		return dataflow.Null, convErr(CodeOutOfRange, v, t, "Out of range value %s for type %s", v.ToText(), typeLabel(t))
	}
	switch {
	case negSource && isUnsigned(t):
		return dataflow.Decimal(0, uint8(scale)), nil
	case negSource:
		return dataflow.DecimalBig(new(big.Int).Neg(maxCoef), uint8(scale)), nil
	}
	return dataflow.DecimalBig(maxCoef, uint8(scale)), nil
}

func convertString(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	switch {
	case t.BinaryString():
		return convertBytes(v, t, strict)
	case t.IsEnum():
		return convertEnum(v, t, strict)
	case t.IsSet():
		return convertSet(v, t, strict)
	case isJSONType(t):
		// A JSON column keeps the document as written, once it is known to be JSON.
		s := v.ToText()
		if v.IsNumeric() || json.Valid([]byte(s)) {
			return dataflow.String(s), nil
		}
		if strict {
			return dataflow.Null, convErr(CodeInvalidJSON, v, t, "Invalid JSON text: '%s'", s)
		}
		return dataflow.Null, nil
	}
	s := v.ToText()
	if v.IsBinary() && !utf8.ValidString(s) {
		// Bytes that are no UTF-8 text: MySQL refuses them for a utf8mb4 column and cuts
		// them at the first bad byte elsewhere.
		if strict {
			return dataflow.Null, convErr(CodeIncorrectValue, v, t, "Incorrect string value: '%s'", hexPrefix(s))
		}
		s = validPrefix(s)
	}
	if isFixedChar(t) {
		s = strings.TrimRight(s, " ")
	}
	if t.Precision > 0 && utf8.RuneCountInString(s) > t.Precision {
		cut := 0
		for i := 0; i < t.Precision; i++ {
			_, w := utf8.DecodeRuneInString(s[cut:])
			cut += w
		}
		// Excess trailing spaces are dropped silently even in strict mode, as MySQL does.
		if strict && strings.TrimRight(s[cut:], " ") != "" {
			return dataflow.Null, convErr(CodeDataTooLong, v, t, "Data too long (%d characters) for type %s",
				utf8.RuneCountInString(s), typeLabel(t))
		}
		s = s[:cut]
	}
	if _, ordinal := v.Ordinal(); v.Kind() == dataflow.KindString && !v.IsBinary() && !ordinal && s == v.RawString() {
		return v, nil
	}
	return dataflow.String(s), nil
}

// convertBytes stores v in a binary string type: its text's bytes, at most Precision of them
// (every excess byte is an error in strict mode, spaces included), and BINARY(n) padded to n
// bytes with zero bytes, as MySQL stores it.
func convertBytes(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	if t.BinaryChar() {
		return convertBinaryChar(v, t, strict)
	}
	s := v.ToText()
	if v.Kind() == dataflow.KindString {
		s = v.RawString()
	}
	if t.Precision > 0 && len(s) > t.Precision {
		if strict {
			return dataflow.Null, convErr(CodeDataTooLong, v, t, "Data too long (%d bytes) for type %s", len(s), typeLabel(t))
		}
		s = s[:t.Precision]
	}
	if isFixedBinary(t) && len(s) < t.Precision {
		s += strings.Repeat("\x00", t.Precision-len(s))
	}
	if _, hexLiteral := v.HexNumber(); v.IsBinary() && !hexLiteral && s == v.RawString() {
		return v, nil
	}
	return dataflow.Bytes(s), nil
}

// convertBinaryChar stores v in a CHAR(n) COLLATE utf8mb4_bin (PostgreSQL's char(n)): its
// text without trailing spaces, at most n characters (more is an error in strict mode, as
// PostgreSQL's "value too long for type character(n)"; a cast cuts them, as PostgreSQL's
// explicit cast does), as a binary string.
func convertBinaryChar(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	s := v.ToText()
	if v.Kind() == dataflow.KindString {
		s = v.RawString()
	}
	trimmed := strings.TrimRight(s, " ")
	if t.Precision > 0 && utf8.RuneCountInString(trimmed) > t.Precision {
		if strict {
			return dataflow.Null, convErr(CodeDataTooLong, v, t, "Data too long (%d characters) for type %s",
				utf8.RuneCountInString(trimmed), typeLabel(t))
		}
		cut := 0
		for i := 0; i < t.Precision; i++ {
			_, w := utf8.DecodeRuneInString(trimmed[cut:])
			cut += w
		}
		trimmed = strings.TrimRight(trimmed[:cut], " ")
	}
	if v.IsBinary() && trimmed == v.RawString() {
		if _, hexLiteral := v.HexNumber(); !hexLiteral {
			return v, nil
		}
	}
	return dataflow.Bytes(trimmed), nil
}

// hexPrefix renders the start of bytes that are no text the way MySQL's error names them
// ('\xFF\xFE').
func hexPrefix(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && i < 6; i++ {
		fmt.Fprintf(&b, "\\x%02X", s[i])
	}
	if len(s) > 6 {
		b.WriteString("...")
	}
	return b.String()
}

// validPrefix is the longest prefix of s that is valid UTF-8.
func validPrefix(s string) string {
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w <= 1 {
			return s[:i]
		}
		i += w
	}
	return s
}

func convertTime(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	what := "date"
	if t.Kind == dataflow.KindDatetime {
		what = "datetime"
	}
	var us int64
	var p parsedTime
	ok := true
	switch v.Kind() {
	case dataflow.KindDate, dataflow.KindDatetime:
		us = v.Micros()
	case dataflow.KindString:
		p, ok = parseTimeText(v.RawString())
		if ok && p.trailing && strict {
			ok = false
		}
	default:
		p, ok = parseTimeNumber(v)
	}
	if !ok {
		if strict {
			return dataflow.Null, convErr(CodeIncorrectDatetime, v, t, "Incorrect %s value: '%s'", what, v.ToText())
		}
		return dataflow.Null, nil
	}
	if v.Kind() != dataflow.KindDate && v.Kind() != dataflow.KindDatetime {
		us = p.time().UnixMicro()
	}
	tm := time.UnixMicro(us).UTC()
	if t.Kind == dataflow.KindDate {
		return dataflow.Date(tm), nil
	}
	fsp := min(max(t.Scale, 0), 6)
	unit := pow10[6-fsp]
	if r := us % unit; r != 0 {
		// Fractional seconds beyond the column's precision round, as MySQL stores them.
		if r < 0 {
			r += unit
		}
		us -= r
		if 2*r >= unit {
			us += unit
		}
		tm = time.UnixMicro(us).UTC()
	}
	if tm.Year() > 9999 {
		if strict {
			return dataflow.Null, convErr(CodeIncorrectDatetime, v, t, "Incorrect %s value: '%s'", what, v.ToText())
		}
		return dataflow.Null, nil
	}
	return dataflow.Datetime(tm, uint8(fsp)), nil
}

// convertYear stores v in a YEAR column: 1901..2155 as they are, 0 as 0000, 1..69 as
// 2001..2069 and 70..99 as 1970..1999; text of fewer than four digits that reads as zero
// ('0', '00') is 2000. Anything else is out of range (1264); CAST-like lenient conversion
// gives 0000 instead.
func convertYear(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	n, err := integerOf(v, t, strict)
	if err != nil {
		return dataflow.Null, err
	}
	y := n.mag
	ok := !n.over && !(n.neg && y != 0)
	switch {
	case !ok:
	case y == 0:
		if v.Kind() == dataflow.KindString && len(strings.TrimSpace(v.RawString())) < 4 {
			y = 2000
		}
	case y <= 69:
		y += 2000
	case y <= 99:
		y += 1900
	default:
		ok = y >= 1901 && y <= 2155
	}
	if !ok {
		if strict {
			return dataflow.Null, convErr(CodeOutOfRange, v, t, "Out of range value %s for type %s", v.ToText(), typeLabel(t))
		}
		return dataflow.Int(0), nil
	}
	return dataflow.Int(int64(y)), nil
}

// convertBit stores v in a BIT(n) column: numbers by their value (negative ones as their
// 64-bit two's complement), text by its bytes read big-endian, as MySQL does. A value of
// more than n bits is too long (1406); lenient conversion gives the largest BIT(n).
func convertBit(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	width := t.Precision
	if width <= 0 || width > 64 {
		width = 64
	}
	var bits uint64
	over := false
	if v.Kind() == dataflow.KindString {
		s := v.RawString()
		over = len(strings.TrimLeft(s, "\x00")) > 8
		for i := 0; i < len(s); i++ {
			bits = bits<<8 | uint64(s[i])
		}
	} else {
		n, err := integerOf(v, t, strict)
		if err != nil {
			return dataflow.Null, err
		}
		bits, over = n.mag, n.over
		if n.neg {
			bits = -bits
		}
	}
	if over || (width < 64 && bits>>width != 0) {
		if strict {
			return dataflow.Null, convErr(CodeDataTooLong, v, t, "Data too long for type %s", typeLabel(t))
		}
		bits = math.MaxUint64 >> (64 - width)
	}
	return dataflow.Uint(bits), nil
}

// convertTimeOfDay stores v in a TIME(fsp) column: text as MySQL's TIME text (a date and time
// gives its time), numbers as [-]HHMMSS[.frac], a DATETIME its time of day and a DATE
// midnight. Fractional seconds round to fsp digits. Text or numbers that are no time, or lie
// beyond ±838:59:59, are error 1292 in strict mode and NULL otherwise.
func convertTimeOfDay(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	fsp := min(max(t.Scale, 0), 6)
	var us int64
	switch v.Kind() {
	case dataflow.KindTime:
		us = v.Micros()
	case dataflow.KindDate:
		us = 0
	case dataflow.KindDatetime:
		tm := v.Time()
		h, m, s := tm.Clock()
		us = int64(h*3600+m*60+s)*1_000_000 + int64(tm.Nanosecond()/1000)
	default:
		text := v.ToText()
		switch v.Kind() {
		case dataflow.KindString:
			text = v.RawString()
		case dataflow.KindFloat:
			text = strconv.FormatFloat(v.RawFloat(), 'f', -1, 64)
		}
		p, ok := dataflow.ParseTimeText(text)
		if ok && p.Trailing && (strict || v.Kind() != dataflow.KindString) {
			ok = false
		}
		if !ok {
			if strict {
				return dataflow.Null, convErr(CodeIncorrectDatetime, v, t, "Incorrect time value: '%s'", v.ToText())
			}
			return dataflow.Null, nil
		}
		us = p.Micros
	}
	unit := pow10[6-fsp]
	if r := us % unit; r != 0 {
		// Fractional seconds beyond the column's precision round half away from zero.
		us -= r
		if 2*abs(r) >= unit {
			if r < 0 {
				us -= unit
			} else {
				us += unit
			}
		}
	}
	if us > dataflow.MaxTimeMicros || us < -dataflow.MaxTimeMicros {
		if strict {
			return dataflow.Null, convErr(CodeIncorrectDatetime, v, t, "Incorrect time value: '%s'", v.ToText())
		}
		return dataflow.Null, nil
	}
	return dataflow.TimeMicros(us, uint8(fsp)), nil
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

package jsonrows

import (
	"encoding/base64"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// The row encoder appends JSON by hand rather than through encoding/json: a row is an object
// whose keys are the view's columns in order, and going through encoding/json would mean a
// map per row (keys re-sorted, every value boxed) or a Marshaler whose output encoding/json
// validates a second time. Appending each value with strconv into one reused buffer costs
// no allocation per row.

// AppendValue appends v as a JSON value: integers as exact numbers (uint64 too, even above
// 2^53), floats as numbers, DECIMAL as a string so that no client rounds it, strings as
// strings, binary strings (BINARY, VARBINARY, BLOB) as base64 strings, DATE, DATETIME and
// TIME as their MySQL text, NULL as null. YEAR and BIT are numbers.
func AppendValue(b []byte, v dataflow.Value) []byte {
	switch v.Kind() {
	case dataflow.KindNull:
		return append(b, "null"...)
	case dataflow.KindInt:
		return strconv.AppendInt(b, v.RawInt(), 10)
	case dataflow.KindUint:
		return strconv.AppendUint(b, v.RawUint(), 10)
	case dataflow.KindFloat:
		return appendFloat(b, v.RawFloat())
	case dataflow.KindDecimal:
		b = append(b, '"')
		if coef, scale, ok := v.NarrowDecimal(); ok {
			b = appendDecimal(b, coef, scale)
		} else {
			b = append(b, v.ToText()...)
		}
		return append(b, '"')
	case dataflow.KindString:
		if v.IsBinary() {
			// Bytes need not be text: base64 carries every byte (the column's type says
			// the value is binary).
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, []byte(v.RawString()))
			return append(b, '"')
		}
		return AppendString(b, v.RawString())
	case dataflow.KindDate:
		b = append(b, '"')
		b = v.Time().AppendFormat(b, "2006-01-02")
		return append(b, '"')
	case dataflow.KindDatetime:
		b = append(b, '"')
		b = appendDatetime(b, v)
		return append(b, '"')
	case dataflow.KindTime:
		b = append(b, '"')
		b = append(b, v.ToText()...)
		return append(b, '"')
	}
	// A kind this package does not know yet: its text is the safest rendering.
	return AppendString(b, v.ToText())
}

// appendFloat formats f as encoding/json does (shortest form that reads back exactly,
// exponent only for very large or small magnitudes). NaN and infinities have no JSON form;
// the engine stores them as NULL, so they only get here by a bug, and null is the answer.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Shorten e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendDecimal appends coef × 10^-scale with exactly scale fractional digits, as
// dataflow.FormatDecimal renders it, without the intermediate strings.
func appendDecimal(b []byte, coef int64, scale uint8) []byte {
	mag := uint64(coef)
	if coef < 0 {
		b = append(b, '-')
		mag = -mag // two's complement: exact for math.MinInt64 too
	}
	var buf [24]byte
	digits := strconv.AppendUint(buf[:0], mag, 10)
	s := int(scale)
	if s == 0 {
		return append(b, digits...)
	}
	if len(digits) <= s {
		b = append(b, '0', '.')
		for range s - len(digits) {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	cut := len(digits) - s
	b = append(b, digits[:cut]...)
	b = append(b, '.')
	return append(b, digits[cut:]...)
}

// appendDatetime appends a DATETIME as MySQL's text protocol renders it: seconds, then as
// many fractional digits as the column keeps.
func appendDatetime(b []byte, v dataflow.Value) []byte {
	t := v.Time()
	b = t.AppendFormat(b, "2006-01-02 15:04:05")
	if fsp := int(min(v.Scale(), 6)); fsp > 0 {
		var frac [6]byte
		us := t.Nanosecond() / 1000
		for i := 5; i >= 0; i-- {
			frac[i] = byte('0' + us%10)
			us /= 10
		}
		b = append(b, '.')
		b = append(b, frac[:fsp]...)
	}
	return b
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. It escapes what JSON requires (quote, backslash,
// control characters) and U+2028/U+2029, which JavaScript treats as line ends, and replaces
// invalid UTF-8 with U+FFFD, as encoding/json does; other characters pass through as UTF-8.
// HTML characters are not escaped: the body is served as application/json, never as HTML.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

package dataflow

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Compare orders two non-NULL values with MySQL's comparison rules: numbers numerically
// (exactly across integer and decimal kinds), strings by the case-insensitive
// utf8mb4_general_ci-style collation with trailing spaces ignored, times chronologically,
// and mixed string/number comparisons as numbers. NULL sorts before everything (the ORDER BY
// rule); predicates must check for NULL before they call Compare.
func Compare(a, b Value) int {
	if a.kind == KindNull || b.kind == KindNull {
		switch {
		case a.kind == b.kind:
			return 0
		case a.kind == KindNull:
			return -1
		default:
			return 1
		}
	}
	if a.kind == KindString && b.kind == KindString {
		if a.IsBinary() || b.IsBinary() {
			return strings.Compare(a.s, b.s)
		}
		if a.scale == b.scale && (a.scale == stringEnum || a.scale == stringSet) {
			// Values of one ENUM or SET order by index or bit mask, as ORDER BY does.
			return cmp.Compare(a.n, b.n)
		}
		return CompareStrings(a.s, b.s)
	}
	// An ENUM or SET against a number is its index or bit mask.
	if n, ok := a.Ordinal(); ok && b.kind != KindString {
		a = Uint(n)
	}
	if n, ok := b.Ordinal(); ok && a.kind != KindString {
		b = Uint(n)
	}
	// A hexadecimal literal against anything but a string is the number it spells.
	if n, ok := a.HexNumber(); ok {
		a = Uint(n)
	}
	if n, ok := b.HexNumber(); ok {
		b = Uint(n)
	}
	if a.kind == KindTime || b.kind == KindTime {
		if ta, ok := asTimeOfDay(a); ok {
			if tb, ok := asTimeOfDay(b); ok {
				return cmp.Compare(ta, tb)
			}
		}
	}
	if a.IsTime() || b.IsTime() {
		if ta, ok := asTime(a); ok {
			if tb, ok := asTime(b); ok {
				return cmp.Compare(ta, tb)
			}
		}
	}
	// A decimal against text that spells a plain decimal compares exactly, as MariaDB
	// compares them (doubles could not tell 30-digit values apart).
	if a.kind == KindDecimal && b.kind == KindString {
		if d, ok := ParseDecimalValue(b.s); ok {
			b = d
		}
	} else if b.kind == KindDecimal && a.kind == KindString {
		if d, ok := ParseDecimalValue(a.s); ok {
			a = d
		}
	}
	return compareNumeric(a, b)
}

func asTime(v Value) (int64, bool) {
	switch v.kind {
	case KindDate, KindDatetime:
		return int64(v.n), true
	case KindString:
		t, _, err := ParseTime(v.s)
		if err != nil {
			return 0, false
		}
		return t.UnixMicro(), true
	}
	return 0, false
}

// asTimeOfDay reads a TIME, or text compared with one, as a duration in microseconds.
func asTimeOfDay(v Value) (int64, bool) {
	switch v.kind {
	case KindTime:
		return int64(v.n), true
	case KindString:
		if p, ok := ParseTimeText(v.s); ok && !p.Trailing {
			return p.Micros, true
		}
	}
	return 0, false
}

func compareNumeric(a, b Value) int {
	// Fast paths for the common exact kinds.
	if a.kind == KindInt && b.kind == KindInt {
		return cmp.Compare(int64(a.n), int64(b.n))
	}
	if a.kind == KindUint && b.kind == KindUint {
		switch {
		case a.n < b.n:
			return -1
		case a.n > b.n:
			return 1
		}
		return 0
	}
	if a.kind == KindDecimal && b.kind == KindDecimal && a.s == "" && b.s == "" {
		if c, ok := compareNarrowDecimals(int64(a.n), a.scale, int64(b.n), b.scale); ok {
			return c
		}
	}
	if isExact(a) && isExact(b) {
		return exactRat(a).Cmp(exactRat(b))
	}
	fa, _ := a.ToFloat()
	fb, _ := b.ToFloat()
	return cmp.Compare(fa, fb)
}

// compareNarrowDecimals orders two int64-coefficient decimals without allocating when the
// coefficient of the smaller scale can be brought to the other's scale; ok is false when that
// overflows.
func compareNarrowDecimals(ca int64, sa uint8, cb int64, sb uint8) (int, bool) {
	if sa < sb {
		c, ok := compareNarrowDecimals(cb, sb, ca, sa)
		return -c, ok
	}
	if sa > sb {
		var ok bool
		if cb, ok = RescaleDecimal(cb, sb, sa); !ok {
			return 0, false
		}
	}
	return cmp.Compare(ca, cb), true
}

func isExact(v Value) bool {
	return v.kind == KindInt || v.kind == KindUint || v.kind == KindDecimal || v.kind == KindTime
}

func exactRat(v Value) *big.Rat {
	switch v.kind {
	case KindInt:
		return new(big.Rat).SetInt64(int64(v.n))
	case KindUint:
		return new(big.Rat).SetUint64(v.n)
	case KindTime:
		c, s := v.TimeNumber()
		return new(big.Rat).SetFrac(big.NewInt(c), new(big.Int).SetUint64(pow10i(s)))
	default:
		m, scale := v.BigDecimal()
		return new(big.Rat).SetFrac(m, BigPow10(int(scale)))
	}
}

// CompareStrings compares with the default collation: case-insensitive (simple upper-case
// folding per character, as utf8mb4_general_ci does) and PAD SPACE (trailing spaces ignored).
func CompareStrings(a, b string) int {
	a = strings.TrimRight(a, " ")
	b = strings.TrimRight(b, " ")
	for a != "" && b != "" {
		ra, wa := rune(a[0]), 1
		if ra >= utf8.RuneSelf {
			ra, wa = utf8.DecodeRuneInString(a)
		}
		rb, wb := rune(b[0]), 1
		if rb >= utf8.RuneSelf {
			rb, wb = utf8.DecodeRuneInString(b)
		}
		if ra != rb {
			fa, fb := foldRune(ra), foldRune(rb)
			if fa != fb {
				if fa < fb {
					return -1
				}
				return 1
			}
		}
		a, b = a[wa:], b[wb:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

// FoldRune maps a character to its weight under the default collation, which follows
// utf8mb4_general_ci: ASCII letters compare case-insensitively, and accented Latin letters
// compare equal to their base letter ('é' = 'E', 'ß' = 'S').
func FoldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	if int(r) < len(latinFold) {
		return latinFold[r]
	}
	return unicode.ToUpper(r)
}

func foldRune(r rune) rune { return FoldRune(r) }

// latinFold holds the weights of U+0000..U+024F: the canonical decomposition's base letter,
// upper-cased.
var latinFold = func() [0x250]rune {
	var t [0x250]rune
	for r := rune(0); r < 0x250; r++ {
		base := r
		if d := norm.NFD.String(string(r)); d != "" {
			if b, _ := utf8.DecodeRuneInString(d); b != utf8.RuneError {
				base = b
			}
		}
		t[r] = unicode.ToUpper(base)
	}
	t['ß'] = 'S'
	return t
}()

// Identical reports exact equality: the same kind class and the same bytes. Multiset state uses
// it to remove the copy of a row that a delete names ('a' and 'A' are equal under the collation
// but are different rows).
func Identical(a, b Value) bool {
	if a.kind != b.kind {
		if a.IsNumeric() && b.IsNumeric() {
			return compareNumeric(a, b) == 0 && a.kind != KindFloat && b.kind != KindFloat
		}
		return false
	}
	switch a.kind {
	case KindNull:
		return true
	case KindString:
		return a.s == b.s
	case KindDecimal:
		return compareNumeric(a, b) == 0
	default:
		return a.n == b.n
	}
}

// Key encoding. AppendKey writes a canonical byte form in which two values are byte-equal
// exactly when they group together under GROUP BY / DISTINCT / join equality: numbers by value
// regardless of kind, strings by their collation weight. Compound keys are concatenations.
const (
	keyNull byte = iota
	keyInt
	keyUint
	keyDecimal
	keyFloat
	keyString
	keyTime
	keyBytes
	keyTimeOfDay
	keyWideDecimal
)

// AppendKey appends v's canonical key encoding to buf.
func AppendKey(buf []byte, v Value) []byte {
	switch v.kind {
	case KindNull:
		return append(buf, keyNull)
	case KindInt:
		return appendU64(append(buf, keyInt), v.n)
	case KindUint:
		if v.n <= math.MaxInt64 {
			return appendU64(append(buf, keyInt), v.n)
		}
		return appendU64(append(buf, keyUint), v.n)
	case KindDecimal:
		if v.s != "" {
			return appendWideDecimalKey(buf, v)
		}
		return appendNarrowDecimalKey(buf, int64(v.n), v.scale)
	case KindFloat:
		f := math.Float64frombits(v.n)
		if f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18 {
			return appendU64(append(buf, keyInt), uint64(int64(f)))
		}
		if f == 0 {
			f = 0 // collapse -0
		}
		return appendU64(append(buf, keyFloat), math.Float64bits(f))
	case KindString:
		if v.IsBinary() {
			// Binary strings group by their exact bytes, trailing spaces included.
			buf = append(buf, keyBytes)
			buf = binary.AppendUvarint(buf, uint64(len(v.s)))
			return append(buf, v.s...)
		}
		buf = append(buf, keyString)
		s := strings.TrimRight(v.s, " ")
		start := len(buf)
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		lenEnd := len(buf)
		ascii := true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			buf = append(buf, c)
		}
		if ascii {
			return buf
		}
		buf = buf[:start]
		var folded []byte
		for _, r := range s {
			folded = utf8.AppendRune(folded, foldRune(r))
		}
		buf = binary.AppendUvarint(buf, uint64(len(folded)))
		_ = lenEnd
		return append(buf, folded...)
	case KindDate, KindDatetime:
		return appendU64(append(buf, keyTime), v.n)
	case KindTime:
		return appendU64(append(buf, keyTimeOfDay), v.n)
	}
	return buf
}

func appendNarrowDecimalKey(buf []byte, coef int64, scale uint8) []byte {
	for scale > 0 && coef%10 == 0 {
		coef /= 10
		scale--
	}
	if scale == 0 {
		return appendU64(append(buf, keyInt), uint64(coef))
	}
	if f := float64(coef) / pow10f(scale); f*pow10f(scale) == float64(coef) && math.Abs(float64(coef)) < 1<<53 {
		// Decimals exactly representable as floats share the float encoding so that
		// 0.5 (decimal) and 0.5e0 (double) group together.
		return appendU64(append(buf, keyFloat), math.Float64bits(f))
	}
	buf = appendU64(append(buf, keyDecimal), uint64(coef))
	return append(buf, scale)
}

func appendU64(buf []byte, x uint64) []byte {
	return binary.BigEndian.AppendUint64(buf, x)
}

// IntKey returns the integer whose keyInt encoding AppendKey would produce for v; ok is false
// for values AppendKey encodes otherwise. Readers use it to key one-column integer keys by
// the integer itself.
func IntKey(v Value) (k uint64, ok bool) {
	switch v.kind {
	case KindInt:
		return v.n, true
	case KindUint:
		return v.n, v.n <= math.MaxInt64
	case KindDecimal, KindFloat:
		if b := AppendKey(nil, v); len(b) == 9 && b[0] == keyInt {
			return binary.BigEndian.Uint64(b[1:]), true
		}
	}
	return 0, false
}

// AppendRowKey appends the key encoding of the listed columns of row.
func AppendRowKey(buf []byte, row Row, cols []int) []byte {
	for _, c := range cols {
		buf = AppendKey(buf, row[c])
	}
	return buf
}

// AppendExactKey appends an encoding that distinguishes rows Identical does not equate; it is
// the identity of a row in a multiset.
func AppendExactKey(buf []byte, v Value) []byte {
	switch v.kind {
	case KindString:
		buf = append(buf, keyString)
		buf = binary.AppendUvarint(buf, uint64(len(v.s)))
		return append(buf, v.s...)
	case KindFloat:
		return appendU64(append(buf, keyFloat+16), v.n)
	default:
		return AppendKey(buf, v)
	}
}

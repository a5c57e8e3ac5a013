package expr

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// String, number-base and address functions with MySQL's rules: UNHEX, FROM_BASE64, CONV,
// BIN, OCT, FORMAT (en_US), CHAR, ELT, INSERT, QUOTE, SOUNDEX, BIT_LENGTH, BIT_COUNT,
// INET_ATON, INET_NTOA, INET6_ATON and INET6_NTOA.

func init() {
	binResult := func(n int) func([]Expr) dataflow.Type {
		return func([]Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindString, Precision: n, SQL: "VARBINARY", Nullable: true}
		}
	}
	register(&funcSpec{name: "unhex", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindString, Precision: (displayLen(args[0].Type()) + 1) / 2, SQL: "VARBINARY", Nullable: true}
		}, eval: evalUnhex})
	register(&funcSpec{name: "from_base64", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindString, Precision: displayLen(args[0].Type()) * 3 / 4, SQL: "VARBINARY", Nullable: true}
		}, eval: evalFromBase64})
	register(&funcSpec{name: "conv", minArgs: 3, maxArgs: 3,
		typ: func([]Expr) dataflow.Type { return stringResult(64, true) }, eval: evalConv})
	register(&funcSpec{name: "bin", minArgs: 1, maxArgs: 1,
		typ:  func(args []Expr) dataflow.Type { return stringResult(64, true) },
		eval: func(c *call, row dataflow.Row) dataflow.Value { return convBase(c.args[0].Eval(row), 10, 2) }})
	register(&funcSpec{name: "oct", minArgs: 1, maxArgs: 1,
		typ:  func(args []Expr) dataflow.Type { return stringResult(64, true) },
		eval: func(c *call, row dataflow.Row) dataflow.Value { return convBase(c.args[0].Eval(row), 10, 8) }})
	register(&funcSpec{name: "format", minArgs: 2, maxArgs: 3, check: checkFormat,
		typ: func(args []Expr) dataflow.Type {
			return stringResult(displayLen(args[0].Type())*4/3+32, anyNullable(args[:2]))
		},
		eval: evalFormat})
	register(&funcSpec{name: "char", minArgs: 1, maxArgs: -1, check: checkChar,
		typ: func(args []Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindString, Precision: 4 * len(args), SQL: "VARBINARY", Nullable: charUsing(args) != ""}
		}, eval: evalChar}, "char_func")
	register(&funcSpec{name: "elt", minArgs: 2, maxArgs: -1,
		typ: func(args []Expr) dataflow.Type {
			n := 0
			for _, a := range args[1:] {
				n = max(n, displayLen(a.Type()))
			}
			return stringResult(n, true)
		}, eval: evalElt})
	register(&funcSpec{name: "insert", minArgs: 4, maxArgs: 4,
		typ: func(args []Expr) dataflow.Type {
			return stringResult(displayLen(args[0].Type())+displayLen(args[3].Type()), anyNullable(args))
		}, eval: evalInsert}, "insert_func")
	register(&funcSpec{name: "quote", minArgs: 1, maxArgs: 1,
		typ:  func(args []Expr) dataflow.Type { return stringResult(2*displayLen(args[0].Type())+2, false) },
		eval: evalQuote})
	register(&funcSpec{name: "soundex", minArgs: 1, maxArgs: 1, typ: sameLengthString, eval: stringFunc(soundex)})
	register(&funcSpec{name: "bit_length", minArgs: 1, maxArgs: 1, typ: nullableInt,
		eval: stringMeasure(func(s string) int { return 8 * len(s) })})
	register(&funcSpec{name: "bit_count", minArgs: 1, maxArgs: 1, typ: nullableInt,
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			n, ok := bitOperand(c.args[0].Eval(row))
			if !ok {
				return dataflow.Null
			}
			return dataflow.Int(int64(bits.OnesCount64(n)))
		}})
	register(&funcSpec{name: "inet_aton", minArgs: 1, maxArgs: 1,
		typ: func([]Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, SQL: "BIGINT UNSIGNED", Nullable: true}
		}, eval: evalInetAton})
	register(&funcSpec{name: "inet_ntoa", minArgs: 1, maxArgs: 1,
		typ: func([]Expr) dataflow.Type { return stringResult(15, true) }, eval: evalInetNtoa})
	register(&funcSpec{name: "inet6_aton", minArgs: 1, maxArgs: 1, typ: binResult(16), eval: evalInet6Aton})
	register(&funcSpec{name: "inet6_ntoa", minArgs: 1, maxArgs: 1,
		typ: func([]Expr) dataflow.Type { return stringResult(39, true) }, eval: evalInet6Ntoa})
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// evalUnhex is UNHEX(s): pairs of hex digits as bytes (an odd count reads a leading 0); any
// other character gives NULL.
func evalUnhex(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	s := text(v)
	if len(s)%2 == 1 {
		s = "0" + s
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		hi, ok1 := hexDigit(s[2*i])
		lo, ok2 := hexDigit(s[2*i+1])
		if !ok1 || !ok2 {
			return dataflow.Null
		}
		out[i] = hi<<4 | lo
	}
	return dataflow.Bytes(string(out))
}

// evalFromBase64 is FROM_BASE64(s): whitespace is skipped; anything else that is not base64
// with its padding gives NULL.
func evalFromBase64(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, text(v))
	out, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return dataflow.Null
	}
	return dataflow.Bytes(string(out))
}

// parseBase reads the leading number of s in base (2..36) as MySQL's my_strntoull (signed:
// my_strntoll): leading spaces, a sign, digits; an overflow clamps. ok is false when s has
// no digit.
func parseBase(s string, base int, signed bool) (uint64, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var n uint64
	digits, overflow := 0, false
	for ; i < len(s); i++ {
		d, ok := baseDigit(s[i])
		if !ok || int(d) >= base {
			break
		}
		digits++
		hi, lo := bits.Mul64(n, uint64(base))
		if hi != 0 || lo+uint64(d) < lo {
			overflow = true
			continue
		}
		n = lo + uint64(d)
	}
	if digits == 0 {
		return 0, false
	}
	if signed {
		switch {
		case overflow || (!neg && n > math.MaxInt64):
			if neg {
				return 1 << 63, true
			}
			return math.MaxInt64, true
		case neg && n > 1<<63:
			return 1 << 63, true
		case neg:
			return -n, true
		}
		return n, true
	}
	if overflow {
		return math.MaxUint64, true
	}
	if neg {
		return -n, true
	}
	return n, true
}

func baseDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'z':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'Z':
		return c - 'A' + 10, true
	}
	return 0, false
}

func convBase(v dataflow.Value, from, to int64) dataflow.Value {
	if v.IsNull() {
		return v
	}
	af, at := from, to
	if af < 0 {
		af = -af
	}
	if at < 0 {
		at = -at
	}
	if af < 2 || af > 36 || at < 2 || at > 36 {
		return dataflow.Null
	}
	s := text(v)
	if v.Kind() == dataflow.KindFloat {
		s = strconv.FormatFloat(v.RawFloat(), 'f', -1, 64)
	}
	n, ok := parseBase(s, int(af), from < 0)
	if !ok {
		if strings.TrimSpace(s) == "" {
			return dataflow.Null
		}
		n = 0
	}
	if to < 0 && int64(n) < 0 {
		return dataflow.String("-" + strings.ToUpper(strconv.FormatUint(-n, int(at))))
	}
	return dataflow.String(strings.ToUpper(strconv.FormatUint(n, int(at))))
}

// evalConv is CONV(n, from_base, to_base): a negative from_base reads n as signed, a negative
// to_base writes the result as signed; a base outside 2..36 gives NULL.
func evalConv(c *call, row dataflow.Row) dataflow.Value {
	var buf [3]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return dataflow.Null
	}
	from, ok1 := roundedInt(vals[1])
	to, ok2 := roundedInt(vals[2])
	if !ok1 || !ok2 {
		return dataflow.Null
	}
	return convBase(vals[0], from, to)
}

func checkFormat(args []Expr) error {
	if len(args) < 3 {
		return nil
	}
	loc, ok := constString(args[2])
	if !ok {
		if v, isConst := ConstValue(args[2]); isConst && v.IsNull() {
			return nil
		}
		return fmt.Errorf("the FORMAT locale must be a constant")
	}
	if !strings.EqualFold(loc, "en_US") {
		return fmt.Errorf("FORMAT with locale %q is not supported (only en_US)", loc)
	}
	return nil
}

// evalFormat is FORMAT(x, d): x rounded to d decimals (at most 30; exactly for integers and
// decimals, half to even on a DOUBLE's binary value as MySQL's rint), with a comma every
// three digits.
func evalFormat(c *call, row dataflow.Row) dataflow.Value {
	x := c.args[0].Eval(row)
	dv := c.args[1].Eval(row)
	if x.IsNull() || dv.IsNull() {
		return dataflow.Null
	}
	d, _ := roundedInt(dv)
	d = min(max(d, 0), 30)
	var s string
	switch x.Kind() {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal:
		r := fn2("round", NewConst(x), NewConst(dataflow.Int(d))).Eval(nil)
		s = text(r)
	default:
		f, ok := x.ToFloat()
		if !ok {
			return dataflow.Null
		}
		s = strconv.FormatFloat(f, 'f', int(d), 64)
	}
	return dataflow.String(groupThousands(s, int(d)))
}

// fn2 builds a call of a registered function whose arguments are known to be valid.
func fn2(name string, args ...Expr) Expr {
	return newCall(funcs[name], args)
}

// groupThousands writes a plain decimal number with d fraction digits and commas between
// groups of three integer digits.
func groupThousands(s string, d int) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) < d {
		frac += strings.Repeat("0", d-len(frac))
	}
	var b strings.Builder
	if neg && strings.Trim(intPart+frac, "0") != "" {
		b.WriteByte('-')
	}
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(intPart[i])
	}
	if d > 0 {
		b.WriteByte('.')
		b.WriteString(frac[:d])
	}
	return b.String()
}

// charUsing returns the charset of CHAR(… USING cs), "" for a binary result. The parser
// passes the charset as the last argument, NULL when there is none.
func charUsing(args []Expr) string {
	if len(args) == 0 {
		return ""
	}
	if s, ok := constString(args[len(args)-1]); ok {
		return strings.ToLower(s)
	}
	return ""
}

func checkChar(args []Expr) error {
	switch charUsing(args) {
	case "", "binary", "utf8mb4", "utf8", "utf8mb3", "ascii", "latin1":
		return nil
	}
	return fmt.Errorf("CHAR(… USING %s) is not supported", charUsing(args))
}

// evalChar is CHAR(n, …): each integer as its bytes, most significant first and without
// leading zero bytes; NULL arguments are skipped. With USING a text character set, bytes
// that are not valid text give NULL.
func evalChar(c *call, row dataflow.Row) dataflow.Value {
	using := charUsing(c.args)
	var b []byte
	for _, a := range c.args[:len(c.args)-1] {
		v := a.Eval(row)
		if v.IsNull() {
			continue
		}
		n, ok := bitOperand(v)
		if !ok {
			continue
		}
		var word [8]byte
		binary.BigEndian.PutUint32(word[4:], uint32(n))
		i := 4
		for i < 7 && word[i] == 0 {
			i++
		}
		b = append(b, word[i:]...)
	}
	switch using {
	case "", "binary":
		return dataflow.Bytes(string(b))
	case "ascii":
		for _, x := range b {
			if x >= 0x80 {
				return dataflow.Null
			}
		}
	case "latin1":
		r := make([]rune, len(b))
		for i, x := range b {
			r[i] = rune(x)
		}
		return dataflow.String(string(r))
	}
	if !utf8.Valid(b) {
		return dataflow.Null
	}
	return dataflow.String(string(b))
}

// evalElt is ELT(n, s1, …): the n-th string, NULL when n is outside 1..count.
func evalElt(c *call, row dataflow.Row) dataflow.Value {
	nv := c.args[0].Eval(row)
	if nv.IsNull() {
		return nv
	}
	n, _ := roundedInt(nv)
	if n < 1 || n >= int64(len(c.args)) {
		return dataflow.Null
	}
	v := c.args[n].Eval(row)
	if v.IsNull() {
		return v
	}
	return dataflow.String(text(v))
}

// evalInsert is INSERT(s, pos, len, new): the len characters of s from pos replaced by new;
// s unchanged when pos is outside 1..length, the rest of s replaced when len is negative or
// reaches past the end.
func evalInsert(c *call, row dataflow.Row) dataflow.Value {
	var buf [4]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return dataflow.Null
	}
	s := text(vals[0])
	pos, _ := roundedInt(vals[1])
	n, _ := roundedInt(vals[2])
	total := int64(utf8.RuneCountInString(s))
	if pos < 1 || pos > total {
		return dataflow.String(s)
	}
	if n < 0 || n > total-pos+1 {
		n = total - pos + 1
	}
	from := runeOffset(s, pos-1)
	to := from + runeOffset(s[from:], n)
	return dataflow.String(s[:from] + text(vals[3]) + s[to:])
}

// evalQuote is QUOTE(s): s in single quotes with \, ', NUL and Ctrl-Z escaped; NULL gives
// the word NULL.
func evalQuote(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return dataflow.String("NULL")
	}
	s := text(v)
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '\'':
			b.WriteByte('\\')
			b.WriteByte(s[i])
		case 0:
			b.WriteString(`\0`)
		case 0x1a:
			b.WriteString(`\Z`)
		default:
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('\'')
	return dataflow.String(b.String())
}

// soundexCodes are the codes of A … Z; '0' letters (vowels, H, W, Y) are dropped.
const soundexCodes = "01230120022455012623010202"

// soundex is MySQL's SOUNDEX: the first letter (ASCII letters in upper case, others as they
// are), then the code of every later letter that differs from the previous letter's code
// (vowels do not separate equal codes; letters outside A-Z count as vowels), padded with 0 to
// four characters and never cut. Characters that are not letters are skipped.
func soundex(s string) string {
	var b strings.Builder
	var last byte
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		code := byte('0')
		if r >= 'A' && r <= 'Z' {
			code = soundexCodes[r-'A']
		}
		if b.Len() == 0 {
			b.WriteRune(r)
			last = code
			continue
		}
		if code != '0' && code != last {
			b.WriteByte(code)
			last = code
		}
	}
	if b.Len() == 0 {
		return ""
	}
	for n := utf8.RuneCountInString(b.String()); n < 4; n++ {
		b.WriteByte('0')
	}
	return b.String()
}

// bitOperand reads v as the unsigned 64-bit integer MySQL's bit functions use: numbers
// rounded to the nearest integer, negative ones in two's complement, text by its numeric
// prefix; out-of-range values clamp.
func bitOperand(v dataflow.Value) (uint64, bool) {
	switch v.Kind() {
	case dataflow.KindNull:
		return 0, false
	case dataflow.KindInt:
		return uint64(v.RawInt()), true
	case dataflow.KindUint:
		return v.RawUint(), true
	}
	if n, ok := v.HexNumber(); ok {
		return n, true
	}
	var f float64
	if v.Kind() == dataflow.KindString {
		nt := parseNumText(v.RawString())
		f = nt.float()
	} else {
		var ok bool
		if f, ok = v.ToFloat(); !ok {
			return 0, false
		}
	}
	f = math.Round(f)
	switch {
	case math.IsNaN(f):
		return 0, true
	case f >= math.MaxUint64:
		return math.MaxUint64, true
	case f <= math.MinInt64:
		return 1 << 63, true
	case f < 0:
		return uint64(int64(f)), true
	}
	return uint64(f), true
}

// evalInetAton is INET_ATON(s): a dotted IPv4 address as a number, short forms included
// ('127.1' is 127.0.0.1); anything else gives NULL.
func evalInetAton(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	s := text(v)
	var result, part uint64
	dots := 0
	last := byte('.')
	for i := 0; i < len(s); i++ {
		last = s[i]
		switch {
		case isDigit(s[i]):
			part = part*10 + uint64(s[i]-'0')
			if part > 255 {
				return dataflow.Null
			}
		case s[i] == '.':
			dots++
			result = result<<8 + part
			part = 0
		default:
			return dataflow.Null
		}
	}
	if last == '.' || dots > 3 {
		return dataflow.Null
	}
	switch dots {
	case 1:
		result <<= 16
	case 2:
		result <<= 8
	}
	return dataflow.Uint(result<<8 + part)
}

func evalInetNtoa(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	var n int64
	switch v.Kind() {
	case dataflow.KindUint:
		if v.RawUint() > math.MaxUint32 {
			return dataflow.Null
		}
		n = int64(v.RawUint())
	default:
		if v.Kind() == dataflow.KindString {
			v = dataflow.Float(parseNumText(v.RawString()).float())
		}
		var ok bool
		if n, ok = roundedInt(v); !ok {
			n = 0
		}
	}
	if n < 0 || n > math.MaxUint32 {
		return dataflow.Null
	}
	return dataflow.String(fmt.Sprintf("%d.%d.%d.%d", n>>24, n>>16&255, n>>8&255, n&255))
}

// evalInet6Aton is INET6_ATON(s): an IPv4 address as 4 bytes, an IPv6 one as 16; zone
// suffixes and anything else give NULL.
func evalInet6Aton(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	a, err := netip.ParseAddr(text(v))
	if err != nil || a.Zone() != "" {
		return dataflow.Null
	}
	return dataflow.Bytes(string(a.AsSlice()))
}

// evalInet6Ntoa is INET6_NTOA(b): a 4- or 16-byte binary string as address text, written as
// MySQL writes it (the first longest run of zero groups, even a single one, as ::; IPv4-
// compatible and IPv4-mapped addresses end in dotted form). Text that is not a binary
// string gives NULL.
func evalInet6Ntoa(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() || !v.IsBinary() {
		return dataflow.Null
	}
	b := []byte(text(v))
	switch len(b) {
	case 4:
		return dataflow.String(fmt.Sprintf("%d.%d.%d.%d", b[0], b[1], b[2], b[3]))
	case 16:
		return dataflow.String(ipv6Text(b))
	}
	return dataflow.Null
}

func ipv6Text(b []byte) string {
	var w [8]uint16
	for i := range w {
		w[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	gapPos, gapLen := -1, 0
	for i := 0; i < 8; {
		if w[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && w[j] == 0 {
			j++
		}
		if j-i > gapLen {
			gapPos, gapLen = i, j-i
		}
		i = j
	}
	if gapPos == 0 && (gapLen == 6 || (gapLen == 5 && w[5] == 0xffff)) {
		prefix := "::"
		if gapLen == 5 {
			prefix = "::ffff:"
		}
		return fmt.Sprintf("%s%d.%d.%d.%d", prefix, b[12], b[13], b[14], b[15])
	}
	var s strings.Builder
	for i := 0; i < 8; i++ {
		if i == gapPos {
			if i == 0 {
				s.WriteByte(':')
			}
			s.WriteByte(':')
			i += gapLen - 1
			continue
		}
		s.WriteString(strconv.FormatUint(uint64(w[i]), 16))
		if i < 7 {
			s.WriteByte(':')
		}
	}
	return s.String()
}

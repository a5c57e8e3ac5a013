package expr

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash/crc32"
	"strings"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// More string functions, as MySQL evaluates them under the default case-insensitive
// collation: INSTR, LOCATE, FIND_IN_SET, FIELD and STRCMP compare letters without case;
// SUBSTRING_INDEX, REPLACE and the hashes work on the bytes. Positions count characters.

// maxRepeatBytes bounds the strings REPEAT, LPAD, RPAD and SPACE make, as MySQL's
// max_allowed_packet does (the result is NULL past it, as in MySQL).
const maxRepeatBytes = 16 << 20

// foldEqual compares two strings as the default collation does.
func foldEqual(a, b string) bool { return dataflow.CompareStrings(a, b) == 0 }

// runeIndexFold is the character position (from 0) of sub in s from character from on,
// compared without case but with accents, as MariaDB's INSTR and LOCATE match; -1 when
// absent.
//
// With fold false (either argument a binary string, as MySQL decides) it matches exactly.
func runeIndexFold(s, sub string, from int, fold bool) int {
	rs, rsub := []rune(s), []rune(sub)
	for i := max(from, 0); i+len(rsub) <= len(rs); i++ {
		if part := string(rs[i : i+len(rsub)]); part == sub || fold && strings.EqualFold(part, sub) {
			return i
		}
	}
	return -1
}

func evalInstr(c *call, row dataflow.Row) dataflow.Value {
	s, sub := c.args[0].Eval(row), c.args[1].Eval(row)
	if s.IsNull() || sub.IsNull() {
		return dataflow.Null
	}
	return dataflow.Int(int64(runeIndexFold(text(s), text(sub), 0, !s.IsBinary() && !sub.IsBinary()) + 1))
}

func evalLocate(c *call, row dataflow.Row) dataflow.Value {
	sub, s := c.args[0].Eval(row), c.args[1].Eval(row)
	if s.IsNull() || sub.IsNull() {
		return dataflow.Null
	}
	from := int64(1)
	if len(c.args) == 3 {
		p, ok := c.args[2].Eval(row).ToInt()
		if !ok {
			return dataflow.Null
		}
		from = p
	}
	if from < 1 || from > int64(utf8.RuneCountInString(text(s)))+1 {
		return dataflow.Int(0)
	}
	return dataflow.Int(int64(runeIndexFold(text(s), text(sub), int(from-1), !s.IsBinary() && !sub.IsBinary()) + 1))
}

func evalSubstringIndex(c *call, row dataflow.Row) dataflow.Value {
	sv, dv, nv := c.args[0].Eval(row), c.args[1].Eval(row), c.args[2].Eval(row)
	n, ok := nv.ToInt()
	if sv.IsNull() || dv.IsNull() || !ok {
		return dataflow.Null
	}
	s, d := text(sv), text(dv)
	if d == "" || n == 0 {
		return dataflow.String("")
	}
	parts := strings.Split(s, d)
	count := int64(len(parts))
	switch {
	case n > 0 && n < count:
		return dataflow.String(strings.Join(parts[:n], d))
	case n < 0 && n > -count:
		return dataflow.String(strings.Join(parts[count+n:], d))
	}
	return dataflow.String(s)
}

func evalFindInSet(c *call, row dataflow.Row) dataflow.Value {
	sv, lv := c.args[0].Eval(row), c.args[1].Eval(row)
	if sv.IsNull() || lv.IsNull() {
		return dataflow.Null
	}
	s, list := text(sv), text(lv)
	if strings.Contains(s, ",") || list == "" {
		return dataflow.Int(0)
	}
	for i, m := range strings.Split(list, ",") {
		if foldEqual(m, s) {
			return dataflow.Int(int64(i + 1))
		}
	}
	return dataflow.Int(0)
}

// evalField is FIELD(x, a, b, …): the position of the first argument equal to x, 0 if none
// (or x is NULL). Strings compare as text when x is text, numbers as numbers otherwise.
func evalField(c *call, row dataflow.Row) dataflow.Value {
	x := c.args[0].Eval(row)
	if x.IsNull() {
		return dataflow.Int(0)
	}
	asText := x.Kind() == dataflow.KindString
	for i, a := range c.args[1:] {
		v := a.Eval(row)
		if v.IsNull() {
			continue
		}
		if asText && v.Kind() == dataflow.KindString {
			if foldEqual(text(v), text(x)) {
				return dataflow.Int(int64(i + 1))
			}
			continue
		}
		xf, _ := x.ToFloat()
		vf, _ := v.ToFloat()
		if xf == vf {
			return dataflow.Int(int64(i + 1))
		}
	}
	return dataflow.Int(0)
}

func evalStrcmp(c *call, row dataflow.Row) dataflow.Value {
	a, b := c.args[0].Eval(row), c.args[1].Eval(row)
	if a.IsNull() || b.IsNull() {
		return dataflow.Null
	}
	switch c := dataflow.CompareStrings(text(a), text(b)); {
	case c < 0:
		return dataflow.Int(-1)
	case c > 0:
		return dataflow.Int(1)
	}
	return dataflow.Int(0)
}

// evalPad is LPAD and RPAD: s cut or padded to n characters with pad repeated.
func evalPad(c *call, row dataflow.Row, left bool) dataflow.Value {
	sv, nv, pv := c.args[0].Eval(row), c.args[1].Eval(row), c.args[2].Eval(row)
	n, ok := nv.ToInt()
	if sv.IsNull() || pv.IsNull() || !ok || n < 0 {
		return dataflow.Null
	}
	s, pad := []rune(text(sv)), []rune(text(pv))
	if int64(len(s)) >= n {
		return dataflow.String(string(s[:n]))
	}
	if len(pad) == 0 {
		return dataflow.Null
	}
	if n > maxRepeatBytes/utf8.UTFMax {
		return dataflow.Null
	}
	fill := make([]rune, 0, n-int64(len(s)))
	for int64(len(fill)) < n-int64(len(s)) {
		fill = append(fill, pad[len(fill)%len(pad)])
	}
	if left {
		return dataflow.String(string(fill) + string(s))
	}
	return dataflow.String(string(s) + string(fill))
}

func evalRepeat(c *call, row dataflow.Row) dataflow.Value {
	sv, nv := c.args[0].Eval(row), c.args[1].Eval(row)
	n, ok := nv.ToInt()
	if sv.IsNull() || !ok {
		return dataflow.Null
	}
	s := text(sv)
	if n <= 0 || s == "" {
		return dataflow.String("")
	}
	if n > maxRepeatBytes/int64(len(s)) {
		return dataflow.Null
	}
	return dataflow.String(strings.Repeat(s, int(n)))
}

func evalSpace(c *call, row dataflow.Row) dataflow.Value {
	n, ok := c.args[0].Eval(row).ToInt()
	if !ok {
		return dataflow.Null
	}
	if n <= 0 {
		return dataflow.String("")
	}
	if n > maxRepeatBytes {
		return dataflow.Null
	}
	return dataflow.String(strings.Repeat(" ", int(n)))
}

// evalHex is HEX: a number's value in base 16 (rounded to an integer; a negative one as its
// 64-bit two's complement), a string's bytes, upper case.
func evalHex(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	switch v.Kind() {
	case dataflow.KindNull:
		return v
	case dataflow.KindString:
		return dataflow.String(strings.ToUpper(hex.EncodeToString([]byte(v.RawString()))))
	case dataflow.KindUint:
		return dataflow.String(strings.ToUpper(hexUint(v.RawUint())))
	}
	n, _ := v.ToInt()
	return dataflow.String(strings.ToUpper(hexUint(uint64(n))))
}

func hexUint(u uint64) string {
	const digits = "0123456789abcdef"
	if u == 0 {
		return "0"
	}
	var b [16]byte
	i := len(b)
	for u > 0 {
		i--
		b[i] = digits[u&15]
		u >>= 4
	}
	return string(b[i:])
}

func evalASCII(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	s := text(v)
	if s == "" {
		return dataflow.Int(0)
	}
	return dataflow.Int(int64(s[0]))
}

// toBase64 wraps lines at 76 characters, as MySQL's TO_BASE64 does.
func toBase64(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteByte('\n')
		enc = enc[76:]
	}
	b.WriteString(enc)
	return b.String()
}

func evalSHA2(c *call, row dataflow.Row) dataflow.Value {
	sv, bv := c.args[0].Eval(row), c.args[1].Eval(row)
	bits, ok := bv.ToInt()
	if sv.IsNull() || !ok {
		return dataflow.Null
	}
	s := []byte(text(sv))
	switch bits {
	case 224:
		h := sha256.Sum224(s)
		return dataflow.String(hex.EncodeToString(h[:]))
	case 0, 256:
		h := sha256.Sum256(s)
		return dataflow.String(hex.EncodeToString(h[:]))
	case 384:
		h := sha512.Sum384(s)
		return dataflow.String(hex.EncodeToString(h[:]))
	case 512:
		h := sha512.Sum512(s)
		return dataflow.String(hex.EncodeToString(h[:]))
	}
	return dataflow.Null
}

func init() {
	intOf := func(args []Expr) dataflow.Type { return intResult(anyNullable(args)) }
	register(&funcSpec{name: "instr", minArgs: 2, maxArgs: 2, typ: intOf, eval: evalInstr})
	register(&funcSpec{name: "locate", minArgs: 2, maxArgs: 3, typ: intOf, eval: evalLocate}, "position")
	register(&funcSpec{name: "find_in_set", minArgs: 2, maxArgs: 2, typ: intOf, eval: evalFindInSet})
	register(&funcSpec{name: "field", minArgs: 2, maxArgs: -1, typ: func([]Expr) dataflow.Type { return intResult(false) }, eval: evalField})
	register(&funcSpec{name: "strcmp", minArgs: 2, maxArgs: 2, typ: intOf, eval: evalStrcmp})
	register(&funcSpec{name: "ascii", minArgs: 1, maxArgs: 1, typ: intOf, eval: evalASCII})
	register(&funcSpec{name: "substring_index", minArgs: 3, maxArgs: 3, typ: sameLengthString, eval: evalSubstringIndex})
	padType := func(args []Expr) dataflow.Type { return stringResult(255, true) }
	register(&funcSpec{name: "lpad", minArgs: 3, maxArgs: 3, typ: padType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalPad(c, row, true) }})
	register(&funcSpec{name: "rpad", minArgs: 3, maxArgs: 3, typ: padType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalPad(c, row, false) }})
	register(&funcSpec{name: "repeat", minArgs: 2, maxArgs: 2, typ: padType, eval: evalRepeat})
	register(&funcSpec{name: "space", minArgs: 1, maxArgs: 1, typ: padType, eval: evalSpace})
	register(&funcSpec{name: "hex", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return stringResult(2*max(displayLen(args[0].Type()), 16), anyNullable(args))
		},
		eval: evalHex})
	hash := func(name string, n int, f func([]byte) string) {
		register(&funcSpec{name: name, minArgs: 1, maxArgs: 1,
			typ:  func(args []Expr) dataflow.Type { return stringResult(n, anyNullable(args)) },
			eval: stringFunc(func(s string) string { return f([]byte(s)) })})
	}
	hash("md5", 32, func(b []byte) string { h := md5.Sum(b); return hex.EncodeToString(h[:]) })
	hash("sha1", 40, func(b []byte) string { h := sha1.Sum(b); return hex.EncodeToString(h[:]) })
	register(&funcSpec{name: "sha", minArgs: 1, maxArgs: 1,
		typ:  func(args []Expr) dataflow.Type { return stringResult(40, anyNullable(args)) },
		eval: stringFunc(func(s string) string { h := sha1.Sum([]byte(s)); return hex.EncodeToString(h[:]) })})
	register(&funcSpec{name: "sha2", minArgs: 2, maxArgs: 2,
		typ: func([]Expr) dataflow.Type { return stringResult(128, true) }, eval: evalSHA2})
	register(&funcSpec{name: "to_base64", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return stringResult(4*displayLen(args[0].Type())/3+4, anyNullable(args))
		},
		eval: stringFunc(toBase64)})
	register(&funcSpec{name: "crc32", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, Precision: 10, Nullable: anyNullable(args)}
		},
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			v := c.args[0].Eval(row)
			if v.IsNull() {
				return v
			}
			return dataflow.Uint(uint64(crc32.ChecksumIEEE([]byte(text(v)))))
		}})
	register(&funcSpec{name: "octet_length", minArgs: 1, maxArgs: 1, typ: nullableInt,
		eval: stringMeasure(func(s string) int { return len(s) })})
}

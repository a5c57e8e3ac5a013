package expr

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

func init() {
	register(&funcSpec{name: "concat", minArgs: 1, maxArgs: -1, typ: concatType, eval: evalConcat})
	register(&funcSpec{name: "concat_ws", minArgs: 2, maxArgs: -1, typ: concatWSType, eval: evalConcatWS})
	register(&funcSpec{name: "lower", minArgs: 1, maxArgs: 1, typ: sameLengthString,
		eval: stringFunc(strings.ToLower)}, "lcase")
	register(&funcSpec{name: "upper", minArgs: 1, maxArgs: 1, typ: sameLengthString,
		eval: stringFunc(strings.ToUpper)}, "ucase")
	register(&funcSpec{name: "reverse", minArgs: 1, maxArgs: 1, typ: sameLengthString,
		eval: stringFunc(reverseRunes)})
	register(&funcSpec{name: "ltrim", minArgs: 1, maxArgs: 1, typ: sameLengthString,
		eval: stringFunc(func(s string) string { return strings.TrimLeft(s, " ") })})
	register(&funcSpec{name: "rtrim", minArgs: 1, maxArgs: 1, typ: sameLengthString,
		eval: stringFunc(func(s string) string { return strings.TrimRight(s, " ") })})
	register(&funcSpec{name: "trim", minArgs: 1, maxArgs: 3, check: checkTrim, typ: sameLengthString, eval: evalTrim})
	register(&funcSpec{name: "length", minArgs: 1, maxArgs: 1, typ: nullableInt,
		eval: stringMeasure(func(s string) int { return len(s) })})
	register(&funcSpec{name: "char_length", minArgs: 1, maxArgs: 1, typ: nullableInt,
		eval: stringMeasure(utf8.RuneCountInString)}, "character_length")
	register(&funcSpec{name: "substring", minArgs: 2, maxArgs: 3, typ: sameLengthString, eval: evalSubstring},
		"substr", "mid")
	register(&funcSpec{name: "left", minArgs: 2, maxArgs: 2, typ: sameLengthString,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalLeftRight(c, row, true) }})
	register(&funcSpec{name: "right", minArgs: 2, maxArgs: 2, typ: sameLengthString,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalLeftRight(c, row, false) }})
	register(&funcSpec{name: "replace", minArgs: 3, maxArgs: 3, typ: replaceType, eval: evalReplace})
}

func nullableInt(args []Expr) dataflow.Type { return intResult(anyNullable(args)) }

func sameLengthString(args []Expr) dataflow.Type {
	return stringResult(displayLen(args[0].Type()), anyNullable(args))
}

func concatType(args []Expr) dataflow.Type {
	n := 0
	for _, a := range args {
		n += displayLen(a.Type())
	}
	return stringResult(n, anyNullable(args))
}

func concatWSType(args []Expr) dataflow.Type {
	n := 0
	for i, a := range args[1:] {
		if i > 0 {
			n += displayLen(args[0].Type())
		}
		n += displayLen(a.Type())
	}
	return stringResult(n, nullableType(args[0].Type()))
}

func replaceType(args []Expr) dataflow.Type {
	// Each character may become the whole replacement.
	n := displayLen(args[0].Type()) * max(displayLen(args[2].Type()), 1)
	return stringResult(n, anyNullable(args))
}

// stringFunc lifts a string function of one argument: NULL stays NULL, other values are read
// as their text.
func stringFunc(f func(string) string) func(*call, dataflow.Row) dataflow.Value {
	return func(c *call, row dataflow.Row) dataflow.Value {
		v := c.args[0].Eval(row)
		if v.IsNull() {
			return v
		}
		return dataflow.String(f(text(v)))
	}
}

func stringMeasure(f func(string) int) func(*call, dataflow.Row) dataflow.Value {
	return func(c *call, row dataflow.Row) dataflow.Value {
		v := c.args[0].Eval(row)
		if v.IsNull() {
			return v
		}
		return dataflow.Int(int64(f(text(v))))
	}
}

func reverseRunes(s string) string {
	b := make([]byte, 0, len(s))
	for i := len(s); i > 0; {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		b = append(b, s[i-w:i]...)
		i -= w
	}
	return string(b)
}

// evalConcat is CONCAT: NULL if any argument is NULL.
func evalConcat(c *call, row dataflow.Row) dataflow.Value {
	var b strings.Builder
	for _, a := range c.args {
		v := a.Eval(row)
		if v.IsNull() {
			return dataflow.Null
		}
		b.WriteString(text(v))
	}
	return dataflow.String(b.String())
}

// evalConcatWS is CONCAT_WS: NULL only for a NULL separator; NULL arguments are skipped.
func evalConcatWS(c *call, row dataflow.Row) dataflow.Value {
	sepV := c.args[0].Eval(row)
	if sepV.IsNull() {
		return dataflow.Null
	}
	sep := text(sepV)
	var b strings.Builder
	first := true
	for _, a := range c.args[1:] {
		v := a.Eval(row)
		if v.IsNull() {
			continue
		}
		if !first {
			b.WriteString(sep)
		}
		first = false
		b.WriteString(text(v))
	}
	return dataflow.String(b.String())
}

var errTrimDirection = errors.New("the trim direction must be a constant 'BOTH', 'LEADING' or 'TRAILING'")

func trimDirection(args []Expr) (leading, trailing bool, err error) {
	if len(args) < 3 {
		return true, true, nil
	}
	d, ok := constString(args[2])
	if !ok {
		return false, false, errTrimDirection
	}
	switch strings.ToUpper(d) {
	case "BOTH":
		return true, true, nil
	case "LEADING":
		return true, false, nil
	case "TRAILING":
		return false, true, nil
	}
	return false, false, errTrimDirection
}

func checkTrim(args []Expr) error {
	_, _, err := trimDirection(args)
	return err
}

// evalTrim is TRIM(s[, remstr[, direction]]): removes every leading and/or trailing occurrence
// of remstr (a space by default), compared byte for byte as MySQL does.
func evalTrim(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	rem := " "
	if len(c.args) > 1 {
		r := c.args[1].Eval(row)
		if r.IsNull() {
			return dataflow.Null
		}
		rem = text(r)
	}
	leading, trailing, _ := trimDirection(c.args)
	s := text(v)
	if rem != "" {
		if leading {
			for strings.HasPrefix(s, rem) {
				s = s[len(rem):]
			}
		}
		if trailing {
			for strings.HasSuffix(s, rem) {
				s = s[:len(s)-len(rem)]
			}
		}
	}
	return dataflow.String(s)
}

// runeOffset returns the byte offset of the n-th character of s (len(s) when s is shorter).
func runeOffset(s string, n int64) int {
	off := 0
	for ; n > 0 && off < len(s); n-- {
		_, w := decode(s, off)
		off += w
	}
	return off
}

// evalSubstring is SUBSTRING(s, pos[, len]) over characters: pos counts from 1, or from the
// end when negative; pos 0 and len < 1 give ”.
func evalSubstring(c *call, row dataflow.Row) dataflow.Value {
	var buf [3]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return dataflow.Null
	}
	s := text(vals[0])
	pos, _ := vals[1].ToInt()
	n := int64(utf8.RuneCountInString(s))
	var start int64
	switch {
	case pos > 0:
		start = pos - 1
	case pos < 0 && pos >= -n:
		start = n + pos
	default:
		return dataflow.String("")
	}
	if start >= n {
		return dataflow.String("")
	}
	length := n - start
	if len(vals) > 2 {
		l, _ := vals[2].ToInt()
		if l <= 0 {
			return dataflow.String("")
		}
		length = min(length, l)
	}
	from := runeOffset(s, start)
	to := from + runeOffset(s[from:], length)
	return dataflow.String(s[from:to])
}

// evalLeftRight is LEFT(s, n) / RIGHT(s, n) over characters; n < 1 gives ”.
func evalLeftRight(c *call, row dataflow.Row, left bool) dataflow.Value {
	var buf [2]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return dataflow.Null
	}
	s := text(vals[0])
	n, _ := vals[1].ToInt()
	if n <= 0 {
		return dataflow.String("")
	}
	if left {
		return dataflow.String(s[:runeOffset(s, n)])
	}
	total := int64(utf8.RuneCountInString(s))
	if n >= total {
		return dataflow.String(s)
	}
	return dataflow.String(s[runeOffset(s, total-n):])
}

// evalReplace is REPLACE(s, from, to): every occurrence, matched case-sensitively as MySQL
// does.
func evalReplace(c *call, row dataflow.Row) dataflow.Value {
	var buf [3]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return dataflow.Null
	}
	s, from := text(vals[0]), text(vals[1])
	if from == "" {
		return dataflow.String(s)
	}
	return dataflow.String(strings.ReplaceAll(s, from, text(vals[2])))
}

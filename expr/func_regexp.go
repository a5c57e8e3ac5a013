package expr

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// Regular expressions: REGEXP_LIKE (and `x REGEXP p`, `x RLIKE p`), REGEXP_REPLACE,
// REGEXP_SUBSTR and REGEXP_INSTR with MySQL 8's arguments (position, occurrence, return
// option, match type). MySQL 8 runs ICU's engine; Weir runs Go's RE2, which agrees on the
// syntax both know and refuses the rest at compile time rather than answering differently:
// backreferences (\1), lookahead and lookbehind ((?=, (?!, (?<=, (?<!), atomic groups (?>,
// possessive quantifiers (a*+) and ICU's other extensions give an error that names the
// construct. Matching is case-insensitive under the default collation, as MySQL's, and
// case-sensitive when either string is binary or the match type says 'c'. Positions count
// characters from 1. The pattern and the match type must be constants, so that a pattern Go
// cannot compile is refused when the query is planned instead of failing a read.

func init() {
	register(&funcSpec{name: "regexp_like", prepare: prepareRegexp(2), minArgs: 2, maxArgs: 3, check: checkRegexp(2),
		typ: func(args []Expr) dataflow.Type { return boolType(anyNullable(args)) }, eval: evalRegexpLike})
	register(&funcSpec{name: "regexp_replace", prepare: prepareRegexp(5), minArgs: 3, maxArgs: 6, check: checkRegexp(5),
		typ: func(args []Expr) dataflow.Type {
			return stringResult(max(displayLen(args[0].Type()), 1)*max(displayLen(args[2].Type()), 1), true)
		}, eval: evalRegexpReplace})
	register(&funcSpec{name: "regexp_substr", prepare: prepareRegexp(4), minArgs: 2, maxArgs: 5, check: checkRegexp(4),
		typ:  func(args []Expr) dataflow.Type { return stringResult(displayLen(args[0].Type()), true) },
		eval: evalRegexpSubstr})
	register(&funcSpec{name: "regexp_instr", prepare: prepareRegexp(5), minArgs: 2, maxArgs: 6, check: checkRegexp(5),
		typ: func(args []Expr) dataflow.Type { return intResult(true) }, eval: evalRegexpInstr})
}

// compiledRegexp holds a constant pattern compiled both ways; which one a row uses depends on
// whether a string is binary.
type compiledRegexp struct {
	fold, exact *regexp.Regexp
	null        bool // the pattern or the match type is NULL
}

// regexpFlags reads MySQL's match_type: c case-sensitive, i case-insensitive, m multi-line, n
// '.' matches line terminators, u Unix line endings (Go's only kind); a later letter
// overrides an earlier one.
func regexpFlags(mt string) (caseSensitive *bool, prefix string, err error) {
	multi, dotAll := false, false
	for _, r := range mt {
		switch r {
		case 'c':
			t := true
			caseSensitive = &t
		case 'i':
			f := false
			caseSensitive = &f
		case 'm':
			multi = true
		case 'n':
			dotAll = true
		case 'u':
		default:
			return nil, "", fmt.Errorf("match type %q: %q is not a match type (c, i, m, n or u)", mt, r)
		}
	}
	if multi {
		prefix += "m"
	}
	if dotAll {
		prefix += "s"
	}
	return caseSensitive, prefix, nil
}

// unsupportedRegexp names the ICU construct behind a pattern Go's parser rejects.
func unsupportedRegexp(pat string, err error) error {
	var se *syntax.Error
	switch {
	case strings.Contains(pat, "(?="), strings.Contains(pat, "(?!"):
		return fmt.Errorf("regular expression %q: lookahead ((?= or (?!) is not supported", pat)
	case strings.Contains(pat, "(?<=") || strings.Contains(pat, "(?<!"):
		return fmt.Errorf("regular expression %q: lookbehind ((?<= or (?<!) is not supported", pat)
	case strings.Contains(pat, "(?>"):
		return fmt.Errorf("regular expression %q: atomic groups ((?>…)) are not supported", pat)
	case strings.Contains(pat, "*+") || strings.Contains(pat, "++") || strings.Contains(pat, "?+") || strings.Contains(pat, "}+"):
		return fmt.Errorf("regular expression %q: possessive quantifiers are not supported", pat)
	}
	if errorsAs(err, &se) && se.Code == syntax.ErrInvalidEscape && backreference(se.Expr) {
		return fmt.Errorf("regular expression %q: backreferences (%s) are not supported", pat, se.Expr)
	}
	return fmt.Errorf("regular expression %q is not supported: %w", pat, err)
}

func backreference(esc string) bool {
	return len(esc) == 2 && esc[0] == '\\' && esc[1] >= '1' && esc[1] <= '9' || strings.HasPrefix(esc, `\k`)
}

func errorsAs(err error, target **syntax.Error) bool {
	se, ok := err.(*syntax.Error)
	if ok {
		*target = se
	}
	return ok
}

// compileRegexp compiles a constant pattern and match type.
func compileRegexp(pat Expr, matchType Expr) (*compiledRegexp, error) {
	pv, ok := ConstValue(pat)
	if !ok {
		return nil, fmt.Errorf("the regular expression must be a constant")
	}
	c := &compiledRegexp{}
	if pv.IsNull() {
		c.null = true
		return c, nil
	}
	var caseSensitive *bool
	prefix := ""
	if matchType != nil {
		mv, ok := ConstValue(matchType)
		if !ok {
			return nil, fmt.Errorf("the match type must be a constant")
		}
		if mv.IsNull() {
			c.null = true
			return c, nil
		}
		var err error
		if caseSensitive, prefix, err = regexpFlags(text(mv)); err != nil {
			return nil, err
		}
	}
	p := text(pv)
	if p == "" {
		// MySQL 8 raises error 3685 (illegal argument) for an empty pattern.
		return nil, fmt.Errorf("an empty regular expression is not allowed")
	}
	exact, err := regexp.Compile(flagPrefix(prefix) + p)
	if err != nil {
		return nil, unsupportedRegexp(p, err)
	}
	fold := regexp.MustCompile(flagPrefix(prefix+"i") + p)
	switch {
	case caseSensitive == nil:
		c.fold, c.exact = fold, exact
	case *caseSensitive:
		c.fold, c.exact = exact, exact
	default:
		c.fold, c.exact = fold, fold
	}
	return c, nil
}

func flagPrefix(flags string) string {
	if flags == "" {
		return ""
	}
	return "(?" + flags + ")"
}

func checkRegexp(matchTypeArg int) func(args []Expr) error {
	return func(args []Expr) error {
		_, err := compileRegexp(args[1], optionalArg(args, matchTypeArg))
		return err
	}
}

func prepareRegexp(matchTypeArg int) func(args []Expr) any {
	return func(args []Expr) any {
		re, err := compileRegexp(args[1], optionalArg(args, matchTypeArg))
		if err != nil {
			return (*compiledRegexp)(nil)
		}
		return re
	}
}

func optionalArg(args []Expr, i int) Expr {
	if len(args) > i {
		return args[i]
	}
	return nil
}

// regexpOf returns the call's compiled pattern for subject v (nil: the result is NULL).
func (c *call) regexpOf(v dataflow.Value) *regexp.Regexp {
	re, _ := c.prepared.(*compiledRegexp)
	if re == nil || re.null {
		return nil
	}
	if v.IsBinary() {
		return re.exact
	}
	if pv, _ := ConstValue(c.args[1]); pv.IsBinary() {
		return re.exact
	}
	return re.fold
}

func evalRegexpLike(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return dataflow.Null
	}
	re := c.regexpOf(v)
	if re == nil {
		return dataflow.Null
	}
	return dataflow.Bool(re.MatchString(text(v)))
}

// optionalInt reads the optional integer argument i (def when absent); null reports NULL.
func (c *call) optionalInt(row dataflow.Row, i int, def int64) (n int64, null bool) {
	if len(c.args) <= i {
		return def, false
	}
	v := c.args[i].Eval(row)
	if v.IsNull() {
		return 0, true
	}
	n, _ = roundedInt(v)
	return n, false
}

// regexpSubject reads the subject and the position argument at posArg: the text from that
// character on and its byte offset; ok is false for NULL or a position past the end (MySQL
// raises an index error there; Weir gives NULL).
func (c *call) regexpSubject(row dataflow.Row, posArg int) (s string, offset int, v dataflow.Value, ok bool) {
	v = c.args[0].Eval(row)
	if v.IsNull() {
		return "", 0, v, false
	}
	pos, null := c.optionalInt(row, posArg, 1)
	if null {
		return "", 0, v, false
	}
	s = text(v)
	if pos < 1 || pos > int64(utf8.RuneCountInString(s))+1 {
		return "", 0, v, false
	}
	return s, runeOffset(s, pos-1), v, true
}

// nthMatch returns the byte range of the occurrence-th match at or after offset.
func nthMatch(re *regexp.Regexp, s string, offset int, occurrence int64) []int {
	if occurrence < 1 {
		occurrence = 1
	}
	for _, m := range re.FindAllStringSubmatchIndex(s[offset:], -1) {
		occurrence--
		if occurrence == 0 {
			for i := range m {
				if m[i] >= 0 {
					m[i] += offset
				}
			}
			return m
		}
	}
	return nil
}

func evalRegexpSubstr(c *call, row dataflow.Row) dataflow.Value {
	s, off, v, ok := c.regexpSubject(row, 2)
	if !ok {
		return dataflow.Null
	}
	re := c.regexpOf(v)
	occ, null := c.optionalInt(row, 3, 1)
	if re == nil || null {
		return dataflow.Null
	}
	m := nthMatch(re, s, off, occ)
	if m == nil {
		return dataflow.Null
	}
	return dataflow.String(s[m[0]:m[1]])
}

func evalRegexpInstr(c *call, row dataflow.Row) dataflow.Value {
	s, off, v, ok := c.regexpSubject(row, 2)
	if !ok {
		return dataflow.Null
	}
	re := c.regexpOf(v)
	occ, null1 := c.optionalInt(row, 3, 1)
	opt, null2 := c.optionalInt(row, 4, 0)
	if re == nil || null1 || null2 || (opt != 0 && opt != 1) {
		return dataflow.Null
	}
	m := nthMatch(re, s, off, occ)
	if m == nil {
		return dataflow.Int(0)
	}
	at := m[0]
	if opt == 1 {
		at = m[1]
	}
	return dataflow.Int(int64(utf8.RuneCountInString(s[:at])) + 1)
}

// evalRegexpReplace is REGEXP_REPLACE(s, pattern, replacement[, pos[, occurrence[,
// match_type]]]): occurrence 0 (the default) replaces every match from pos on. In the
// replacement, $n stands for group n and a backslash makes the next character literal, as in
// ICU.
func evalRegexpReplace(c *call, row dataflow.Row) dataflow.Value {
	s, off, v, ok := c.regexpSubject(row, 3)
	if !ok {
		return dataflow.Null
	}
	re := c.regexpOf(v)
	rv := c.args[2].Eval(row)
	occ, null := c.optionalInt(row, 4, 0)
	if re == nil || rv.IsNull() || null {
		return dataflow.Null
	}
	repl := text(rv)
	var b strings.Builder
	b.WriteString(s[:off])
	last := off
	n := int64(0)
	for _, m := range re.FindAllStringSubmatchIndex(s[off:], -1) {
		n++
		if occ > 0 && n != occ {
			continue
		}
		start, end := m[0]+off, m[1]+off
		b.WriteString(s[last:start])
		expandReplacement(&b, repl, s[off:], m)
		last = end
		if occ > 0 {
			break
		}
	}
	b.WriteString(s[last:])
	return dataflow.String(b.String())
}

func expandReplacement(b *strings.Builder, repl, s string, m []int) {
	for i := 0; i < len(repl); i++ {
		switch {
		case repl[i] == '\\' && i+1 < len(repl):
			i++
			b.WriteByte(repl[i])
		case repl[i] == '$' && i+1 < len(repl) && isDigit(repl[i+1]):
			i++
			g := int(repl[i] - '0')
			if 2*g+1 < len(m) && m[2*g] >= 0 {
				b.WriteString(s[m[2*g]:m[2*g+1]])
			}
		default:
			b.WriteByte(repl[i])
		}
	}
}

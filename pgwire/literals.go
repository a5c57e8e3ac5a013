package pgwire

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file lifts the literals of a simple-protocol SELECT out of its text, so that a
// statement whose shape was seen before is a lookup of the shape's plan and not a parse
// and a plan of its own (see shapes.go). It lexes as PostgreSQL 15 does (standard strings,
// E'' strings, dollar quoting, U&'' and bit strings, nested comments, operators, negative
// numbers) and lifts a literal only where a parameter in its place means what the literal
// meant: a whole operand of a comparison (=, <>, !=, <, >, <=, >=), a bound of BETWEEN, or
// an item of an IN list, in a WHERE, ON or HAVING clause. Everywhere else a literal stays
// in the shape: select-list constants (they name and type columns), LIMIT and OFFSET
// counts, ORDER BY and GROUP BY positions, function arguments, typed literals (interval
// '1 day', date '…'), casts ('5'::int), bit strings and U&'' strings, booleans and NULL.
// An IN list's length is part of the shape, since each item becomes a parameter of its
// own.

// literalKind is the type PostgreSQL gives a literal before it meets its context.
type literalKind uint8

const (
	// litUnknown is a string constant ('…', E'…', $$…$$): type unknown, resolved by
	// what it is compared with.
	litUnknown literalKind = iota
	// litInt is an integer constant: int4, or int8 past int4's range.
	litInt
	// litNumeric is a constant with a point or an exponent, or an integer past int8's
	// range: numeric.
	litNumeric
)

// literal is a constant lifted out of a statement: its kind and its value as text (a
// string's content after its quoting and escapes; a number as written, with its sign).
type literal struct {
	kind literalKind
	text string
}

// lexeme is a token of a statement as the lifter reads it: an operator is a whole run of
// operator characters, as PostgreSQL's lexer reads it.
type lexeme struct {
	kind       lexKind
	text       string // a word lower-cased; a string's content; else the text as written
	start, end int
}

type lexKind uint8

const (
	lexWord lexKind = iota
	lexQuotedIdent
	lexString    // a standard, E'' or dollar-quoted string: liftable
	lexOther     // a literal that is never lifted (U&'', B'', X'', an E'' with escapes)
	lexNumber    // an unsigned numeric constant
	lexOp        // a run of operator characters
	lexPunct     // ( ) , ; [ ] . :: and lone characters
	lexParam     // $n
	lexBadNumber // a number with trailing junk: never lifted
)

// opChars are the characters of PostgreSQL's operators.
const opChars = "+-*/<>=~!@#%^&|`?"

// lexStatement reads a statement's lexemes; ok is false when it could not be read (an
// unterminated string or comment), which the statement's planning will report.
func lexStatement(s string) ([]lexeme, bool) {
	out := make([]lexeme, 0, len(s)/5+4)
	i := 0
	for {
		i = skipSpace(s, i)
		if i >= len(s) {
			return out, true
		}
		c := s[i]
		switch {
		case c == '\'':
			end := skipQuoted(s, i, '\'', false)
			if !closed(s, i, end, '\'') {
				return nil, false
			}
			out = append(out, lexeme{lexString, unquote(s[i:end], '\'', false), i, end})
			i = end
		case (c == 'E' || c == 'e') && i+1 < len(s) && s[i+1] == '\'' && (i == 0 || !identChar(s[i-1])):
			end := skipQuoted(s, i+1, '\'', true)
			if !closed(s, i+1, end, '\'') {
				return nil, false
			}
			body := s[i+1 : end]
			kind := lexString
			if !simpleEscapes(body) {
				kind = lexOther
			}
			out = append(out, lexeme{kind, unquote(body, '\'', true), i, end})
			i = end
		case (c == 'U' || c == 'u') && strings.HasPrefix(s[i+1:], "&'") && (i == 0 || !identChar(s[i-1])):
			end := skipQuoted(s, i+2, '\'', false)
			if !closed(s, i+2, end, '\'') {
				return nil, false
			}
			out = append(out, lexeme{lexOther, s[i:end], i, end})
			i = end
		case (c == 'U' || c == 'u') && strings.HasPrefix(s[i+1:], "&\"") && (i == 0 || !identChar(s[i-1])):
			end := skipQuoted(s, i+2, '"', false)
			out = append(out, lexeme{lexQuotedIdent, s[i:end], i, end})
			i = end
		case strings.ContainsRune("bBxXnN", rune(c)) && i+1 < len(s) && s[i+1] == '\'' && (i == 0 || !identChar(s[i-1])):
			end := skipQuoted(s, i+1, '\'', false)
			if !closed(s, i+1, end, '\'') {
				return nil, false
			}
			out = append(out, lexeme{lexOther, s[i:end], i, end})
			i = end
		case c == '"':
			end := skipQuoted(s, i, '"', false)
			out = append(out, lexeme{lexQuotedIdent, unquote(s[i:end], '"', false), i, end})
			i = end
		case c == '$':
			if end, ok := skipDollar(s, i); ok {
				body := s[i:end]
				if j := strings.IndexByte(body[1:], '$'); j < 0 || end-i < 2*(j+2) || !strings.HasSuffix(body, body[:j+2]) {
					return nil, false // unterminated
				}
				out = append(out, lexeme{lexString, dollarBody(body), i, end})
				i = end
				continue
			}
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j > i+1 {
				out = append(out, lexeme{lexParam, s[i:j], i, j})
				i = j
				continue
			}
			out = append(out, lexeme{lexPunct, "$", i, i + 1})
			i++
		case identStart(c):
			end := i + 1
			for end < len(s) && identChar(s[end]) {
				end++
			}
			out = append(out, lexeme{lexWord, strings.ToLower(s[i:end]), i, end})
			i = end
		case c >= '0' && c <= '9' || (c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			end, ok := numberEnd(s, i)
			kind := lexNumber
			if !ok {
				kind = lexBadNumber
			}
			out = append(out, lexeme{kind, s[i:end], i, end})
			i = end
		case c == ':' && i+1 < len(s) && s[i+1] == ':':
			out = append(out, lexeme{lexPunct, "::", i, i + 2})
			i += 2
		case strings.IndexByte(opChars, c) >= 0:
			end := opEnd(s, i)
			out = append(out, lexeme{lexOp, s[i:end], i, end})
			i = end
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			out = append(out, lexeme{lexPunct, s[i : i+size], i, i + size})
			i += size
		}
	}
}

// closed reports a quoted token from open to end that ends with its closing quote.
func closed(s string, open, end int, q byte) bool {
	return end > open+1 && end <= len(s) && s[end-1] == q
}

// simpleEscapes reports an E” string body whose backslash escapes unquote reads as
// PostgreSQL does: none of the octal, hexadecimal or Unicode ones.
func simpleEscapes(body string) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		if i+1 >= len(body) {
			return false
		}
		switch n := body[i+1]; {
		case n >= '0' && n <= '7', n == 'x', n == 'u', n == 'U':
			return false
		}
		i++
	}
	return true
}

// numberEnd returns the end of the numeric constant at i; ok is false when letters or a
// second point follow it, which PostgreSQL reads differently (123abc is 123 AS abc).
func numberEnd(s string, i int) (int, bool) {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j < len(s) && s[j] == '.' && !(j+1 < len(s) && s[j+1] == '.') {
		j++
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && s[k] >= '0' && s[k] <= '9' {
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			j = k
		}
	}
	if j < len(s) && (identChar(s[j]) || s[j] == '.') {
		for j < len(s) && (identChar(s[j]) || s[j] == '.') {
			j++
		}
		return j, false
	}
	return j, true
}

// opEnd returns the end of the operator at i, as PostgreSQL's lexer cuts it: a run of
// operator characters that stops before a comment, and that loses trailing + and - unless
// it holds one of ~ ! @ # % ^ & | ` ? (so =-5 is = and -5).
func opEnd(s string, i int) int {
	j := i
	for j < len(s) && strings.IndexByte(opChars, s[j]) >= 0 {
		if j > i && (strings.HasPrefix(s[j:], "--") || strings.HasPrefix(s[j:], "/*")) {
			break
		}
		j++
	}
	if j-i > 1 && !strings.ContainsAny(s[i:j], "~!@#%^&|`?") {
		for j-i > 1 && (s[j-1] == '+' || s[j-1] == '-') {
			j--
		}
	}
	return j
}

func isComparison(op string) bool {
	switch op {
	case "=", "<>", "!=", "<", ">", "<=", ">=":
		return true
	}
	return false
}

// operandEnd reports a lexeme after which a literal is a whole operand: nothing binds it
// tighter than the comparison before it.
func operandEnd(next *lexeme) bool {
	if next == nil {
		return true
	}
	switch next.kind {
	case lexPunct:
		return next.text == ")" || next.text == "," || next.text == ";"
	case lexWord:
		switch next.text {
		case "and", "or", "order", "group", "having", "limit", "offset", "union", "intersect",
			"except", "window", "fetch", "then", "else", "end", "when", "join", "inner", "left",
			"right", "full", "cross", "natural", "where":
			return true
		}
	}
	return false
}

// operandStart reports a lexeme before which a literal starts an operand of the comparison
// that follows it.
func operandStart(prev *lexeme) bool {
	if prev == nil {
		return false
	}
	switch prev.kind {
	case lexPunct:
		return prev.text == "("
	case lexWord:
		switch prev.text {
		case "where", "and", "or", "not", "when", "on", "having":
			return true
		}
	}
	return false
}

// level is what the lifter knows of one level of parentheses.
type level struct {
	clause     string // the clause the level is in: where, on, having lift literals
	inList     bool   // the parentheses of IN (…)
	between    bool   // a BETWEEN waits for its AND
	betweenAnd int    // the lexeme of the AND that ended the last BETWEEN's lower bound
}

// liftLiterals returns the shape of a statement, its text with the literals it may lift
// replaced by $1, $2, …, and the literals in that order; ok is false when nothing was
// lifted or the statement cannot be read or has parameters of its own.
func liftLiterals(sql string) (shape string, lits []literal, ok bool) {
	lx, ok := lexStatement(sql)
	if !ok {
		return "", nil, false
	}
	type span struct{ start, end int }
	var spans []span
	levels := []level{{betweenAnd: -1}}
	at := func(i int) *lexeme {
		if i < 0 || i >= len(lx) {
			return nil
		}
		return &lx[i]
	}
	for i := 0; i < len(lx); i++ {
		t := &lx[i]
		top := &levels[len(levels)-1]
		switch t.kind {
		case lexParam:
			return "", nil, false
		case lexPunct:
			switch t.text {
			case "(":
				lv := level{clause: top.clause, betweenAnd: -1}
				if p := at(i - 1); p != nil && p.kind == lexWord && p.text == "in" {
					lv.inList = true
				}
				levels = append(levels, lv)
			case ")":
				if len(levels) > 1 {
					levels = levels[:len(levels)-1]
				}
			}
			continue
		case lexWord:
			switch t.text {
			case "select", "from", "where", "having", "limit", "offset", "fetch", "window", "values", "returning", "using":
				top.clause, top.inList = t.text, false
			case "on":
				if p := at(i - 1); p == nil || p.kind != lexWord || p.text != "distinct" {
					top.clause = "on"
				}
			case "join":
				top.clause = "from"
			case "group", "order", "union", "intersect", "except":
				top.clause = t.text
			case "between":
				top.between = true
			case "and":
				if top.between {
					top.between, top.betweenAnd = false, i
				}
			}
			continue
		case lexString, lexNumber:
		default:
			continue
		}
		if top.clause != "where" && top.clause != "on" && top.clause != "having" {
			continue
		}
		start := i
		if t.kind == lexNumber {
			// A minus the grammar reads as unary belongs to the constant (PostgreSQL folds
			// it into the constant, -2147483648 included).
			if m := at(i - 1); m != nil && m.kind == lexOp && m.text == "-" {
				if p := at(i - 2); p != nil && ((p.kind == lexOp && isComparison(p.text)) ||
					(p.kind == lexPunct && (p.text == "(" || p.text == ",")) ||
					(p.kind == lexWord && (p.text == "between" || p.text == "and" || p.text == "symmetric" || p.text == "where" || p.text == "or" || p.text == "not" || p.text == "when" || p.text == "on" || p.text == "having"))) {
					start = i - 1
				}
			}
		}
		prev, next := at(start-1), at(i+1)
		lift := false
		switch {
		case prev != nil && prev.kind == lexOp && isComparison(prev.text):
			lift = operandEnd(next)
		case top.inList && prev != nil && prev.kind == lexPunct && (prev.text == "(" || prev.text == ","):
			lift = next != nil && next.kind == lexPunct && (next.text == "," || next.text == ")")
		case prev != nil && prev.kind == lexWord && (prev.text == "between" || prev.text == "symmetric"):
			lift = next != nil && next.is("and")
		case prev != nil && start-1 == top.betweenAnd:
			lift = operandEnd(next)
		case operandStart(prev):
			lift = next != nil && next.kind == lexOp && isComparison(next.text) && !followedByTighter(lx, i+2)
		}
		if !lift {
			continue
		}
		lit := literal{kind: litUnknown, text: t.text}
		if t.kind == lexNumber {
			lit.kind = numberKind(t.text)
			if start < i {
				lit.text = "-" + t.text
			}
		}
		lits = append(lits, lit)
		spans = append(spans, span{lx[start].start, t.end})
	}
	if len(lits) == 0 {
		return "", nil, false
	}
	var b strings.Builder
	b.Grow(len(sql) + 2*len(spans))
	last := 0
	for n, sp := range spans {
		b.WriteString(sql[last:sp.start])
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n + 1))
		if sp.end < len(sql) && identChar(sql[sp.end]) {
			b.WriteByte(' ')
		}
		last = sp.end
	}
	b.WriteString(sql[last:])
	return b.String(), lits, true
}

// followedByTighter reports an operand at i (the right side of a comparison whose left
// side is a literal) that is not a single token: 5 = a + 1 is still 5 = (a + 1), but
// 5 = a IS NULL is not, so only a plain right side leaves the literal whole.
func followedByTighter(lx []lexeme, i int) bool {
	if i >= len(lx) {
		return true
	}
	if lx[i].kind != lexWord && lx[i].kind != lexQuotedIdent {
		return true
	}
	// a qualified column: a.b
	for i+2 < len(lx) && lx[i+1].kind == lexPunct && lx[i+1].text == "." &&
		(lx[i+2].kind == lexWord || lx[i+2].kind == lexQuotedIdent) {
		i += 2
	}
	if i+1 >= len(lx) {
		return false
	}
	return !operandEnd(&lx[i+1])
}

func (t *lexeme) is(w string) bool { return t != nil && t.kind == lexWord && t.text == w }

// numberKind is the type PostgreSQL gives an unsigned numeric constant: an integer that
// fits int8 is an integer (int4 or int8), anything else numeric.
func numberKind(text string) literalKind {
	if strings.ContainsAny(text, ".eE") {
		return litNumeric
	}
	if _, err := strconv.ParseInt(text, 10, 64); err != nil {
		return litNumeric
	}
	return litInt
}

// kindsKey is the literals' kinds as a key: a shape's plan is kept for the kinds of the
// literals it was first seen with (the parameter types they must agree with depend on
// them).
func kindsKey(lits []literal) string {
	b := make([]byte, len(lits))
	for i, l := range lits {
		b[i] = '0' + byte(l.kind)
	}
	return string(b)
}

// restoreLiterals writes a shape's literals back into it: the statement the shape was
// lifted from, up to spelling (strings quoted in standard form, numbers as written).
func restoreLiterals(shape string, lits []literal) string {
	lx, ok := lexStatement(shape)
	if !ok {
		return shape
	}
	var b strings.Builder
	last := 0
	for _, t := range lx {
		if t.kind != lexParam {
			continue
		}
		n, err := strconv.Atoi(t.text[1:])
		if err != nil || n < 1 || n > len(lits) {
			continue
		}
		b.WriteString(shape[last:t.start])
		l := lits[n-1]
		if l.kind == litUnknown {
			b.WriteByte('\'')
			b.WriteString(strings.ReplaceAll(l.text, "'", "''"))
			b.WriteByte('\'')
		} else {
			b.WriteString(l.text)
		}
		last = t.end
	}
	b.WriteString(shape[last:])
	return b.String()
}

package pgwire

import (
	"strings"
)

// This file reads statement text as far as the protocol and the session need: where a
// simple Query message's statements end, and the words of the statements the session
// answers itself (SET, SHOW, BEGIN, …). It follows PostgreSQL's lexical rules for what can
// hide a semicolon or a keyword (quoted strings with their escapes, quoted identifiers,
// dollar quoting, nested comments), and never rewrites a statement.

// splitStatements splits the text of a simple Query message into its statements, each
// without the semicolon that ends it. Statements that are only space and comments are
// dropped; none at all means an empty query.
func splitStatements(sql string) []string {
	var out []string
	start := 0
	i := 0
	for i < len(sql) {
		switch c := sql[i]; {
		case c == ';':
			if s := sql[start:i]; !blank(s) {
				out = append(out, s)
			}
			i++
			start = i
		default:
			i = skipToken(sql, i)
		}
	}
	if s := sql[start:]; !blank(s) {
		out = append(out, s)
	}
	return out
}

// blank reports text that is only space and comments.
func blank(s string) bool {
	return skipSpace(s, 0) >= len(s)
}

// skipSpace returns the position of the first character at or after i that is neither
// space nor inside a comment.
func skipSpace(s string, i int) int {
	for i < len(s) {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			i = skipBlockComment(s, i)
		default:
			return i
		}
	}
	return i
}

// skipBlockComment skips a /* comment */, which nests in PostgreSQL.
func skipBlockComment(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return i
}

// skipToken returns the end of the token (or space, or comment) at i.
func skipToken(s string, i int) int {
	c := s[i]
	switch {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
		(c == '-' && i+1 < len(s) && s[i+1] == '-') || (c == '/' && i+1 < len(s) && s[i+1] == '*'):
		if j := skipSpace(s, i); j > i {
			return j
		}
		return i + 1
	case c == '\'':
		return skipQuoted(s, i, '\'', false)
	case (c == 'E' || c == 'e') && i+1 < len(s) && s[i+1] == '\'' && (i == 0 || !identChar(s[i-1])):
		return skipQuoted(s, i+1, '\'', true)
	case c == '"':
		return skipQuoted(s, i, '"', false)
	case c == '$':
		if end, ok := skipDollar(s, i); ok {
			return end
		}
		return i + 1
	case identStart(c):
		j := i + 1
		for j < len(s) && identChar(s[j]) {
			j++
		}
		return j
	}
	return i + 1
}

// skipQuoted skips a string or quoted identifier opened at i by q; a doubled q is the
// character itself, and with backslashes (E'…') a backslash escapes the next character.
func skipQuoted(s string, i int, q byte, backslashes bool) int {
	i++
	for i < len(s) {
		switch s[i] {
		case '\\':
			if backslashes {
				i += 2
				continue
			}
		case q:
			if i+1 < len(s) && s[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		}
		i++
	}
	return i
}

// skipDollar skips a dollar-quoted string ($$…$$ or $tag$…$tag$) at i; ok is false when
// the $ opens no such string (a parameter, $1).
func skipDollar(s string, i int) (int, bool) {
	j := i + 1
	for j < len(s) && s[j] != '$' {
		if !identChar(s[j]) || (j == i+1 && s[j] >= '0' && s[j] <= '9') {
			return 0, false
		}
		j++
	}
	if j >= len(s) {
		return 0, false
	}
	tag := s[i : j+1]
	end := strings.Index(s[j+1:], tag)
	if end < 0 {
		return len(s), true
	}
	return j + 1 + end + len(tag), true
}

func identStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func identChar(c byte) bool {
	return identStart(c) || (c >= '0' && c <= '9') || c == '$'
}

// token is a word of a statement: an identifier or keyword (folded to lower case unless
// quoted), a string literal (its value), a number, or a punctuation character.
type token struct {
	kind tokenKind
	text string
	pos  int // byte offset in the statement
}

type tokenKind uint8

const (
	tokWord tokenKind = iota
	tokQuotedIdent
	tokString
	tokNumber
	tokPunct
)

// is reports a word (not a quoted identifier) equal to w, which is lower case.
func (t token) is(w string) bool { return t.kind == tokWord && t.text == w }

// tokens returns the first max tokens of s (all when max <= 0).
func tokens(s string, max int) []token {
	var out []token
	i := 0
	for {
		i = skipSpace(s, i)
		if i >= len(s) || (max > 0 && len(out) >= max) {
			return out
		}
		c := s[i]
		end := skipToken(s, i)
		switch {
		case c == '\'':
			out = append(out, token{tokString, unquote(s[i:end], '\'', false), i})
		case (c == 'E' || c == 'e') && end > i+1 && s[i+1] == '\'':
			out = append(out, token{tokString, unquote(s[i+1:end], '\'', true), i})
		case c == '"':
			out = append(out, token{tokQuotedIdent, unquote(s[i:end], '"', false), i})
		case identStart(c):
			out = append(out, token{tokWord, strings.ToLower(s[i:end]), i})
		case c >= '0' && c <= '9' || (c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				((s[j] == '+' || s[j] == '-') && j > i && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			end = j
			out = append(out, token{tokNumber, s[i:end], i})
		case c == '$' && end > i+1:
			out = append(out, token{tokString, dollarBody(s[i:end]), i})
		default:
			out = append(out, token{tokPunct, s[i:end], i})
		}
		i = end
	}
}

// unquote returns the content of a quoted string or identifier.
func unquote(s string, q byte, backslashes bool) string {
	if len(s) < 2 {
		return ""
	}
	body := s[1:]
	if body[len(body)-1] == q {
		body = body[:len(body)-1]
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == q && i+1 < len(body) && body[i+1] == q:
			i++
		case c == '\\' && backslashes && i+1 < len(body):
			i++
			switch body[i] {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case 'r':
				c = '\r'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			default:
				c = body[i]
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// dollarBody returns the content of a dollar-quoted string.
func dollarBody(s string) string {
	j := strings.IndexByte(s[1:], '$')
	if j < 0 {
		return ""
	}
	tag := s[:j+2]
	body := s[len(tag):]
	return strings.TrimSuffix(body, tag)
}

package server

import (
	"strings"
)

// trimStatement drops surrounding space and a trailing semicolon, and unwraps a statement
// written entirely as an executable comment (`/*!40101 SET NAMES utf8 */`, as mysqldump
// writes), which MySQL runs as if the comment marks were not there.
func trimStatement(sql string) string {
	sql = strings.TrimSpace(sql)
	for strings.HasSuffix(sql, ";") {
		sql = strings.TrimSpace(strings.TrimSuffix(sql, ";"))
	}
	if strings.HasPrefix(sql, "/*!") && strings.HasSuffix(sql, "*/") && strings.Count(sql, "*/") == 1 {
		inner := sql[3 : len(sql)-2]
		inner = strings.TrimLeft(inner, "0123456789")
		return strings.TrimSpace(inner)
	}
	return sql
}

// skipSpace returns the position of the first character at or after i that is neither
// space nor inside a comment.
func skipSpace(sql string, i int) int {
	for i < len(sql) {
		switch c := sql[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '#' || (c == '-' && strings.HasPrefix(sql[i:], "-- ")):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*") && !strings.HasPrefix(sql[i:], "/*!"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return len(sql)
			}
			i += end + 4
		default:
			return i
		}
	}
	return i
}

// leadingWords returns up to n leading keywords of sql, upper-cased, skipping comments; an
// opening parenthesis counts as a word of its own (a parenthesized SELECT).
func leadingWords(sql string, n int) []string {
	var out []string
	i := 0
	for len(out) < n {
		i = skipSpace(sql, i)
		if i >= len(sql) {
			break
		}
		if sql[i] == '(' {
			out = append(out, "(")
			i++
			continue
		}
		j := i
		for j < len(sql) && isWordByte(sql[j]) {
			j++
		}
		if j == i {
			break
		}
		out = append(out, strings.ToUpper(sql[i:j]))
		i = j
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// word is words[i], or "" past the end.
func word(words []string, i int) string {
	if i < len(words) {
		return words[i]
	}
	return ""
}

// afterWords returns what follows the first n words of sql (see leadingWords), trimmed.
func afterWords(sql string, n int) string {
	i := 0
	for range n {
		i = skipSpace(sql, i)
		if i < len(sql) && sql[i] == '(' {
			i++
			continue
		}
		for i < len(sql) && isWordByte(sql[i]) {
			i++
		}
	}
	return strings.TrimSpace(sql[min(i, len(sql)):])
}

// countPlaceholders counts the `?` markers of sql outside string literals, quoted names and
// comments.
func countPlaceholders(sql string) int {
	n := 0
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; c {
		case '\'', '"', '`':
			for i++; i < len(sql); i++ {
				if sql[i] == '\\' && c != '`' {
					i++
					continue
				}
				if sql[i] == c {
					if i+1 < len(sql) && sql[i+1] == c { // a doubled quote
						i++
						continue
					}
					break
				}
			}
		case '#', '-', '/':
			if j := skipSpace(sql, i); j > i {
				i = j - 1
			}
		case '?':
			n++
		}
	}
	return n
}

// unquoteName strips the backquotes of a quoted identifier.
func unquoteName(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return strings.ReplaceAll(s[1:len(s)-1], "``", "`")
	}
	return s
}

// hasFrom reports whether sql may have a FROM clause: the word FROM in any letter case
// (a cheap over-approximation: FROM inside a string or a longer word counts too).
func hasFrom(sql string) bool {
	for i := 0; i+4 <= len(sql); i++ {
		if (sql[i]|0x20) == 'f' && (sql[i+1]|0x20) == 'r' && (sql[i+2]|0x20) == 'o' && (sql[i+3]|0x20) == 'm' {
			return true
		}
	}
	return false
}

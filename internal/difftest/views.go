package difftest

import "strings"

// AsView turns a query that reads a derived table, `... FROM (<select>) AS a ...`, into a
// view of the derived table's text and the same query over the view, aliased the same:
// `CREATE VIEW name AS <select>` and `... FROM name AS a ...`. A query over a view must
// answer exactly as the query over its text, though the two are planned differently (a
// literal condition in a view's text stays a filter, where in a derived table it keys the
// reader). ok is false when the query reads no derived table.
func AsView(sql, name string) (create, query string, ok bool) {
	start := strings.Index(sql, " FROM (")
	if start < 0 {
		return "", "", false
	}
	open := start + len(" FROM ")
	end := closingParen(sql, open)
	if end < 0 || !strings.HasPrefix(sql[end+1:], " AS ") {
		return "", "", false
	}
	body := sql[open+1 : end]
	rest := sql[end+1:]
	// A column list after the alias, `AS a(k0, k1)`, becomes the view's: `CREATE VIEW name
	// (k0, k1) AS <select>` and `FROM name AS a`.
	aliasEnd := len(" AS ")
	for aliasEnd < len(rest) && isAliasByte(rest[aliasEnd]) {
		aliasEnd++
	}
	if aliasEnd < len(rest) && rest[aliasEnd] == '(' {
		colsEnd := closingParen(rest, aliasEnd)
		if colsEnd < 0 {
			return "", "", false
		}
		return "CREATE VIEW " + name + " " + rest[aliasEnd:colsEnd+1] + " AS " + body,
			sql[:open] + name + rest[:aliasEnd] + rest[colsEnd+1:], true
	}
	return "CREATE VIEW " + name + " AS " + body, sql[:open] + name + rest, true
}

func isAliasByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// closingParen returns the position of the parenthesis that closes the one at open,
// skipping quoted text; -1 if there is none.
func closingParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"', '`':
			for i++; i < len(s) && s[i] != c; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

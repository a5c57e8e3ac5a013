package planner

import (
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/charset"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// The TiDB parser reads a derived table's column list (`(SELECT …) AS v(a, b)`, `(VALUES
// ROW(1, 'x')) AS v(a, b)`) only after LATERAL. rewriteDerivedColumns marks every derived
// table that has one with LATERAL, so that it parses, and clearLateral takes the mark off
// the tree again. A statement that names LATERAL itself is left alone: its derived column
// lists stay where the parser puts them, and LATERAL is refused as it was.
//
// The positions returned are where the marks went in the rewritten text, so that the
// parameters' offsets can be moved back to the client's text.
func rewriteDerivedColumns(sql string) (string, []int) {
	lower := strings.ToLower(sql)
	if !strings.Contains(lower, "(") || strings.Contains(lower, "lateral") {
		return sql, nil
	}
	type open struct {
		pos     int // of the '('
		derived bool
	}
	var (
		stack   []open
		inserts []int
		prev    sqlToken
	)
	s := sqlScanner{src: sql}
	for {
		tok := s.next()
		if tok.kind == tokEOF {
			break
		}
		before := prev
		prev = tok
		if tok.kind != tokPunct {
			continue
		}
		switch tok.text {
		case "(":
			first := (&sqlScanner{src: sql, pos: s.pos}).next()
			derived := opensDerived(before) && first.kind == tokWord &&
				(strings.EqualFold(first.text, "SELECT") || strings.EqualFold(first.text, "VALUES") ||
					strings.EqualFold(first.text, "WITH") || strings.EqualFold(first.text, "TABLE"))
			stack = append(stack, open{pos: tok.pos, derived: derived})
		case ")":
			if len(stack) == 0 {
				return sql, nil // unbalanced: the parser reports it
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if o.derived && followedByColumnList(&sqlScanner{src: sql, pos: s.pos}) {
				inserts = append(inserts, o.pos)
			}
		}
	}
	if len(inserts) == 0 {
		return sql, nil
	}
	var out strings.Builder
	last := 0
	// The derived tables close in an order that nests; their openings are written in text
	// order.
	slices.Sort(inserts)
	for i, at := range inserts {
		out.WriteString(sql[last:at])
		out.WriteString(lateralMark)
		last = at
		inserts[i] = at + i*len(lateralMark)
	}
	out.WriteString(sql[last:])
	return out.String(), inserts
}

const lateralMark = "LATERAL "

// opensDerived reports a token after which a parenthesized query is a table of a FROM
// clause.
func opensDerived(t sqlToken) bool {
	if t.kind == tokPunct {
		return t.text == ","
	}
	if t.kind != tokWord {
		return false
	}
	switch strings.ToUpper(t.text) {
	case "FROM", "JOIN":
		return true
	}
	return false
}

// followedByColumnList reports whether the scanner, just past a derived table's closing
// parenthesis, reads an alias with a column list: [AS] name (col, …).
func followedByColumnList(s *sqlScanner) bool {
	tok := s.next()
	if tok.kind == tokWord && strings.EqualFold(tok.text, "AS") {
		tok = s.next()
	}
	if tok.kind != tokWord || isClauseWord(tok.text) {
		return false
	}
	if tok = s.next(); tok.kind != tokPunct || tok.text != "(" {
		return false
	}
	for {
		if tok = s.next(); tok.kind != tokWord {
			return false
		}
		tok = s.next()
		switch {
		case tok.kind == tokPunct && tok.text == ")":
			return true
		case tok.kind == tokPunct && tok.text == ",":
		default:
			return false
		}
	}
}

// isClauseWord reports a keyword that may follow a derived table in place of its alias.
func isClauseWord(w string) bool {
	switch strings.ToUpper(w) {
	case "ON", "USING", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "JOIN", "INNER", "LEFT",
		"RIGHT", "CROSS", "NATURAL", "STRAIGHT_JOIN", "UNION", "WINDOW", "FOR", "LOCK", "INTO":
		return true
	}
	return false
}

// clearLateral takes off the LATERAL marks rewriteDerivedColumns added at marks, and moves
// the parameters back to their offsets in the client's text.
type clearLateral struct{ marks []int }

func (c clearLateral) Enter(n ast.Node) (ast.Node, bool) {
	if t := n.OriginalText(); strings.Contains(t, lateralMark) {
		// The text a view stores, or a select-list item's name: the client's, unmarked (it
		// held no LATERAL, so every one there is a mark).
		n.SetText(charset.FindEncoding(mysql.DefaultCharset), strings.ReplaceAll(t, lateralMark, ""))
	}
	switch x := n.(type) {
	case *ast.TableSource:
		x.Lateral = false
	case *test_driver.ParamMarkerExpr:
		shift := 0
		for _, at := range c.marks {
			if at < x.Offset {
				shift += len(lateralMark)
			}
		}
		x.Offset -= shift
	}
	return n, false
}

func (clearLateral) Leave(n ast.Node) (ast.Node, bool) { return n, true }

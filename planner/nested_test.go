package planner

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"pgregory.net/rapid"
)

// TestUnionEmptyRow checks the row a reader makes up for an empty group of a UNION branch
// that is a scalar aggregate: the branch named by the tag answers, cast to the union's types,
// tagged and padded; any other tag, or a branch that is no scalar aggregate, has no row.
func TestUnionEmptyRow(t *testing.T) {
	cat := testCatalog(t)
	i := dataflow.Int
	tests := []emptyRowCase{
		{"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ?",
			dataflow.Row{i(0), i(7)}, "[0, 0, 7]"},
		{"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ?",
			dataflow.Row{i(1), i(8)}, "[0, 1, 8]"},
		{"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ?",
			dataflow.Row{i(2), i(8)}, ""},
		{"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ?",
			dataflow.Row{dataflow.Null, i(8)}, ""},
		// A NULL argument finds no row, and the scalar aggregate still answers (COUNT 0).
		{"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ?",
			dataflow.Row{i(1), dataflow.Null}, "[0, 1, NULL]"},
		// A branch that is no scalar aggregate has no row for a key without rows.
		{"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT id FROM users WHERE karma = ?",
			dataflow.Row{i(0), i(3)}, "[0, 0, 3]"},
		{"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT id FROM users WHERE karma = ?",
			dataflow.Row{i(1), i(3)}, ""},
		// The branch's value is cast to the union's type; other aggregates are NULL.
		{"SELECT COUNT(*), MAX(score) FROM stories WHERE author = ? UNION ALL SELECT score, 1.5 FROM stories WHERE id = ?",
			dataflow.Row{i(0), i(3)}, "[0.00, NULL, 0, 3]"},
		// A branch without a key pads the key; HAVING still decides.
		{"SELECT COUNT(*) FROM votes UNION ALL SELECT COUNT(*) FROM stories WHERE author = ? HAVING COUNT(*) = 0",
			dataflow.Row{i(1), i(4)}, "[0, 1, 4]"},
		{"SELECT COUNT(*) FROM votes UNION ALL SELECT COUNT(*) FROM stories WHERE author = ? HAVING COUNT(*) > 0",
			dataflow.Row{i(1), i(4)}, ""},
		// A parenthesized UNION is tagged again: the outer tag names it, its own tag its branch.
		{"(SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ?) UNION ALL SELECT COUNT(*) FROM users WHERE karma = ?",
			dataflow.Row{i(0), i(1), i(7)}, "[0, 0, 1, 7]"},
		{"(SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ?) UNION ALL SELECT COUNT(*) FROM users WHERE karma = ?",
			dataflow.Row{i(1), i(9), i(0)}, "[0, 1, 9, 0]"},
		// ORDER BY ... LIMIT over the union keeps a group of one row.
		{"SELECT COUNT(*) AS n FROM stories WHERE author = ? UNION SELECT COUNT(*) FROM votes WHERE user_id = ? ORDER BY n LIMIT 1 OFFSET 1",
			dataflow.Row{i(0), i(2)}, "[0, 0, 2]"},
		{"(SELECT COUNT(*) FROM votes WHERE story_id = ?) LIMIT 1",
			dataflow.Row{i(5)}, "[0, 5]"},
	}
	checkEmptyRows(t, cat, tests, []string{
		// No branch is a scalar aggregate with a key.
		"SELECT id FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes",
		// A TopK that keeps nothing, or skips the only row of a single lookup.
		"SELECT COUNT(*) FROM stories WHERE author = ? UNION ALL SELECT COUNT(*) FROM votes WHERE user_id = ? LIMIT 0",
		"(SELECT COUNT(*) FROM votes WHERE story_id = ?) LIMIT 1 OFFSET 1",
	})
}

// TestNestedKeyErrors checks that the shapes whose nested keys no reader can serve are refused
// with an error naming the construct, and that a literal in the same place is a filter.
func TestNestedKeyErrors(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		sql, want, literal string
	}{
		{"SELECT d.n FROM (SELECT COUNT(*) AS n FROM stories WHERE author = ?) AS d",
			"in an aggregate without GROUP BY in a derived table", "?"},
		{"SELECT u.name FROM users u LEFT JOIN (SELECT author FROM stories WHERE score = ?) AS t ON t.author = u.id",
			"on the optional side of a LEFT or RIGHT JOIN", "?"},
		{"SELECT u.name FROM (SELECT author FROM stories WHERE score = ?) AS t RIGHT JOIN users u ON t.author = u.id",
			"on the optional side of a LEFT or RIGHT JOIN", "?"},
		// A key deeper inside the optional side cannot pass either.
		{"SELECT u.name FROM users u LEFT JOIN (SELECT s.author FROM stories s WHERE s.id IN (SELECT story_id FROM votes WHERE user_id = ?)) AS t ON t.author = u.id",
			"on the optional side of a LEFT or RIGHT JOIN", "?"},
		{"SELECT COUNT(*) FROM (SELECT author FROM stories WHERE score = ? UNION ALL SELECT user_id FROM votes) AS t",
			"in a UNION in a derived table whose rows the enclosing query aggregates", "?"},
		{"SELECT t.a FROM (SELECT author AS a FROM stories WHERE score = ? UNION SELECT user_id FROM votes) AS t",
			"in a UNION (DISTINCT) in a derived table", "?"},
		{"SELECT t.a FROM (SELECT author AS a FROM stories WHERE score = ? UNION ALL SELECT user_id FROM votes LIMIT 3) AS t",
			"in a UNION with LIMIT in a derived table", "?"},
		{"SELECT name FROM users WHERE id IN (SELECT author FROM stories WHERE score = ? UNION ALL SELECT user_id FROM votes)",
			"in a UNION in an IN (subquery)", "?"},
		{"SELECT id FROM users WHERE id = ? UNION SELECT author FROM stories UNION ALL SELECT user_id FROM votes",
			"before the last UNION DISTINCT", "?"},
		{"SELECT t.a FROM (SELECT DISTINCT author AS a FROM (SELECT author FROM stories WHERE score IN (?, ?)) AS s) AS t",
			"an IN list of parameters in a derived table of a SELECT DISTINCT in a derived table", ""},
		{"SELECT t.a FROM (SELECT s.author AS a FROM (SELECT author FROM stories WHERE score IN (?, ?)) AS s LIMIT 2) AS t",
			"an IN list of parameters in a derived table of a SELECT with LIMIT in a derived table", ""},
	}
	for _, tt := range tests {
		_, err := Compile(cat, tt.sql)
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an unsupported error with %q", tt.sql, err, tt.want)
		}
		if tt.literal == "" {
			continue
		}
		lit := strings.Replace(tt.sql, tt.literal, "5", 1)
		st, err := Compile(cat, lit)
		if err != nil {
			t.Errorf("%s: %v", lit, err)
			continue
		}
		q := st.(*Select).Query
		if len(q.KeyCols) != 0 || strings.Contains(q.Text, "?") {
			t.Errorf("%s: the literal should stay a filter:\n%s", lit, q)
		}
	}
}

// nestedShape is a query with literal slots (%s) in nested blocks; kinds says what each slot
// takes, in order: 'i' an integer, 's' a string.
type nestedShape struct {
	sql, kinds string
}

var nestedShapes = []nestedShape{
	{"SELECT t.title FROM (SELECT title FROM stories WHERE author = %s) AS t WHERE t.title <> 'x'", "i"},
	{"SELECT t.author, t.n FROM (SELECT author, COUNT(*) AS n FROM stories WHERE id = %s GROUP BY author) AS t ORDER BY t.n DESC LIMIT 3", "i"},
	{"SELECT u.name FROM users u JOIN (SELECT author FROM stories WHERE author = %s) AS d ON d.author = u.id WHERE u.karma = %s", "ii"},
	{"SELECT name FROM users WHERE id IN (SELECT author FROM stories WHERE author = %s) AND karma = %s", "ii"},
	{"SELECT COUNT(*) FROM stories WHERE id IN (SELECT story_id FROM votes WHERE user_id = %s)", "i"},
	{"SELECT id FROM stories WHERE author = %s UNION SELECT story_id FROM votes WHERE user_id = %s ORDER BY id LIMIT 2", "ii"},
	{"SELECT COUNT(*) FROM votes WHERE user_id = %s UNION ALL SELECT COUNT(*) FROM stories WHERE author = %s", "ii"},
	{"(SELECT id FROM stories WHERE author = %s UNION ALL SELECT id FROM users WHERE karma = %s) UNION ALL SELECT story_id FROM votes WHERE up = %s", "iii"},
	{"SELECT u.k FROM (SELECT id AS k FROM users WHERE name = %s UNION ALL SELECT author FROM stories WHERE author = %s) AS u", "si"},
}

// TestNestedAutoParameterization: queries that differ only in the literals of key conditions
// inside derived tables, IN subqueries and UNION branches share one text and one plan with
// the same query written with `?`, and each looks its own literals up where the other looks
// up its arguments.
func TestNestedAutoParameterization(t *testing.T) {
	cat := testCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		shape := rapid.SampledFrom(nestedShapes).Draw(rt, "shape")
		n := len(shape.kinds)
		var lits [2][]any
		var vals [2][]string
		marks := make([]any, n)
		for i, k := range shape.kinds {
			marks[i] = "?"
			for j := range lits {
				v := fmt.Sprint(rapid.IntRange(-1000, 1000).Draw(rt, fmt.Sprint("int", j, i)))
				lit := v
				if k == 's' {
					v = rapid.StringMatching(`[a-z ]{0,8}`).Draw(rt, fmt.Sprint("str", j, i))
					lit = "'" + v + "'"
				}
				lits[j] = append(lits[j], lit)
				vals[j] = append(vals[j], v)
			}
		}
		qp := compileSelect(t, cat, fmt.Sprintf(shape.sql, marks...))
		if qp.NumParams != n {
			rt.Fatalf("%d parameters, want %d", qp.NumParams, n)
		}
		for j := range lits {
			q := compileSelect(t, cat, fmt.Sprintf(shape.sql, lits[j]...))
			if q.Text != qp.Text {
				rt.Fatalf("texts differ:\n%s\n%s", q.Text, qp.Text)
			}
			if Explain(q.Root) != Explain(qp.Root) || fmt.Sprint(q.KeyCols, q.Order, q.Limit, q.Offset, q.Distinct, q.EmptyRow != nil) !=
				fmt.Sprint(qp.KeyCols, qp.Order, qp.Limit, qp.Offset, qp.Distinct, qp.EmptyRow != nil) {
				rt.Fatalf("plans differ:\n%s\n%s", q, qp)
			}
			if err := validateQuery(q); err != nil {
				rt.Fatalf("%v\n%s", err, q)
			}
			// Where the `?` query looks argument i up, the literal query looks literal i up.
			for li, l := range qp.Lookups {
				for ci, src := range l {
					got := q.Lookups[li][ci]
					switch {
					case src.Param < 0:
						if got.Param >= 0 || !dataflow.Identical(got.Literal, src.Literal) {
							rt.Fatalf("lookup %d component %d: %v, want the literal %v", li, ci, got, src.Literal)
						}
					case got.Param >= 0 || got.Literal.ToText() != vals[j][src.Param]:
						rt.Fatalf("lookup %d component %d: %v, want %s", li, ci, got, vals[j][src.Param])
					}
				}
			}
		}
	})
}

// TestGeneratedNestedQueries compiles random queries with parameters inside derived tables,
// IN subqueries and UNION branches: each compiles into a plan that honors the invariants,
// with every parameter a component of the key.
func TestGeneratedNestedQueries(t *testing.T) {
	cat := testCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		sql := genNested(rt, 2)
		st, err := Compile(cat, sql)
		if err != nil {
			rt.Fatalf("%s: %v", sql, err)
		}
		q := st.(*Select).Query
		if err := validateQuery(q); err != nil {
			rt.Fatalf("%s: %v\n%s", sql, err, q)
		}
		if want := strings.Count(sql, "?"); q.NumParams != want || len(q.KeyCols) == 0 {
			rt.Fatalf("%s: %d parameters, key %v", sql, q.NumParams, q.KeyCols)
		}
	})
}

// genNested draws a supported query over stories with at least one parameter in a nested
// block: a derived table (filtered, grouped, distinct or limited), an IN subquery, or a UNION
// ALL of such blocks, perhaps with a key of the enclosing query too.
func genNested(rt *rapid.T, depth int) string {
	inner := func(label string) string {
		switch rapid.IntRange(0, 3).Draw(rt, label) {
		case 0:
			return "SELECT id, author FROM stories WHERE author = ?"
		case 1:
			return "SELECT author AS id, COUNT(*) AS author FROM stories WHERE score = ? GROUP BY author"
		case 2:
			return "SELECT DISTINCT id, author FROM stories WHERE author = ? AND id = ?"
		}
		return "SELECT id, author FROM stories WHERE author = ? ORDER BY id DESC LIMIT 2"
	}
	var from string
	switch k := rapid.IntRange(0, 3).Draw(rt, "from"); {
	case k == 0 && depth > 0:
		from = "(" + genNested(rt, depth-1) + ") AS d"
	case k == 1:
		from = "((" + inner("a") + ") UNION ALL (" + inner("b") + ")) AS d"
	default:
		from = "(" + inner("d") + ") AS d"
	}
	sql := "SELECT d.id, d.author FROM " + from
	var where []string
	if rapid.Bool().Draw(rt, "semi") {
		where = append(where, "d.id IN (SELECT story_id FROM votes WHERE user_id = ?)")
	}
	if rapid.Bool().Draw(rt, "outerkey") {
		where = append(where, "d.author = ?")
	}
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	if depth == 2 && rapid.Bool().Draw(rt, "limit") {
		sql += " ORDER BY d.id LIMIT 3"
	}
	return sql
}

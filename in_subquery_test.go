package weir_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/weirdb/weir"
)

// TestInSubqueryOverExpressionStaysPartial: an IN (subquery) on an expression, and one under
// OR, leave a `column = ?` key as partial as the same query comparing a column does: the
// hidden column computed over the FROM clause and the LEFT JOIN under OR both let the key
// trace to the table's index. Every answer is checked again after writes that make matches
// appear and disappear on both sides.
func TestInSubqueryOverExpressionStaysPartial(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	newsSchema(t, e)
	mustExec(t, e, "CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(50) NULL, weight INT NULL)")
	mustExec(t, e, "INSERT INTO tags VALUES (1, 'ONE', 8), (2, NULL, 10), (3, 'three ', NULL)")
	cases := []struct {
		sql           string
		before, after []string // the row for keys 1, 2 and 3 ("": none)
	}{
		{"SELECT id FROM stories WHERE id = ? AND title IN (SELECT label FROM tags)",
			[]string{"1", "", "3"}, []string{"", "2", "3"}},
		{"SELECT id FROM stories WHERE id = ? AND lower(title) IN (SELECT label FROM tags)",
			[]string{"1", "", "3"}, []string{"", "2", "3"}},
		{"SELECT id FROM stories WHERE id = ? AND author + 1 IN (SELECT weight FROM tags)",
			[]string{"1", "", "3"}, []string{"", "2", ""}},
		{"SELECT id FROM stories WHERE id = ? AND (author = 8 OR upper(title) IN (SELECT label FROM tags))",
			[]string{"1", "2", "3"}, []string{"", "2", "3"}},
		{"SELECT id FROM stories WHERE id = ? AND (author = 8 OR author + 2 NOT IN (SELECT weight FROM tags WHERE weight IS NOT NULL))",
			[]string{"1", "2", "3"}, []string{"", "2", ""}},
	}
	views := make([]*weir.View, len(cases))
	check := func(tok weir.Token, want []string) {
		t.Helper()
		for i, c := range cases {
			for k := 1; k <= 3; k++ {
				r, err := views[i].LookupAfter(ctx, tok, k)
				var rows []string
				if w := want[i*3+k-1]; w != "" {
					rows = []string{w}
				}
				sortedRows(t, fmt.Sprintf("%s (%d)", c.sql, k), r, err, rows)
			}
		}
	}
	var before, after []string
	for i, c := range cases {
		views[i] = mustRegister(t, e, fmt.Sprint("q", i), c.sql)
		if !views[i].Stats().Partial {
			t.Errorf("%s: the reader is full, want partial", c.sql)
		}
		before = append(before, c.before...)
		after = append(after, c.after...)
	}
	check(0, before)
	mustExec(t, e, "UPDATE tags SET label = 'Two', weight = 9 WHERE id = 2")
	mustExec(t, e, "UPDATE tags SET weight = 11 WHERE id = 1")
	tok := mustExec(t, e, "DELETE FROM tags WHERE id = 1").Token
	check(tok, after)
}

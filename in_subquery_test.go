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

// TestInValueNullTransitions: `team IN (SELECT …)` and NOT IN read as values in a cache
// keyed by the outer table's primary key (partial, filled through the LEFT JOINs) walk
// TRUE, FALSE and NULL as the subquery gains and loses rows, NULLs and matches, and as the
// outer value turns NULL: each write reaches the keys read before it.
func TestInValueNullTransitions(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE users (id INT PRIMARY KEY, team INT NULL)")
	mustExec(t, e, "CREATE TABLE blocked (id INT PRIMARY KEY, team INT NULL)")
	mustExec(t, e, "INSERT INTO users VALUES (1, 1), (2, 2), (3, NULL)")
	v := mustRegister(t, e, "flags", "SELECT id, team IN (SELECT team FROM blocked) AS f, team NOT IN (SELECT team FROM blocked) AS g FROM users WHERE id = ?")
	if !v.Stats().Partial {
		t.Errorf("the reader keyed by the primary key is full, want partial")
	}
	steps := []struct {
		write string
		want  [3]string // the row of each user
	}{
		{"DELETE FROM blocked", [3]string{"1|0|1", "2|0|1", "3|0|1"}},
		{"INSERT INTO blocked VALUES (1, 1)", [3]string{"1|1|0", "2|0|1", "3|NULL|NULL"}},
		{"INSERT INTO blocked VALUES (2, NULL)", [3]string{"1|1|0", "2|NULL|NULL", "3|NULL|NULL"}},
		{"DELETE FROM blocked WHERE id = 1", [3]string{"1|NULL|NULL", "2|NULL|NULL", "3|NULL|NULL"}},
		{"UPDATE blocked SET team = 2 WHERE id = 2", [3]string{"1|0|1", "2|1|0", "3|NULL|NULL"}},
		{"UPDATE users SET team = NULL WHERE id = 2", [3]string{"1|0|1", "2|NULL|NULL", "3|NULL|NULL"}},
		{"UPDATE users SET team = 2 WHERE id = 3", [3]string{"1|0|1", "2|NULL|NULL", "3|1|0"}},
		{"DELETE FROM blocked", [3]string{"1|0|1", "2|0|1", "3|0|1"}},
	}
	for i, st := range steps {
		tok := mustExec(t, e, st.write).Token
		for k := 1; k <= 3; k++ {
			rows, err := v.LookupAfter(ctx, tok, k)
			wantRows(t, rows, err, st.want[k-1])
		}
		if t.Failed() {
			t.Fatalf("after step %d (%s)", i, st.write)
		}
	}
}

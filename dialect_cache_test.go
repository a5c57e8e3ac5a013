package weir_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// TestPrepareDialectPostgresCached: preparing the same PostgreSQL-dialect text again (as a
// driver's unnamed statement is, for every run) reuses its compiled plan, kept apart from
// MySQL's plan of the same text, which means something else; a change of the catalog
// plans the text again, against the new columns.
func TestPrepareDialectPostgresCached(t *testing.T) {
	e := dialectEngine(t)
	ctx := context.Background()
	// "x" is a string in MySQL's dialect and a column in PostgreSQL's.
	const sql = `SELECT id FROM users WHERE name = "x" OR id = 3 ORDER BY id`
	run := func(d weir.Dialect) (string, error) {
		t.Helper()
		st, err := e.PrepareDialect(ctx, d, sql)
		if err != nil {
			return "", err
		}
		rows, err := st.Query(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return pgRowsText(rows), nil
	}
	if _, err := run(weir.PostgreSQL); err == nil || !strings.Contains(err.Error(), "x") {
		t.Fatalf("column x before it exists: %v, want an error naming it", err)
	}
	for _, q := range []string{"ALTER TABLE users ADD COLUMN x VARCHAR(20)", "UPDATE users SET x = name WHERE id = 1"} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i := range 3 {
		before := e.Memory().Statements
		for _, c := range []struct {
			d    weir.Dialect
			want string
		}{{weir.PostgreSQL, "1; 3"}, {weir.MySQL, "3"}} {
			if got, err := run(c.d); err != nil || got != c.want {
				t.Fatalf("run %d in dialect %v after ADD COLUMN x: %q, %v; want %q", i, c.d, got, err, c.want)
			}
		}
		added := e.Memory().Statements - before
		if want := map[bool]int{true: 2, false: 0}[i == 0]; added != want {
			t.Fatalf("run %d: %d statements cached, want %d (the text once in each dialect)", i, added, want)
		}
	}
}

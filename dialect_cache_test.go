package weir_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// TestPrepareDialectPostgresCached: preparing the same PostgreSQL-dialect text with
// parameters again (as a driver's unnamed statement is, for every run) reuses its compiled
// plan; a change of the catalog plans the text again, against the new columns; a text
// without parameters (values written in, most often sent once) is not kept.
func TestPrepareDialectPostgresCached(t *testing.T) {
	e := dialectEngine(t)
	ctx := context.Background()
	// "x" is a column in PostgreSQL's dialect (a string in MySQL's), added below.
	const sql = `SELECT id, "x" FROM users WHERE id = $1`
	run := func(sql string, args ...any) (string, error) {
		t.Helper()
		st, err := e.PrepareDialect(ctx, weir.PostgreSQL, sql)
		if err != nil {
			return "", err
		}
		rows, err := st.Query(ctx, args...)
		if err != nil {
			t.Fatal(err)
		}
		return pgRowsText(rows), nil
	}
	if _, err := run(sql, 1); err == nil || !strings.Contains(err.Error(), "x") {
		t.Fatalf("column x before it exists: %v, want an error naming it", err)
	}
	for _, q := range []string{"ALTER TABLE users ADD COLUMN x VARCHAR(20)", "UPDATE users SET x = name WHERE id = 1"} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i := range 3 {
		before := e.Memory().Statements
		if got, err := run(sql, 1); err != nil || got != "1,alice" {
			t.Fatalf("run %d after ADD COLUMN x: %q, %v; want 1,alice", i, got, err)
		}
		added := e.Memory().Statements - before
		if want := map[bool]int{true: 1, false: 0}[i == 0]; added != want {
			t.Fatalf("run %d: %d statements cached, want %d (the text once)", i, added, want)
		}
	}
	before := e.Memory().Statements
	if got, err := run(`SELECT id FROM users WHERE id = 2`); err != nil || got != "2" {
		t.Fatalf("a text without parameters: %q, %v", got, err)
	}
	if added := e.Memory().Statements - before; added != 0 {
		t.Fatalf("a text without parameters: %d statements cached, want none", added)
	}
}

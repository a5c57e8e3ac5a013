package replication

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestUpstreamSchemaChanges: ADD COLUMN, TRUNCATE, a new table, DROP TABLE and DROP COLUMN
// on PostgreSQL. TRUNCATE is applied as a change; each of the others leads to a fresh copy
// (logged), after which the mirror, its caches and a cache over the new column equal
// PostgreSQL's answers.
func TestUpstreamSchemaChanges(t *testing.T) {
	_, dsn, db := newUpstream(t)
	ctx := context.Background()
	m := startMirror(t, t.TempDir(), dsn)
	registerCaches(t, m.e)
	copies := int64(1)
	wait := func(what string, wantCopy bool) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if wantCopy {
			copies++
			if err := m.rep.WaitSnapshots(wctx, copies); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		if err := m.e.Mirror().WaitForPosition(wctx, currentLSN(t, ctx, db)); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	columns := func(table string) string {
		t.Helper()
		s, err := m.e.Table(table)
		if err != nil {
			return "no table"
		}
		var names []string
		for _, c := range s.Cols {
			names = append(names, c.Name)
		}
		return strings.Join(names, ",")
	}

	mustPG(t, ctx, db, "ALTER TABLE stories ADD COLUMN extra int DEFAULT 7")
	mustPG(t, ctx, db, "UPDATE stories SET extra = 9 WHERE id % 10 = 0")
	wait("ADD COLUMN", true)
	if got := columns("stories"); !strings.HasSuffix(got, ",extra") {
		t.Fatalf("columns after ADD COLUMN: %s", got)
	}
	if _, err := m.e.Register(ctx, "extras", "SELECT id, extra FROM stories WHERE extra = ?"); err != nil {
		t.Fatal(err)
	}
	for _, extra := range []int{7, 9} {
		v, err := m.e.View("extras")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := v.Lookup(ctx, extra)
		if err != nil {
			t.Fatal(err)
		}
		want := pgRows(t, ctx, db, "SELECT id, extra FROM stories WHERE extra = $1", extra)
		if rows.Len() != len(want) {
			t.Fatalf("extra = %d: %d rows in weir, %d in postgres", extra, rows.Len(), len(want))
		}
	}
	compareWithUpstream(t, ctx, db, m.e)

	mustPG(t, ctx, db, "TRUNCATE votes")
	mustPG(t, ctx, db, "INSERT INTO votes VALUES (1, 2, 5), (3, 4, 6)")
	wait("TRUNCATE", false)
	compareWithUpstream(t, ctx, db, m.e)

	mustPG(t, ctx, db, "CREATE TABLE comments (id int PRIMARY KEY, story_id int NOT NULL, body text)")
	mustPG(t, ctx, db, "INSERT INTO comments SELECT i, i % 50, 'comment ' || i FROM generate_series(1, 500) i")
	wait("CREATE TABLE", true)
	if _, err := m.e.Register(ctx, "story_comments", "SELECT id, body FROM comments WHERE story_id = ?"); err != nil {
		t.Fatal(err)
	}
	v, err := m.e.View("story_comments")
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := v.Lookup(ctx, 7); err != nil || rows.Len() != 10 {
		t.Fatalf("comments of story 7: %v rows, %v", rows.Len(), err)
	}
	mustPG(t, ctx, db, "INSERT INTO comments VALUES (501, 7, 'late')")
	wait("insert into the new table", false)
	if rows, err := v.Lookup(ctx, 7); err != nil || rows.Len() != 11 {
		t.Fatalf("comments of story 7 after an insert: %v rows, %v", rows.Len(), err)
	}

	mustPG(t, ctx, db, "DROP TABLE comments")
	wait("DROP TABLE", true)
	if got := columns("comments"); got != "no table" {
		t.Fatalf("a dropped upstream table is still mirrored: %s", got)
	}
	if _, err := m.e.View("story_comments"); err == nil {
		t.Fatal("a cache over a dropped table survived")
	}

	mustPG(t, ctx, db, "ALTER TABLE stories DROP COLUMN extra")
	wait("DROP COLUMN", true)
	if got := columns("stories"); strings.Contains(got, "extra") {
		t.Fatalf("columns after DROP COLUMN: %s", got)
	}
	compareWithUpstream(t, ctx, db, m.e)
	if n := m.e.Mirror().Replaced(); n != 0 {
		t.Errorf("%d inserts found their key taken", n)
	}
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	for _, tc := range []struct {
		err   error
		retry bool
	}{
		{errors.New("dial tcp: connection refused"), true},
		{&pgconn.PgError{Code: "57P01", Severity: "FATAL", Message: "terminating connection due to administrator command"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "53300"}, true},
		{&pgconn.PgError{Code: "42P01", Message: "relation does not exist"}, false},
		{&pgconn.PgError{Code: "42501", Message: "permission denied"}, false},
		{fmt.Errorf("replication: reading the upstream catalog: %w", &pgconn.PgError{Code: "57P03"}), true},
	} {
		if got := isConnError(tc.err); got != tc.retry {
			t.Errorf("isConnError(%v) = %v, want %v", tc.err, got, tc.retry)
		}
	}
}

// TestConfigurationErrorsAreFatal: a --tables name the upstream lacks, an ambiguous one, or
// a table Weir cannot mirror stops the replicator instead of being retried forever.
func TestConfigurationErrorsAreFatal(t *testing.T) {
	all := []*Table{
		{Schema: "public", Name: "a", Columns: []Column{{Name: "id", TypName: "int4"}}, PK: []int{0}},
		{Schema: "other", Name: "a", Columns: []Column{{Name: "id", TypName: "int4"}}, PK: []int{0}},
		{Schema: "public", Name: "docs", Columns: []Column{{Name: "id", TypName: "int4"}, {Name: "body", TypName: "jsonb", PGType: "jsonb"}}, PK: []int{0}},
	}
	for _, only := range [][]string{{"missing"}, {"a"}, {"docs"}} {
		_, err := selectTables(all, only)
		var f fatal
		if err == nil || !errors.As(transientOrFatal(err), &f) {
			t.Errorf("--tables %v: %v, want a fatal error", only, err)
		}
	}
	if _, err := selectTables(all, []string{"public.a"}); err != nil {
		t.Errorf("--tables public.a: %v", err)
	}
	var f fatal
	if errors.As(transientOrFatal(errors.New("dial tcp: connection refused")), &f) {
		t.Error("a refused connection was made fatal")
	}
}

// numeric(p,s) maps to DECIMAL(p,s) up to DECIMAL's 65 digits and scale 38; a numeric without
// precision (up to 1000 digits in PostgreSQL) is refused with the limit named.
func TestNumericMapping(t *testing.T) {
	for _, c := range []struct{ pg, want, why string }{
		{"numeric(10,2)", "DECIMAL(10,2)", ""},
		{"numeric(65,30)", "DECIMAL(65,30)", ""},
		{"numeric(40)", "DECIMAL(40,0)", ""},
		{"numeric(65,38)", "DECIMAL(65,38)", ""},
		{"numeric(66,0)", "", "at most 65 digits"},
		{"numeric(65,39)", "", "min(precision, 38)"},
		{"numeric", "", "numeric(p,s) with p ≤ 65"},
	} {
		got, why := weirType("numeric", c.pg)
		if got != c.want || (c.why == "") != (why == "") || !strings.Contains(why, c.why) {
			t.Errorf("%s: %q (%q), want %q (%q)", c.pg, got, why, c.want, c.why)
		}
	}
}

package weir_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner/pgsql"
)

func dialectEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	for _, q := range []string{
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20), score INT, active BOOLEAN)",
		"INSERT INTO users VALUES (1, 'alice', 10, TRUE), (2, 'Alice', 7, FALSE), (3, 'bob', NULL, TRUE), (4, 'ALICE ', 3, NULL)",
	} {
		if _, err := e.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return e
}

func pgRowsText(rows weir.Rows) string {
	var b strings.Builder
	for i := range rows.Len() {
		if i > 0 {
			b.WriteString("; ")
		}
		for j, v := range rows.Row(i) {
			if j > 0 {
				b.WriteString(",")
			}
			if v.IsNull() {
				b.WriteString("NULL")
			} else {
				b.WriteString(v.ToText())
			}
		}
	}
	return b.String()
}

// TestPrepareDialectPostgres: a SELECT in PostgreSQL's dialect takes `$n` parameters in
// any order, compares text case-sensitively, sorts NULLs last ascending and first
// descending, and divides integers.
func TestPrepareDialectPostgres(t *testing.T) {
	e := dialectEngine(t)
	ctx := context.Background()
	for _, c := range []struct {
		sql  string
		args []any
		want string
	}{
		{`SELECT id FROM public.users WHERE name = $1 ORDER BY id`, []any{"alice"}, "1"},
		{`SELECT id FROM users WHERE "name" = $1 AND score > $2`, []any{"Alice", 5}, "2"},
		{`SELECT id FROM users WHERE score >= $2 AND name = $1`, []any{"alice", 5}, "1"},
		{`SELECT id, score FROM users ORDER BY score`, nil, "4,3; 2,7; 1,10; 3,NULL"},
		{`SELECT id, score FROM users ORDER BY score DESC`, nil, "3,NULL; 1,10; 2,7; 4,3"},
		{`SELECT id, score FROM users ORDER BY score NULLS FIRST LIMIT 2`, nil, "3,NULL; 4,3"},
		{`SELECT id, score / 4 AS q FROM users WHERE id = $1`, []any{1}, "1,2"},
		{`SELECT name || '!' AS n FROM users WHERE id = $1`, []any{2}, "Alice!"},
		{`SELECT id FROM users WHERE name ILIKE 'ali%' ORDER BY id`, nil, "1; 2; 4"},
		{`SELECT id FROM users WHERE name LIKE 'ali%' ORDER BY id`, nil, "1"},
		{`SELECT id FROM users WHERE score IS DISTINCT FROM 10 ORDER BY id`, nil, "2; 3; 4"},
		{`SELECT id FROM users WHERE active ORDER BY id`, nil, "1; 3"},
		{`SELECT id FROM users WHERE name > 'Z' ORDER BY name, id`, nil, "1; 3"},
		{`SELECT count(*) FROM users WHERE name = 'alice'`, nil, "1"},
		{`SELECT id FROM users ORDER BY id OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY`, nil, "2; 3"},
	} {
		st, err := e.PrepareDialect(ctx, weir.PostgreSQL, c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if st.NumParams() != len(c.args) {
			t.Errorf("%s: %d parameters, want %d", c.sql, st.NumParams(), len(c.args))
		}
		rows, err := st.Query(ctx, c.args...)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := pgRowsText(rows); got != c.want {
			t.Errorf("%s: got %s, want %s", c.sql, got, c.want)
		}
	}
}

// TestPrepareDialectRefuses: what Weir cannot compute in PostgreSQL's dialect is a
// *pgsql.Error with SQLSTATE 0A000 naming the construct.
func TestPrepareDialectRefuses(t *testing.T) {
	e := dialectEngine(t)
	for sql, want := range map[string]string{
		"SELECT u.id FROM users u, LATERAL (SELECT u.id) l":  "LATERAL",
		"INSERT INTO users VALUES (9, 'x', 1, true)":         "INSERT",
		"SELECT id FROM users FULL JOIN users u2 USING (id)": "FULL JOIN",
	} {
		_, err := e.PrepareDialect(context.Background(), weir.PostgreSQL, sql)
		var pe *pgsql.Error
		if !errors.As(err, &pe) || pe.SQLState != "0A000" || !strings.Contains(pe.Msg, want) {
			t.Errorf("%s: %v, want 0A000 naming %s", sql, err, want)
		}
	}
	_, err := e.PrepareDialect(context.Background(), weir.PostgreSQL, "SELECT id FROM nosuch")
	var pe *pgsql.Error
	if !errors.As(err, &pe) || pe.SQLState != "42P01" {
		t.Errorf("unknown table: %v, want 42P01", err)
	}
}

// TestDialectViewsApart: the same text in the two dialects does not share a view, since its
// meaning differs (case-insensitive in MySQL's, case-sensitive in PostgreSQL's).
func TestDialectViewsApart(t *testing.T) {
	e := dialectEngine(t)
	ctx := context.Background()
	const q = "SELECT id FROM users WHERE name = 'alice' ORDER BY id"
	var got []string
	for _, d := range []weir.Dialect{weir.MySQL, weir.PostgreSQL, weir.MySQL} {
		st, err := e.PrepareDialect(ctx, d, q)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.QueryValues(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s: %s", d, pgRowsText(rows)))
	}
	want := []string{"mysql: 1; 2; 4", "postgresql: 1", "mysql: 1; 2; 4"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	_ = dataflow.Null
}

// TestDialectComputedText: text an expression computes groups, compares, joins and sorts
// byte by byte in PostgreSQL's dialect, as the columns it comes from do, and under the
// case-insensitive collation in MySQL's.
func TestDialectComputedText(t *testing.T) {
	e := dialectEngine(t)
	ctx := context.Background()
	for _, c := range []struct {
		sql       string
		mysql, pg string
	}{
		{sql: `SELECT count(DISTINCT concat(upper(name), 'x')) FROM users`, mysql: "3", pg: "3"},
		{sql: `SELECT count(*) FROM (SELECT concat(name, '') AS k FROM users GROUP BY concat(name, '')) g`, mysql: "2", pg: "4"},
		{sql: `SELECT id FROM users WHERE concat(name, '') = 'ALICE' ORDER BY id`, mysql: "1; 2; 4", pg: ""},
		{sql: `SELECT id FROM users WHERE coalesce(name, 'x') = 'Alice' ORDER BY id`, mysql: "1; 2; 4", pg: "2"},
		{sql: `SELECT count(*) FROM (SELECT DISTINCT CASE WHEN score > 5 THEN 'A' ELSE 'a' END AS k FROM users) d`, mysql: "1", pg: "2"},
		{sql: `SELECT u.id, v.id FROM users u JOIN users v ON lower(u.name) = v.name ORDER BY u.id, v.id`, mysql: "1,1; 1,2; 1,4; 2,1; 2,2; 2,4; 3,3; 4,1; 4,2; 4,4", pg: "1,1; 2,1; 3,3"},
		{sql: `SELECT id FROM users ORDER BY concat(name, ''), id`, mysql: "1; 2; 4; 3", pg: "4; 2; 1; 3"},
	} {
		for _, d := range []weir.Dialect{weir.MySQL, weir.PostgreSQL} {
			want := c.mysql
			if d == weir.PostgreSQL {
				want = c.pg
			}
			st, err := e.PrepareDialect(ctx, d, c.sql)
			if err != nil {
				t.Errorf("%s (%s): %v", c.sql, d, err)
				continue
			}
			rows, err := st.QueryValues(ctx)
			if err != nil {
				t.Errorf("%s (%s): %v", c.sql, d, err)
				continue
			}
			if got := pgRowsText(rows); got != want {
				t.Errorf("%s (%s): got %s, want %s", c.sql, d, got, want)
			}
		}
	}
}

// TestDialectBinaryChar: a CHAR(n) COLLATE utf8mb4_bin column (PostgreSQL's char(n) as the
// mirror keeps it) tells 'ab' from 'AB', in its key too, ignores trailing spaces in
// comparisons with literals and arguments, and shows padded to n in PostgreSQL's text form.
func TestDialectBinaryChar(t *testing.T) {
	e, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE codes (code CHAR(3) COLLATE utf8mb4_bin NOT NULL, label TEXT, PRIMARY KEY (code))",
		"INSERT INTO codes VALUES ('ab', 'lower'), ('AB  ', 'upper'), ('a', 'one')",
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, c := range []struct {
		sql  string
		args []any
		want string
	}{
		{`SELECT label FROM codes WHERE code = 'ab '`, nil, "lower"},
		{`SELECT label FROM codes WHERE code = $1`, []any{"AB "}, "upper"},
		{`SELECT label FROM codes WHERE code IN ('a  ', 'x') ORDER BY label`, nil, "one"},
		{`SELECT count(*) FROM codes WHERE code < 'a'`, nil, "1"},
		{`SELECT label FROM codes WHERE 'ab '::char(3) = code`, nil, "lower"},
		{`SELECT concat(code, '|') FROM codes WHERE label = 'one'`, nil, "a  |"},
		{`SELECT code || '|' FROM codes WHERE label = 'one'`, nil, "a|"},
	} {
		st, err := e.PrepareDialect(ctx, weir.PostgreSQL, c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		rows, err := st.Query(ctx, c.args...)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := pgRowsText(rows); got != c.want {
			t.Errorf("%s: got %s, want %s", c.sql, got, c.want)
		}
	}
	st, err := e.PrepareDialect(ctx, weir.PostgreSQL, `SELECT code FROM codes WHERE label = 'one'`)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.QueryValues(ctx)
	if err != nil || rows.Len() != 1 {
		t.Fatalf("%v, %d rows", err, rows.Len())
	}
	col := st.Columns()[0].Type
	if oid, text := pgsql.TypeOID(col), pgsql.FormatText(rows.Row(0)[0], col); oid != pgsql.OIDBpchar || text != "a  " {
		t.Errorf("char(3) 'a' is %d %q, want %d %q", oid, text, pgsql.OIDBpchar, "a  ")
	}
}

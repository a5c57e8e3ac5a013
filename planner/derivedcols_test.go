package planner

import (
	"testing"
)

func TestRewriteDerivedColumns(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT * FROM (VALUES ROW(1)) AS v(a)", "SELECT * FROM LATERAL (VALUES ROW(1)) AS v(a)"},
		{"SELECT * FROM t JOIN (SELECT 1, 2) v (a, `b`) ON 1", "SELECT * FROM t JOIN LATERAL (SELECT 1, 2) v (a, `b`) ON 1"},
		{"SELECT * FROM (SELECT * FROM (SELECT 1) AS x(a)) AS y(b)", "SELECT * FROM LATERAL (SELECT * FROM LATERAL (SELECT 1) AS x(a)) AS y(b)"},
		// No column list, a function call, a string and LATERAL itself are left alone.
		{"SELECT * FROM (SELECT 1) AS v", ""},
		{"SELECT * FROM t WHERE a IN (SELECT 1) AND f(x)", ""},
		{"SELECT '(SELECT 1) AS v(a)' FROM t", ""},
		{"SELECT * FROM t, LATERAL (SELECT 1) AS v(a)", ""},
	} {
		got, marks := rewriteDerivedColumns(c.in)
		want := c.want
		if want == "" {
			want = c.in
		}
		if got != want || (c.want == "") != (marks == nil) {
			t.Errorf("%s:\n got %s (marks %v)\nwant %s", c.in, got, marks, want)
		}
	}
}

// TestDerivedColumnsKeepParamOffsets: the parameters of a statement whose derived tables
// were marked keep their offsets in the client's text, which binding a query over
// information_schema reads.
func TestDerivedColumnsKeepParamOffsets(t *testing.T) {
	sql := "SELECT * FROM (SELECT ?) AS a(x), (SELECT 2) AS b(y) WHERE a.x = ? AND b.y = ?"
	stmt, release, err := parseOne(sql)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	c := &compiler{sql: sql}
	c.numParams(stmt)
	if len(c.params) != 3 {
		t.Fatalf("%d parameters, want 3", len(c.params))
	}
	for i, p := range c.params {
		if sql[p.Offset] != '?' {
			t.Errorf("parameter %d at offset %d: %q", i+1, p.Offset, sql[p.Offset:])
		}
	}
}

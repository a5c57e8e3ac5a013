package conformance

import (
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestParseScenario(t *testing.T) {
	src := `# a comment
-- setup
CREATE TABLE t (
  id INT PRIMARY KEY,
  s VARCHAR(10)
);
INSERT INTO t VALUES (1, 'a;b'), (2, NULL);
-- error 1062
INSERT INTO t VALUES (1, 'x');

-- query by_id ordered
-- args: 1
-- args: -2
SELECT s FROM t WHERE id = ? ORDER BY s;

-- query no_params unsupported
SELECT COUNT(*) FROM t;

-- writes
DELETE FROM t WHERE id = 2;
CREATE TABLE u (id INT);
DROP TABLE t;

-- query later
-- args: 'it''s', NULL, 1.5, TRUE, 18446744073709551615
SELECT * FROM u WHERE id IN (?, ?, ?, ?, ?) AND '?' <> "?" AND ` + "`?`" + ` = 1;
`
	sc, err := ParseScenario("demo", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []StepKind
	for _, st := range sc.Steps {
		kinds = append(kinds, st.Kind)
	}
	wantKinds := []StepKind{StepExec, StepExec, StepExec, StepCheckpoint, StepQuery, StepQuery,
		StepExec, StepExec, StepExec, StepCheckpoint, StepQuery}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Fatalf("steps %v, want %v", kinds, wantKinds)
	}
	if got := sc.Steps[0].Exec.SQL; got != "CREATE TABLE t (\n  id INT PRIMARY KEY,\n  s VARCHAR(10)\n)" {
		t.Errorf("multi-line statement = %q", got)
	}
	if got := sc.Steps[1].Exec.SQL; got != "INSERT INTO t VALUES (1, 'a;b'), (2, NULL)" {
		t.Errorf("statement with ';' inside a string = %q", got)
	}
	dup := sc.Steps[2].Exec
	if !dup.ExpectError || dup.ErrorCode != 1062 || dup.Line != 9 {
		t.Errorf("error statement = %+v", dup)
	}
	if cp := sc.Steps[3]; cp.Block != 0 || !reflect.DeepEqual(cp.Tables, []string{"t"}) {
		t.Errorf("setup checkpoint = %+v", cp)
	}
	q := sc.Steps[4].Query
	if q.Name != "by_id" || !q.Ordered || q.Unsupported || q.Line != 11 {
		t.Errorf("query header = %+v", q)
	}
	if !reflect.DeepEqual(q.Args, [][]any{{int64(1)}, {int64(-2)}}) {
		t.Errorf("args = %#v", q.Args)
	}
	if q := sc.Steps[5].Query; !q.Unsupported || q.Ordered || !reflect.DeepEqual(q.Args, [][]any{nil}) {
		t.Errorf("query without params = %+v", q)
	}
	if cp := sc.Steps[9]; cp.Block != 1 || !reflect.DeepEqual(cp.Tables, []string{"u"}) {
		t.Errorf("writes checkpoint = %+v", cp)
	}
	want := []any{"it's", nil, 1.5, true, uint64(18446744073709551615)}
	if got := sc.Steps[10].Query.Args; !reflect.DeepEqual(got, [][]any{want}) {
		t.Errorf("literal args = %#v, want %#v", got, want)
	}
	if n := len(sc.Queries()); n != 3 {
		t.Errorf("Queries() has %d cases, want 3", n)
	}
}

// TestParseMariaDBText: "-- mariadb" gives the query before it MariaDB's own text, which
// only the reference runs.
func TestParseMariaDBText(t *testing.T) {
	src := `-- setup
CREATE TABLE t (a INT);
-- query v
-- args: 1
SELECT * FROM (VALUES ROW(1, 'x')) AS v(a, b) WHERE a = ?;
-- mariadb
WITH v(a, b) AS (VALUES (1, 'x'))
SELECT * FROM v WHERE a = ?;
-- query plain
SELECT a FROM t;
`
	sc, err := ParseScenario("demo", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	qs := sc.Queries()
	if len(qs) != 2 {
		t.Fatalf("%d queries, want 2", len(qs))
	}
	if got, want := qs[0].ReferenceSQL(), "WITH v(a, b) AS (VALUES (1, 'x'))\nSELECT * FROM v WHERE a = ?"; got != want {
		t.Errorf("MariaDB text = %q, want %q", got, want)
	}
	if qs[0].SQL != "SELECT * FROM (VALUES ROW(1, 'x')) AS v(a, b) WHERE a = ?" {
		t.Errorf("query text = %q", qs[0].SQL)
	}
	if qs[1].MariaDB != "" || qs[1].ReferenceSQL() != qs[1].SQL {
		t.Errorf("a query without '-- mariadb' = %+v", qs[1])
	}
}

func TestParseScenarioErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"no setup", "-- query q\nSELECT 1;\n", "before '-- setup'"},
		{"empty file", "# nothing\n", "no '-- setup'"},
		{"setup twice", "-- setup\nCREATE TABLE t (a INT);\n-- setup\n", "only once"},
		{"empty setup", "-- setup\n-- query q\nSELECT 1;\n", "empty block"},
		{"open transaction", "-- setup\nCREATE TABLE t (a INT);\n-- writes\nBEGIN;\nINSERT INTO t VALUES (1);\n-- query q\nSELECT a FROM t;\n", "does not end in its block"},
		{"unterminated", "-- setup\nCREATE TABLE t (a INT)\n", "no terminating ';'"},
		{"directive inside statement", "-- setup\nCREATE TABLE t (\n-- writes\n", "inside a statement"},
		{"unknown directive", "-- setup\nCREATE TABLE t (a INT);\n-- frobnicate\n", "unknown directive"},
		{"unknown flag", "-- setup\nCREATE TABLE t (a INT);\n-- query q sorted\nSELECT 1;\n", "unknown flag"},
		{"bad name", "-- setup\nCREATE TABLE t (a INT);\n-- query a-b\nSELECT 1;\n", "letters, digits"},
		{"duplicate name", "-- setup\nCREATE TABLE t (a INT);\n-- query q\nSELECT 1;\n-- query q\nSELECT 2;\n", "already used on line 3"},
		{"missing args", "-- setup\nCREATE TABLE t (a INT);\n-- query q\nSELECT a FROM t WHERE a = ?;\n", "no '-- args:' line"},
		{"wrong arity", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: 1, 2\nSELECT a FROM t WHERE a = ?;\n", "2 values for 1 placeholders"},
		{"args outside query", "-- setup\nCREATE TABLE t (a INT);\n-- args: 1\n", "outside a query case"},
		{"query without statement", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- writes\n", "has no statement"},
		{"query at end", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n", "has no statement"},
		{"bare statement after query", "-- setup\nCREATE TABLE t (a INT);\n-- query q\nSELECT 1;\nSELECT 2;\n", "missing '-- query NAME'"},
		{"error outside writes", "-- setup\nCREATE TABLE t (a INT);\n-- query q\nSELECT 1;\n-- error\n", "outside setup or writes"},
		{"error without statement", "-- setup\nCREATE TABLE t (a INT);\n-- error\n-- writes\n", "not followed by a statement"},
		{"error at end", "-- setup\nCREATE TABLE t (a INT);\n-- error\n", "not followed by a statement"},
		{"bad error code", "-- setup\nCREATE TABLE t (a INT);\n-- error dup\nINSERT INTO t VALUES (1);\n", "MySQL error number"},
		{"placeholder in write", "-- setup\nCREATE TABLE t (a INT);\nINSERT INTO t VALUES (?);\n", "no placeholders"},
		{"bad literal", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: abc\nSELECT ?;\n", "as a literal"},
		{"unterminated string arg", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: 'abc\nSELECT ?;\n", "unterminated string"},
		{"trailing comma", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: 1,\nSELECT ?;\n", "trailing ','"},
		{"missing comma", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: 'a' 'b'\nSELECT ?, ?;\n", "expected ','"},
		{"empty args", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args:\nSELECT 1;\n", "no values"},
		{"mariadb without query", "-- setup\nCREATE TABLE t (a INT);\n-- mariadb\nSELECT 1;\n", "must follow a query's statement"},
		{"mariadb after args", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: 1\n-- mariadb\nSELECT ?;\n", "has no statement"},
		{"mariadb twice", "-- setup\nCREATE TABLE t (a INT);\n-- query q\nSELECT 1;\n-- mariadb\nSELECT 1;\n-- mariadb\nSELECT 1;\n", "must follow a query's statement"},
		{"mariadb at end", "-- setup\nCREATE TABLE t (a INT);\n-- query q\nSELECT 1;\n-- mariadb\n", "not followed by a statement"},
		{"mariadb placeholders", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: 1\nSELECT ?;\n-- mariadb\nSELECT 1;\n", "0 placeholders, the query 1"},
		{"integer out of range", "-- setup\nCREATE TABLE t (a INT);\n-- query q\n-- args: 99999999999999999999\nSELECT ?;\n", "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario("bad", strings.NewReader(tc.src))
			if err == nil {
				t.Fatalf("parsed without error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad:") {
				t.Fatalf("error %q does not name the file or contain %q", err, tc.want)
			}
		})
	}
}

func TestCountPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{"SELECT 1", 0},
		{"SELECT a FROM t WHERE a = ? AND b IN (?, ?)", 3},
		{"SELECT '?', \"?\", `?` FROM t WHERE a = ?", 1},
		{`SELECT 'it''s ?', 'back\'slash ?' FROM t WHERE a = ?`, 1},
		{"SELECT a FROM t -- why?\nWHERE a = ?", 1},
		{"SELECT a FROM t # why?\nWHERE a = ?", 1},
		{"SELECT a /* ? */ FROM t WHERE a = ?", 1},
		{"SELECT a FROM t WHERE a = 1--?", 1},
		{"SELECT 'unterminated ?", 0},
	} {
		if got := countPlaceholders(tc.sql); got != tc.want {
			t.Errorf("countPlaceholders(%q) = %d, want %d", tc.sql, got, tc.want)
		}
	}
}

// Rendering a tuple with FormatArgs and parsing it back must give the same values, so the
// tuples shown in reports can be pasted into a scenario file.
func TestArgsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.OneOf(
			rapid.Just[any](nil),
			rapid.Map(rapid.Int64(), func(i int64) any { return i }),
			rapid.Map(rapid.Uint64Range(1<<63, 1<<64-1), func(u uint64) any { return u }),
			rapid.Map(rapid.Bool(), func(b bool) any { return b }),
			rapid.Map(rapid.Float64Range(-1e6, 1e6), func(f float64) any {
				if f == float64(int64(f)) {
					f += 0.5 // integral floats print as integers, which parse as int64
				}
				return f
			}),
			rapid.Map(rapid.StringMatching(`[a-zA-Z0-9 ,'%_?()é-]{0,12}`), func(s string) any { return s }),
		)
		args := rapid.SliceOfN(gen, 1, 6).Draw(t, "args")
		text := FormatArgs(args)
		got, err := parseArgs(strings.TrimSuffix(strings.TrimPrefix(text, "("), ")"))
		if err != nil {
			t.Fatalf("parseArgs(%s): %v", text, err)
		}
		if !reflect.DeepEqual(got, args) {
			t.Fatalf("round trip of %s gave %#v, want %#v", text, got, args)
		}
	})
}

// Every scenario file must parse; TestScenariosOnMariaDB then checks them against MariaDB.
func TestScenarioFilesParse(t *testing.T) {
	for _, sc := range loadScenarios(t) {
		if len(sc.Queries()) == 0 {
			t.Errorf("%s has no query cases", sc.Name)
		}
	}
}

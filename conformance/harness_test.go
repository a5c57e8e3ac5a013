package conformance

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

var updateConformance = flag.Bool("update-conformance", false, "rewrite the golden conformance report testdata/golden/report.txt")

// fakeTarget answers from tables of canned results, keyed by statement text and arguments.
type fakeTarget struct {
	name     string
	results  map[string]*ResultSet
	queryErr map[string]error
	execRes  map[string]ExecResult
	execErr  map[string]error
	panics   map[string]bool
	queries  []string
}

// fakeCodeError is an error that carries a MySQL error number.
type fakeCodeError struct{ code int }

func (e *fakeCodeError) Error() string { return "fake error" }

func newFake(name string) *fakeTarget {
	return &fakeTarget{
		name:     name,
		results:  map[string]*ResultSet{},
		queryErr: map[string]error{},
		execRes:  map[string]ExecResult{},
		execErr:  map[string]error{},
		panics:   map[string]bool{},
	}
}

func key(sql string, args []any) string { return sql + " " + FormatArgs(args) }

func (f *fakeTarget) Name() string { return f.name }

func (f *fakeTarget) Exec(_ context.Context, sql string, _ []any) (ExecResult, error) {
	if err := f.execErr[sql]; err != nil {
		return ExecResult{}, err
	}
	return f.execRes[sql], nil
}

func (f *fakeTarget) Query(_ context.Context, sql string, args []any) (*ResultSet, error) {
	k := key(sql, args)
	f.queries = append(f.queries, k)
	if f.panics[k] {
		panic("boom")
	}
	if err := f.queryErr[k]; err != nil {
		return nil, err
	}
	if rs, ok := f.results[k]; ok {
		return rs, nil
	}
	return &ResultSet{Columns: []string{"id"}}, nil
}

func (f *fakeTarget) Table(ctx context.Context, name string) (*ResultSet, error) {
	return f.Query(ctx, "table "+name, nil)
}

func (f *fakeTarget) ErrorCode(err error) (int, bool) {
	var ce *fakeCodeError
	if errors.As(err, &ce) {
		return ce.code, true
	}
	return 0, false
}

func rows(cells ...[]Cell) [][]Cell { return cells }
func row(cells ...Cell) []Cell      { return cells }

const harnessScenario = `-- setup
CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10));
INSERT INTO t VALUES (1, 'a'), (2, 'b');
-- error 1062
INSERT INTO t VALUES (1, 'dup');

-- query same
SELECT id FROM t;

-- query wrong_rows
-- args: 1
-- args: 2
SELECT id, s FROM t WHERE id = ?;

-- query wrong_order ordered
SELECT id FROM t ORDER BY id DESC;

-- query rejected
SELECT s FROM t;

-- query marked unsupported
SELECT s, COUNT(*) FROM t GROUP BY s;

-- query crashes
SELECT id FROM t WHERE id = 1;

-- writes
UPDATE t SET s = 'c' WHERE id = 2;
`

func harnessTargets(t *testing.T) (*Scenario, *fakeTarget, *fakeTarget) {
	sc, err := ParseScenario("harness", strings.NewReader(harnessScenario))
	if err != nil {
		t.Fatal(err)
	}
	ref, sub := newFake("MariaDB"), newFake("Weir")
	both := func(sql string, rs *ResultSet) {
		ref.results[key(sql, nil)] = rs
		sub.results[key(sql, nil)] = rs
	}
	tbl := &ResultSet{Columns: []string{"id", "s"}, Rows: rows(row(IntCell(1), TextCell("a")), row(IntCell(2), TextCell("b")))}
	both("table t", tbl)
	both("SELECT * FROM t", tbl)
	both("SELECT id FROM t", &ResultSet{Columns: []string{"id"}, Rows: rows(row(IntCell(2)), row(IntCell(1)))})

	dup := "INSERT INTO t VALUES (1, 'dup')"
	ref.execErr[dup] = &fakeCodeError{1062}
	sub.execErr[dup] = &fakeCodeError{1169}
	ins := "INSERT INTO t VALUES (1, 'a'), (2, 'b')"
	ref.execRes[ins] = ExecResult{RowsAffected: 2}
	sub.execRes[ins] = ExecResult{RowsAffected: 2}
	upd := "UPDATE t SET s = 'c' WHERE id = 2"
	ref.execRes[upd] = ExecResult{RowsAffected: 1}
	sub.execRes[upd] = ExecResult{RowsAffected: 0}

	q := "SELECT id, s FROM t WHERE id = ?"
	ref.results[key(q, []any{int64(1)})] = &ResultSet{Columns: []string{"id", "s"}, Rows: rows(row(IntCell(1), TextCell("a")))}
	sub.results[key(q, []any{int64(1)})] = &ResultSet{Columns: []string{"ID", "S"}, Rows: rows(row(mustExact(t, "1.00"), TextCell("a")))}
	ref.results[key(q, []any{int64(2)})] = &ResultSet{Columns: []string{"id", "s"}, Rows: rows(row(IntCell(2), TextCell("b")))}
	sub.results[key(q, []any{int64(2)})] = &ResultSet{Columns: []string{"id", "s"}, Rows: rows(row(IntCell(2), TextCell("B")), row(IntCell(2), Null))}

	o := "SELECT id FROM t ORDER BY id DESC"
	ref.results[key(o, nil)] = &ResultSet{Columns: []string{"id"}, Rows: rows(row(IntCell(2)), row(IntCell(1)))}
	sub.results[key(o, nil)] = &ResultSet{Columns: []string{"id"}, Rows: rows(row(IntCell(1)), row(IntCell(2)))}

	sub.queryErr[key("SELECT s FROM t", nil)] = errors.New("unsupported construct")
	sub.queryErr[key("SELECT s, COUNT(*) FROM t GROUP BY s", nil)] = errors.New("GROUP BY is not supported")
	sub.panics[key("SELECT id FROM t WHERE id = 1", nil)] = true
	return sc, ref, sub
}

// TestRunReport pins the whole report for a scenario with every kind of disagreement: the
// golden file is what a reader of a failing conformance run sees.
func TestRunReport(t *testing.T) {
	sc, ref, sub := harnessTargets(t)
	rep := Run(context.Background(), sc, ref, sub, Options{})

	var b strings.Builder
	for _, f := range rep.Failures {
		s := f.String()
		// The stack of a recovered panic depends on the Go version and paths.
		if i := strings.Index(s, "panic: boom"); i >= 0 {
			s = s[:i] + "panic: boom [stack]"
		}
		b.WriteString(s + "\n\n")
	}
	for _, n := range rep.Notes {
		b.WriteString("note: " + n + "\n")
	}
	b.WriteString("failed cases: " + strings.Join(rep.FailedCases(), " ") + "\n")
	golden(t, filepath.Join("testdata", "golden", "report.txt"), b.String())

	if rep.Lookups == 0 || rep.Statements != 4 {
		t.Errorf("counted %d lookups and %d statements", rep.Lookups, rep.Statements)
	}
	// A rejected case is reported once, not again at every checkpoint.
	n := 0
	for _, q := range sub.queries {
		if strings.HasPrefix(q, "SELECT s FROM t ") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("rejected query was sent %d times, want 1", n)
	}
}

func TestRunAgreement(t *testing.T) {
	sc, ref, _ := harnessTargets(t)
	rep := Run(context.Background(), sc, ref, ref, Options{})
	for _, f := range rep.Failures {
		if !f.Scenario {
			t.Errorf("a target disagrees with itself: %s", f)
		}
	}
}

// TestRunScenarioErrors checks that the file's annotations are verified against the
// reference: a write marked to fail that succeeds there, or a query the reference rejects,
// is the scenario's fault and is labeled so.
func TestRunScenarioErrors(t *testing.T) {
	src := `-- setup
CREATE TABLE t (id INT);
-- error
INSERT INTO t VALUES (1);
-- error 1062
INSERT INTO t VALUES (2);
INSERT INTO t VALUES (3);
-- query q
SELECT nope FROM t;
`
	sc, err := ParseScenario("annotations", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	ref := newFake("MariaDB")
	ref.execErr["INSERT INTO t VALUES (2)"] = &fakeCodeError{1048}
	ref.execErr["INSERT INTO t VALUES (3)"] = &fakeCodeError{1146}
	ref.queryErr[key("SELECT nope FROM t", nil)] = &fakeCodeError{1054}
	rep := Run(context.Background(), sc, ref, ref, Options{})
	var got []string
	for _, f := range rep.Failures {
		if !f.Scenario {
			t.Errorf("failure not labeled as a scenario error: %s", f)
		}
		got = append(got, f.Detail)
	}
	want := []string{
		"marked '-- error' but MariaDB accepted it",
		"marked '-- error 1062' but MariaDB said: fake error",
		"MariaDB rejected it: fake error",
		"MariaDB rejected it: fake error",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("scenario failures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *updateConformance {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-conformance to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update-conformance to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func genCell() *rapid.Generator[Cell] {
	return rapid.OneOf(
		rapid.Just(Null),
		rapid.Map(rapid.Int64Range(-3, 3), IntCell),
		rapid.Map(rapid.SampledFrom([]string{"a", "A", "b", ""}), TextCell),
		rapid.Map(rapid.SampledFrom([]float64{0.5, -1, 2.25}), FloatCell),
	)
}

func genResult(t *rapid.T, label string) *ResultSet {
	width := rapid.IntRange(1, 3).Draw(t, label+"width")
	rs := &ResultSet{}
	for i := range width {
		rs.Columns = append(rs.Columns, string(rune('a'+i)))
	}
	n := rapid.IntRange(0, 8).Draw(t, label+"rows")
	for range n {
		rs.Rows = append(rs.Rows, rapid.SliceOfN(genCell(), width, width).Draw(t, label+"row"))
	}
	return rs
}

// A multiset comparison must not care about row order, and must notice any change to the
// multiset: a lost row, an extra copy, or one changed value.
func TestDiffMultisetProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		want := genResult(t, "want")
		perm := rapid.Permutation(want.Rows).Draw(t, "perm")
		got := &ResultSet{Columns: want.Columns, Rows: perm}
		if d := Diff("got", got, "want", want, false); d != "" {
			t.Fatalf("a permutation differs:\n%s", d)
		}
		if len(want.Rows) == 0 {
			return
		}
		i := rapid.IntRange(0, len(perm)-1).Draw(t, "i")
		mutated := &ResultSet{Columns: want.Columns}
		switch rapid.IntRange(0, 2).Draw(t, "mutation") {
		case 0: // drop a row
			mutated.Rows = append(append([][]Cell{}, perm[:i]...), perm[i+1:]...)
		case 1: // duplicate a row
			mutated.Rows = append(append([][]Cell{}, perm...), perm[i])
		case 2: // change one value to one that is certainly different
			r := append([]Cell{}, perm[i]...)
			r[0] = TextCell("changed")
			mutated.Rows = append([][]Cell{}, perm...)
			mutated.Rows[i] = r
		}
		if d := Diff("got", mutated, "want", want, false); d == "" {
			t.Fatalf("mutation not noticed: got %v, want %v", mutated.Rows, want.Rows)
		}
	})
}

func TestDiffOrdered(t *testing.T) {
	want := &ResultSet{Columns: []string{"id"}, Rows: rows(row(IntCell(1)), row(IntCell(2)), row(IntCell(3)))}
	for _, tc := range []struct {
		name string
		got  [][]Cell
		ok   bool
	}{
		{"same", rows(row(IntCell(1)), row(mustExact(t, "2.0")), row(IntCell(3))), true},
		{"swapped", rows(row(IntCell(2)), row(IntCell(1)), row(IntCell(3))), false},
		{"short", rows(row(IntCell(1)), row(IntCell(2))), false},
		{"long", rows(row(IntCell(1)), row(IntCell(2)), row(IntCell(3)), row(IntCell(4))), false},
	} {
		d := Diff("got", &ResultSet{Columns: []string{"id"}, Rows: tc.got}, "want", want, true)
		if (d == "") != tc.ok {
			t.Errorf("%s: diff %q, want agreement %v", tc.name, d, tc.ok)
		}
	}
	// Columns are compared by count and, ignoring case, by name.
	if d := Diff("got", &ResultSet{Columns: []string{"ID"}, Rows: want.Rows}, "want", want, true); d != "" {
		t.Errorf("column name case matters: %s", d)
	}
	if d := Diff("got", &ResultSet{Columns: []string{"k"}, Rows: want.Rows}, "want", want, true); !strings.Contains(d, "column names") {
		t.Errorf("renamed column not reported: %q", d)
	}
	if d := Diff("got", &ResultSet{Rows: rows(row(IntCell(1), IntCell(1)))}, "want", want, false); !strings.Contains(d, "column count") {
		t.Errorf("extra column not reported: %q", d)
	}
}

// preparingFake records the order of statements and preparations.
type preparingFake struct {
	*fakeTarget
	log     []string
	failing string
}

func (p *preparingFake) Exec(ctx context.Context, sql string, args []any) (ExecResult, error) {
	p.log = append(p.log, "exec "+sql)
	return p.fakeTarget.Exec(ctx, sql, args)
}

func (p *preparingFake) Prepare(_ context.Context, sql string) error {
	p.log = append(p.log, "prepare "+sql)
	if sql == p.failing {
		return errors.New("cannot compile")
	}
	return nil
}

func TestRunPrepareBeforeData(t *testing.T) {
	src := `-- setup
CREATE TABLE t (id INT);
CREATE TABLE u (id INT);
INSERT INTO t VALUES (1);
-- query a
SELECT id FROM t;
-- query b unsupported
SELECT id FROM u;
-- writes
INSERT INTO u VALUES (2);
-- query c
SELECT id FROM t WHERE id = 1;
`
	sc, err := ParseScenario("prep", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		opts    Options
		failing string
		want    []string
		fails   []string
	}{
		{name: "off", want: []string{
			"exec CREATE TABLE t (id INT)", "exec CREATE TABLE u (id INT)", "exec INSERT INTO t VALUES (1)",
			"exec INSERT INTO u VALUES (2)",
		}},
		{name: "on", opts: Options{PrepareBeforeData: true}, failing: "SELECT id FROM u", want: []string{
			"exec CREATE TABLE t (id INT)", "exec CREATE TABLE u (id INT)",
			"prepare SELECT id FROM t", "prepare SELECT id FROM u", "prepare SELECT id FROM t WHERE id = 1",
			"prepare SELECT * FROM t", "prepare SELECT * FROM u",
			"exec INSERT INTO t VALUES (1)", "exec INSERT INTO u VALUES (2)",
		}},
		{name: "failure reported", opts: Options{PrepareBeforeData: true}, failing: "SELECT id FROM t WHERE id = 1",
			fails: []string{"c"}, want: []string{
				"exec CREATE TABLE t (id INT)", "exec CREATE TABLE u (id INT)",
				"prepare SELECT id FROM t", "prepare SELECT id FROM u", "prepare SELECT id FROM t WHERE id = 1",
				"prepare SELECT * FROM t", "prepare SELECT * FROM u",
				"exec INSERT INTO t VALUES (1)", "exec INSERT INTO u VALUES (2)",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := &preparingFake{fakeTarget: newFake("Weir"), failing: tc.failing}
			rep := Run(context.Background(), sc, newFake("MariaDB"), sub, tc.opts)
			if strings.Join(sub.log, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(sub.log, "\n"), strings.Join(tc.want, "\n"))
			}
			if got := strings.Join(rep.FailedCases(), " "); got != strings.Join(tc.fails, " ") {
				t.Errorf("failed cases %q, want %q", got, strings.Join(tc.fails, " "))
			}
		})
	}
}

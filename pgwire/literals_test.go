package pgwire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestLiftLiterals(t *testing.T) {
	u := func(s string) literal { return literal{litUnknown, s} }
	i := func(s string) literal { return literal{litInt, s} }
	n := func(s string) literal { return literal{litNumeric, s} }
	for _, tc := range []struct {
		name, sql, shape string
		lits             []literal
	}{
		{"int key", "SELECT * FROM t WHERE id = 5", "SELECT * FROM t WHERE id = $1", []literal{i("5")}},
		{"no space", "SELECT * FROM t WHERE id=5", "SELECT * FROM t WHERE id=$1", []literal{i("5")}},
		{"string", "SELECT a FROM t WHERE s = 'x' AND id = 7", "SELECT a FROM t WHERE s = $1 AND id = $2", []literal{u("x"), i("7")}},
		{"quote inside", "SELECT a FROM t WHERE s = 'it''s'", "SELECT a FROM t WHERE s = $1", []literal{u("it's")}},
		{"E string", `SELECT a FROM t WHERE s = E'a\'b\n'`, "SELECT a FROM t WHERE s = $1", []literal{u("a'b\n")}},
		{"E string octal stays", `SELECT a FROM t WHERE s = E'\101'`, "", nil},
		{"dollar", "SELECT a FROM t WHERE s = $$it's; --$$", "SELECT a FROM t WHERE s = $1", []literal{u("it's; --")}},
		{"tagged dollar", "SELECT a FROM t WHERE s = $q$a$$b$q$", "SELECT a FROM t WHERE s = $1", []literal{u("a$$b")}},
		{"U& stays", `SELECT a FROM t WHERE s = U&'d\0061t'`, "", nil},
		{"bit string stays", "SELECT a FROM t WHERE b = B'101'", "", nil},
		{"negative", "SELECT a FROM t WHERE id = -5", "SELECT a FROM t WHERE id = $1", []literal{i("-5")}},
		{"negative glued", "SELECT a FROM t WHERE id =-5", "SELECT a FROM t WHERE id =$1", []literal{i("-5")}},
		{"binary minus", "SELECT a FROM t WHERE id = 7 - 5", "", nil},
		{"big int", "SELECT a FROM t WHERE id = 3000000000", "SELECT a FROM t WHERE id = $1", []literal{i("3000000000")}},
		{"past int8", "SELECT a FROM t WHERE id = 99999999999999999999", "SELECT a FROM t WHERE id = $1", []literal{n("99999999999999999999")}},
		{"numeric", "SELECT a FROM t WHERE p >= 1.5 AND q < 2e3", "SELECT a FROM t WHERE p >= $1 AND q < $2", []literal{n("1.5"), n("2e3")}},
		{"cast stays", "SELECT a FROM t WHERE id = '5'::int", "", nil},
		{"typed literal stays", "SELECT a FROM t WHERE d > date '2024-01-01'", "", nil},
		{"interval stays", "SELECT a FROM t WHERE ts > now() - interval '1 day'", "", nil},
		{"comments", "SELECT a /* 'x' = 1 */ FROM t -- id = 2\nWHERE id = 3", "SELECT a /* 'x' = 1 */ FROM t -- id = 2\nWHERE id = $1", []literal{i("3")}},
		{"nested comment", "SELECT a FROM t WHERE /* a /* b */ 'c' */ id = 3", "SELECT a FROM t WHERE /* a /* b */ 'c' */ id = $1", []literal{i("3")}},
		{"order by position", "SELECT a, b FROM t WHERE id = 1 ORDER BY 2", "SELECT a, b FROM t WHERE id = $1 ORDER BY 2", []literal{i("1")}},
		{"group by position", "SELECT a, count(*) FROM t WHERE id > 1 GROUP BY 1", "SELECT a, count(*) FROM t WHERE id > $1 GROUP BY 1", []literal{i("1")}},
		{"limit", "SELECT a FROM t WHERE id = 1 LIMIT 5 OFFSET 2", "SELECT a FROM t WHERE id = $1 LIMIT 5 OFFSET 2", []literal{i("1")}},
		{"select list", "SELECT 1, 'x' AS c FROM t WHERE id = 2", "SELECT 1, 'x' AS c FROM t WHERE id = $1", []literal{i("2")}},
		{"in list", "SELECT a FROM t WHERE id IN (1, -2, 3)", "SELECT a FROM t WHERE id IN ($1, $2, $3)", []literal{i("1"), i("-2"), i("3")}},
		{"in subquery", "SELECT a FROM t WHERE id IN (SELECT x FROM u WHERE y = 'k')", "SELECT a FROM t WHERE id IN (SELECT x FROM u WHERE y = $1)", []literal{u("k")}},
		{"function args stay", "SELECT a FROM t WHERE round(p, 2) = 3", "SELECT a FROM t WHERE round(p, 2) = $1", []literal{i("3")}},
		{"between", "SELECT a FROM t WHERE id BETWEEN -1 AND 10 AND s = 'z'", "SELECT a FROM t WHERE id BETWEEN $1 AND $2 AND s = $3", []literal{i("-1"), i("10"), u("z")}},
		{"between expression bound", "SELECT a FROM t WHERE id BETWEEN 1 AND 10 + 1", "SELECT a FROM t WHERE id BETWEEN $1 AND 10 + 1", []literal{i("1")}},
		{"literal on the left", "SELECT a FROM t WHERE 5 = id", "SELECT a FROM t WHERE $1 = id", []literal{i("5")}},
		{"left then IS", "SELECT a FROM t WHERE 5 = id IS NULL", "", nil},
		{"booleans and null stay", "SELECT a FROM t WHERE f = true AND g IS NULL AND h = NULL", "", nil},
		{"join on", "SELECT a FROM t JOIN u ON u.id = t.id AND u.k = 'x' WHERE t.id = 4", "SELECT a FROM t JOIN u ON u.id = t.id AND u.k = $1 WHERE t.id = $2", []literal{u("x"), i("4")}},
		{"having", "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 2", "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > $1", []literal{i("2")}},
		{"collate stays", `SELECT a FROM t WHERE s = 'x' COLLATE "C"`, "", nil},
		{"concatenated strings stay", "SELECT a FROM t WHERE s = 'x'\n'y'", "", nil},
		{"parameter", "SELECT a FROM t WHERE id = $1 AND s = 'x'", "", nil},
		{"unterminated", "SELECT a FROM t WHERE s = 'x", "", nil},
		{"word after", "SELECT a FROM t WHERE s='x'AND id=1", "SELECT a FROM t WHERE s=$1 AND id=$2", []literal{u("x"), i("1")}},
		{"junk after number", "SELECT a FROM t WHERE id = 1abc", "", nil},
		{"nothing", "SELECT a FROM t", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shape, lits, ok := liftLiterals(tc.sql)
			if !ok {
				shape, lits = "", nil
			}
			if shape != tc.shape || !reflect.DeepEqual(lits, tc.lits) {
				t.Fatalf("liftLiterals(%q) = %q %v, want %q %v", tc.sql, shape, lits, tc.shape, tc.lits)
			}
		})
	}
}

func TestOperatorLexing(t *testing.T) {
	for _, tc := range []struct{ sql, op string }{
		{"=-", "="}, {"<>-", "<>"}, {"@-", "@-"}, {"<=", "<="}, {"=--x", "="}, {"+/*", "+"},
	} {
		if got := tc.sql[:opEnd(tc.sql, 0)]; got != tc.op {
			t.Errorf("opEnd(%q) = %q, want %q", tc.sql, got, tc.op)
		}
	}
}

// FuzzLiftLiterals: lifting never panics, and a shape with its literals written back
// lifts to the same shape and literals (the statement it stands for is the one it came
// from).
func FuzzLiftLiterals(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM t WHERE id = 5",
		"SELECT a FROM t WHERE s = 'it''s' AND id IN (1, -2) ORDER BY 1 LIMIT 5",
		"SELECT a FROM t WHERE s = E'a\\'b' OR s = $$x$$ -- c\n AND n BETWEEN -1.5 AND 2e3",
		"SELECT a FROM t JOIN u ON u.k = 'x' WHERE 5 = id /* 'y' */",
		"SELECT a FROM t WHERE s = U&'x' AND b = B'1' AND d = date '2024-01-01'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		shape, lits, ok := liftLiterals(sql)
		if !ok {
			return
		}
		back := restoreLiterals(shape, lits)
		shape2, lits2, ok := liftLiterals(back)
		if !ok || shape2 != shape || !reflect.DeepEqual(lits2, lits) {
			t.Fatalf("%q lifts to %q %v; restored %q lifts to %q %v", sql, shape, lits, back, shape2, lits2)
		}
	})
}

// TestSimpleShapesShared: simple-protocol SELECTs of one shape, from two connections and
// with other literals, run one plan of the shape, each with its own literals; a shape
// whose literal does not fit its parameter is read as text and still answered.
func TestSimpleShapesShared(t *testing.T) {
	_, s := newsServer(t, Config{})
	ctx := testCtx(t)
	a, b := connect(t, dsn(s, "root", "")), connect(t, dsn(s, "root", ""))
	simple := pgx.QueryExecModeSimpleProtocol
	for _, tc := range []struct {
		c    *pgx.Conn
		sql  string
		want string
	}{
		{a, "SELECT title FROM article WHERE id = 1", "hello"},
		{b, "SELECT title FROM article WHERE id = 3", "plain"},
		{a, "SELECT title FROM article WHERE id = '3'", "plain"},
		{b, "SELECT title FROM article WHERE id=1", "hello"},
	} {
		var got string
		if err := tc.c.QueryRow(ctx, tc.sql, simple).Scan(&got); err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		if got != tc.want {
			t.Fatalf("%s: %q, want %q", tc.sql, got, tc.want)
		}
	}
	s.shapes.mu.Lock()
	plans := map[string]bool{}
	for key, e := range s.shapes.m {
		plans[key[strings.LastIndexByte(key, 0)+1:]] = e.p != nil
	}
	// Counted under the lock: the connections' goroutines wrote the map, and the replies
	// the test read over TCP are no happens-before edge for the race detector.
	n := len(s.shapes.m)
	s.shapes.mu.Unlock()
	want := map[string]bool{"SELECT title FROM article WHERE id = $1": true, "SELECT title FROM article WHERE id=$1": true}
	if !reflect.DeepEqual(plans, want) {
		t.Fatalf("shape plans %v, want %v", plans, want)
	}
	if n != 3 { // id = $1 with an integer and with a string, id=$1
		t.Fatalf("%d shape plans, want 3", n)
	}
	rows, err := a.Query(ctx, "SELECT id FROM article WHERE id = 3000000000", simple)
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatalf("an integer past the column's range: %v, want no rows", err)
	}
}

package pgsql

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// testCatalog holds tables as the PostgreSQL mirror declares them (text as binary strings,
// booleans as BOOLEAN).
func testCatalog(t testing.TB) planner.Catalog {
	t.Helper()
	var schemas []*planner.TableSchema
	for _, ddl := range []string{
		"CREATE TABLE users (id INT NOT NULL, name LONGBLOB NOT NULL, city VARBINARY(80), score INT, active BOOLEAN, born DATE, PRIMARY KEY (id))",
		"CREATE TABLE posts (id INT NOT NULL, user_id INT, title LONGBLOB NOT NULL, price DECIMAL(10,2), at DATETIME(6), PRIMARY KEY (id))",
	} {
		st, err := planner.Compile(nil, ddl)
		if err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
		s := st.(*planner.CreateTable).Schema
		schemas = append(schemas, &s)
	}
	return planner.NewMapCatalog(schemas...)
}

// TestLower: PostgreSQL's spellings lower into the planner's text with their meaning kept.
func TestLower(t *testing.T) {
	for _, c := range []struct{ pg, want string }{
		{`SELECT id FROM users WHERE name = $1`, "SELECT `id` FROM `users` WHERE (`name` = ?)"},
		{`SELECT "Id" FROM public.users`, "SELECT `Id` FROM `users`"},
		{`SELECT a || b FROM t`, "SELECT CONCAT(`a`, `b`) AS `?column?` FROM `t`"},
		{`SELECT x FROM t WHERE a IS DISTINCT FROM b`, "SELECT `x` FROM `t` WHERE (NOT (`a` <=> `b`))"},
		{`SELECT x FROM t WHERE a IS NOT DISTINCT FROM $2 AND b = $1`, "SELECT `x` FROM `t` WHERE (((`a` <=> ?)) AND (`b` = ?))"},
		{`SELECT x FROM t ORDER BY x`, "SELECT `x` FROM `t` ORDER BY `x` IS NULL, `x`"},
		{`SELECT x FROM t ORDER BY x DESC`, "SELECT `x` FROM `t` ORDER BY `x` IS NULL DESC, `x` DESC"},
		{`SELECT x FROM t ORDER BY x NULLS FIRST`, "SELECT `x` FROM `t` ORDER BY `x` IS NULL DESC, `x`"},
		{`SELECT x FROM t ORDER BY x DESC NULLS LAST LIMIT 5 OFFSET 2`, "SELECT `x` FROM `t` ORDER BY `x` IS NULL, `x` DESC LIMIT 5 OFFSET 2"},
		{`SELECT x FROM t OFFSET 3 ROWS FETCH FIRST 2 ROWS ONLY`, "SELECT `x` FROM `t` LIMIT 2 OFFSET 3"},
		{`SELECT x FROM t WHERE s ILIKE 'a%'`, "SELECT `x` FROM `t` WHERE (CAST(LOWER(`s`) AS BINARY) LIKE LOWER('a%'))"},
		{`SELECT 'it''s \ here'`, "SELECT 'it''s \\\\ here' AS `?column?`"},
		{`SELECT count(*) FROM t`, "SELECT COUNT(*) AS `count` FROM `t`"},
		{`SELECT x::int, CAST(y AS numeric(5,2)) FROM t`, "SELECT PG_INT4(`x`) AS `x`, CAST(`y` AS DECIMAL(5,2)) AS `y` FROM `t`"},
		{`SELECT s::char(3), s::char, s::bpchar, s::varchar(2) FROM t`, "SELECT PG_BPCHAR(`s`, 3) AS `s`, PG_BPCHAR(`s`, 1) AS `s`, PG_BPCHAR(`s`, 0) AS `s`, CAST(`s` AS CHAR(2)) AS `s` FROM `t`"},
		{`SELECT x FROM t WHERE at > now() - interval '1 day'`, "SELECT `x` FROM `t` WHERE (`at` > (NOW(6) - INTERVAL 1 DAY))"},
		{`SELECT x FROM t WHERE at > now() - interval '1 day 2 hours 30 minutes'`, "SELECT `x` FROM `t` WHERE (`at` > (NOW(6) - INTERVAL 1590 MINUTE))"},
		{`SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN interval '7 days' PRECEDING AND CURRENT ROW) FROM t`, "SELECT SUM(`x`) OVER (ORDER BY `d` IS NULL, `d` RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND CURRENT ROW) AS `sum` FROM `t`"},
		{`SELECT count(*) OVER (PARTITION BY p ORDER BY x GROUPS 1 PRECEDING) FROM t`, "SELECT COUNT(*) OVER (PARTITION BY `p` ORDER BY `x` IS NULL, `x` GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS `count` FROM `t`"},
		{`SELECT min(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING) FROM t`, "SELECT MIN(`x`) OVER (ORDER BY `x` IS NULL, `x` ROWS BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING) AS `min` FROM `t`"},
	} {
		l, err := Lower(c.pg)
		if err != nil {
			t.Errorf("%s: %v", c.pg, err)
			continue
		}
		if l.SQL != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.pg, l.SQL, c.want)
		}
	}
}

// TestLowerParams: `$n` in any order and repeated become markers that Args fills.
func TestLowerParams(t *testing.T) {
	c, err := Compile(testCatalog(t), planner.Database, `SELECT id FROM users WHERE city = $2 AND name = $1 AND score > $2::int - 100`)
	if err == nil {
		t.Fatalf("a parameter compared with two types: want an error, got %s", c.Lowered.SQL)
	}
	c, err = Compile(testCatalog(t), planner.Database, `SELECT id FROM users WHERE city = $2 AND name = $1`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Lowered.NumParams != 2 || len(c.ParamTypes) != 2 {
		t.Fatalf("%d parameters, %d types", c.Lowered.NumParams, len(c.ParamTypes))
	}
	args, ok := c.Args(nil, []dataflow.Value{dataflow.String("ann"), dataflow.String("Paris")})
	if !ok || len(args) != 2 || args[0].RawString() != "Paris" || args[1].RawString() != "ann" {
		t.Fatalf("args %v %v", args, ok)
	}
	if !c.ParamTypes[0].BinaryString() || !c.ParamTypes[1].BinaryString() {
		t.Fatalf("parameter types %v, want the text columns' binary strings", c.ParamTypes)
	}
}

// TestCompileTypes: boolean results are booleans, integer sums bigints, integer division
// truncates, and text keys by its bytes.
func TestCompileTypes(t *testing.T) {
	cat := testCatalog(t)
	c, err := Compile(cat, planner.Database, `SELECT active, score > 1 AS big, sum(score) AS s, score / 2 AS half FROM users GROUP BY active, score`)
	if err != nil {
		t.Fatal(err)
	}
	oids := []uint32{OIDBool, OIDBool, OIDInt8, OIDInt4}
	for i, want := range oids {
		if got := TypeOID(c.Query.Cols[i].Type); got != want {
			t.Errorf("column %s: oid %d, want %d (%s)", c.Query.Cols[i].Name, got, want, c.Query.Cols[i].Type)
		}
	}
}

// TestResultTypes: integer results have PostgreSQL's widths: the widest operand's for
// arithmetic, abs, mod, coalesce, greatest and least (an integer literal is an integer), an
// integer for lengths, positions and date differences, a cast's target; extract() and ceil()
// of a numeric are numerics; a mirrored varchar column is a varchar, a cast to text a text.
// A constant past its width fails as PostgreSQL's folding of it does.
func TestResultTypes(t *testing.T) {
	cat := testCatalog(t)
	for sql, want := range map[string]uint32{
		`SELECT score + 1 FROM users`:                         OIDInt4,
		`SELECT -score FROM users`:                            OIDInt4,
		`SELECT score * id % 7 FROM users`:                    OIDInt4,
		`SELECT score + 3000000000 FROM users`:                OIDInt8,
		`SELECT sum(score) + 1 FROM users`:                    OIDInt8,
		`SELECT abs(score) FROM users`:                        OIDInt4,
		`SELECT mod(score, 3) FROM users`:                     OIDInt4,
		`SELECT coalesce(score, id, -1) FROM users`:           OIDInt4,
		`SELECT greatest(score, 6) FROM users`:                OIDInt4,
		`SELECT length(name) FROM users`:                      OIDInt4,
		`SELECT strpos(name, 'a') FROM users`:                 OIDInt4,
		`SELECT born - date '2024-01-01' FROM users`:          OIDInt4,
		`SELECT 7 / 2`:                                        OIDInt4,
		`SELECT 1`:                                            OIDInt4,
		`SELECT extract(year FROM born) FROM users`:           OIDNumeric,
		`SELECT ceil(price), floor(price) FROM posts`:         OIDNumeric,
		`SELECT sum(score) OVER (PARTITION BY id) FROM users`: OIDInt8,
		`SELECT price::int FROM posts`:                        OIDInt4,
		`SELECT score::smallint FROM users`:                   OIDInt2,
		`SELECT score::bigint FROM users`:                     OIDInt8,
		`SELECT score::text FROM users`:                       OIDText,
		`SELECT score::varchar(3) FROM users`:                 OIDVarchar,
		`SELECT city FROM users`:                              OIDVarchar,
		`SELECT name FROM users`:                              OIDText,
		`SELECT 'a'`:                                          OIDText,
	} {
		c, err := Compile(cat, planner.Database, sql)
		if err != nil {
			t.Errorf("%s: %v", sql, err)
			continue
		}
		if got := TypeOID(c.Query.Cols[0].Type); got != want {
			t.Errorf("%s: oid %d, want %d (%s)", sql, got, want, c.Query.Cols[0].Type)
		}
	}
	_, err := Compile(cat, planner.Database, `SELECT 2147483647 + 1`)
	var pe *Error
	if !errors.As(err, &pe) || pe.SQLState != "22003" {
		t.Errorf("SELECT 2147483647 + 1: %v, want 22003", err)
	}
}

// TestUntypedLiterals: an untyped literal takes the type its place requires, as pgx's
// simple protocol writes every argument as one: a boolean compared with a boolean, a bigint
// as LIMIT's count.
func TestUntypedLiterals(t *testing.T) {
	cat := testCatalog(t)
	for sql, want := range map[string]string{
		`SELECT id FROM users WHERE active = 'true'`:    "Filter ($4 = 1)",
		`SELECT id FROM users WHERE 'off' = active`:     "Filter (0 = $4)",
		`SELECT id FROM users ORDER BY id LIMIT  '2'`:   "LIMIT 2",
		`SELECT id FROM users ORDER BY id OFFSET ' 3 '`: "OFFSET 3",
	} {
		c, err := Compile(cat, planner.Database, sql)
		if err != nil {
			t.Errorf("%s: %v", sql, err)
			continue
		}
		if got := c.Query.String() + " " + c.Lowered.SQL; !strings.Contains(got, want) {
			t.Errorf("%s: %s, want %s in it", sql, got, want)
		}
	}
	for sql, state := range map[string]string{
		`SELECT id FROM users WHERE active = 'maybe'`: "22P02",
		`SELECT id FROM users LIMIT 'two'`:            "22P02",
		`SELECT 1 / 0`:                                "22012",
		`SELECT id, 7 % 0 FROM users`:                 "22012",
		`SELECT 1.5 / 0.0`:                            "22012",
	} {
		_, err := Compile(cat, planner.Database, sql)
		var pe *Error
		if !errors.As(err, &pe) || pe.SQLState != state {
			t.Errorf("%s: %v, want %s", sql, err, state)
		}
	}
}

// TestRefusals: what Weir does not compute is 0A000 naming the construct; names that do not
// resolve carry PostgreSQL's codes.
func TestRefusals(t *testing.T) {
	cat := testCatalog(t)
	for sql, want := range map[string]string{
		`SELECT DISTINCT ON (name) id FROM users ORDER BY id`:                            "42P10 SELECT DISTINCT ON expressions",
		`SELECT DISTINCT ON (name) * FROM users`:                                         "0A000 DISTINCT ON with *",
		`SELECT string_agg(name, ',' ORDER BY id) FROM users`:                            "0A000 string_agg() ordered by",
		`SELECT string_agg(name, city) FROM users`:                                       "0A000 string_agg() with a separator",
		`INSERT INTO users (id, name) VALUES (1, 'a')`:                                   "0A000 INSERT",
		`UPDATE users SET name = 'b'`:                                                    "0A000 UPDATE",
		`SELECT id FROM users FOR UPDATE`:                                                "0A000 FOR UPDATE",
		`SELECT u.id FROM users u FULL JOIN posts p ON u.id < p.id`:                      "0A000 FULL JOIN",
		`SELECT u.id FROM users u FULL JOIN posts p USING (id)`:                          "0A000 FULL JOIN with USING",
		`SELECT u.id FROM users u NATURAL FULL JOIN posts p`:                             "0A000 FULL JOIN with USING or NATURAL",
		`SELECT pg_full_join() FROM users`:                                               "0A000 pg_full_join",
		`SELECT id FROM users, LATERAL (SELECT 1) x`:                                     "0A000 LATERAL",
		`SELECT id FROM users WHERE name SIMILAR TO 'a%'`:                                "0A000 SIMILAR TO",
		`SELECT id FROM users WHERE id = ANY($1)`:                                        "0A000 ANY/ALL",
		`SELECT id FROM users INTERSECT SELECT id FROM posts`:                            "0A000 INTERSECT",
		`WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r`:                                 "0A000 WITH RECURSIVE",
		`SELECT random() FROM users`:                                                     "0A000 random()",
		`SELECT id FROM other.users`:                                                     "0A000 outside schema public",
		`SELECT id FROM users ORDER BY id FETCH FIRST 1 ROWS WITH TIES`:                  "0A000 WITH TIES",
		`SELECT born - born::timestamp FROM users`:                                       "0A000 interval",
		`SELECT count(*) OVER (PARTITION BY id GROUPS CURRENT ROW) FROM users`:           "42P20 GROUPS mode requires an ORDER BY",
		`SELECT count(*) OVER (ORDER BY id ROWS CURRENT ROW EXCLUDE TIES) FROM users`:    "0A000 EXCLUDE",
		`SELECT count(*) OVER (ORDER BY id RANGE interval '1 day' PRECEDING) FROM users`: "0A000 INTERVAL bound value not allowed",
		`SELECT count(*) OVER (ORDER BY id, name RANGE 1 PRECEDING) FROM users`:          "42P20 single sort key",
		`SELECT first_value(id) FROM users`:                                              "42809 requires an OVER clause",
		`SELECT id FROM nosuch`:                                                          "42P01 nosuch",
		`SELECT nosuch FROM users`:                                                       "42703 nosuch",
		`SELECT id FROM users JOIN posts ON true`:                                        "42702 id",
		`SELEC id FROM users`:                                                            "42601 syntax error",
		`SELECT 1; SELECT 2`:                                                             "0A000 several statements",
	} {
		_, err := Compile(cat, planner.Database, sql)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want an *Error", sql, err)
			continue
		}
		state, word, _ := strings.Cut(want, " ")
		if pe.SQLState != state || !strings.Contains(pe.Msg, word) {
			t.Errorf("%s: %s %s, want %s naming %q", sql, pe.SQLState, pe.Msg, state, word)
		}
	}
}

// FuzzLower feeds arbitrary text, and the PostgreSQL scenarios' queries, to Compile: it
// answers with a plan or an *Error carrying a SQLSTATE, and never panics.
func FuzzLower(f *testing.F) {
	files, _ := filepath.Glob("../../conformance/testdata/postgres/*.sql")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, stmt := range strings.Split(string(b), ";\n") {
			var lines []string
			for _, l := range strings.Split(stmt, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(l), "--") && !strings.HasPrefix(strings.TrimSpace(l), "#") {
					lines = append(lines, l)
				}
			}
			if s := strings.TrimSpace(strings.Join(lines, "\n")); strings.HasPrefix(strings.ToUpper(s), "SELECT") || strings.HasPrefix(strings.ToUpper(s), "WITH") {
				f.Add(s)
			}
		}
	}
	f.Add("SELECT $0")
	f.Add("SELECT $99999999999")
	f.Add("SELECT ((((((((((1))))))))))")
	f.Add("SELECT x FROM (SELECT 1) ORDER BY 1")
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, sql string) {
		c, err := Compile(cat, planner.Database, sql)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.SQLState == "" || len(pe.SQLState) != 5 || pe.Msg == "" {
				t.Fatalf("%q: %v, want an *Error with a SQLSTATE", sql, err)
			}
			return
		}
		if c.Query == nil || c.Lowered.NumParams != len(c.ParamTypes) {
			t.Fatalf("%q: incomplete result %+v", sql, c)
		}
		for _, m := range c.Lowered.Markers {
			if m < 0 || m >= c.Lowered.NumParams {
				t.Fatalf("%q: marker for $%d of %d parameters", sql, m+1, c.Lowered.NumParams)
			}
		}
		if len(c.Lowered.Markers) != c.Query.NumParams {
			t.Fatalf("%q: %d markers, the plan takes %d", sql, len(c.Lowered.Markers), c.Query.NumParams)
		}
	})
}

// TestDeepNesting: deeply nested input is refused, not followed down the stack.
func TestDeepNesting(t *testing.T) {
	sql := "SELECT " + strings.Repeat("1 + (", 300) + "1" + strings.Repeat(")", 300)
	if _, err := Lower(sql); err == nil {
		t.Fatal("300 nested expressions lowered; want a refusal")
	}
}

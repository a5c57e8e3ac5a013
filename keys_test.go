package weir_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// keyStep is one statement of a key scenario: the error it must fail with (code and
// message), or the rows it must affect.
type keyStep struct {
	sql      string
	code     int
	msg      string
	affected int64
}

// runKeySteps runs steps in order on e and then compares table's rows (sorted) with want.
func runKeySteps(t *testing.T, e *weir.Engine, steps []keyStep, table string, want []string) {
	t.Helper()
	ctx := context.Background()
	for _, s := range steps {
		res, err := e.Exec(ctx, s.sql)
		if s.code != 0 {
			code, _, _ := weir.ErrorCode(err)
			if code != s.code || !strings.Contains(fmt.Sprint(err), s.msg) {
				t.Fatalf("%s: got %v, want error %d %q", s.sql, err, s.code, s.msg)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", s.sql, err)
		}
		if res.RowsAffected != s.affected {
			t.Fatalf("%s: %d rows affected, want %d", s.sql, res.RowsAffected, s.affected)
		}
	}
	if got := tableRows(t, e, table); !slices.Equal(got, want) {
		t.Fatalf("%s holds\n%s\nwant\n%s", table, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func tableRows(t *testing.T, e *weir.Engine, table string) []string {
	t.Helper()
	rows, err := e.TableRows(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r))
	}
	slices.Sort(out)
	return out
}

// TestUniqueKeys: unique keys are enforced on every kind of write, with MySQL's error
// message, conflict order and affected-row counts, and a failed statement leaves nothing.
func TestUniqueKeys(t *testing.T) {
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(20) UNIQUE, a INT, b INT, n INT, UNIQUE KEY ab (a, b))")
	runKeySteps(t, e, []keyStep{
		{sql: "INSERT INTO u VALUES (1, 'x@a', 1, 1, 0), (2, 'y@a', 1, 2, 0)", affected: 2},
		// Case-insensitive collation: 'X@A' is 'x@a'.
		{sql: "INSERT INTO u VALUES (3, 'X@A', 5, 5, 0)", code: 1062, msg: "Duplicate entry 'X@A' for key 'email'"},
		{sql: "INSERT INTO u VALUES (3, 'z@a', 1, 2, 0)", code: 1062, msg: "Duplicate entry '1-2' for key 'ab'"},
		// The primary key is checked first.
		{sql: "INSERT INTO u VALUES (1, 'x@a', 1, 1, 0)", code: 1062, msg: "Duplicate entry '1' for key 'PRIMARY'"},
		// A statement that fails part way leaves no row behind.
		{sql: "INSERT INTO u VALUES (3, 'z@a', 3, 3, 0), (4, 'z@a', 4, 4, 0)", code: 1062, msg: "Duplicate entry 'z@a' for key 'email'"},
		// NULLs never collide.
		{sql: "INSERT INTO u VALUES (5, NULL, NULL, 1, 0), (6, NULL, NULL, 1, 0), (7, NULL, 1, NULL, 0)", affected: 3},
		{sql: "INSERT IGNORE INTO u VALUES (8, 'x@a', 9, 9, 0), (9, 'w@a', 9, 9, 0)", affected: 1},
		// UPDATE visits rows in primary-key order and checks each against the table as the
		// rows before it left it.
		{sql: "UPDATE u SET b = b + 1 WHERE id IN (1, 2)", code: 1062, msg: "Duplicate entry '1-2' for key 'ab'"},
		{sql: "UPDATE u SET email = 'y@A' WHERE id = 1", code: 1062, msg: "Duplicate entry 'y@A' for key 'email'"},
		{sql: "UPDATE u SET email = 'X@a' WHERE id = 1", affected: 1},
		// Upsert: the first colliding row (in key order) is updated; the update may collide.
		{sql: "INSERT INTO u VALUES (10, 'y@a', 7, 7, 0) ON DUPLICATE KEY UPDATE n = n + 1", affected: 2},
		{sql: "INSERT INTO u VALUES (10, 'q@a', 1, 2, 0) ON DUPLICATE KEY UPDATE email = 'w@a'", code: 1062, msg: "Duplicate entry 'w@a' for key 'email'"},
		// REPLACE deletes every row it collides with (ids 2 and 1) and updates the one that
		// collides on the last unique key (9) in place: 1 + 1 + 2.
		{sql: "REPLACE INTO u VALUES (2, 'x@a', 9, 9, 5)", affected: 4},
	}, "u", []string{
		`[2, "x@a", 9, 9, 5]`,
		`[5, NULL, NULL, 1, 0]`,
		`[6, NULL, NULL, 1, 0]`,
		`[7, NULL, 1, NULL, 0]`,
	})
}

// TestReplaceCountsAsMySQL: a REPLACE that collides on the last unique key updates that row
// in place (two affected rows, one if it is identical); on an earlier key it deletes.
func TestReplaceCountsAsMySQL(t *testing.T) {
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE p (id INT PRIMARY KEY, v INT)")
	mustExec(t, e, "CREATE TABLE q (id INT PRIMARY KEY, u INT UNIQUE, v INT)")
	runKeySteps(t, e, []keyStep{
		{sql: "INSERT INTO p VALUES (1, 1)", affected: 1},
		{sql: "REPLACE INTO p VALUES (1, 1)", affected: 1},
		{sql: "REPLACE INTO p VALUES (1, 2)", affected: 2},
		{sql: "INSERT INTO q VALUES (1, 1, 1)", affected: 1},
		{sql: "REPLACE INTO q VALUES (2, 1, 1)", affected: 2},
		{sql: "REPLACE INTO q VALUES (2, 1, 1)", affected: 2},
		{sql: "REPLACE INTO q VALUES (3, 1, 7)", affected: 2},
		{sql: "REPLACE INTO q VALUES (3, 1, 7)", affected: 2},
	}, "q", []string{"[3, 1, 7]"})
	if got := tableRows(t, e, "p"); !slices.Equal(got, []string{"[1, 2]"}) {
		t.Fatalf("p holds %v", got)
	}
}

// TestIndexDDL: CREATE INDEX, DROP INDEX and ALTER TABLE … ADD/DROP INDEX change the keys a
// write is checked against; a unique index the rows violate is refused.
func TestIndexDDL(t *testing.T) {
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE d (id INT PRIMARY KEY, v VARCHAR(5), w INT)")
	runKeySteps(t, e, []keyStep{
		{sql: "INSERT INTO d VALUES (1, 'a', 1), (2, 'A', 2), (3, NULL, 2), (4, NULL, 3)", affected: 4},
		{sql: "CREATE UNIQUE INDEX uv ON d (v)", code: 1062, msg: "Duplicate entry 'a' for key 'uv'"},
		{sql: "ALTER TABLE d ADD UNIQUE (w)", code: 1062, msg: "Duplicate entry '2' for key 'w'"},
		{sql: "CREATE UNIQUE INDEX vw ON d (v, w)"},
		{sql: "CREATE INDEX vw ON d (w)", code: 1061, msg: "Duplicate key name 'vw'"},
		{sql: "INSERT INTO d VALUES (5, 'A', 2)", code: 1062, msg: "Duplicate entry 'A-2' for key 'vw'"},
		{sql: "DROP INDEX nope ON d", code: 1091, msg: "Can't DROP INDEX `nope`; check that it exists"},
		{sql: "ALTER TABLE d DROP INDEX vw, ADD INDEX (v)"},
		{sql: "INSERT INTO d VALUES (5, 'A', 2)", affected: 1},
	}, "d", []string{`[1, "a", 1]`, `[2, "A", 2]`, `[3, NULL, 2]`, `[4, NULL, 3]`, `[5, "A", 2]`})
	sc, err := e.Table("d")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Indexes) != 1 || sc.Indexes[0].Name != "v" || sc.Indexes[0].Unique() {
		t.Fatalf("indexes after ALTER: %+v", sc.Indexes)
	}
}

// TestRestartKeepsIndexes: unique keys, indexes added and dropped by DDL, and the
// AUTO_INCREMENT table option survive a restart, and the unique keys are enforced over the
// rows loaded from the store.
func TestRestartKeepsIndexes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE k (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(20), code INT, tag VARCHAR(10), UNIQUE KEY em (email), KEY (tag)) ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4 COMMENT='people'")
	mustExec(t, e, "INSERT INTO k (email, code, tag) VALUES ('a@x', 1, 't'), ('b@x', 2, 't')")
	mustExec(t, e, "CREATE UNIQUE INDEX by_code ON k (code)")
	mustExec(t, e, "ALTER TABLE k DROP INDEX tag")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	sc, err := e.Table("k")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ix := range sc.Indexes {
		names = append(names, ix.Name)
	}
	if !slices.Equal(names, []string{"em", "by_code"}) || sc.Comment != "people" {
		t.Fatalf("after restart: indexes %v, comment %q", names, sc.Comment)
	}
	runKeySteps(t, e, []keyStep{
		{sql: "INSERT INTO k (email, code) VALUES ('A@X', 3)", code: 1062, msg: "Duplicate entry 'A@X' for key 'em'"},
		{sql: "INSERT INTO k (email, code) VALUES ('c@x', 2)", code: 1062, msg: "Duplicate entry '2' for key 'by_code'"},
		{sql: "INSERT INTO k (email, code) VALUES ('c@x', 3)", affected: 1},
	}, "k", []string{`[100, "a@x", 1, "t"]`, `[101, "b@x", 2, "t"]`, `[102, "c@x", 3, NULL]`})
	_ = ctx
}

package weir_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testclock"
)

func tableTexts(t *testing.T, e *weir.Engine, name string) []string {
	t.Helper()
	rows, err := e.TableRows(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		parts := make([]string, len(r))
		for i, v := range r {
			parts[i] = v.ToText()
			if v.IsNull() {
				parts[i] = "NULL"
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	slices.Sort(out)
	return out
}

func wantTable(t *testing.T, e *weir.Engine, name string, want ...string) {
	t.Helper()
	got := tableTexts(t, e, name)
	if !slices.Equal(got, want) {
		t.Fatalf("table %s = %q, want %q", name, got, want)
	}
}

func TestClockDefaultsAndFunctionsInWrites(t *testing.T) {
	clock := testclock.At(time.Date(2024, 3, 1, 10, 20, 30, 123456789, time.UTC))
	e := open(t, weir.Options{Clock: clock.Now})
	mustExec(t, e, `CREATE TABLE orders (
		id INT PRIMARY KEY AUTO_INCREMENT,
		note VARCHAR(20),
		created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
		created_ms DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
		day DATE DEFAULT CURRENT_TIMESTAMP,
		updated_at TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)`)
	mustExec(t, e, "INSERT INTO orders (note) VALUES ('a')")
	mustExec(t, e, "INSERT INTO orders (note, created_at) VALUES ('b', NOW()), ('c', DEFAULT)")
	wantTable(t, e, "orders",
		"1|a|2024-03-01 10:20:30|2024-03-01 10:20:30.123|2024-03-01|NULL",
		"2|b|2024-03-01 10:20:30|2024-03-01 10:20:30.123|2024-03-01|NULL",
		"3|c|2024-03-01 10:20:30|2024-03-01 10:20:30.123|2024-03-01|NULL")

	// ON UPDATE: only rows whose values change, and not a column the UPDATE sets itself.
	clock.Set(time.Date(2024, 3, 2, 8, 0, 0, 0, time.UTC))
	if res := mustExec(t, e, "UPDATE orders SET note = 'a' WHERE id = 1"); res.RowsAffected != 0 {
		t.Fatalf("unchanged row affected: %+v", res)
	}
	mustExec(t, e, "UPDATE orders SET note = 'bb' WHERE id = 2")
	mustExec(t, e, "UPDATE orders SET note = 'cc', updated_at = '2000-01-01 00:00:00' WHERE id = 3")
	wantTable(t, e, "orders",
		"1|a|2024-03-01 10:20:30|2024-03-01 10:20:30.123|2024-03-01|NULL",
		"2|bb|2024-03-01 10:20:30|2024-03-01 10:20:30.123|2024-03-01|2024-03-02 08:00:00",
		"3|cc|2024-03-01 10:20:30|2024-03-01 10:20:30.123|2024-03-01|2000-01-01 00:00:00")

	// Clock functions in INSERT, UPDATE and a DELETE's WHERE, all read once per statement.
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at DATETIME(6), d DATE, u BIGINT, utc DATETIME)")
	mustExec(t, e, "INSERT INTO ev VALUES (1, NOW(6), CURDATE(), UNIX_TIMESTAMP(), UTC_TIMESTAMP()), (2, CURRENT_TIMESTAMP(2), CURRENT_DATE, 0, LOCALTIMESTAMP)")
	wantTable(t, e, "ev",
		"1|2024-03-02 08:00:00.000000|2024-03-02|1709366400|2024-03-02 08:00:00",
		"2|2024-03-02 08:00:00.000000|2024-03-02|0|2024-03-02 08:00:00")
	clock.Set(time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC))
	mustExec(t, e, "UPDATE ev SET at = NOW() WHERE id = 2")
	if res := mustExec(t, e, "DELETE FROM ev WHERE at < NOW()"); res.RowsAffected != 1 {
		t.Fatalf("DELETE … WHERE at < NOW() affected %d rows, want 1", res.RowsAffected)
	}
	wantTable(t, e, "ev", "2|2024-03-05 00:00:00.000000|2024-03-02|0|2024-03-02 08:00:00")

	// Chance: RAND() and UUID() are drawn for every row.
	mustExec(t, e, "CREATE TABLE tokens (id INT PRIMARY KEY, r DOUBLE, u CHAR(36))")
	mustExec(t, e, "INSERT INTO tokens VALUES (1, RAND(), UUID()), (2, RAND(), UUID())")
	rows := tableTexts(t, e, "tokens")
	if len(rows) != 2 {
		t.Fatalf("tokens: %q", rows)
	}
	a, b := strings.Split(rows[0], "|"), strings.Split(rows[1], "|")
	if a[1] == b[1] || a[2] == b[2] || len(a[2]) != 36 || a[2][14] != '4' {
		t.Fatalf("RAND() and UUID() not drawn per row: %q", rows)
	}

	// A SELECT computing a value from the clock stays refused: it would change every
	// instant (a WHERE comparison with NOW() is a time window: temporal_test.go).
	if _, err := e.Query(context.Background(), "SELECT id, NOW() FROM ev"); err == nil {
		t.Fatal("SELECT of NOW() was accepted")
	}
}

func TestClockClausesAreChecked(t *testing.T) {
	e := open(t, weir.Options{})
	for _, c := range []struct {
		sql  string
		code int
	}{
		{"CREATE TABLE t (id INT PRIMARY KEY, n INT ON UPDATE CURRENT_TIMESTAMP)", 1294},
		{"CREATE TABLE t (id INT PRIMARY KEY, d DATE ON UPDATE CURRENT_TIMESTAMP)", 1294},
		{"CREATE TABLE t (id INT PRIMARY KEY, d DATETIME DEFAULT NOW(7))", 1426},
	} {
		_, err := e.Exec(context.Background(), c.sql)
		if code, _, ok := weir.ErrorCode(err); !ok || code != c.code {
			t.Errorf("%s: %v, want error %d", c.sql, err, c.code)
		}
	}
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, at DATETIME)")
	for _, sql := range []string{
		"DELETE FROM t WHERE RAND() < 0.5",
		"INSERT INTO t VALUES (1, NOW(7))",
		"INSERT INTO t (id) VALUES (RAND(1))",
	} {
		if _, err := e.Exec(context.Background(), sql); err == nil {
			t.Errorf("%s: accepted", sql)
		}
	}
}

func TestTruncate(t *testing.T) {
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE items (id INT PRIMARY KEY AUTO_INCREMENT, cat INT, name VARCHAR(10))")
	mustExec(t, e, "INSERT INTO items (cat, name) VALUES (1, 'a'), (1, 'b'), (2, 'c')")
	byCat := mustRegister(t, e, "by_cat", "SELECT name FROM items WHERE cat = ? ORDER BY name")
	counts := mustRegister(t, e, "counts", "SELECT cat, COUNT(*) FROM items GROUP BY cat")
	r, err := byCat.Lookup(context.Background(), 1)
	wantRows(t, r, err, "a", "b")
	res := mustExec(t, e, "TRUNCATE TABLE items")
	if res.RowsAffected != 0 || res.Token == 0 {
		t.Fatalf("TRUNCATE: %+v", res)
	}
	r, err = byCat.LookupAfter(context.Background(), res.Token, 1)
	wantRows(t, r, err)
	r, err = counts.LookupAfter(context.Background(), res.Token)
	wantRows(t, r, err)
	if res := mustExec(t, e, "INSERT INTO items (cat, name) VALUES (1, 'd')"); res.LastInsertID != 1 {
		t.Fatalf("AUTO_INCREMENT after TRUNCATE: %+v", res)
	}
	res = mustExec(t, e, "TRUNCATE items")
	r, err = counts.LookupAfter(context.Background(), res.Token)
	wantRows(t, r, err)
	if _, err := e.Exec(context.Background(), "TRUNCATE TABLE nope"); err == nil {
		t.Fatal("TRUNCATE of a missing table succeeded")
	}
}

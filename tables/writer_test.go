package tables

import (
	"errors"
	"fmt"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// newTestTable creates a table from its DDL.
func newTestTable(t *testing.T, ddl string) *Table {
	t.Helper()
	st, err := planner.Compile(nil, ddl)
	if err != nil {
		t.Fatal(err)
	}
	sc := st.(*planner.CreateTable).Schema
	return New(ddl, &sc)
}

// exec runs one write on tb as the engine does: applied at once, rolled back on error.
func exec(t *testing.T, tb *Table, sql string) error {
	t.Helper()
	st, err := planner.Compile(planner.NewMapCatalog(tb.Schema), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	w := NewWriter(tb, nil)
	switch s := st.(type) {
	case *planner.Insert:
		err = w.Insert(s)
	case *planner.Update:
		err = w.Update(s)
	case *planner.Delete:
		err = w.Delete(s)
	default:
		t.Fatalf("%s: not a write", sql)
	}
	if err != nil {
		w.Rollback()
	}
	return err
}

func mustWrite(t *testing.T, tb *Table, sql string) {
	t.Helper()
	if err := exec(t, tb, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func wantDup(t *testing.T, tb *Table, sql, msg string) {
	t.Helper()
	err := exec(t, tb, sql)
	var pe *planner.Error
	if !errors.As(err, &pe) || pe.Code != codeDupEntry || pe.Msg != msg {
		t.Fatalf("%s: got %v, want 1062 %q", sql, err, msg)
	}
}

// TestRollbackRestoresUniqueIndex: a statement that fails on a unique key leaves the index
// as it found it: the values its earlier rows inserted, updated away or deleted are free or
// taken exactly as before.
func TestRollbackRestoresUniqueIndex(t *testing.T) {
	tb := newTestTable(t, "CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(5) UNIQUE)")
	mustWrite(t, tb, "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
	wantDup(t, tb, "INSERT INTO t VALUES (4, 'x'), (5, 'B')", "Duplicate entry 'B' for key 'u'")
	// Rows visited in primary-key order: 1 -> 'y' succeeds, then 2 -> 'C' collides.
	wantDup(t, tb, "UPDATE t SET u = CASE id WHEN 1 THEN 'y' WHEN 2 THEN 'C' ELSE u END", "Duplicate entry 'C' for key 'u'")
	// REPLACE deletes row 1 for (9, 'a'), then fails on a NULL primary key.
	if err := exec(t, tb, "REPLACE INTO t VALUES (9, 'a'), (NULL, 'z')"); err == nil {
		t.Fatal("REPLACE with a NULL primary key succeeded")
	}
	mustWrite(t, tb, "INSERT INTO t VALUES (6, 'x'), (7, 'y'), (9, 'q')")
	wantDup(t, tb, "INSERT INTO t VALUES (8, 'A')", "Duplicate entry 'A' for key 'u'")
	wantDup(t, tb, "UPDATE t SET u = 'Q' WHERE id = 2", "Duplicate entry 'Q' for key 'u'")
	mustWrite(t, tb, "DELETE FROM t WHERE id = 9")
	mustWrite(t, tb, "UPDATE t SET u = 'Q' WHERE id = 2")
	if got := fmt.Sprint(rows(tb)); got != "map[1:a 2:Q 3:c 6:x 7:y]" {
		t.Fatalf("table holds %s", got)
	}
}

// rows maps each row's first column to its second, as text.
func rows(tb *Table) map[string]string {
	out := map[string]string{}
	tb.Base.Scan(func(_ string, r dataflow.Row) bool {
		out[r[0].ToText()] = r[1].ToText()
		return true
	})
	return out
}

// TestUniqueWithoutPrimaryKeyAfterCompact: in a table without a primary key, rows are
// renumbered when most are deleted (Base.Compact); the unique index follows them.
func TestUniqueWithoutPrimaryKeyAfterCompact(t *testing.T) {
	tb := newTestTable(t, "CREATE TABLE t (n INT, u INT, UNIQUE KEY uk (u))")
	for i := range 20 {
		var b []byte
		b = fmt.Appendf(b, "INSERT INTO t VALUES ")
		for j := range 100 {
			if j > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, "(%d, %d)", i*100+j, i*100+j)
		}
		mustWrite(t, tb, string(b))
	}
	mustWrite(t, tb, "DELETE FROM t WHERE n < 1500")
	if !tb.Base.Compact() {
		t.Fatal("no compaction after deleting three quarters of the rows")
	}
	wantDup(t, tb, "INSERT INTO t VALUES (1, 1999)", "Duplicate entry '1999' for key 'uk'")
	wantDup(t, tb, "UPDATE t SET u = 1600 WHERE n = 1700", "Duplicate entry '1600' for key 'uk'")
	mustWrite(t, tb, "INSERT INTO t VALUES (1, 1), (NULL, NULL), (NULL, NULL)")
	mustWrite(t, tb, "UPDATE t SET u = u + 10000 WHERE n >= 1500")
	wantDup(t, tb, "INSERT INTO t VALUES (2, 11999)", "Duplicate entry '11999' for key 'uk'")
}

// TestCheckIndexes: a unique key added to a table whose rows hold a duplicate is refused
// with the value of the row met first; NULLs and case-insensitive equals are judged as
// writes judge them.
func TestCheckIndexes(t *testing.T) {
	tb := newTestTable(t, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5), w INT)")
	mustWrite(t, tb, "INSERT INTO t VALUES (1, 'a', NULL), (2, 'A', NULL), (3, 'b', 1)")
	alter := func(sql string) (*planner.TableSchema, error) {
		st, err := planner.Compile(planner.NewMapCatalog(tb.Schema), sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		sc := st.(*planner.AlterIndexes).Schema
		return &sc, tb.CheckIndexes(&sc)
	}
	if _, err := alter("CREATE UNIQUE INDEX vx ON t (v)"); err == nil || err.Error() != "Duplicate entry 'a' for key 'vx'" {
		t.Fatalf("unique index over 'a' and 'A': %v", err)
	}
	sc, err := alter("ALTER TABLE t ADD UNIQUE (w), ADD INDEX (v)")
	if err != nil {
		t.Fatalf("unique index over NULL, NULL, 1: %v", err)
	}
	tb.SetSchema(planner.CreateTableSQL(sc, 0), sc)
	wantDup(t, tb, "INSERT INTO t VALUES (4, 'c', 1)", "Duplicate entry '1' for key 'w'")
	mustWrite(t, tb, "INSERT INTO t VALUES (4, 'A', NULL)")
}

// TestWritesThroughUniqueKeyLookups: UPDATE and DELETE that pin a unique key find their rows
// through its index, case-insensitively, and still apply the rest of the WHERE clause.
func TestWritesThroughUniqueKeyLookups(t *testing.T) {
	tb := newTestTable(t, "CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(5), n INT, UNIQUE KEY (u))")
	mustWrite(t, tb, "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2), (3, NULL, 3), (4, 'd', 4)")
	mustWrite(t, tb, "UPDATE t SET u = CONCAT(u, '2') WHERE u IN ('A', 'B', NULL) AND n > 1")
	mustWrite(t, tb, "DELETE FROM t WHERE u = 'D' AND id = 4")
	mustWrite(t, tb, "DELETE FROM t WHERE u = NULL")
	if got := fmt.Sprint(rows(tb)); got != "map[1:a 2:b2 3:NULL]" {
		t.Fatalf("table holds %s", got)
	}
}

// TestUpdateIgnore: UPDATE IGNORE leaves each row whose new values collide as it was, in
// primary-key order, and counts it found but not changed.
func TestUpdateIgnore(t *testing.T) {
	tb := newTestTable(t, "CREATE TABLE t (id INT PRIMARY KEY, u INT UNIQUE)")
	mustWrite(t, tb, "INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)")
	st, err := planner.Compile(planner.NewMapCatalog(tb.Schema), "UPDATE IGNORE t SET u = u + 1")
	if err != nil {
		t.Fatal(err)
	}
	w := NewWriter(tb, nil)
	if err := w.Update(st.(*planner.Update)); err != nil {
		t.Fatal(err)
	}
	if affected, unchanged, _ := w.Counts(); affected != 1 || unchanged != 2 {
		t.Fatalf("affected %d, unchanged %d; want 1, 2", affected, unchanged)
	}
	if got := fmt.Sprint(rows(tb)); got != "map[1:1 2:2 3:4]" {
		t.Fatalf("table holds %s", got)
	}
}

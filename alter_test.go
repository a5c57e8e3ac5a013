package weir_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/weirdb/weir"
)

// TestAlterTableSurvivesRestart: an ALTER TABLE's new definition and converted rows are
// what a restart finds, AUTO_INCREMENT goes on where it was, and a named cache over the
// table is planned again over the new definition, before and after the restart.
func TestAlterTableSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE item (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(10) NOT NULL, qty INT)")
	mustExec(t, e, "INSERT INTO item (name, qty) VALUES ('a', 1), ('b', NULL), ('c', 3)")
	v := mustRegister(t, e, "by_id", "SELECT name, qty FROM item WHERE id = ?")
	if _, err := v.Lookup(ctx, 1); err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "ALTER TABLE item ADD COLUMN price DECIMAL(6,2) NOT NULL DEFAULT 9.50 AFTER name, MODIFY qty BIGINT, RENAME COLUMN name TO title")
	// The cache read title's old name: it no longer fits and is dropped, with a warning.
	res := mustExec(t, e, "ALTER TABLE item RENAME TO goods")
	if len(res.Warnings) != 0 {
		t.Errorf("renaming reported %v; the cache was dropped by the earlier ALTER", res.Warnings)
	}
	mustRegister(t, e, "goods_by_id", "SELECT title, price, qty FROM goods WHERE id = ?")
	last := mustExec(t, e, "INSERT INTO goods (title, qty) VALUES ('d', 4)")
	if last.LastInsertID != 4 {
		t.Errorf("AUTO_INCREMENT after ALTER gave %d, want 4", last.LastInsertID)
	}
	read := func(e *weir.Engine) string {
		t.Helper()
		v, err := e.View("goods_by_id")
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for id := 1; id <= 4; id++ {
			rows, err := v.LookupAfter(ctx, last.Token, id)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows.Len() {
				out += fmt.Sprint(rows.Row(i)) + " "
			}
		}
		return out
	}
	want := `["a" 9.50 1] ["b" 9.50 NULL] ["c" 9.50 3] ["d" 9.50 4] `
	if got := read(e); got != want {
		t.Errorf("before restart: %s, want %s", got, want)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := read(e); got != want {
		t.Errorf("after restart: %s, want %s", got, want)
	}
	if _, err := e.View("by_id"); err == nil {
		t.Error("the cache dropped by ALTER TABLE came back after the restart")
	}
	if names := e.Tables(); fmt.Sprint(names) != "[goods]" {
		t.Errorf("tables after restart: %v", names)
	}
	res = mustExec(t, e, "INSERT INTO goods (title) VALUES ('e')")
	if res.LastInsertID != 5 {
		t.Errorf("AUTO_INCREMENT after restart gave %d, want 5", res.LastInsertID)
	}
}

// TestAlterTableDropsCacheThatNoLongerFits: a named cache whose query reads a column the
// ALTER drops is dropped, and the ALTER's warning names it; one that still fits is planned
// again and keeps answering through the handle the application holds.
func TestAlterTableDropsCacheThatNoLongerFits(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT)")
	mustExec(t, e, "INSERT INTO t VALUES (1, 10, 100)")
	keeps := mustRegister(t, e, "reads_a", "SELECT a FROM t WHERE id = ?")
	mustRegister(t, e, "reads_b", "SELECT b FROM t WHERE id = ?")
	res := mustExec(t, e, "ALTER TABLE t DROP COLUMN b")
	if len(res.Warnings) != 1 || res.Warnings[0].Code != 1356 {
		t.Fatalf("warnings %+v, want one 1356 naming reads_b", res.Warnings)
	}
	if _, err := e.View("reads_b"); err == nil {
		t.Error("reads_b still registered")
	}
	w := mustExec(t, e, "UPDATE t SET a = 11 WHERE id = 1")
	rows, err := keeps.LookupAfter(ctx, w.Token, 1)
	if err != nil {
		t.Fatalf("the handle of a cache planned again: %v", err)
	}
	if got := fmt.Sprint(rows.Row(0)); got != "[11]" {
		t.Errorf("reads_a after ALTER and UPDATE: %s", got)
	}
}

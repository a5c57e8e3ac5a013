package weir_test

import (
	"context"
	"testing"

	"github.com/weirdb/weir"
)

// scalarEngine has orders and their items.
func scalarEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE orders (id INT PRIMARY KEY, customer INT NOT NULL, total INT)")
	mustExec(t, e, "CREATE TABLE items (id INT PRIMARY KEY, order_id INT, qty INT NOT NULL)")
	mustExec(t, e, "INSERT INTO orders VALUES (1, 10, 5), (2, 10, 7), (3, 20, NULL)")
	mustExec(t, e, "INSERT INTO items VALUES (1, 1, 2), (2, 1, 3), (3, 2, 4)")
	return e
}

// TestScalarSubqueryUncorrelated: every outer row sees the one-row aggregate, and a write to
// the row that holds the maximum changes the value of every outer row, whether the view was
// read before (partial, filled) or not.
func TestScalarSubqueryUncorrelated(t *testing.T) {
	ctx := context.Background()
	e := scalarEngine(t)
	v := mustRegister(t, e, "vs_max", "SELECT o.id, o.total, (SELECT MAX(qty) FROM items) AS m FROM orders o WHERE o.customer = ? ORDER BY o.id")
	if !v.Stats().Partial {
		t.Errorf("a view keyed by an outer column is not partial")
	}
	rows, err := v.Lookup(ctx, 10)
	wantRows(t, rows, err, "1|5|4", "2|7|4")
	tok := mustExec(t, e, "UPDATE items SET qty = 9 WHERE id = 3").Token
	rows, err = v.LookupAfter(ctx, tok, 10)
	wantRows(t, rows, err, "1|5|9", "2|7|9")
	rows, err = v.LookupAfter(ctx, tok, 20)
	wantRows(t, rows, err, "3|NULL|9")
	tok = mustExec(t, e, "DELETE FROM items").Token
	rows, err = v.LookupAfter(ctx, tok, 10)
	wantRows(t, rows, err, "1|5|NULL", "2|7|NULL")

	w := mustRegister(t, e, "above_avg", "SELECT o.id FROM orders o WHERE o.total > (SELECT AVG(total) FROM orders) ORDER BY o.id")
	rows, err = w.Lookup(ctx)
	wantRows(t, rows, err, "2")
}

// TestScalarSubqueryCorrelatedCount: COUNT over an outer row's missing group is 0, SUM NULL.
func TestScalarSubqueryCorrelatedCount(t *testing.T) {
	ctx := context.Background()
	e := scalarEngine(t)
	v := mustRegister(t, e, "counts", "SELECT o.id, (SELECT COUNT(*) FROM items l WHERE l.order_id = o.id) AS n, (SELECT SUM(qty) FROM items l WHERE l.order_id = o.id) AS s FROM orders o WHERE o.customer = ? ORDER BY o.id")
	if !v.Stats().Partial {
		t.Errorf("a view keyed by an outer column is not partial")
	}
	rows, err := v.Lookup(ctx, 10)
	wantRows(t, rows, err, "1|2|5", "2|1|4")
	rows, err = v.Lookup(ctx, 20)
	wantRows(t, rows, err, "3|0|NULL")
	tok := mustExec(t, e, "INSERT INTO items VALUES (4, 3, 1)").Token
	rows, err = v.LookupAfter(ctx, tok, 20)
	wantRows(t, rows, err, "3|1|1")
	tok = mustExec(t, e, "DELETE FROM items WHERE order_id = 2").Token
	rows, err = v.LookupAfter(ctx, tok, 10)
	wantRows(t, rows, err, "1|2|5", "2|0|NULL")
}

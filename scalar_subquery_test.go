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

// TestScalarSubqueryLimitOne: LIMIT 1 keeps one row per outer row, and the row changes as
// items arrive, move and leave.
func TestScalarSubqueryLimitOne(t *testing.T) {
	ctx := context.Background()
	e := scalarEngine(t)
	v := mustRegister(t, e, "biggest_item", "SELECT o.id, (SELECT i.id FROM items i WHERE i.order_id = o.id ORDER BY i.qty DESC, i.id LIMIT 1) AS top FROM orders o WHERE o.id = ?")
	if !v.Stats().Partial {
		t.Errorf("a view keyed by an outer column is not partial")
	}
	rows, err := v.Lookup(ctx, 1)
	wantRows(t, rows, err, "1|2")
	rows, err = v.Lookup(ctx, 3)
	wantRows(t, rows, err, "3|NULL")
	tok := mustExec(t, e, "INSERT INTO items VALUES (4, 1, 9), (5, 3, 1)").Token
	rows, err = v.LookupAfter(ctx, tok, 1)
	wantRows(t, rows, err, "1|4")
	rows, err = v.LookupAfter(ctx, tok, 3)
	wantRows(t, rows, err, "3|5")
	tok = mustExec(t, e, "UPDATE items SET order_id = 3 WHERE id = 4").Token
	rows, err = v.LookupAfter(ctx, tok, 1)
	wantRows(t, rows, err, "1|2")
	rows, err = v.LookupAfter(ctx, tok, 3)
	wantRows(t, rows, err, "3|4")
	tok = mustExec(t, e, "DELETE FROM items WHERE order_id = 1").Token
	rows, err = v.LookupAfter(ctx, tok, 1)
	wantRows(t, rows, err, "1|NULL")
}

// TestScalarSubqueryLookupByKey: a subquery that equates the primary key reads one row,
// and a change to that row reaches every outer row that reads it.
func TestScalarSubqueryLookupByKey(t *testing.T) {
	ctx := context.Background()
	e := scalarEngine(t)
	v := mustRegister(t, e, "item_order_total", "SELECT i.id, (SELECT o.total FROM orders o WHERE o.id = i.order_id) AS total FROM items i WHERE i.order_id = ? ORDER BY i.id")
	rows, err := v.Lookup(ctx, 1)
	wantRows(t, rows, err, "1|5", "2|5")
	tok := mustExec(t, e, "UPDATE orders SET total = 50 WHERE id = 1").Token
	rows, err = v.LookupAfter(ctx, tok, 1)
	wantRows(t, rows, err, "1|50", "2|50")
	tok = mustExec(t, e, "DELETE FROM orders WHERE id = 1").Token
	rows, err = v.LookupAfter(ctx, tok, 1)
	wantRows(t, rows, err, "1|NULL", "2|NULL")
	if _, err := e.Register(ctx, "ambiguous", "SELECT i.id, (SELECT o.total FROM orders o WHERE o.customer = i.order_id) FROM items i"); !refusedWith(err, 1235) {
		t.Errorf("a subquery that may return several rows: got %v, want error 1235", err)
	}
}

func refusedWith(err error, want int) bool {
	code, _, ok := weir.ErrorCode(err)
	return ok && code == want
}

// TestScalarSubqueryEqualityKeyInside: `id = (SELECT MAX(id) … WHERE customer = ?)` is a
// semi-join, so the parameter inside keys the cache; a newer order takes the place of the
// latest, and a customer's last order leaving empties the key. The cache is full: its key
// is the aggregate's group column, and the join on the aggregate's value could not look a
// partial aggregate up by that value when an order changes.
func TestScalarSubqueryEqualityKeyInside(t *testing.T) {
	ctx := context.Background()
	e := scalarEngine(t)
	v := mustRegister(t, e, "latest", "SELECT id, total FROM orders WHERE id = (SELECT MAX(id) FROM orders WHERE customer = ?)")
	rows, err := v.Lookup(ctx, 10)
	wantRows(t, rows, err, "2|7")
	rows, err = v.Lookup(ctx, 30)
	wantRows(t, rows, err)
	tok := mustExec(t, e, "INSERT INTO orders VALUES (4, 10, 1), (5, 30, 2)").Token
	rows, err = v.LookupAfter(ctx, tok, 10)
	wantRows(t, rows, err, "4|1")
	rows, err = v.LookupAfter(ctx, tok, 30)
	wantRows(t, rows, err, "5|2")
	tok = mustExec(t, e, "DELETE FROM orders WHERE id = 5").Token
	rows, err = v.LookupAfter(ctx, tok, 30)
	wantRows(t, rows, err)
	if _, err := e.Register(ctx, "count_key", "SELECT id FROM orders WHERE total = (SELECT COUNT(*) FROM items WHERE order_id = ?)"); !refusedWith(err, 1235) {
		t.Errorf("a parameter inside a COUNT compared with =: got %v, want error 1235", err)
	}
}

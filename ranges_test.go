package weir_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

func rangeIDs(t *testing.T, rows weir.Rows) string {
	t.Helper()
	var out []string
	for i := range rows.Len() {
		out = append(out, rows.Row(i)[0].ToText())
	}
	return strings.Join(out, ",")
}

// TestRangeViewLiteralsAreItsOwn: a view registered with `n > 5` answers for 5, and the name
// cannot be registered again with `n > 6`, although both texts normalize to `n > ?`.
func TestRangeViewLiteralsAreItsOwn(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, n INT)")
	tok := mustExec(t, e, "INSERT INTO t VALUES (1, 5), (2, 6), (3, 7)").Token
	v := mustRegister(t, e, "gt", "SELECT id FROM t WHERE n > 5 ORDER BY id")
	rows, err := v.LookupAfter(ctx, tok)
	if err != nil || rangeIDs(t, rows) != "2,3" {
		t.Fatalf("n > 5: %v %q", err, rangeIDs(t, rows))
	}
	if _, err := e.Register(ctx, "gt", "SELECT id FROM t WHERE n > 6 ORDER BY id"); err == nil {
		t.Fatal("the name took another bound")
	}
	again, err := e.Register(ctx, "gt", "SELECT id FROM t WHERE n > 5 ORDER BY id")
	if err != nil || again != v {
		t.Fatalf("same registration: %v (same view %v)", err, again == v)
	}
	other := mustRegister(t, e, "gt6", "SELECT id FROM t WHERE n > 6 ORDER BY id")
	if rows, err := other.Lookup(ctx); err != nil || rangeIDs(t, rows) != "3" {
		t.Fatalf("n > 6: %v %q", err, rangeIDs(t, rows))
	}
}

// TestRangePartialKey: with an equality key the view stays partial; a read fills the whole
// key and selects its range, writes move rows into and out of the range of a filled key,
// and an evicted key is filled again.
func TestRangePartialKey(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, owner INT NOT NULL, at INT)")
	v := mustRegister(t, e, "recent", "SELECT id FROM ev WHERE owner = ? AND at >= ? ORDER BY at DESC, id LIMIT ?")
	if !strings.Contains(v.Plan().Text, "`at`>=?") {
		t.Fatalf("text %s", v.Plan().Text)
	}
	var tok weir.Token
	for i := 1; i <= 40; i++ {
		tok = mustExec(t, e, "INSERT INTO ev VALUES (?, ?, ?)", i, i%4, i).Token
	}
	read := func(tok weir.Token, owner, from, limit int) string {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, owner, from, limit)
		if err != nil {
			t.Fatal(err)
		}
		return rangeIDs(t, rows)
	}
	if got := read(tok, 1, 30, 10); got != "37,33" {
		t.Fatalf("owner 1, at >= 30: %q", got)
	}
	if got := read(tok, 1, 0, 3); got != "37,33,29" {
		t.Fatalf("owner 1, first 3: %q", got)
	}
	tok = mustExec(t, e, "UPDATE ev SET at = 100 WHERE id = 5").Token
	mustExec(t, e, "UPDATE ev SET at = NULL WHERE id = 37")
	tok = mustExec(t, e, "DELETE FROM ev WHERE id = 33").Token
	if got := read(tok, 1, 30, 10); got != "5" {
		t.Fatalf("owner 1 after writes: %q", got)
	}
	if err := v.Evict(ctx, 1, 0, 0); err != nil {
		t.Fatal(err)
	}
	if got := read(tok, 1, 25, 2); got != "5,29" {
		t.Fatalf("owner 1 after eviction: %q", got)
	}
	if got := read(tok, 9, 0, 5); got != "" {
		t.Fatalf("owner 9: %q", got)
	}
	if got := read(tok, 2, 100, 5); got != "" {
		t.Fatalf("owner 2, at >= 100: %q", got)
	}
	if st := v.Stats(); !st.Partial || st.Misses < 3 {
		t.Fatalf("stats %+v: want a partial reader whose reads missed and filled", st)
	}
}

// TestPureRangeViewFillsIntervals: a view whose only conditions are ranges keeps the
// intervals read: the first read fills [10, 40] by one range upquery, and the reads within
// it (or empty, or with a NULL bound) need none.
func TestPureRangeViewFillsIntervals(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	tok := mustExec(t, e, "INSERT INTO ev VALUES (1, 10), (2, 20), (3, NULL), (4, 40)").Token
	v := mustRegister(t, e, "between", "SELECT id FROM ev WHERE at BETWEEN ? AND ? ORDER BY at DESC")
	for _, c := range []struct {
		lo, hi any
		want   string
	}{{10, 40, "4,2,1"}, {11, 39, "2"}, {40, 10, ""}, {nil, 40, ""}, {"15", "20.0", "2"}} {
		rows, err := v.LookupAfter(ctx, tok, c.lo, c.hi)
		if err != nil || rangeIDs(t, rows) != c.want {
			t.Errorf("BETWEEN %v AND %v: %v %q, want %q", c.lo, c.hi, err, rangeIDs(t, rows), c.want)
		}
	}
	if st := v.Stats(); !st.Partial || st.Keys != 1 || st.Upqueries != 1 || st.Misses != 1 {
		t.Fatalf("stats %+v: want one interval filled by one upquery", st)
	}
}

// TestRangeInTransaction: a SELECT with ranges in a transaction that wrote is evaluated
// from the base tables and its own writes, with the bounds and window of the statement.
func TestRangeInTransaction(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	mustExec(t, e, "INSERT INTO ev VALUES (1, 10), (2, 20), (3, 30)")
	tx, err := e.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(ctx, "INSERT INTO ev VALUES (4, 25), (5, NULL)"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, "SELECT id FROM ev WHERE at > ? AND at <= 30 ORDER BY at DESC LIMIT ?", 15, 2)
	if err != nil || rangeIDs(t, rows) != "3,4" {
		t.Fatalf("in the transaction: %v %q", err, rangeIDs(t, rows))
	}
}

package weir_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testclock"
)

func errCode(err error) int {
	code, _, _ := weir.ErrorCode(err)
	return code
}

func txExec(t *testing.T, tx *weir.Tx, sql string, args ...any) weir.Result {
	t.Helper()
	res, err := tx.Exec(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res
}

func TestTxCommitAppliesEveryStatementAsOneWrite(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer INT NOT NULL, total INT NOT NULL, status VARCHAR(10) NOT NULL DEFAULT 'new')")
	byCustomer := mustRegister(t, e, "by_customer", "SELECT id, total, status FROM orders WHERE customer = ? ORDER BY id")
	before := mustExec(t, e, "INSERT INTO orders (customer, total) VALUES (9, 1)")

	tx, err := e.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r1 := txExec(t, tx, "INSERT INTO orders (customer, total) VALUES (?, ?), (?, ?)", 1, 10, 1, 20)
	if r1.RowsAffected != 2 || r1.LastInsertID != 2 || r1.Token != 0 {
		t.Fatalf("INSERT in a transaction: %+v", r1)
	}
	r2 := txExec(t, tx, "UPDATE orders SET status = 'paid' WHERE id = 2")
	if r2.RowsAffected != 1 {
		t.Fatalf("UPDATE of the transaction's own row: %+v", r2)
	}
	r3 := txExec(t, tx, "UPDATE orders SET status = 'paid' WHERE id = 2")
	if r3.RowsAffected != 0 || r3.RowsFound != 1 {
		t.Fatalf("UPDATE that changes nothing: %+v", r3)
	}
	// A failing statement is taken back alone; the transaction goes on.
	if _, err := tx.Exec(ctx, "INSERT INTO orders (id, customer, total) VALUES (4, 1, 1), (1, 1, 1)"); errCode(err) != 1062 {
		t.Fatalf("duplicate key in a transaction: %v", err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO orders (customer) VALUES (1)"); errCode(err) != 1364 {
		t.Fatalf("missing value in a transaction: %v", err)
	}
	if res := txExec(t, tx, "DELETE FROM orders WHERE id = ?", 1); res.RowsAffected != 1 {
		t.Fatalf("DELETE of a committed row: %+v", res)
	}
	// Nothing is visible before COMMIT.
	r, err := byCustomer.LookupAfter(ctx, before.Token, 1)
	wantRows(t, r, err)
	wantTable(t, e, "orders", "1|9|1|new")
	// The transaction reads its own writes; the caches do not have them yet.
	r, err = tx.Query(ctx, "SELECT id, total, status FROM orders WHERE customer = ? ORDER BY id", 1)
	wantRows(t, r, err, "2|10|paid", "3|20|new")
	r, err = tx.Query(ctx, "SELECT customer, COUNT(*) FROM orders WHERE customer = 9 GROUP BY customer")
	wantRows(t, r, err)
	r, err = byCustomer.LookupAfter(ctx, before.Token, 1)
	wantRows(t, r, err)

	tok, err := tx.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok != before.Token+1 {
		t.Fatalf("commit token %d, want one token after %d", tok, before.Token)
	}
	r, err = byCustomer.LookupAfter(ctx, tok, 1)
	wantRows(t, r, err, "2|10|paid", "3|20|new")
	r, err = byCustomer.LookupAfter(ctx, tok, 9)
	wantRows(t, r, err)
	if _, err := tx.Commit(ctx); !errors.Is(err, weir.ErrTxDone) {
		t.Fatalf("second commit: %v", err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM orders"); !errors.Is(err, weir.ErrTxDone) {
		t.Fatalf("Exec after commit: %v", err)
	}
}

func TestTxRollbackDiscardsAndKeepsAutoIncrementValues(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)")
	tx, err := e.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A transaction that has not written reads through the caches.
	rows, err := tx.Query(ctx, "SELECT v FROM t WHERE id = 1")
	wantRows(t, rows, err)
	if res := txExec(t, tx, "INSERT INTO t (v) VALUES (1), (2)"); res.LastInsertID != 1 {
		t.Fatalf("%+v", res)
	}
	// Another writer does not get the values the transaction was given.
	if res := mustExec(t, e, "INSERT INTO t (v) VALUES (3)"); res.LastInsertID != 3 {
		t.Fatalf("concurrent insert got id %d, want 3", res.LastInsertID)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	wantTable(t, e, "t", "3|3")
	if res := mustExec(t, e, "INSERT INTO t (v) VALUES (4)"); res.LastInsertID != 4 {
		t.Fatalf("insert after rollback got id %d, want 4", res.LastInsertID)
	}
}

func TestTxConflictFailsCommitWithDeadlock(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	mustExec(t, e, "CREATE TABLE log (n INT PRIMARY KEY)")
	a, _ := e.Begin(ctx)
	b, _ := e.Begin(ctx)
	txExec(t, a, "INSERT INTO log VALUES (1)")
	txExec(t, a, "INSERT INTO t VALUES (5, 1)")
	txExec(t, b, "INSERT INTO t VALUES (5, 2)")
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := a.Commit(ctx)
	if errCode(err) != weir.ErrCodeDeadlock {
		t.Fatalf("conflicting commit: %v, want error 1213", err)
	}
	if _, state, _ := weir.ErrorCode(err); state != "40001" {
		t.Fatalf("SQLSTATE %q, want 40001", state)
	}
	// Nothing of the failed transaction was applied.
	wantTable(t, e, "t", "5|2")
	wantTable(t, e, "log")
	if !a.Done() {
		t.Fatal("a transaction that failed with 1213 is still open")
	}

	// A conflict a later statement finds ends the transaction at once.
	c, _ := e.Begin(ctx)
	txExec(t, c, "UPDATE t SET v = 10 WHERE id = 5")
	mustExec(t, e, "DELETE FROM t WHERE id = 5")
	if _, err := c.Exec(ctx, "INSERT INTO log VALUES (2)"); errCode(err) != weir.ErrCodeDeadlock {
		t.Fatalf("statement after a conflict: %v, want error 1213", err)
	}
	if _, err := c.Commit(ctx); !errors.Is(err, weir.ErrTxDone) {
		t.Fatalf("commit after 1213: %v", err)
	}
	wantTable(t, e, "log")
}

// TestTxConcurrentTransfers runs transactions that move money between accounts and log
// each transfer under a key that several of them want: the total never changes, every
// committed transfer is logged once, and every failed one left nothing behind.
func TestTxConcurrentTransfers(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE acct (id INT PRIMARY KEY, bal INT NOT NULL)")
	mustExec(t, e, "CREATE TABLE xfer (slot INT PRIMARY KEY, amount INT NOT NULL)")
	const accounts, workers, rounds = 5, 6, 40
	for i := range accounts {
		mustExec(t, e, "INSERT INTO acct VALUES (?, 100)", i)
	}
	total := mustRegister(t, e, "total", "SELECT SUM(bal) FROM acct")
	var mu sync.Mutex
	committed := map[int]int{}
	deadlocks := 0
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				slot := (w*rounds + i) % 30 // workers compete for slots
				from, to := (w+i)%accounts, (w+2*i+1)%accounts
				tx, err := e.Begin(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := tx.Exec(ctx, "INSERT INTO xfer VALUES (?, ?)", slot, w+1); err != nil {
					if errCode(err) != 1062 && errCode(err) != weir.ErrCodeDeadlock {
						t.Error(err)
					}
					_ = tx.Rollback()
					continue
				}
				_, err1 := tx.Exec(ctx, "UPDATE acct SET bal = bal - ? WHERE id = ?", w+1, from)
				_, err2 := tx.Exec(ctx, "UPDATE acct SET bal = bal + ? WHERE id = ?", w+1, to)
				if err1 != nil || err2 != nil {
					if errCode(err1) != weir.ErrCodeDeadlock && errCode(err2) != weir.ErrCodeDeadlock {
						t.Error(err1, err2)
					}
					_ = tx.Rollback()
					continue
				}
				_, err = tx.Commit(ctx)
				switch {
				case err == nil:
					mu.Lock()
					committed[slot]++
					mu.Unlock()
				case errCode(err) != weir.ErrCodeDeadlock:
					t.Error(err)
				default:
					mu.Lock()
					deadlocks++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d transfers committed, %d commits failed with 1213", len(committed), deadlocks)
	rows, err := e.TableRows(ctx, "xfer")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(committed) {
		t.Fatalf("%d transfers logged, %d committed", len(rows), len(committed))
	}
	for slot, n := range committed {
		if n != 1 {
			t.Fatalf("slot %d committed %d times", slot, n)
		}
	}
	tok := mustExec(t, e, "INSERT INTO acct VALUES (99, 0)").Token
	r, err := total.LookupAfter(ctx, tok)
	wantRows(t, r, err, fmt.Sprint(accounts*100))
}

func TestTxClockAndDDLCommitImplicitly(t *testing.T) {
	ctx := context.Background()
	clock := testclock.At(time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC))
	e := open(t, weir.Options{Clock: clock.Now})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY AUTO_INCREMENT, at DATETIME DEFAULT CURRENT_TIMESTAMP, r DOUBLE, u CHAR(36))")
	tx, _ := e.Begin(ctx)
	txExec(t, tx, "INSERT INTO ev (r, u) VALUES (RAND(), UUID())")
	clock.Set(time.Date(2025, 1, 1, 13, 0, 0, 0, time.UTC))
	txExec(t, tx, "INSERT INTO ev (at) VALUES (NOW())")
	clock.Set(time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC))
	// Each replay of the first statement draws nothing new: what the rows hold at COMMIT
	// is what the statements were given when they ran.
	first := tableTextsAfterCommitOf(t, e, tx, "CREATE TABLE other (a INT)")
	if len(first) != 2 || first[0][:22] != "1|2025-01-01 12:00:00|" || first[1] != "2|2025-01-01 13:00:00|NULL|NULL" {
		t.Fatalf("rows %q", first)
	}
	if !tx.Done() {
		t.Fatal("DDL did not end the transaction")
	}
}

// tableTextsAfterCommitOf runs DDL in tx (which commits it) and returns ev's rows.
func tableTextsAfterCommitOf(t *testing.T, e *weir.Engine, tx *weir.Tx, ddl string) []string {
	t.Helper()
	txExec(t, tx, ddl)
	if _, err := e.TableRows(context.Background(), "other"); err != nil {
		t.Fatal(err)
	}
	return tableTexts(t, e, "ev")
}

func TestTxReadOnly(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY)")
	tx, _ := e.BeginTx(ctx, weir.TxOptions{ReadOnly: true})
	if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (1)"); errCode(err) != weir.ErrCodeTxReadOnly {
		t.Fatalf("write in a READ ONLY transaction: %v", err)
	}
	if _, err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestTxRestart: a committed transaction of several statements is whole after a restart,
// with the values its statements took from the clock and chance, and a TRUNCATE stays done.
func TestTxRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := testclock.At(time.Date(2025, 6, 1, 9, 30, 0, 0, time.UTC))
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, total INT, at DATETIME DEFAULT CURRENT_TIMESTAMP, u CHAR(36))")
	mustExec(t, e, "CREATE TABLE order_lines (id INT PRIMARY KEY AUTO_INCREMENT, order_id INT, sku VARCHAR(10))")
	mustExec(t, e, "CREATE TABLE scratch (id INT PRIMARY KEY AUTO_INCREMENT)")
	mustExec(t, e, "INSERT INTO scratch VALUES (), (), ()")
	mustExec(t, e, "TRUNCATE TABLE scratch")
	tx, _ := e.Begin(ctx)
	txExec(t, tx, "INSERT INTO orders (total, u) VALUES (0, UUID())")
	txExec(t, tx, "INSERT INTO order_lines (order_id, sku) VALUES (1, 'a'), (1, 'b')")
	txExec(t, tx, "UPDATE orders SET total = 2 WHERE id = 1")
	txExec(t, tx, "DELETE FROM order_lines WHERE sku = 'a'")
	if _, err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	want := tableTexts(t, e, "orders")
	rolledBack, _ := e.Begin(ctx)
	txExec(t, rolledBack, "INSERT INTO order_lines (order_id, sku) VALUES (1, 'x')")
	if err := rolledBack.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := tableTexts(t, e, "orders"); fmt.Sprint(got) != fmt.Sprint(want) || len(got) != 1 {
		t.Fatalf("orders after restart %q, want %q", got, want)
	}
	wantTable(t, e, "order_lines", "2|1|b")
	wantTable(t, e, "scratch")
	if res := mustExec(t, e, "INSERT INTO scratch VALUES ()"); res.LastInsertID != 1 {
		t.Fatalf("AUTO_INCREMENT after TRUNCATE and restart: %d", res.LastInsertID)
	}
}

// TestTxReadIsBounded: a read in a transaction that has written is evaluated over the
// tables in the base domain, so one that would cost too much is refused, not run.
func TestTxReadIsBounded(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE n (id INT PRIMARY KEY AUTO_INCREMENT, g INT)")
	var sb strings.Builder
	sb.WriteString("INSERT INTO n (g) VALUES (0)")
	for i := 1; i < 3200; i++ {
		fmt.Fprintf(&sb, ", (%d)", i%7)
	}
	mustExec(t, e, sb.String())
	tx, _ := e.Begin(ctx)
	defer tx.Rollback()
	txExec(t, tx, "DELETE FROM n WHERE g = 3")
	r, err := tx.Query(ctx, "SELECT COUNT(*) FROM n WHERE g = 3")
	wantRows(t, r, err, "0")
	if _, err := tx.Query(ctx, "SELECT a.id FROM n a JOIN n b ON a.g = b.g WHERE a.id = 1"); !errors.Is(err, weir.ErrReadAfterWriteInTx) {
		t.Fatalf("a read too large to evaluate: %v", err)
	}
}

// TestTxIsBounded: a transaction past the row changes Weir holds for it fails its
// statement with 1197; the transaction goes on without it.
func TestTxIsBounded(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE big (id INT PRIMARY KEY, v INT)")
	id := 0
	for range 11 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO big VALUES ")
		for i := range 5000 {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "(%d, 0)", id)
			id++
		}
		mustExec(t, e, sb.String())
	}
	tx, _ := e.Begin(ctx)
	txExec(t, tx, "UPDATE big SET v = 1 WHERE id < 10")
	// An UPDATE of 55,000 rows is 110,000 row changes (each row's old and new version).
	if _, err := tx.Exec(ctx, "UPDATE big SET v = 2"); errCode(err) != weir.ErrCodeTxTooBig {
		t.Fatalf("a transaction past its bound: %v, want error 1197", err)
	}
	if _, err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := e.Query(ctx, "SELECT COUNT(*) FROM big WHERE v = 1")
	wantRows(t, r, err, "10")
}

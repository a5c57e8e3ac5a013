package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-mysql-org/go-mysql/client"
	gomysql "github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir/server"
)

func connect(t *testing.T, addr string) *client.Conn {
	t.Helper()
	c, err := client.Connect(addr, "root", "", "weir")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wantServerCode(t *testing.T, err error, code uint16, what string) {
	t.Helper()
	var me *gomysql.MyError
	if !errors.As(err, &me) || me.Code != code {
		t.Fatalf("%s: got %v, want MySQL error %d", what, err, code)
	}
}

func count(t *testing.T, c *client.Conn, sql string) int64 {
	t.Helper()
	r, err := c.Execute(sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	n, err := r.GetInt(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTransactionsOverTheWire: BEGIN … COMMIT applies several writes together, ROLLBACK
// discards them, autocommit = 0 keeps every statement in a transaction until COMMIT, and
// the status flags of every reply say so.
func TestTransactionsOverTheWire(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	c := connect(t, addr)
	flags := func(sql string, autocommit, inTx bool) *gomysql.Result {
		t.Helper()
		r, err := c.Execute(sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if c.IsAutoCommit() != autocommit || c.IsInTransaction() != inTx {
			t.Fatalf("after %s: autocommit %v, in transaction %v; want %v, %v", sql, c.IsAutoCommit(), c.IsInTransaction(), autocommit, inTx)
		}
		return r
	}
	flags("CREATE TABLE acct (id INT PRIMARY KEY AUTO_INCREMENT, bal INT NOT NULL)", true, false)
	flags("INSERT INTO acct (bal) VALUES (10), (20)", true, false)
	flags("START TRANSACTION READ WRITE, WITH CONSISTENT SNAPSHOT", true, true)
	flags("SELECT bal FROM acct WHERE id = 1", true, true) // before a write: from the cache
	if r := flags("INSERT INTO acct (bal) VALUES (5)", true, true); r.InsertId != 3 || r.AffectedRows != 1 {
		t.Fatalf("INSERT in a transaction: id %d, %d rows", r.InsertId, r.AffectedRows)
	}
	if r := flags("SELECT LAST_INSERT_ID()", true, true); r.Values[0][0].AsInt64() != 3 {
		t.Fatalf("LAST_INSERT_ID() in a transaction: %v", r.Values[0][0].Value())
	}
	flags("UPDATE acct SET bal = bal - 5 WHERE id = 1", true, true)
	_, err := c.Execute("INSERT INTO acct (id, bal) VALUES (2, 0)")
	wantServerCode(t, err, 1062, "duplicate key in a transaction")
	if !c.IsInTransaction() {
		t.Fatal("a failed statement ended the transaction")
	}
	// The transaction reads its own writes, as text and as a prepared statement.
	if n := count(t, c, "SELECT SUM(bal) FROM acct"); n != 30 {
		t.Fatalf("sum inside the transaction %d, want 30", n)
	}
	st, err := c.Prepare("SELECT bal FROM acct WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := st.Execute(3); err != nil || len(r.Values) != 1 || r.Values[0][0].AsInt64() != 5 {
		t.Fatalf("prepared read of the transaction's row: %v %v", r, err)
	}
	st.Close()
	other := connect(t, addr)
	if n := count(t, other, "SELECT COUNT(*) FROM acct"); n != 2 {
		t.Fatalf("another connection sees %d rows before COMMIT", n)
	}
	flags("COMMIT", true, false)
	if n := count(t, c, "SELECT SUM(bal) FROM acct"); n != 30 {
		t.Fatalf("after COMMIT: sum %d, want 30", n)
	}

	flags("BEGIN", true, true)
	flags("DELETE FROM acct", true, true)
	flags("ROLLBACK", true, false)
	if n := count(t, c, "SELECT COUNT(*) FROM acct"); n != 3 {
		t.Fatalf("after ROLLBACK: %d rows, want 3", n)
	}

	// autocommit = 0: statements open a transaction that lasts until COMMIT, ROLLBACK, DDL
	// or autocommit = 1.
	flags("SET autocommit = 0", false, false)
	flags("INSERT INTO acct (bal) VALUES (1)", false, true)
	flags("ROLLBACK", false, false)
	flags("INSERT INTO acct (bal) VALUES (2)", false, true)
	flags("COMMIT", false, false)
	flags("INSERT INTO acct (bal) VALUES (3)", false, true)
	flags("CREATE TABLE other (id INT PRIMARY KEY)", false, false) // implicit commit
	flags("INSERT INTO acct (bal) VALUES (4)", false, true)
	flags("SET autocommit = 1", true, false) // commits
	if n := count(t, other, "SELECT COUNT(*) FROM acct WHERE bal < 5"); n != 3 {
		t.Fatalf("after autocommit = 0 work: %d small rows, want 3 (2, 3, 4)", n)
	}
	if r := flags("SELECT @@autocommit", true, false); string(r.Values[0][0].AsString()) != "1" && r.Values[0][0].AsInt64() != 1 {
		t.Fatalf("@@autocommit = %v", r.Values[0][0].Value())
	}

	// A READ ONLY transaction refuses writes.
	flags("START TRANSACTION READ ONLY", true, true)
	_, err = c.Execute("INSERT INTO acct (bal) VALUES (1)")
	wantServerCode(t, err, 1792, "a write in a READ ONLY transaction")
	flags("COMMIT", true, false)
}

// TestTransactionConflictOverTheWire: two connections' transactions want the same key; the
// second to commit gets 1213 and none of its writes.
func TestTransactionConflictOverTheWire(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	a, b := connect(t, addr), connect(t, addr)
	for _, sql := range []string{"CREATE TABLE seat (id INT PRIMARY KEY, who VARCHAR(10))", "CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, who VARCHAR(10))"} {
		if _, err := a.Execute(sql); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		conn *client.Conn
		who  string
	}{{a, "a"}, {b, "b"}} {
		for _, sql := range []string{"BEGIN", "INSERT INTO audit (who) VALUES ('" + c.who + "')", "INSERT INTO seat VALUES (1, '" + c.who + "')"} {
			if _, err := c.conn.Execute(sql); err != nil {
				t.Fatalf("%s: %s: %v", c.who, sql, err)
			}
		}
	}
	if _, err := b.Execute("COMMIT"); err != nil {
		t.Fatal(err)
	}
	_, err := a.Execute("COMMIT")
	wantServerCode(t, err, 1213, "the second commit")
	var me *gomysql.MyError
	if errors.As(err, &me) && me.State != "40001" {
		t.Fatalf("SQLSTATE %s, want 40001", me.State)
	}
	if n := count(t, a, "SELECT COUNT(*) FROM audit"); n != 1 {
		t.Fatalf("audit holds %d rows, want b's only", n)
	}
	if a.IsInTransaction() {
		t.Fatal("still in a transaction after 1213")
	}
}

// TestDroppedConnectionRollsBack: a connection that goes away inside a transaction leaves
// nothing behind.
func TestDroppedConnectionRollsBack(t *testing.T) {
	eng, _, addr := startServer(t, server.Config{})
	c, err := client.Connect(addr, "root", "", "weir")
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{"CREATE TABLE t (id INT PRIMARY KEY)", "BEGIN", "INSERT INTO t VALUES (1)"} {
		if _, err := c.Execute(sql); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	rows, err := eng.TableRows(context.Background(), "t")
	if err != nil || len(rows) != 0 {
		t.Fatalf("rows after the connection dropped: %v %v", rows, err)
	}
}

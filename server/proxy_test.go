package server_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/servertest"
	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/server"
)

// proxyEnv is a private MariaDB and a Weir server in proxy mode in front of it, whose
// engine mirrors database "app". Until a replication stream fills the mirrored tables,
// tests feed them through the engine's Mirror API with the same rows they insert in
// MariaDB.
type proxyEnv struct {
	maria  *testserver.MariaDB
	engine *weir.Engine
	addr   string // Weir's
	direct *sql.DB
	pos    uint64
}

func startProxy(t *testing.T, mutate func(*server.ProxyConfig)) *proxyEnv {
	t.Helper()
	m := testserver.StartMariaDB(t)
	m.CreateDatabase(t, "app")
	cfg := &server.ProxyConfig{Addr: m.Addr, User: "root", Database: "app"}
	if mutate != nil {
		mutate(cfg)
	}
	e, _, addr := servertest.Start(t, weir.Options{MemoryLimit: -1, Mirror: true}, server.Config{Proxy: cfg})
	direct, err := sql.Open("mysql", m.DSN("app"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })
	return &proxyEnv{maria: m, engine: e, addr: addr, direct: direct}
}

// table creates a table in MariaDB and the same mirrored table in Weir, and fills both
// with rows (values as SQL literals, in column order).
func (env *proxyEnv) table(t *testing.T, ddl string, rows ...[]any) {
	t.Helper()
	ctx := context.Background()
	if _, err := env.direct.ExecContext(ctx, ddl); err != nil {
		t.Fatalf("%s: %v", ddl, err)
	}
	if err := env.engine.Mirror().CreateTable(ctx, ddl); err != nil {
		t.Fatalf("mirror %s: %v", ddl, err)
	}
	name := strings.Fields(ddl)[2]
	env.insert(t, name, rows...)
}

// insert adds rows to a table in MariaDB and in Weir's mirror.
func (env *proxyEnv) insert(t *testing.T, table string, rows ...[]any) {
	t.Helper()
	ctx := context.Background()
	tx := &weir.MirrorTx{}
	for _, r := range rows {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(r)), ", ")
		if _, err := env.direct.ExecContext(ctx, "INSERT INTO "+table+" VALUES ("+marks+")", r...); err != nil {
			t.Fatal(err)
		}
		row, err := dataflow.RowFromGo(r)
		if err != nil {
			t.Fatal(err)
		}
		tx.Changes = append(tx.Changes, weir.MirrorChange{Table: table, Op: weir.MirrorInsert, New: row})
	}
	env.pos++
	tx.Position = env.pos
	tok, _, err := env.engine.Mirror().Apply(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.engine.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
}

func (env *proxyEnv) open(t *testing.T, db, params string) *sql.DB {
	t.Helper()
	h, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/%s?%s", env.addr, db, params))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// outcome runs one statement and describes what the client saw: the columns and rows of
// a result set (every result set, for a CALL), or the affected rows and last insert id,
// or the error's number, SQLSTATE and message.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func outcome(q querier, query bool, stmt string, args ...any) string {
	ctx := context.Background()
	if !query {
		res, err := q.ExecContext(ctx, stmt, args...)
		if err != nil {
			return describeErr(err)
		}
		n, _ := res.RowsAffected()
		id, _ := res.LastInsertId()
		return fmt.Sprintf("affected %d, insert id %d", n, id)
	}
	rows, err := q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return describeErr(err)
	}
	defer rows.Close()
	var b strings.Builder
	for {
		cols, err := rows.Columns()
		if err != nil {
			return describeErr(err)
		}
		fmt.Fprintf(&b, "%v\n", cols)
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return describeErr(err)
			}
			for _, v := range vals {
				if v.Valid {
					fmt.Fprintf(&b, "%q ", v.String)
				} else {
					b.WriteString("NULL ")
				}
			}
			b.WriteString("\n")
		}
		if err := rows.Err(); err != nil {
			fmt.Fprintf(&b, "%s\n", describeErr(err))
		}
		if !rows.NextResultSet() {
			break
		}
	}
	return b.String()
}

// prepared runs a prepared statement where outcome expects a connection.
type prepared struct{ *sql.Stmt }

func (p prepared) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return p.Stmt.QueryContext(ctx, args...)
}

func (p prepared) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return p.Stmt.ExecContext(ctx, args...)
}

func describeErr(err error) string {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return fmt.Sprintf("error %d (%s): %s", me.Number, string(me.SQLState[:]), me.Message)
	}
	return "error: " + err.Error()
}

// TestProxyPassThrough runs the same statements on one connection to MariaDB and on one
// through Weir's proxy (each in a database of its own in the same MariaDB), and checks that
// the client sees the same thing: result sets, affected rows and insert ids, errors with
// their numbers and SQLSTATEs, warnings, transactions, session variables, stored
// procedures with several result sets, and prepared statements.
func TestProxyPassThrough(t *testing.T) {
	env := startProxy(t, nil)
	env.maria.CreateDatabase(t, "direct")
	ctx := context.Background()
	for _, interpolate := range []bool{false, true} {
		t.Run(fmt.Sprintf("interpolateParams=%v", interpolate), func(t *testing.T) {
			params := fmt.Sprintf("interpolateParams=%v", interpolate)
			directDB, err := sql.Open("mysql", env.maria.DSN("direct")+"&"+params)
			if err != nil {
				t.Fatal(err)
			}
			defer directDB.Close()
			proxied := env.open(t, "app", params)
			dc, err := directDB.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer dc.Close()
			pc, err := proxied.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			steps := []struct {
				query bool
				sql   string
				args  []any
			}{
				{false, "DROP TABLE IF EXISTS t", nil},
				{false, "DROP PROCEDURE IF EXISTS p", nil},
				{false, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(10) NOT NULL, n TINYINT)", nil},
				{false, "CREATE TABLE t (id INT)", nil}, // 1050
				{false, "INSERT INTO t (name, n) VALUES ('a', 1), ('b', 2)", nil},
				{false, "INSERT INTO t (name, n) VALUES (?, ?)", []any{"c", 3}},
				{false, "INSERT INTO t (name, n) VALUES ('d', 1000)", nil}, // strict: 1264
				{false, "INSERT INTO t (id, name) VALUES (1, 'dup')", nil}, // 1062
				{true, "SELECT * FROM t ORDER BY id", nil},
				{true, "SELECT nosuch FROM t", nil}, // 1054
				{true, "SELEKT 1", nil},             // 1064
				{false, "SET SESSION sql_mode = ''", nil},
				{false, "INSERT INTO t (name, n) VALUES ('a long name indeed', 1000)", nil}, // warnings
				{true, "SHOW WARNINGS", nil},
				{true, "SELECT @@session.sql_mode, @@autocommit", nil},
				{false, "UPDATE t SET n = n + 1 WHERE id <= ?", []any{2}},
				{false, "UPDATE t SET n = n WHERE id = 1", nil}, // matched, not changed
				{false, "SET @x = 41", nil},
				{true, "SELECT @x + 1", nil},
				{false, "BEGIN", nil},
				{false, "INSERT INTO t (name) VALUES ('in tx')", nil},
				{true, "SELECT COUNT(*) FROM t", nil},
				{false, "ROLLBACK", nil},
				{true, "SELECT COUNT(*) FROM t", nil},
				{false, "START TRANSACTION", nil},
				{false, "UPDATE t SET name = 'z' WHERE id = 3", nil},
				{false, "COMMIT", nil},
				{true, "SELECT id, name FROM t WHERE id = ?", []any{3}},
				{false, "CREATE PROCEDURE p(IN k INT) BEGIN SELECT name FROM t WHERE id = k; SELECT COUNT(*) AS c FROM t; END", nil},
				{true, "CALL p(2)", nil},
				{true, "SHOW COLUMNS FROM t", nil},
				{true, "SELECT id, n FROM t WHERE name IN (?, ?) ORDER BY id", []any{"a", "z"}},
				{true, "SELECT CAST(1.5 AS DECIMAL(4,2)), NOW() IS NOT NULL, CHAR_LENGTH('ü')", nil},
				{false, "TRUNCATE TABLE t", nil},
				{true, "SELECT * FROM t", nil},
			}
			for _, st := range steps {
				want := outcome(dc, st.query, st.sql, st.args...)
				got := outcome(pc, st.query, st.sql, st.args...)
				want = strings.ReplaceAll(want, "direct.", "app.")
				if got != want {
					t.Errorf("%s:\nthrough Weir: %s\nMariaDB:      %s", st.sql, got, want)
				}
			}
		})
	}
}

// TestProxyCaches checks which SELECTs Weir answers: those of shapes CREATE CACHE named
// (by query or by proxied query id), not the others, nor any inside a transaction, and
// that the cached answer equals MariaDB's.
func TestProxyCaches(t *testing.T) {
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price INT)",
		[]any{1, "apple", 3}, []any{2, "pear", 4}, []any{3, "fig", 9})
	ctx := context.Background()
	db := env.open(t, "app", "")
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const q = "SELECT name, price FROM items WHERE id = 2"
	want := outcome(env.direct, true, q)
	if got := outcome(c, true, q); got != want {
		t.Fatalf("proxied: %s, want %s", got, want)
	}
	shapes := proxied(t, c)
	sh, ok := shapes["select `name` , `price` from `items` where `id` = ?"]
	if !ok {
		t.Fatalf("SHOW PROXIED QUERIES: %v", shapes)
	}
	if sh.count != 1 || !strings.HasPrefix(sh.why, "not cached") {
		t.Fatalf("proxied shape %+v", sh)
	}
	if _, err := c.ExecContext(ctx, fmt.Sprintf("CREATE CACHE items_by_id FROM %d", sh.id)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int{1, 2, 3, 4} {
		q := fmt.Sprintf("SELECT name, price FROM items WHERE id = %d", id)
		if got, want := outcome(c, true, q), outcome(env.direct, true, q); got != want {
			t.Fatalf("%s: cached %s, MariaDB %s", q, got, want)
		}
	}
	// Prepared, too: answered by Weir.
	for _, id := range []int{1, 3} {
		q := "SELECT name, price FROM items WHERE id = ?"
		if got, want := outcome(c, true, q, id), outcome(env.direct, true, q, id); got != want {
			t.Fatalf("%s [%d]: cached %s, MariaDB %s", q, id, got, want)
		}
	}
	if n := proxied(t, c)[sh.text].count; n != 1 {
		t.Fatalf("after CREATE CACHE the shape was passed through again: count %d", n)
	}
	// Text and prepared reads alike go through the named cache (one reader per shape).
	if reads := servertest.CacheReads(t, c, "items_by_id"); reads != 6 {
		t.Fatalf("the cache served %d reads, want 6 (four text, two prepared)", reads)
	}

	// Inside a transaction the upstream answers, and says why. A row only MariaDB has
	// (Weir's mirror is not fed it) tells the two apart.
	if _, err := env.direct.ExecContext(ctx, "UPDATE items SET price = 40 WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	byID, err := c.PrepareContext(ctx, "SELECT name, price FROM items WHERE id = ?") // Weir's
	if err != nil {
		t.Fatal(err)
	}
	defer byID.Close()
	if got := outcome(c, true, q); got != "[name price]\n\"pear\" \"4\" \n" {
		t.Fatalf("outside a transaction the cache answers: %s", got)
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	want = "[name price]\n\"pear\" \"40\" \n"
	if got := outcome(c, true, q); got != want {
		t.Fatalf("in a transaction: %s, want %s", got, want)
	}
	// The statement Weir prepared runs on the upstream inside a transaction (prepared
	// there when first needed).
	for range 2 {
		if got := outcome(prepared{byID}, true, "", 2); got != want {
			t.Fatalf("prepared, in a transaction: %s, want %s", got, want)
		}
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if got := outcome(prepared{byID}, true, "", 2); got != "[name price]\n\"pear\" \"4\" \n" {
		t.Fatalf("prepared, after the transaction: %s (want the cache's)", got)
	}
	if sh := proxied(t, c)[sh.text]; sh.count != 2 || sh.why != "inside a transaction" {
		t.Fatalf("after a read in a transaction: %+v", sh)
	}

	// A table Weir does not mirror: passed through with the planner's reason.
	if _, err := env.direct.ExecContext(ctx, "CREATE TABLE other (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if got := outcome(c, true, "SELECT id FROM other WHERE id = 1"); got != "[id]\n" {
		t.Fatalf("unmirrored table: %s", got)
	}
	if sh := proxied(t, c)["select `id` from `other` where `id` = ?"]; !strings.Contains(sh.why, "doesn't exist") {
		t.Fatalf("unmirrored table: %+v", sh)
	}

	// Weir's own statements are refused by name with an unknown id.
	if _, err := c.ExecContext(ctx, "CREATE CACHE FROM 999999"); err == nil || !strings.Contains(err.Error(), "Unknown proxied query 999999") {
		t.Fatalf("CREATE CACHE FROM an unknown id: %v", err)
	}

	// Read-your-writes without a GTID waiter: after the session's own write its reads go
	// to the upstream, which has the write (Weir's mirror does not: nothing feeds it here).
	if _, err := c.ExecContext(ctx, "INSERT INTO items VALUES (4, 'kiwi', 2)"); err != nil {
		t.Fatal(err)
	}
	const q4 = "SELECT name, price FROM items WHERE id = 4"
	if got := outcome(c, true, q4); got != "[name price]\n\"kiwi\" \"2\" \n" {
		t.Fatalf("read after the session's write: %s", got)
	}
	if sh := proxied(t, c)[sh.text]; sh.why != "read-your-writes: Weir had not applied the session's last write" {
		t.Fatalf("after a read following a write: %+v", sh)
	}
	// With read-your-writes off, the session reads Weir's (stale) cache.
	if _, err := c.ExecContext(ctx, "SET @weir_read_your_writes = 0"); err != nil {
		t.Fatal(err)
	}
	if got := outcome(c, true, q4); got != "[name price]\n" {
		t.Fatalf("read from the cache, which lacks the write: %s", got)
	}
}

type proxiedShape struct {
	id        int64
	text, why string
	count     int64
}

func proxied(t *testing.T, q querier) map[string]proxiedShape {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "SHOW PROXIED QUERIES")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]proxiedShape{}
	for rows.Next() {
		var s proxiedShape
		var last string
		if err := rows.Scan(&s.id, &s.text, &s.count, &s.why, &last); err != nil {
			t.Fatal(err)
		}
		out[s.text] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestProxyAutoCache: with --auto-cache a supported shape is cached once it has been
// passed through twice, and then answered by Weir, equal to MariaDB's answer.
func TestProxyAutoCache(t *testing.T) {
	env := startProxy(t, func(c *server.ProxyConfig) { c.AutoCache = true })
	env.table(t, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price INT)",
		[]any{1, "apple", 3}, []any{2, "pear", 4}, []any{3, "fig", 9})
	db := env.open(t, "app", "")
	const shape = "select `name` from `items` where `price` > ? order by `id`"
	for i, bound := range []int{1, 3, 4, 0} {
		q := fmt.Sprintf("SELECT name FROM items WHERE price > %d ORDER BY id", bound)
		if got, want := outcome(db, true, q), outcome(env.direct, true, q); got != want {
			t.Fatalf("%s: %s, want %s", q, got, want)
		}
		sh := proxied(t, db)[shape]
		wantCount := int64(min(i+1, 2))
		if sh.count != wantCount {
			t.Fatalf("after %d reads the shape was passed through %d times, want %d (%+v)", i+1, sh.count, wantCount, sh)
		}
	}
	if reads := servertest.CacheReads(t, db, ""); reads != 2 {
		t.Fatalf("the caches served %d reads, want 2 (the third and fourth)", reads)
	}
}

// TestProxyShapeTableBounded: whatever clients send, the table of proxied shapes keeps
// the most recently seen ones, up to its bound.
func TestProxyShapeTableBounded(t *testing.T) {
	env := startProxy(t, func(c *server.ProxyConfig) { c.MaxShapes = 5 })
	env.table(t, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))", []any{1, "apple"})
	db := env.open(t, "app", "")
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 50 {
		if got := outcome(c, true, fmt.Sprintf("SELECT id AS c%d FROM items WHERE id = 1", i)); strings.HasPrefix(got, "error") {
			t.Fatal(got)
		}
	}
	shapes := proxied(t, c)
	if len(shapes) != 5 {
		t.Fatalf("%d shapes listed, want 5", len(shapes))
	}
	for i := 45; i < 50; i++ {
		if _, ok := shapes[fmt.Sprintf("select `id` as `c%d` from `items` where `id` = ?", i)]; !ok {
			t.Fatalf("shape %d, among the most recent, is missing: %v", i, shapes)
		}
	}
}

// TestProxyUpstreamLost kills the upstream session under a statement: the client gets an
// error, the write is not run again, and the next statement opens a new upstream session
// with the session's database and variables; inside a transaction, statements are refused
// until ROLLBACK.
func TestProxyUpstreamLost(t *testing.T) {
	env := startProxy(t, nil)
	ctx := context.Background()
	if _, err := env.direct.ExecContext(ctx, "CREATE TABLE log (id INT PRIMARY KEY AUTO_INCREMENT, at DOUBLE)"); err != nil {
		t.Fatal(err)
	}
	db := env.open(t, "app", "")
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, s := range []string{"SET @mark = 'kept'", "SET SESSION sql_mode = 'ANSI_QUOTES'"} {
		if _, err := c.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	killDuring := func(stmt string, query bool) string {
		t.Helper()
		done := make(chan string, 1)
		go func() { done <- outcome(c, query, stmt) }()
		deadline := time.Now().Add(10 * time.Second)
		var id int64
		for {
			err := env.direct.QueryRowContext(ctx, "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(%' AND INFO NOT LIKE '%PROCESSLIST%'").Scan(&id)
			if err == nil {
				if _, err := env.direct.ExecContext(ctx, fmt.Sprintf("KILL %d", id)); err != nil {
					t.Fatal(err)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the statement never reached MariaDB: %v", err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		var got string
		select {
		case got = <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the statement did not end after its upstream session was killed")
		}
		// The killed session may still be finishing its statement (and its rollback):
		// wait until MariaDB has ended it, so the rows counted next are final.
		for {
			var n int
			if err := env.direct.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return got
			}
			if time.Now().After(deadline.Add(20 * time.Second)) {
				t.Fatal("the killed session never ended")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	got := killDuring("INSERT INTO log (at) SELECT SLEEP(30)", false)
	if !strings.HasPrefix(got, "error 1927") && !strings.HasPrefix(got, "error 2013") {
		t.Fatalf("write whose upstream session was killed: %s", got)
	}
	// An interrupted SLEEP returns 1, so MariaDB may finish the INSERT before the kill
	// ends its session; run again, it would have added a second row.
	var n int
	if err := env.direct.QueryRowContext(ctx, "SELECT COUNT(*) FROM log").Scan(&n); err != nil || n > 1 {
		t.Fatalf("rows after the killed write: %d, %v (want at most 1: never run again)", n, err)
	}
	if got, want := outcome(c, true, `SELECT @mark, @@sql_mode, DATABASE()`), "[@mark @@sql_mode DATABASE()]\n\"kept\" \"ANSI_QUOTES\" \"app\" \n"; got != want {
		t.Fatalf("session state on the new upstream session: %s, want %s", got, want)
	}

	// Inside a transaction.
	for _, s := range []string{"BEGIN", "INSERT INTO log (at) VALUES (1)"} {
		if _, err := c.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got = killDuring("SELECT SLEEP(30)", true)
	if !strings.HasPrefix(got, "error 1927") && !strings.HasPrefix(got, "error 2013") {
		t.Fatalf("read whose upstream session was killed: %s", got)
	}
	if got := outcome(c, false, "INSERT INTO log (at) VALUES (2)"); !strings.HasPrefix(got, "error 1927 (70100)") {
		t.Fatalf("a statement after the transaction was lost: %s", got)
	}
	if got := outcome(c, false, "ROLLBACK"); got != "affected 0, insert id 0" {
		t.Fatalf("ROLLBACK after the transaction was lost: %s", got)
	}
	before := n
	if got := outcome(c, false, "INSERT INTO log (at) VALUES (3)"); !strings.HasPrefix(got, "affected 1,") {
		t.Fatalf("after ROLLBACK: %s", got)
	}
	if err := env.direct.QueryRowContext(ctx, "SELECT COUNT(*) FROM log").Scan(&n); err != nil || n != before+1 {
		t.Fatalf("rows: %d, %v (want %d: the lost transaction's insert rolled back)", n, err, before+1)
	}
}

// TestProxyMariaDBClient runs the mariadb command-line client unchanged, through Weir and
// directly, and compares what it prints, errors and warnings included.
func TestProxyMariaDBClient(t *testing.T) {
	cli := testserver.RequireAnyBinary(t, "mariadb", "mysql")
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price INT)",
		[]any{1, "apple", 3}, []any{2, "pear", 4})
	script := `SELECT * FROM items ORDER BY id;
use mysql
SELECT DATABASE();
use app
SELECT DATABASE();
SET sql_mode = '';
INSERT INTO items VALUES (3, 'a name far too long for its column', 1);
SHOW WARNINGS;
SELECT name FROM items WHERE id = 3;
SELECT nosuch FROM items;
`
	run := func(addr string) string {
		host, port, _ := strings.Cut(addr, ":")
		cmd := exec.Command(cli, "--no-defaults", "-h", host, "-P", port, "-u", "root", "--batch", "--force", "app")
		cmd.Stdin = strings.NewReader(script)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	got := run(env.addr)
	if _, err := env.direct.Exec("DELETE FROM items WHERE id = 3"); err != nil {
		t.Fatal(err)
	}
	want := run(env.maria.Addr)
	if got != want || !strings.Contains(got, "Warning\t1265") || !strings.Contains(got, "ERROR 1054 (42S22)") {
		t.Fatalf("through Weir:\n%s\nMariaDB:\n%s", got, want)
	}
}

func TestParseUpstreamURL(t *testing.T) {
	for _, tc := range []struct {
		url, addr, user, password, db, err string
		tls                                bool
	}{
		{url: "mysql://app:s%40cret@db.example:3307/shop", addr: "db.example:3307", user: "app", password: "s@cret", db: "shop"},
		{url: "mariadb://root@10.0.0.5/shop?tls=true", addr: "10.0.0.5:3306", user: "root", db: "shop", tls: true},
		{url: "mysql://root@[::1]/x", addr: "[::1]:3306", user: "root", db: "x"},
		{url: "mysql://root@/shop?socket=/run/mysqld/mysqld.sock", addr: "/run/mysqld/mysqld.sock", user: "root", db: "shop"},
		{url: "postgres://u@h/db", err: "want mysql://"},
		{url: "mysql:///db", err: "no host"},
		{url: "mysql://h/db?tls=maybe", err: "tls=maybe"},
	} {
		cfg, err := server.ParseUpstreamURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one containing %q", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if cfg.Addr != tc.addr || cfg.User != tc.user || cfg.Password != tc.password || cfg.Database != tc.db || (cfg.TLS != nil) != tc.tls {
			t.Errorf("%s: got %+v", tc.url, cfg)
		}
	}
}

// TestProxyCachedTypes: the answers Weir's caches give to a client are those MariaDB
// gives, for each column type a mirrored table may have, NULLs included. The mirrored
// table is fed the same rows as MariaDB's (through the Mirror API, as a binlog stream
// would).
func TestProxyCachedTypes(t *testing.T) {
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE v (id INT PRIMARY KEY, i BIGINT, u INT UNSIGNED, d DECIMAL(10,3), f DOUBLE, "+
		"s VARCHAR(20), c CHAR(3), b TINYINT, dt DATETIME, day DATE, ts TIMESTAMP NULL, tx TEXT)",
		[]any{1, -9000000000, 4000000000, "12.5", 0.25, "ünï", "ab", 1, "2026-12-06 10:11:12", "2026-01-02", "2020-02-29 23:59:59", "long text"},
		[]any{2, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil})
	ctx := context.Background()
	for _, interpolate := range []bool{false, true} {
		params := fmt.Sprintf("interpolateParams=%v", interpolate)
		db := env.open(t, "app", params)
		if _, err := db.ExecContext(ctx, "CREATE CACHE IF_NOT_EXISTS_v FROM SELECT * FROM v WHERE id = 1"); err != nil && !strings.Contains(err.Error(), "already exists") {
			t.Fatal(err)
		}
		direct, err := sql.Open("mysql", env.maria.DSN("app")+"&"+params)
		if err != nil {
			t.Fatal(err)
		}
		defer direct.Close()
		for _, id := range []int{1, 2} {
			q := fmt.Sprintf("SELECT * FROM v WHERE id = %d", id)
			if got, want := outcome(db, true, q), outcome(direct, true, q); got != want {
				t.Errorf("%s (%s):\nWeir:    %s\nMariaDB: %s", q, params, got, want)
			}
			if got, want := outcome(db, true, "SELECT * FROM v WHERE id = ?", id), outcome(direct, true, "SELECT * FROM v WHERE id = ?", id); got != want {
				t.Errorf("prepared, id %d (%s):\nWeir:    %s\nMariaDB: %s", id, params, got, want)
			}
		}
	}
	if reads := servertest.CacheReads(t, env.open(t, "app", ""), "IF_NOT_EXISTS_v"); reads < 4 {
		t.Fatalf("the cache served %d reads", reads)
	}
}

// TestProxyClientCredentials: with ClientCredentials each upstream session logs in as the
// client's own user, so the upstream's privileges for that user apply.
func TestProxyClientCredentials(t *testing.T) {
	env := startProxy(t, nil)
	ctx := context.Background()
	for _, s := range []string{
		"CREATE TABLE open_t (id INT PRIMARY KEY)", "CREATE TABLE secret_t (id INT PRIMARY KEY)",
		"CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'pw'", "GRANT SELECT ON app.open_t TO 'reader'@'127.0.0.1'",
	} {
		if _, err := env.direct.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	cfg := &server.ProxyConfig{Addr: env.maria.Addr, Database: "app", ClientCredentials: true}
	_, _, addr := servertest.Start(t, weir.Options{MemoryLimit: -1, Mirror: true},
		server.Config{Users: map[string]string{"reader": "pw", "root": ""}, Proxy: cfg})
	open := func(user string) *sql.DB {
		db, err := sql.Open("mysql", fmt.Sprintf("%s@tcp(%s)/app", user, addr))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	reader := open("reader:pw")
	if got := outcome(reader, true, "SELECT id FROM open_t"); got != "[id]\n" {
		t.Fatalf("granted table: %s", got)
	}
	if got := outcome(reader, true, "SELECT id FROM secret_t"); !strings.HasPrefix(got, "error 1142 (42000)") {
		t.Fatalf("table not granted: %s", got)
	}
	if got := outcome(reader, true, "SELECT CURRENT_USER()"); got != "[CURRENT_USER()]\n\"reader@127.0.0.1\" \n" {
		t.Fatalf("upstream user: %s", got)
	}
	if got := outcome(open("root"), true, "SELECT id FROM secret_t"); got != "[id]\n" {
		t.Fatalf("root: %s", got)
	}
}

// TestProxyUpstreamUnreachable: a session whose upstream cannot be reached gets error 2003
// naming it, for each statement that needs the upstream; Weir's own statements still work.
func TestProxyUpstreamUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := ln.Addr().String()
	ln.Close()
	_, _, addr := servertest.Start(t, weir.Options{MemoryLimit: -1, Mirror: true},
		server.Config{Proxy: &server.ProxyConfig{Addr: gone, Database: "app", DialTimeout: 2 * time.Second}})
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/app", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 2 {
		if got := outcome(db, true, "SELECT 1"); !strings.HasPrefix(got, "error 2003 (HY000): Can't connect to the upstream MySQL server on '"+gone+"'") {
			t.Fatalf("unreachable upstream: %s", got)
		}
	}
	if got := outcome(db, true, "SHOW PROXIED QUERIES"); got != "[id query count why_proxied last_seen]\n" {
		t.Fatalf("SHOW PROXIED QUERIES: %s", got)
	}
}

// TestProxyWriteThenRead: on one connection, a write and then a read of a cached shape
// always sees the write, 1,000 times. Nothing feeds Weir's mirror here, so the reads after
// a write are the upstream's (read-your-writes without a GTID waiter); the cache serves
// the reads of another session, which keep its stale answer.
func TestProxyWriteThenRead(t *testing.T) {
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE counter (id INT PRIMARY KEY, n INT)", []any{1, 0})
	ctx := context.Background()
	db := env.open(t, "app", "")
	if _, err := db.ExecContext(ctx, "CREATE CACHE counter_by_id FROM SELECT n FROM counter WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 1; i <= 1000; i++ {
		if _, err := c.ExecContext(ctx, "UPDATE counter SET n = ? WHERE id = 1", i); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := c.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != i {
			t.Fatalf("round %d: read %d after writing %d", i, n, i)
		}
	}
	other, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil || n != 0 {
		t.Fatalf("another session read %d, %v: want the cache's 0", n, err)
	}
}

// TestProxyMixedWorkload runs cached reads, proxied reads, writes and transactions (some
// rolled back) from concurrent sessions through the proxy: every read of items (cached or,
// after a connection's write, the upstream's) equals MariaDB's row, each worker sees its
// committed rows and, in a transaction, its uncommitted ones, and afterwards MariaDB holds
// exactly the committed writes.
func TestProxyMixedWorkload(t *testing.T) {
	env := startProxy(t, nil)
	var rows [][]any
	for i := 1; i <= 50; i++ {
		rows = append(rows, []any{i, fmt.Sprintf("item %d", i), i * 10})
	}
	env.table(t, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price INT)", rows...)
	ctx := context.Background()
	if _, err := env.direct.ExecContext(ctx, "CREATE TABLE log (id INT PRIMARY KEY AUTO_INCREMENT, worker INT, k INT)"); err != nil {
		t.Fatal(err)
	}
	db := env.open(t, "app", "")
	if _, err := db.ExecContext(ctx, "CREATE CACHE items_by_id FROM SELECT name, price FROM items WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	const workers, ops = 6, 150
	committed := make([]int, workers)
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			errs <- func() error {
				for i := range ops {
					id := 1 + (w*ops+i)%50
					switch i % 5 {
					case 0, 1: // cached
						var name string
						var price int
						if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT name, price FROM items WHERE id = %d", id)).Scan(&name, &price); err != nil {
							return err
						}
						if name != fmt.Sprintf("item %d", id) || price != id*10 {
							return fmt.Errorf("items %d: %q %d", id, name, price)
						}
					case 2: // proxied read
						var n int
						if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM log WHERE worker = ?", w).Scan(&n); err != nil {
							return err
						}
						if n != committed[w] {
							return fmt.Errorf("worker %d sees %d of its rows, committed %d", w, n, committed[w])
						}
					case 3: // write
						if _, err := db.ExecContext(ctx, "INSERT INTO log (worker, k) VALUES (?, ?)", w, i); err != nil {
							return err
						}
						committed[w]++
					case 4: // transaction, committed every other time
						tx, err := db.BeginTx(ctx, nil)
						if err != nil {
							return err
						}
						for j := range 2 {
							if _, err := tx.ExecContext(ctx, "INSERT INTO log (worker, k) VALUES (?, ?)", w, i*10+j); err != nil {
								tx.Rollback()
								return err
							}
						}
						var n int
						if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM log WHERE worker = ?", w).Scan(&n); err != nil {
							tx.Rollback()
							return err
						}
						if n != committed[w]+2 {
							tx.Rollback()
							return fmt.Errorf("in a transaction worker %d sees %d rows, want %d", w, n, committed[w]+2)
						}
						if i%10 == 4 {
							if err := tx.Commit(); err != nil {
								return err
							}
							committed[w] += 2
						} else if err := tx.Rollback(); err != nil {
							return err
						}
					}
				}
				return nil
			}()
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for w := range workers {
		var n int
		if err := env.direct.QueryRowContext(ctx, "SELECT COUNT(*) FROM log WHERE worker = ?", w).Scan(&n); err != nil || n != committed[w] {
			t.Fatalf("worker %d: MariaDB holds %d rows (%v), committed %d", w, n, err, committed[w])
		}
	}
	// Without a GTID waiter, a pooled connection reads the upstream once it has written:
	// the cache serves the reads of connections that had not yet.
	if reads := servertest.CacheReads(t, db, "items_by_id"); reads == 0 {
		t.Fatal("the cache served no read")
	}
}

// TestProxyCursor: an execution that opens a cursor (as JDBC's useCursorFetch does) and
// the COM_STMT_FETCHes that read it get the packets MariaDB sends; the greeting announces
// MariaDB's version.
func TestProxyCursor(t *testing.T) {
	env := startProxy(t, nil)
	ctx := context.Background()
	if _, err := env.direct.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.direct.ExecContext(ctx, "INSERT INTO t VALUES (1, 'a'), (2, NULL), (3, 'c')"); err != nil {
		t.Fatal(err)
	}
	run := func(addr string) []string {
		t.Helper()
		c, err := client.Connect(addr, "root", "", "app", func(c *client.Conn) error {
			c.UnsetCapability(gmysql.CLIENT_DEPRECATE_EOF)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		out := []string{c.GetServerVersion()} // the greeting's
		st, err := c.Prepare("SELECT id, s FROM t ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		exchange := func(payload []byte, until func(p []byte) bool) {
			c.ResetSequence()
			if err := c.WritePacket(append([]byte{0, 0, 0, 0}, payload...)); err != nil {
				t.Fatal(err)
			}
			for {
				p, err := c.ReadPacket()
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%x", p))
				if p[0] == 0xff || until(p) {
					return
				}
			}
		}
		id := []byte{byte(st.ID), byte(st.ID >> 8), byte(st.ID >> 16), byte(st.ID >> 24)}
		eofs := 0
		exchange(append(append([]byte{gmysql.COM_STMT_EXECUTE}, id...), gmysql.CURSOR_TYPE_READ_ONLY, 1, 0, 0, 0), func(p []byte) bool {
			if p[0] == 0xfe && len(p) < 9 {
				eofs++
			}
			return eofs == 1
		})
		for range 2 {
			exchange(append(append([]byte{gmysql.COM_STMT_FETCH}, id...), 2, 0, 0, 0), func(p []byte) bool { return p[0] == 0xfe && len(p) < 9 })
		}
		return out
	}
	got, want := run(env.addr), run(env.maria.Addr)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("through Weir:\n%s\nMariaDB:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(want) < 8 {
		t.Fatalf("MariaDB sent only %d packets", len(want))
	}
}

// TestProxyUpstreamCut cuts the TCP connection to the upstream while a large result set is
// being relayed: the client's read ends with error 2013, and the connection's next
// statement runs on a new upstream session.
func TestProxyUpstreamCut(t *testing.T) {
	m := testserver.StartMariaDB(t)
	m.CreateDatabase(t, "app")
	fwd := newForwarder(t, m.Addr)
	_, _, addr := servertest.Start(t, weir.Options{MemoryLimit: -1, Mirror: true},
		server.Config{Proxy: &server.ProxyConfig{Addr: fwd.addr, User: "root", Database: "app"}})
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/app", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, "SELECT seq, REPEAT('x', 100) FROM seq_1_to_2000000")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		if n++; n == 10 {
			fwd.cut()
		}
	}
	err = rows.Err()
	rows.Close()
	if n >= 2000000 || !strings.HasPrefix(describeErr(err), "error 2013 (HY000): Lost connection to the upstream") {
		t.Fatalf("after %d rows: %v", n, err)
	}
	var got int
	if err := c.QueryRowContext(ctx, "SELECT 41 + 1").Scan(&got); err != nil || got != 42 {
		t.Fatalf("the next statement: %d, %v", got, err)
	}
}

// forwarder relays TCP connections to an address until cut closes those it relays.
type forwarder struct {
	addr  string
	mu    sync.Mutex
	conns []net.Conn
}

func newForwarder(t *testing.T, to string) *forwarder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	f := &forwarder{addr: ln.Addr().String()}
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", to)
			if err != nil {
				in.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, in, out)
			f.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	t.Cleanup(f.cut)
	return f
}

func (f *forwarder) cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		c.Close()
	}
	f.conns = nil
}

// TestProxySessionCharsetAndZone: a session that reads results in another character set,
// or set another time zone, is answered by the upstream (Weir's caches hold UTF-8 and
// UTC), so it sees what MariaDB gives it.
func TestProxySessionCharsetAndZone(t *testing.T) {
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), at TIMESTAMP NULL)",
		[]any{1, "crème brûlée", "2026-12-06 10:00:00"})
	ctx := context.Background()
	db := env.open(t, "app", "")
	if _, err := db.ExecContext(ctx, "CREATE CACHE items_by_id FROM SELECT name, at FROM items WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	const q = "SELECT name, at FROM items WHERE id = 1"
	for _, set := range []string{"SET NAMES latin1", "SET time_zone = '+02:00'"} {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		d, err := env.direct.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, conn := range []*sql.Conn{c, d} {
			if _, err := conn.ExecContext(ctx, set); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := outcome(c, true, q), outcome(d, true, q); got != want {
			t.Errorf("after %s: through Weir %s, MariaDB %s", set, got, want)
		}
		if sh := proxied(t, c)["select `name` , `at` from `items` where `id` = ?"]; !strings.Contains(sh.why, "Weir's caches hold") {
			t.Errorf("after %s: %+v", set, sh)
		}
		c.Close()
		d.Close()
	}
	fresh := env.open(t, "app", "") // the pools above keep the sessions that SET
	freshDirect, err := sql.Open("mysql", env.maria.DSN("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer freshDirect.Close()
	if got, want := outcome(fresh, true, q), outcome(freshDirect, true, q); got != want {
		t.Errorf("a UTF-8, UTC session: through Weir %s, MariaDB %s", got, want)
	}
	if reads := servertest.CacheReads(t, fresh, "items_by_id"); reads != 1 {
		t.Errorf("the cache served %d reads, want 1", reads)
	}
}

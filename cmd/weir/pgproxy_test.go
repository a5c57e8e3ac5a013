package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/weirdb/weir/internal/testserver"
)

// pgProxy is a private PostgreSQL and `weir serve --upstream postgres://…` in front of it,
// mirroring its tables and proxying the PostgreSQL listener.
type pgProxy struct {
	pg     *testserver.Postgres
	direct string // PostgreSQL's DSN, database shop
	weir   string // the DSN of Weir's PostgreSQL listener, database shop
	port   string
}

func startPGProxy(t *testing.T, setup []string, extraArgs ...string) *pgProxy {
	t.Helper()
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "shop")
	ctx := context.Background()
	up, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range setup {
		if _, err := up.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	up.Close(ctx)
	pgAddr := freePort(t)
	sctx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	args := append([]string{"--listen", "127.0.0.1:0", "--http", "", "--log-level", "warn", "--pg-listen", pgAddr,
		"--data-dir", t.TempDir(), "--upstream", dsn}, extraArgs...)
	go func() {
		done <- serve(sctx, args, func(string) string { return "" }, io.Discard, func(m, _ string) { ready <- m })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not become ready")
	}
	port := pgAddr[strings.LastIndexByte(pgAddr, ':')+1:]
	return &pgProxy{pg: pg, direct: dsn, weir: "postgres://root@" + pgAddr + "/shop?sslmode=disable", port: port}
}

func (p *pgProxy) connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// served is what SHOW CACHES reports Weir answered through the cache called name.
func served(t *testing.T, c *pgx.Conn, name string) int64 {
	t.Helper()
	rows, err := c.Query(context.Background(), "SHOW CACHES", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int64 = -1
	for rows.Next() {
		var cname, query string
		var count int64
		if err := rows.Scan(&cname, &query, &count); err != nil {
			t.Fatal(err)
		}
		if cname == name {
			n = count
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 0 {
		t.Fatalf("SHOW CACHES lists no cache %s", name)
	}
	return n
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

var pgProxySetup = []string{
	"CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2), stock int NOT NULL DEFAULT 0)",
	"INSERT INTO products SELECT i, 'product ' || i, i * 1.5, i FROM generate_series(1, 100) i",
}

// TestPGProxyPgx runs pgx through Weir's PostgreSQL listener in front of PostgreSQL: a
// cached read answered by Weir, a proxied read, writes read back from the cache at once
// (read-your-writes by LSN), a transaction, errors with their SQLSTATEs, COPY both ways and
// LISTEN/NOTIFY.
func TestPGProxyPgx(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	ctx := context.Background()
	c := p.connect(t, p.weir)
	if _, err := c.Exec(ctx, "CREATE CACHE product FROM SELECT name, price, stock FROM products WHERE id = $1"); err != nil {
		t.Fatal(err)
	}
	before := served(t, c, "product")
	var name, price string
	var stock int
	if err := c.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", 10).Scan(&name, &price, &stock); err != nil || name != "product 10" || price != "15.00" || stock != 10 {
		t.Fatalf("cached read: %q %q %d %v", name, price, stock, err)
	}
	if after := served(t, c, "product"); after != before+1 {
		t.Fatalf("cached read: SHOW CACHES counts %d reads, want %d", after, before+1)
	}
	// A query of another shape is the upstream's.
	var n int64
	if err := c.QueryRow(ctx, "SELECT count(*) FROM products WHERE stock > $1", 50).Scan(&n); err != nil || n != 50 {
		t.Fatalf("proxied read: %d %v", n, err)
	}
	if after := served(t, c, "product"); after != before+1 {
		t.Fatalf("a proxied read counted as the cache's (%d)", after)
	}
	// Writes, then reads from the cache that must see them, every time.
	const rounds = 200
	for i := range rounds {
		id := 1 + i%100
		if _, err := c.Exec(ctx, "UPDATE products SET stock = $1 WHERE id = $2", 1000+i, id); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", id).Scan(&name, &price, &stock); err != nil {
			t.Fatal(err)
		}
		if stock != 1000+i {
			t.Fatalf("round %d: read stock %d after writing %d: stale", i, stock, 1000+i)
		}
	}
	if got := served(t, c, "product"); got < before+1+rounds*9/10 {
		t.Fatalf("of %d reads after writes, Weir answered %d: read-your-writes fell back to the upstream", rounds, got-before-1)
	}
	// RETURNING and command tags come from the upstream.
	var ret int
	if err := c.QueryRow(ctx, "INSERT INTO products VALUES (101, 'new', 1.00, 7) RETURNING stock").Scan(&ret); err != nil || ret != 7 {
		t.Fatalf("INSERT … RETURNING: %d %v", ret, err)
	}
	tag, err := c.Exec(ctx, "DELETE FROM products WHERE id > $1", 100)
	if err != nil || tag.String() != "DELETE 1" {
		t.Fatalf("DELETE: %q %v", tag, err)
	}
	// A transaction: every statement, reads of cached shapes included, is the upstream's.
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE products SET stock = 5 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	inTx := served(t, c, "product")
	if err := tx.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", 1).Scan(&name, &price, &stock); err != nil || stock != 5 {
		t.Fatalf("read in a transaction: %d %v", stock, err)
	}
	if got := served(t, c, "product"); got != inTx {
		t.Fatal("a read inside a transaction was answered by Weir")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", 1).Scan(&name, &price, &stock); err != nil || stock == 5 {
		t.Fatalf("after ROLLBACK: %d %v", stock, err)
	}
	// Errors carry the upstream's SQLSTATE.
	if _, err := c.Exec(ctx, "INSERT INTO products VALUES (1, 'dup', 1, 1)"); sqlState(err) != "23505" {
		t.Fatalf("duplicate key: %v, want 23505", err)
	}
	if _, err := c.Exec(ctx, "SELECT * FROM nope"); sqlState(err) != "42P01" {
		t.Fatalf("unknown table: %v, want 42P01", err)
	}
	// COPY in and out.
	copied, err := c.CopyFrom(ctx, pgx.Identifier{"products"}, []string{"id", "name", "price", "stock"},
		pgx.CopyFromRows([][]any{{201, "copied a", "2.50", 3}, {202, "copied b", nil, 4}}))
	if err != nil || copied != 2 {
		t.Fatalf("COPY FROM: %d %v", copied, err)
	}
	var out strings.Builder
	if _, err := c.PgConn().CopyTo(ctx, &out, "COPY (SELECT id, name FROM products WHERE id > 200 ORDER BY id) TO STDOUT"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "201\tcopied a\n202\tcopied b\n" {
		t.Fatalf("COPY TO: %q", out.String())
	}
	// LISTEN/NOTIFY: a notification reaches the listening session by its next reply.
	if _, err := c.Exec(ctx, "LISTEN stock_changed"); err != nil {
		t.Fatal(err)
	}
	other := p.connect(t, p.weir)
	if _, err := other.Exec(ctx, "NOTIFY stock_changed, 'id 7'"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	note, err := c.WaitForNotification(wctx)
	if err != nil || note.Channel != "stock_changed" || note.Payload != "id 7" {
		t.Fatalf("notification: %+v %v", note, err)
	}
}

package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/weirdb/weir/internal/testserver"
)

// cacheNames lists the caches SHOW CACHES reports on the PostgreSQL listener, with the
// statement each was created from.
func cacheNames(t *testing.T, c *pgx.Conn) map[string]string {
	t.Helper()
	rows, err := c.Query(context.Background(), "SHOW CACHES", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, query string
		var count int64
		if err := rows.Scan(&name, &query, &count); err != nil {
			t.Fatal(err)
		}
		out[name] = query
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPGProxyCacheSurvivesRestart: a cache created with CREATE CACHE through the
// PostgreSQL listener, in PostgreSQL's dialect, is back after weir serve restarts on its
// data directory (listed by SHOW CACHES and answering its shape, literals in simple-protocol
// text included, from the first read), and one dropped with DROP CACHE stays dropped.
func TestPGProxyCacheSurvivesRestart(t *testing.T) {
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "shop")
	ctx := context.Background()
	up, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range pgProxySetup {
		if _, err := up.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	up.Close(ctx)
	dataDir := t.TempDir()
	pgAddr := freePort(t)
	weirDSN := "postgres://root@" + pgAddr + "/shop?sslmode=disable"
	args := []string{"--http", "", "--pg-listen", pgAddr, "--data-dir", dataDir, "--upstream", dsn}
	simple := pgx.QueryExecModeSimpleProtocol

	_, _, stop := startServe(t, args...)
	p := &pgProxy{}
	c := p.connect(t, weirDSN)
	const query = "SELECT name, stock FROM products WHERE id = $1"
	for _, q := range []string{
		"CREATE CACHE product_stock FROM " + query,
		"CREATE CACHE gone FROM SELECT name FROM products WHERE stock = $1",
		"DROP CACHE gone",
	} {
		if _, err := c.Exec(ctx, q, simple); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var name string
	var stock int
	if err := c.QueryRow(ctx, "SELECT name, stock FROM products WHERE id = 7", simple).Scan(&name, &stock); err != nil {
		t.Fatal(err)
	}
	if got := served(t, c, "product_stock"); got != 1 {
		t.Fatalf("before the restart: served %d, want 1", got)
	}
	c.Close(ctx)
	stop()

	startServe(t, args...)
	c = p.connect(t, weirDSN)
	caches := cacheNames(t, c)
	if got := caches["product_stock"]; got != query {
		t.Fatalf("after the restart SHOW CACHES lists %q, want product_stock from %q", caches, query)
	}
	if _, ok := caches["gone"]; ok {
		t.Fatalf("after the restart SHOW CACHES lists the dropped cache gone: %q", caches)
	}
	if err := c.QueryRow(ctx, "SELECT name, stock FROM products WHERE id = 8", simple).Scan(&name, &stock); err != nil {
		t.Fatal(err)
	}
	if name != "product 8" || stock != 8 {
		t.Fatalf("after the restart: %q %d, want product 8 8", name, stock)
	}
	if err := c.QueryRow(ctx, query, 9).Scan(&name, &stock); err != nil {
		t.Fatal(err)
	}
	if name != "product 9" || stock != 9 {
		t.Fatalf("after the restart, prepared: %q %d, want product 9 9", name, stock)
	}
	if got := served(t, c, "product_stock"); got != 2 {
		t.Fatalf("after the restart: served %d, want 2 (both reads answered by the cache)", got)
	}
	if _, err := c.Exec(ctx, "DROP CACHE gone", simple); sqlState(err) != "42704" {
		t.Fatalf("DROP CACHE of the cache dropped before the restart: %v, want 42704", err)
	}
	if _, err := c.Exec(ctx, "DROP CACHE product_stock", simple); err != nil {
		t.Fatal(err)
	}
	if _, ok := cacheNames(t, c)["product_stock"]; ok {
		t.Fatal("SHOW CACHES lists product_stock after DROP CACHE")
	}
}

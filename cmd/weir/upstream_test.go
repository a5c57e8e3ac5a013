package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/weirdb/weir/internal/testserver"
)

// TestServeUpstream runs weir serve --upstream against a private PostgreSQL: caches are
// created and read over the MySQL protocol, writes are refused with a pointer to
// PostgreSQL, a write on PostgreSQL is read back with its LSN, and SHOW STATUS and /metrics
// report the replication.
func TestServeUpstream(t *testing.T) {
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "shop")
	ctx := context.Background()
	up, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close(ctx)
	for _, q := range []string{
		"SET synchronous_commit = on",
		"CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2))",
		"CREATE TABLE skipped (id int PRIMARY KEY, doc jsonb)",
		"INSERT INTO products SELECT i, 'product ' || i, i * 1.5 FROM generate_series(1, 1000) i",
	} {
		if _, err := up.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	// A table with a type Weir cannot mirror is named in the error.
	err = serve(ctx, []string{"--listen", "127.0.0.1:0", "--http", "", "--log-level", "error", "--data-dir", t.TempDir(), "--upstream", dsn},
		func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "skipped") || !strings.Contains(err.Error(), "doc") {
		t.Fatalf("mirroring a jsonb column: %v, want an error naming table skipped and column doc", err)
	}

	mysqlAddr, httpAddr, _ := startServe(t, "--http", "127.0.0.1:0", "--data-dir", t.TempDir(), "--upstream", dsn, "--tables", "products")
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir", mysqlAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE CACHE product FROM SELECT name, price FROM products WHERE id = ?"); err != nil {
		t.Fatal(err)
	}
	var name, price string
	if err := db.QueryRow("SELECT name, price FROM products WHERE id = ?", 10).Scan(&name, &price); err != nil || name != "product 10" || price != "15.00" {
		t.Fatalf("product 10: %q %q %v", name, price, err)
	}
	_, err = db.Exec("UPDATE products SET price = 1 WHERE id = 10")
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1290 || !strings.Contains(me.Message, "PostgreSQL") {
		t.Fatalf("a write through Weir: %v, want error 1290 pointing to PostgreSQL", err)
	}

	if _, err := up.Exec(ctx, "UPDATE products SET price = 99.99 WHERE id = 10"); err != nil {
		t.Fatal(err)
	}
	var lsn string
	if err := up.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("SET @weir_min_lsn = '" + lsn + "'"); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT name, price FROM products WHERE id = ?", 10).Scan(&name, &price); err != nil || price != "99.99" {
		t.Fatalf("product 10 after an upstream update, read at its LSN: %q %v", price, err)
	}

	rows, err := db.Query("SHOW STATUS LIKE 'Weir_replication%'")
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		status[k] = v
	}
	rows.Close()
	if status["Weir_replication_connected"] != "ON" || status["Weir_replication_snapshot_rows"] != "1000" || status["Weir_replication_lag_bytes"] == "" {
		t.Fatalf("SHOW STATUS: %v", status)
	}
	resp, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"weir_replication_lag_bytes", "weir_replication_lag_seconds", "weir_replication_snapshot_rows 1000", "weir_replication_transactions_total"} {
		if !strings.Contains(string(body), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
}

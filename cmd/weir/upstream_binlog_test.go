package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir/internal/testserver"
)

// TestServeUpstreamMariaDB runs weir serve --upstream mariadb://… against a private MariaDB
// with a binary log: a table Weir cannot mirror is named in the error; caches are created
// and read over the MySQL protocol, in the upstream's database; a write through Weir's
// listener goes to MariaDB and the session reads it back; a write on MariaDB is read back
// once Weir has applied its GTID; SHOW STATUS (Weir's, not the upstream's) and /metrics
// report the replication.
func TestServeUpstreamMariaDB(t *testing.T) {
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	up, err := sql.Open("mysql", mdb.CreateDatabase(t, "shop"))
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	for _, q := range []string{
		"CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, price DECIMAL(8,2))",
		"CREATE TABLE skipped (id INT PRIMARY KEY, spot POINT)",
		"INSERT INTO products WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i, CONCAT('product ', i), i * 1.5 FROM s",
	} {
		if _, err := up.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	url := "mariadb://root@" + mdb.Addr + "/shop"
	ctx := context.Background()

	err = serve(ctx, []string{"--listen", "127.0.0.1:0", "--http", "", "--log-level", "error", "--data-dir", t.TempDir(), "--upstream", url},
		func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "skipped") || !strings.Contains(err.Error(), "spot") {
		t.Fatalf("mirroring a POINT column: %v, want an error naming table skipped and column spot", err)
	}
	err = serve(ctx, []string{"--listen", "127.0.0.1:0", "--http", "", "--log-level", "error", "--data-dir", t.TempDir(), "--upstream", url, "--tables", "products", "--server-id", "1"},
		func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "server_id") {
		t.Fatalf("--server-id equal to the upstream's: %v, want an error about server_id", err)
	}

	mysqlAddr, httpAddr, _ := startServe(t, "--http", "127.0.0.1:0", "--data-dir", t.TempDir(), "--upstream", url, "--tables", "products", "--server-id", "4242")
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/shop", mysqlAddr))
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
	// The listener is a proxy: a write goes to MariaDB, and the session's next read sees it.
	res, err := db.Exec("UPDATE products SET price = 1 WHERE id = 10")
	if err != nil {
		t.Fatalf("a write through Weir's proxy: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("a write through Weir's proxy changed %d rows, want 1", n)
	}
	if err := db.QueryRow("SELECT name, price FROM products WHERE id = ?", 10).Scan(&name, &price); err != nil || price != "1.00" {
		t.Fatalf("product 10 after the session's write: %q %v", price, err)
	}

	if _, err := up.Exec("UPDATE products SET price = 99.99 WHERE id = 10"); err != nil {
		t.Fatal(err)
	}
	var gtid string
	if err := up.QueryRow("SELECT @@gtid_binlog_pos").Scan(&gtid); err != nil {
		t.Fatal(err)
	}
	// Wait, with a deadline, until SHOW STATUS reports the write's GTID applied.
	status := map[string]string{}
	deadline := time.Now().Add(time.Minute)
	for status["Weir_replication_applied_gtid"] != gtid {
		if time.Now().After(deadline) {
			t.Fatalf("Weir did not apply GTID %s within a minute: %v", gtid, status)
		}
		rows, err := db.Query("SHOW STATUS LIKE 'Weir_replication%'")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			status[k] = v
		}
		rows.Close()
	}
	if err := db.QueryRow("SELECT name, price FROM products WHERE id = ?", 10).Scan(&name, &price); err != nil || price != "99.99" {
		t.Fatalf("product 10 after an upstream update, once its GTID is applied: %q %v", price, err)
	}
	if status["Weir_replication_connected"] != "ON" || status["Weir_replication_snapshot_rows"] != "1000" || !strings.HasPrefix(status["Weir_replication_applied_position"], "mariadb-bin.") {
		t.Fatalf("SHOW STATUS: %v", status)
	}
	resp, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"weir_replication_applied_binlog_position", "weir_replication_lag_seconds", "weir_replication_snapshot_rows 1000", "weir_replication_transactions_total 2"} {
		if !strings.Contains(string(body), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
}

package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestServePGListen runs weir serve with --pg-listen: a table written over MySQL is read by
// pgx over the PostgreSQL protocol, and the listener stops with the server.
func TestServePGListen(t *testing.T) {
	ctx := context.Background()
	pgAddr := freePort(t)
	mysqlAddr, _, stop := startServe(t, "--http", "", "--pg-listen", pgAddr, "--data-dir", "")
	qctx, qcancel := context.WithTimeout(ctx, 30*time.Second)
	defer qcancel()
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir", mysqlAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
		"INSERT INTO t VALUES (1, 'one')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn, err := pgx.Connect(qctx, "postgres://root@"+pgAddr+"/weir?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	var v string
	if err := conn.QueryRow(qctx, "SELECT v FROM t WHERE id = $1", 1).Scan(&v); err != nil || v != "one" {
		t.Fatalf("read: %q %v", v, err)
	}
	conn.Close(qctx)
	stop()
	if c, err := pgx.Connect(qctx, "postgres://root@"+pgAddr+"/weir?sslmode=disable"); err == nil {
		c.Close(qctx)
		t.Error("the PostgreSQL listener answers after shutdown")
	}
}

func TestServePGListenDefaults(t *testing.T) {
	for _, c := range []struct{ listen, upstream, want string }{
		{"", "", ""},
		{"", "postgres://u:p@db:5432/app", "127.0.0.1:5433"},
		{"off", "postgres://u:p@db:5432/app", ""},
		{"127.0.0.1:6543", "", "127.0.0.1:6543"},
		{"", "mysql://u:p@db:3306/app", ""},
	} {
		cfg := serveConfig{PGListen: c.listen, Upstream: c.upstream}
		if got := cfg.pgListen(); got != c.want {
			t.Errorf("--pg-listen %q --upstream %q: %q, want %q", c.listen, c.upstream, got, c.want)
		}
	}
	err := serve(context.Background(), []string{"--listen", "127.0.0.1:0", "--http", "", "--data-dir", "", "--pg-listen", "0.0.0.0:0"},
		func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "--pg-listen") || !strings.Contains(err.Error(), "no password") {
		t.Fatalf("got %v, want a refusal naming --pg-listen", err)
	}
}

package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// freePort returns a loopback address that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeRESP runs weir serve with --resp: a go-redis client reads a cache created over
// MySQL, and the listener stops with the server.
func TestServeRESP(t *testing.T) {
	ctx := context.Background()
	respAddr := freePort(t)
	mysqlAddr, _, stop := startServe(t, "--http", "", "--resp", respAddr, "--data-dir", "")
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir", mysqlAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
		"INSERT INTO t VALUES (1, 'one')",
		"CREATE CACHE by_id FROM SELECT id, v FROM t WHERE id = ?",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rc := redis.NewClient(&redis.Options{Addr: respAddr, MaxRetries: -1})
	defer rc.Close()
	rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
	defer rcancel()
	got, err := rc.Get(rctx, "by_id:1").Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := `"rows":[{"id":1,"v":"one"}]`; !strings.Contains(got, want) {
		t.Fatalf("GET by_id:1 = %s, want %s", got, want)
	}
	stop()
	if err := rc.Ping(rctx).Err(); err == nil {
		t.Error("the RESP listener answers after shutdown")
	}
}

func TestServeRESPRefusesOpenNetworkWithoutPassword(t *testing.T) {
	err := serve(context.Background(), []string{"--listen", "127.0.0.1:0", "--http", "", "--data-dir", "", "--resp", "0.0.0.0:0"},
		func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "--resp") || !strings.Contains(err.Error(), "no password") {
		t.Fatalf("got %v, want a refusal naming --resp", err)
	}
}

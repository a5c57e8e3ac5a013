package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// proxyUpstream is a private MariaDB with a binary log and `weir serve --upstream
// mariadb://…` in front of it, following its binlog and proxying its listener.
type proxyUpstream struct {
	maria  *testserver.MariaDB
	direct *sql.DB // MariaDB's, database shop
	weir   *sql.DB // through Weir's listener, database shop
	addr   string  // Weir's MySQL listener
}

func startProxyUpstream(t *testing.T, setup []string, extraArgs ...string) *proxyUpstream {
	t.Helper()
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	direct, err := sql.Open("mysql", mdb.CreateDatabase(t, "shop"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })
	for _, q := range setup {
		if _, err := direct.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	args := append([]string{"--listen", "127.0.0.1:0", "--http", "", "--log-level", "warn",
		"--data-dir", t.TempDir(), "--upstream", "mariadb://root@" + mdb.Addr + "/shop", "--server-id", "4243"}, extraArgs...)
	go func() {
		done <- serve(ctx, args, func(string) string { return "" }, io.Discard, func(m, _ string) { ready <- m })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("serve did not become ready")
	}
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/shop", addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &proxyUpstream{maria: mdb, direct: direct, weir: db, addr: addr}
}

// cacheReads sums the reads SHOW CACHES reports served (hits and misses) by the cache
// called name.
func cacheReads(t *testing.T, db *sql.DB, name string) int64 {
	t.Helper()
	rows, err := db.Query("SHOW CACHES")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var total int64
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if vals[0].String == name {
			var hits, misses int64
			fmt.Sscan(vals[4].String, &hits)
			fmt.Sscan(vals[5].String, &misses)
			total += hits + misses
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

// proxiedCount is how often SHOW PROXIED QUERIES says the shape was passed through, and
// why the last time.
func proxiedCount(t *testing.T, db *sql.DB, shape string) (int64, string) {
	t.Helper()
	rows, err := db.Query("SHOW PROXIED QUERIES")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, count int64
		var text, why, last string
		if err := rows.Scan(&id, &text, &count, &why, &last); err != nil {
			t.Fatal(err)
		}
		if text == shape {
			return count, why
		}
	}
	return 0, ""
}

// TestProxyUpstreamWriteThenRead: through weir serve --upstream mariadb://…, one connection
// updates a counter and then reads it through a cache, 1,000 times; every read sees the
// write (read-your-writes: the session's @@last_gtid, waited for in the binlog stream),
// and the cache, not the upstream, answers most of them.
func TestProxyUpstreamWriteThenRead(t *testing.T) {
	env := startProxyUpstream(t, []string{"CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)", "INSERT INTO counter VALUES (1, 0), (2, 0)"})
	ctx := context.Background()
	if _, err := env.weir.Exec("CREATE CACHE counter_by_id FROM SELECT n FROM counter WHERE id = ?"); err != nil {
		t.Fatal(err)
	}
	c, err := env.weir.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rounds := 1000
	if testing.Short() {
		rounds = 200
	}
	before := cacheReads(t, env.weir, "counter_by_id")
	for i := 1; i <= rounds; i++ {
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
	served := cacheReads(t, env.weir, "counter_by_id") - before
	fellBack, why := proxiedCount(t, env.weir, "select `n` from `counter` where `id` = ?")
	t.Logf("%d rounds: %d reads from the cache, %d passed to the upstream (last: %q)", rounds, served, fellBack, why)
	if served+fellBack != int64(rounds) {
		t.Fatalf("%d reads from the cache and %d from the upstream, want %d in all", served, fellBack, rounds)
	}
	if served < int64(rounds)*9/10 {
		t.Fatalf("only %d of %d reads after a write came from the cache (%d passed through, last because %q)", served, rounds, fellBack, why)
	}
}

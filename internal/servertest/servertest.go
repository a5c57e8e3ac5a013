// Package servertest runs a Weir engine behind its MySQL server for tests: on a free
// loopback port, shut down and checked when the test ends.
package servertest

import (
	"context"
	"database/sql"
	"net"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/server"
)

// Start opens an engine with opts, serves it with cfg on a free loopback port until the test
// ends, and returns the engine, the server and its address. At cleanup the server must shut
// down within ten seconds and Serve must have returned without error.
func Start(t testing.TB, opts weir.Options, cfg server.Config) (*weir.Engine, *server.Server, string) {
	t.Helper()
	e, err := weir.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(e, cfg)
	if err != nil {
		e.Close()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.Close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := e.Close(); err != nil {
			t.Errorf("close engine: %v", err)
		}
	})
	return e, srv, ln.Addr().String()
}

// Querier is what CacheReads reads through: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// CacheReads sums the reads SHOW CACHES reports served, hits and misses (filled), by the
// cache called name ("": by every cache). It finds the columns by name, so it keeps working
// as SHOW CACHES gains columns.
func CacheReads(t testing.TB, q Querier, name string) int64 {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "SHOW CACHES")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	hitsAt, missesAt := slices.Index(cols, "hits"), slices.Index(cols, "misses")
	if hitsAt < 0 || missesAt < 0 {
		t.Fatalf("SHOW CACHES has no hits or misses column: %v", cols)
	}
	var total int64
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if name != "" && vals[0].String != name {
			continue
		}
		for _, at := range []int{hitsAt, missesAt} {
			n, err := strconv.ParseInt(vals[at].String, 10, 64)
			if err != nil {
				t.Fatalf("SHOW CACHES %s of %s: %v", cols[at], vals[0].String, err)
			}
			total += n
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weirdb/weir/internal/testserver"
)

// TestPGProxyNotifyIdle checks that a LISTENing session hears of a NOTIFY while it sends
// nothing, as PostgreSQL delivers it: pgx's WaitForNotification returns without the
// listener running a statement, for a NOTIFY sent through Weir and one sent to PostgreSQL
// directly, and the session's statements (cached and passed through) answer as before
// between notifications.
func TestPGProxyNotifyIdle(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	ctx := context.Background()
	c := p.connect(t, p.weir)
	if _, err := c.Exec(ctx, "CREATE CACHE notify_product FROM SELECT name, stock FROM products WHERE id = 1", pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "LISTEN stock_changed"); err != nil {
		t.Fatal(err)
	}
	viaWeir := p.connect(t, p.weir)
	direct := p.connect(t, p.direct)
	before := served(t, viaWeir, "notify_product")
	for i := range 40 {
		sender := viaWeir
		if i%2 == 1 {
			sender = direct
		}
		payload := fmt.Sprintf("id %d", i)
		if _, err := sender.Exec(ctx, "SELECT pg_notify('stock_changed', $1)", payload); err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		note, err := c.WaitForNotification(wctx)
		cancel()
		if err != nil || note.Channel != "stock_changed" || note.Payload != payload {
			t.Fatalf("round %d: notification %+v %v, want %q on stock_changed while idle", i, note, err, payload)
		}
		// The session goes on: a cached read, a read passed through, in both protocols.
		var name string
		var stock int
		if err := c.QueryRow(ctx, "SELECT name, stock FROM products WHERE id = $1", i+1).Scan(&name, &stock); err != nil || stock != i+1 {
			t.Fatalf("round %d: cached read: %q %d %v", i, name, stock, err)
		}
		var n int64
		if err := c.QueryRow(ctx, "SELECT count(*) FROM products WHERE id > 90", pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil || n != 10 {
			t.Fatalf("round %d: proxied read: %d %v", i, n, err)
		}
	}
	if got := served(t, viaWeir, "notify_product") - before; got != 40 {
		t.Fatalf("Weir answered %d of the 40 cached reads", got)
	}
	// Several notifications in one transaction arrive together, in order.
	tx, err := direct.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{"a", "b", "c"} {
		if _, err := tx.Exec(ctx, "SELECT pg_notify('stock_changed', $1)", payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{"a", "b", "c"} {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		note, err := c.WaitForNotification(wctx)
		cancel()
		if err != nil || note.Payload != payload {
			t.Fatalf("notification %+v %v, want %q", note, err, payload)
		}
	}
	// The listener's backend terminated while it is idle: its next statement hears of it as
	// before, and the one after runs on a new upstream session.
	var pid int
	if err := c.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := direct.Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		var n int
		err := direct.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n)
		return err == nil && n == 0
	})
	if _, err := c.Exec(ctx, "SELECT 1"); err != nil {
		if st := sqlState(err); st != "57P01" && st != "08006" {
			t.Fatalf("the statement after the terminated session: %v, want 57P01 or 08006", err)
		}
	}
	var pid2 int
	if err := c.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid2); err != nil || pid2 == pid {
		t.Fatalf("a new upstream session: pid %d (was %d) %v", pid2, pid, err)
	}
}

// TestPGProxyNotifyPsycopg2 waits for notifications as psycopg2's documentation does
// (select() on the connection, then poll() and conn.notifies) through Weir's proxy.
func TestPGProxyNotifyPsycopg2(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	python := testserver.RequirePython(t, []string{"python3-psycopg2"}, "psycopg2")
	script, err := filepath.Abs("testdata/pgproxy_notify_psycopg2.py")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runProgram(t, "", []string{
		"WEIR_DSN=postgresql://root@127.0.0.1:" + p.port + "/shop",
		"PG_DSN=" + p.direct,
	}, python, script)
	if err != nil {
		t.Fatalf("pgproxy_notify_psycopg2.py: %v\n%s%s", err, out, errOut)
	}
	sameJSON(t, out, `{"viaWeir": [["stock_changed", "from weir"]], "direct": [["stock_changed", "from postgres"]],
		"afterNotify": [["product 5", 5]]}`)
}

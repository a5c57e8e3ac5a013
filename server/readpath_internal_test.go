package server

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/connloop"
)

// readFixture is a session of a server over a table t (id, s) of three rows, a wire whose
// replies go to a buffer, and "SELECT id, s FROM t WHERE id = ?" prepared as statement 1.
func readFixture(t *testing.T) (*weir.Engine, *session, *wire) {
	t.Helper()
	e, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20))",
		"INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')",
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s, w := preparedSession(t, e, "SELECT id, s FROM t WHERE id = ?")
	return e, s, w
}

// preparedSession is a session of a server over e with query prepared as statement 1, and
// a wire whose replies go to its (emptied) output buffer.
func preparedSession(tb testing.TB, e *weir.Engine, query string) (*session, *wire) {
	tb.Helper()
	srv, err := New(e, Config{})
	if err != nil {
		tb.Fatal(err)
	}
	a, b := net.Pipe()
	tb.Cleanup(func() { a.Close(); b.Close() })
	s := newSession(srv, 1)
	w := newWire(a, nil, 1<<20, mysql.CLIENT_PROTOCOL_41)
	s.syncFlags()
	if err := s.prepare(w, query); err != nil {
		tb.Fatal(err)
	}
	w.conn.Out = w.conn.Out[:0]
	return s, w
}

// executePacket is COM_STMT_EXECUTE of statement 1 with one BIGINT parameter.
func executePacket(id int64) []byte {
	p := []byte{mysql.COM_STMT_EXECUTE, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, mysql.MYSQL_TYPE_LONGLONG, 0}
	return binary.LittleEndian.AppendUint64(p, uint64(id))
}

// TestReadAllocations: a prepared read of a key the view holds (COM_STMT_EXECUTE), and a
// text read of a shape seen before (COM_QUERY), allocate nothing once the session is warm,
// on the connection's goroutine and on the poller alike.
func TestReadAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	_, s, w := readFixture(t)
	exec := executePacket(2)
	cases := []struct {
		name string
		run  func() error
	}{
		{"COM_STMT_EXECUTE", func() error { _, err := s.dispatch(w, exec); return err }},
		{"COM_STMT_EXECUTE on the poller", func() error { return s.tryDispatch(w, exec) }},
		{"COM_QUERY", func() error {
			_, err := s.dispatch(w, append([]byte{mysql.COM_QUERY}, "SELECT id, s FROM t WHERE id = 3"...))
			return err
		}},
	}
	for _, c := range cases {
		if err := c.run(); err != nil { // warm: the fill, the plan, the column definitions
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(w.conn.Out) == 0 || w.conn.Out[4] == mysql.ERR_HEADER {
			t.Fatalf("%s: reply %q", c.name, w.conn.Out)
		}
		w.conn.Out = w.conn.Out[:0]
		allocs := testing.AllocsPerRun(200, func() {
			if err := c.run(); err != nil {
				t.Fatal(err)
			}
			w.conn.Out = w.conn.Out[:0]
		})
		// COM_QUERY's text is a string made of the packet, and its key values are parsed
		// from it.
		want := 0.0
		if c.name == "COM_QUERY" {
			want = 3
		}
		t.Logf("%s: %v allocations per read", c.name, allocs)
		if allocs > want {
			t.Errorf("%s: %v allocations per read, want at most %v", c.name, allocs, want)
		}
	}
}

// TestTryDispatchWaitsNowhere: on the poller, a read of a key the partial view does not
// hold yet, a write, and a statement outside the fast path are handed to the goroutine
// (connloop.ErrBlocking) with nothing written or counted; the same read once filled is
// answered there.
func TestTryDispatchWaitsNowhere(t *testing.T) {
	_, s, w := readFixture(t)
	statements := func() int64 { return s.srv.metrics.statements.Load() }
	before := statements()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"a read that misses", executePacket(1)},
		{"a write", append([]byte{mysql.COM_QUERY}, "INSERT INTO t VALUES (4, 'four')"...)},
		{"a text read", append([]byte{mysql.COM_QUERY}, "SELECT id, s FROM t WHERE id = 1"...)},
		{"a prepare", append([]byte{mysql.COM_STMT_PREPARE}, "SELECT s FROM t WHERE id = ?"...)},
		{"an unknown statement", append([]byte{mysql.COM_STMT_EXECUTE, 9, 0, 0, 0}, executePacket(1)[5:]...)},
	} {
		if err := s.tryDispatch(w, tc.data); !errors.Is(err, connloop.ErrBlocking) {
			t.Fatalf("%s on the poller: %v, want ErrBlocking", tc.name, err)
		}
		if len(w.conn.Out) != 0 {
			t.Fatalf("%s on the poller wrote %q", tc.name, w.conn.Out)
		}
	}
	if got := statements(); got != before {
		t.Fatalf("statements counted on the poller: %d", got-before)
	}
	// On the goroutine the read fills the key; on the poller it now hits.
	w.seq = 1
	if _, err := s.dispatch(w, executePacket(1)); err != nil {
		t.Fatal(err)
	}
	onGoroutine := string(w.conn.Out)
	w.conn.Out = w.conn.Out[:0]
	w.seq = 1
	if err := s.tryDispatch(w, executePacket(1)); err != nil {
		t.Fatalf("a read that hits, on the poller: %v", err)
	}
	if string(w.conn.Out) != onGoroutine {
		t.Fatalf("on the poller %q, on the goroutine %q", w.conn.Out, onGoroutine)
	}
}

// TestTryDispatchRangeRead: a prepared range read of a short window (the `WHERE created > ?
// ORDER BY created LIMIT 20` of a paged list) is answered on the poller once its interval is
// filled, with the bytes the connection's goroutine writes, and allocates nothing there or
// on the goroutine; before the fill, it is handed to the goroutine untouched.
func TestTryDispatchRangeRead(t *testing.T) {
	e, s, w := readFixture(t)
	ctx := context.Background()
	var tok weir.Token
	for _, q := range []string{
		"CREATE TABLE ev (id INT PRIMARY KEY, at DATETIME, title VARCHAR(40))",
		"INSERT INTO ev VALUES (1, '2026-01-01 10:00:00', 'a'), (2, '2026-01-02 10:00:00', 'b'), (3, '2026-01-03 10:00:00.5', 'c'), (4, '2026-01-04', NULL)",
	} {
		res, err := e.Exec(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		tok = res.Token
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := s.prepare(w, "SELECT id, at, title FROM ev WHERE at > ? ORDER BY at LIMIT 3"); err != nil {
		t.Fatal(err)
	}
	w.conn.Out = w.conn.Out[:0]
	// The bound as go-sql-driver sends a time.Time: a binary DATETIME of 2026-01-01.
	page := []byte{mysql.COM_STMT_EXECUTE, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, mysql.MYSQL_TYPE_DATETIME, 0, 4, 0xea, 0x07, 1, 1}
	if err := s.tryDispatch(w, page); !errors.Is(err, connloop.ErrBlocking) || len(w.conn.Out) != 0 {
		t.Fatalf("a range read whose interval is not filled, on the poller: %v, wrote %q", err, w.conn.Out)
	}
	w.seq = 1
	if _, err := s.dispatch(w, page); err != nil {
		t.Fatal(err)
	}
	onGoroutine := string(w.conn.Out)
	if len(onGoroutine) == 0 || w.conn.Out[4] == mysql.ERR_HEADER || !strings.Contains(onGoroutine, "\x01b") {
		t.Fatalf("on the goroutine: %q", onGoroutine)
	}
	w.conn.Out = w.conn.Out[:0]
	w.seq = 1
	if err := s.tryDispatch(w, page); err != nil {
		t.Fatalf("a range read of a filled interval, on the poller: %v", err)
	}
	if string(w.conn.Out) != onGoroutine {
		t.Fatalf("on the poller %q, on the goroutine %q", w.conn.Out, onGoroutine)
	}
	if raceEnabled {
		return
	}
	allocs := testing.AllocsPerRun(100, func() {
		w.conn.Out = w.conn.Out[:0]
		if err := s.tryDispatch(w, page); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("a range read on the poller: %v allocations, want none (its rows are collected in the session's row buffer)", allocs)
	}
	allocs = testing.AllocsPerRun(100, func() {
		w.conn.Out = w.conn.Out[:0]
		w.seq = 1
		if _, err := s.dispatch(w, page); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("a range read on the connection's goroutine: %v allocations, want none", allocs)
	}
}

package server_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/connloop"
	"github.com/weirdb/weir/server"
)

// The schema every fuzz input runs against: tables to read and write, one to drop, and a
// named cache. An input may drop or empty them; seedFuzzSchema puts back what is missing
// before the next input, so inputs do not depend on one another more than they must.
var fuzzTables = []struct{ name, create, rows string }{
	{"t", "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), d DECIMAL(6,2), dt DATETIME)",
		"INSERT INTO t VALUES (1, 'one', 1.50, '2024-01-02 03:04:05'), (2, 'two', NULL, NULL), (3, 'Üñï', -0.25, '1999-12-31 23:59:59')"},
	{"u", "CREATE TABLE u (id INT PRIMARY KEY AUTO_INCREMENT, t_id INT, v BIGINT)",
		"INSERT INTO u (t_id, v) VALUES (1, 10), (1, 20), (2, NULL), (3, -9223372036854775808)"},
	{"scratch", "CREATE TABLE scratch (id INT PRIMARY KEY)", "INSERT INTO scratch VALUES (1)"},
}

const fuzzCache = "by_t"
const fuzzCacheQuery = "SELECT t.id, t.s, COUNT(u.id) AS n FROM t JOIN u ON u.t_id = t.id WHERE t.id = ? GROUP BY t.id, t.s"

func seedFuzzSchema(t testing.TB, e *weir.Engine) {
	t.Helper()
	ctx := context.Background()
	for _, tb := range fuzzTables {
		if _, err := e.Table(tb.name); err == nil {
			continue
		}
		for _, q := range []string{tb.create, tb.rows} {
			if _, err := e.Exec(ctx, q); err != nil {
				t.Fatalf("seeding the schema: %s: %v", q, err)
			}
		}
	}
	if _, err := e.View(fuzzCache); err != nil {
		if _, err := e.Register(ctx, fuzzCache, fuzzCacheQuery); err != nil {
			t.Fatalf("seeding the schema: cache %s: %v", fuzzCache, err)
		}
	}
}

// startFuzzServer starts the one server a fuzz process uses (startServer's cleanup shuts it
// down, checking it still can), with the schema seeded and a recorder of the panics it
// recovers from.
func startFuzzServer(f *testing.F) (*weir.Engine, string, *panicRecorder) {
	panics := &panicRecorder{}
	// Each input half-closes its connection after its packet: the server sees that end of
	// stream at its next probe, which a fuzzer must not wait a second for.
	old := connloop.SetProbeEvery(20 * time.Millisecond)
	f.Cleanup(func() { connloop.SetProbeEvery(old) })
	// Statements are bounded, so an input that makes the engine wait ends as an error.
	e, _, addr := startServer(f, server.Config{Logger: zap.New(panics), StatementTimeout: 5 * time.Second})
	seedFuzzSchema(f, e)
	return e, addr, panics
}

// FuzzStatement runs arbitrary statement text through the server, as text (COM_QUERY) and
// prepared (COM_STMT_PREPARE, then COM_STMT_EXECUTE with every parameter 1), on a connection
// of its own. Errors are fine; what must hold: every failure is a MySQL error packet (not a
// broken connection or a reply the client cannot parse), nothing panics, and the connection
// answers a ping afterwards.
func FuzzStatement(f *testing.F) {
	e, addr, panics := startFuzzServer(f)
	f.Fuzz(func(t *testing.T, stmt string) {
		seedFuzzSchema(t, e)
		c := connectRaw(t, addr)
		_, err := c.Execute(stmt)
		wantServerError(t, err, "as text", stmt)
		if st, err := c.Prepare(stmt); err != nil {
			wantServerError(t, err, "prepared", stmt)
		} else {
			args := make([]any, st.ParamNum())
			for i := range args {
				args[i] = int64(1)
			}
			_, err := st.Execute(args...)
			wantServerError(t, err, "executed", stmt)
			if err := st.Close(); err != nil {
				t.Fatalf("closing the statement prepared from %q: %v", stmt, err)
			}
		}
		if err := c.Ping(); err != nil {
			t.Fatalf("the connection does not answer a ping after %q: %v", stmt, err)
		}
		if p := panics.take(); len(p) > 0 {
			t.Fatalf("%q: the server recovered from a panic:\n%s", stmt, p[0])
		}
	})
}

// wantServerError checks that err, if any, is an error the server sent, not one of the
// connection or of decoding the server's reply.
func wantServerError(t *testing.T, err error, how, stmt string) {
	t.Helper()
	var me *gmysql.MyError
	if err != nil && !errors.As(err, &me) {
		t.Fatalf("%q %s: %v (not a server error)", stmt, how, err)
	}
}

// The statements each FuzzPacket connection prepares before its packet, so that
// COM_STMT_EXECUTE, COM_STMT_SEND_LONG_DATA, COM_STMT_RESET and COM_STMT_CLOSE inputs can
// name statements that exist: ids 1, 2 and 3 in this order.
var fuzzPrepared = []string{
	"SELECT s, d FROM t WHERE id = ? AND s = ?",
	"INSERT INTO u (t_id, v) VALUES (?, ?)",
	"SELECT id FROM t WHERE dt = ?",
}

// FuzzPacket sends arbitrary bytes as one command packet (the command byte, then its
// payload) on an authenticated connection that has prepared fuzzPrepared, then a ping, then
// stops sending. The server must answer what it can and let the connection go: reading
// until the server closes it ends before a deadline, in whole packets. A second connection,
// open all along, must still work; so must a new one (the next input's). Panics that
// go-mysql's packet parsers raise on malformed input are recovered by the server and close
// their connection only, which is allowed; a panic in Weir's own code is not.
func FuzzPacket(f *testing.F) {
	e, addr, panics := startFuzzServer(f)
	healthy, err := client.Connect(addr, "root", "", "weir")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { healthy.Close() })
	f.Fuzz(func(t *testing.T, packet []byte) {
		seedFuzzSchema(t, e)
		c := connectRaw(t, addr)
		for _, q := range fuzzPrepared {
			if _, err := c.Prepare(q); err != nil {
				t.Fatalf("prepare %s: %v", q, err)
			}
		}
		nc := c.Conn.Conn
		// The input, then a ping; each command starts at sequence number 0.
		out := append(packetHeader(len(packet), 0), packet...)
		out = append(out, append(packetHeader(1, 0), gmysql.COM_PING)...)
		if _, err := nc.Write(out); err != nil {
			t.Fatalf("%x: write: %v", packet, err)
		}
		nc.(*net.TCPConn).CloseWrite()
		nc.SetReadDeadline(time.Now().Add(20 * time.Second))
		reply, err := io.ReadAll(nc)
		switch {
		case isTimeout(err):
			t.Fatalf("%x: the server neither answered nor closed the connection", packet)
		case err == nil:
			// A clean close: what came before it is whole packets.
			for rest := reply; len(rest) > 0; {
				if len(rest) < 4 {
					t.Fatalf("%x: reply ends in %d bytes of a packet header", packet, len(rest))
				}
				n := int(rest[0]) | int(rest[1])<<8 | int(rest[2])<<16
				if len(rest) < 4+n {
					t.Fatalf("%x: reply ends in a packet cut short (%d of %d bytes)", packet, len(rest)-4, n)
				}
				rest = rest[4+n:]
			}
		}
		// Otherwise a reset: the server closed with the ping unread, after a packet it
		// would not take.

		for _, p := range panics.take() {
			if panicInWeir(p) {
				t.Fatalf("%x: a panic in Weir's code:\n%s", packet, p)
			}
		}
		healthy.Conn.Conn.SetDeadline(time.Now().Add(20 * time.Second))
		if err := healthy.Ping(); err != nil {
			t.Fatalf("%x: another connection no longer answers a ping: %v", packet, err)
		}
		if r, err := healthy.Execute("SHOW TABLES"); err != nil || r.RowNumber() == 0 {
			t.Fatalf("%x: another connection no longer reads: %v", packet, err)
		}
		// The input may have dropped or emptied u: an error is fine, a broken connection not.
		_, err = healthy.Execute("SELECT COUNT(*) FROM u WHERE t_id = 1")
		wantServerError(t, err, "on another connection after the packet", "SELECT COUNT(*) FROM u WHERE t_id = 1")
	})
}

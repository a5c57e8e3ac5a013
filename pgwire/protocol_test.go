package pgwire

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/weirdb/weir"
)

// rawClient speaks the protocol message by message, to check exactly what the server
// sends back.
type rawClient struct {
	t  *testing.T
	nc net.Conn
	fe *pgproto3.Frontend
}

// dialRaw connects as root (trust) and reads up to the first ReadyForQuery.
func dialRaw(t *testing.T, s *Server) *rawClient {
	t.Helper()
	return dialRawAddr(t, s.Addr().String(), "root", "weir")
}

// dialRawAddr connects to any server that lets user in without a password.
func dialRawAddr(t *testing.T, addr, user, database string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	c := &rawClient{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
	c.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": user, "database": database}})
	c.flush()
	c.until()
	return c
}

func (c *rawClient) flush() {
	c.t.Helper()
	if err := c.fe.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

func (c *rawClient) send(msgs ...pgproto3.FrontendMessage) {
	c.t.Helper()
	for _, m := range msgs {
		c.fe.Send(m)
	}
	c.flush()
}

// until reads messages up to and including the next ReadyForQuery and returns them,
// summarized one a line.
func (c *rawClient) until() []string {
	c.t.Helper()
	var out []string
	for {
		m, err := c.fe.Receive()
		if err != nil {
			c.t.Fatalf("receive after %v: %v", out, err)
		}
		out = append(out, summarize(m))
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			return out
		}
	}
}

func summarize(m pgproto3.BackendMessage) string {
	switch m := m.(type) {
	case *pgproto3.ReadyForQuery:
		return "Z " + string(m.TxStatus)
	case *pgproto3.ErrorResponse:
		return "E " + m.Code
	case *pgproto3.NoticeResponse:
		return "N " + m.Code
	case *pgproto3.CommandComplete:
		return "C " + string(m.CommandTag)
	case *pgproto3.DataRow:
		var vals []string
		for _, v := range m.Values {
			if v == nil {
				vals = append(vals, "NULL")
			} else {
				vals = append(vals, string(v))
			}
		}
		return "D " + strings.Join(vals, "|")
	case *pgproto3.RowDescription:
		var names []string
		for _, f := range m.Fields {
			names = append(names, fmt.Sprintf("%s:%d", f.Name, f.DataTypeOID))
		}
		return "T " + strings.Join(names, ",")
	case *pgproto3.ParameterDescription:
		return fmt.Sprintf("t %v", m.ParameterOIDs)
	case *pgproto3.ParameterStatus:
		return "S " + m.Name + "=" + m.Value
	case *pgproto3.ParseComplete:
		return "1"
	case *pgproto3.BindComplete:
		return "2"
	case *pgproto3.CloseComplete:
		return "3"
	case *pgproto3.NoData:
		return "n"
	case *pgproto3.PortalSuspended:
		return "s"
	case *pgproto3.EmptyQueryResponse:
		return "I"
	}
	return fmt.Sprintf("%T", m)
}

func expectTrace(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestSimpleQueryMessages(t *testing.T) {
	_, s := newsWriteServer(t)
	c := dialRaw(t, s)
	c.send(&pgproto3.Query{String: "SELECT id, title FROM article WHERE author = 1 ORDER BY id; SELECT COUNT(*) AS n FROM article;"})
	expectTrace(t, c.until(), "T id:23,title:1043", "D 1|hello", "D 2|NULL", "C SELECT 2",
		"T n:20", "D 3", "C SELECT 1", "Z I")
	c.send(&pgproto3.Query{String: " ; -- nothing\n"})
	expectTrace(t, c.until(), "I", "Z I")
	// The first failing statement stops the message, and the writes before it in the
	// same message are undone (one implicit transaction).
	c.send(&pgproto3.Query{String: "INSERT INTO article (id, author) VALUES (10, 5); SELECT nosuch FROM article; INSERT INTO article (id, author) VALUES (11, 5)"})
	expectTrace(t, c.until(), "C INSERT 0 1", "E 42703", "Z I")
	c.send(&pgproto3.Query{String: "SELECT id FROM article WHERE author = 5"})
	expectTrace(t, c.until(), "T id:23", "C SELECT 0", "Z I")
	c.send(&pgproto3.Query{String: "INSERT INTO article (id, author) VALUES (10, 5), (11, 5); UPDATE article SET title = 'x' WHERE author = 5; DELETE FROM article WHERE id = 11"})
	expectTrace(t, c.until(), "C INSERT 0 2", "C UPDATE 2", "C DELETE 1", "Z I")
	c.send(&pgproto3.Query{String: "SELEC 1"})
	expectTrace(t, c.until(), "E 42601", "Z I")
	c.send(&pgproto3.Query{String: "SELECT * FROM nosuch"})
	expectTrace(t, c.until(), "E 42P01", "Z I")
	c.send(&pgproto3.Query{String: "SELECT oid, typname FROM pg_catalog.pg_type"})
	expectTrace(t, c.until(), "E 0A000", "Z I")
	// Lookups of pg_type by name, as psycopg2 sends at connect.
	c.send(&pgproto3.Query{String: "SELECT t.oid, typarray\nFROM pg_type t JOIN pg_namespace ns\n    ON typnamespace = ns.oid\nWHERE typname = 'hstore';\n"})
	expectTrace(t, c.until(), "T oid:26,typarray:26", "C SELECT 0", "Z I")
	c.send(&pgproto3.Query{String: "SELECT oid, typarray FROM pg_catalog.pg_type WHERE typname IN ('int4', 'numeric')"})
	expectTrace(t, c.until(), "T oid:26,typarray:26", "D 23|1007", "D 1700|1231", "C SELECT 2", "Z I")
	c.send(&pgproto3.Query{String: "SELECT oid FROM pg_type WHERE typname = 'int4' AND typtype = 'b'"})
	expectTrace(t, c.until(), "E 0A000", "Z I")
}

func TestExtendedProtocol(t *testing.T) {
	_, s := newsServer(t, Config{})
	c := dialRaw(t, s)
	// A named statement, described, then bound twice; the second portal is read two rows
	// at a time.
	c.send(
		&pgproto3.Parse{Name: "by_author", Query: "SELECT id, title FROM article WHERE author = $1 ORDER BY id"},
		&pgproto3.Describe{ObjectType: 'S', Name: "by_author"},
		&pgproto3.Sync{},
	)
	expectTrace(t, c.until(), "1", "t [23]", "T id:23,title:25", "Z I")
	c.send(
		&pgproto3.Bind{PreparedStatement: "by_author", Parameters: [][]byte{[]byte("2")}},
		&pgproto3.Execute{},
		&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "by_author", Parameters: [][]byte{[]byte("1")}},
		&pgproto3.Describe{ObjectType: 'P', Name: "p"},
		&pgproto3.Execute{Portal: "p", MaxRows: 1},
		&pgproto3.Execute{Portal: "p", MaxRows: 1},
		&pgproto3.Execute{Portal: "p", MaxRows: 1},
		&pgproto3.Sync{},
	)
	expectTrace(t, c.until(), "2", "D 3|plain", "C SELECT 1",
		"2", "T id:23,title:25", "D 1|hello", "s", "D 2|NULL", "s", "C SELECT 0", "Z I")
	// Portals are closed at Sync outside a transaction block.
	c.send(&pgproto3.Execute{Portal: "p"}, &pgproto3.Sync{})
	expectTrace(t, c.until(), "E 34000", "Z I")
	// An error discards every message up to Sync; the next batch runs as usual. Both
	// batches travel in one write (pipelining).
	c.send(
		&pgproto3.Parse{Query: "SELECT nosuch FROM article"},
		&pgproto3.Bind{},
		&pgproto3.Execute{},
		&pgproto3.Parse{Name: "never", Query: "SELECT 1"},
		&pgproto3.Sync{},
		&pgproto3.Bind{PreparedStatement: "by_author", Parameters: [][]byte{[]byte("2")}},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	expectTrace(t, c.until(), "E 42703", "Z I")
	expectTrace(t, c.until(), "2", "D 3|plain", "C SELECT 1", "Z I")
	// The statement skipped after the error was never prepared.
	c.send(&pgproto3.Describe{ObjectType: 'S', Name: "never"}, &pgproto3.Sync{})
	expectTrace(t, c.until(), "E 26000", "Z I")
	// Wrong parameter counts, duplicate names, Close, and an empty statement.
	c.send(&pgproto3.Bind{PreparedStatement: "by_author"}, &pgproto3.Sync{})
	expectTrace(t, c.until(), "E 08P01", "Z I")
	c.send(&pgproto3.Parse{Name: "by_author", Query: "SELECT 1"}, &pgproto3.Sync{})
	expectTrace(t, c.until(), "E 42P05", "Z I")
	c.send(&pgproto3.Close{ObjectType: 'S', Name: "by_author"}, &pgproto3.Close{ObjectType: 'S', Name: "by_author"},
		&pgproto3.Parse{Query: ""}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{})
	expectTrace(t, c.until(), "3", "3", "1", "2", "n", "I", "Z I")
	// Binary results: an int4 in four bytes.
	c.send(&pgproto3.Parse{Query: "SELECT id FROM article WHERE id = $1"},
		&pgproto3.Bind{Parameters: [][]byte{{0, 0, 0, 3}}, ParameterFormatCodes: []int16{1}, ResultFormatCodes: []int16{1}},
		&pgproto3.Execute{}, &pgproto3.Sync{})
	expectTrace(t, c.until(), "1", "2", "D \x00\x00\x00\x03", "C SELECT 1", "Z I")
}

// TestExtendedWrites writes through the extended protocol (in the engine's dialect, which
// takes writes) and reads the write back.
func TestExtendedWrites(t *testing.T) {
	_, s := newsWriteServer(t)
	c := dialRaw(t, s)
	c.send(&pgproto3.Parse{Query: "INSERT INTO article (id, author, title) VALUES (?, ?, ?)"},
		&pgproto3.Bind{Parameters: [][]byte{[]byte("20"), []byte("9"), []byte("new")}},
		&pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{})
	expectTrace(t, c.until(), "1", "2", "n", "C INSERT 0 1", "Z I")
	c.send(&pgproto3.Query{String: "SELECT title FROM article WHERE id = 20"})
	expectTrace(t, c.until(), "T title:1043", "D new", "C SELECT 1", "Z I")
}

func TestTransactionBlocks(t *testing.T) {
	_, s := newsWriteServer(t)
	c := dialRaw(t, s)
	c.send(&pgproto3.Query{String: "BEGIN"})
	expectTrace(t, c.until(), "C BEGIN", "Z T")
	c.send(&pgproto3.Query{String: "INSERT INTO article (id, author) VALUES (30, 7)"})
	expectTrace(t, c.until(), "C INSERT 0 1", "Z T")
	c.send(&pgproto3.Query{String: "SELECT id FROM article WHERE author = 7"})
	expectTrace(t, c.until(), "T id:23", "D 30", "C SELECT 1", "Z T")
	c.send(&pgproto3.Query{String: "ROLLBACK"})
	expectTrace(t, c.until(), "C ROLLBACK", "Z I")
	c.send(&pgproto3.Query{String: "SELECT id FROM article WHERE author = 7"})
	expectTrace(t, c.until(), "T id:23", "C SELECT 0", "Z I")

	// A failed block refuses everything until its end; COMMIT then rolls back.
	c.send(&pgproto3.Query{String: "BEGIN; INSERT INTO article (id, author) VALUES (31, 7)"})
	expectTrace(t, c.until(), "C BEGIN", "C INSERT 0 1", "Z T")
	c.send(&pgproto3.Query{String: "SELECT nosuch FROM article"})
	expectTrace(t, c.until(), "E 42703", "Z E")
	c.send(&pgproto3.Query{String: "SELECT 1"})
	expectTrace(t, c.until(), "E 25P02", "Z E")
	c.send(&pgproto3.Query{String: "COMMIT"})
	expectTrace(t, c.until(), "C ROLLBACK", "Z I")
	c.send(&pgproto3.Query{String: "SELECT id FROM article WHERE author = 7"})
	expectTrace(t, c.until(), "T id:23", "C SELECT 0", "Z I")

	// A committed block is seen; a read-only one refuses writes.
	c.send(&pgproto3.Query{String: "START TRANSACTION ISOLATION LEVEL SERIALIZABLE; INSERT INTO article (id, author) VALUES (32, 7); COMMIT"})
	expectTrace(t, c.until(), "C BEGIN", "C INSERT 0 1", "C COMMIT", "Z I")
	c.send(&pgproto3.Query{String: "SELECT id FROM article WHERE author = 7"})
	expectTrace(t, c.until(), "T id:23", "D 32", "C SELECT 1", "Z I")
	c.send(&pgproto3.Query{String: "BEGIN READ ONLY"})
	expectTrace(t, c.until(), "C BEGIN", "Z T")
	c.send(&pgproto3.Query{String: "DELETE FROM article"})
	expectTrace(t, c.until(), "E 25006", "Z E")
	c.send(&pgproto3.Query{String: "ROLLBACK"})
	expectTrace(t, c.until(), "C ROLLBACK", "Z I")
	c.send(&pgproto3.Query{String: "COMMIT"})
	expectTrace(t, c.until(), "N 25P01", "C COMMIT", "Z I")
}

func TestSessionSettings(t *testing.T) {
	_, s := newsServer(t, Config{})
	c := dialRaw(t, s)
	c.send(&pgproto3.Query{String: "SET application_name = 'report'; SHOW application_name"})
	expectTrace(t, c.until(), "S application_name=report", "C SET", "T application_name:25", "D report", "C SHOW", "Z I")
	c.send(&pgproto3.Query{String: "SELECT current_setting('application_name') AS app, version()"})
	got := c.until()
	if len(got) != 4 || got[0] != "T app:25,version:25" || !strings.HasPrefix(got[1], "D report|PostgreSQL 15.0 (Weir)") {
		t.Fatalf("got %q", got)
	}
	c.send(&pgproto3.Query{String: "SET TIME ZONE 'UTC'; SET datestyle TO iso, dmy; SHOW DateStyle"})
	expectTrace(t, c.until(), "C SET", "S DateStyle=ISO, DMY", "C SET", "T DateStyle:25", "D ISO, DMY", "C SHOW", "Z I")
	c.send(&pgproto3.Query{String: "SET TimeZone = 'Europe/Paris'"})
	expectTrace(t, c.until(), "E 0A000", "Z I")
	c.send(&pgproto3.Query{String: "SET no_such_setting = 1"})
	expectTrace(t, c.until(), "E 42704", "Z I")
	c.send(&pgproto3.Query{String: "SET server_version = '16'"})
	expectTrace(t, c.until(), "E 55P02", "Z I")
	c.send(&pgproto3.Query{String: "SET extra_float_digits = 3; SET myapp.tenant = 'a'; SHOW myapp.tenant"})
	expectTrace(t, c.until(), "C SET", "C SET", "T myapp.tenant:25", "D a", "C SHOW", "Z I")
	// SET is undone by ROLLBACK and SET LOCAL at the end of its transaction.
	c.send(&pgproto3.Query{String: "BEGIN; SET application_name = 'tx'; SET LOCAL statement_timeout = '5s'; SHOW statement_timeout"})
	expectTrace(t, c.until(), "C BEGIN", "S application_name=tx", "C SET", "C SET", "T statement_timeout:25", "D 5s", "C SHOW", "Z T")
	c.send(&pgproto3.Query{String: "ROLLBACK"})
	expectTrace(t, c.until(), "S application_name=report", "C ROLLBACK", "Z I")
	c.send(&pgproto3.Query{String: "SHOW statement_timeout; RESET application_name"})
	expectTrace(t, c.until(), "T statement_timeout:25", "D 0", "C SHOW", "S application_name=", "C RESET", "Z I")
}

// blockingDialect plans "SELECT block" as a query that waits until it is cancelled, and
// every other statement as the engine does.
type blockingDialect struct {
	PostgresDialect
	started chan struct{}
}

type blockingStmt struct {
	Statement
	started chan struct{}
}

func (d blockingDialect) Prepare(ctx context.Context, sql string) (Statement, error) {
	if strings.TrimSpace(sql) == "SELECT block" {
		st, err := d.PostgresDialect.Prepare(ctx, "SELECT 1 AS block")
		if err != nil {
			return nil, err
		}
		return blockingStmt{st, d.started}, nil
	}
	return d.PostgresDialect.Prepare(ctx, sql)
}

func (s blockingStmt) Query(ctx context.Context, _ *weir.Tx, _ []weir.Value) (weir.Rows, error) {
	s.started <- struct{}{}
	<-ctx.Done()
	return weir.Rows{}, ctx.Err()
}

func TestCancelRequest(t *testing.T) {
	e := openEngine(t)
	started := make(chan struct{}, 1)
	s := startServer(t, e, Config{Dialect: blockingDialect{PostgresDialect{e}, started}})
	conn := connect(t, dsn(s, "root", ""))
	ctx := testCtx(t)
	// A cancel request with the wrong secret cancels nothing: the statement goes on until
	// the right one arrives.
	errc := make(chan error, 1)
	go func() {
		_, err := conn.Exec(ctx, "SELECT block")
		errc <- err
	}()
	<-started
	pid := conn.PgConn().PID()
	raw, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	buf, _ := (&pgproto3.CancelRequest{ProcessID: pid, SecretKey: []byte{1, 2, 3, 4}}).Encode(nil)
	if _, err := raw.Write(buf); err != nil {
		t.Fatal(err)
	}
	// The server closes a cancel request's connection once it has handled it.
	_ = raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := raw.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("cancel connection: read %d, %v", n, err)
	}
	raw.Close()
	select {
	case err := <-errc:
		t.Fatalf("a cancel request with a wrong secret ended the statement: %v", err)
	default:
	}
	if err := conn.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	err = <-errc
	if code := pgCode(err); code != "57014" {
		t.Fatalf("cancelled statement: %v (code %q), want 57014", err, code)
	}
	// The connection is still usable.
	var n int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
		t.Fatal(err)
	}
}

// TestStatementTimeout: a statement that outlives the session's statement_timeout is
// cancelled with 57014, and the session goes on.
func TestStatementTimeout(t *testing.T) {
	e := openEngine(t)
	started := make(chan struct{}, 1)
	s := startServer(t, e, Config{Dialect: blockingDialect{PostgresDialect{e}, started}})
	c := dialRaw(t, s)
	c.send(&pgproto3.Query{String: "SET statement_timeout = 50"})
	expectTrace(t, c.until(), "C SET", "Z I")
	c.send(&pgproto3.Query{String: "SELECT block"})
	got := c.until()
	<-started
	expectTrace(t, got, "E 57014", "Z I")
	c.send(&pgproto3.Query{String: "SHOW statement_timeout"})
	expectTrace(t, c.until(), "T statement_timeout:25", "D 50ms", "C SHOW", "Z I")
}

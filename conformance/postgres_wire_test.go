package conformance

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/pgwire"
)

// The PostgreSQL scenarios over the wire: TestPostgresConformance's comparison made through
// the protocol, as TestConformanceOverWire makes the MariaDB one. Weir's PostgreSQL listener
// (package pgwire) serves the mirror on a loopback port; pgx reads it and PostgreSQL the same
// way, in one of two modes:
//
//   - simple: the simple query protocol, pgx writing the arguments into the text as
//     literals; every value arrives as text.
//   - extended: Parse, Describe, Bind and Execute of a prepared statement (pgx's default
//     mode), with the arguments encoded for the parameter types the server described and
//     the results in the format pgx asks for each column type: binary for numbers, booleans,
//     dates and timestamps, text for the rest.
//
// Each column's type (its RowDescription OID, shown by name) and each value's text are
// compared; a binary value is compared as the text PostgreSQL would have sent for it, so its
// encoding must decode to exactly that (a numeric's scale, a timestamp's zone). Floating-point
// values compare with the usual tolerance.

// pgWireModes are the two ways a pgx client talks to a server.
var pgWireModes = []struct {
	name string
	mode pgx.QueryExecMode
}{
	{"simple", pgx.QueryExecModeSimpleProtocol},
	{"extended", pgx.QueryExecModeCacheStatement},
}

// TestPostgresConformanceOverWire runs every PostgreSQL scenario through Weir's PostgreSQL
// listener, in the simple and the extended protocol, against PostgreSQL read by the same
// client in the same mode, and requires 0 differences.
func TestPostgresConformanceOverWire(t *testing.T) {
	scs := loadPostgresScenarios(t)
	pg := testserver.StartPostgres(t)
	for _, sc := range scs {
		// The two modes of a scenario at a time: each holds a replication slot, and the
		// server has few.
		t.Run(sc.Name, func(t *testing.T) {
			for _, m := range pgWireModes {
				t.Run(m.name, func(t *testing.T) {
					t.Parallel()
					ref := newPGWireRef(t, pg, "wref_"+m.name+"_"+sc.Name, m.mode)
					sub := newWeirPGWire(t, pg, "wweir_"+m.name+"_"+sc.Name, m.mode)
					report(t, Run(t.Context(), sc, ref, sub, Options{}))
				})
			}
		})
	}
}

// pgWireConn is one pgx connection used in one mode; both targets read through it.
type pgWireConn struct {
	conn *pgx.Conn
	mode pgx.QueryExecMode
}

// connectPG connects to dsn with mode as the default for every statement; the connection
// closes with the test.
func connectPG(t *testing.T, dsn string, mode pgx.QueryExecMode) (*pgWireConn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.DefaultQueryExecMode = mode
	conn, err := pgx.ConnectConfig(t.Context(), cfg)
	if err != nil {
		return nil, fmt.Errorf("conformance: connect: %w", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &pgWireConn{conn: conn, mode: mode}, nil
}

func (c *pgWireConn) exec(ctx context.Context, sql string, args []any) (ExecResult, error) {
	tag, err := c.conn.Exec(ctx, sql, args...)
	if err != nil {
		return ExecResult{}, err
	}
	return ExecResult{RowsAffected: tag.RowsAffected()}, nil
}

// query reads a result as the client received it: the columns' names and types from the
// RowDescription, every value as its text.
func (c *pgWireConn) query(ctx context.Context, sql string, args []any) (*ResultSet, error) {
	rows, err := c.conn.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	fields := rows.FieldDescriptions()
	rs := &ResultSet{Columns: make([]string, len(fields)), Types: make([]string, len(fields))}
	tm := c.conn.TypeMap()
	for i, f := range fields {
		rs.Columns[i] = f.Name
		rs.Types[i] = typeName(tm, f.DataTypeOID)
	}
	for rows.Next() {
		raw := rows.RawValues()
		cells := make([]Cell, len(raw))
		for i, b := range raw {
			if b == nil {
				cells[i] = Null
				continue
			}
			text, err := valueText(tm, fields[i].DataTypeOID, fields[i].Format, b)
			if err != nil {
				return nil, fmt.Errorf("conformance: column %s: %w", fields[i].Name, err)
			}
			if cells[i], err = wireCell(fields[i].DataTypeOID, text); err != nil {
				return nil, err
			}
		}
		rs.Rows = append(rs.Rows, cells)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return rs, nil
}

// typeName is the name of a type OID, as pg_type has it, or the number for a type pgx does
// not know.
func typeName(tm *pgtype.Map, oid uint32) string {
	if typ, ok := tm.TypeForOID(oid); ok {
		return typ.Name
	}
	return "oid " + strconv.FormatUint(uint64(oid), 10)
}

// valueText is a value's text form: a text-format value as sent, a binary one decoded and
// written as PostgreSQL's text output for its type.
func valueText(tm *pgtype.Map, oid uint32, format int16, raw []byte) (string, error) {
	if format == pgtype.TextFormatCode {
		return string(raw), nil
	}
	typ, ok := tm.TypeForOID(oid)
	if !ok {
		return "", fmt.Errorf("binary value of unknown type %d", oid)
	}
	v, err := typ.Codec.DecodeValue(tm, oid, format, raw)
	if err != nil {
		return "", fmt.Errorf("decode binary %s: %w", typeName(tm, oid), err)
	}
	text, err := tm.Encode(oid, pgtype.TextFormatCode, v, nil)
	if err != nil {
		return "", fmt.Errorf("%s %v as text: %w", typeName(tm, oid), v, err)
	}
	return string(text), nil
}

// wireCell is a value as the client shows it: floating-point types compare with a
// tolerance, everything else by its text, which the wire comparison takes as sent.
func wireCell(oid uint32, text string) (Cell, error) {
	switch oid {
	case pgtype.Float4OID, pgtype.Float8OID:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return Cell{}, fmt.Errorf("conformance: float %q: %w", text, err)
		}
		return FloatCell(f), nil
	}
	return TextCell(text), nil
}

// pgWireRef is a PostgreSQL database read by pgx in one mode.
type pgWireRef struct{ c *pgWireConn }

func newPGWireRef(t *testing.T, pg *testserver.Postgres, database string, mode pgx.QueryExecMode) *pgWireRef {
	t.Helper()
	c, err := connectPG(t, pg.CreateDatabase(t, database), mode)
	if err != nil {
		t.Fatal(err)
	}
	return &pgWireRef{c: c}
}

func (p *pgWireRef) Name() string { return "PostgreSQL" }

func (p *pgWireRef) Exec(ctx context.Context, sql string, args []any) (ExecResult, error) {
	return p.c.exec(ctx, sql, args)
}

func (p *pgWireRef) Query(ctx context.Context, sql string, args []any) (*ResultSet, error) {
	return p.c.query(ctx, sql, args)
}

func (p *pgWireRef) Table(ctx context.Context, name string) (*ResultSet, error) {
	return p.Query(ctx, "SELECT * FROM "+name, nil)
}

func (p *pgWireRef) ErrorCode(error) (int, bool) { return 0, false }

// weirPGWire is Weir mirroring a PostgreSQL database (weirPG), read through its PostgreSQL
// listener by pgx in one mode.
type weirPGWire struct {
	*weirPG
	mode     pgx.QueryExecMode
	serveMu  sync.Mutex
	c        *pgWireConn
	serveErr error
}

func newWeirPGWire(t *testing.T, pg *testserver.Postgres, database string, mode pgx.QueryExecMode) *weirPGWire {
	t.Helper()
	return &weirPGWire{weirPG: newWeirPG(t, pg, database), mode: mode}
}

func (w *weirPGWire) Name() string { return "Weir over PostgreSQL's protocol" }

// listen serves the mirror's engine on a loopback port and connects to it, once the mirror
// runs.
func (w *weirPGWire) listen() (*pgWireConn, error) {
	w.serveMu.Lock()
	defer w.serveMu.Unlock()
	if w.c != nil || w.serveErr != nil {
		return w.c, w.serveErr
	}
	if err := w.start(); err != nil {
		w.serveErr = err
		return nil, err
	}
	srv, err := pgwire.New(w.e, pgwire.Config{})
	if err != nil {
		w.serveErr = err
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.serveErr = err
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	// Cleanups run last-in first-out: the connection closes, then the listener, then (in
	// weirPG's cleanup, registered earlier) the engine.
	w.t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != nil {
			w.t.Errorf("serve: %v", err)
		}
	})
	port := ln.Addr().(*net.TCPAddr).Port
	w.c, w.serveErr = connectPG(w.t, fmt.Sprintf("postgres://root@127.0.0.1:%d/weir?sslmode=disable", port), w.mode)
	return w.c, w.serveErr
}

func (w *weirPGWire) Query(ctx context.Context, sql string, args []any) (*ResultSet, error) {
	c, err := w.listen()
	if err != nil {
		return nil, err
	}
	if err := w.sync(ctx); err != nil {
		return nil, err
	}
	return c.query(ctx, sql, args)
}

func (w *weirPGWire) Table(ctx context.Context, name string) (*ResultSet, error) {
	return w.Query(ctx, "SELECT * FROM "+name, nil)
}

package conformance

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/planner/pgsql"
	"github.com/weirdb/weir/replication"
)

// The PostgreSQL conformance harness is the MariaDB harness's twin: scenario files in
// testdata/postgres, in PostgreSQL's dialect (same format; `-- error` without a number),
// run by the same runner on two targets. The reference is a PostgreSQL database; the
// target under test is Weir as it is deployed in front of PostgreSQL: a second database
// on the same server receives the same writes, Weir mirrors it by logical replication, and
// every query is prepared in PostgreSQL's dialect (Engine.PrepareDialect) and read after
// the mirror has applied every write before it. Each query is read on Weir twice, with its
// `$n` arguments bound (the extended protocol's way) and with them written into the text as
// literals (the simple protocol's way): the two must agree, and agree with PostgreSQL, whose
// answer is read with the extended protocol in text format.
//
// TestPostgresConformanceOverWire (postgres_wire_test.go) runs the same files through Weir's
// PostgreSQL listener with pgx, in the simple and the extended protocol.
//
// Values are compared as PostgreSQL's text output shows them (a front door renders Weir's
// values with pgsql.FormatText): numeric scale, t and f for booleans and every character of
// text count; floating-point values compare with the usual tolerance.

// minPostgresShapes is the corpus size the PostgreSQL scenario files must keep.
const minPostgresShapes = 300

const postgresScenarios = "testdata/postgres"

func loadPostgresScenarios(t *testing.T) []*Scenario {
	t.Helper()
	scs, err := LoadScenarios(postgresScenarios)
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) == 0 {
		t.Fatal("no scenario files in " + postgresScenarios)
	}
	return scs
}

// TestPostgresConformance runs every PostgreSQL scenario on PostgreSQL and on Weir mirroring
// PostgreSQL, and requires 0 differences.
func TestPostgresConformance(t *testing.T) {
	scs := loadPostgresScenarios(t)
	pg := testserver.StartPostgres(t)
	for _, sc := range scs {
		// One scenario at a time: each holds a replication slot, and the server has few.
		t.Run(sc.Name, func(t *testing.T) {
			ref := newPGRef(t, pg, "ref_"+sc.Name)
			sub := newWeirPG(t, pg, "weir_"+sc.Name)
			report(t, Run(t.Context(), sc, ref, sub, Options{}))
		})
	}
}

// TestPostgresScenariosOnPostgres checks the scenario files themselves against two
// independent PostgreSQL databases: statements marked to fail fail, every query runs, and
// the reference target agrees with itself.
func TestPostgresScenariosOnPostgres(t *testing.T) {
	scs := loadPostgresScenarios(t)
	pg := testserver.StartPostgres(t)
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			report(t, Run(t.Context(), sc, newPGRef(t, pg, "a_"+sc.Name), newPGRef(t, pg, "b_"+sc.Name), Options{}))
		})
	}
}

// TestPostgresCorpus keeps the PostgreSQL corpus as large as promised, with unique texts.
func TestPostgresCorpus(t *testing.T) {
	shapes := map[string]string{}
	for _, sc := range loadPostgresScenarios(t) {
		for _, q := range sc.Queries() {
			key := oneLine(q.SQL)
			if prev, dup := shapes[key]; dup {
				t.Errorf("%s: query %s repeats %s", sc.Name, q.Name, prev)
				continue
			}
			shapes[key] = sc.Name + "/" + q.Name
			if q.Unsupported {
				t.Errorf("%s: query %s is marked unsupported: the PostgreSQL corpus counts only queries Weir answers", sc.Name, q.Name)
			}
		}
	}
	if len(shapes) < minPostgresShapes {
		t.Errorf("%d distinct query shapes, want at least %d", len(shapes), minPostgresShapes)
	}
	t.Logf("%d distinct query shapes", len(shapes))
}

// pgRef is a PostgreSQL database read through pgx's connection, with the extended protocol
// and text-format parameters and results.
type pgRef struct {
	name string
	conn *pgx.Conn
}

func newPGRef(t *testing.T, pg *testserver.Postgres, database string) *pgRef {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), pg.CreateDatabase(t, database))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &pgRef{name: "PostgreSQL", conn: conn}
}

func (p *pgRef) Name() string { return p.name }

func (p *pgRef) Exec(ctx context.Context, sql string, args []any) (ExecResult, error) {
	tag, err := p.conn.Exec(ctx, sql, args...)
	if err != nil {
		return ExecResult{}, err
	}
	return ExecResult{RowsAffected: tag.RowsAffected()}, nil
}

func (p *pgRef) Query(ctx context.Context, sql string, args []any) (*ResultSet, error) {
	params := make([][]byte, len(args))
	for i, a := range args {
		if a != nil {
			params[i] = []byte(argText(a))
		}
	}
	res := p.conn.PgConn().ExecParams(ctx, sql, params, nil, nil, nil).Read()
	if res.Err != nil {
		return nil, res.Err
	}
	rs := &ResultSet{}
	if len(res.FieldDescriptions) > 0 {
		// pgconn reports no description for a result without rows.
		rs.Columns = make([]string, len(res.FieldDescriptions))
		for i, f := range res.FieldDescriptions {
			rs.Columns[i] = f.Name
		}
	}
	for _, row := range res.Rows {
		cells := make([]Cell, len(row))
		for i, raw := range row {
			if raw == nil {
				cells[i] = Null
				continue
			}
			c, err := pgCell(res.FieldDescriptions[i].DataTypeOID, string(raw))
			if err != nil {
				return nil, err
			}
			cells[i] = c
		}
		rs.Rows = append(rs.Rows, cells)
	}
	return rs, nil
}

func (p *pgRef) Table(ctx context.Context, name string) (*ResultSet, error) {
	return p.Query(ctx, "SELECT * FROM "+name, nil)
}

// ErrorCode: PostgreSQL's errors carry SQLSTATEs, not MySQL's numbers.
func (p *pgRef) ErrorCode(error) (int, bool) { return 0, false }

// pgCell is a value as PostgreSQL's text output shows it: floating-point types compare with
// a tolerance, everything else by its text.
func pgCell(oid uint32, text string) (Cell, error) {
	switch oid {
	case pgsql.OIDFloat4, pgsql.OIDFloat8:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return Cell{}, fmt.Errorf("conformance: float %q: %w", text, err)
		}
		return FloatCell(f), nil
	case 1184: // timestamptz, which the mirror keeps as the UTC timestamp it is
		return TextCell(strings.TrimSuffix(text, "+00")), nil
	}
	return TextCell(text), nil
}

// argText is an argument in PostgreSQL's text input form.
func argText(a any) string {
	switch v := a.(type) {
	case bool:
		if v {
			return "true"
		}
		return "false"
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(a)
}

// argLiteral is an argument written into a query's text.
func argLiteral(a any) string {
	switch v := a.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case bool:
		return argText(v)
	}
	return argText(a)
}

var paramRef = regexp.MustCompile(`\$([0-9]+)`)

// inline writes args into sql in place of its `$n` parameters.
func inline(sql string, args []any) (string, error) {
	var bad error
	out := paramRef.ReplaceAllStringFunc(sql, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		if n < 1 || n > len(args) {
			bad = fmt.Errorf("conformance: %s has no argument", m)
			return m
		}
		return argLiteral(args[n-1])
	})
	return out, bad
}

// weirPG is Weir in front of a PostgreSQL database: writes go to the database, Weir mirrors
// it, and reads are Weir's, in PostgreSQL's dialect, once the mirror has applied every
// write before them.
type weirPG struct {
	t        *testing.T
	upstream *pgx.Conn
	dsn      string
	slot     string
	e        *weir.Engine
	rep      *replication.Replicator
	started  sync.Once
	startErr error
	stop     func()
}

func newWeirPG(t *testing.T, pg *testserver.Postgres, database string) *weirPG {
	t.Helper()
	dsn := pg.CreateDatabase(t, database)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	w := &weirPG{t: t, upstream: conn, dsn: dsn, slot: strings.ToLower(database)}
	t.Cleanup(func() {
		if w.stop != nil {
			w.stop()
		}
		// The slot would hold the server's WAL, and the server's few slots, forever.
		_, _ = conn.Exec(context.Background(), "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1", w.slot)
		conn.Close(context.Background())
	})
	return w
}

func (w *weirPG) Name() string { return "Weir" }

func (w *weirPG) Exec(ctx context.Context, sql string, args []any) (ExecResult, error) {
	tag, err := w.upstream.Exec(ctx, sql, args...)
	if err != nil {
		return ExecResult{}, err
	}
	return ExecResult{RowsAffected: tag.RowsAffected()}, nil
}

// start begins mirroring at the first read: the setup's tables exist by then, and their
// rows arrive in the initial copy.
func (w *weirPG) start() error {
	w.started.Do(func() {
		e, err := weir.Open(weir.Options{Dir: w.t.TempDir(), Mirror: true, MemoryLimit: -1})
		if err != nil {
			w.startErr = err
			return
		}
		rep, err := replication.New(e, replication.Config{URL: w.dsn, Slot: w.slot, Publication: w.slot,
			Logger: zap.NewNop(), StatusInterval: 100 * time.Millisecond, SchemaInterval: time.Hour})
		if err != nil {
			e.Close()
			w.startErr = err
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- rep.Run(ctx) }()
		w.stop = func() {
			cancel()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				w.t.Errorf("replication: %v", err)
			}
			if err := e.Close(); err != nil {
				w.t.Errorf("close Weir: %v", err)
			}
		}
		select {
		case <-rep.Ready():
		case err := <-done:
			done <- err
			w.startErr = fmt.Errorf("replication ended before it was ready: %v", err)
		case <-time.After(2 * time.Minute):
			w.startErr = errors.New("replication was not ready in time")
		}
		w.e, w.rep = e, rep
	})
	return w.startErr
}

// sync waits until the mirror has applied every transaction committed upstream so far.
func (w *weirPG) sync(ctx context.Context) error {
	if err := w.start(); err != nil {
		return err
	}
	var s string
	if err := w.upstream.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&s); err != nil {
		return err
	}
	lsn, err := pglogrepl.ParseLSN(s)
	if err != nil {
		return err
	}
	return w.e.Mirror().WaitForPosition(ctx, uint64(lsn))
}

func (w *weirPG) Query(ctx context.Context, sql string, args []any) (*ResultSet, error) {
	if err := w.sync(ctx); err != nil {
		return nil, err
	}
	prepared, err := w.read(ctx, sql, args)
	if err != nil {
		return nil, fmt.Errorf("prepared: %w", err)
	}
	text, err := inline(sql, args)
	if err != nil {
		return nil, err
	}
	literal, err := w.read(ctx, text, nil)
	if err != nil {
		return nil, fmt.Errorf("with its arguments as literals: %w", err)
	}
	if diff := Diff("prepared", prepared, "literals", literal, false); diff != "" {
		return nil, fmt.Errorf("the prepared statement and the text with literals disagree:\n%s", diff)
	}
	return prepared, nil
}

func (w *weirPG) read(ctx context.Context, sql string, args []any) (*ResultSet, error) {
	st, err := w.e.PrepareDialect(ctx, weir.PostgreSQL, sql)
	if err != nil {
		return nil, err
	}
	if st.NumParams() != len(args) {
		return nil, fmt.Errorf("%d parameters, %d arguments", st.NumParams(), len(args))
	}
	// Arguments arrive as a PostgreSQL client sends them in text format.
	vals := make([]dataflow.Value, len(args))
	types := st.ParamTypes()
	for i, a := range args {
		if a == nil {
			continue
		}
		if vals[i], err = pgsql.ParseText(argText(a), types[i]); err != nil {
			return nil, err
		}
	}
	rows, err := st.QueryValues(ctx, vals...)
	if err != nil {
		return nil, err
	}
	cols := st.Columns()
	rs := &ResultSet{Columns: make([]string, len(cols))}
	for i, c := range cols {
		rs.Columns[i] = c.Name
	}
	for i := range rows.Len() {
		row := rows.Row(i)
		cells := make([]Cell, len(cols))
		for j := range cols {
			if row[j].IsNull() {
				cells[j] = Null
				continue
			}
			c, err := pgCell(pgsql.TypeOID(cols[j].Type), pgsql.FormatText(row[j], cols[j].Type))
			if err != nil {
				return nil, err
			}
			if row[j].Kind() == dataflow.KindFloat {
				c = FloatCell(row[j].RawFloat())
			}
			cells[j] = c
		}
		rs.Rows = append(rs.Rows, cells)
	}
	return rs, nil
}

func (w *weirPG) Table(ctx context.Context, name string) (*ResultSet, error) {
	return w.Query(ctx, "SELECT * FROM "+name, nil)
}

func (w *weirPG) ErrorCode(error) (int, bool) { return 0, false }

package weir

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/eviction"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/planner/pgsql"
	"github.com/weirdb/weir/storage"
	"github.com/weirdb/weir/tables"
	"github.com/weirdb/weir/upquery"
	"go.uber.org/zap"
)

// Value is one SQL value in a result row.
type Value = dataflow.Value

// Column describes a result column: its name, SQL type and nullability.
type Column = dataflow.Column

// Token identifies a write. Tokens increase monotonically across the engine; a read that
// carries a token sees every write up to it.
type Token uint64

// Options configures an engine.
type Options struct {
	// Domains is the number of single-threaded domains that run query operators; base tables
	// have a domain of their own. Zero picks a default from GOMAXPROCS.
	Domains int
	// ReadTimeout bounds how long a read waits for a write token to become visible or a
	// missing key to be filled; zero means five seconds.
	ReadTimeout time.Duration
	// MemoryLimit bounds the memory of the caches: the bytes partial state holds (readers,
	// partial operator state and the read history that ranks keys) and what the caches'
	// graphs cost (nodes, operator structures, readers, plans, the statement cache, and
	// the full state of the caches of ad-hoc query shapes). Past it, the keys read least
	// often are evicted (they become holes and refill on their next read), and the ad-hoc
	// caches read least recently are dropped (the next query of the shape installs it
	// again); named views are never dropped. Zero means a quarter of the machine's memory
	// (1 GiB where it cannot be read); a negative value means no limit. Base tables and the
	// full state of named views are never evicted, and not counted.
	MemoryLimit int64
	// MaxUpqueries bounds the fills (upqueries) in flight at once; reads that miss beyond it
	// wait for a slot. Zero means 1024.
	MaxUpqueries int
	// Dir, when set, keeps base tables, the catalog (tables and named views) and the write
	// token sequence in a durable store there (package storage), restored by the next Open;
	// views refill on demand. Empty: everything lives in memory.
	Dir string
	// Sync is how a write becomes durable in Dir before it is acknowledged: storage.SyncAlways
	// (the zero value: fsynced, concurrent writes sharing fsyncs), SyncInterval (fsynced every
	// SyncInterval: a crash may lose that much) or SyncNever (left to the operating system).
	Sync         storage.SyncMode
	SyncInterval time.Duration
	// Mirror makes the engine a copy of another database's tables, written only through
	// Engine.Mirror by a replication stream: clients' writes and DDL fail with
	// ErrCodeReadOnly, while views are registered and read as usual. With Dir, the upstream
	// position is stored with the rows and restored by Open.
	Mirror bool
	// Logger receives what the engine's background work cannot return to a caller (an
	// eviction round that failed). Nil: nothing is logged.
	Logger *zap.Logger
	// GoMemoryLimit keeps the Go runtime's soft memory limit (debug.SetMemoryLimit) at
	// MemoryLimit plus a sixteenth, plus the live heap the limit does not count, so that the
	// heap's garbage cannot take the process far past the limit (see
	// eviction.Evictor.GoMemoryLimit). The soft limit is the process's: set it only in a
	// process that runs one engine, as weir serve does. Close restores the previous one.
	GoMemoryLimit bool
	// Clock is where writes read the time: NOW(), CURRENT_TIMESTAMP and the other clock
	// functions in INSERT and UPDATE, and DEFAULT / ON UPDATE CURRENT_TIMESTAMP columns. It
	// is read once per statement, in UTC (Weir's session time zone). Views that compare rows
	// with NOW() are advanced to its time as their rows' changes fall due (and by
	// Engine.AdvanceClock). Nil means time.Now.
	Clock func() time.Time
	// ManualClock keeps the engine from advancing those views by itself: only
	// Engine.AdvanceClock moves them, to Clock's time. It is for tests that move Clock by
	// hand and must know the instant every view is at.
	ManualClock bool
}

// Result reports what a write did.
type Result struct {
	// Token identifies the write; LookupAfter with it sees the write.
	Token Token
	// RowsAffected counts rows as MySQL does: inserted and deleted rows, rows whose values an
	// UPDATE changed, 2 for an upsert that updated and 1 + deleted for a REPLACE.
	RowsAffected int64
	// RowsFound is RowsAffected as a client that asked for found rows (the protocol's
	// CLIENT_FOUND_ROWS) counts them: every row an UPDATE matched, changed or not, and 1 for
	// an upsert that left its row as it was.
	RowsFound int64
	// LastInsertID is the first AUTO_INCREMENT value the statement generated, or 0.
	LastInsertID uint64
	// Warnings lists what the statement reports beside its success (an ALTER TABLE that
	// dropped a cache that no longer fits the table).
	Warnings []Warning
}

// Engine is an open Weir instance: base tables, the dataflow graph and the registered views.
// All methods are safe for concurrent use.
type Engine struct {
	opts Options
	rt   *dataflow.Runtime

	// gate orders writes against changes to the graph: writes hold it shared until the base
	// domain has applied them; DDL and registration hold it exclusively while every domain is
	// idle, which is what lets them change node wiring and fill new nodes without messages.
	gate sync.RWMutex

	// mu guards the catalog and view maps (reads of them happen outside the gate).
	mu     sync.RWMutex
	tables map[string]*tables.Table
	// databases spell the databases by lower-cased name (see database.go).
	databases map[string]string
	// sqlViews are the SQL views (CREATE VIEW) by lower-cased name (see sqlview.go).
	sqlViews map[string]*planner.ViewDef
	views    map[string]*View
	shapes   map[string]*View
	graph    *dataflow.Graph
	version  atomic.Uint64

	stmts *planner.Cache[planner.Statement]
	// pgStmts are the SELECTs compiled in PostgreSQL's dialect (PrepareDialect), kept apart
	// from stmts because one text can mean different things in the two dialects.
	pgStmts *planner.Cache[*pgsql.Compiled]

	// graphBytes approximates the memory of the graphs of all views (eviction.NodeBytes of
	// each node, eviction.ViewBytes of each view); adhocBytes is what the views of ad-hoc
	// shapes added of it (see View.graphBytes). fullShapes are the views of ad-hoc shapes
	// whose nodes hold full state, which the limit counts too (guarded by fullMu). viewSeq
	// numbers views in the order they were linked (under ddl).
	graphBytes atomic.Int64
	adhocBytes atomic.Int64
	fullMu     sync.Mutex
	fullShapes map[*View]struct{}
	viewSeq    uint64

	// Owned by the base domain.
	nextToken uint64
	// lastToken is the newest token handed to a writer.
	lastToken atomic.Uint64
	queries   int
	closed    atomic.Bool

	// ackedToken is the newest token whose write has been answered to its writer (see
	// acknowledge): what a read must wait for. It lags lastToken while a write is being
	// applied, so a read that begins then need not wait for a write nobody has seen
	// acknowledged, and a server's poller can answer it without handing it over.
	ackedToken atomic.Uint64

	// upquery sends the fills of partial readers; evictor keeps partial state under the
	// memory limit.
	upquery *upquery.Client
	evictor *eviction.Evictor
	// fillers holds the fill side of every partial reader in the graph (guarded by mu).
	fillers map[*dataflow.Node]*upquery.Target
	// backfilled, when set (by tests), runs after a registration's backfill has computed the
	// new nodes' states and before their queued deltas are applied.
	backfilled func()
	// ddl serializes changes to the schema and the graph (see changeGraph); writes and
	// reads do not take it.
	ddl sync.Mutex
	// store is the durable store (Options.Dir), nil in memory. nextTableID is the id the
	// next table gets (under ddl); writeBatch and writeSeen are the base domain's reusable
	// batch and set of keys a write touched.
	store       *storage.Store
	nextTableID uint32
	writeBatch  storage.Batch
	writeSeen   map[string]struct{}
	// mirror is the write side of a mirroring engine (Options.Mirror), nil otherwise.
	mirror *Mirror
	// lag probes the write-to-visible lag.
	lag *dataflow.LagProbe
	// clock advances the time windows of views that compare rows with NOW() (temporal.go).
	clock *temporalClock
}

// maxCachedStatements bounds each dialect's statement cache; under a memory limit, the
// estimated bytes of each are also bounded by the limit divided by statementShare.
const (
	maxCachedStatements = 10_000
	statementShare      = 16
)

// Open starts an engine with no tables.
func Open(opts Options) (*Engine, error) {
	if opts.Domains < 0 {
		return nil, newError(ErrCodeWrongArguments, "HY000", fmt.Sprintf("weir: Options.Domains must not be negative, got %d", opts.Domains))
	}
	if opts.Domains == 0 {
		opts.Domains = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = 5 * time.Second
	}
	if opts.MemoryLimit == 0 {
		opts.MemoryLimit = eviction.DefaultLimit()
	}
	if opts.MaxUpqueries <= 0 {
		opts.MaxUpqueries = 1024
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	e := &Engine{
		opts:      opts,
		rt:        dataflow.NewRuntime(1 + opts.Domains),
		tables:    map[string]*tables.Table{},
		databases: map[string]string{strings.ToLower(DatabaseName): DatabaseName},
		sqlViews:  map[string]*planner.ViewDef{},
		views:     map[string]*View{},
		shapes:    map[string]*View{},
		graph:     dataflow.NewGraph(),
		stmts:     planner.NewCache[planner.Statement](maxCachedStatements, max(opts.MemoryLimit, 0)/statementShare),
		pgStmts:   planner.NewCache[*pgsql.Compiled](maxCachedStatements, max(opts.MemoryLimit, 0)/statementShare),
		fillers:   map[*dataflow.Node]*upquery.Target{},

		fullShapes: map[*View]struct{}{},
		clock:      newTemporalClock(),
	}
	log := opts.Logger
	e.evictor = eviction.New(e.rt, opts.MemoryLimit, opts.ReadTimeout, func(err error) {
		log.Warn("partial state could not be brought under the memory limit", zap.Error(err))
	})
	e.evictor.SetCaches(engineCaches{e})
	e.upquery = upquery.NewClient(e.rt, opts.MaxUpqueries, e.evictor.Filled)
	e.rt.Start()
	e.evictor.Start()
	if opts.GoMemoryLimit {
		e.evictor.GoMemoryLimit()
	}
	e.lag = dataflow.StartLagProbe(e.rt, e.lastToken.Load, opts.ReadTimeout)
	if opts.ManualClock {
		close(e.clock.done)
	} else {
		go e.runClock()
	}
	if opts.Mirror {
		e.mirror = &Mirror{e: e}
	}
	if opts.Dir != "" {
		if err := e.openStore(context.Background()); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// Options returns the options the engine runs with, defaults filled in.
func (e *Engine) Options() Options { return e.opts }

// Close stops the engine's domains. Reads and writes after Close fail.
func (e *Engine) Close() error {
	if e.closed.CompareAndSwap(false, true) {
		e.evictor.Stop()
		e.lag.Stop()
		close(e.clock.stop)
		<-e.clock.done
		e.gate.Lock()
		e.rt.Stop()
		e.gate.Unlock()
		if e.store != nil {
			return e.store.Close()
		}
	}
	return nil
}

// Closed reports whether Close has been called.
func (e *Engine) Closed() bool { return e.closed.Load() }

// ErrClosed is returned by calls on a closed engine, whichever part of it noticed.
var ErrClosed = dataflow.ErrClosed

func (e *Engine) checkOpen() error {
	if e.closed.Load() {
		return ErrClosed
	}
	return nil
}

// catalog adapts the engine's tables to the planner. Callers hold e.mu.
type catalog struct{ e *Engine }

func (c catalog) Table(name string) (*planner.TableSchema, bool) {
	t, ok := c.e.tables[strings.ToLower(name)]
	if !ok {
		return nil, false
	}
	return t.Schema, true
}

func (c catalog) View(name string) (*planner.ViewDef, bool) {
	d, ok := c.e.sqlViews[strings.ToLower(name)]
	return d, ok
}

// plan parses and plans sql against the current catalog with its unqualified names in
// database db, caching the statement per database and text until the catalog changes.
func (e *Engine) plan(db, sql string) (planner.Statement, uint64, error) {
	if st, ok := e.stmts.Get(db, sql, e.version.Load()); ok {
		return st, e.version.Load(), nil
	}
	e.mu.RLock()
	v := e.version.Load()
	st, err := planner.CompileIn(catalog{e}, db, sql)
	e.mu.RUnlock()
	if err != nil {
		return nil, 0, err
	}
	text := ""
	if sel, ok := st.(*planner.Select); ok {
		text = sel.Query.Text
	}
	e.stmts.Put(db, sql, v, st, eviction.StatementBytes(sql, text)+int64(len(db)))
	return st, v, nil
}

// Exec runs DDL (CREATE TABLE, DROP TABLE, CREATE/DROP INDEX, ALTER TABLE … ADD/DROP
// INDEX) or a write (INSERT, REPLACE, INSERT … ON
// DUPLICATE KEY UPDATE, UPDATE, DELETE). `?` placeholders take args in order. A write is
// applied atomically: on error none of its rows change. The returned token, given to
// View.LookupAfter, makes a read see this write.
func (e *Engine) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	return e.exec(ctx, sql, args, e.mirror != nil)
}

// exec is Exec; readOnly refuses DDL and writes (a mirror's clients).
func (e *Engine) exec(ctx context.Context, sql string, args []any, readOnly bool) (Result, error) {
	if err := e.checkOpen(); err != nil {
		return Result{}, err
	}
	for {
		st, v, err := e.plan(contextDatabase(ctx), sql)
		if err != nil {
			return Result{}, err
		}
		if _, isSelect := st.(*planner.Select); readOnly && !isSelect {
			return Result{}, errMirrorReadOnly(st.Verb())
		}
		switch s := st.(type) {
		case *planner.CreateTable:
			return e.createTable(ctx, s, sql)
		case *planner.DropTable:
			return e.dropTables(ctx, s)
		case *planner.AlterTable:
			return e.alterTable(ctx, s)
		case *planner.RenameTables:
			return e.renameTables(ctx, s)
		case *planner.AlterIndexes:
			res, stale, err := e.alterIndexes(ctx, s)
			if stale {
				continue
			}
			return res, err
		case *planner.CreateView:
			res, err := e.createView(ctx, s, v)
			if errors.Is(err, errStalePlan) {
				continue
			}
			return res, err
		case *planner.DropView:
			return e.dropViews(ctx, s)
		case *planner.CreateDatabase:
			return e.createDatabase(ctx, s)
		case *planner.DropDatabase:
			return e.dropDatabase(ctx, s)
		case *planner.AlterDatabase:
			return e.alterDatabase(s)
		case *planner.Select:
			return Result{}, newError(ErrCodeWrongUsage, "42000", "Exec runs DDL and writes; use Register, Query or a View to read a SELECT")
		}
		vals, err := dataflow.RowFromGo(args)
		if err != nil {
			return Result{}, err
		}
		res, stale, err := e.write(ctx, st, v, vals)
		if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			// The base domain is done with the arguments (rows copy their values), so the
			// buffer can serve the next statement. After a cancellation it may still run.
			dataflow.ReleaseRow(vals)
		}
		if stale {
			continue // the catalog changed between planning and execution: plan again
		}
		return res, err
	}
}

// changeGraph is the prelude of every change to tables, views and the graph: it takes the
// schema lock, stops writes and waits until every domain has applied those acknowledged
// (quiesce), and locks the catalog, then runs change. Once change returns, writes resume
// and the catalog is unlocked; then after, when not nil, runs with the schema lock still
// held (a registration's backfill, which writes may overtake but no other change may).
func (e *Engine) changeGraph(ctx context.Context, change func() error, after func() error) error {
	e.ddl.Lock()
	defer e.ddl.Unlock()
	if err := e.stopped(ctx, change); err != nil || after == nil {
		return err
	}
	return after()
}

// stopped runs change with writes stopped and applied everywhere (quiesce) and the catalog
// locked. The caller holds the schema lock.
func (e *Engine) stopped(ctx context.Context, change func() error) error {
	resume, err := e.quiesce(ctx)
	if err != nil {
		return err
	}
	defer resume()
	e.mu.Lock()
	defer e.mu.Unlock()
	return change()
}

// quiesce stops new writes and waits until every domain has applied every acknowledged write,
// so the caller may change the graph. The caller must call the returned function to resume.
func (e *Engine) quiesce(ctx context.Context) (func(), error) {
	e.gate.Lock()
	if e.closed.Load() {
		e.gate.Unlock()
		return nil, ErrClosed
	}
	tok := e.lastToken.Load()
	for _, d := range e.rt.Domains {
		if err := d.WaitProgress(ctx, tok, time.Time{}); err != nil {
			e.gate.Unlock()
			return nil, err
		}
	}
	return e.gate.Unlock, nil
}

// TableRows returns every row of a base table, in no particular order. It is meant for
// diagnostics and tests; it sees every write acknowledged before the call.
func (e *Engine) TableRows(ctx context.Context, name string) ([]dataflow.Row, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	e.mu.RLock()
	t, ok := e.tables[strings.ToLower(name)]
	e.mu.RUnlock()
	if !ok {
		return nil, errNoSuchTable(name)
	}
	var rows []dataflow.Row
	err := e.rt.Domains[0].Call(ctx, func() { rows = t.Base.Snapshot(nil) })
	return rows, err
}

// Graph renders the dataflow graph in Graphviz dot syntax: the whole graph, or the part that
// feeds the named views.
func (e *Engine) Graph(views ...string) (string, error) {
	e.gate.RLock()
	defer e.gate.RUnlock()
	e.mu.RLock()
	defer e.mu.RUnlock()
	var roots []*dataflow.Node
	for _, name := range views {
		v, ok := e.views[strings.ToLower(name)]
		if !ok {
			return "", fmt.Errorf("%w: %s", ErrNoSuchView, name)
		}
		for _, r := range v.readers() {
			roots = append(roots, r.node)
		}
	}
	return e.graph.Dot(roots...), nil
}

// WaitFor blocks until every view reflects every write up to tok, or ctx ends.
func (e *Engine) WaitFor(ctx context.Context, tok Token) error {
	return e.rt.WaitVisible(ctx, uint64(tok))
}

// LagStats summarizes the write-to-visible lag probes: each probe notes the newest write
// acknowledged at that moment and measures how long until every domain has applied it, so
// every view shows it. That is how stale a read can be, at most, when writes are flowing:
// the lag a monitoring system should watch. A probe while every write is visible measures 0.
type LagStats = dataflow.LagStats

// LagBuckets are the upper bounds of the write-to-visible lag histogram (WriteLag).
var LagBuckets = dataflow.LagBuckets

// WriteLag reports the write-to-visible lag probes so far.
func (e *Engine) WriteLag() LagStats { return e.lag.Stats() }

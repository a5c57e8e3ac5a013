package weir

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/planner/pgsql"
)

// Stmt is a statement planned once and run many times: what a MySQL client's prepared
// statement maps onto. A SELECT reads through the view of its shape (installed on its first
// read, shared with every query of the same shape); other statements run as Exec would.
//
// When the catalog changes (a table created or dropped), the statement is planned again on
// its next run; if its result columns changed meanwhile, the run fails with error 1615, as
// MySQL asks a client to prepare again, rather than return rows the client cannot decode.
type Stmt struct {
	e         *Engine
	sql       string
	db        string // the database its unqualified names resolve in
	version   uint64
	numParams int
	query     *planner.Query // nil unless the statement is a SELECT
	// view is the view of the SELECT's shape once a run has found it: later runs go
	// straight to it (no lock, no hash of the statement's text) while the catalog is
	// unchanged and the view is not dropped.
	view atomic.Pointer[View]
	// pg is the statement as PostgreSQL's dialect compiled it (nil in MySQL's): its `$n`
	// arguments are reordered into the markers of its plan (see dialect.go).
	pg *pgsql.Compiled
}

// Prepare plans a statement for later runs: any statement Exec accepts, or a SELECT.
func (e *Engine) Prepare(sql string) (*Stmt, error) {
	return e.PrepareContext(context.Background(), sql)
}

// PrepareContext is Prepare with the statement's unqualified names in the database ctx
// names (WithDatabase); its runs keep that database whatever their own contexts say.
func (e *Engine) PrepareContext(ctx context.Context, sql string) (*Stmt, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	db := contextDatabase(ctx)
	st, version, err := e.plan(db, sql)
	if err != nil {
		return nil, err
	}
	s := &Stmt{e: e, sql: sql, db: db, version: version, numParams: st.Params()}
	if sel, ok := st.(*planner.Select); ok {
		s.query = sel.Query
	}
	return s, nil
}

// NumParams is the number of `?` placeholders the statement takes (in PostgreSQL's
// dialect, the highest `$n`).
func (s *Stmt) NumParams() int {
	if s.pg != nil {
		return s.pg.Lowered.NumParams
	}
	return s.numParams
}

// IsQuery reports whether the statement is a SELECT (run it with Query, not Exec).
func (s *Stmt) IsQuery() bool { return s.query != nil }

// Columns describes the result columns of a SELECT; nil for other statements.
func (s *Stmt) Columns() []Column {
	if s.query == nil {
		return nil
	}
	return s.query.Cols
}

// ReadsCatalog reports whether the statement is a SELECT over information_schema: it is
// answered from the catalog as it stands at each run and never cached.
func (s *Stmt) ReadsCatalog() bool { return s.query != nil && s.query.InfoSchema }

// SQL is the statement's text.
func (s *Stmt) SQL() string { return s.sql }

// Query runs a prepared SELECT with args for its placeholders. Like Engine.Query, the read
// sees every write acknowledged before the call.
func (s *Stmt) Query(ctx context.Context, args ...any) (Rows, error) {
	var argv [8]Value
	vals, err := dataflow.AppendFromGo(argv[:0], args)
	if err != nil {
		return Rows{}, err
	}
	return s.QueryValues(ctx, vals...)
}

// QueryValues is Query for arguments that are already Values; a read of a key the view
// holds allocates nothing.
func (s *Stmt) QueryValues(ctx context.Context, args ...Value) (Rows, error) {
	if s.query == nil {
		return Rows{}, newError(ErrCodeWrongUsage, "42000", "the statement is not a SELECT: run it with Exec")
	}
	var pgArgs [8]Value
	if s.pg != nil {
		mapped, ok := s.pg.Args(pgArgs[:0], args)
		if !ok {
			return Rows{}, newError(ErrCodeWrongArguments, "08P01",
				fmt.Sprintf("bind message supplies %d parameters, but prepared statement requires %d", len(args), s.NumParams()))
		}
		args = mapped
	}
	if len(args) != s.numParams {
		return Rows{}, newError(ErrCodeWrongArguments, "HY000",
			fmt.Sprintf("Incorrect arguments to EXECUTE: %d given, %d expected", len(args), s.numParams))
	}
	var argv [8]Value // read converts its arguments in place: a copy, on the stack
	if s.query.InfoSchema && mustNotWait(ctx) {
		return Rows{}, ErrWouldWait
	}
	if s.query.InfoSchema {
		return s.e.queryInfoSchema(ctx, s.query, append(argv[:0], args...))
	}
	for attempt := 0; ; attempt++ {
		current := s.e.version.Load() == s.version
		if v := s.view.Load(); current && v != nil && !v.dropped.Load() {
			rows, err := v.read(ctx, s.query, s.e.readToken(), append(argv[:0], args...))
			if err == nil || !v.dropped.Load() {
				return rows, err
			}
			// Dropped meanwhile: the shape is installed again below.
		}
		if mustNotWait(ctx) {
			return Rows{}, ErrWouldWait // planned again, or installed again
		}
		q := s.query
		if !current {
			var err error
			if q, err = s.replan(); err != nil {
				return Rows{}, err
			}
			if !dataflow.SameColumns(q.Cols, s.query.Cols) {
				return Rows{}, newError(ErrCodeNeedReprepare, "HY000", "Prepared statement needs to be re-prepared")
			}
		}
		v, err := s.e.shapeView(ctx, q)
		if retryDropped(ctx, err, attempt) {
			continue // planned over a view that changed meanwhile
		}
		if err != nil {
			return Rows{}, err
		}
		if current {
			s.view.Store(v)
		}
		rows, err := v.read(ctx, q, s.e.readToken(), append(argv[:0], args...))
		if err != nil && v.dropped.Load() {
			err = fmt.Errorf("%w: %w", errShapeDropped, err)
		}
		if !retryDropped(ctx, err, attempt) {
			return rows, err
		}
	}
}

// Exec runs a prepared DDL or write statement with args for its placeholders.
func (s *Stmt) Exec(ctx context.Context, args ...any) (Result, error) {
	if contextDatabase(ctx) != s.db {
		ctx = WithDatabase(ctx, s.db)
	}
	return s.e.Exec(ctx, s.sql, args...)
}

package weir

import (
	"context"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/eviction"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/planner/pgsql"
)

// Dialect is the SQL dialect a statement is written in. A cache keeps the semantics of the
// dialect its query was written in: the same text in MySQL's and PostgreSQL's dialect
// never shares a view.
type Dialect = planner.Dialect

const (
	// MySQL is MySQL's and MariaDB's dialect, what Prepare, Query and Register take.
	MySQL = planner.MySQL
	// PostgreSQL is PostgreSQL's dialect, parsed by PostgreSQL's own parser (package
	// planner/pgsql documents what it supports and refuses). Only SELECT is prepared in it:
	// writes and DDL belong to the upstream PostgreSQL that Weir mirrors.
	PostgreSQL = planner.PostgreSQL
)

// PrepareDialect plans a statement written in dialect d for later runs. In MySQL's dialect
// it is PrepareContext. In PostgreSQL's it takes one SELECT with `$1`, `$2`, … parameters and
// returns the same *Stmt as Prepare, whose NumParams is the highest `$n`, ParamTypes the
// parameters' types, Columns the result columns, and whose Query takes the arguments in `$n`
// order (a parameter used twice is given once). Its failures are *pgsql.Error values with
// PostgreSQL's SQLSTATE (0A000 for what Weir does not support, naming the construct); a
// run's failures are the errors Query returns in either dialect.
func (e *Engine) PrepareDialect(ctx context.Context, d Dialect, sql string) (*Stmt, error) {
	if d != PostgreSQL {
		return e.PrepareContext(ctx, sql)
	}
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	db := contextDatabase(ctx)
	c, version, err := e.planPostgres(db, sql)
	if err != nil {
		return nil, err
	}
	return &Stmt{e: e, sql: sql, db: db, version: version, numParams: c.Query.NumParams, query: c.Query, pg: c}, nil
}

// planPostgres plans a SELECT in PostgreSQL's dialect against the current catalog.
// A compiled statement with parameters is kept for its text, as plan keeps MySQL's:
// drivers that send the same text in a new unnamed statement for every run (pgbench -M
// extended, libpq's PQexecParams, node-postgres) would otherwise pay for a parse and a plan
// each time. A text without parameters is most often a query with its values written in,
// sent once (the simple query protocol): keeping those would only churn the cache.
func (e *Engine) planPostgres(db, sql string) (*pgsql.Compiled, uint64, error) {
	v := e.version.Load()
	if c, ok := e.pgStmts.Get(db, sql, v); ok {
		return c, v, nil
	}
	e.mu.RLock()
	v = e.version.Load()
	c, err := pgsql.Compile(catalog{e}, db, sql)
	e.mu.RUnlock()
	if err != nil {
		return nil, 0, err
	}
	if c.Lowered.NumParams > 0 {
		e.pgStmts.Put(db, sql, v, c, eviction.StatementBytes(sql, c.Query.Text)+int64(len(db)))
	}
	return c, v, nil
}

// replan plans the statement again against the current catalog, in its dialect.
func (s *Stmt) replan() (*planner.Query, error) {
	if s.pg == nil {
		return s.e.planSelect(s.db, s.sql)
	}
	c, _, err := s.e.planPostgres(s.db, s.sql)
	if err != nil {
		return nil, err
	}
	return c.Query, nil
}

// Dialect is the dialect the statement was prepared in.
func (s *Stmt) Dialect() Dialect {
	if s.pg != nil {
		return PostgreSQL
	}
	return MySQL
}

// ParamTypes are the types of the statement's parameters, by position (`$1` first in
// PostgreSQL's dialect): the type of the column each is compared with, or text where
// nothing says. A SELECT's arguments are converted to them before the lookup; a front
// door may announce them (PostgreSQL's ParameterDescription).
func (s *Stmt) ParamTypes() []dataflow.Type {
	if s.pg != nil {
		return s.pg.ParamTypes
	}
	if s.query == nil {
		return nil
	}
	out := make([]dataflow.Type, s.numParams)
	for i := range out {
		if i < len(s.query.ParamTypes) {
			out[i] = s.query.ParamTypes[i]
		} else {
			out[i] = dataflow.Type{Kind: dataflow.KindString, SQL: "VARCHAR", Nullable: true}
		}
	}
	return out
}

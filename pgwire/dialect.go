package pgwire

import (
	"context"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// Dialect plans the statements clients send. It owns the statement text: what a statement
// means, its `$n` parameters and the semantics of its dialect. This package never rewrites
// a statement's text; it hands every statement that is not the session's own (SET, SHOW,
// transaction control, the catalog questions drivers ask) to its Dialect.
type Dialect interface {
	// Prepare plans one statement.
	Prepare(ctx context.Context, sql string) (Statement, error)
}

// Statement is a planned statement, run once per Execute.
type Statement interface {
	// NumParams is the number of parameters the statement takes.
	NumParams() int
	// ParamTypes are the types the statement expects its parameters to have, as far as
	// the statement says; shorter than NumParams when it does not say.
	ParamTypes() []dataflow.Type
	// IsQuery reports a statement that returns rows.
	IsQuery() bool
	// Columns describes the rows of a query.
	Columns() []weir.Column
	// Query runs a query, inside tx when it is not nil.
	Query(ctx context.Context, tx *weir.Tx, args []weir.Value) (weir.Rows, error)
	// Exec runs any other statement, inside tx when it is not nil.
	Exec(ctx context.Context, tx *weir.Tx, args []weir.Value) (weir.Result, error)
}

// EngineDialect plans statements with the engine's own parser (weir.Engine.Prepare): the
// dialect the engine's Prepare accepts, with `?` parameters.
type EngineDialect struct{ E *weir.Engine }

// Prepare implements Dialect.
func (d EngineDialect) Prepare(ctx context.Context, sql string) (Statement, error) {
	st, err := d.E.PrepareContext(ctx, sql)
	if err != nil {
		return nil, err
	}
	return engineStmt{st}, nil
}

type engineStmt struct{ *weir.Stmt }

func (s engineStmt) Query(ctx context.Context, tx *weir.Tx, args []weir.Value) (weir.Rows, error) {
	if tx != nil {
		return tx.Query(ctx, s.SQL(), valuesAsAny(args)...)
	}
	return s.QueryValues(ctx, args...)
}

func (s engineStmt) Exec(ctx context.Context, tx *weir.Tx, args []weir.Value) (weir.Result, error) {
	if tx != nil {
		return tx.Exec(ctx, s.SQL(), valuesAsAny(args)...)
	}
	return s.Stmt.Exec(ctx, valuesAsAny(args)...)
}

func valuesAsAny(args []weir.Value) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}

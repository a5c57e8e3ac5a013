package pgwire

import (
	"context"
	"fmt"
	"strings"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner/pgsql"
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

// PostgresDialect plans statements in PostgreSQL's dialect (weir.Engine.PrepareDialect
// with weir.PostgreSQL): SELECTs with `$n` parameters and PostgreSQL's semantics; every
// other statement is refused with 0A000, as writes and DDL belong to the upstream.
type PostgresDialect struct{ E *weir.Engine }

// Prepare implements Dialect.
func (d PostgresDialect) Prepare(ctx context.Context, sql string) (Statement, error) {
	st, err := d.E.PrepareDialect(ctx, weir.PostgreSQL, sql)
	if err != nil {
		return nil, err
	}
	cols := append([]weir.Column(nil), st.Columns()...)
	for i := range cols {
		cols[i].Type = pgText(cols[i].Type)
	}
	params := append([]dataflow.Type(nil), st.ParamTypes()...)
	for i := range params {
		params[i] = pgText(params[i])
	}
	return pgStmt{st, cols, params}, nil
}

// pgText is the type a client of PostgreSQL's dialect sees for t. The dialect reads text
// as binary strings, so that it compares byte by byte as PostgreSQL's C collation does: a
// text column becomes LONGBLOB and a string literal VARBINARY. Those are text to the
// client; a VARBINARY(n) column is the varchar it mirrors. (A table Weir mirrors from PostgreSQL has no binary column; a LONGBLOB or
// VARBINARY column of Weir's own tables is shown as text in this dialect too.)
func pgText(t dataflow.Type) dataflow.Type {
	if t.Kind != dataflow.KindString {
		return t
	}
	if t.BinaryChar() {
		// A mirrored char(n): character(n) to the client, padded when sent (sendRow).
		return dataflow.Type{Kind: dataflow.KindString, SQL: fmt.Sprintf("CHAR(%d)", t.Precision), Precision: t.Precision, Nullable: t.Nullable}
	}
	base := strings.ToUpper(t.SQL)
	if pgsql.TypeOID(t) == pgsql.OIDVarchar && strings.HasPrefix(base, "VARBINARY(") {
		return dataflow.Type{Kind: dataflow.KindString, SQL: "VARCHAR", Precision: pgsql.VarcharLength(t), Nullable: t.Nullable}
	}
	if base == "LONGBLOB" || strings.HasPrefix(base, "VARBINARY") {
		return dataflow.Type{Kind: dataflow.KindString, SQL: "TEXT", Nullable: t.Nullable}
	}
	return t
}

// pgStmt is a SELECT in PostgreSQL's dialect, with the types its client sees. Its reads
// ignore the transaction: a transaction of this dialect holds no writes to read through,
// and the engine's transactions read statements in MySQL's dialect only.
type pgStmt struct {
	*weir.Stmt
	cols   []weir.Column
	params []dataflow.Type
}

func (s pgStmt) Columns() []weir.Column      { return s.cols }
func (s pgStmt) ParamTypes() []dataflow.Type { return s.params }

func (s pgStmt) Query(ctx context.Context, _ *weir.Tx, args []weir.Value) (weir.Rows, error) {
	return s.QueryValues(ctx, args...)
}

func (s pgStmt) Exec(ctx context.Context, _ *weir.Tx, args []weir.Value) (weir.Result, error) {
	return s.Stmt.Exec(ctx, valuesAsAny(args)...)
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

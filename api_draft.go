package weir

// This file fixes the public API's shape; engine.go implements it.

import (
	"context"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
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
	// Domains is the number of single-threaded domains that run query operators (base tables
	// have their own). Zero picks a default from GOMAXPROCS.
	Domains int
	// ReadTimeout bounds how long a read waits for a token to become visible; zero means 5s.
	ReadTimeout time.Duration
}

// Result reports what a write did.
type Result struct {
	Token        Token
	RowsAffected int64
	LastInsertID uint64
}

// Engine is an open Weir instance.
type Engine struct{ impl *engine }

// View is a registered query.
type View struct{ impl *view }

// Rows is the result of a read.
type Rows struct {
	cols  []Column
	rows  []dataflow.Row
	width int
}

type engine struct{}
type view struct{}

var errTODO = context.Canceled

func Open(opts Options) (*Engine, error) { return nil, errTODO }
func (e *Engine) Close() error           { return nil }
func (e *Engine) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	return Result{}, errTODO
}
func (e *Engine) Register(ctx context.Context, name, sql string) (*View, error) { return nil, errTODO }
func (e *Engine) View(name string) (*View, error)                               { return nil, errTODO }
func (e *Engine) Query(ctx context.Context, sql string, args ...any) (*Rows, error) {
	return nil, errTODO
}
func (e *Engine) TableRows(ctx context.Context, table string) ([]dataflow.Row, error) {
	return nil, errTODO
}
func (v *View) Lookup(ctx context.Context, args ...any) (*Rows, error) { return nil, errTODO }
func (v *View) LookupAfter(ctx context.Context, tok Token, args ...any) (*Rows, error) {
	return nil, errTODO
}
func (v *View) Columns() []Column    { return nil }
func (v *View) NumParams() int       { return 0 }
func (v *View) Name() string         { return "" }
func (v *View) Plan() *planner.Query { return nil }
func (r *Rows) Columns() []Column    { return r.cols }
func (r *Rows) Len() int             { return len(r.rows) }
func (r *Rows) Row(i int) []Value    { return r.rows[i][:r.width] }

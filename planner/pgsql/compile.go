package pgsql

import (
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// Compiled is a SELECT in PostgreSQL's dialect, planned.
type Compiled struct {
	// Query is the plan, with PostgreSQL's semantics (planner.PostgreSQL); its parameters
	// are the `?` markers of the lowered text, which Args fills from the `$n` arguments.
	Query *planner.Query
	// Lowered is the text the planner compiled and its markers.
	Lowered *Lowered
	// ParamTypes are the types of the `$n` parameters (index 0 is `$1`): the type of the
	// column the parameter's first use is compared with, else text.
	ParamTypes []dataflow.Type
}

// unknownParam is the type of a parameter whose uses say nothing of it.
var unknownParam = dataflow.Type{Kind: dataflow.KindString, SQL: "TEXT", Nullable: true}

// Compile lowers sql, a SELECT in PostgreSQL's dialect, and plans it against cat with its
// unqualified names in database db. Every failure is an *Error carrying PostgreSQL's
// SQLSTATE; what Weir cannot compute is 0A000 with the construct named.
func Compile(cat planner.Catalog, db, sql string) (*Compiled, error) {
	l, err := Lower(sql)
	if err != nil {
		return nil, err
	}
	st, err := planner.CompileDialect(cat, db, l.SQL, planner.PostgreSQL)
	if err != nil {
		return nil, fromPlanner(err)
	}
	q := st.(*planner.Select).Query
	for i, isBool := range l.BoolCols {
		if isBool && i < len(q.Cols) && q.Cols[i].Type.Kind == dataflow.KindInt {
			q.Cols[i].Type.SQL = "BOOLEAN"
		}
	}
	types := make([]dataflow.Type, l.NumParams)
	seen := make([]bool, l.NumParams)
	for i := range types {
		types[i] = unknownParam
	}
	for m, p := range l.Markers {
		if !seen[p] && m < len(q.ParamTypes) {
			types[p], seen[p] = q.ParamTypes[m], true
		}
	}
	return &Compiled{Query: q, Lowered: l, ParamTypes: types}, nil
}

// Args orders the `$n` arguments (args[0] is `$1`) as the lowered text's markers take them.
// It reports false when there are fewer arguments than the statement's parameters.
func (c *Compiled) Args(dst, args []dataflow.Value) ([]dataflow.Value, bool) {
	if len(args) != c.Lowered.NumParams {
		return dst, false
	}
	for _, p := range c.Lowered.Markers {
		dst = append(dst, args[p])
	}
	return dst, true
}

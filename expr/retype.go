package expr

import "github.com/weirdb/weir/dataflow"

// retyped is an expression whose values are another's, announced with another type of the
// same kind: a dialect whose typing rules differ from MySQL's only in the width it announces
// (PostgreSQL's int4 arithmetic over int4 operands, where MySQL's is BIGINT) keeps MySQL's
// evaluation and changes the type clients are told.
type retyped struct {
	e Expr
	t dataflow.Type
}

// NewRetyped is e with its type's SQL spelling, precision and scale taken from t; its values,
// kind and nullability stay e's. It is e itself when t's kind is not e's.
func NewRetyped(e Expr, t dataflow.Type) Expr {
	et := e.Type()
	if t.Kind != et.Kind {
		return e
	}
	t.Nullable, t.Unsigned = et.Nullable, et.Unsigned
	if r, ok := e.(*retyped); ok {
		e = r.e
	}
	return &retyped{e: e, t: t}
}

func (r *retyped) Eval(row dataflow.Row) dataflow.Value { return r.e.Eval(row) }
func (r *retyped) Type() dataflow.Type                  { return r.t }

// String tells a retyped expression from e: plans are shared by it, and a shared column
// carries one type.
func (r *retyped) String() string              { return "RETYPE(" + r.e.String() + " AS " + r.t.SQL + ")" }
func (r *retyped) children() []Expr            { return []Expr{r.e} }
func (r *retyped) withChildren(ch []Expr) Expr { return NewRetyped(ch[0], r.t) }

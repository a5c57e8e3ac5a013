package reference

import (
	"fmt"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Small expressions for hand-built plans, so these tests do not depend on how package expr
// builds its trees.

type colExpr int

func (c colExpr) Eval(r dataflow.Row) dataflow.Value { return r[c] }
func (c colExpr) Type() dataflow.Type                { return dataflow.Type{} }
func (c colExpr) String() string                     { return fmt.Sprintf("#%d", int(c)) }

type constExpr struct{ v dataflow.Value }

func (c constExpr) Eval(dataflow.Row) dataflow.Value { return c.v }
func (c constExpr) Type() dataflow.Type              { return dataflow.Type{Kind: c.v.Kind()} }
func (c constExpr) String() string                   { return c.v.String() }

// cmpExpr is a SQL comparison: NULL when either side is NULL.
type cmpExpr struct {
	op   string
	a, b expr.Expr
}

func (c cmpExpr) Eval(r dataflow.Row) dataflow.Value {
	a, b := c.a.Eval(r), c.b.Eval(r)
	if a.IsNull() || b.IsNull() {
		return dataflow.Null
	}
	x := dataflow.Compare(a, b)
	switch c.op {
	case "=":
		return dataflow.Bool(x == 0)
	case "<":
		return dataflow.Bool(x < 0)
	case ">":
		return dataflow.Bool(x > 0)
	}
	return dataflow.Null
}
func (c cmpExpr) Type() dataflow.Type { return dataflow.Type{Kind: dataflow.KindInt} }
func (c cmpExpr) String() string      { return c.a.String() + c.op + c.b.String() }

// addExpr adds two integers, NULL-propagating.
type addExpr struct{ a, b expr.Expr }

func (e addExpr) Eval(r dataflow.Row) dataflow.Value {
	a, b := e.a.Eval(r), e.b.Eval(r)
	if a.IsNull() || b.IsNull() {
		return dataflow.Null
	}
	x, _ := a.ToInt()
	y, _ := b.ToInt()
	return dataflow.Int(x + y)
}
func (e addExpr) Type() dataflow.Type { return dataflow.Type{Kind: dataflow.KindInt} }
func (e addExpr) String() string      { return e.a.String() + "+" + e.b.String() }

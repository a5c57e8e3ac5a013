package expr

import "github.com/weirdb/weir/dataflow"

// Expr is a compiled scalar expression over the columns of one input row. Implementations are
// immutable and safe to share between goroutines.
type Expr interface {
	// Eval computes the expression over row with MySQL semantics (three-valued logic, NULL
	// propagation, implicit conversions). It never panics on any row of the input schema.
	Eval(row dataflow.Row) dataflow.Value
	// Type is the static result type.
	Type() dataflow.Type
	// String is a canonical rendering; two expressions with the same String compute the same
	// function of the row, so plans can be compared and shared by it.
	String() string
}

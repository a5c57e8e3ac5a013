package operators

import "github.com/weirdb/weir/expr"

// The aggregate descriptions live in package expr, where the planner and the operators
// both find them without the planner depending on the operators' runtime.
type (
	AggFunc = expr.AggFunc
	AggSpec = expr.AggSpec
)

// The aggregate functions (see expr.AggFunc).
const (
	AggCountStar   = expr.AggCountStar
	AggCount       = expr.AggCount
	AggSum         = expr.AggSum
	AggAvg         = expr.AggAvg
	AggMin         = expr.AggMin
	AggMax         = expr.AggMax
	AggGroupConcat = expr.AggGroupConcat
	AggJSONArray   = expr.AggJSONArray
	AggJSONObject  = expr.AggJSONObject
)

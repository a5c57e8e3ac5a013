package expr

import "github.com/weirdb/weir/dataflow"

// AggFunc names an aggregate function.
type AggFunc uint8

const (
	AggCountStar AggFunc = iota
	AggCount
	AggSum
	AggAvg
	AggMin
	AggMax
	AggGroupConcat
)

// AggSpec is one aggregate over an input column position (Arg, unused for COUNT(*)).
type AggSpec struct {
	Func     AggFunc
	Arg      int
	Distinct bool
	// GROUP_CONCAT: separator and the order of the concatenated values (by value).
	Separator string
	OrderDesc bool
	// MaxLen caps a GROUP_CONCAT result in bytes, as MySQL's group_concat_max_len does (1024
	// by default there); 0 means no cap.
	MaxLen int
	// Type is the result type. For SUM and AVG it also decides the arithmetic: DECIMAL (or an
	// integer kind) computes exactly at its scale, anything else, including an unset type, in
	// DOUBLE. SumType and AvgType give MySQL's result types.
	Type dataflow.Type
}

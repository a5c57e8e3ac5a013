package operators

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
	Type      dataflow.Type // result type
}

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
	// AggJSONArray is JSON_ARRAYAGG: every value of the group, NULLs included (as null), as
	// one JSON array.
	AggJSONArray
	// AggJSONObject is JSON_OBJECTAGG: one member per row, its argument the member's text
	// (`"key":value`, see JSONMember), NULL for a row whose key is NULL, which is skipped.
	AggJSONObject
)

// AggSpec is one aggregate over an input column position (Arg, unused for COUNT(*)).
type AggSpec struct {
	Func     AggFunc
	Arg      int
	Distinct bool
	// GROUP_CONCAT and JSON_ARRAYAGG: separator and the order of the concatenated values
	// (by value).
	Separator string
	OrderDesc bool
	// ArgJSON says JSON_ARRAYAGG's argument is a JSON document, embedded as it is rather
	// than as a quoted string.
	ArgJSON bool
	// OrderByArg says JSON_ARRAYAGG's ORDER BY is another expression than the value: input
	// column OrderArg, values that tie there ordered by value.
	OrderByArg bool
	OrderArg   int
	// HasLimit, Limit and Offset are JSON_ARRAYAGG's LIMIT clause: at most Limit elements
	// after skipping Offset, in the order of the aggregate.
	HasLimit      bool
	Limit, Offset int
	// MaxLen caps a GROUP_CONCAT result in bytes, as MySQL's group_concat_max_len does (1024
	// by default there); 0 means no cap.
	MaxLen int
	// Type is the result type. For SUM and AVG it also decides the arithmetic: DECIMAL (or an
	// integer kind) computes exactly at its scale, anything else, including an unset type, in
	// DOUBLE. SumType and AvgType give MySQL's result types.
	Type dataflow.Type
}

package operators

import (
	"strconv"

	"github.com/weirdb/weir/dataflow"
)

// Union is UNION ALL: it passes the deltas of every parent through unchanged. All parents
// have the same arity. UNION DISTINCT is a Distinct over a Union.
type Union struct {
	inputs int
	// pending holds the replay requests collecting their pieces (see MergePiece).
	pending map[uint64]*unionPending
}

// NewUnion returns a union of the given number of parents.
func NewUnion(inputs int) *Union { return &Union{inputs: max(inputs, 0)} }

// Process passes the batch on. Operators never modify a batch they are given, so the input
// slice can be returned as is; a batch from a parent the union does not have is dropped.
func (u *Union) Process(from int, in dataflow.Batch) dataflow.Batch {
	if from < 0 || from >= u.inputs {
		return nil
	}
	if len(u.pending) > 0 {
		u.collect(from, in)
	}
	return in
}

// Snapshot concatenates the parents' rows.
func (u *Union) Snapshot(parent func(int) []dataflow.Row) []dataflow.Row {
	var out []dataflow.Row
	for i := 0; i < u.inputs; i++ {
		out = append(out, parent(i)...)
	}
	return out
}

// Describe names the operator and its number of inputs, e.g. "union(2)".
// Origins: each output column is the same column of every input.
func (u *Union) Origins(col int) []dataflow.ColumnOrigin {
	out := make([]dataflow.ColumnOrigin, u.inputs)
	for i := range out {
		out[i] = dataflow.ColumnOrigin{Slot: i, Col: col}
	}
	return out
}

// Stateless marks the union as keeping no rows (pieces of a replay collect here only
// until the last one arrives).
func (u *Union) Stateless() {}

func (u *Union) Describe() string { return "union(" + strconv.Itoa(u.inputs) + ")" }

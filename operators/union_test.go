package operators

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

func TestUnionIncremental(t *testing.T) {
	rows := genRow(genValue(dataflow.Null, dataflow.Int(1), dataflow.String("a"), dataflow.String("A")))
	ref := func(in propInputs) []dataflow.Row {
		var out []dataflow.Row
		for _, p := range in {
			out = append(out, p...)
		}
		return out
	}
	rapid.Check(t, func(t *rapid.T) {
		gens := []*rapid.Generator[dataflow.Row]{rows, rows, rows}
		checkIncremental(t, NewUnion(3), gens, ref)
	})
}

func TestUnionUnknownParent(t *testing.T) {
	u := NewUnion(2)
	for _, from := range []int{-1, 2} {
		if out := u.Process(from, batchOf(t, "+[1]")); out != nil {
			t.Errorf("from %d: got %v", from, fmtBatch(out))
		}
	}
}

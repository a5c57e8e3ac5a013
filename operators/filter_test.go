package operators

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

func TestFilterIncremental(t *testing.T) {
	rows := genRow(
		genValue(dataflow.Int(1), dataflow.String("x")),
		genValue(dataflow.Null, dataflow.Int(0), dataflow.Int(1), dataflow.Int(2), dataflow.Float(1.5), dataflow.String("3")),
	)
	ref := func(in propInputs) []dataflow.Row {
		var out []dataflow.Row
		for _, r := range in[0] {
			if f, ok := r[1].ToFloat(); ok && f > 1 {
				out = append(out, r)
			}
		}
		return out
	}
	rapid.Check(t, func(t *rapid.T) {
		checkIncremental(t, NewFilter(tCmp{col: 1, op: ">", v: dataflow.Int(1)}), []*rapid.Generator[dataflow.Row]{rows}, ref)
	})
}

func TestFilterNilPredicate(t *testing.T) {
	f := NewFilter(nil)
	if out := f.Process(0, batchOf(t, "+[1]")); out != nil {
		t.Fatalf("got %v", fmtBatch(out))
	}
	if s := f.Snapshot(func(int) []dataflow.Row { return []dataflow.Row{{dataflow.Int(1)}} }); s != nil {
		t.Fatalf("snapshot %v", s)
	}
	if d := f.Describe(); d != "filter(NULL)" {
		t.Fatalf("Describe() = %q", d)
	}
}

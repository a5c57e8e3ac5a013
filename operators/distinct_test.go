package operators

import (
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

// refDistinct is DISTINCT from scratch: rows grouped by SQL equality on every column, each
// group shown by its smallest exact variant.
func refDistinct(in propInputs) []dataflow.Row {
	if len(in[0]) == 0 {
		return nil
	}
	cols := make([]int, len(in[0][0]))
	for i := range cols {
		cols[i] = i
	}
	var out []dataflow.Row
	for _, g := range refGroups(in[0], cols) {
		out = append(out, slices.MinFunc(g, refRowCompare))
	}
	return out
}

func TestDistinctIncremental(t *testing.T) {
	rows := genRow(
		genValue(dataflow.Null, dataflow.String("a"), dataflow.String("A"), dataflow.String("a "), dataflow.String("b")),
		genValue(dataflow.Int(1), dataflow.Int(2), dataflow.Float(1)),
	)
	rapid.Check(t, func(t *rapid.T) {
		checkIncremental(t, NewDistinct(), []*rapid.Generator[dataflow.Row]{rows}, refDistinct)
	})
}

// TestVariantsManyVariants keeps many collation-equal variants of one key alive at once.
func TestVariantsManyVariants(t *testing.T) {
	var v variants
	words := []string{"abc", "ABC", "aBc", "Abc", "abC", "ABc", "aBC", "AbC"}
	for _, w := range words {
		v.add(dataflow.Row{dataflow.String(w)}, nil)
		v.add(dataflow.Row{dataflow.String(w)}, nil)
	}
	for i, w := range words {
		if got := v.current()[0].RawString(); got != slices.Min(words[i:]) {
			t.Fatalf("representative %q, want %q", got, slices.Min(words[i:]))
		}
		for range 2 {
			if !v.remove(dataflow.Row{dataflow.String(w)}, nil) {
				t.Fatalf("remove %q failed", w)
			}
		}
		if v.remove(dataflow.Row{dataflow.String(w)}, nil) {
			t.Fatalf("removed %q a third time", w)
		}
	}
	if v.n != 0 {
		t.Fatalf("n = %d after removing everything", v.n)
	}
}

package operators

import (
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

// TestBagMatchesSortedList checks the counted bag against a plain sorted list through
// growth into a B-tree and shrinkage back, with duplicates and removals of absent values.
func TestBagMatchesSortedList(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var b valueBag
		var ref []dataflow.Value
		domain := rapid.IntRange(1, 3*bagSmallMax).Draw(t, "domain")
		for i := rapid.IntRange(0, 6*bagSmallMax).Draw(t, "ops"); i > 0; i-- {
			v := dataflow.Int(int64(rapid.IntRange(0, domain).Draw(t, "v")))
			if rapid.IntRange(0, 2).Draw(t, "op") == 0 {
				k := slices.IndexFunc(ref, func(x dataflow.Value) bool { return dataflow.Identical(x, v) })
				if got := b.remove(v, compareValuesTotal); got != (k >= 0) {
					t.Fatalf("remove(%v) = %v, present %v", v, got, k >= 0)
				}
				if k >= 0 {
					ref = slices.Delete(ref, k, k+1)
				}
			} else {
				b.add(v, compareValuesTotal)
				ref = append(ref, v)
			}
		}
		slices.SortFunc(ref, compareValuesTotal)
		var got []dataflow.Value
		b.ascend(func(v dataflow.Value, n int64) bool {
			for ; n > 0; n-- {
				got = append(got, v)
			}
			return true
		})
		if !slices.EqualFunc(got, ref, dataflow.Identical) {
			t.Fatalf("ascend = %v, want %v", got, ref)
		}
		var down []dataflow.Value
		b.descend(func(v dataflow.Value, n int64) bool {
			for ; n > 0; n-- {
				down = append(down, v)
			}
			return true
		})
		slices.Reverse(down)
		if !slices.EqualFunc(down, ref, dataflow.Identical) {
			t.Fatalf("descend = %v, want reverse of %v", down, ref)
		}
		if b.total != int64(len(ref)) || b.empty() != (len(ref) == 0) {
			t.Fatalf("total %d, want %d", b.total, len(ref))
		}
		lo, hi := extremum(&b, false), extremum(&b, true)
		if len(ref) == 0 {
			if !lo.IsNull() || !hi.IsNull() {
				t.Fatalf("extremes of an empty bag: %v %v", lo, hi)
			}
			return
		}
		if !dataflow.Identical(lo, ref[0]) || !dataflow.Identical(hi, ref[len(ref)-1]) {
			t.Fatalf("extremes %v %v, want %v %v", lo, hi, ref[0], ref[len(ref)-1])
		}
	})
}

// TestCompareValuesTotal checks that the bag order is a total order that calls two values
// equal exactly when dataflow.Identical does.
func TestCompareValuesTotal(t *testing.T) {
	vals := []dataflow.Value{
		dataflow.Null, dataflow.Int(1), dataflow.Uint(1), dataflow.Decimal(10, 1), dataflow.Float(1),
		dataflow.Int(-1), dataflow.Float(math.Copysign(0, -1)), dataflow.Float(0), dataflow.Int(0),
		dataflow.Decimal(15, 1), dataflow.Float(1.5), dataflow.Uint(math.MaxUint64), dataflow.Decimal(100, 2),
		dataflow.Decimal(-5, 1), dataflow.Decimal(150, 2),
		dataflow.String("a"), dataflow.String("A"), dataflow.String("a "), dataflow.String("b"),
		dataflow.String("é"), dataflow.String("É"),
	}
	for _, a := range vals {
		for _, b := range vals {
			c := compareValuesTotal(a, b)
			if (c == 0) != dataflow.Identical(a, b) {
				t.Errorf("compare(%v, %v) = %d but Identical = %v", a, b, c, dataflow.Identical(a, b))
			}
			if r := compareValuesTotal(b, a); sgn(r) != -sgn(c) {
				t.Errorf("compare(%v, %v) = %d but compare(%v, %v) = %d", a, b, c, b, a, r)
			}
			for _, x := range vals {
				if c <= 0 && compareValuesTotal(b, x) <= 0 && compareValuesTotal(a, x) > 0 {
					t.Errorf("not transitive: %v <= %v <= %v but %v > %v", a, b, x, a, x)
				}
			}
		}
	}
}

func sgn(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

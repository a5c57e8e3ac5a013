package operators

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

func sortedTexts(rows []dataflow.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.String()
	}
	slices.Sort(out)
	return out
}

// checkLookupOutput compares LookupOutput with the rows of Snapshot whose columns equal the
// key, for every non-NULL key over a small domain (a NULL key is never looked up: it
// matches nothing).
func checkLookupOutput(t *testing.T, op interface {
	dataflow.Operator
	dataflow.OutputIndex
}, cols []int, domain []dataflow.Value) {
	t.Helper()
	if !op.KeyedBy(cols) {
		t.Fatalf("%s not keyed by %v", op.Describe(), cols)
	}
	all := op.Snapshot(nil)
	var keys []dataflow.Row
	var gen func(prefix dataflow.Row)
	gen = func(prefix dataflow.Row) {
		if len(prefix) == len(cols) {
			keys = append(keys, slices.Clone(prefix))
			return
		}
		for _, v := range domain {
			if !v.IsNull() {
				gen(append(prefix, v))
			}
		}
	}
	gen(nil)
	for _, key := range keys {
		got := sortedTexts(op.LookupOutput(cols, key))
		want := sortedTexts(filterByKey(all, cols, key))
		if !slices.Equal(got, want) {
			t.Fatalf("%s LookupOutput(%v, %v) = %v, want %v", op.Describe(), cols, key, got, want)
		}
	}
}

// TestLookupOutputMatchesSnapshot: a replay's source rows for a key are exactly the
// operator's current output rows with that key, for joins (by either side's key, with extra
// key columns) and aggregates (by the group, in any order).
func TestLookupOutputMatchesSnapshot(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	domain := []dataflow.Value{dataflow.Null, dataflow.Int(0), dataflow.Int(1), dataflow.Int(2)}
	row := func(n int) dataflow.Row {
		r := make(dataflow.Row, n)
		for i := range r {
			r[i] = domain[rng.IntN(len(domain))]
		}
		return r
	}
	for round := 0; round < 20; round++ {
		for _, kind := range []JoinKind{JoinInner, JoinLeft} {
			j := NewJoin(kind, []int{0}, []int{1}, 2, 2)
			var l, r dataflow.Batch
			for i := 0; i < 12; i++ {
				l = append(l, dataflow.Record{Row: row(2)})
				r = append(r, dataflow.Record{Row: row(2)})
			}
			j.Process(0, l)
			j.Process(1, r)
			for _, cols := range [][]int{{0}, {3}, {0, 1}, {1, 0}} {
				t.Run(fmt.Sprint(kind, cols), func(t *testing.T) { checkLookupOutput(t, j, cols, domain) })
			}
			if j.KeyedBy([]int{1}) {
				t.Fatal("a join keyed by a non-key column")
			}
		}
		a := NewAggregate([]int{1, 0}, []AggSpec{{Func: AggCountStar}, {Func: AggMax, Arg: 2}})
		var in dataflow.Batch
		for i := 0; i < 20; i++ {
			in = append(in, dataflow.Record{Row: row(3)})
		}
		a.Process(0, in)
		for _, cols := range [][]int{{0, 1}, {1, 0}, {0, 1, 2}} {
			checkLookupOutput(t, a, cols, domain)
		}
		if a.KeyedBy([]int{0}) {
			t.Fatal("an aggregate keyed by part of its group")
		}
		tk := NewTopK([]int{1}, []dataflow.SortKey{{Col: 2, Desc: true}}, 2, 1)
		tk.Process(0, in)
		for _, cols := range [][]int{{1}, {1, 0}} {
			checkLookupOutput(t, tk, cols, domain)
		}
	}
}

package reference

import (
	"flag"
	"os"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// Invariants the oracle must keep on any input, checked over random tables with small
// domains (so keys collide), NULLs and strings equal under the collation.

var (
	propScan = &planner.Scan{Table: "r", Cols: cols("r", tInt, tInt, tStr)}
	propVals = []dataflow.Value{N, I(0), I(1), I(2)}
	propStrs = []dataflow.Value{N, S("a"), S("A"), S("b "), S("B")}
)

func genTable(t *rapid.T) []dataflow.Row {
	n := rapid.IntRange(0, 12).Draw(t, "rows")
	rows := make([]dataflow.Row, n)
	for i := range rows {
		rows[i] = dataflow.Row{
			rapid.SampledFrom(propVals).Draw(t, "g"),
			rapid.SampledFrom(propVals).Draw(t, "v"),
			rapid.SampledFrom(propStrs).Draw(t, "s"),
		}
	}
	return rows
}

func evalOn(t *rapid.T, rows []dataflow.Row, p planner.Plan) []dataflow.Row {
	out, err := EvalPlan(p, func(string) []dataflow.Row { return rows })
	if err != nil {
		t.Fatalf("EvalPlan: %v", err)
	}
	return out
}

func keyOf(r dataflow.Row, cols ...int) string { return string(dataflow.AppendRowKey(nil, r, cols)) }

func TestPropGroupsPartitionTheInput(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		rows := genTable(rt)
		col := rapid.IntRange(0, 2).Draw(rt, "col")
		out := evalOn(rt, rows, &planner.Aggregate{
			Input: propScan, GroupBy: []int{col},
			Aggs: []planner.AggSpec{agg(operators.AggCountStar, 0), agg(operators.AggCount, 1)},
			Cols: aggCols(3),
		})
		groups := map[string]int{}
		for _, r := range rows {
			groups[keyOf(r, col)]++
		}
		if len(out) != len(groups) {
			rt.Fatalf("%d groups, want %d", len(out), len(groups))
		}
		for _, r := range out {
			if got, want := r[1].RawInt(), int64(groups[keyOf(r, 0)]); got != want {
				rt.Fatalf("group %v counts %d rows, want %d", r[0], got, want)
			}
			if r[2].RawInt() > r[1].RawInt() {
				rt.Fatalf("COUNT(v) %v exceeds COUNT(*) %v", r[2], r[1])
			}
		}
	})
}

func TestPropDistinctKeepsOneRowPerKey(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		rows := genTable(rt)
		out := evalOn(rt, rows, &planner.Distinct{Input: propScan})
		seen := map[string]bool{}
		for _, r := range out {
			k := keyOf(r, 0, 1, 2)
			if seen[k] {
				rt.Fatalf("row %v twice", r)
			}
			seen[k] = true
		}
		for _, r := range rows {
			if !seen[keyOf(r, 0, 1, 2)] {
				rt.Fatalf("row %v lost", r)
			}
		}
	})
}

func TestPropLeftJoinPreservesEveryLeftRow(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		rows := genTable(rt)
		col := rapid.IntRange(0, 2).Draw(rt, "col")
		out := evalOn(rt, rows, &planner.Join{Left: propScan, Right: propScan, Kind: planner.LeftJoin, LeftKeys: []int{col}, RightKeys: []int{col}})
		want := 0
		for _, l := range rows {
			m := 0
			for _, r := range rows {
				if !l[col].IsNull() && !r[col].IsNull() && dataflow.Compare(l[col], r[col]) == 0 {
					m++
				}
			}
			want += max(1, m)
		}
		if len(out) != want {
			rt.Fatalf("%d rows, want %d", len(out), want)
		}
	})
}

func TestPropTopKKeepsTheWindow(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		rows := genTable(rt)
		limit := rapid.IntRange(0, 3).Draw(rt, "limit")
		offset := rapid.IntRange(0, 2).Draw(rt, "offset")
		order := []dataflow.SortKey{{Col: 1, Desc: rapid.Bool().Draw(rt, "desc")}}
		out := evalOn(rt, rows, &planner.TopK{Input: propScan, GroupBy: []int{0}, Order: order, Limit: limit, Offset: offset})
		sizes, kept := map[string]int{}, map[string][]dataflow.Row{}
		for _, r := range rows {
			sizes[keyOf(r, 0)]++
		}
		for _, r := range out {
			kept[keyOf(r, 0)] = append(kept[keyOf(r, 0)], r)
		}
		for k, n := range sizes {
			if got, want := len(kept[k]), min(limit, max(0, n-offset)); got != want {
				rt.Fatalf("group keeps %d rows, want %d", got, want)
			}
		}
		// Every kept row sorts before every row of its group that was cut after the window.
		for _, r := range rows {
			k := keyOf(r, 0)
			in := false
			for _, o := range kept[k] {
				in = in || dataflow.IdenticalRows(o, r)
			}
			if in || len(kept[k]) == 0 {
				continue
			}
			below := 0
			for _, o := range rows {
				if keyOf(o, 0) == k && dataflow.CompareRowsTotal(o, r, order) < 0 {
					below++
				}
			}
			if below < offset+len(kept[k]) && below >= offset {
				rt.Fatalf("row %v (rank %d) was cut from a window of %d after %d", r, below, limit, offset)
			}
		}
	})
}

func TestPropInIsTheUnionOfItsKeys(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		rows := genTable(rt)
		tables := func(string) []dataflow.Row { return rows }
		q := &planner.Query{Root: propScan, Cols: propScan.Cols, KeyCols: []int{2}, NumParams: 2, Limit: -1,
			Lookups: [][]planner.KeySource{{param(0)}, {param(1)}}}
		one := &planner.Query{Root: propScan, Cols: propScan.Cols, KeyCols: []int{2}, NumParams: 1, Limit: -1,
			Lookups: [][]planner.KeySource{{param(0)}}}
		a := rapid.SampledFrom(propStrs).Draw(rt, "a")
		b := rapid.SampledFrom(propStrs).Draw(rt, "b")
		both, err := Eval(q, tables, []dataflow.Value{a, b})
		if err != nil {
			rt.Fatal(err)
		}
		ra, _ := Eval(one, tables, []dataflow.Value{a})
		rb, _ := Eval(one, tables, []dataflow.Value{b})
		want := len(ra) + len(rb)
		if !a.IsNull() && !b.IsNull() && dataflow.Compare(a, b) == 0 {
			want = len(ra)
		}
		if len(both) != want {
			rt.Fatalf("IN (%v, %v) gives %d rows, the keys %d and %d", a, b, len(both), len(ra), len(rb))
		}
	})
}

// TestMain keeps rapid from writing fail files into the source tree (testdata/rapid); a
// failure prints the seed that reproduces it.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.nofailfile" })
	if _, ok := os.LookupEnv("RAPID_NOFAILFILE"); !ok && !set {
		if err := flag.Set("rapid.nofailfile", "true"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

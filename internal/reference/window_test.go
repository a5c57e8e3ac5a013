package reference

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// TestWindowByHand checks window functions against results worked out by hand over a
// partition with ties, NULLs and a NULL partition.
func TestWindowByHand(t *testing.T) {
	scan := &planner.Scan{Table: "w", Cols: cols("w", tInt, tInt, tInt)} // (dept, x, id)
	tables := func(string) []dataflow.Row {
		return []dataflow.Row{
			rowf(I(1), I(10), I(1)), rowf(I(1), I(20), I(2)), rowf(I(1), I(20), I(3)),
			rowf(I(1), N, I(4)), rowf(N, I(5), I(5)), rowf(N, I(7), I(6)),
		}
	}
	rows := func(k expr.FrameBoundKind, n int64) expr.FrameBound { return expr.FrameBound{Kind: k, N: n} }
	funcs := []expr.WindowFunc{
		{Kind: expr.WinRowNumber},
		{Kind: expr.WinRank},
		{Kind: expr.WinDenseRank},
		{Kind: expr.WinLag, Arg: 2, Offset: 1, Default: -1},
		{Kind: expr.WinLead, Arg: 1, Offset: 2, Default: 2},
		{Kind: expr.WinAgg, Agg: expr.AggSpec{Func: expr.AggSum, Arg: 1, Type: dataflow.Type{Kind: dataflow.KindDecimal, Precision: 32}}, Frame: expr.DefaultFrame},
		{Kind: expr.WinAgg, Agg: expr.AggSpec{Func: expr.AggCountStar}, Frame: expr.WindowFrame{Rows: true, Start: rows(expr.Preceding, 1), End: rows(expr.Following, 1)}},
		{Kind: expr.WinAgg, Agg: expr.AggSpec{Func: expr.AggMax, Arg: 2}, Frame: expr.WindowFrame{Rows: true, Start: rows(expr.Following, 1), End: rows(expr.UnboundedFollowing, 0)}},
	}
	w := &planner.Window{Input: scan, Partition: []int{0}, Order: []dataflow.SortKey{{Col: 1}}, Funcs: funcs,
		Cols: append(slices.Clone(scan.Cols), cols("f", tInt, tInt, tInt, tInt, tInt, tDec, tInt, tInt)...)}
	got, err := EvalPlan(w, tables)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range got {
		var parts []string
		for _, v := range r {
			parts = append(parts, v.ToText())
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	slices.Sort(lines)
	// dept 1 in order: (NULL,4) (10,1) (20,2) (20,3); NULLs sort first. dept NULL: (5,5) (7,6).
	want := []string{
		"1 10 1 2 2 2 4 20 10 3 3",
		"1 20 2 3 3 3 1 2 50 3 3",
		"1 20 3 4 3 3 2 3 50 2 NULL",
		"1 NULL 4 1 1 1 NULL 20 NULL 2 3",
		"NULL 5 5 1 1 1 NULL 5 5 2 6",
		"NULL 7 6 2 2 2 5 6 12 2 NULL",
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestWindowInvalidPlans(t *testing.T) {
	scan := &planner.Scan{Table: "w", Cols: cols("w", tInt)}
	for _, w := range []*planner.Window{
		{Input: scan, Partition: []int{3}},
		{Input: scan, Order: []dataflow.SortKey{{Col: 1}}},
		{Input: scan, Funcs: []expr.WindowFunc{{Kind: expr.WinLag, Arg: 4, Default: -1}}},
		{Input: scan, Funcs: []expr.WindowFunc{{Kind: expr.WinLead, Arg: 0, Offset: -1, Default: -1}}},
		{Input: scan, Funcs: []expr.WindowFunc{{Kind: expr.WinAgg, Agg: expr.AggSpec{Func: expr.AggSum, Arg: 2}}}},
	} {
		w.Cols = append(slices.Clone(scan.Cols), cols("f", tInt)...)[:1+len(w.Funcs)]
		if _, err := EvalPlan(w, func(string) []dataflow.Row { return []dataflow.Row{rowf(I(1))} }); !errors.Is(err, ErrInvalidPlan) {
			t.Errorf("%+v: err %v, want ErrInvalidPlan", w, err)
		}
	}
}

package reference

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

var (
	tInt   = dataflow.Type{Kind: dataflow.KindInt, Nullable: true}
	tUint  = dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, Nullable: true}
	tDec   = dataflow.Type{Kind: dataflow.KindDecimal, Precision: 8, Scale: 2, Nullable: true}
	tFloat = dataflow.Type{Kind: dataflow.KindFloat, Nullable: true}
	tStr   = dataflow.Type{Kind: dataflow.KindString, Precision: 16, Nullable: true}
)

func cols(table string, types ...dataflow.Type) []dataflow.Column {
	out := make([]dataflow.Column, len(types))
	for i, t := range types {
		out[i] = dataflow.Column{Table: table, Name: string(rune('a' + i)), Type: t}
	}
	return out
}

var (
	I    = dataflow.Int
	S    = dataflow.String
	F    = dataflow.Float
	N    = dataflow.Null
	D    = dataflow.Decimal
	rowf = func(vs ...dataflow.Value) dataflow.Row { return vs }
)

// Fixture tables. t has mixed-case strings that are equal under the collation, u a DOUBLE
// column whose values equal some of t's decimals.
var (
	scanT = &planner.Scan{Table: "t", Cols: cols("t", tInt, tStr, tDec)}
	scanU = &planner.Scan{Table: "u", Cols: cols("u", tInt, tFloat)}
	scanE = &planner.Scan{Table: "e", Cols: cols("e", tInt)}
	scanR = &planner.Scan{Table: "r", Cols: cols("r", tInt, tDec)}
	scanG = &planner.Scan{Table: "g", Cols: cols("g", tInt, tInt)}
	scanH = &planner.Scan{Table: "h", Cols: cols("h", tInt)}
	scanB = &planner.Scan{Table: "big", Cols: cols("big", tUint)}
	scanO = &planner.Scan{Table: "over", Cols: cols("over", tUint)}
)

func fixtures() map[string][]dataflow.Row {
	h := []dataflow.Row{rowf(I(1)), rowf(I(-1))}
	for range 31 {
		h = append(h, rowf(I(0)))
	}
	return map[string][]dataflow.Row{
		"t": {
			rowf(I(1), S("x"), D(150, 2)),
			rowf(I(1), S("X"), D(225, 2)),
			rowf(I(2), S("y"), N),
			rowf(N, S("z"), D(10, 2)),
			rowf(I(3), N, D(-125, 2)),
		},
		"u": {
			rowf(I(1), F(0.5)),
			rowf(I(1), F(1.5)),
			rowf(N, F(2)),
			rowf(I(4), F(3)),
		},
		"r": {
			rowf(I(1), D(-1, 2)),
			rowf(I(2), D(-1, 2)),
			rowf(I(2), D(0, 2)),
		},
		"g": {
			rowf(I(1), I(5)),
			rowf(I(1), I(5)),
			rowf(I(1), I(3)),
			rowf(I(1), I(7)),
			rowf(I(2), I(1)),
			rowf(N, N),
			rowf(N, I(2)),
		},
		"h":    h,
		"big":  {rowf(dataflow.Uint(1 << 63)), rowf(dataflow.Uint(1))},
		"over": {rowf(dataflow.Uint(1 << 63)), rowf(dataflow.Uint(1 << 63))},
	}
}

func tablesOf(m map[string][]dataflow.Row) func(string) []dataflow.Row {
	return func(name string) []dataflow.Row { return m[name] }
}

// render writes a row with each value's kind visible: 2 (INT), 2u (UNSIGNED), 2f (DOUBLE),
// 2.00d (DECIMAL), 'x' (string), NULL.
func render(r dataflow.Row) string {
	parts := make([]string, len(r))
	for i, v := range r {
		switch v.Kind() {
		case dataflow.KindUint:
			parts[i] = v.ToText() + "u"
		case dataflow.KindFloat:
			parts[i] = v.ToText() + "f"
		case dataflow.KindDecimal:
			parts[i] = v.ToText() + "d"
		case dataflow.KindString:
			parts[i] = "'" + v.RawString() + "'"
		default:
			parts[i] = v.ToText()
		}
	}
	return strings.Join(parts, " ")
}

func renderAll(rows []dataflow.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = render(r)
	}
	return out
}

func agg(f operators.AggFunc, arg int) planner.AggSpec {
	return planner.AggSpec{Func: f, Arg: arg, Separator: ","}
}

func aggCols(n int) []dataflow.Column {
	out := make([]dataflow.Column, n)
	for i := range out {
		out[i] = dataflow.Column{Name: "c", Type: tStr}
	}
	return out
}

func TestEvalPlan(t *testing.T) {
	projB := &planner.Project{Input: scanT, Exprs: []expr.Expr{colExpr(1)}, Cols: cols("", tStr)}
	cases := []struct {
		name string
		plan planner.Plan
		want []string // as a multiset
	}{
		{
			name: "scan",
			plan: scanT,
			want: []string{"1 'x' 1.50d", "1 'X' 2.25d", "2 'y' NULL", "NULL 'z' 0.10d", "3 NULL -1.25d"},
		},
		{
			name: "filter drops false and unknown",
			plan: &planner.Filter{Input: scanT, Pred: cmpExpr{">", colExpr(0), constExpr{I(1)}}},
			want: []string{"2 'y' NULL", "3 NULL -1.25d"},
		},
		{
			name: "filter compares strings under the collation",
			plan: &planner.Filter{Input: scanT, Pred: cmpExpr{"=", colExpr(1), constExpr{S("x  ")}}},
			want: []string{"1 'x' 1.50d", "1 'X' 2.25d"},
		},
		{
			name: "project",
			plan: &planner.Project{Input: scanT, Exprs: []expr.Expr{addExpr{colExpr(0), constExpr{I(10)}}, colExpr(1)}, Cols: cols("", tInt, tStr)},
			want: []string{"11 'x'", "11 'X'", "12 'y'", "NULL 'z'", "13 NULL"},
		},
		{
			name: "inner join never matches NULL",
			plan: &planner.Join{Left: scanT, Right: scanU, Kind: planner.InnerJoin, LeftKeys: []int{0}, RightKeys: []int{0}},
			want: []string{
				"1 'x' 1.50d 1 0.5f", "1 'x' 1.50d 1 1.5f",
				"1 'X' 2.25d 1 0.5f", "1 'X' 2.25d 1 1.5f",
			},
		},
		{
			name: "left join pads unmatched rows",
			plan: &planner.Join{Left: scanT, Right: scanU, Kind: planner.LeftJoin, LeftKeys: []int{0}, RightKeys: []int{0}},
			want: []string{
				"1 'x' 1.50d 1 0.5f", "1 'x' 1.50d 1 1.5f",
				"1 'X' 2.25d 1 0.5f", "1 'X' 2.25d 1 1.5f",
				"2 'y' NULL NULL NULL", "NULL 'z' 0.10d NULL NULL", "3 NULL -1.25d NULL NULL",
			},
		},
		{
			name: "join across numeric kinds",
			plan: &planner.Join{Left: scanT, Right: scanU, Kind: planner.InnerJoin, LeftKeys: []int{2}, RightKeys: []int{1}},
			want: []string{"1 'x' 1.50d 1 1.5f"},
		},
		{
			name: "self join under the collation",
			plan: &planner.Join{Left: projB, Right: projB, Kind: planner.InnerJoin, LeftKeys: []int{0}, RightKeys: []int{0}},
			want: []string{"'x' 'x'", "'x' 'X'", "'X' 'x'", "'X' 'X'", "'y' 'y'", "'z' 'z'"},
		},
		{
			name: "compound join key",
			plan: &planner.Join{Left: scanG, Right: scanG, Kind: planner.LeftJoin, LeftKeys: []int{0, 1}, RightKeys: []int{0, 1}},
			want: []string{
				"1 5 1 5", "1 5 1 5", "1 5 1 5", "1 5 1 5", "1 3 1 3", "1 7 1 7", "2 1 2 1",
				"NULL NULL NULL NULL", "NULL 2 NULL NULL",
			},
		},
		{
			name: "grouped aggregates",
			plan: &planner.Aggregate{
				Input:   scanT,
				GroupBy: []int{0},
				Aggs: []planner.AggSpec{
					agg(operators.AggCountStar, 0), agg(operators.AggCount, 1), agg(operators.AggSum, 2),
					agg(operators.AggAvg, 2), agg(operators.AggMin, 1), agg(operators.AggMax, 1),
					agg(operators.AggGroupConcat, 1),
				},
				Cols: aggCols(8),
			},
			want: []string{
				"1 2 2 3.75d 1.875000d 'X' 'X' 'X,x'",
				"2 1 1 NULL NULL 'y' 'y' 'y'",
				"NULL 1 1 0.10d 0.100000d 'z' 'z' 'z'",
				"3 1 0 -1.25d -1.250000d NULL NULL NULL",
			},
		},
		{
			name: "scalar aggregate over no rows is one row",
			plan: &planner.Aggregate{
				Input: scanE,
				Aggs: []planner.AggSpec{
					agg(operators.AggCountStar, 0), agg(operators.AggCount, 0), agg(operators.AggSum, 0),
					agg(operators.AggAvg, 0), agg(operators.AggMin, 0), agg(operators.AggGroupConcat, 0),
				},
				Cols: aggCols(6),
			},
			want: []string{"0 0 NULL NULL NULL NULL"},
		},
		{
			name: "grouped aggregate over no rows is no rows",
			plan: &planner.Aggregate{Input: scanE, GroupBy: []int{0}, Aggs: []planner.AggSpec{agg(operators.AggCountStar, 0)}, Cols: aggCols(2)},
			want: []string{},
		},
		{
			name: "integer sum and average",
			plan: &planner.Aggregate{
				Input: scanR,
				Aggs:  []planner.AggSpec{agg(operators.AggSum, 0), agg(operators.AggAvg, 0), agg(operators.AggSum, 1), agg(operators.AggAvg, 1)},
				Cols:  aggCols(4),
			},
			want: []string{"5 1.6667d -0.02d -0.006667d"},
		},
		{
			name: "average rounds half away from zero",
			plan: &planner.Aggregate{
				Input: &planner.Filter{Input: scanH, Pred: cmpExpr{"<", colExpr(0), constExpr{I(1)}}},
				Aggs:  []planner.AggSpec{agg(operators.AggAvg, 0)},
				Cols:  aggCols(1),
			},
			// -1/32 = -0.03125: half away from zero, not to even, not truncated.
			want: []string{"-0.0313d"},
		},
		{
			name: "positive average tie rounds up",
			plan: &planner.Aggregate{
				Input: &planner.Filter{Input: scanH, Pred: cmpExpr{">", colExpr(0), constExpr{I(-1)}}},
				Aggs:  []planner.AggSpec{agg(operators.AggAvg, 0), agg(operators.AggSum, 0)},
				Cols:  aggCols(2),
			},
			want: []string{"0.0313d 1"},
		},
		{
			name: "double sum and average",
			plan: &planner.Aggregate{
				Input: scanU,
				Aggs:  []planner.AggSpec{agg(operators.AggSum, 1), agg(operators.AggAvg, 1), agg(operators.AggMax, 1)},
				Cols:  aggCols(3),
			},
			want: []string{"7f 1.75f 3f"},
		},
		{
			name: "unsigned sum beyond int64",
			plan: &planner.Aggregate{Input: scanB, Aggs: []planner.AggSpec{agg(operators.AggSum, 0), agg(operators.AggMax, 0)}, Cols: aggCols(2)},
			want: []string{"9223372036854775809u 9223372036854775808u"},
		},
		{
			name: "distinct aggregates use the collation",
			plan: &planner.Aggregate{
				Input: scanT,
				Aggs: []planner.AggSpec{
					{Func: operators.AggCount, Arg: 1, Distinct: true},
					{Func: operators.AggGroupConcat, Arg: 1, Distinct: true, Separator: ","},
					{Func: operators.AggGroupConcat, Arg: 1, OrderDesc: true, Separator: "|"},
					{Func: operators.AggSum, Arg: 0, Distinct: true},
				},
				Cols: aggCols(4),
			},
			want: []string{"3 'X,y,z' 'z|y|X|x' 6"},
		},
		{
			name: "group by puts NULLs together",
			plan: &planner.Aggregate{Input: scanG, GroupBy: []int{0}, Aggs: []planner.AggSpec{agg(operators.AggCountStar, 0), agg(operators.AggMin, 1)}, Cols: aggCols(3)},
			want: []string{"1 4 3", "2 1 1", "NULL 2 2"},
		},
		{
			name: "distinct",
			plan: &planner.Distinct{Input: projB},
			want: []string{"'X'", "'y'", "'z'", "NULL"},
		},
		{
			name: "top-k per group",
			plan: &planner.TopK{Input: scanT, GroupBy: []int{0}, Order: []dataflow.SortKey{{Col: 2, Desc: true}}, Limit: 1},
			want: []string{"1 'X' 2.25d", "2 'y' NULL", "NULL 'z' 0.10d", "3 NULL -1.25d"},
		},
		{
			name: "top-k with ties and offset",
			plan: &planner.TopK{Input: scanG, GroupBy: []int{0}, Order: []dataflow.SortKey{{Col: 1}}, Limit: 2, Offset: 1},
			want: []string{"1 5", "1 5", "NULL 2"},
		},
		{
			name: "top-k without limit",
			plan: &planner.TopK{Input: scanG, Order: []dataflow.SortKey{{Col: 1, Desc: true}}, Limit: -1, Offset: 5},
			want: []string{"2 1", "NULL NULL"},
		},
		{
			name: "union all",
			plan: &planner.Union{
				Ins: []planner.Plan{
					&planner.Project{Input: scanT, Exprs: []expr.Expr{colExpr(0)}, Cols: cols("", tInt)},
					&planner.Project{Input: scanU, Exprs: []expr.Expr{colExpr(0)}, Cols: cols("", tInt)},
				},
				Cols: cols("", tInt),
			},
			want: []string{"1", "1", "2", "NULL", "3", "1", "1", "NULL", "4"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tables := fixtures()
			got, err := EvalPlan(tc.plan, tablesOf(tables))
			if err != nil {
				t.Fatalf("EvalPlan: %v", err)
			}
			g, w := renderAll(got), slices.Clone(tc.want)
			slices.Sort(g)
			slices.Sort(w)
			if !slices.Equal(g, w) {
				t.Errorf("got  %q\nwant %q", g, w)
			}
			if !slices.EqualFunc(tables["t"], fixtures()["t"], dataflow.IdenticalRows) {
				t.Errorf("evaluation modified its input")
			}
		})
	}
}

func TestEvalPlanOverflow(t *testing.T) {
	plan := &planner.Aggregate{Input: scanO, Aggs: []planner.AggSpec{agg(operators.AggSum, 0)}, Cols: aggCols(1)}
	_, err := EvalPlan(plan, tablesOf(fixtures()))
	if !errors.Is(err, ErrOverflow) {
		t.Fatalf("got %v, want ErrOverflow", err)
	}
}

func param(i int) planner.KeySource { return planner.KeySource{Param: i} }

func TestEvalQuery(t *testing.T) {
	// b, c visible-or-hidden over t with a as the hidden key column.
	bcA := &planner.Project{Input: scanT, Exprs: []expr.Expr{colExpr(1), colExpr(2), colExpr(0)}, Cols: cols("t", tStr, tDec, tInt)}
	countByA := &planner.Project{
		Input: &planner.Aggregate{Input: scanT, GroupBy: []int{0}, Aggs: []planner.AggSpec{agg(operators.AggCountStar, 0)}, Cols: aggCols(2)},
		Exprs: []expr.Expr{colExpr(1), colExpr(0)},
		Cols:  cols("", tInt, tInt),
	}
	cases := []struct {
		name    string
		q       *planner.Query
		args    []dataflow.Value
		want    []string
		ordered bool
	}{
		{
			name: "point lookup",
			q:    &planner.Query{Root: scanT, Cols: scanT.Cols, KeyCols: []int{0}, Lookups: [][]planner.KeySource{{param(0)}}, NumParams: 1, Limit: -1},
			args: []dataflow.Value{I(1)},
			want: []string{"1 'x' 1.50d", "1 'X' 2.25d"},
		},
		{
			name: "NULL key matches nothing",
			q:    &planner.Query{Root: scanT, Cols: scanT.Cols, KeyCols: []int{0}, Lookups: [][]planner.KeySource{{param(0)}}, NumParams: 1, Limit: -1},
			args: []dataflow.Value{N},
			want: []string{},
		},
		{
			name: "key compares across kinds",
			q:    &planner.Query{Root: scanT, Cols: scanT.Cols, KeyCols: []int{0}, Lookups: [][]planner.KeySource{{param(0)}}, NumParams: 1, Limit: -1},
			args: []dataflow.Value{D(300, 2)},
			want: []string{"3 NULL -1.25d"},
		},
		{
			name: "string key under the collation",
			q:    &planner.Query{Root: scanT, Cols: scanT.Cols[:2], KeyCols: []int{1}, Lookups: [][]planner.KeySource{{param(0)}}, NumParams: 1, Limit: -1},
			args: []dataflow.Value{S("X ")},
			want: []string{"1 'x'", "1 'X'"},
		},
		{
			name: "literal key",
			q:    &planner.Query{Root: scanT, Cols: scanT.Cols, KeyCols: []int{0}, Lookups: [][]planner.KeySource{{{Param: -1, Literal: I(2)}}}, Limit: -1},
			want: []string{"2 'y' NULL"},
		},
		{
			name: "IN merges, orders by a hidden column and limits",
			q: &planner.Query{
				Root: bcA, Cols: bcA.Cols[:1], KeyCols: []int{2}, Lookups: [][]planner.KeySource{{param(0)}, {param(1)}},
				NumParams: 2, Order: []dataflow.SortKey{{Col: 1, Desc: true}}, Limit: 2,
			},
			args:    []dataflow.Value{I(1), I(3)},
			want:    []string{"'X'", "'x'"},
			ordered: true,
		},
		{
			name: "IN with offset",
			q: &planner.Query{
				Root: bcA, Cols: bcA.Cols[:1], KeyCols: []int{2}, Lookups: [][]planner.KeySource{{param(0)}, {param(1)}},
				NumParams: 2, Order: []dataflow.SortKey{{Col: 1}}, Limit: 1, Offset: 1,
			},
			args:    []dataflow.Value{I(2), I(1)},
			want:    []string{"'x'"},
			ordered: true,
		},
		{
			name: "IN with equal arguments returns rows once",
			q:    &planner.Query{Root: scanT, Cols: scanT.Cols, KeyCols: []int{0}, Lookups: [][]planner.KeySource{{param(0)}, {param(1)}}, NumParams: 2, Limit: -1},
			args: []dataflow.Value{I(1), S("1")},
			want: []string{"1 'x' 1.50d", "1 'X' 2.25d"},
		},
		{
			name: "IN with DISTINCT dedups visible columns",
			q: &planner.Query{
				Root: bcA, Cols: bcA.Cols[:1], KeyCols: []int{2}, Lookups: [][]planner.KeySource{{param(0)}, {param(1)}},
				NumParams: 2, Distinct: true, Limit: -1,
			},
			args: []dataflow.Value{I(1), I(2)},
			// 'x' and 'X' are one row under the collation; the first in the total row order
			// (exact text breaks the tie on b before c is looked at) is kept.
			want: []string{"'X'", "'y'"},
		},
		{
			name: "compound key",
			q: &planner.Query{
				Root: scanG, Cols: scanG.Cols, KeyCols: []int{0, 1}, Lookups: [][]planner.KeySource{{param(1), param(0)}},
				NumParams: 2, Limit: -1,
			},
			args: []dataflow.Value{I(5), I(1)},
			want: []string{"1 5", "1 5"},
		},
		{
			name: "order by a hidden column without parameters",
			q:    &planner.Query{Root: bcA, Cols: bcA.Cols[:1], Order: []dataflow.SortKey{{Col: 1}}, Limit: -1},
			want: []string{"'y'", "NULL", "'z'", "'x'", "'X'"}, ordered: true,
		},
		{
			name: "empty row for a missing key",
			q: &planner.Query{
				Root: countByA, Cols: countByA.Cols[:1], KeyCols: []int{1}, Lookups: [][]planner.KeySource{{param(0)}}, NumParams: 1, Limit: -1,
				EmptyRow: func(key dataflow.Row) (dataflow.Row, bool) { return dataflow.Row{I(0), key[0]}, true },
			},
			args: []dataflow.Value{I(7)},
			want: []string{"0"},
		},
		{
			name: "empty row not used for a present key",
			q: &planner.Query{
				Root: countByA, Cols: countByA.Cols[:1], KeyCols: []int{1}, Lookups: [][]planner.KeySource{{param(0)}}, NumParams: 1, Limit: -1,
				EmptyRow: func(key dataflow.Row) (dataflow.Row, bool) { return dataflow.Row{I(0), key[0]}, true },
			},
			args: []dataflow.Value{I(1)},
			want: []string{"2"},
		},
		{
			name: "empty row for a NULL key",
			q: &planner.Query{
				Root: countByA, Cols: countByA.Cols[:1], KeyCols: []int{1}, Lookups: [][]planner.KeySource{{param(0)}}, NumParams: 1, Limit: -1,
				EmptyRow: func(key dataflow.Row) (dataflow.Row, bool) { return dataflow.Row{I(0), key[0]}, true },
			},
			args: []dataflow.Value{N},
			want: []string{"0"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Eval(tc.q, tablesOf(fixtures()), tc.args)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			for _, r := range got {
				if len(r) != len(tc.q.Cols) {
					t.Fatalf("row %v has %d columns, query %d visible", r, len(r), len(tc.q.Cols))
				}
			}
			g, w := renderAll(got), slices.Clone(tc.want)
			if !tc.ordered {
				slices.Sort(g)
				slices.Sort(w)
			}
			if !slices.Equal(g, w) {
				t.Errorf("got  %q\nwant %q", g, w)
			}
		})
	}
}

type unknownPlan struct{}

func (unknownPlan) Columns() []dataflow.Column { return nil }
func (unknownPlan) Inputs() []planner.Plan     { return nil }

func TestEvalErrors(t *testing.T) {
	one := [][]planner.KeySource{{param(0)}}
	cases := []struct {
		name string
		q    *planner.Query
		args []dataflow.Value
		want error
	}{
		{"nil query", nil, nil, ErrInvalidPlan},
		{"nil root", &planner.Query{}, nil, ErrInvalidPlan},
		{"unknown node", &planner.Query{Root: unknownPlan{}}, nil, ErrInvalidPlan},
		{"typed nil node", &planner.Query{Root: (*planner.Filter)(nil)}, nil, ErrInvalidPlan},
		{"nil child", &planner.Query{Root: &planner.Distinct{}}, nil, ErrInvalidPlan},
		{"missing argument", &planner.Query{Root: scanT, KeyCols: []int{0}, Lookups: one, NumParams: 1}, nil, ErrArgs},
		{"parameter beyond the arguments", &planner.Query{Root: scanT, KeyCols: []int{0}, Lookups: [][]planner.KeySource{{param(3)}}, NumParams: 1}, []dataflow.Value{I(1)}, ErrArgs},
		{"key column out of range", &planner.Query{Root: scanT, KeyCols: []int{3}, Lookups: one, NumParams: 1}, []dataflow.Value{I(1)}, ErrInvalidPlan},
		{"order column out of range", &planner.Query{Root: scanT, Order: []dataflow.SortKey{{Col: -1}}}, nil, ErrInvalidPlan},
		{"lookup of the wrong width", &planner.Query{Root: scanT, KeyCols: []int{0, 1}, Lookups: one, NumParams: 1}, []dataflow.Value{I(1)}, ErrInvalidPlan},
		{"too many visible columns", &planner.Query{Root: scanE, Cols: scanT.Cols}, nil, ErrInvalidPlan},
		{"join key out of range", &planner.Query{Root: &planner.Join{Left: scanT, Right: scanU, LeftKeys: []int{9}, RightKeys: []int{0}}}, nil, ErrInvalidPlan},
		{"join keys of different lengths", &planner.Query{Root: &planner.Join{Left: scanT, Right: scanU, LeftKeys: []int{0}}}, nil, ErrInvalidPlan},
		{"aggregate argument out of range", &planner.Query{Root: &planner.Aggregate{Input: scanE, Aggs: []planner.AggSpec{agg(operators.AggSum, 4)}, Cols: aggCols(1)}}, nil, ErrInvalidPlan},
		{"filter without predicate", &planner.Query{Root: &planner.Filter{Input: scanT}}, nil, ErrInvalidPlan},
		{"project width mismatch", &planner.Query{Root: &planner.Project{Input: scanT, Exprs: []expr.Expr{colExpr(0)}}}, nil, ErrInvalidPlan},
		{"table rows of the wrong width", &planner.Query{Root: &planner.Scan{Table: "t", Cols: cols("t", tInt)}}, nil, ErrInvalidPlan},
		{"union without inputs", &planner.Query{Root: &planner.Union{}}, nil, ErrInvalidPlan},
		{"negative offset", &planner.Query{Root: &planner.TopK{Input: scanT, Limit: 1, Offset: -1}}, nil, ErrInvalidPlan},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Eval(tc.q, tablesOf(fixtures()), tc.args)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

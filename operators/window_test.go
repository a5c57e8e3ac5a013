package operators

import (
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// refInFrame reports, by the definition of the frame, whether row j of a partition lies in
// the frame of row i; peer compares two rows on the window's ORDER BY.
func refInFrame(f expr.WindowFrame, i, j int, peer func(a, b int) int, value func(row, col int) dataflow.Value, key dataflow.SortKey) bool {
	if f.Groups {
		// A row's group counts the peer groups that begin at or before it.
		group := func(k int) int64 {
			g := int64(0)
			for m := 1; m <= k; m++ {
				if peer(m-1, m) != 0 {
					g++
				}
			}
			return g
		}
		at := func(b expr.FrameBound) int64 {
			switch b.Kind {
			case expr.Preceding:
				return group(i) - b.N
			case expr.Following:
				return group(i) + b.N
			}
			return group(i)
		}
		gj := group(j)
		start := f.Start.Kind == expr.UnboundedPreceding || (f.Start.Kind != expr.UnboundedFollowing && gj >= at(f.Start))
		end := f.End.Kind == expr.UnboundedFollowing || (f.End.Kind != expr.UnboundedPreceding && gj <= at(f.End))
		return start && end
	}
	// inRange places row j's ORDER BY value against row i's bound value in column col: at or
	// after it (start) or at or before it (end), in the order's direction; a NULL value of
	// row j sorts first ascending, last descending; from a NULL row i a bound means its peers.
	inRange := func(col int, start bool) bool {
		if value(i, key.Col).IsNull() {
			if start {
				return peer(j, i) >= 0
			}
			return peer(j, i) <= 0
		}
		v := value(j, key.Col)
		c := 0
		switch {
		case v.IsNull():
			c = -1
		default:
			c = dataflow.Compare(v, value(i, col))
		}
		if key.Desc {
			c = -c
		}
		if start {
			return c >= 0
		}
		return c <= 0
	}
	after := func(b expr.FrameBound) bool { // j is at or after bound b of row i
		if !f.Rows && (b.Kind == expr.Preceding || b.Kind == expr.Following) {
			return inRange(b.Col, true)
		}
		switch b.Kind {
		case expr.UnboundedPreceding:
			return true
		case expr.Preceding:
			return j >= i-int(b.N)
		case expr.CurrentRow:
			if f.Rows {
				return j >= i
			}
			return peer(j, i) >= 0
		case expr.Following:
			return j >= i+int(b.N)
		}
		return false
	}
	before := func(b expr.FrameBound) bool { // j is at or before bound b of row i
		if !f.Rows && (b.Kind == expr.Preceding || b.Kind == expr.Following) {
			return inRange(b.Col, false)
		}
		switch b.Kind {
		case expr.UnboundedPreceding:
			return false
		case expr.Preceding:
			return j <= i-int(b.N)
		case expr.CurrentRow:
			if f.Rows {
				return j <= i
			}
			return peer(j, i) <= 0
		case expr.Following:
			return j <= i+int(b.N)
		}
		return true
	}
	return after(f.Start) && before(f.End)
}

// refWindow computes the window from scratch: group, sort each partition completely, and
// evaluate every function at every row by its definition. The aggregates of the tests
// are COUNT(*), COUNT, SUM (of integers), MIN and MAX.
func refWindow(partition []int, order []dataflow.SortKey, funcs []WindowFunc) func(propInputs) []dataflow.Row {
	return func(in propInputs) []dataflow.Row {
		var out []dataflow.Row
		for _, g := range refGroups(in[0], partition) {
			g = slices.Clone(g)
			slices.SortFunc(g, func(a, b dataflow.Row) int {
				if c := dataflow.CompareRowsTotal(a, b, order); c != 0 {
					return c
				}
				return refRowCompare(a, b)
			})
			peer := func(a, b int) int { return dataflow.CompareRows(g[a], g[b], order) }
			for i, r := range g {
				row := slices.Clone(r)
				for _, f := range funcs {
					row = append(row, refWindowValue(f, order, g, i, peer))
				}
				out = append(out, row)
			}
		}
		return out
	}
}

func refWindowValue(f WindowFunc, order []dataflow.SortKey, g []dataflow.Row, i int, peer func(a, b int) int) dataflow.Value {
	switch f.Kind {
	case expr.WinRowNumber:
		return dataflow.Int(int64(i + 1))
	case expr.WinRank:
		n := 1
		for j := range i {
			if peer(j, i) < 0 {
				n++
			}
		}
		return dataflow.Int(int64(n))
	case expr.WinDenseRank:
		n := 1
		for j := 1; j <= i; j++ {
			if peer(j-1, j) != 0 {
				n++
			}
		}
		return dataflow.Int(int64(n))
	case expr.WinLag, expr.WinLead:
		j := i - int(f.Offset)
		if f.Kind == expr.WinLead {
			j = i + int(f.Offset)
		}
		if j >= 0 && j < len(g) {
			return g[j][f.Arg]
		}
		if f.Default >= 0 {
			return g[i][f.Default]
		}
		return dataflow.Null
	}
	var vals []dataflow.Value
	rows := 0
	value := func(row, col int) dataflow.Value { return g[row][col] }
	var key dataflow.SortKey
	if len(order) > 0 {
		key = order[0]
	}
	for j := range g {
		if refInFrame(f.Frame, i, j, peer, value, key) {
			rows++
			if f.Agg.Func != AggCountStar && !g[j][f.Agg.Arg].IsNull() {
				vals = append(vals, g[j][f.Agg.Arg])
			}
		}
	}
	switch f.Agg.Func {
	case AggCountStar:
		return dataflow.Int(int64(rows))
	case AggCount:
		return dataflow.Int(int64(len(vals)))
	case AggSum:
		if len(vals) == 0 {
			return dataflow.Null
		}
		var s int64
		for _, v := range vals {
			n, _ := v.ToInt()
			s += n
		}
		return dataflow.Int(s)
	case AggMin, AggMax:
		if len(vals) == 0 {
			return dataflow.Null
		}
		best := vals[0]
		for _, v := range vals[1:] {
			c := refExactCompare(v, best)
			if (f.Agg.Func == AggMin && c < 0) || (f.Agg.Func == AggMax && c > 0) {
				best = v
			}
		}
		return best
	}
	return dataflow.Null
}

func winAgg(fn AggFunc, arg int, f expr.WindowFrame) WindowFunc {
	t := dataflow.Type{Kind: dataflow.KindInt}
	if fn == AggSum {
		t = SumType(t)
	}
	return WindowFunc{Kind: expr.WinAgg, Agg: AggSpec{Func: fn, Arg: arg, Type: t}, Frame: f, Default: -1}
}

func groupsFrame(start, end expr.FrameBound) expr.WindowFrame {
	return expr.WindowFrame{Groups: true, Start: start, End: end}
}

func rowsFrame(start, end expr.FrameBound) expr.WindowFrame {
	return expr.WindowFrame{Rows: true, Start: start, End: end}
}

func TestWindowIncremental(t *testing.T) {
	rows := genRow(
		genValue(dataflow.Int(1), dataflow.Int(2), dataflow.Null),
		genValue(dataflow.Null, dataflow.Int(1), dataflow.Int(2), dataflow.Int(3)),
		genValue(dataflow.String("a"), dataflow.String("A"), dataflow.String("b")),
		genValue(dataflow.Int(-4), dataflow.Int(7), dataflow.Int(10), dataflow.Null),
	)
	up := expr.FrameBound{Kind: expr.UnboundedPreceding}
	uf := expr.FrameBound{Kind: expr.UnboundedFollowing}
	cur := expr.FrameBound{Kind: expr.CurrentRow}
	prec := func(n int64) expr.FrameBound { return expr.FrameBound{Kind: expr.Preceding, N: n} }
	foll := func(n int64) expr.FrameBound { return expr.FrameBound{Kind: expr.Following, N: n} }
	byCol1 := []dataflow.SortKey{{Col: 1}}
	for _, tc := range []struct {
		name      string
		partition []int
		order     []dataflow.SortKey
		funcs     []WindowFunc
	}{
		{"ranks", []int{0}, byCol1, []WindowFunc{{Kind: expr.WinRowNumber}, {Kind: expr.WinRank}, {Kind: expr.WinDenseRank}}},
		{"ranks desc two keys", []int{0}, []dataflow.SortKey{{Col: 2, Desc: true}, {Col: 1}}, []WindowFunc{{Kind: expr.WinRank}, {Kind: expr.WinDenseRank}}},
		{"no partition", nil, byCol1, []WindowFunc{{Kind: expr.WinRowNumber}, {Kind: expr.WinRank}}},
		{"lag lead", []int{0}, byCol1, []WindowFunc{
			{Kind: expr.WinLag, Arg: 3, Offset: 1, Default: -1},
			{Kind: expr.WinLead, Arg: 2, Offset: 2, Default: 1},
			{Kind: expr.WinLag, Arg: 3, Offset: 0, Default: -1}}},
		{"running aggregates", []int{0}, byCol1, []WindowFunc{
			winAgg(AggCountStar, 0, expr.DefaultFrame), winAgg(AggSum, 3, expr.DefaultFrame),
			winAgg(AggMin, 2, expr.DefaultFrame), winAgg(AggMax, 3, expr.DefaultFrame)}},
		{"whole partition", []int{2}, nil, []WindowFunc{winAgg(AggCount, 3, expr.DefaultFrame), winAgg(AggSum, 3, expr.DefaultFrame)}},
		{"rows frames", []int{0}, byCol1, []WindowFunc{
			winAgg(AggSum, 3, rowsFrame(prec(1), foll(1))),
			winAgg(AggCountStar, 0, rowsFrame(cur, uf)),
			winAgg(AggMin, 3, rowsFrame(prec(2), prec(1))),
			winAgg(AggMax, 2, rowsFrame(foll(1), foll(3))),
			winAgg(AggCount, 1, rowsFrame(up, cur)),
			winAgg(AggSum, 3, rowsFrame(foll(1), prec(1)))}},
		{"groups frames", []int{0}, []dataflow.SortKey{{Col: 3}}, []WindowFunc{
			winAgg(AggSum, 1, groupsFrame(prec(1), cur)),
			winAgg(AggCountStar, 0, groupsFrame(prec(2), foll(1))),
			winAgg(AggMax, 3, groupsFrame(foll(1), foll(2))),
			winAgg(AggMin, 1, groupsFrame(up, prec(1))),
			winAgg(AggCount, 3, groupsFrame(foll(1), uf)),
			winAgg(AggSum, 1, groupsFrame(foll(1), prec(1)))}},
		{"groups frames desc two keys", nil, []dataflow.SortKey{{Col: 0, Desc: true}, {Col: 1}}, []WindowFunc{
			winAgg(AggSum, 3, groupsFrame(prec(1), foll(1))),
			winAgg(AggCountStar, 0, groupsFrame(cur, foll(2)))}},
		{"range frames", nil, []dataflow.SortKey{{Col: 0, Desc: true}}, []WindowFunc{
			winAgg(AggSum, 3, expr.WindowFrame{Start: cur, End: uf}),
			winAgg(AggCountStar, 0, expr.WindowFrame{Start: cur, End: cur})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				op := NewWindow(4, tc.partition, tc.order, tc.funcs)
				checkIncremental(rt, op, []*rapid.Generator[dataflow.Row]{rows}, refWindow(tc.partition, tc.order, tc.funcs))
			})
		})
	}
}

// TestWindowRangeOffsets: RANGE frames whose bounds are values (columns 3 and 4 hold the
// ORDER BY value minus 1 and plus 2, as the planner's projection computes them), ascending
// and descending, with NULL values.
func TestWindowRangeOffsets(t *testing.T) {
	rows := rapid.Custom(func(t *rapid.T) dataflow.Row {
		part := rapid.SampledFrom([]dataflow.Value{dataflow.Int(1), dataflow.Int(2)}).Draw(t, "part")
		key := rapid.SampledFrom([]dataflow.Value{dataflow.Null, dataflow.Int(1), dataflow.Int(2), dataflow.Int(3), dataflow.Int(5)}).Draw(t, "key")
		x := rapid.SampledFrom([]dataflow.Value{dataflow.Null, dataflow.Int(4), dataflow.Int(9)}).Draw(t, "x")
		lo, hi := dataflow.Null, dataflow.Null
		if k, ok := key.ToInt(); ok && !key.IsNull() {
			lo, hi = dataflow.Int(k-1), dataflow.Int(k+2)
		}
		return dataflow.Row{part, key, x, lo, hi}
	})
	cur := expr.FrameBound{Kind: expr.CurrentRow}
	up := expr.FrameBound{Kind: expr.UnboundedPreceding}
	uf := expr.FrameBound{Kind: expr.UnboundedFollowing}
	for _, tc := range []struct {
		name  string
		desc  bool
		frame expr.WindowFrame
	}{
		// Ascending: n PRECEDING is the value minus n, n FOLLOWING plus n.
		{"asc 1 preceding..2 following", false, expr.WindowFrame{Start: expr.FrameBound{Kind: expr.Preceding, Col: 3}, End: expr.FrameBound{Kind: expr.Following, Col: 4}}},
		{"asc unbounded..1 preceding", false, expr.WindowFrame{Start: up, End: expr.FrameBound{Kind: expr.Preceding, Col: 3}}},
		{"asc 2 following..unbounded", false, expr.WindowFrame{Start: expr.FrameBound{Kind: expr.Following, Col: 4}, End: uf}},
		// Descending: n PRECEDING is the value plus n.
		{"desc 2 preceding..current", true, expr.WindowFrame{Start: expr.FrameBound{Kind: expr.Preceding, Col: 4}, End: cur}},
		{"desc current..1 following", true, expr.WindowFrame{Start: cur, End: expr.FrameBound{Kind: expr.Following, Col: 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			order := []dataflow.SortKey{{Col: 1, Desc: tc.desc}}
			funcs := []WindowFunc{winAgg(AggCountStar, 0, tc.frame), winAgg(AggSum, 2, tc.frame), winAgg(AggMax, 0, tc.frame)}
			rapid.Check(t, func(rt *rapid.T) {
				op := NewWindow(5, []int{0}, order, funcs)
				checkIncremental(rt, op, []*rapid.Generator[dataflow.Row]{rows}, refWindow([]int{0}, order, funcs))
			})
		})
	}
}

// TestWindowRowNumber walks the emitted changes of a small partition: an insert in the
// middle renumbers the rows after it and leaves the rows before it alone.
func TestWindowRowNumber(t *testing.T) {
	op := NewWindow(2, []int{0}, []dataflow.SortKey{{Col: 1}}, []WindowFunc{{Kind: expr.WinRowNumber}})
	steps := []struct {
		in   []string
		want []string
	}{
		{[]string{"+[1, 10]", "+[1, 30]", "+[2, 5]"}, []string{"+[1, 10, 1]", "+[1, 30, 2]", "+[2, 5, 1]"}},
		{[]string{"+[1, 20]"}, []string{"+[1, 20, 2]", "-[1, 30, 2]", "+[1, 30, 3]"}},
		{[]string{"-[1, 10]"}, []string{"-[1, 10, 1]", "-[1, 20, 2]", "+[1, 20, 1]", "-[1, 30, 3]", "+[1, 30, 2]"}},
		{[]string{"-[2, 5]", "+[2, 5]"}, nil},
		{[]string{"-[9, 9]"}, nil},
	}
	for i, s := range steps {
		got := fmtBatch(op.Process(0, batchOf(t, s.in...)))
		if !slices.Equal(got, s.want) {
			t.Fatalf("step %d: got %v, want %v", i, got, s.want)
		}
	}
	if got, want := op.StateBytes() > 0, true; got != want {
		t.Fatalf("state bytes %d", op.StateBytes())
	}
}

// TestWindowPartial fills one partition by a replay, keeps it maintained and drops updates
// for holes.
func TestWindowPartial(t *testing.T) {
	op := NewWindow(2, []int{0}, []dataflow.SortKey{{Col: 1, Desc: true}}, []WindowFunc{{Kind: expr.WinRank}})
	op.SetPartial()
	if out := op.Process(0, batchOf(t, "+[1, 10]")); len(out) != 0 {
		t.Fatalf("a hole emitted %v", fmtBatch(out))
	}
	out, done, redundant := op.ReplayPiece(1, 0, dataflow.Row{dataflow.Int(1)}, batchOf(t, "+[1, 10]", "+[1, 20]"), 1)
	if !done || redundant {
		t.Fatalf("done %v redundant %v", done, redundant)
	}
	if got, want := fmtBatch(out), []string{"+[1, 20, 1]", "+[1, 10, 2]"}; !slices.Equal(got, want) {
		t.Fatalf("replay: got %v, want %v", got, want)
	}
	if got, want := fmtBatch(op.Process(0, batchOf(t, "+[1, 20]", "+[2, 1]"))), []string{"+[1, 20, 1]", "-[1, 10, 2]", "+[1, 10, 3]"}; !slices.Equal(got, want) {
		t.Fatalf("update: got %v, want %v", got, want)
	}
	key := string(dataflow.AppendKeys(nil, dataflow.Row{dataflow.Int(1)}))
	if !op.Release(key) {
		t.Fatal("release kept the partition")
	}
	if op.StateBytes() != 0 {
		t.Fatalf("state bytes after release: %d", op.StateBytes())
	}
	if out := op.Process(0, batchOf(t, "+[1, 30]")); len(out) != 0 {
		t.Fatalf("an evicted partition emitted %v", fmtBatch(out))
	}
}

package reference

import (
	"fmt"
	"slices"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// window evaluates a Window by the definitions: each partition sorted completely (ties on
// the ORDER BY broken by the whole row, as Weir defines it), and every function at every
// row computed by looking at the whole partition: ranks by counting the rows before it,
// LAG and LEAD by position, aggregates over the rows whose frame membership the frame's
// definition grants, one row at a time (quadratic, and obviously so).
func (ev *evaluator) window(n *planner.Window) ([]dataflow.Row, error) {
	in, err := ev.eval(n.Input)
	if err != nil {
		return nil, err
	}
	cols := n.Input.Columns()
	width := len(cols)
	if err := checkPositions("window partition column", n.Partition, width); err != nil {
		return nil, err
	}
	for _, k := range n.Order {
		if k.Col < 0 || k.Col >= width {
			return nil, fmt.Errorf("%w: window order column %d out of range (width %d)", ErrInvalidPlan, k.Col, width)
		}
	}
	for _, f := range n.Funcs {
		var used []int
		switch f.Kind {
		case expr.WinLag, expr.WinLead:
			used = append(used, f.Arg)
			if f.Default >= 0 {
				used = append(used, f.Default)
			}
			if f.Offset < 0 {
				return nil, fmt.Errorf("%w: negative window offset %d", ErrInvalidPlan, f.Offset)
			}
		case expr.WinAgg:
			if f.Agg.Func != expr.AggCountStar {
				used = append(used, f.Agg.Arg)
			}
		case expr.WinFirstValue, expr.WinLastValue, expr.WinNthValue:
			used = append(used, f.Arg)
		}
		if err := checkPositions("window function column", used, width); err != nil {
			return nil, err
		}
	}
	var out []dataflow.Row
	for _, g := range groupRows(in, n.Partition) {
		rows := slices.Clone(g.rows)
		slices.SortStableFunc(rows, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, n.Order) })
		peer := func(i, j int) int { return dataflow.CompareRows(rows[i], rows[j], n.Order) }
		for i, r := range rows {
			row := append(slices.Clone(r), make(dataflow.Row, len(n.Funcs))...)
			for fi, f := range n.Funcs {
				v, err := windowValue(f, n.Order, cols, rows, i, peer)
				if err != nil {
					return nil, err
				}
				row[width+fi] = v
			}
			out = append(out, row)
		}
	}
	return out, nil
}

func windowValue(f expr.WindowFunc, order []dataflow.SortKey, cols []dataflow.Column, rows []dataflow.Row, i int, peer func(i, j int) int) (dataflow.Value, error) {
	switch f.Kind {
	case expr.WinRowNumber:
		return dataflow.Int(int64(i) + 1), nil
	case expr.WinRank:
		// One more than the number of rows strictly before the row's peers.
		before := 0
		for j := range rows {
			if peer(j, i) < 0 {
				before++
			}
		}
		return dataflow.Int(int64(before) + 1), nil
	case expr.WinDenseRank:
		// One more than the number of distinct peer groups before the row's.
		distinct := 0
		for j := range rows {
			if peer(j, i) < 0 && (j == 0 || peer(j-1, j) != 0) {
				distinct++
			}
		}
		return dataflow.Int(int64(distinct) + 1), nil
	case expr.WinLag, expr.WinLead:
		for j := range rows {
			d := int64(j - i)
			if (f.Kind == expr.WinLag && d == -f.Offset) || (f.Kind == expr.WinLead && d == f.Offset) {
				return rows[j][f.Arg], nil
			}
		}
		if f.Default >= 0 {
			return rows[i][f.Default], nil
		}
		return dataflow.Null, nil
	case expr.WinAgg:
		var frame []dataflow.Row
		for _, b := range []expr.FrameBound{f.Frame.Start, f.Frame.End} {
			if f.Frame.RangeOffset(b) && (len(order) < 1 || len(order) > 2 || b.Col < 0 || b.Col >= len(cols)) {
				return dataflow.Null, fmt.Errorf("%w: RANGE offset bound %+v over %d sort keys", ErrInvalidPlan, b, len(order))
			}
		}
		for j := range rows {
			if inFrame(f.Frame, order, rows, i, j, peer) {
				frame = append(frame, rows[j])
			}
		}
		var argType dataflow.Type
		if f.Agg.Func != expr.AggCountStar {
			argType = cols[f.Agg.Arg].Type
		}
		return computeAggregate(f.Agg, argType, frame)
	case expr.WinNtile:
		// Bucket b (from 1) holds the rows from the first one after the b-1 buckets before
		// it: n/N rows each, and one more for each of the first n%N buckets.
		n, buckets := int64(len(rows)), max(f.Offset, 1)
		start := int64(0)
		for b := int64(1); b <= buckets; b++ {
			size := n / buckets
			if b <= n%buckets {
				size++
			}
			if int64(i) < start+size {
				return dataflow.Int(b), nil
			}
			start += size
		}
		return dataflow.Null, fmt.Errorf("%w: row %d in no NTILE bucket", ErrInvalidPlan, i)
	case expr.WinPercentRank:
		if len(rows) == 1 {
			return dataflow.Float(0), nil
		}
		before := 0
		for j := range rows {
			if peer(j, i) < 0 {
				before++
			}
		}
		return dataflow.Float(float64(before) / float64(len(rows)-1)), nil
	case expr.WinCumeDist:
		upTo := 0
		for j := range rows {
			if peer(j, i) <= 0 {
				upTo++
			}
		}
		return dataflow.Float(float64(upTo) / float64(len(rows))), nil
	case expr.WinFirstValue, expr.WinLastValue, expr.WinNthValue:
		var frame []dataflow.Row
		for j := range rows {
			if inFrame(f.Frame, order, rows, i, j, peer) {
				frame = append(frame, rows[j])
			}
		}
		k := -1
		switch f.Kind {
		case expr.WinFirstValue:
			k = 0
		case expr.WinLastValue:
			k = len(frame) - 1
		default:
			k = int(f.Offset) - 1
		}
		if k < 0 || k >= len(frame) {
			return dataflow.Null, nil
		}
		return frame[k][f.Arg], nil
	}
	return dataflow.Null, fmt.Errorf("%w: unknown window function %d", ErrInvalidPlan, f.Kind)
}

// inFrame reports whether row j lies in the frame of row i: at or after the frame's start
// and at or before its end, a CURRENT ROW of a RANGE frame standing for the row's peers, and
// a value offset of one for the rows whose ORDER BY value is within the bound's value (row
// i's bound column), NULLs before every value ascending and after every value descending;
// from a row whose value is NULL, an offset stands for its peers.
func inFrame(f expr.WindowFrame, order []dataflow.SortKey, rows []dataflow.Row, i, j int, peer func(i, j int) int) bool {
	if f.Groups {
		return inGroupsFrame(f, i, j, peer)
	}
	if !f.Rows && (f.Start.Kind == expr.Preceding || f.Start.Kind == expr.Following || f.End.Kind == expr.Preceding || f.End.Kind == expr.Following) {
		// The value is the last sort key; a sort key before it is a NULL test of it that
		// places its NULLs (PostgreSQL's dialect), else NULLs sort as the smallest value.
		key := order[len(order)-1]
		nullsLast := key.Desc
		if len(order) == 2 {
			nullsLast = !order[0].Desc
		}
		v, cur := rows[j][key.Col], rows[i][key.Col]
		// notBefore and notAfter place v against bound value t in the window's order.
		notBefore := func(t dataflow.Value) bool {
			if v.IsNull() {
				return nullsLast
			}
			if key.Desc {
				return dataflow.Compare(v, t) <= 0
			}
			return dataflow.Compare(v, t) >= 0
		}
		notAfter := func(t dataflow.Value) bool {
			if v.IsNull() {
				return !nullsLast
			}
			if key.Desc {
				return dataflow.Compare(v, t) >= 0
			}
			return dataflow.Compare(v, t) <= 0
		}
		start, end := true, true
		switch f.Start.Kind {
		case expr.Preceding, expr.Following, expr.CurrentRow:
			if cur.IsNull() || f.Start.Kind == expr.CurrentRow {
				start = peer(j, i) >= 0
			} else {
				start = notBefore(rows[i][f.Start.Col])
			}
		case expr.UnboundedFollowing:
			start = false
		}
		switch f.End.Kind {
		case expr.Preceding, expr.Following, expr.CurrentRow:
			if cur.IsNull() || f.End.Kind == expr.CurrentRow {
				end = peer(j, i) <= 0
			} else {
				end = notAfter(rows[i][f.End.Col])
			}
		case expr.UnboundedPreceding:
			end = false
		}
		return start && end
	}
	var afterStart, beforeEnd bool
	switch f.Start.Kind {
	case expr.UnboundedPreceding:
		afterStart = true
	case expr.Preceding:
		afterStart = int64(j) >= int64(i)-f.Start.N
	case expr.CurrentRow:
		afterStart = j >= i
		if !f.Rows {
			afterStart = peer(j, i) >= 0
		}
	case expr.Following:
		afterStart = int64(j) >= int64(i)+f.Start.N
	}
	switch f.End.Kind {
	case expr.Preceding:
		beforeEnd = int64(j) <= int64(i)-f.End.N
	case expr.CurrentRow:
		beforeEnd = j <= i
		if !f.Rows {
			beforeEnd = peer(j, i) <= 0
		}
	case expr.Following:
		beforeEnd = int64(j) <= int64(i)+f.End.N
	case expr.UnboundedFollowing:
		beforeEnd = true
	}
	return afterStart && beforeEnd
}

// inGroupsFrame reports whether row j lies in the GROUPS frame of row i: a row's group is
// the number of peer groups that begin before it, and the frame's ends count groups from
// row i's.
func inGroupsFrame(f expr.WindowFrame, i, j int, peer func(i, j int) int) bool {
	group := func(k int) int64 {
		g := int64(0)
		for m := 1; m <= k; m++ {
			if peer(m-1, m) != 0 {
				g++
			}
		}
		return g
	}
	gi, gj := group(i), group(j)
	var start, end bool
	switch f.Start.Kind {
	case expr.UnboundedPreceding:
		start = true
	case expr.Preceding:
		start = gj >= gi-f.Start.N
	case expr.CurrentRow:
		start = gj >= gi
	case expr.Following:
		start = gj >= gi+f.Start.N
	}
	switch f.End.Kind {
	case expr.Preceding:
		end = gj <= gi-f.End.N
	case expr.CurrentRow:
		end = gj <= gi
	case expr.Following:
		end = gj <= gi+f.End.N
	case expr.UnboundedFollowing:
		end = true
	}
	return start && end
}

package reference

import (
	"fmt"
	"slices"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// evaluator computes plan nodes bottom-up. A node shared by several parents is computed once;
// the memoized slices are never modified afterwards, so every consumer copies before it sorts.
type evaluator struct {
	tables func(name string) []dataflow.Row
	memo   map[planner.Plan][]dataflow.Row
	// at is the instant temporal filters are evaluated at; without one they are refused.
	at *time.Time
}

func newEvaluator(tables func(name string) []dataflow.Row) *evaluator {
	if tables == nil {
		tables = func(string) []dataflow.Row { return nil }
	}
	return &evaluator{tables: tables, memo: map[planner.Plan][]dataflow.Row{}}
}

func (ev *evaluator) eval(p planner.Plan) ([]dataflow.Row, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil plan node", ErrInvalidPlan)
	}
	if rows, ok := ev.memo[p]; ok {
		return rows, nil
	}
	var (
		rows []dataflow.Row
		err  error
	)
	switch n := p.(type) {
	case *planner.Scan:
		if n == nil {
			return nil, fmt.Errorf("%w: nil scan", ErrInvalidPlan)
		}
		rows = ev.tables(n.Table)
	case *planner.Filter:
		if n == nil {
			return nil, fmt.Errorf("%w: nil filter", ErrInvalidPlan)
		}
		rows, err = ev.filter(n)
	case *planner.Project:
		if n == nil {
			return nil, fmt.Errorf("%w: nil project", ErrInvalidPlan)
		}
		rows, err = ev.project(n)
	case *planner.Join:
		if n == nil {
			return nil, fmt.Errorf("%w: nil join", ErrInvalidPlan)
		}
		rows, err = ev.join(n)
	case *planner.Aggregate:
		if n == nil {
			return nil, fmt.Errorf("%w: nil aggregate", ErrInvalidPlan)
		}
		rows, err = ev.aggregate(n)
	case *planner.Distinct:
		if n == nil {
			return nil, fmt.Errorf("%w: nil distinct", ErrInvalidPlan)
		}
		rows, err = ev.distinct(n)
	case *planner.TopK:
		if n == nil {
			return nil, fmt.Errorf("%w: nil topk", ErrInvalidPlan)
		}
		rows, err = ev.topK(n)
	case *planner.TemporalFilter:
		if n == nil {
			return nil, fmt.Errorf("%w: nil temporal filter", ErrInvalidPlan)
		}
		rows, err = ev.temporal(n)
	case *planner.Union:
		if n == nil {
			return nil, fmt.Errorf("%w: nil union", ErrInvalidPlan)
		}
		rows, err = ev.union(n)
	case *planner.Window:
		if n == nil {
			return nil, fmt.Errorf("%w: nil window", ErrInvalidPlan)
		}
		rows, err = ev.window(n)
	case *planner.Values:
		if n == nil {
			return nil, fmt.Errorf("%w: nil values", ErrInvalidPlan)
		}
		rows = make([]dataflow.Row, len(n.Rows))
		for i, r := range n.Rows {
			rows[i] = dataflow.Row(r)
		}
	default:
		return nil, fmt.Errorf("%w: unknown plan node %T", ErrInvalidPlan, p)
	}
	if err != nil {
		return nil, err
	}
	// Every input was evaluated above, so Columns cannot meet a nil child here.
	width := len(p.Columns())
	for _, r := range rows {
		if len(r) != width {
			return nil, fmt.Errorf("%w: %T produced row %v of width %d, declared %d", ErrInvalidPlan, p, r, len(r), width)
		}
	}
	ev.memo[p] = rows
	return rows, nil
}

func (ev *evaluator) filter(n *planner.Filter) ([]dataflow.Row, error) {
	in, err := ev.eval(n.Input)
	if err != nil {
		return nil, err
	}
	if n.Pred == nil {
		return nil, fmt.Errorf("%w: filter without predicate", ErrInvalidPlan)
	}
	var out []dataflow.Row
	for _, r := range in {
		// WHERE keeps true only: false and NULL (unknown) both drop the row.
		if n.Pred.Eval(r).Truthy() {
			out = append(out, r)
		}
	}
	return out, nil
}

func (ev *evaluator) project(n *planner.Project) ([]dataflow.Row, error) {
	in, err := ev.eval(n.Input)
	if err != nil {
		return nil, err
	}
	if len(n.Exprs) != len(n.Cols) {
		return nil, fmt.Errorf("%w: project has %d expressions for %d columns", ErrInvalidPlan, len(n.Exprs), len(n.Cols))
	}
	for i, e := range n.Exprs {
		if e == nil {
			return nil, fmt.Errorf("%w: project expression %d is nil", ErrInvalidPlan, i)
		}
	}
	out := make([]dataflow.Row, 0, len(in))
	for _, r := range in {
		row := make(dataflow.Row, len(n.Exprs))
		for i, e := range n.Exprs {
			row[i] = e.Eval(r)
		}
		out = append(out, row)
	}
	return out, nil
}

func (ev *evaluator) join(n *planner.Join) ([]dataflow.Row, error) {
	left, err := ev.eval(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := ev.eval(n.Right)
	if err != nil {
		return nil, err
	}
	if len(n.LeftKeys) != len(n.RightKeys) {
		return nil, fmt.Errorf("%w: join has %d left keys and %d right keys", ErrInvalidPlan, len(n.LeftKeys), len(n.RightKeys))
	}
	lw, rw := len(n.Left.Columns()), len(n.Right.Columns())
	if err := checkPositions("left join key", n.LeftKeys, lw); err != nil {
		return nil, err
	}
	if err := checkPositions("right join key", n.RightKeys, rw); err != nil {
		return nil, err
	}
	if n.Kind != planner.InnerJoin && n.Kind != planner.LeftJoin {
		return nil, fmt.Errorf("%w: unknown join kind %d", ErrInvalidPlan, n.Kind)
	}
	var out []dataflow.Row
	for _, l := range left {
		matched := false
		for _, r := range right {
			if !joinMatch(l, r, n.LeftKeys, n.RightKeys) {
				continue
			}
			joined := concatRows(l, r)
			if n.Residual != nil && !n.Residual.Eval(joined).Truthy() {
				continue
			}
			matched = true
			out = append(out, joined)
		}
		if !matched && n.Kind == planner.LeftJoin {
			out = append(out, concatRows(l, make(dataflow.Row, rw)))
		}
	}
	return out, nil
}

// joinMatch is SQL equality on every key pair: NULL matches nothing, not even NULL.
func joinMatch(l, r dataflow.Row, lk, rk []int) bool {
	for i := range lk {
		a, b := l[lk[i]], r[rk[i]]
		if a.IsNull() || b.IsNull() || dataflow.Compare(a, b) != 0 {
			return false
		}
	}
	return true
}

func concatRows(a, b dataflow.Row) dataflow.Row {
	out := make(dataflow.Row, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// group is the rows that share one key, in input order.
type group struct {
	rows []dataflow.Row
}

// groupRows partitions rows by the collation key of cols (NULLs group together, as GROUP BY
// and DISTINCT require), returning the groups in order of first appearance.
func groupRows(rows []dataflow.Row, cols []int) []*group {
	index := map[string]*group{}
	var order []*group
	var buf []byte
	for _, r := range rows {
		buf = dataflow.AppendRowKey(buf[:0], r, cols)
		g, ok := index[string(buf)]
		if !ok {
			g = &group{}
			index[string(buf)] = g
			order = append(order, g)
		}
		g.rows = append(g.rows, r)
	}
	return order
}

// representative picks the row whose cols show for the group: the least under exactCompare,
// so the choice does not depend on input order.
func representative(g *group, cols []int) dataflow.Row {
	best := g.rows[0]
	for _, r := range g.rows[1:] {
		if exactCompareRows(r, best, cols) < 0 {
			best = r
		}
	}
	return best
}

func (ev *evaluator) aggregate(n *planner.Aggregate) ([]dataflow.Row, error) {
	in, err := ev.eval(n.Input)
	if err != nil {
		return nil, err
	}
	inCols := n.Input.Columns()
	if err := checkPositions("group column", n.GroupBy, len(inCols)); err != nil {
		return nil, err
	}
	for i, a := range n.Aggs {
		if a.Func != operators.AggCountStar && (a.Arg < 0 || a.Arg >= len(inCols)) {
			return nil, fmt.Errorf("%w: aggregate %d argument %d out of range (width %d)", ErrInvalidPlan, i, a.Arg, len(inCols))
		}
		if a.OrderByArg && (a.OrderArg < 0 || a.OrderArg >= len(inCols)) {
			return nil, fmt.Errorf("%w: aggregate %d ORDER BY column %d out of range (width %d)", ErrInvalidPlan, i, a.OrderArg, len(inCols))
		}
	}
	groups := groupRows(in, n.GroupBy)
	if len(n.GroupBy) == 0 && len(groups) == 0 {
		// Without GROUP BY there is exactly one group, even over no rows.
		groups = []*group{{}}
	}
	out := make([]dataflow.Row, 0, len(groups))
	for _, g := range groups {
		row := make(dataflow.Row, 0, len(n.GroupBy)+len(n.Aggs))
		if len(g.rows) > 0 {
			rep := representative(g, n.GroupBy)
			for _, c := range n.GroupBy {
				row = append(row, rep[c])
			}
		}
		for i, spec := range n.Aggs {
			var argType dataflow.Type
			if spec.Arg >= 0 && spec.Arg < len(inCols) {
				argType = inCols[spec.Arg].Type
			}
			v, err := computeAggregate(spec, argType, g.rows)
			if err != nil {
				return nil, fmt.Errorf("aggregate %d: %w", i, err)
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out, nil
}

func (ev *evaluator) distinct(n *planner.Distinct) ([]dataflow.Row, error) {
	in, err := ev.eval(n.Input)
	if err != nil {
		return nil, err
	}
	cols := allColumns(len(n.Input.Columns()))
	groups := groupRows(in, cols)
	out := make([]dataflow.Row, 0, len(groups))
	for _, g := range groups {
		out = append(out, representative(g, cols))
	}
	return out, nil
}

func (ev *evaluator) topK(n *planner.TopK) ([]dataflow.Row, error) {
	in, err := ev.eval(n.Input)
	if err != nil {
		return nil, err
	}
	width := len(n.Input.Columns())
	if err := checkPositions("top-k group column", n.GroupBy, width); err != nil {
		return nil, err
	}
	for _, k := range n.Order {
		if k.Col < 0 || k.Col >= width {
			return nil, fmt.Errorf("%w: top-k order column %d out of range (width %d)", ErrInvalidPlan, k.Col, width)
		}
	}
	if n.Offset < 0 {
		return nil, fmt.Errorf("%w: negative top-k offset %d", ErrInvalidPlan, n.Offset)
	}
	var out []dataflow.Row
	for _, g := range groupRows(in, n.GroupBy) {
		rows := slices.Clone(g.rows)
		// Ties on the order keys are broken by the whole row, so which rows make the cut is
		// a function of the group's contents alone.
		slices.SortStableFunc(rows, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, n.Order) })
		out = append(out, window(rows, n.Offset, n.Limit)...)
	}
	return out, nil
}

func (ev *evaluator) union(n *planner.Union) ([]dataflow.Row, error) {
	if len(n.Ins) == 0 {
		return nil, fmt.Errorf("%w: union without inputs", ErrInvalidPlan)
	}
	var out []dataflow.Row
	for i, in := range n.Ins {
		rows, err := ev.eval(in)
		if err != nil {
			return nil, err
		}
		if w := len(in.Columns()); w != len(n.Cols) {
			return nil, fmt.Errorf("%w: union input %d has %d columns, union %d", ErrInvalidPlan, i, w, len(n.Cols))
		}
		out = append(out, rows...)
	}
	return out, nil
}

package planner

import (
	"slices"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// A GROUP BY that covers a table's primary key also groups, to no effect, by the table's
// other columns that it lists (or that join the group by functional dependency, see
// aggregate.go), and by the columns of a table joined to it by its primary key:
// `GROUP BY s.id, s.title, u.name` over `stories s JOIN users u ON u.id = s.author`. Keyed by all of them, the aggregate's state could
// be partial only for a key of all of them, and a query that looks it up by s.id (the common
// `WHERE id = ?` over such a view) would need a full reader. Every row of a group of s.id
// has the same s.title, so the aggregate groups by the primary key alone and computes the
// dependent column as MIN(s.title), the one value it takes, and a projection puts the columns
// back in their places. Then a key on the primary key traces through the aggregate, which
// keeps its state partial by it. NULL-padded rows of an outer join fall in one group whose
// key and dependent columns are all NULL, where MIN is NULL too.

// dependentGroups lists the group columns of the block that its other group columns
// determine (see determined), leaving the block's own key columns (keep), which must stay
// group columns. Each is checked against the group columns still kept, from the last one
// back, so the kept ones determine every one left out.
func (b *block) dependentGroups(keep []int) []int {
	plain := make([]int, len(b.groups)) // global column of each group, -1 for an expression
	for i, g := range b.groups {
		plain[i] = -1
		if idx, ok := expr.Index(g); ok {
			plain[i] = idx
		}
	}
	removed := make([]bool, len(b.groups))
	var dep []int
	for i := len(b.groups) - 1; i >= 0; i-- {
		if plain[i] < 0 || slices.Contains(keep, i) {
			continue
		}
		var by []int
		for j, c := range plain {
			if j != i && c >= 0 && !removed[j] {
				by = append(by, c)
			}
		}
		if b.determined(by)[plain[i]] {
			removed[i] = true
			dep = append(dep, i)
		}
	}
	slices.Sort(dep)
	return dep
}

// determined returns the columns whose value the values of cols fix, in every row of the
// block's FROM: cols themselves, a column a join equality makes equal to one of them (for a
// LEFT JOIN, only the optional side's column, which is NULL exactly when the preserved
// side's value matches nothing), and every column of a table whose primary key they fix
// (one row, or the NULLs of an outer join's padding), to a fixpoint. Equalities between
// strings or times are left out: equal there need not mean identical ('a' = 'A').
func (b *block) determined(cols []int) map[int]bool {
	d := map[int]bool{}
	for _, c := range cols {
		d[c] = true
	}
	for changed := true; changed; {
		changed = false
		for _, e := range b.joinEqs {
			if d[e.from] && !d[e.to] {
				d[e.to], changed = true, true
			}
			if e.both && d[e.to] && !d[e.from] {
				d[e.from], changed = true, true
			}
		}
		for _, t := range b.sc.tables {
			if t.schema == nil || len(t.schema.PK) == 0 || allIn(d, t.first, t.n) {
				continue
			}
			pk := true
			for _, p := range t.schema.PK {
				pk = pk && d[t.first+p]
			}
			if pk {
				for c := t.first; c < t.first+t.n; c++ {
					d[c] = true
				}
				changed = true
			}
		}
	}
	return d
}

func allIn(d map[int]bool, first, n int) bool {
	for c := first; c < first+n; c++ {
		if !d[c] {
			return false
		}
	}
	return true
}

// joinEq is an equality a join keys on, between global columns: to's value is from's in
// every row (both: and the other way round, for an inner join).
type joinEq struct {
	from, to int
	both     bool
}

// noteJoinEq records a join equality for determined, between columns of one exact type
// that is not a string or a time.
func (b *block) noteJoinEq(preserved, other int, kind JoinKind) {
	ta, tb := b.sc.cols[preserved].col.Type, b.sc.cols[other].col.Type
	switch {
	case ta.Kind != tb.Kind, keyClass(ta) != 1 && keyClass(ta) != 2:
		return
	}
	b.joinEqs = append(b.joinEqs, joinEq{from: preserved, to: other, both: kind == InnerJoin})
}

// reduceGroups rewrites agg to group by its columns other than dep (positions in
// agg.GroupBy), computing each dependent one as MIN. It returns the plan that has agg's
// output layout (a projection over the new aggregate), and the new aggregate.
func reduceGroups(agg *Aggregate, dep []int) (Plan, *Aggregate) {
	if len(dep) == 0 || len(dep) == len(agg.GroupBy) {
		return agg, agg
	}
	g := len(agg.GroupBy)
	red := &Aggregate{Input: agg.Input}
	out := make([]expr.Expr, len(agg.Cols))
	var kept []int
	for i, col := range agg.GroupBy {
		if !slices.Contains(dep, i) {
			kept = append(kept, i)
			red.GroupBy = append(red.GroupBy, col)
			red.Cols = append(red.Cols, agg.Cols[i])
		}
	}
	for i := range kept {
		out[kept[i]] = expr.NewCol(i, red.Cols[i])
	}
	ng := len(red.GroupBy)
	for j, a := range agg.Aggs {
		red.Aggs = append(red.Aggs, a)
		red.Cols = append(red.Cols, agg.Cols[g+j])
		out[g+j] = expr.NewCol(ng+j, agg.Cols[g+j])
	}
	for _, i := range dep {
		col := agg.Cols[i]
		red.Aggs = append(red.Aggs, AggSpec{Func: expr.AggMin, Arg: agg.GroupBy[i], Type: col.Type})
		red.Cols = append(red.Cols, dataflow.Column{Table: col.Table, Name: col.Name, Type: col.Type})
		out[i] = expr.NewCol(len(red.Cols)-1, col)
	}
	return project(red, out, agg.Cols), red
}

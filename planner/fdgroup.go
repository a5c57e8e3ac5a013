package planner

import (
	"slices"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// A GROUP BY that covers a table's primary key also groups, to no effect, by the table's
// other columns that it lists (or that join the group by functional dependency, see
// aggregate.go): `GROUP BY s.id, s.title`. Keyed by all of them, the aggregate's state could
// be partial only for a key of all of them, and a query that looks it up by s.id (the common
// `WHERE id = ?` over such a view) would need a full reader. Every row of a group of s.id
// has the same s.title, so the aggregate groups by the primary key alone and computes the
// dependent column as MIN(s.title), the one value it takes, and a projection puts the columns
// back in their places. Then a key on the primary key traces through the aggregate, which
// keeps its state partial by it. NULL-padded rows of an outer join fall in one group whose
// key and dependent columns are all NULL, where MIN is NULL too.

// dependentGroups lists the group columns of the block that its other group columns
// determine: plain columns of a base table whose primary key columns are all grouped as
// plain columns, themselves not part of that key and not among keep (the block's own key
// columns, which must stay group columns).
func (b *block) dependentGroups(keep []int) []int {
	var dep []int
	for i, g := range b.groups {
		if slices.Contains(keep, i) {
			continue
		}
		idx, ok := expr.Index(g)
		if !ok {
			continue
		}
		ti := b.sc.tableOf(idx)
		if ti < 0 {
			continue
		}
		t := b.sc.tables[ti]
		if t.schema == nil || len(t.schema.PK) == 0 || slices.Contains(t.schema.PK, idx-t.first) {
			continue
		}
		all := true
		for _, p := range t.schema.PK {
			all = all && b.grouped(t.first+p)
		}
		if all {
			dep = append(dep, i)
		}
	}
	return dep
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

package weir

import (
	"context"
	"maps"
	"slices"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// partialPlan is the materialization plan of one query: which of its stateful nodes keep
// partial state and which nodes its reader's fills are read from.
//
// The reader's key columns are traced down the plan, column by column. A filter passes them
// through; a projection maps them when they are plain columns; a union passes them to every
// input. An aggregate or a TopK whose group columns are exactly the traced columns (in
// order), or a join whose join key is, becomes partial, keyed by them, provided everything
// below it can be traced too; the traced key then continues as the group columns, or as
// each side's join columns. Otherwise the node stays full and, when its state can answer
// for the columns (base tables always can, by an index), the trace ends there: it is the
// source of a replay path. When no source can be found the whole query is full.
type partialPlan struct {
	keyed  map[planner.Plan][]int // partial stateful nodes: their key columns
	leaves map[planner.Plan][]int // replay sources: the columns they are looked up by
}

// planPartial traces a query's key columns; nil means the reader must be full.
func planPartial(q *planner.Query) *partialPlan {
	if len(q.KeyCols) == 0 {
		return nil
	}
	pp := newPartialPlan()
	if !pp.trace(q.Root, q.KeyCols) {
		return nil
	}
	return pp
}

func newPartialPlan() *partialPlan {
	return &partialPlan{keyed: map[planner.Plan][]int{}, leaves: map[planner.Plan][]int{}}
}

// attempt traces into a scratch plan and keeps its marks only when every trace succeeds,
// so a node that falls back to full state leaves no partial marks below it.
func (pp *partialPlan) attempt(traces func(try *partialPlan) bool) bool {
	try := newPartialPlan()
	if !traces(try) {
		return false
	}
	maps.Copy(pp.keyed, try.keyed)
	maps.Copy(pp.leaves, try.leaves)
	return true
}

func (pp *partialPlan) trace(p planner.Plan, cols []int) bool {
	switch p := p.(type) {
	case *planner.Scan:
		pp.leaves[p] = cols
		return true
	case *planner.Filter:
		return pp.trace(p.Input, cols)
	case *planner.Project:
		if isIdentity(p.Exprs, len(p.Input.Columns())) {
			return pp.trace(p.Input, cols)
		}
		in, ok := projectedCols(p, cols)
		return ok && pp.trace(p.Input, in)
	case *planner.Union:
		for _, in := range p.Ins {
			if !pp.trace(in, cols) {
				return false
			}
		}
		return true
	case *planner.Aggregate:
		group := seqCols(len(p.GroupBy))
		if len(group) > 0 && slices.Equal(cols, group) &&
			pp.attempt(func(try *partialPlan) bool { return try.trace(p.Input, p.GroupBy) }) {
			pp.keyed[p] = cols
			return true
		}
		if len(group) > 0 && covers(cols, group) {
			pp.leaves[p] = cols
			return true
		}
		return false
	case *planner.TopK:
		if len(p.GroupBy) > 0 && slices.Equal(cols, p.GroupBy) &&
			pp.attempt(func(try *partialPlan) bool { return try.trace(p.Input, p.GroupBy) }) {
			pp.keyed[p] = cols
			return true
		}
		if len(p.GroupBy) > 0 && covers(cols, p.GroupBy) {
			pp.leaves[p] = cols
			return true
		}
		return false
	case *planner.Join:
		if len(p.LeftKeys) == 0 || len(p.LeftKeys) != len(p.RightKeys) {
			return false
		}
		lw := len(p.Left.Columns())
		right := make([]int, len(p.RightKeys))
		for i, c := range p.RightKeys {
			right[i] = lw + c
		}
		if (slices.Equal(cols, p.LeftKeys) || slices.Equal(cols, right)) &&
			pp.attempt(func(try *partialPlan) bool {
				return try.trace(p.Left, p.LeftKeys) && try.trace(p.Right, p.RightKeys)
			}) {
			pp.keyed[p] = cols
			return true
		}
		if covers(cols, p.LeftKeys) || covers(cols, right) {
			pp.leaves[p] = cols
			return true
		}
		return false
	}
	return false
}

// projectedCols maps output columns of a projection to the input columns they copy.
func projectedCols(p *planner.Project, cols []int) ([]int, bool) {
	in := make([]int, len(cols))
	for i, c := range cols {
		if c >= len(p.Exprs) {
			return nil, false
		}
		src, ok := expr.Index(p.Exprs[c])
		if !ok {
			return nil, false
		}
		in[i] = src
	}
	return in, true
}

func seqCols(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// covers reports whether cols includes every column of want.
func covers(cols, want []int) bool {
	for _, w := range want {
		if !slices.Contains(cols, w) {
			return false
		}
	}
	return true
}

// replayTree builds the fill tree of a partial reader from the lowered query: one leaf per
// replay source, each with the hops down to the reader.
func (l *lowering) replayTree(q *planner.Query, rnode *dataflow.Node, fill func(dataflow.Row, dataflow.Batch) bool) *dataflow.Replay {
	r := &dataflow.Replay{Fill: fill}
	hop := func(n *dataflow.Node, slot, pieces int, key []int, tail []dataflow.ReplayHop) []dataflow.ReplayHop {
		return append([]dataflow.ReplayHop{{Node: n, Slot: slot, Pieces: pieces, Key: key}}, tail...)
	}
	var walk func(p planner.Plan, cols []int, tail []dataflow.ReplayHop)
	walk = func(p planner.Plan, cols []int, tail []dataflow.ReplayHop) {
		n := l.nodes[p]
		if src, ok := l.pp.leaves[p]; ok {
			r.Leaves = append(r.Leaves, dataflow.ReplayLeaf{Source: n, Lookup: l.sourceLookup(n, src), Hops: tail})
			return
		}
		switch p := p.(type) {
		case *planner.Filter:
			walk(p.Input, cols, hop(n, 0, 1, cols, tail))
		case *planner.Project:
			if isIdentity(p.Exprs, len(p.Input.Columns())) {
				walk(p.Input, cols, tail)
				return
			}
			in, _ := projectedCols(p, cols)
			walk(p.Input, in, hop(n, 0, 1, cols, tail))
		case *planner.Union:
			for i, in := range p.Ins {
				walk(in, cols, hop(n, i, len(p.Ins), cols, tail))
			}
		case *planner.Aggregate:
			walk(p.Input, p.GroupBy, hop(n, 0, 1, cols, tail))
		case *planner.TopK:
			walk(p.Input, p.GroupBy, hop(n, 0, 1, cols, tail))
		case *planner.Join:
			walk(p.Left, p.LeftKeys, hop(n, 0, 2, cols, tail))
			walk(p.Right, p.RightKeys, hop(n, 1, 2, cols, tail))
		}
	}
	walk(q.Root, q.KeyCols, []dataflow.ReplayHop{{Node: rnode, Pieces: 1, Key: q.KeyCols}})
	return r
}

// sourceLookup is how a replay source answers for a key.
func (l *lowering) sourceLookup(n *dataflow.Node, cols []int) func(dataflow.Row) []dataflow.Row {
	idx := n.Op.(operators.OutputIndex)
	if base, ok := idx.(*operators.Base); ok && !base.CoveredByPrimaryKey(cols) {
		// Fills by other columns would scan the table: index them. The index is built in
		// the base domain, which may be answering other views' upqueries meanwhile (writes
		// are stopped, but reads are not).
		d := l.e.rt.Domains[n.Domain]
		if err := d.Call(context.Background(), func() { base.EnsureIndex(cols) }); err != nil {
			l.err = err
		}
	}
	cols = slices.Clone(cols)
	return func(key dataflow.Row) []dataflow.Row { return idx.LookupOutput(cols, key) }
}

// isPartial reports whether a node keeps partial state (a partial reader included).
func isPartial(n *dataflow.Node) bool {
	switch op := n.Op.(type) {
	case *operators.Reader:
		return op.Partial()
	case dataflow.PartialState:
		return op.Partial()
	}
	return false
}

// setUps records, for a partial node, the partial states that feed each of its inputs
// through stateless operators: where its holds are.
func setUps(n *dataflow.Node) {
	n.Ups = make([][]*dataflow.Node, len(n.Parents))
	for i, p := range n.Parents {
		n.Ups[i] = partialAbove(p, nil)
	}
}

func partialAbove(n *dataflow.Node, out []*dataflow.Node) []*dataflow.Node {
	if isPartial(n) {
		return append(out, n)
	}
	switch n.Op.(type) {
	case *operators.Filter, *operators.Project, *operators.Union:
		for _, p := range n.Parents {
			out = partialAbove(p, out)
		}
	}
	return out
}

package weir

import (
	"context"
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// PlanStep is one operator of a cache's dataflow, as Explain lists it.
type PlanStep struct {
	// Depth is the step's distance from the reader (0), whose inputs are listed below it;
	// a read that combines or merges several lookups lists that step first, at depth 0, and
	// the reader at 1.
	Depth int
	// Operator describes the step ("reader", "aggregate(…)", "base(votes)").
	Operator string
	// State is "partial" or "full" for a step that keeps state (readers, base tables,
	// aggregates, joins, top-k, DISTINCT), "" for a stateless one.
	State string
	// Why says, for full state, what keeps it full; for state partial by some of the
	// columns it groups by (an aggregate grouped by the key and other columns, a DISTINCT),
	// by which.
	Why string
}

// Explain describes the cache a SELECT reads: the operators from its reader up to the
// base tables, and for each state whether it is partial (only the keys read, filled by
// upqueries, evicted under the memory limit) or full, and why. A query shape not yet
// cached is installed, as its first read would install it, but not read.
func (e *Engine) Explain(ctx context.Context, sql string) ([]PlanStep, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	q, err := e.planSelect(contextDatabase(ctx), sql)
	if err != nil {
		return nil, err
	}
	if q.InfoSchema {
		// information_schema and SELECTs without FROM are answered when they run.
		return []PlanStep{{Operator: "evaluated when it runs, never cached (information_schema, or no FROM)"}}, nil
	}
	v, err := e.shapeView(ctx, q)
	if err != nil {
		return nil, err
	}
	return v.explain(q), nil
}

// Explain describes the view's dataflow as Engine.Explain does.
func (v *View) Explain() []PlanStep { return v.explain(v.query) }

// explain lists the read's own work after its lookups first (combining or merging several
// lookups, which belongs to the statement q: views share readers, not lookups), then the
// dataflow from the reader up.
func (v *View) explain(q *planner.Query) []PlanStep {
	var steps []PlanStep
	base := 0
	if post := q.PostLookup(); post != "" {
		steps = append(steps, PlanStep{Operator: post})
		base = 1
	}
	seen := map[*dataflow.Node]bool{}
	var readerWhy string
	var walk func(n *dataflow.Node, depth int)
	walk = func(n *dataflow.Node, depth int) {
		step := PlanStep{Depth: depth, Operator: n.Op.Describe()}
		if seen[n] {
			step.Operator += " (shared, listed above)"
			steps = append(steps, step)
			return
		}
		seen[n] = true
		step.State, step.Why = stateOf(n, readerWhy)
		steps = append(steps, step)
		for _, p := range n.Parents {
			walk(p, depth+1)
		}
	}
	if v.branches == nil {
		readerWhy = v.reader.FullReason()
		walk(v.node, base)
		return steps
	}
	// A parameter under OR: one reader per branch, each partial where its own key traces
	// to an index.
	for i, b := range v.branches {
		step := PlanStep{Depth: base, Operator: fmt.Sprintf("branch %d of OR: %s", i, v.query.Or.Texts[i])}
		steps = append(steps, step)
		readerWhy = b.reader.FullReason()
		walk(b.node, base+1)
	}
	return steps
}

// stateOf says whether n keeps state, partial or full, and why full state is full.
func stateOf(n *dataflow.Node, readerWhy string) (state, why string) {
	switch op := n.Op.(type) {
	case *operators.Reader:
		if op.Partial() {
			return "partial", ""
		}
		return "full", readerWhy
	case *operators.Base:
		return "full", "a base table holds every row"
	case dataflow.Stateless:
		return "", ""
	}
	if dataflow.IsPartial(n) {
		if sk, ok := n.Op.(dataflow.SubKeyedState); ok && sk.PartialKey() != nil && len(n.Parents) == 1 {
			return "partial", "by " + colNames(n.Parents[0], sk.PartialKey())
		}
		if a, ok := n.Op.(*operators.Aggregate); ok && len(n.Parents) == 1 {
			if col, ok := a.IntervalColumn(); ok {
				return "partial", "by intervals of " + colNames(n.Parents[0], []int{col})
			}
		}
		return "partial", ""
	}
	if readerWhy != "" {
		return "full", "kept whole, as the cache is full"
	}
	return "full", "the cache's key does not reach it, so it is kept whole (a join beside the key's path reads it whole)"
}

// colNames names columns of n's output ("votes.article_id, $2").
func colNames(n *dataflow.Node, cols []int) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = fmt.Sprintf("$%d", c)
		if c >= 0 && c < len(n.Cols) && n.Cols[c].Name != "" {
			names[i] = n.Cols[c].Name
			if n.Cols[c].Table != "" {
				names[i] = n.Cols[c].Table + "." + names[i]
			}
		}
	}
	return strings.Join(names, ", ")
}

// ExplainText renders steps as an indented tree, one step per line.
func ExplainText(steps []PlanStep) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString(strings.Repeat("  ", s.Depth))
		b.WriteString(s.Operator)
		if s.State != "" {
			b.WriteString(" [" + s.State)
			if s.Why != "" {
				b.WriteString(": " + s.Why)
			}
			b.WriteString("]")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

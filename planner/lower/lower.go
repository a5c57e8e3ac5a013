package lower

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/upquery"
)

// Query lowers a planned query into the graph g: the nodes of its plan, reusing existing
// nodes that compute the same thing, and its reader. The partial states and the partiality
// of a new reader are chosen by upquery.Plan from the operators' column provenance, before
// anything is shared (a partial state and a full one computing the same thing are
// different nodes). table finds a base table's node; home is the domain new nodes go to,
// unless a parent's is higher. g must not change meanwhile (writes stopped, domains idle).
// On error nothing is left in g.
func Query(g *dataflow.Graph, table func(name string) (*dataflow.Node, bool), home int, q *planner.Query) (*Lowered, error) {
	l := &lowering{g: g, table: table, home: home, descs: map[*dataflow.Node]string{}, linked: map[*dataflow.Node]*dataflow.Node{}}
	built, err := l.build(q.Root)
	if err != nil {
		return nil, err
	}
	partial, keyed := upquery.Plan(built, q.KeyCols)
	why := ""
	if !keyed {
		why = upquery.FullReason(built, q.KeyCols) // before linking, on the nodes Plan traced
	}
	for _, p := range partial {
		p.Apply()
	}
	// A reader whose only parameters are ranges keeps the intervals read when a range
	// upquery can fill them, and the states by intervals on the way keep them too.
	rc := q.RangeCol()
	var ivStates []upquery.IntervalPartial
	rangeWhy := ""
	if !keyed && len(q.KeyCols) == 0 && rc >= 0 {
		ivStates, rangeWhy = upquery.PlanRange(built, rc)
		for _, p := range ivStates {
			p.Apply()
			// Never shared: the state evicts with its one reader (see
			// operators.IntervalState).
			l.unshared = append(l.unshared, p.Node)
		}
	}
	root, err := l.link(built)
	if err != nil {
		l.undo()
		return nil, err
	}
	out := &Lowered{}
	readerSig := fmt.Sprintf("reader(%v,%v)<-n%d", q.KeyCols, q.Order, root.ID)
	if rc := q.RangeCol(); rc >= 0 {
		readerSig = fmt.Sprintf("reader(%v,%v,range $%d)<-n%d", q.KeyCols, q.Order, rc, root.ID)
	}
	rnode, ok := g.Lookup(readerSig)
	if !ok {
		reader := operators.NewReader(q.KeyCols, q.Order)
		if rc >= 0 {
			reader.SetRange(rc)
		}
		switch {
		case keyed: // a new reader whose key traces to states that can fill it
			reader.SetPartial()
		case len(q.KeyCols) == 0 && rc >= 0:
			// The one key would hold the whole result: keep the intervals read.
			if rangeWhy == "" {
				reader.SetIntervalHoles()
				for _, p := range ivStates {
					state := l.linked[p.Node]
					if state.Domain != max(home, root.Domain) {
						l.undo()
						return nil, fmt.Errorf("lower: a state by intervals in domain %d, its reader in %d", state.Domain, max(home, root.Domain))
					}
					reader.AddIntervalState(state.Op.(operators.IntervalState))
				}
			} else {
				reader.SetFullReason("its only parameters are ranges, and " + rangeWhy)
			}
		default:
			reader.SetFullReason(why)
		}
		rnode = &dataflow.Node{Op: reader, Parents: []*dataflow.Node{root},
			Domain: max(home, root.Domain), Cols: q.Root.Columns(), Signature: readerSig}
		if err := g.Add(rnode); err != nil {
			l.undo()
			return nil, err
		}
		l.created = append(l.created, rnode)
		out.NewReader = true
	}
	out.Reader, out.Created = rnode, l.created
	return out, nil
}

// Lowered is what Query added to the graph.
type Lowered struct {
	// Reader is the query's reader: new (NewReader), or shared with an earlier query of the
	// same shape.
	Reader    *dataflow.Node
	NewReader bool
	// Created lists the nodes added, parents first (the reader last, when new).
	Created []*dataflow.Node
}

// Undo removes the nodes Query added, for a registration that failed after it.
func (l *Lowered) Undo(g *dataflow.Graph) {
	for i := len(l.Created) - 1; i >= 0; i-- {
		g.RemoveUnused(l.Created[i])
	}
	l.Created = nil
}

// lowering turns a query's plan into graph nodes in two steps. build makes a node for each
// plan node, outside the graph (a scan is the base table's own node); once upquery.Plan has
// chosen the states that are partial, link adds the nodes to the graph, parents first,
// reusing an existing node wherever one computes the same thing: same operator, same
// partiality, same parents.
type lowering struct {
	g     *dataflow.Graph
	table func(name string) (*dataflow.Node, bool)
	home  int // the domain new nodes go to, unless a parent's is higher
	// descs holds the description of every node build made, for its signature.
	descs map[*dataflow.Node]string
	// linked maps a built node to the graph's node that computes it.
	linked map[*dataflow.Node]*dataflow.Node
	// created lists the nodes added to the graph, parents first.
	created []*dataflow.Node
	// unshared lists built nodes that must not be shared with other queries, nor found
	// by later ones: they get a signature of their own.
	unshared []*dataflow.Node
}

// unsharedSeq numbers the signatures of unshared nodes.
var unsharedSeq atomic.Uint64

// build makes the nodes of a plan, outside the graph.
func (l *lowering) build(p planner.Plan) (*dataflow.Node, error) {
	if s, ok := p.(*planner.Scan); ok {
		n, ok := l.table(s.Table)
		if !ok {
			return nil, &planner.Error{Code: planner.CodeUnknownTable, SQLState: "42S02", Msg: fmt.Sprintf("Table '%s' doesn't exist", s.Table)}
		}
		return n, nil
	}
	if pr, ok := p.(*planner.Project); ok && isIdentity(pr.Exprs, len(pr.Input.Columns())) {
		return l.build(pr.Input)
	}
	var parents []*dataflow.Node
	for _, in := range p.Inputs() {
		n, err := l.build(in)
		if err != nil {
			return nil, err
		}
		parents = append(parents, n)
	}
	var op dataflow.Operator
	var desc string
	switch p := p.(type) {
	case *planner.Filter:
		op, desc = operators.NewFilter(p.Pred), "filter("+p.Pred.String()+")"
	case *planner.TemporalFilter:
		op = operators.NewTemporalFilter(p.Atoms, p.Clocks)
		desc = op.Describe()
	case *planner.Project:
		op, desc = operators.NewProject(p.Exprs), "project("+exprList(p.Exprs)+")"
	case *planner.Join:
		kind := operators.JoinInner
		if p.Kind == planner.LeftJoin {
			kind = operators.JoinLeft
		}
		lw, rw := len(p.Left.Columns()), len(p.Right.Columns())
		join := operators.NewJoin(kind, p.LeftKeys, p.RightKeys, lw, rw)
		for side, parent := range parents {
			if storedRows(parent) {
				join.ShareRows(side)
			}
		}
		op = join
		desc = fmt.Sprintf("join(%d,%v,%v,%d,%d)", p.Kind, p.LeftKeys, p.RightKeys, lw, rw)
		if p.Residual != nil {
			join.SetResidual(p.Residual)
			desc += " and " + p.Residual.String()
		}
	case *planner.Aggregate:
		op, desc = operators.NewAggregate(p.GroupBy, p.Aggs), fmt.Sprintf("agg(%v,%+v)", p.GroupBy, p.Aggs)
	case *planner.Distinct:
		op, desc = operators.NewDistinct(), "distinct"
	case *planner.TopK:
		op = operators.NewTopK(p.GroupBy, p.Order, p.Limit, p.Offset)
		desc = fmt.Sprintf("topk(%v,%v,%d,%d)", p.GroupBy, p.Order, p.Limit, p.Offset)
	case *planner.Union:
		op, desc = operators.NewUnion(len(p.Ins)), "union"
	case *planner.Values:
		op, desc = operators.NewValues(p.Rows), p.Describe()
	case *planner.Window:
		w := operators.NewWindow(len(p.Input.Columns()), p.Partition, p.Order, p.Funcs)
		op, desc = w, fmt.Sprintf("window(%d)%s", len(p.Input.Columns()), w.Describe())
	default:
		return nil, &planner.Error{Code: planner.CodeUnsupported, SQLState: "42000", Msg: fmt.Sprintf("plan node %T cannot be lowered", p)}
	}
	n := &dataflow.Node{Op: op, Parents: parents, Cols: p.Columns()}
	l.descs[n] = desc
	return n, nil
}

// link adds a built node and its built ancestors to the graph, or finds the existing nodes
// that compute the same, and returns the graph's node.
func (l *lowering) link(n *dataflow.Node) (*dataflow.Node, error) {
	desc, built := l.descs[n]
	if !built {
		return n, nil // a node of the graph already (a base table)
	}
	if m, ok := l.linked[n]; ok {
		return m, nil
	}
	parents := make([]*dataflow.Node, len(n.Parents))
	sig := desc
	if upquery.IsPartial(n) {
		sig += " partial"
		if sk, ok := n.Op.(dataflow.SubKeyedState); ok && sk.PartialKey() != nil {
			sig += fmt.Sprintf(" by %v", sk.PartialKey())
		}
	}
	if slices.Contains(l.unshared, n) {
		sig += fmt.Sprintf(" by intervals #%d", unsharedSeq.Add(1))
	}
	sig += "<-"
	dom := l.home
	for i, p := range n.Parents {
		lp, err := l.link(p)
		if err != nil {
			return nil, err
		}
		parents[i] = lp
		if i > 0 {
			sig += ","
		}
		sig += fmt.Sprintf("n%d", lp.ID)
		dom = max(dom, lp.Domain)
	}
	if m, ok := l.g.Lookup(sig); ok {
		l.linked[n] = m
		return m, nil
	}
	n.Parents, n.Domain, n.Signature = parents, dom, sig
	if err := l.g.Add(n); err != nil {
		return nil, err
	}
	l.created = append(l.created, n)
	l.linked[n] = n
	return n, nil
}

// undo removes the nodes a failed registration added.
func (l *lowering) undo() {
	for i := len(l.created) - 1; i >= 0; i-- {
		l.g.RemoveUnused(l.created[i])
	}
	l.created = nil
}

// storedRows reports whether n's output rows are the rows a base table stores: the
// table's own, or those filters pass on unchanged.
func storedRows(n *dataflow.Node) bool {
	switch n.Op.(type) {
	case *operators.Base:
		return true
	case *operators.Filter:
		return len(n.Parents) == 1 && storedRows(n.Parents[0])
	}
	return false
}

// isIdentity reports whether a projection passes its input through unchanged.
func isIdentity(es []expr.Expr, width int) bool {
	if len(es) != width {
		return false
	}
	for i, e := range es {
		if c, ok := expr.Index(e); !ok || c != i {
			return false
		}
	}
	return true
}

func exprList(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

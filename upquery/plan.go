package upquery

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// Plan decides which stateful nodes of a new query keep partial state, by tracing the
// reader's key columns up from root (the node the reader reads) through the operators'
// column provenance (dataflow.Operator.Origins):
//
//   - A stateless operator (dataflow.Stateless) passes the key to every parent, each key
//     column mapped to the parent column it copies. A column the operator computes cannot be
//     traced, and neither can the query.
//   - A keyed state (dataflow.KeyedState) whose state key the traced columns are, one for
//     one and in order, as seen from one of its parents, becomes partial when each parent
//     can in turn be traced by its own state key: the key continues upward as the group
//     columns of an aggregate, or as each side's join columns.
//   - Otherwise a state that can be partial by some of what it groups by
//     (dataflow.SubKeyedState), where the traced columns are such columns of its parent,
//     becomes partial by them when the parent can be traced by them: an aggregate grouped
//     by the key and other columns, a DISTINCT whose rows carry the key.
//   - Otherwise a state that can answer for the columns from its own rows
//     (dataflow.OutputIndex: base tables always can, by an index) ends the trace: it is the
//     source of a replay path, and stays full.
//   - Otherwise a full join whose traced columns all come from one side passes the key to
//     that side (dataflow.ReplayThrough), provided nothing there becomes partial: a piece
//     from that side is joined with the other side's full state on its way down. A view
//     of comments joined with their authors, looked up by story, is filled from the
//     comments' index on the story column, through the join.
//
// The nodes are those of the new query, before they are linked into the graph: root's
// ancestors are new nodes or existing ones (base tables). ok is false when some path finds
// no source: the reader must then be full, and so must every state of the query. The states
// returned are the ones to make partial (Partial.Apply) before linking.
func Plan(root *dataflow.Node, keyCols []int) (partial []Partial, ok bool) {
	partial, ok, _ = plan(root, keyCols)
	return partial, ok
}

// Partial is a state Plan makes partial: by its own state key (dataflow.KeyedState), or,
// when By is set, by those columns of its parent (dataflow.SubKeyedState).
type Partial struct {
	Node *dataflow.Node
	By   []int
}

// Apply makes the state partial as planned. It must be called before the node is linked.
func (p Partial) Apply() {
	if p.By != nil {
		p.Node.Op.(dataflow.SubKeyedState).SetPartialBy(p.By)
		return
	}
	p.Node.Op.(dataflow.KeyedState).SetPartial()
}

// FullReason says why Plan finds no partial plan for a reader keyed by keyCols over root
// (the first obstacle the trace met, naming the operator and the key's columns), so that
// EXPLAIN and SHOW CACHES can tell a user what keeps a cache full; "" when Plan would make
// it partial.
func FullReason(root *dataflow.Node, keyCols []int) string {
	_, ok, why := plan(root, keyCols)
	if ok {
		return ""
	}
	return why
}

func plan(root *dataflow.Node, keyCols []int) (partial []Partial, ok bool, why string) {
	if len(keyCols) == 0 {
		return nil, false, "the query has no key parameter: one key holds its whole result"
	}
	t := newTracer()
	if !t.trace(root, keyCols) {
		return nil, false, t.why
	}
	// In the order of a walk from root, so callers see the same order every time.
	seen := map[*dataflow.Node]bool{}
	var walk func(n *dataflow.Node)
	walk = func(n *dataflow.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if t.keyed[n] {
			partial = append(partial, Partial{Node: n, By: t.by[n]})
		}
		for _, p := range n.Parents {
			walk(p)
		}
	}
	walk(root)
	return partial, true, ""
}

// tracer collects the nodes a trace makes partial (by, for those partial by some of what
// they group by, those columns of their parent), and the first obstacle it met.
type tracer struct {
	keyed map[*dataflow.Node]bool
	by    map[*dataflow.Node][]int
	why   string
}

func newTracer() tracer {
	return tracer{keyed: map[*dataflow.Node]bool{}, by: map[*dataflow.Node][]int{}}
}

// keep takes the marks of a scratch trace that succeeded.
func (t *tracer) keep(try *tracer) {
	maps.Copy(t.keyed, try.keyed)
	maps.Copy(t.by, try.by)
}

// fail records why the trace stopped at n, unless an earlier obstacle was recorded.
func (t *tracer) fail(n *dataflow.Node, cols []int, format string, args ...any) bool {
	if t.why == "" {
		t.why = fmt.Sprintf("%s %s (the key there: %s)", n.Op.Describe(), fmt.Sprintf(format, args...), colNames(n, cols))
	}
	return false
}

// adopt takes the obstacle a scratch trace met, unless an earlier one was recorded.
func (t *tracer) adopt(try *tracer) {
	if t.why == "" {
		t.why = try.why
	}
}

func (t *tracer) trace(n *dataflow.Node, cols []int) bool {
	if _, ok := n.Op.(dataflow.Stateless); ok {
		if len(n.Parents) == 0 {
			return t.fail(n, cols, "makes its rows itself, with no table to fill a key from")
		}
		for slot, p := range n.Parents {
			in, ok := ParentCols(n.Op, slot, cols)
			if !ok {
				return t.fail(n, cols, "computes a key column rather than copying it from an input, so no index finds its rows")
			}
			if !t.trace(p, in) {
				return false
			}
		}
		return true
	}
	ks, keyedState := n.Op.(dataflow.KeyedState)
	if keyedState && StateKeyed(n, cols) {
		// Trace into a scratch set and keep its marks only when every parent traces, so a
		// node that falls back to full state leaves no partial marks below it.
		try := newTracer()
		all := true
		for slot, p := range n.Parents {
			if !try.trace(p, ks.StateKey(slot)) {
				all = false
				break
			}
		}
		if all {
			t.keep(&try)
			t.keyed[n] = true
			return true
		}
		t.adopt(&try)
	}
	if sk, ok := n.Op.(dataflow.SubKeyedState); ok && len(n.Parents) == 1 {
		if in, ok := ParentCols(n.Op, 0, cols); ok && sk.PartialKeyable(in) {
			try := newTracer()
			if try.trace(n.Parents[0], in) {
				t.keep(&try)
				t.keyed[n], t.by[n] = true, in
				return true
			}
			t.adopt(&try)
		}
	}
	if idx, ok := n.Op.(dataflow.OutputIndex); ok && idx.KeyedBy(cols) {
		return true
	}
	// A full join whose key columns all come from one side lets the replay through, when
	// that side's path holds no partial state: the join's state must hold every row of its
	// parents, which a partial parent would not give it.
	if slot, in, ok := passThrough(n, cols); ok {
		try := newTracer()
		if try.trace(n.Parents[slot], in) && len(try.keyed) == 0 {
			return true
		}
		t.adopt(&try)
		return t.fail(n, cols, "must hold every row of its inputs, and the side the key comes from holds partial state")
	}
	if keyedState && !StateKeyed(n, cols) {
		return t.fail(n, cols, "keeps its state by other or more columns than the key")
	}
	return t.fail(n, cols, "has no index that finds its rows by the key")
}

// colNames names the columns cols of n's output for a reason ("a.id, title").
func colNames(n *dataflow.Node, cols []int) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		if c >= 0 && c < len(n.Cols) && n.Cols[c].Name != "" {
			names[i] = n.Cols[c].Name
			if n.Cols[c].Table != "" {
				names[i] = n.Cols[c].Table + "." + names[i]
			}
		} else {
			names[i] = fmt.Sprintf("$%d", c)
		}
	}
	return strings.Join(names, ", ")
}

// passThrough reports whether a replay by output columns cols can pass through n, a full
// state that computes a piece's output from its other parents' state
// (dataflow.ReplayThrough), and from which parent, by which of its columns: the first
// parent that all of cols copy.
func passThrough(n *dataflow.Node, cols []int) (slot int, in []int, ok bool) {
	if _, ok := n.Op.(dataflow.ReplayThrough); !ok || IsPartial(n) || len(cols) == 0 {
		return 0, nil, false
	}
	for slot := range n.Parents {
		if in, ok := ParentCols(n.Op, slot, cols); ok {
			return slot, in, true
		}
	}
	return 0, nil, false
}

// ParentCols maps output columns of op to the columns of its parent at slot that they copy;
// ok is false when one of them is not a copy of a column of that parent.
func ParentCols(op dataflow.Operator, slot int, cols []int) ([]int, bool) {
	in := make([]int, len(cols))
	for i, c := range cols {
		found := false
		for _, o := range op.Origins(c) {
			if o.Slot == slot {
				in[i], found = o.Col, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return in, true
}

// StateKeyed reports whether the output columns cols of a keyed state are its state key:
// seen from one of its parents, they copy exactly that parent's key columns, in order.
func StateKeyed(n *dataflow.Node, cols []int) bool {
	ks, ok := n.Op.(dataflow.KeyedState)
	if !ok || len(n.Parents) == 0 {
		return false
	}
	for slot := range n.Parents {
		if len(ks.StateKey(slot)) == 0 {
			return false
		}
	}
	for slot := range n.Parents {
		if in, ok := ParentCols(n.Op, slot, cols); ok && slices.Equal(in, ks.StateKey(slot)) {
			return true
		}
	}
	return false
}

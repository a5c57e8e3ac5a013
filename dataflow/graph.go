package dataflow

import (
	"fmt"
	"strings"
)

// NodeID identifies a node in the graph.
type NodeID int

// Node is a vertex of the dataflow graph: an operator, its place (domain) and its edges.
// Parents and children change only while the graph is quiescent (see Graph.Quiesce in the
// engine); a domain reads them while it processes messages.
type Node struct {
	ID       NodeID
	Op       Operator
	Parents  []*Node
	Children []Edge
	// Domain is the index of the domain that runs the node. A node's domain is never lower
	// than its parents' domains, so the graph of domains is acyclic.
	Domain int
	// Cols is the node's output schema.
	Cols []Column
	// Signature identifies the computation (operator and inputs) so identical sub-plans of
	// different queries share one node.
	Signature string
	// Base is the table name for a base-table node.
	Base string
	// Ups lists, per parent slot, the partial states that feed the node through stateless
	// operators: the states on which a partial node holds its present keys (see
	// PartialState). Set for partial nodes when they are created.
	Ups [][]*Node
	// refs counts the views whose plan uses the node; nodes with no references and no
	// children are removed.
	refs int
	// backfill, while not nil, holds the deltas that reach a new node whose initial state
	// is still being computed (see StartBackfill).
	backfill *backfill
	// retired is set in the node's domain once the node has left the graph (Domain.Retire):
	// replay pieces that reach it afterwards are dropped, and releases for it ignored.
	retired bool
}

// Refs is the number of views whose plan uses the node. It changes only while the graph
// is quiescent.
func (n *Node) Refs() int { return n.refs }

// backfill is the queue of deltas a node received during its backfill, in arrival order.
type backfill struct {
	pending []slotBatch
}

type slotBatch struct {
	slot  int
	batch Batch
}

// StartBackfill makes a new node queue the deltas that reach it instead of applying them,
// until its domain runs EndBackfill. Meanwhile its initial state can be computed outside the
// domain from a snapshot of its inputs taken when the node was linked in: the domain does
// not touch the operator, and the queued deltas are exactly the changes made after the
// snapshot. Call it before the node is added to the graph (or while no delta can reach it).
func (n *Node) StartBackfill() { n.backfill = &backfill{} }

// Backfilling reports whether the node is queueing deltas (see StartBackfill).
func (n *Node) Backfilling() bool { return n.backfill != nil }

// Edge connects a node to a child, entering the child at parent position Slot.
type Edge struct {
	Child *Node
	Slot  int
}

// Graph holds every node. It is mutated only by the engine while every domain is idle.
type Graph struct {
	nodes  []*Node
	bySig  map[string]*Node
	nextID NodeID
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{bySig: make(map[string]*Node)}
}

// Lookup returns the node with the given signature, if one exists.
func (g *Graph) Lookup(signature string) (*Node, bool) {
	n, ok := g.bySig[signature]
	return n, ok
}

// Add inserts a node under its parents. The node's domain must be at least every parent's.
func (g *Graph) Add(n *Node) error {
	for _, p := range n.Parents {
		if p.Domain > n.Domain {
			return fmt.Errorf("dataflow: node %q in domain %d below parent %d in domain %d", n.Signature, n.Domain, p.ID, p.Domain)
		}
	}
	if _, dup := g.bySig[n.Signature]; dup {
		return fmt.Errorf("dataflow: duplicate node signature %q", n.Signature)
	}
	n.ID = g.nextID
	g.nextID++
	for i, p := range n.Parents {
		p.Children = append(p.Children, Edge{Child: n, Slot: i})
	}
	g.nodes = append(g.nodes, n)
	g.bySig[n.Signature] = n
	return nil
}

// Retain records one more view using n and all of its ancestors.
func (g *Graph) Retain(n *Node) {
	n.refs++
	for _, p := range n.Parents {
		g.Retain(p)
	}
}

// Release drops one view reference from n and its ancestors and removes the nodes that no
// longer serve any view (base tables stay). It returns the removed nodes.
func (g *Graph) Release(n *Node) []*Node {
	var removed []*Node
	var release func(n *Node)
	release = func(n *Node) {
		n.refs--
		// Remove the node before releasing its parents, so they see it gone.
		if n.refs <= 0 && n.Base == "" && len(n.Children) == 0 {
			g.remove(n)
			removed = append(removed, n)
		}
		for _, p := range n.Parents {
			release(p)
		}
	}
	release(n)
	return removed
}

func (g *Graph) remove(n *Node) {
	for _, p := range n.Parents {
		kept := p.Children[:0]
		for _, e := range p.Children {
			if e.Child != n {
				kept = append(kept, e)
			}
		}
		p.Children = kept
	}
	delete(g.bySig, n.Signature)
	for i, m := range g.nodes {
		if m == n {
			g.nodes = append(g.nodes[:i], g.nodes[i+1:]...)
			break
		}
	}
}

// RemoveUnused removes a node that no view references and nothing reads from (a node added
// by a registration that then failed).
func (g *Graph) RemoveUnused(n *Node) {
	if n.refs <= 0 && len(n.Children) == 0 {
		g.remove(n)
	}
}

// RemoveBase removes a base-table node; it must have no children left.
func (g *Graph) RemoveBase(n *Node) error {
	if len(n.Children) > 0 {
		return fmt.Errorf("dataflow: table %s still feeds %d nodes", n.Base, len(n.Children))
	}
	g.remove(n)
	return nil
}

// Descendants returns n and every node below it, parents before children.
func (g *Graph) Descendants(n *Node) []*Node {
	seen := map[*Node]bool{}
	var post []*Node
	var visit func(*Node)
	visit = func(m *Node) {
		if seen[m] {
			return
		}
		seen[m] = true
		for _, e := range m.Children {
			visit(e.Child)
		}
		post = append(post, m)
	}
	visit(n)
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post
}

// Nodes returns every node in insertion order (parents before children).
func (g *Graph) Nodes() []*Node { return g.nodes }

// Dot renders the graph (or the part above the given nodes, when any are given) in Graphviz
// dot syntax.
func (g *Graph) Dot(roots ...*Node) string {
	include := map[*Node]bool{}
	if len(roots) == 0 {
		for _, n := range g.nodes {
			include[n] = true
		}
	} else {
		var up func(*Node)
		up = func(n *Node) {
			if include[n] {
				return
			}
			include[n] = true
			for _, p := range n.Parents {
				up(p)
			}
		}
		for _, r := range roots {
			up(r)
		}
	}
	var b strings.Builder
	b.WriteString("digraph weir {\n  node [shape=box, fontname=\"monospace\"];\n")
	for _, n := range g.nodes {
		if !include[n] {
			continue
		}
		label := n.Op.Describe()
		fmt.Fprintf(&b, "  n%d [label=%q];\n", n.ID, fmt.Sprintf("n%d d%d\n%s", n.ID, n.Domain, label))
	}
	for _, n := range g.nodes {
		if !include[n] {
			continue
		}
		for _, e := range n.Children {
			if include[e.Child] {
				fmt.Fprintf(&b, "  n%d -> n%d;\n", n.ID, e.Child.ID)
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

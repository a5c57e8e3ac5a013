package dataflow

import "context"

// Backfill computes the initial state of the full nodes a registration added to a live
// graph. Writes pause only while the nodes are linked in and their inputs are snapshotted
// (NewBackfill: the rows of the base tables and existing states they read from, as copies
// of row references). Run then computes the new nodes' states from that snapshot outside
// the domains while writes go on: the deltas that reach them meanwhile are queued
// (Node.StartBackfill) and applied after, in order, so no write is missed or counted
// twice. Partial nodes need no backfill: they start as holes.
type Backfill struct {
	nodes []*Node         // new full nodes, parents first
	snap  map[*Node][]Row // existing inputs' outputs when the nodes were linked
	// Computed, when set (by tests), runs after the new nodes' states are computed and
	// before their queued deltas are applied.
	Computed func()
}

// NewBackfill marks the new nodes (created, parents first) that need an initial state and
// snapshots the existing nodes they read from. Writes must be stopped and every domain
// idle, so no delta reaches the nodes before they are marked.
func NewBackfill(created []*Node) *Backfill {
	markBackfill(created)
	return snapshot(created)
}

// markBackfill makes the new nodes that need an initial state queue their deltas (see
// Node.StartBackfill): full stateful nodes, and stateless ones that feed such a
// node. A stateless node that feeds only partial nodes needs nothing: they start as holes,
// and snapshotting its inputs would copy whole tables for no use. Writes are stopped, so no
// delta reaches the nodes before they are marked.
func markBackfill(nodes []*Node) {
	created := map[*Node]bool{}
	for _, n := range nodes {
		created[n] = true
	}
	// nodes lists parents before children: walk it backwards so children are decided
	// first.
	for i := len(nodes) - 1; i >= 0; i-- {
		n := nodes[i]
		if IsPartial(n) {
			continue
		}
		need := true
		if _, ok := n.Op.(Stateless); ok {
			need = false
			for _, c := range n.Children {
				if created[c.Child] && c.Child.Backfilling() {
					need = true
				}
			}
		}
		if need {
			n.StartBackfill()
		}
	}
}

// snapshot records, while writes are stopped, the current output of every existing node a
// new full node reads from. The new nodes are already queueing deltas (markBackfill), so the snapshot and the queues together hold every change exactly once.
func snapshot(nodes []*Node) *Backfill {
	b := &Backfill{snap: map[*Node][]Row{}}
	for _, n := range nodes {
		if !n.Backfilling() {
			continue
		}
		b.nodes = append(b.nodes, n)
		for _, p := range n.Parents {
			if !p.Backfilling() {
				b.output(p)
			}
		}
	}
	return b
}

// output is a node's output, computed once: an existing node's as of the snapshot, a new
// node's once it is complete (a stateless one derives it from its parents' outputs).
func (b *Backfill) output(n *Node) []Row {
	if rows, ok := b.snap[n]; ok {
		return rows
	}
	rows := n.Op.Snapshot(func(i int) []Row { return b.output(n.Parents[i]) })
	b.snap[n] = rows
	return rows
}

// Run gives every new full node the state it would have had if it had existed from the
// start, then has each node's domain apply the deltas it queued meanwhile. Nodes are visited
// parents first, so a new stateful parent is complete when its child reads its output; and
// a parent's queued deltas reach its children (queued too, or applied if they are done)
// before theirs are drained, in edge order.
//
// The computation stops when ctx ends, between nodes, and Run returns ctx's error: the new
// nodes then hold incomplete state and queue deltas forever, so the caller must take them
// out of the graph before anything can share them. Once every state is computed, the
// queues are drained whatever ctx says: each drain is one short call per node, and a node
// left queueing would hold every later delta.
func (b *Backfill) Run(ctx context.Context, rt *Runtime) error {
	for _, n := range b.nodes {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i, p := range n.Parents {
			rows := b.output(p)
			if len(rows) == 0 {
				continue
			}
			batch := make(Batch, len(rows))
			for j, r := range rows {
				batch[j] = Record{Row: r}
			}
			n.Op.Process(i, batch)
		}
	}
	if b.Computed != nil {
		b.Computed()
	}
	for _, n := range b.nodes {
		d := rt.Domains[n.Domain]
		if err := d.Call(context.Background(), func() { d.EndBackfill(n) }); err != nil {
			return err
		}
	}
	return nil
}

// Name is the view's registered name ("" for an ad-hoc query's view).

package weir

import (
	"context"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/upquery"
)

// backfill computes the initial state of a registration's new full nodes.
type backfill struct {
	e     *Engine
	nodes []*dataflow.Node                  // new full nodes, parents first
	snap  map[*dataflow.Node][]dataflow.Row // existing inputs' outputs when the nodes were linked
}

// markBackfill makes the new nodes that need an initial state queue their deltas (see
// dataflow.Node.StartBackfill): full stateful nodes, and stateless ones that feed such a
// node. A stateless node that feeds only partial nodes needs nothing: they start as holes,
// and snapshotting its inputs would copy whole tables for no use. Writes are stopped, so no
// delta reaches the nodes before they are marked.
func (l *lowering) markBackfill() {
	created := map[*dataflow.Node]bool{}
	for _, n := range l.created {
		created[n] = true
	}
	// l.created lists parents before children: walk it backwards so children are decided
	// first.
	for i := len(l.created) - 1; i >= 0; i-- {
		n := l.created[i]
		if upquery.IsPartial(n) {
			continue
		}
		need := true
		if _, ok := n.Op.(dataflow.Stateless); ok {
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
func (l *lowering) snapshot() *backfill {
	b := &backfill{e: l.e, snap: map[*dataflow.Node][]dataflow.Row{}}
	for _, n := range l.created {
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
func (b *backfill) output(n *dataflow.Node) []dataflow.Row {
	if rows, ok := b.snap[n]; ok {
		return rows
	}
	rows := n.Op.Snapshot(func(i int) []dataflow.Row { return b.output(n.Parents[i]) })
	b.snap[n] = rows
	return rows
}

// run gives every new full node the state it would have had if it had existed from the
// start, then has each node's domain apply the deltas it queued meanwhile. Nodes are visited
// parents first, so a new stateful parent is complete when its child reads its output; and
// a parent's queued deltas reach its children (queued too, or applied if they are done)
// before theirs are drained, in edge order.
func (b *backfill) run(ctx context.Context) error {
	for _, n := range b.nodes {
		for i, p := range n.Parents {
			rows := b.output(p)
			if len(rows) == 0 {
				continue
			}
			batch := make(dataflow.Batch, len(rows))
			for j, r := range rows {
				batch[j] = dataflow.Record{Row: r}
			}
			n.Op.Process(i, batch)
		}
	}
	if b.e.backfilled != nil {
		b.e.backfilled()
	}
	for _, n := range b.nodes {
		d := b.e.rt.Domains[n.Domain]
		if err := d.Call(ctx, func() { d.EndBackfill(n) }); err != nil {
			return err
		}
	}
	return nil
}

// Name is the view's registered name ("" for an ad-hoc query's view).

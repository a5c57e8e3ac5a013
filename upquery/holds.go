package upquery

import (
	"context"

	"github.com/weirdb/weir/dataflow"
)

// partialHolder is a node state that may be partial and can list its present keys: a
// partial operator state (dataflow.PartialState) or a reader.
type partialHolder interface {
	Partial() bool
	PresentKeys(f func(key string))
}

// IsPartial reports whether a node keeps partial state (a partial reader included).
func IsPartial(n *dataflow.Node) bool { return dataflow.IsPartial(n) }

// SetUps records, for a partial node, the partial states that feed each of its inputs
// through stateless operators: the states on which it holds its present keys (see
// dataflow.PartialState). It must be called once the node is linked, before it is filled.
func SetUps(n *dataflow.Node) {
	n.Ups = make([][]*dataflow.Node, len(n.Parents))
	for i, p := range n.Parents {
		n.Ups[i] = partialAbove(p, nil)
	}
}

func partialAbove(n *dataflow.Node, out []*dataflow.Node) []*dataflow.Node {
	if IsPartial(n) {
		return append(out, n)
	}
	if _, ok := n.Op.(dataflow.Stateless); ok {
		for _, p := range n.Parents {
			out = partialAbove(p, out)
		}
	}
	return out
}

// ReleaseAll retires a partial node removed from the graph (dataflow.Domain.Retire) and
// gives back, in its domain, the holds it had on its parents' states for each of its
// present keys, so they can turn those keys into holes when nothing else below holds them.
// t, when not nil, is the node's fill side (a partial reader's): it is retired too, so a
// fill still in flight installs nothing and the reads waiting for one wake up (to find
// their view dropped).
func ReleaseAll(ctx context.Context, rt *dataflow.Runtime, n *dataflow.Node, t *Target) error {
	ph, ok := n.Op.(partialHolder)
	if !ok || !ph.Partial() {
		return nil
	}
	d := rt.Domains[n.Domain]
	return d.Call(ctx, func() {
		d.Retire(n)
		if t != nil {
			t.retire()
		}
		var keys []string
		ph.PresentKeys(func(k string) { keys = append(keys, k) })
		sides, bySide := n.Op.(sideHolder)
		for _, k := range keys {
			if !bySide {
				d.ReleaseUpstream(n, k)
				continue
			}
			// A join key whose replay still waits for a side holds on the present sides
			// only; the missing side's piece gives its holds back when it arrives.
			for slot := range n.Ups {
				if sides.HoldsOn(k, slot) {
					d.ReleaseSlot(n, slot, k)
				}
			}
		}
	})
}

// sideHolder is a partial state that may hold a key on some of its parents only (a join
// whose replay for the key has one side's piece).
type sideHolder interface {
	HoldsOn(key string, slot int) bool
}

package dataflow

import "fmt"

// OutputPresence is implemented by partial states that can tell whether the key of a row
// they emit is present (not a hole). The invariants build checks every batch a partial
// state emits with it.
type OutputPresence interface {
	OutputPresent(row Row) bool
}

// checkNoHoleDeltas panics when a partial state emitted a delta for a key that is a hole
// there: the replay that fills the key later already includes that delta, so letting it
// through would count it twice below.
func checkNoHoleDeltas(n *Node, out Batch) {
	ps, ok := n.Op.(PartialState)
	if !ok || !ps.Partial() {
		return
	}
	pc, ok := n.Op.(OutputPresence)
	if !ok {
		return
	}
	for _, rec := range out {
		if !pc.OutputPresent(rec.Row) {
			panic(fmt.Sprintf("invariant broken: %s emitted %s for a key that is a hole there",
				n.Op.Describe(), FormatBatch(Batch{rec})))
		}
	}
}

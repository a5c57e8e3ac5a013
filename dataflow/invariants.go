package dataflow

import "fmt"

// The invariants build. Built with `-tags invariants`, Invariants is true and code guarded by
// it checks what must always hold, failing loudly the moment it does not, as Pebble's
// invariants tag does:
//
//   - no delta for a key that is a hole leaves a partial state (every batch a partial state
//     emits is checked here, in the domain);
//   - a sampled read's answer equals the query recomputed from scratch over the base tables
//     at a moment when every acknowledged write is applied (package weir, with
//     internal/selfcheck).
//
// Without the tag Invariants is a false constant and the checks compile away. CI runs the
// dataflow, differential-test and scenario packages once with the tag. A check only reads;
// it panics (in a domain: the domain fails) or returns an error when an invariant is broken.

// KeyPresence is implemented by partial states so that the invariants build can check what
// they emit: the state key of an input row (from parent slot) or of an output row, and
// whether a key is present (not a hole).
type KeyPresence interface {
	InputKey(buf []byte, slot int, row Row) []byte
	OutputKey(buf []byte, row Row) []byte
	KeyPresent(key []byte) bool
}

// holeKeys returns the state keys of a batch's rows that are holes before the batch is
// applied, for checkNoHoleDeltas; nil when n is not a partial state that can tell.
func holeKeys(n *Node, slot int, in Batch) map[string]bool {
	ps, ok := n.Op.(PartialState)
	if !ok || !ps.Partial() {
		return nil
	}
	kp, ok := n.Op.(KeyPresence)
	if !ok {
		return nil
	}
	holes := map[string]bool{}
	var buf []byte
	for _, rec := range in {
		buf = kp.InputKey(buf[:0], slot, rec.Row)
		if !kp.KeyPresent(buf) {
			holes[string(buf)] = true
		}
	}
	return holes
}

// checkNoHoleDeltas panics when a partial state emitted a delta for a key that was a hole
// when the batch arrived (holes), or is one now: the replay that fills the key computes its
// rows from upstream state that already includes the delta, so letting it through would
// count it twice below.
func checkNoHoleDeltas(n *Node, holes map[string]bool, out Batch) {
	if holes == nil {
		return
	}
	kp := n.Op.(KeyPresence)
	var buf []byte
	for _, rec := range out {
		buf = kp.OutputKey(buf[:0], rec.Row)
		if holes[string(buf)] || !kp.KeyPresent(buf) {
			panic(fmt.Sprintf("invariant broken: %s emitted %s for a key that is a hole there",
				n.Op.Describe(), FormatBatch(Batch{rec})))
		}
	}
}

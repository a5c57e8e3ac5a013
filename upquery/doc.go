// Package upquery owns partial state: which states of a query are partial and why, the
// replay paths that fill them, and the fill client that readers use when they miss.
//
// # Holes
//
// A partial state keeps only the keys somebody asked for. A key it does not hold is a hole
// (written ⊥): not "no rows" but "unknown here". A hole is a promise about deltas: a delta
// for a hole key is dropped at the first partial state it reaches and never emitted below
// it, because whatever fills the key later computes its rows from upstream state that
// already includes that delta. Passing it on would count it twice. A present key may be
// empty ("known empty" is information) and stays present, kept up to date by every delta,
// until it is evicted.
//
// # Which states are partial
//
// Plan traces a reader's key columns up the new query's nodes through each operator's
// column provenance (dataflow.Operator.Origins): a filter or a projection of plain columns
// passes the key to its parent, a union to every parent. An aggregate or a top-k whose group
// columns are exactly the key, or a join whose join key is, becomes partial keyed by it,
// provided each of its parents can be traced in turn by its own state key. A state that
// groups by the key and more (an aggregate grouped by the key and other columns, a
// DISTINCT whose rows carry the key: dataflow.SubKeyedState) becomes partial by the key
// alone, provided its parent can be traced by it: each key is then present with all its
// groups, filled by one replay of its rows, or a hole with none. The trace ends
// at a full state that can answer for the key from its own rows (dataflow.OutputIndex): a
// base table always can, by an index built for the purpose. Where a path finds no such
// source, the reader and every state of the query are full: partial state is only ever
// where a fill can be computed. No operator type is named here: a new operator takes part
// by declaring its provenance and, if it keeps keyed state, implementing
// dataflow.KeyedState and dataflow.PartialState.
//
// # Replay paths and the ordering argument
//
// BuildReplay turns the trace into the reader's replay tree (dataflow.Replay): one leaf per
// source, each with the hops its piece travels down to the reader. A miss sends an upquery
// for (tree, key) to each source's domain, which looks the key up in its state and sends the
// rows down the path as a replay piece. Pieces travel on the same FIFO edges as updates, and
// that is the whole ordering argument. An update that left the source before the source
// read its state reaches each partial state on the path while the key is still a hole there
// and is dropped: the piece already contains it. An update after the read travels behind the
// piece, reaches a key the piece has made present, and is applied. No update is lost or
// counted twice, whatever the timing, with no lock between writers and fills.
//
// Where paths meet, pieces wait for each other. A partial join answers only when both
// sides' pieces have arrived, so it never joins against a hole; between the two, the
// present side takes its deltas and the hole's are dropped. A union collects one piece per
// parent, adding the deltas that follow a piece that has arrived, and passes on their
// concatenation with the last.
//
// Every piece a partial state passes on places a hold on the key there; the state below
// gives the hold back when it evicts the key or finds the piece redundant (SetUps records
// where a node's holds are). A key with holds is never evicted, so a key present below is
// present above, and kept current there.
//
// # The fill client
//
// Client bounds the upqueries in flight: an upquery takes a fill slot when it is sent and
// the fill it ends in gives the slot back. Every upquery ends in exactly one fill at its
// reader, even an empty or redundant one, and Target.send is the one place a slot is taken,
// so slots cannot leak or double-free. Target coalesces misses: concurrent reads of one
// hole share one upquery and all wake when it is filled. Await waits (up to the read
// timeout, then an error: a read never returns a partial result); Start never blocks, and
// leaves the key to a later read when every slot is busy.
//
// # Range upqueries
//
// A reader whose only conditions are ranges keeps interval holes instead of one key holding
// the whole result (operators.Reader.SetIntervalHoles). PlanRange decides it: the range
// column must trace to a base table's column through stateless operators with one parent,
// unions (each branch filled by the same interval), full joins from the side it comes
// from, and at most one aggregate grouped by it, which is then partial by intervals and
// evicts with the reader; otherwise the reader stays full and records why. A read that misses part of its interval sends one range upquery per missing
// sub-interval (Target.AwaitRange): an ordinary upquery whose key row carries the interval
// (operators.RangeKey), answered by the base table from an ordered index on the column and
// travelling down the same edges as updates, so the ordering argument above holds per
// range value. Equality keys beside a range stay point keys, filled whole.
//
// This package must never apply deltas or read operator state itself outside a domain:
// everything it does to the graph happens in the domains, through messages.
package upquery

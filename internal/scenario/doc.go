// Package scenario is a deterministic driver for scenario tests of partial state: it builds a
// small dataflow graph from the commands of a scenario file (tables, operators, readers),
// wires it exactly as the engine does (upquery.Plan, KeyedState.SetPartial, Graph.Add,
// upquery.SetUps, an upquery.Target per partial reader, an eviction.Evictor tracking every
// partial node), and then drives the domains of a never-started dataflow.Runtime one message
// at a time, printing a readable trace: which message each domain handled, what it changed
// in partial state and readers, and what it sent to other domains.
//
// The point is to make the dangerous orderings of partially-stateful dataflow readable and
// repeatable: a write racing a fill, an eviction racing a replay, pieces of one replay
// meeting at a join or a union with writes between them. A scenario picks which domain moves
// next (deliver, settle); within one domain messages are always handled in FIFO order, as
// the real driver loop handles them. The `check` command compares every present reader key
// (and every present key of a partial operator state) with the query recomputed from
// scratch over the base tables, and checks the hold invariants between partial states.
//
// What it owns: the command language (see Harness.Run), the harness's own FIFO copies of the
// domains' mailboxes, the trace format and the recomputation used by `check`.
//
// What it must never do: start domain goroutines (Runtime.Start) or sleep. Every message is
// handled on the test's goroutine by Domain.Step, so a scenario's trace depends only on its
// commands. The only goroutines it starts run the engine calls that block until a domain
// handles a Call (an eviction round, Evictor.EvictKey, building a base-table index for a
// replay, ending a backfill); while one runs, the harness steps nothing until that call's
// Call is queued, then steps its domain, in FIFO order, up to it.
package scenario

// Package operators implements Weir's incremental dataflow operators: base tables, filters,
// projections, joins, grouped aggregates (with MIN/MAX in extremum.go), top-k, distinct,
// union, window functions (window.go, partial by partition), constant rows (values.go: a
// VALUES table, a node without parents) and readers. Aggregates and DISTINCT can also be
// partial by some of what they group by (subkey.go). Each implements dataflow.Operator: it
// consumes batches of +/- deltas
// with multiset semantics and emits the deltas of its own output, so that after any sequence
// of batches the output equals the operator applied from scratch to the input.
//
// Operators own only their own state and are driven by one domain goroutine, so they take no
// locks. They must never panic on data: a malformed row reads missing columns as NULL, and a
// retraction of a row that was never inserted is ignored rather than corrupting state. They
// never reach into other nodes, never block, and never read a clock or a random source while
// processing, so that a domain stays a deterministic step function. (Reads of a reader's
// keys are counted for eviction by the engine, off the domain.)
//
// Equality follows MySQL: keys (GROUP BY, DISTINCT, join keys) compare under the collation
// (dataflow.AppendKey), while the removal of a row from a multiset uses exact identity
// (dataflow.IdenticalRows). Where the collation leaves a choice ('a' or 'A' for a group),
// operators pick the smallest variant in exact order, so the output depends only on the
// input multiset and not on arrival order.
//
// The same rule orders the elements of GROUP_CONCAT and JSON_ARRAYAGG without an ORDER BY,
// and the members of JSON_OBJECTAGG: MariaDB lists them in the order it meets the rows,
// which an incremental operator cannot know after retractions, so they come in value order
// (JSON_OBJECTAGG: in the text order of its `"key":value` members, so by key), ties in exact
// order.
//
// A join without keys pairs every left row with every right row; a join with a residual
// condition (Join.SetResidual: a LEFT JOIN's ON conditions that are no equality) matches a
// pair of one key only when it holds, and pads a left row while none of its key's right rows
// meets it.
//
// Readers of queries with range conditions (`created > ?`, `x BETWEEN ? AND ?`) keep each
// key's rows in a copy-on-write B-tree ordered by the range column (RangeRows, SetRange),
// so a read selects the rows within its bounds in O(log n) plus the rows it returns. Such a
// reader keeps every row of what it holds (no top-k: the window depends on the bounds). A
// partial reader with equality keys fills a hole with the whole key's rows, as any reader
// does, and reads select from them. A reader without equality keys keeps interval holes
// when its range column can be filled by range upqueries (SetIntervalHoles, see
// reader_intervals.go): beside the tree, the set of filled intervals (Intervals), with
// deltas in holes dropped, fills installing only what is still a hole, and eviction by
// interval. Base tables answer range upqueries from an ordered index on the column
// (EnsureOrderedIndex, LookupRange).
//
// A TemporalFilter (temporal.go) is the one operator whose output changes without an input:
// it keeps a WHERE comparison with NOW() at one instant and, when the engine advances it
// (Advance, run in its domain like any message), emits the rows that entered and left its
// window since. It never reads the clock itself: the instant is given, so the domain stays
// deterministic. It keeps the rows whose membership will still change, by the instant it
// does, and must see every delta of its input, so it is full state that lets a replay
// through (dataflow.ReplayThrough) only from sources that hold every row.
package operators

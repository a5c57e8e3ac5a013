// Package dataflow owns Weir's data model and the machinery that moves deltas through the
// graph: SQL values and their MySQL comparison and collation rules, rows, +/- records and
// batches, the graph of nodes, and domains — single goroutines that each own a set of nodes
// and process one message at a time from a FIFO mailbox.
//
// Invariants this package maintains:
//
//   - Only a node's domain calls its operator, so operator state needs no locks.
//   - Messages between two domains are delivered in the order they were sent; every delta
//     caused by a write reaches a node before the progress marker for that write. A domain's
//     published progress therefore means "every write up to this token is applied here", which
//     is what read-your-writes by token rests on.
//   - A node's domain is never lower than its parents', so domains form a DAG and progress
//     markers cannot wait on each other in a cycle.
//   - A decimal is narrow (an int64 coefficient in the Value, nothing allocated) whenever its
//     coefficient fits an int64, and wide (the magnitude's bytes in the string field) only
//     beyond: one number has one representation per scale, so equality, ordering and keys
//     (AppendKey strips trailing zeros, so scales meet) treat narrow and wide alike. Wide
//     decimals hold up to MaxDecimalDigits (81) digits, the widest result MariaDB computes.
//
// What it must never do: import the planner, the operators or anything SQL-shaped beyond
// values; block a domain on a lock that readers hold; let a reader observe a half-applied key.
package dataflow

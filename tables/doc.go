// Package tables owns Weir's base tables in memory and the executor of writes to them: a
// table's schema, its rows (the graph's base node, operators.Base), its AUTO_INCREMENT
// counter, and the Writer that applies one INSERT, REPLACE, upsert, UPDATE or DELETE, or one
// upstream database's row changes, to a table with MySQL's semantics: strict conversion of
// every value to its column's type, NOT NULL and defaults, duplicate keys as error 1062,
// rows visited in primary-key order, and an undo log that takes a failed statement back
// entirely.
//
// Everything here runs in the base domain (dataflow domain 0), one statement at a time, so
// it takes no locks. The engine (package weir) wraps a statement into one transaction:
// tokens, the durable store (Writer.AppendTo builds the batch; Table.Load restores the rows)
// and the deltas sent down the graph.
//
// The clock and chance a statement needs (NOW(), DEFAULT CURRENT_TIMESTAMP, RAND(), UUID())
// come from the engine through Generated, which also records the AUTO_INCREMENT values and
// drawn values a statement was given, so that a transaction's statement applied again
// stores the same rows (Generated.Rewind).
//
// It must never touch the graph below the base node, read a clock, or the network; and never
// leave a half-applied statement behind: every change goes through the undo log.
package tables

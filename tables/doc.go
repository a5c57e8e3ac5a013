// Package tables owns Weir's base tables in memory and the executor of writes to them: a
// table's schema, its rows (the graph's base node, operators.Base), its AUTO_INCREMENT
// counter, and the Writer that applies one INSERT, REPLACE, upsert, UPDATE or DELETE, or one
// upstream database's row changes, to a table with MySQL's semantics: strict conversion of
// every value to its column's type, NOT NULL and defaults, duplicate keys as error 1062,
// rows visited in primary-key order, and an undo log that takes a failed statement back
// entirely.
//
// It also rebuilds a table for ALTER TABLE (Rebuild): the rows under the new definition,
// converted and key-checked as writes are, in a new table beside the old one.
//
// Unique keys: each unique secondary index has an index in the base node (operators.Base,
// encoded key -> storage keys), which every Put and Remove keep, so Load, Rollback and
// renumbering keep it too; a write finds its conflicts with one lookup per key, in MySQL's
// order (primary key, then the unique keys as planner.TableSchema.Indexes lists them).
// REPLACE deletes each row colliding on a key before the last unique one and updates the
// row colliding on the last in place, as MySQL does (which decides the affected-row count);
// an upsert updates the first colliding row. An upstream's row changes (Mirror) are not
// checked against unique keys: the upstream has checked them.
//
// Foreign keys (Scope, foreignkeys.go): a writer given a Scope (Writer.Enforce) checks, row
// by row as MySQL does, that a child row it writes finds its parent (through the parent's
// primary key or an index Base keeps for the referenced columns), and applies the rules of
// the keys that reference a parent row it deletes or re-keys: RESTRICT/NO ACTION fail,
// CASCADE and SET NULL change the child rows through one more Writer per child table (the
// statement's own for a self-referencing table, so each table has one undo log), found
// through an index of the child's key columns. Those writers go to the store and down the
// graph with the statement, or are rolled back with it. A mirror's writers have no Scope.
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

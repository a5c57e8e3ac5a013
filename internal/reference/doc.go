// Package reference evaluates a compiled query from scratch over given base-table contents.
//
// It is Weir's oracle: the differential tests compare every incrementally maintained view
// with what this package computes over the same tables. It must stay obviously correct rather
// than fast, so it uses plain loops (nested-loop joins, group-by through sorted maps of
// collation keys, full sorts for top-k) and shares no code with package operators: two
// independent implementations that agree are the evidence, one implementation checked
// against itself is none. It only shares the value model (package dataflow) and expression
// evaluation (package expr), which both sides treat as given.
//
// It never mutates the rows it is given and returns errors, never panics, on malformed plans.
package reference

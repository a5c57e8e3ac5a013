// Package lower turns a planned query (package planner's IR) into nodes of the dataflow
// graph: one operator per plan node, built outside the graph, then linked in parents first,
// each reusing an existing node that computes the same thing (same operator, partiality and
// parents), and the query's reader. Which states are partial is upquery.Plan's decision,
// made from the operators' column provenance before any node is shared.
//
// It keeps the planner free of the operators' runtime: package planner never imports
// operators; this package is where the two meet. It must never send messages to domains
// or touch operator state: the caller has stopped writes and keeps the graph still while
// it runs, and fills, holds and backfills are the caller's to start.
package lower

// Package reference evaluates a compiled query from scratch over given base-table contents.
//
// It is Weir's oracle: the differential tests compare every incrementally maintained view
// with what this package computes over the same tables. It also answers the queries that are
// never cached because they are small and must reflect the moment they run: those over
// information_schema, whose rows the engine makes from its catalog. It must stay obviously correct rather
// than fast, so it uses plain loops (nested-loop joins, grouping by collation keys, full
// sorts for top-k, window functions evaluated row by row over whole partitions with frame
// membership tested row by row) and shares no code with package operators: two independent
// implementations that agree are the evidence, one implementation checked against itself is
// none. It shares only the value model (package dataflow), expression evaluation (package
// expr) and the names of the aggregate functions in the plan's AggSpec, which both sides
// take as given.
//
// Where SQL leaves a choice open (which of 'a' and 'A' a group shows, the order of rows that
// tie under ORDER BY, the order of GROUP_CONCAT's and JSON_ARRAYAGG's elements and of
// JSON_OBJECTAGG's members without an ORDER BY, which Weir defines as value order), the
// reference makes a fixed choice; callers compare such results with
// that in mind.
//
// A query with a time window (planner.TemporalFilter, `created_at > NOW() - INTERVAL 1
// HOUR`) is evaluated at an instant the caller passes (EvaluateAt, EvalAt), every row judged
// afresh at it; Evaluate refuses it.
//
// It never mutates the rows it is given and returns errors, never panics, on malformed plans.
package reference

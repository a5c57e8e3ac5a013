// Package expr compiles and evaluates scalar SQL expressions over dataflow rows with MySQL
// semantics: three-valued logic, NULL propagation, implicit conversions between numbers,
// strings and times, the utf8mb4_general_ci-style collation of package dataflow, MySQL's
// arithmetic result types, LIKE, CASE, CAST, the common scalar functions and the JSON
// functions (documents kept as written, as MariaDB keeps them; JSON text written with
// MariaDB's spacing and string escapes, see AppendJSONValue, which the JSON aggregates
// share). It also owns Convert, the conversion of a value into a column's type under strict
// (INSERT/UPDATE) or lenient (CAST) rules, including the binary string, YEAR, TIME, BIT,
// ENUM, SET and JSON column types, and AggSpec, the description of an aggregate that the
// planner writes and the operators and the reference evaluator compute.
//
// Expressions are immutable trees built by the New* constructors. Column references are
// positions in the input row, so an expression is tied to the schema of the operator that
// evaluates it; Remap moves it to another schema. Eval never fails and never panics: where
// MySQL would raise a runtime error (an out-of-range BIGINT result, a division by zero in
// strict mode), Eval returns the closest defined result documented at the constructor.
//
// Weir's decimals carry an int64 coefficient (up to 18 significant digits, see
// dataflow.MaxDecimalDigits). Exact arithmetic whose result does not fit falls back to DOUBLE
// instead of failing; integer arithmetic that overflows BIGINT yields BIGINT UNSIGNED when the
// exact result is non-negative and fits, and DOUBLE otherwise.
//
// This package must never reach into operator state, the graph or any I/O: it is a pure
// function of the row, which is what lets the planner fold constant subtrees and share
// identical expressions by their String.
package expr

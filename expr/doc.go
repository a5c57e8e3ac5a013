// Package expr compiles and evaluates scalar SQL expressions over dataflow rows with MySQL
// semantics: three-valued logic, NULL propagation, implicit conversions between numbers,
// strings and times, the utf8mb4_general_ci-style collation of package dataflow, MySQL's
// arithmetic result types, LIKE, CASE, CAST, the bit operators, MySQL 8's scalar functions
// (regular expressions run by Go's RE2; a pattern it cannot run as MySQL's ICU would is
// refused by name when the call is built, never answered differently) and the JSON
// functions (documents kept as written, as MariaDB keeps them; JSON text written with
// MariaDB's spacing and string escapes, see AppendJSONValue, which the JSON aggregates
// share; the functions that change a document, JSON_SET and the others of func_jsonedit.go,
// write their result in MySQL 8's normalized form instead; paths in MySQL 8's full language,
// wildcards, `**`, ranges and `last`, parsed and walked over the text in jsonpath.go, with
// MySQL's order of matches and its error positions; JSON_SEARCH in func_jsonsearch.go). It also owns Convert, the conversion of a value into a column's type under strict
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
// Decimals follow MariaDB: columns up to DECIMAL(65,38); + - * / MOD, ROUND, TRUNCATE, FLOOR,
// CEIL, ABS, SIGN, comparisons and CAST are exact, in int64 while coefficients fit and in
// math/big beyond (see dataflow's decimal representation). Result scales are MySQL's: the
// larger for + and -, the sum for * (at most 38), the dividend's plus 4 for /. A result may be
// wider than any column, as MariaDB computes in a buffer of nine 9-digit words (81 digits):
// 65 nines + 1 has 66 digits. Past 81 digits fractional digits are rounded away; a result
// whose integer part alone is wider has overflowed, where MariaDB raises error 1690 and Eval
// gives the nearest DOUBLE. MariaDB counts its limit in words and truncates the operands'
// fractions first, so when integer and fractional words together exceed nine its last digits
// can differ from Weir's, which are those of the exact result rounded; storing a value into a
// column rounds it to the column's scale and refuses (1264 in strict mode) or clamps (CAST)
// what the precision cannot hold. Integer arithmetic that overflows BIGINT yields BIGINT
// UNSIGNED when the exact result is non-negative and fits, and DOUBLE otherwise.
//
// This package must never reach into operator state, the graph or any I/O: it is a pure
// function of the row, which is what lets the planner fold constant subtrees and share
// identical expressions by their String.
package expr

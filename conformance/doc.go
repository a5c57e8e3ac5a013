// Package conformance checks Weir against a real MariaDB: the same statements run on both, and
// every query's rows must agree under MySQL semantics.
//
// It owns the scenario format (testdata/*.sql), the Target abstraction over the front ends
// that can be compared (Weir's Go API, anything reachable through database/sql such as
// MariaDB or Weir's own MySQL protocol server), the normalization that decides when two
// result values are the same, and the readable diffs it reports. MariaDB is the oracle: a
// disagreement is Weir's bug until shown otherwise, and expected results are never adjusted to
// match Weir.
//
// Weir runs each query case by registering it once and looking it up with the case's
// parameters, so re-reading after a block of writes exercises the incremental path that
// serves production reads rather than a fresh evaluation.
package conformance

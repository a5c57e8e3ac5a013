// Package invariants switches on Weir's expensive self-checks, as Pebble's package of the
// same name does. Built with `-tags invariants`, Enabled is true and code guarded by it
// checks what must always hold, failing loudly the moment it does not:
//
//   - no delta for a key that is a hole leaves a partial state (package dataflow checks
//     every batch a partial state emits);
//   - a sampled read's answer equals the query recomputed from scratch over the base tables
//     at a moment when every acknowledged write is applied (package weir).
//
// Without the tag Enabled is a false constant, so the checks compile away. CI runs the
// dataflow and differential-test packages once with the tag. Nothing here may change what
// Weir computes: a check only reads, and panics (in a domain: the domain fails) or returns
// an error when an invariant is broken.
package invariants

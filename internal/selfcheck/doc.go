// Package selfcheck holds the invariants build's check of reads (see
// dataflow.Invariants): a sampled read's answer, taken again while writes are stopped and
// every acknowledged write is applied, must equal the query recomputed from scratch over the
// base tables at that moment (package internal/reference). A present reader key is exactly
// that promise: partial state may be missing, never stale.
//
// Without the invariants tag Read does nothing and the package imports nothing heavy. It
// must never change what a read returns.
package selfcheck

//go:build !invariants

package dataflow

// Invariants reports that the build has the invariants tag (see invariants.go).
const Invariants = false

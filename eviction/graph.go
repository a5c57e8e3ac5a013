package eviction

import (
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// The graph memory of a cache, apart from the rows its states hold: what it costs to
// have the cache at all. These are estimates, calibrated against the Go heap by
// TestGraphBytesTrackHeap in the weir package (a few thousand caches of each kind of
// query, measured with runtime.ReadMemStats): they follow the heap within a factor the
// test bounds, not byte for byte.
const (
	// nodeBytes is a node and its operator: the structs, the edges, the output schema's
	// slice headers and the operator's buffers as they start out.
	nodeBytes = 512
	// columnBytes is one output column of a node (its name and type) and the expressions
	// that compute it.
	columnBytes = 96
	// readerBytes is a reader's fixed cost once read: the initial table of the concurrent
	// map its keys go to (integers, or encoded keys; each is allocated by its first key),
	// and the reader's struct and scratch space.
	readerBytes = 3 << 10
	// fillBytes is the fill side of a partial reader: its replay tree, the lookups at its
	// sources, the map of fills in flight.
	fillBytes = 1 << 10
	// viewBytes is a view: the struct and its striped counters, and its place in the
	// engine's maps.
	viewBytes = 1280
	// planBytes and planTextBytes are a compiled query: the logical plan, its columns and
	// key sources; the plan grows with the query, which its text measures.
	planBytes     = 768
	planTextBytes = 4
	// statementBytes and statementTextBytes are a statement cache entry besides the plan:
	// the text as the key, the map's node.
	statementBytes     = 160
	statementTextBytes = 1
)

// NodeBytes approximates the memory of a node apart from the rows its state holds (which
// partial state accounts for as it changes, and Reader.Bytes and StateBytes report).
func NodeBytes(n *dataflow.Node) int64 {
	b := int64(nodeBytes) + int64(len(n.Signature)) + int64(columnBytes*len(n.Cols))
	if _, ok := n.Op.(*operators.Reader); ok {
		b += readerBytes
		if dataflow.IsPartial(n) {
			b += fillBytes
		}
	}
	return b
}

// ViewBytes approximates the memory of a view of a query with the given normalized text,
// apart from its nodes: the view itself and its plan.
func ViewBytes(text string) int64 {
	return viewBytes + PlanBytes(text)
}

// PlanBytes approximates the memory of a query's plan, by its text.
func PlanBytes(text string) int64 {
	return planBytes + planTextBytes*int64(len(text))
}

// StatementBytes approximates the memory of a statement cache entry for sql whose plan
// has the given normalized text ("" for a statement that is not a query).
func StatementBytes(sql, text string) int64 {
	b := int64(statementBytes) + statementTextBytes*int64(len(sql))
	if text != "" {
		b += PlanBytes(text)
	} else {
		b += planBytes + planTextBytes*int64(len(sql))
	}
	return b
}

// FullBytes is the bytes the full state of a node holds, when the node keeps state that
// is not partial and reports it: a full reader, or a full aggregate, join, top-k or
// DISTINCT. Zero otherwise.
func FullBytes(n *dataflow.Node) int64 {
	if dataflow.IsPartial(n) {
		return 0
	}
	switch op := n.Op.(type) {
	case *operators.Reader:
		return op.Bytes()
	case interface{ StateBytes() int64 }:
		return op.StateBytes()
	}
	return 0
}

// HoldsFullState reports whether FullBytes may report state for n.
func HoldsFullState(n *dataflow.Node) bool {
	if dataflow.IsPartial(n) {
		return false
	}
	switch n.Op.(type) {
	case *operators.Reader, interface{ StateBytes() int64 }:
		return true
	}
	return false
}

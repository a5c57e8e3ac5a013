package dataflow

// Operator is the computation at one node of the graph. Only the node's domain goroutine calls
// it, one call at a time, so an operator keeps its state without locks.
type Operator interface {
	// Process applies a batch of deltas that arrived from the parent at position `from` (the
	// order of the node's parents) and returns the deltas the node emits to its children. The
	// operator may keep rows of `in` (rows are immutable) but not the slice itself; the returned
	// batch belongs to the caller.
	Process(from int, in Batch) Batch

	// Snapshot returns the node's complete current output. Stateless operators derive it from
	// their parents' complete outputs, which `parent(i)` computes on demand; stateful operators
	// read their own state and ignore `parent`. It is used to fill nodes added to a live graph.
	Snapshot(parent func(i int) []Row) []Row

	// Describe is a short, deterministic description ("filter(a > 5)") used by EXPLAIN and by
	// traces.
	Describe() string
}

// SortKey is one ORDER BY term over a column position.
type SortKey struct {
	Col  int
	Desc bool
}

// CompareRows orders rows by the sort keys; NULLs sort first ascending and last descending, as
// in MySQL.
func CompareRows(a, b Row, keys []SortKey) int {
	for _, k := range keys {
		c := Compare(a[k.Col], b[k.Col])
		if c != 0 {
			if k.Desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// CompareRowsTotal orders rows by the sort keys and then by every column, so that the order
// of rows that tie on the keys is deterministic (top-k membership must not depend on arrival
// order, or a view would differ from the same query computed from scratch).
func CompareRowsTotal(a, b Row, keys []SortKey) int {
	if c := CompareRows(a, b, keys); c != 0 {
		return c
	}
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if c := Compare(a[i], b[i]); c != 0 {
			return c
		}
		if c := compareExactTiebreak(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// compareExactTiebreak separates values equal under the collation ('a' vs 'A') so a total
// order exists.
func compareExactTiebreak(a, b Value) int {
	if a.kind == KindString && b.kind == KindString {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
	}
	return 0
}

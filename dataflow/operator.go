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

	// Origins is the operator's column provenance: the parent columns that output column col
	// is a copy of, one per parent it copies from (a union's column comes from every input),
	// and none for a column the operator computes. Partial-state planning traces a reader's
	// key up the graph through it (package upquery), so a new operator needs no change there.
	Origins(col int) []ColumnOrigin
}

// ColumnOrigin names a parent's column: Col of the parent at position Slot.
type ColumnOrigin struct {
	Slot, Col int
}

// Stateless is implemented by operators that keep no rows: their output for a key is
// computed from their parents' output for it at the moment a delta passes. A replay passes
// through them, a new one needs no backfill unless something below it does, and a partial
// node below one holds its keys on the partial states above it.
type Stateless interface {
	Operator
	Stateless()
}

// KeyedState is implemented by stateful operators whose state is grouped by a key read from
// each parent's rows (an aggregate's group columns, a join's join key). Such a state can be
// partial: present for the keys somebody asked for and filled by replaying a key from every
// parent.
type KeyedState interface {
	Operator
	// StateKey returns the columns of the rows from parent slot that the state is grouped
	// by; nil when it has no key (an aggregate without GROUP BY), so it cannot be partial.
	StateKey(slot int) []int
	// SetPartial makes the state partial. It must be called before the operator sees a
	// delta.
	SetPartial()
}

// SubKeyedState is implemented by stateful operators with one parent whose state can be
// partial by some of the parent's columns that are part of what the state groups by, rather
// than by all of it: an aggregate by some of its group columns, a DISTINCT by some of its
// columns. Each value of those columns is then present with every group it has, or a hole
// with none, and one replay of its rows fills all its groups. That is how an aggregate
// grouped by a column the key does not include is partial by the key: `SELECT user_id,
// COUNT(*) FROM votes WHERE article_id = ? GROUP BY user_id` groups by (user_id,
// article_id) and keeps the groups of the articles read.
type SubKeyedState interface {
	Operator
	// PartialKeyable reports whether the state can be partial by cols, columns of its
	// parent.
	PartialKeyable(cols []int) bool
	// SetPartialBy makes the state partial by cols (PartialKeyable), in the order in which
	// a replay's key gives their values. It must be called before the operator sees a delta.
	SetPartialBy(cols []int)
	// PartialKey returns the columns SetPartialBy made the state partial by; nil when it
	// was not called.
	PartialKey() []int
}

// OutputIndex is implemented by stateful operators that can produce, from their own state,
// every output row whose columns cols equal a key: the source of a replay that fills a
// partial node below. KeyedBy reports at plan time whether a column set can be answered that
// way.
type OutputIndex interface {
	KeyedBy(cols []int) bool
	// LookupOutput returns the output rows whose columns cols equal key (collation
	// equality). It runs in the operator's domain.
	LookupOutput(cols []int, key Row) []Row
}

// PassThrough is the provenance of an operator whose output columns are its one parent's:
// output column col copies parent column col.
func PassThrough(col int) []ColumnOrigin { return []ColumnOrigin{{Slot: 0, Col: col}} }

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

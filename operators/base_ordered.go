package operators

import (
	"strings"

	"github.com/google/btree"

	"github.com/weirdb/weir/dataflow"
)

// orderedIndex keeps a base table's storage keys ordered by one column's values: what a
// range upquery reads the rows of an interval by, in O(log n) plus the rows it returns. A
// NULL lies in no interval and is not indexed.
type orderedIndex struct {
	col int
	t   *btree.BTreeG[orderedEntry]
}

type orderedEntry struct {
	val dataflow.Value
	key string
	// pivot places a search bound before (-1) or after (+1) every entry of its value.
	pivot int8
}

func orderedLess(a, b orderedEntry) bool {
	if c := dataflow.Compare(a.val, b.val); c != 0 {
		return c < 0
	}
	if a.pivot != 0 || b.pivot != 0 {
		return a.pivot < b.pivot
	}
	return strings.Compare(a.key, b.key) < 0
}

// EnsureOrderedIndex builds, once, an ordered index on column col and keeps it up to date
// from then on. It must run in the base domain or while the graph is quiescent.
func (b *Base) EnsureOrderedIndex(col int) {
	for _, ix := range b.ordered {
		if ix.col == col {
			return
		}
	}
	ix := &orderedIndex{col: col}
	b.fillOrdered(ix)
	b.ordered = append(b.ordered, ix)
}

func (b *Base) fillOrdered(ix *orderedIndex) {
	ix.t = btree.NewG[orderedEntry](treeDegree, orderedLess)
	b.Scan(func(key string, row dataflow.Row) bool {
		ix.add(key, row)
		return true
	})
}

func (ix *orderedIndex) add(key string, row dataflow.Row) {
	if ix.col < len(row) && !row[ix.col].IsNull() {
		ix.t.ReplaceOrInsert(orderedEntry{val: row[ix.col], key: key})
	}
}

func (ix *orderedIndex) remove(key string, row dataflow.Row) {
	if ix.col < len(row) && !row[ix.col].IsNull() {
		ix.t.Delete(orderedEntry{val: row[ix.col], key: key})
	}
}

// LookupRange returns the rows whose column col lies in iv, through the ordered index on
// col (see EnsureOrderedIndex), or by a scan of the table when there is none. It must run
// in the base domain.
func (b *Base) LookupRange(col int, iv Interval) []dataflow.Row {
	if iv.Empty() {
		return nil
	}
	var ix *orderedIndex
	for _, o := range b.ordered {
		if o.col == col {
			ix = o
		}
	}
	var out []dataflow.Row
	if ix == nil {
		b.Scan(func(_ string, row dataflow.Row) bool {
			if col < len(row) && iv.Contains(row[col]) {
				out = append(out, row)
			}
			return true
		})
		return out
	}
	visit := func(e orderedEntry) bool {
		if !iv.Contains(e.val) {
			// Past the high bound (the walk starts at the low one).
			return false
		}
		if row, ok := b.Get(e.key); ok {
			out = append(out, row)
		}
		return true
	}
	if !iv.Lo.Set {
		ix.t.Ascend(visit)
		return out
	}
	pivot := orderedEntry{val: iv.Lo.Val, pivot: -1}
	if !iv.Lo.Incl {
		pivot.pivot = 1
	}
	ix.t.AscendGreaterOrEqual(pivot, visit)
	return out
}

package operators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/puzpuzpuz/xsync/v4"

	"github.com/weirdb/weir/dataflow"
)

// Reader is the leaf of a query: its result rows, grouped by the query's key columns, in a
// map that clients read without taking any lock the domain holds.
//
// Publication is copy-on-write per key: for every key a batch touches, the domain builds a
// new immutable row list and stores it with one atomic map store; readers load the current
// list and never see a half-applied key. A key's rows are kept sorted by the query's ORDER
// BY, so a read returns them as they are.
type Reader struct {
	keyCols []int
	order   []dataflow.SortKey
	m       *xsync.Map[string, *ReaderEntry]

	keyBuf []byte
	idx    map[string]int
	groups []readerGroup
	next   []int
}

// ReaderEntry is the published, immutable result of one key.
type ReaderEntry struct {
	Rows []dataflow.Row
}

type readerGroup struct {
	key   string
	first int
	last  int
	adds  int
}

// NewReader returns a reader keyed by keyCols (none: one key) whose rows are kept in order.
func NewReader(keyCols []int, order []dataflow.SortKey) *Reader {
	return &Reader{keyCols: keyCols, order: order, m: xsync.NewMap[string, *ReaderEntry](), idx: map[string]int{}}
}

// KeyCols are the key column positions.
func (r *Reader) KeyCols() []int { return r.keyCols }

// Get returns the rows published for an encoded key (dataflow.AppendKey of each component).
// The slice and rows are shared and must not be modified.
func (r *Reader) Get(key string) []dataflow.Row {
	if e, ok := r.m.Load(key); ok {
		return e.Rows
	}
	return nil
}

// Keys is the number of keys with rows.
func (r *Reader) Keys() int { return r.m.Size() }

// Process applies a batch and publishes every touched key once.
func (r *Reader) Process(_ int, in dataflow.Batch) dataflow.Batch {
	r.groups = r.groups[:0]
	if cap(r.next) < len(in) {
		r.next = make([]int, len(in))
	}
	r.next = r.next[:len(in)]
	for i, rec := range in {
		r.keyBuf = dataflow.AppendRowKey(r.keyBuf[:0], rec.Row, r.keyCols)
		r.next[i] = -1
		g, ok := r.idx[string(r.keyBuf)]
		if !ok {
			g = len(r.groups)
			k := string(r.keyBuf)
			r.idx[k] = g
			r.groups = append(r.groups, readerGroup{key: k, first: i, last: i})
		} else {
			r.next[r.groups[g].last] = i
			r.groups[g].last = i
		}
		if !rec.Neg {
			r.groups[g].adds++
		}
	}
	if len(r.groups) > 256 {
		// clear costs the map's capacity, not its length: after a large batch start over
		// rather than pay for the high-water mark on every later small batch.
		r.idx = map[string]int{}
	} else {
		clear(r.idx)
	}
	for _, g := range r.groups {
		var old []dataflow.Row
		if e, ok := r.m.Load(g.key); ok {
			old = e.Rows
		}
		rows := make([]dataflow.Row, len(old), len(old)+g.adds)
		copy(rows, old)
		for i := g.first; i >= 0; i = r.next[i] {
			rec := in[i]
			if !rec.Neg {
				rows = append(rows, rec.Row)
				continue
			}
			for j := len(rows) - 1; j >= 0; j-- {
				if dataflow.IdenticalRows(rows[j], rec.Row) {
					rows = append(rows[:j], rows[j+1:]...)
					break
				}
			}
		}
		if len(rows) == 0 {
			r.m.Delete(g.key)
			continue
		}
		if len(r.order) > 0 {
			slices.SortStableFunc(rows, func(a, b dataflow.Row) int {
				return dataflow.CompareRowsTotal(a, b, r.order)
			})
		}
		r.m.Store(g.key, &ReaderEntry{Rows: rows})
	}
	return nil
}

// Snapshot returns every row of every key.
func (r *Reader) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	var out []dataflow.Row
	r.m.Range(func(_ string, e *ReaderEntry) bool {
		out = append(out, e.Rows...)
		return true
	})
	return out
}

// Describe renders the key and order.
func (r *Reader) Describe() string {
	var b strings.Builder
	b.WriteString("reader[")
	for i, c := range r.keyCols {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", c)
	}
	b.WriteString("]")
	if len(r.order) > 0 {
		b.WriteString(" order(")
		for i, k := range r.order {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d", k.Col)
			if k.Desc {
				b.WriteString(" desc")
			}
		}
		b.WriteString(")")
	}
	return b.String()
}

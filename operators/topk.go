package operators

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
)

// TopK keeps, per group of the GroupBy columns, the rows at positions [offset, offset+limit)
// in ORDER BY order (ties broken by the whole row, see dataflow.CompareRowsTotal, and then by
// exact identity, so membership never depends on arrival order).
//
// Every group keeps all of its rows, not only the window: when a row inside the window is
// retracted the next one enters at once, and a group that shrinks below limit simply shows
// fewer rows. Nothing has to be queried back from the parent, so a retraction can never find
// the operator short of rows.
//
// Per batch, each touched group emits the difference between its window before and after the
// batch (membership changes only). A delta that sorts after a full window cannot change it;
// such deltas cost one comparison and the state update, which keeps "top 10 of a million"
// cheap for the updates that miss the top. The window itself is read by walking the group
// from its start, so a batch costs time in offset+limit per touched group, and without a
// limit in the size of the group.
type TopK struct {
	groupBy []int
	order   []dataflow.SortKey
	limit   int // < 0: no limit
	offset  int
	maxCol  int
	cmp     func(a, b dataflow.Row) int

	groups  keyMap[*topkGroup]
	epoch   uint64
	touched []*topkGroup
	// touchedKeys holds the keys of the touched groups (topkGroup.keyAt), to drop the groups
	// that end the batch empty.
	touchedKeys []byte
	oldWin      []dataflow.Row
	newWin      []dataflow.Row
	buf         []byte

	// partial: absent groups are holes (see partial.go).
	partial bool
	bytes   atomic.Int64
}

type topkGroup struct {
	rows bag[dataflow.Row]
	// last is the last row of the window when the window was full after the previous batch
	// (nil otherwise): a delta that sorts after it cannot touch the window.
	last    dataflow.Row
	epoch   uint64
	snapped bool
	// from, to locate the window as it was before this batch in TopK.oldWin.
	from, to int
	// keyAt locates the group's key in TopK.touchedKeys during a batch.
	keyAt [2]int
	holds int32 // partial state: the holds downstream states have on the group
}

// NewTopK returns a TopK over the groupBy columns. A negative limit means no limit; a
// negative offset counts as 0.
func NewTopK(groupBy []int, order []dataflow.SortKey, limit, offset int) *TopK {
	t := &TopK{
		groupBy: slices.Clone(groupBy),
		order:   slices.Clone(order),
		limit:   limit,
		offset:  max(offset, 0),
		maxCol:  -1,
	}
	for _, k := range t.order {
		t.maxCol = max(t.maxCol, k.Col)
	}
	t.cmp = t.compare
	return t
}

// compare is the total order of a group's rows (orderTotal).
func (t *TopK) compare(a, b dataflow.Row) int { return orderTotal(t.order, t.maxCol, a, b) }

// orderTotal is the total order of rows under order: dataflow.CompareRowsTotal, then exact
// identity for rows it calls equal (1 and 1e0). maxCol is the largest column order reads; a
// sort column past the end of a row reads as NULL instead of crashing the domain.
func orderTotal(order []dataflow.SortKey, maxCol int, a, b dataflow.Row) int {
	var c int
	if maxCol < len(a) && maxCol < len(b) {
		c = dataflow.CompareRowsTotal(a, b, order)
	} else {
		c = orderKeys(order, a, b)
	}
	if c != 0 {
		return c
	}
	return compareRowsExact(a, b)
}

// orderKeys compares rows on order's columns alone (0 for peers), reading a column past
// the end of a row as NULL.
func orderKeys(order []dataflow.SortKey, a, b dataflow.Row) int {
	for _, k := range order {
		c := dataflow.Compare(colAt(a, k.Col), colAt(b, k.Col))
		if c != 0 {
			if k.Desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// Process applies the deltas in order and emits each touched group's window change.
func (t *TopK) Process(_ int, in dataflow.Batch) dataflow.Batch {
	if t.limit == 0 {
		return nil // the window is always empty: there is nothing to keep or show
	}
	t.epoch++
	for _, rec := range in {
		t.buf = appendColsKey(t.buf[:0], rec.Row, t.groupBy)
		g, _ := t.groups.get(t.buf)
		if g == nil {
			if rec.Neg || t.partial {
				continue
			}
			g = &topkGroup{}
			t.groups.put(t.buf, g)
			t.bytes.Add(topkGroupBytes)
		}
		if g.epoch != t.epoch {
			g.epoch = t.epoch
			g.snapped = false
			g.keyAt[0] = len(t.touchedKeys)
			t.touchedKeys = append(t.touchedKeys, t.buf...)
			g.keyAt[1] = len(t.touchedKeys)
			t.touched = append(t.touched, g)
		}
		if !g.snapped && (g.last == nil || t.cmp(rec.Row, g.last) <= 0) {
			g.from = len(t.oldWin)
			t.oldWin = t.window(g, t.oldWin)
			g.to = len(t.oldWin)
			g.snapped = true
		}
		if rec.Neg {
			if g.rows.remove(rec.Row, t.cmp) {
				t.bytes.Add(-(dataflow.RowBytes(rec.Row) + 16))
			}
		} else {
			g.rows.add(rec.Row, t.cmp)
			t.bytes.Add(dataflow.RowBytes(rec.Row) + 16)
		}
	}
	var out dataflow.Batch
	for _, g := range t.touched {
		if g.snapped {
			n0 := len(t.newWin)
			t.newWin = t.window(g, t.newWin)
			out = t.diff(out, t.oldWin[g.from:g.to], t.newWin[n0:])
			g.last = nil
			if t.limit > 0 && g.rows.total >= int64(t.offset)+int64(t.limit) {
				g.last = t.newWin[len(t.newWin)-1]
			}
		}
		if g.rows.empty() && !t.partial {
			t.groups.del(t.touchedKeys[g.keyAt[0]:g.keyAt[1]])
			t.bytes.Add(-topkGroupBytes)
		}
	}
	t.touched = emptied(t.touched)
	t.touchedKeys = t.touchedKeys[:0]
	t.oldWin = emptied(t.oldWin)
	t.newWin = emptied(t.newWin)
	return out
}

// window appends the group's rows at positions [offset, offset+limit) to dst.
func (t *TopK) window(g *topkGroup, dst []dataflow.Row) []dataflow.Row {
	skip := int64(t.offset)
	take := int64(t.limit)
	g.rows.ascend(func(r dataflow.Row, n int64) bool {
		if skip > 0 {
			s := min(skip, n)
			skip -= s
			n -= s
		}
		for ; n > 0 && take != 0; n-- {
			dst = append(dst, r)
			if take > 0 {
				take--
			}
		}
		return take != 0
	})
	return dst
}

// diff appends the retractions of rows in old but not in cur, then the insertions of rows
// in cur but not in old; both are sorted by t.cmp, duplicates adjacent.
func (t *TopK) diff(out dataflow.Batch, old, cur []dataflow.Row) dataflow.Batch {
	i, j := 0, 0
	for i < len(old) {
		c := 1
		if j < len(cur) {
			c = t.cmp(old[i], cur[j])
		}
		switch {
		case c == 0:
			i++
			j++
		case c < 0 || j >= len(cur):
			out = append(out, dataflow.Record{Row: old[i], Neg: true})
			i++
		default:
			j++
		}
	}
	i, j = 0, 0
	for j < len(cur) {
		c := -1
		if i < len(old) {
			c = t.cmp(old[i], cur[j])
		}
		switch {
		case c == 0:
			i++
			j++
		case c > 0 || i >= len(old):
			out = append(out, dataflow.Record{Row: cur[j]})
			j++
		default:
			i++
		}
	}
	return out
}

// Snapshot returns every group's window, in group-key order.
func (t *TopK) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	if t.limit == 0 {
		return nil
	}
	var out []dataflow.Row
	for _, g := range t.groups.sorted() {
		out = t.window(g, out)
	}
	return out
}

// Describe renders grouping, order and window, e.g. "topk[$0]($1 desc, $2; limit 10 offset 0)".
// Origins: a TopK keeps some of its parent's rows, columns unchanged.
func (t *TopK) Origins(col int) []dataflow.ColumnOrigin { return dataflow.PassThrough(col) }

// StateKey: the TopK's state is grouped by its group columns.
func (t *TopK) StateKey(int) []int { return t.groupBy }

func (t *TopK) Describe() string {
	var b strings.Builder
	b.WriteString("topk[")
	describeCols(&b, t.groupBy)
	b.WriteString("](")
	for i, k := range t.order {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(k.Col))
		if k.Desc {
			b.WriteString(" desc")
		}
	}
	if len(t.order) > 0 {
		b.WriteString("; ")
	}
	if t.limit < 0 {
		b.WriteString("no limit")
	} else {
		b.WriteString("limit " + strconv.Itoa(t.limit))
	}
	b.WriteString(" offset " + strconv.Itoa(t.offset) + ")")
	return b.String()
}

// emptied clears s (so its backing array holds no rows for the collector to keep alive)
// and returns it empty, its capacity kept for the next batch.
func emptied[T any](s []T) []T {
	clear(s)
	return s[:0]
}

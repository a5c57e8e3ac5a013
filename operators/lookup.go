package operators

import (
	"slices"

	"github.com/weirdb/weir/dataflow"
)

// The stateful operators below are dataflow.OutputIndex: each can produce, from its own
// state, every output row whose columns cols equal a key, which makes it the source of a
// replay that fills a partial node below it.
var (
	_ dataflow.OutputIndex = (*Aggregate)(nil)
	_ dataflow.OutputIndex = (*Join)(nil)
	_ dataflow.OutputIndex = (*Base)(nil)
	_ dataflow.OutputIndex = (*TopK)(nil)
)

// coverOf reports whether cols includes every column of want, and returns, for each
// position of want, an index into cols holding it. Columns of cols beyond want are checked
// by filterByKey after the lookup.
func coverOf(cols, want []int) ([]int, bool) {
	if len(want) == 0 {
		return nil, false
	}
	at := make([]int, len(want))
	for i, w := range want {
		j := slices.Index(cols, w)
		if j < 0 {
			return nil, false
		}
		at[i] = j
	}
	return at, true
}

// filterByKey keeps the rows whose columns cols equal key: a lookup by the state's own key
// may return rows that other key columns (or a repeated column given two values) exclude.
func filterByKey(rows []dataflow.Row, cols []int, key dataflow.Row) []dataflow.Row {
	var wantBuf, rowBuf [64]byte
	want, _, _ := EncodeKey(wantBuf[:0], key)
	buf := rowBuf[:0]
	out := rows[:0:0]
	for _, r := range rows {
		buf = dataflow.AppendRowKey(buf[:0], r, cols)
		if string(buf) == string(want) {
			out = append(out, r)
		}
	}
	return out
}

func seq(n, from int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

// KeyedBy: every group column (output positions 0..g-1) is a key column.
func (a *Aggregate) KeyedBy(cols []int) bool {
	_, ok := coverOf(cols, seq(len(a.groupBy), 0))
	return ok
}

// LookupOutput returns the row of the group named by key.
func (a *Aggregate) LookupOutput(cols []int, key dataflow.Row) []dataflow.Row {
	at, ok := coverOf(cols, seq(len(a.groupBy), 0))
	if !ok {
		return nil
	}
	var buf []byte
	for _, i := range at {
		buf = dataflow.AppendKey(buf, key[i])
	}
	g, ok := a.groups.get(buf)
	if !ok || g.out == nil {
		return nil
	}
	return filterByKey([]dataflow.Row{g.out}, cols, key)
}

// joinSide reports which side's join-key columns (as output positions) cols covers, and
// the index into cols of each key column.
func (j *Join) joinSide(cols []int) (side int, at []int, ok bool) {
	if !j.valid || len(j.keys[0]) == 0 {
		return 0, nil, false
	}
	left := make([]int, len(j.keys[0]))
	copy(left, j.keys[0])
	if at, ok := coverOf(cols, left); ok {
		return 0, at, true
	}
	right := make([]int, len(j.keys[1]))
	for i, c := range j.keys[1] {
		right[i] = j.widths[0] + c
	}
	if at, ok := coverOf(cols, right); ok {
		return 1, at, true
	}
	return 0, nil, false
}

// KeyedBy: every join-key column of one side is a key column.
func (j *Join) KeyedBy(cols []int) bool {
	_, _, ok := j.joinSide(cols)
	return ok
}

// LookupOutput returns the joined rows of one join key. A NULL key matches nothing.
func (j *Join) LookupOutput(cols []int, key dataflow.Row) []dataflow.Row {
	_, at, ok := j.joinSide(cols)
	if !ok {
		return nil
	}
	var kb [64]byte
	buf := kb[:0]
	for _, i := range at {
		if key[i].IsNull() {
			return nil
		}
		buf = dataflow.AppendKey(buf, key[i])
	}
	e, ok := j.entries.get(buf)
	if !ok {
		return nil
	}
	return filterByKey(j.appendEntryOutput(nil, e), cols, key)
}

// KeyedBy: any columns (a lookup by primary key when they are exactly the primary key, a
// scan otherwise).
func (b *Base) KeyedBy(cols []int) bool { return len(cols) > 0 }

// LookupOutput returns the rows whose columns cols equal key under the collation.
func (b *Base) LookupOutput(cols []int, key dataflow.Row) []dataflow.Row {
	for _, v := range key {
		if v.IsNull() {
			return nil
		}
	}
	if at, ok := coverOf(cols, b.pk); ok {
		probe := make(dataflow.Row, b.width)
		for i, c := range b.pk {
			probe[c] = key[at[i]]
		}
		if _, row, ok := b.GetByKey(probe); ok {
			return filterByKey([]dataflow.Row{row}, cols, key)
		}
		return nil
	}
	var wantBuf [64]byte
	want, _, _ := EncodeKey(wantBuf[:0], key)
	if rows, ok := b.indexed(cols, want); ok {
		return rows
	}
	var out []dataflow.Row
	var buf []byte
	b.Scan(func(_ string, row dataflow.Row) bool {
		buf = dataflow.AppendRowKey(buf[:0], row, cols)
		if string(buf) == string(want) {
			out = append(out, row)
		}
		return true
	})
	return out
}

// KeyedBy: every group column (output positions, as the input's) is a key column.
func (t *TopK) KeyedBy(cols []int) bool {
	_, ok := coverOf(cols, t.groupBy)
	return ok
}

// LookupOutput returns the window of the group named by key.
func (t *TopK) LookupOutput(cols []int, key dataflow.Row) []dataflow.Row {
	at, ok := coverOf(cols, t.groupBy)
	if !ok || t.limit == 0 {
		return nil
	}
	var buf []byte
	for _, i := range at {
		buf = dataflow.AppendKey(buf, key[i])
	}
	g, ok := t.groups.get(buf)
	if !ok {
		return nil
	}
	return filterByKey(t.window(g, nil), cols, key)
}

// CoveredByPrimaryKey reports whether key columns cols include the whole primary key, so a
// fill is one primary-key lookup.
func (b *Base) CoveredByPrimaryKey(cols []int) bool {
	_, ok := coverOf(cols, b.pk)
	return ok
}

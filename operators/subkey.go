package operators

import (
	"slices"

	"github.com/weirdb/weir/dataflow"
)

// Partial state by part of what a state groups by (dataflow.SubKeyedState): an aggregate
// grouped by (user_id, article_id) kept for the articles read, a DISTINCT over (user_id,
// article_id) kept likewise. Presence lives in a map of its own, one entry per value of the
// partial key, which holds the key's holds and lists the groups (or distinct rows) the key
// has now. A row of a key that is absent there is a hole's and is dropped; a row of a
// present key makes or updates its group as in a full state, and a group that empties goes
// away (the key stays present, known to have no such group). The last hold released on a
// key drops the key and every group it lists.

var (
	_ dataflow.SubKeyedState = (*Aggregate)(nil)
	_ dataflow.SubKeyedState = (*Distinct)(nil)
	_ dataflow.PartialState  = (*Distinct)(nil)
	_ dataflow.KeyPresence   = (*Distinct)(nil)
)

// subKeyBytes is the fixed cost of one present value of a partial key: the map slot, the
// key bytes, the entry and its list's header.
const subKeyBytes = 96 + mapLowLoadBytes

// subMemberBytes is a group's place in its key's list: a pointer, in a list that may be at
// twice its length.
const subMemberBytes = 16

// subKey is one present value of a partial key: the holds on it and the groups it has.
type subKey[M any] struct {
	holds   int32
	members []M
}

// add lists m and returns its position, which m keeps for remove.
func (k *subKey[M]) add(m M) int32 {
	k.members = append(k.members, m)
	return int32(len(k.members) - 1)
}

// remove takes out the member at position at, moving the last one into its place; moved
// reports that one, whose position is now at.
func (k *subKey[M]) remove(at int32) (moved M, ok bool) {
	last := int32(len(k.members) - 1)
	if at < 0 || at > last {
		return moved, false
	}
	var zero M
	if at != last {
		k.members[at] = k.members[last]
		moved, ok = k.members[at], true
	}
	k.members[last] = zero
	k.members = k.members[:last]
	return moved, ok
}

// subKeyable reports whether cols are distinct columns, each in within (nil: any column).
func subKeyable(cols, within []int) bool {
	if len(cols) == 0 {
		return false
	}
	for i, c := range cols {
		if c < 0 || slices.Contains(cols[:i], c) || (within != nil && !slices.Contains(within, c)) {
			return false
		}
	}
	return true
}

// PartialKeyable: some of the group columns.
func (a *Aggregate) PartialKeyable(cols []int) bool {
	return len(a.groupBy) > 0 && subKeyable(cols, a.groupBy)
}

// SetPartialBy makes the aggregate partial by cols, some of its group columns (columns of
// its parent). It must be called before the aggregate sees any delta.
func (a *Aggregate) SetPartialBy(cols []int) {
	if !a.PartialKeyable(cols) {
		panic("operators: an aggregate is partial only by some of its group columns")
	}
	a.partial = true
	a.groups = keyMap[*aggGroup]{}
	a.subCols = slices.Clone(cols)
	a.subOut = make([]int, len(cols))
	for i, c := range cols {
		a.subOut[i] = slices.Index(a.groupBy, c)
	}
}

// PartialKey returns the columns SetPartialBy made the aggregate partial by.
func (a *Aggregate) PartialKey() []int { return a.subCols }

// subOwner returns the present partial-key entry a parent row belongs to; nil for a hole.
func (a *Aggregate) subOwner(row dataflow.Row) *subKey[*aggGroup] {
	a.kbuf = appendColsKey(a.kbuf[:0], row, a.subCols)
	k, _ := a.subKeys.get(a.kbuf)
	return k
}

// dropGroup forgets a group that emptied, and lists it no more under its partial key.
func (a *Aggregate) dropGroup(g *aggGroup) {
	a.buf = appendWholeRowKey(a.buf[:0], g.key.rep)
	a.groups.del(a.buf)
	a.bytes.Add(-int64(g.charged))
	if a.iv != nil {
		a.iv.groups.Delete(a.ivItem(g, a.buf))
	}
	if a.subCols == nil {
		return
	}
	// The group's values of the partial key find its entry: every variant of a group
	// encodes to the same key.
	a.kbuf = appendColsKey(a.kbuf[:0], g.key.rep, a.subOut)
	if owner, ok := a.subKeys.get(a.kbuf); ok {
		if moved, ok := owner.remove(g.holds); ok {
			moved.holds = g.holds
		}
	}
}

// replaySub fills the partial key named by key from the piece when it is a hole, and
// answers with the rows of all its groups.
func (a *Aggregate) replaySub(slot int, key dataflow.Row, piece dataflow.Batch) (dataflow.Batch, bool, bool) {
	a.buf = dataflow.AppendKeys(a.buf[:0], key)
	k, present := a.subKeys.get(a.buf)
	if !present {
		k = &subKey[*aggGroup]{}
		a.subKeys.put(a.buf, k)
		a.bytes.Add(subKeyBytes)
		a.Process(slot, piece)
	}
	k.holds++
	out := make(dataflow.Batch, 0, len(k.members))
	for _, g := range k.members {
		if g.out != nil {
			out = append(out, dataflow.Record{Row: g.out})
		}
	}
	return out, true, present
}

// releaseSub gives back one hold on a partial key; the last one drops it and its groups.
func (a *Aggregate) releaseSub(key string) bool {
	k, ok := a.subKeys.get([]byte(key))
	if !ok || !releaseHold(&k.holds) {
		return false
	}
	for _, g := range k.members {
		a.buf = appendWholeRowKey(a.buf[:0], g.key.rep)
		a.groups.del(a.buf)
		a.bytes.Add(-int64(g.charged))
	}
	a.subKeys.del([]byte(key))
	a.bytes.Add(-subKeyBytes)
	return true
}

// PartialKeyable: any of its columns.
func (d *Distinct) PartialKeyable(cols []int) bool { return subKeyable(cols, nil) }

// SetPartialBy makes the DISTINCT partial by cols. It must be called before it sees any
// delta.
func (d *Distinct) SetPartialBy(cols []int) {
	if !d.PartialKeyable(cols) {
		panic("operators: a DISTINCT is partial only by some of its columns")
	}
	d.subCols = slices.Clone(cols)
}

// PartialKey returns the columns SetPartialBy made the DISTINCT partial by.
func (d *Distinct) PartialKey() []int { return d.subCols }

// Partial reports whether the DISTINCT keeps only the rows of the keys asked for.
func (d *Distinct) Partial() bool { return d.subCols != nil }

// forget drops a distinct row that no copy is left of, and lists it no more under its
// partial key.
func (d *Distinct) forget(k *distinctKey) {
	d.buf = appendWholeRowKey(d.buf[:0], k.vars.rep)
	d.keys.del(d.buf)
	d.delta -= distinctKeyBytes
	if d.subCols == nil {
		return
	}
	d.delta -= subMemberBytes
	d.kbuf = appendColsKey(d.kbuf[:0], k.vars.rep, d.subCols)
	if owner, ok := d.subKeys.get(d.kbuf); ok {
		if moved, ok := owner.remove(k.at); ok {
			moved.at = k.at
		}
	}
}

// ReplayPiece fills the partial key named by key from the piece (every row of the key)
// when it is a hole, and answers with its distinct rows.
func (d *Distinct) ReplayPiece(_ uint64, slot int, key dataflow.Row, piece dataflow.Batch, _ int) (dataflow.Batch, bool, bool) {
	d.kbuf = dataflow.AppendKeys(d.kbuf[:0], key)
	k, present := d.subKeys.get(d.kbuf)
	if !present {
		k = &subKey[*distinctKey]{}
		d.subKeys.put(d.kbuf, k)
		d.bytes.Add(subKeyBytes)
		d.Process(slot, piece)
	}
	k.holds++
	out := make(dataflow.Batch, 0, len(k.members))
	for _, m := range k.members {
		if m.out != nil {
			out = append(out, dataflow.Record{Row: m.out})
		}
	}
	return out, true, present
}

// Release gives back one hold on a partial key; the last one drops it and its rows.
func (d *Distinct) Release(key string) bool {
	k, ok := d.subKeys.get([]byte(key))
	if !ok || !releaseHold(&k.holds) {
		return false
	}
	var freed int64 = subKeyBytes
	for _, m := range k.members {
		d.buf = appendWholeRowKey(d.buf[:0], m.vars.rep)
		d.keys.del(d.buf)
		freed += distinctKeyBytes + subMemberBytes
		m.vars.each(func(r dataflow.Row, n int64) { freed += n * (dataflow.RowBytes(r) + 16) })
	}
	d.subKeys.del([]byte(key))
	d.bytes.Add(-freed)
	return true
}

// PresentKeys calls f with every present partial key.
func (d *Distinct) PresentKeys(f func(string)) {
	d.subKeys.each(func(k []byte, _ *subKey[*distinctKey]) { f(string(k)) })
}

// InputKey appends the partial key of a row from the parent.
func (d *Distinct) InputKey(buf []byte, _ int, row dataflow.Row) []byte {
	return appendColsKey(buf, row, d.subCols)
}

// OutputKey appends the partial key of an output row (its columns are the input's).
func (d *Distinct) OutputKey(buf []byte, row dataflow.Row) []byte {
	return appendColsKey(buf, row, d.subCols)
}

// KeyPresent reports whether a partial key is present.
func (d *Distinct) KeyPresent(key []byte) bool {
	_, ok := d.subKeys.get(key)
	return ok
}

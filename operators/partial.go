package operators

import (
	"fmt"

	"github.com/weirdb/weir/dataflow"
)

// Partial state (dataflow.PartialState) for the stateful operators whose key the planner
// can trace to an ancestor's index: an aggregate keyed by its group columns, a TopK keyed by
// its group columns, a join keyed by its join key. (An aggregate or a DISTINCT partial by
// some of what it groups by keeps its presence apart: see subkey.go.)
//
// A key absent from the operator's map is a hole: deltas for it are dropped, because the
// replay piece that fills it is computed from upstream state that already includes them. A
// present key stays present when its rows go (an empty group is known to be empty) until
// the last hold on it is released. The key a replay names is always the operator's own key
// columns in their order, so its encoding is the map key.

// Approximate fixed costs of one present key, for memory accounting: the map slot, the key
// bytes and the group or entry struct.
const (
	aggGroupBytes  = 160 + mapLowLoadBytes
	topkGroupBytes = 144 + mapLowLoadBytes
	// distinctKeyBytes is a DISTINCT key: the map slot, the key bytes and its struct.
	distinctKeyBytes = 112 + mapLowLoadBytes
	joinEntryBytes   = 176 + mapLowLoadBytes
)

// mapLowLoadBytes is what a key's map slot costs beyond its share at a table's average load
// when the table is at its lowest. A Go map table doubles when it is 7/8 full and is then
// 7/16 full, and since keys hash evenly the tables of a large map fill, and double, together:
// the whole map can sit at its lowest load, 57 bytes per key for an 8-byte value and a
// 16-byte key (a control byte each), where 7/8 gives 29. The limit must bound the heap
// wherever the maps stand: measured, the vote view's two keyed maps held 70 bytes per key
// at 200,000 keys and 111 at 1,000,000, where accounting without this counted the heap
// 7.6% short.
const mapLowLoadBytes = 24

// releaseHold gives back one of a key's holds and reports whether it was the last.
func releaseHold(holds *int32) bool {
	if *holds > 1 {
		*holds--
		return false
	}
	*holds = 0
	return true
}

// SetPartial makes the aggregate partial. It must be called before the aggregate sees any
// delta, and only for an aggregate with GROUP BY columns.
func (a *Aggregate) SetPartial() {
	if len(a.groupBy) == 0 {
		panic("operators: an aggregate without GROUP BY cannot be partial")
	}
	a.partial = true
	a.groups = keyMap[*aggGroup]{}
}

// Partial reports whether the aggregate keeps only the groups that were asked for.
func (a *Aggregate) Partial() bool { return a.partial }

// charge updates the accounted size of a group of a partial aggregate.
func (a *Aggregate) charge(g *aggGroup) {
	c := int64(aggGroupBytes + 24*len(g.accs))
	if a.subCols != nil {
		c += subMemberBytes
	}
	if a.iv != nil {
		c += ivGroupBytes
	}
	if g.out != nil {
		c += dataflow.RowBytes(g.out)
	}
	for i := range g.accs {
		if vb := g.accs[i].vals; vb != nil {
			c += 48 * vb.total
		}
		if pb := g.accs[i].pairs; pb != nil {
			c += 96 * pb.total
		}
		c += 64 * int64(len(g.accs[i].dist))
	}
	a.bytes.Add(c - int64(g.charged))
	g.charged = int32(min(c, 1<<31-1))
}

// ReplayPiece fills the group named by key from the piece (the group's input rows) when it
// is a hole, and answers with the group's output row.
func (a *Aggregate) ReplayPiece(_ uint64, slot int, key dataflow.Row, piece dataflow.Batch, _ int) (dataflow.Batch, bool, bool) {
	if a.subCols != nil {
		return a.replaySub(slot, key, piece)
	}
	if a.iv != nil {
		return a.replayInterval(slot, key, piece)
	}
	a.buf = dataflow.AppendKeys(a.buf[:0], key)
	g, present := a.groups.get(a.buf)
	if !present {
		g = a.newGroup()
		a.groups.put(a.buf, g)
		a.charge(g)
		a.Process(slot, piece) // the output is the group's whole row, read below
	}
	g.holds++
	if g.out == nil {
		return dataflow.Batch{}, true, present
	}
	return dataflow.Batch{{Row: g.out}}, true, present
}

// Release gives back one hold on a group; the last one turns it into a hole.
func (a *Aggregate) Release(key string) bool {
	if a.iv != nil {
		// Its intervals go with the reader's evictions (EvictInterval); a release is a
		// redundant fill's, whose interval the reader holds.
		return false
	}
	if a.subCols != nil {
		return a.releaseSub(key)
	}
	g, ok := a.groups.get([]byte(key))
	if !ok || !releaseHold(&g.holds) {
		return false
	}
	a.groups.del([]byte(key))
	a.bytes.Add(-int64(g.charged))
	return true
}

// StateBytes approximates the memory of the groups: the present ones of a partial
// aggregate, all of a full one.
func (a *Aggregate) StateBytes() int64 { return a.bytes.Load() }

// PresentKeys calls f with the key of every present group.
func (a *Aggregate) PresentKeys(f func(string)) {
	if a.iv != nil {
		return // no holds: see EvictInterval
	}
	if a.subCols != nil {
		a.subKeys.each(func(k []byte, _ *subKey[*aggGroup]) { f(string(k)) })
		return
	}
	a.groups.each(func(k []byte, _ *aggGroup) { f(string(k)) })
}

// SetPartial makes the TopK partial. It must be called before it sees any delta, and only
// for a TopK with group columns.
func (t *TopK) SetPartial() {
	if len(t.groupBy) == 0 {
		panic("operators: a TopK without group columns cannot be partial")
	}
	t.partial = true
}

// Partial reports whether the TopK keeps only the groups that were asked for.
func (t *TopK) Partial() bool { return t.partial }

// ReplayPiece fills the group named by key from the piece (all of the group's rows, so the
// window can never run short later) when it is a hole, and answers with the window.
func (t *TopK) ReplayPiece(_ uint64, slot int, key dataflow.Row, piece dataflow.Batch, _ int) (dataflow.Batch, bool, bool) {
	t.buf = dataflow.AppendKeys(t.buf[:0], key)
	g, present := t.groups.get(t.buf)
	if !present {
		g = &topkGroup{}
		t.groups.put(t.buf, g)
		t.bytes.Add(topkGroupBytes)
		t.Process(slot, piece)
	}
	g.holds++
	var out dataflow.Batch
	if t.limit != 0 {
		for _, r := range t.window(g, nil) {
			out = append(out, dataflow.Record{Row: r})
		}
	}
	if out == nil {
		out = dataflow.Batch{}
	}
	return out, true, present
}

// Release gives back one hold on a group; the last one turns it into a hole.
func (t *TopK) Release(key string) bool {
	g, ok := t.groups.get([]byte(key))
	if !ok || !releaseHold(&g.holds) {
		return false
	}
	t.groups.del([]byte(key))
	t.bytes.Add(-topkGroupBytes)
	g.rows.ascend(func(r dataflow.Row, n int64) bool {
		t.bytes.Add(-n * (dataflow.RowBytes(r) + 16))
		return true
	})
	return true
}

// StateBytes approximates the memory of the present groups (partial state only).
func (t *TopK) StateBytes() int64 { return t.bytes.Load() }

// StateBytes approximates the memory of the keys a DISTINCT holds (it is always full).
func (d *Distinct) StateBytes() int64 { return d.bytes.Load() }

// PresentKeys calls f with the key of every present group.
func (t *TopK) PresentKeys(f func(string)) {
	t.groups.each(func(k []byte, _ *topkGroup) { f(string(k)) })
}

// joinPending is a replay request waiting at a join for its other piece.
type joinPending struct {
	left int // pieces still to come
}

// rowBytes is what a row of parent side costs the join's state: the row's place in its
// bucket, and its values unless the join shares them with the state above (ShareRows).
func (j *Join) rowBytes(side int, r dataflow.Row) int64 {
	if j.shared[side] {
		return joinItemBytes
	}
	return dataflow.RowBytes(r) + joinItemBytes
}

const joinItemBytes = 24

// SetPartial makes the join partial, keyed by its join key. It must be called before the
// join sees any delta.
func (j *Join) SetPartial() {
	j.partial = true
	j.pending = map[uint64]*joinPending{}
}

// Partial reports whether the join keeps only the join keys that were asked for.
func (j *Join) Partial() bool { return j.partial }

// ReplayPiece installs one side's rows for a join key. A request sends a piece down each
// side; the join answers only when both have come, so it never joins against a hole:
// between the two, the present side keeps taking its deltas (they follow its piece) and the
// hole's are dropped (its piece, still on its way, includes them), and nothing is emitted
// for the key.
func (j *Join) ReplayPiece(req uint64, slot int, key dataflow.Row, piece dataflow.Batch, pieces int) (dataflow.Batch, bool, bool) {
	j.buf = dataflow.AppendKeys(j.buf[:0], key)
	e, ok := j.entries.get(j.buf)
	if !ok {
		e = &joinEntry{}
		j.entries.put(j.buf, e)
		j.bytes.Add(joinEntryBytes)
	}
	redundant := e.present&(1<<slot) != 0
	if !redundant {
		b := &e.sides[slot]
		key := string(j.buf)
		for _, rec := range piece {
			// Rows whose join key is another (NULL, after an outer join above) are not
			// this key's: they never meet anything here.
			j.kbuf = appendColsKey(j.kbuf[:0], rec.Row, j.keys[slot])
			if string(j.kbuf) != key || nullKey(rec.Row, j.keys[slot]) {
				continue
			}
			if rec.Neg {
				if b.remove(rec.Row, &j.ibuf) {
					j.bytes.Add(-j.rowBytes(slot, rec.Row))
				}
			} else {
				b.add(rec.Row, &j.ibuf)
				j.bytes.Add(j.rowBytes(slot, rec.Row))
			}
		}
		e.present |= 1 << slot
	}
	p := j.pending[req]
	if p == nil {
		p = &joinPending{left: pieces}
		j.pending[req] = p
		e.waiting++
	}
	p.left--
	if p.left > 0 {
		return nil, false, redundant
	}
	delete(j.pending, req)
	e.waiting--
	if e.present != 3 {
		panic(fmt.Sprintf("operators: join replay %d completed with a side missing (%b)", req, e.present))
	}
	e.holds++
	rows := j.appendEntryOutput(nil, e)
	out := make(dataflow.Batch, len(rows))
	for i, r := range rows {
		out[i] = dataflow.Record{Row: r}
	}
	return out, true, redundant
}

// Release gives back one hold on a join key; the last one turns both sides into holes,
// unless a replay is waiting on the key (it takes a hold of its own when it completes).
func (j *Join) Release(key string) bool {
	e, ok := j.entries.get([]byte(key))
	if !ok || !releaseHold(&e.holds) || e.waiting > 0 {
		return false
	}
	j.entries.del([]byte(key))
	j.bytes.Add(-joinEntryBytes)
	for s := range e.sides {
		for _, it := range e.sides[s].items {
			j.bytes.Add(-it.n * j.rowBytes(s, it.row))
		}
	}
	return true
}

// StateBytes approximates the memory of the state: the present keys of a partial join,
// every key of a full one.
func (j *Join) StateBytes() int64 { return j.bytes.Load() }

// HoldsOn reports whether the join holds an encoded key on the partial states of parent
// slot: whether that side of the key is present (a key whose replay waits for its other
// piece holds on one side only).
func (j *Join) HoldsOn(key string, slot int) bool {
	e, ok := j.entries.get([]byte(key))
	return ok && e.present&(1<<slot) != 0
}

// PresentKeys calls f with every join key that has a present side.
func (j *Join) PresentKeys(f func(string)) {
	j.entries.each(func(k []byte, _ *joinEntry) { f(string(k)) })
}

// unionPending is a replay request collecting its pieces at a union.
type unionPending struct {
	key     string
	keyCols []int
	got     []bool
	left    int
	rows    dataflow.Batch
	// ranged: a range upquery's request, whose rows are those with a value of column
	// rangeCol in iv.
	ranged   bool
	rangeCol int
	iv       Interval
}

// MergePiece collects the pieces of one request, one from each parent on the replay tree,
// and passes on their concatenation with the last. While it waits, deltas that follow a
// piece that has arrived are added to the collected rows: they come after that piece's
// snapshot, and the state below is still a hole that drops them as they pass.
func (u *Union) MergePiece(req uint64, slot int, keyCols []int, key dataflow.Row, piece dataflow.Batch, pieces int) (dataflow.Batch, bool) {
	if u.pending == nil {
		u.pending = map[uint64]*unionPending{}
	}
	p := u.pending[req]
	if p == nil {
		p = &unionPending{key: string(dataflow.AppendKeys(nil, key)), keyCols: keyCols, got: make([]bool, u.inputs), left: pieces}
		u.pending[req] = p
	}
	return u.merge(req, p, slot, piece)
}

// MergeRangePiece is MergePiece for a range upquery's pieces (key is a RangeKey row of an
// interval of column col): the deltas collected while it waits are those whose value of
// col lies in the interval.
func (u *Union) MergeRangePiece(req uint64, slot int, col int, key dataflow.Row, piece dataflow.Batch, pieces int) (dataflow.Batch, bool) {
	if u.pending == nil {
		u.pending = map[uint64]*unionPending{}
	}
	p := u.pending[req]
	if p == nil {
		_, iv, _ := SplitRangeKey(key)
		p = &unionPending{ranged: true, rangeCol: col, iv: iv, got: make([]bool, u.inputs), left: pieces}
		u.pending[req] = p
	}
	return u.merge(req, p, slot, piece)
}

// merge adds one piece to a request and passes on the rows collected with the last.
func (u *Union) merge(req uint64, p *unionPending, slot int, piece dataflow.Batch) (dataflow.Batch, bool) {
	p.rows = append(p.rows, piece...)
	if slot >= 0 && slot < len(p.got) {
		p.got[slot] = true
	}
	p.left--
	if p.left > 0 {
		return nil, false
	}
	delete(u.pending, req)
	if p.rows == nil {
		p.rows = dataflow.Batch{}
	}
	return p.rows, true
}

// collect adds the deltas of a batch from parent from to the requests waiting for other
// parents' pieces whose key they belong to.
func (u *Union) collect(from int, in dataflow.Batch) {
	var buf []byte
	for _, p := range u.pending {
		if from >= len(p.got) || !p.got[from] {
			continue
		}
		for _, rec := range in {
			if p.ranged {
				if p.iv.Contains(colAt(rec.Row, p.rangeCol)) {
					p.rows = append(p.rows, rec)
				}
				continue
			}
			buf = dataflow.AppendRowKey(buf[:0], rec.Row, p.keyCols)
			if string(buf) == p.key {
				p.rows = append(p.rows, rec)
			}
		}
	}
}

// The invariants build's view of partial state (dataflow.KeyPresence): the state key of
// an input or an output row, and whether a key is present.

// InputKey appends the group key of a row from the parent (its partial key, when the
// aggregate is partial by some of its group columns).
func (a *Aggregate) InputKey(buf []byte, _ int, row dataflow.Row) []byte {
	if a.iv != nil {
		return appendFilledFlag(buf, a.iv.filled, colAt(row, a.iv.col))
	}
	if a.subCols != nil {
		return appendColsKey(buf, row, a.subCols)
	}
	return appendColsKey(buf, row, a.groupBy)
}

// OutputKey appends the group key of an output row: the group columns lead it (or its
// partial key, read from them).
func (a *Aggregate) OutputKey(buf []byte, row dataflow.Row) []byte {
	if a.iv != nil {
		return appendFilledFlag(buf, a.iv.filled, colAt(row, a.iv.out))
	}
	if a.subCols != nil {
		return appendColsKey(buf, row, a.subOut)
	}
	return dataflow.AppendKeys(buf, row[:min(len(a.groupBy), len(row))])
}

// KeyPresent reports whether a group (or a partial key) is present.
func (a *Aggregate) KeyPresent(key []byte) bool {
	if a.iv != nil {
		return len(key) == 1 && key[0] == 1
	}
	if a.subCols != nil {
		_, ok := a.subKeys.get(key)
		return ok
	}
	_, ok := a.groups.get(key)
	return ok
}

// InputKey appends the group key of a row from the parent.
func (t *TopK) InputKey(buf []byte, _ int, row dataflow.Row) []byte {
	return appendColsKey(buf, row, t.groupBy)
}

// OutputKey appends the group key of an output row (its columns are the input's).
func (t *TopK) OutputKey(buf []byte, row dataflow.Row) []byte {
	return appendColsKey(buf, row, t.groupBy)
}

// KeyPresent reports whether a group is present.
func (t *TopK) KeyPresent(key []byte) bool {
	_, ok := t.groups.get(key)
	return ok
}

// InputKey appends the join key of a row from side slot.
func (j *Join) InputKey(buf []byte, slot int, row dataflow.Row) []byte {
	return appendColsKey(buf, row, j.keys[slot])
}

// OutputKey appends the join key of an output row, read from its left columns.
func (j *Join) OutputKey(buf []byte, row dataflow.Row) []byte {
	return appendColsKey(buf, row, j.keys[0])
}

// KeyPresent reports whether a join key is present on both sides: until both sides'
// pieces have arrived a partial join emits nothing for it.
func (j *Join) KeyPresent(key []byte) bool {
	e, ok := j.entries.get(key)
	return ok && e.present == 3
}

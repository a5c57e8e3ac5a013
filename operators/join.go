package operators

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// JoinKind distinguishes inner from left outer joins.
type JoinKind uint8

const (
	JoinInner JoinKind = iota
	JoinLeft
)

func (k JoinKind) String() string {
	switch k {
	case JoinInner:
		return "inner"
	case JoinLeft:
		return "left"
	}
	return "kind" + strconv.Itoa(int(k))
}

// Join is an incremental equi-join. Parent 0 is the left input, parent 1 the right; the
// output is the left columns followed by the right columns. Each side keeps its rows as a
// multiset per join key, and a delta from one side is matched against the other side's state
// as it is at that delta, so a batch is processed exactly in order (a batch may retract a row
// and insert it again).
//
// Keys compare with SQL equality under the collation: rows meet when their key encodings
// (dataflow.AppendKey) are equal, and a key with a NULL component never matches. Removal from
// a side's multiset uses exact identity, not collation equality: retracting 'a' removes 'a',
// never 'A'.
//
// A LEFT join emits a left row that has no match padded with NULLs. When the first right row
// of a key arrives, the padded rows of that key are retracted and the joined rows emitted;
// when the last one leaves, the reverse. Left rows with a NULL key stay padded for good.
type Join struct {
	kind   JoinKind
	keys   [2][]int
	widths [2]int
	// valid is false when the key lists differ in length: such a join matches nothing.
	valid bool
	// entries holds both sides' rows of each join key together, so a delta costs one map
	// lookup.
	entries keyMap[*joinEntry]
	// nullLeft holds the left rows of a LEFT join that can never match.
	nullLeft joinBucket
	// emptied lists the entries that became empty during the batch, with their keys in
	// emptiedKeys. They are dropped at the end of the batch, not at once, so the common
	// "-old +new" update of one key does not free and rebuild its entry.
	emptied     []emptiedEntry
	emptiedKeys []byte

	buf  []byte
	ibuf []byte

	// partial: absent keys are holes on both sides, and each entry knows which sides are
	// present (see partial.go).
	partial bool
	pending map[uint64]*joinPending
	kbuf    []byte
	// bytes approximates the memory of the state (present keys of a partial join, every
	// key of a full one); delta is the change a batch made, added once at its end.
	bytes atomic.Int64
	delta int64
	// shared marks the sides whose rows are the very rows a base table holds (see
	// ShareRows).
	shared [2]bool
	// residual, when not nil, is the rest of the ON condition (see SetResidual).
	residual expr.Expr
}

// SetResidual makes the join match a left and a right row of one key only when cond, over
// the joined row (left columns, then right), is true: the conditions of a LEFT JOIN's ON
// that are no equality between the sides (`ON b.x = a.x AND b.t < a.t`), which decide which
// right rows meet a left row and so whether it is padded. Each left row then meets the
// rows of its key one by one: a right delta costs O(left rows × right rows) of its key, as
// it checks, for every left row it meets, whether that row had other matches.
func (j *Join) SetResidual(cond expr.Expr) { j.residual = cond }

// meets reports whether the rows of one key match: always, without a residual.
func (j *Join) meets(joined dataflow.Row) bool {
	return j.residual == nil || j.residual.Eval(joined).Truthy()
}

// matchesOf counts the right rows of a bucket (with multiplicity) that meet left row l.
func (j *Join) matchesOf(l dataflow.Row, right *joinBucket) int64 {
	if j.residual == nil {
		return right.total
	}
	var n int64
	for _, r := range right.items {
		if j.meets(joinRows(l, r.row)) {
			n += r.n
		}
	}
	return n
}

// ShareRows says that the rows parent side sends are the rows a base table stores (passed
// on by filters), so the join's state adds only their places in it to the memory it
// accounts: the values are the base table's, held whether the join exists or not.
func (j *Join) ShareRows(side int) {
	if side == 0 || side == 1 {
		j.shared[side] = true
	}
}

// NewJoin returns a join of the given kind matching left[leftKeys[i]] = right[rightKeys[i]]
// for every i. The widths are the parents' arities (the right one pads unmatched LEFT rows).
// With no keys every left row meets every right row; key lists of different lengths are a
// planning error and give a join that matches nothing.
func NewJoin(kind JoinKind, leftKeys, rightKeys []int, leftWidth, rightWidth int) *Join {
	return &Join{
		kind:   kind,
		keys:   [2][]int{slices.Clone(leftKeys), slices.Clone(rightKeys)},
		widths: [2]int{max(leftWidth, 0), max(rightWidth, 0)},
		valid:  len(leftKeys) == len(rightKeys),
	}
}

// Process applies the deltas of one side in order.
func (j *Join) Process(from int, in dataflow.Batch) dataflow.Batch {
	if from != 0 && from != 1 {
		return nil
	}
	out := make(dataflow.Batch, 0, len(in))
	for _, rec := range in {
		out = j.apply(from, rec, out)
	}
	for _, x := range j.emptied {
		x.e.emptied = false
		if x.e.sides[0].total == 0 && x.e.sides[1].total == 0 {
			j.entries.del(j.emptiedKeys[x.start:x.end])
			j.delta -= joinEntryBytes
		}
	}
	if j.delta != 0 {
		j.bytes.Add(j.delta)
		j.delta = 0
	}
	clear(j.emptied)
	j.emptied = j.emptied[:0]
	j.emptiedKeys = j.emptiedKeys[:0]
	return out
}

func (j *Join) apply(from int, rec dataflow.Record, out dataflow.Batch) dataflow.Batch {
	row := rec.Row
	left := j.kind == JoinLeft
	if !j.valid || nullKey(row, j.keys[from]) {
		if from != 0 || !left || j.partial {
			return out // can never match and is never shown
		}
		if rec.Neg {
			if !j.nullLeft.remove(row, &j.ibuf) {
				return out
			}
			j.delta -= j.rowBytes(from, row)
		} else {
			j.nullLeft.add(row, &j.ibuf)
			j.delta += j.rowBytes(from, row)
		}
		return append(out, dataflow.Record{Row: j.pad(row), Neg: rec.Neg})
	}

	j.buf = appendColsKey(j.buf[:0], row, j.keys[from])
	e, _ := j.entries.get(j.buf)
	if e == nil {
		if rec.Neg || j.partial {
			return out // retraction of a row this side does not hold, or a hole
		}
		e = &joinEntry{}
		j.entries.put(j.buf, e)
		j.delta += joinEntryBytes
	}
	if j.partial && e.present&(1<<from) == 0 {
		return out // this side is a hole for the key: its replay piece includes the delta
	}
	b, other := &e.sides[from], &e.sides[1-from]
	if rec.Neg {
		if !b.remove(row, &j.ibuf) {
			return out
		}
		j.delta -= j.rowBytes(from, row)
		if j.partial {
			if e.present != 3 {
				return out // the other side is a hole: keep state, show nothing yet
			}
		} else if b.total == 0 && other.total == 0 && !e.emptied {
			e.emptied = true
			start := len(j.emptiedKeys)
			j.emptiedKeys = append(j.emptiedKeys, j.buf...)
			j.emptied = append(j.emptied, emptiedEntry{e: e, start: start, end: len(j.emptiedKeys)})
		}
	} else {
		b.add(row, &j.ibuf)
		j.delta += j.rowBytes(from, row)
		if j.partial && e.present != 3 {
			return out
		}
	}
	matched := other.total > 0

	if from == 0 {
		met := false
		for _, r := range other.items {
			jr := joinRows(row, r.row)
			if !j.meets(jr) {
				continue
			}
			met = true
			for c := r.n; c > 0; c-- {
				out = append(out, dataflow.Record{Row: jr, Neg: rec.Neg})
			}
		}
		if !met && left {
			out = append(out, dataflow.Record{Row: j.pad(row), Neg: rec.Neg})
		}
		return out
	}

	if !matched {
		return out
	}
	if j.residual != nil {
		return j.applyRightResidual(row, rec.Neg, b, other, out)
	}
	// The right side's first row of a key arrived, or its last left.
	flip := left && ((!rec.Neg && b.total == 1) || (rec.Neg && b.total == 0))
	for _, l := range other.items {
		jr := joinRows(l.row, row)
		var padded dataflow.Row
		if flip {
			padded = j.pad(l.row)
		}
		if flip && !rec.Neg {
			for c := l.n; c > 0; c-- {
				out = append(out, dataflow.Record{Row: padded, Neg: true})
			}
		}
		for c := l.n; c > 0; c-- {
			out = append(out, dataflow.Record{Row: jr, Neg: rec.Neg})
		}
		if flip && rec.Neg {
			for c := l.n; c > 0; c-- {
				out = append(out, dataflow.Record{Row: padded})
			}
		}
	}
	return out
}

// applyRightResidual applies a right row's delta (already in bucket b) under a residual:
// each left row it meets gains or loses a joined row, and a LEFT join's left row that had no
// other match loses or regains its padded row.
func (j *Join) applyRightResidual(row dataflow.Row, neg bool, b, lefts *joinBucket, out dataflow.Batch) dataflow.Batch {
	left := j.kind == JoinLeft
	for _, l := range lefts.items {
		jr := joinRows(l.row, row)
		if !j.meets(jr) {
			continue
		}
		// The row's own copy is counted after an insert and not after a delete: other
		// matches are none exactly when the count is 1 after an insert, 0 after a delete.
		flip := false
		if left {
			n := j.matchesOf(l.row, b)
			flip = (!neg && n == 1) || (neg && n == 0)
		}
		if flip && !neg {
			padded := j.pad(l.row)
			for c := l.n; c > 0; c-- {
				out = append(out, dataflow.Record{Row: padded, Neg: true})
			}
		}
		for c := l.n; c > 0; c-- {
			out = append(out, dataflow.Record{Row: jr, Neg: neg})
		}
		if flip && neg {
			padded := j.pad(l.row)
			for c := l.n; c > 0; c-- {
				out = append(out, dataflow.Record{Row: padded})
			}
		}
	}
	return out
}

// ReplayThrough joins the rows of a replay piece from one side with the other side's state,
// without changing the state, which as a full join's already holds them (see
// dataflow.ReplayThrough). A partial join answers no such piece: its replays go through
// ReplayPiece.
func (j *Join) ReplayThrough(from int, piece dataflow.Batch) dataflow.Batch {
	if j.partial || (from != 0 && from != 1) {
		return nil
	}
	padUnmatched := from == 0 && j.kind == JoinLeft
	var out dataflow.Batch
	var key []byte
	for _, rec := range piece {
		if rec.Neg {
			continue // a piece holds rows, never retractions
		}
		var other *joinBucket
		if j.valid && !nullKey(rec.Row, j.keys[from]) {
			key = appendColsKey(key[:0], rec.Row, j.keys[from])
			if e, ok := j.entries.get(key); ok {
				other = &e.sides[1-from]
			}
		}
		met := false
		if other != nil {
			for _, r := range other.items {
				jr := joinRows(rec.Row, r.row)
				if from == 1 {
					jr = joinRows(r.row, rec.Row)
				}
				if !j.meets(jr) {
					continue
				}
				met = true
				for c := r.n; c > 0; c-- {
					out = append(out, dataflow.Record{Row: jr})
				}
			}
		}
		if !met && padUnmatched {
			out = append(out, dataflow.Record{Row: j.pad(rec.Row)})
		}
	}
	return out
}

func nullKey(row dataflow.Row, keys []int) bool {
	for _, k := range keys {
		if colAt(row, k).IsNull() {
			return true
		}
	}
	return false
}

func joinRows(l, r dataflow.Row) dataflow.Row {
	out := make(dataflow.Row, len(l)+len(r))
	copy(out, l)
	copy(out[len(l):], r)
	return out
}

// pad is a left row followed by NULLs for the right columns (the zero Value is NULL).
func (j *Join) pad(l dataflow.Row) dataflow.Row {
	out := make(dataflow.Row, len(l)+j.widths[1])
	copy(out, l)
	return out
}

// Snapshot returns the join of the two sides' current state, in key order.
func (j *Join) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	var out []dataflow.Row
	for _, e := range j.entries.sorted() {
		out = j.appendEntryOutput(out, e)
	}
	for _, l := range j.nullLeft.items {
		padded := j.pad(l.row)
		for c := l.n; c > 0; c-- {
			out = append(out, padded)
		}
	}
	return out
}

// appendEntryOutput appends the joined rows of one join key: each left row with each right
// row (multiplicities multiplied), or padded with NULLs for a LEFT join without matches.
func (j *Join) appendEntryOutput(out []dataflow.Row, e *joinEntry) []dataflow.Row {
	rb := &e.sides[1]
	for _, l := range e.sides[0].items {
		met := false
		for _, r := range rb.items {
			jr := joinRows(l.row, r.row)
			if !j.meets(jr) {
				continue
			}
			met = true
			for c := l.n * r.n; c > 0; c-- {
				out = append(out, jr)
			}
		}
		if !met && j.kind == JoinLeft {
			padded := j.pad(l.row)
			for c := l.n; c > 0; c-- {
				out = append(out, padded)
			}
		}
	}
	return out
}

// Describe renders the kind and the key pairs as side-relative positions, e.g.
// "join[left]($0=$1)": left column 0 equals right column 1.
// Origins: the left parent's columns, then the right parent's.
func (j *Join) Origins(col int) []dataflow.ColumnOrigin {
	switch {
	case col < 0:
		return nil
	case col < j.widths[0]:
		return []dataflow.ColumnOrigin{{Slot: 0, Col: col}}
	case col < j.widths[0]+j.widths[1]:
		return []dataflow.ColumnOrigin{{Slot: 1, Col: col - j.widths[0]}}
	}
	return nil
}

// StateKey: the join's state is grouped by each side's join key. A join without keys (or
// with key lists that do not pair up) has none.
func (j *Join) StateKey(slot int) []int {
	if !j.valid || len(j.keys[0]) == 0 || slot < 0 || slot > 1 {
		return nil
	}
	return j.keys[slot]
}

func (j *Join) Describe() string {
	var b strings.Builder
	b.WriteString("join[" + j.kind.String() + "](")
	if !j.valid {
		b.WriteString("mismatched keys [")
		describeCols(&b, j.keys[0])
		b.WriteString("] [")
		describeCols(&b, j.keys[1])
		b.WriteString("])")
		return b.String()
	}
	for i := range j.keys[0] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(j.keys[0][i]) + "=$" + strconv.Itoa(j.keys[1][i]))
	}
	b.WriteString(")")
	if j.residual != nil {
		b.WriteString(" and " + j.residual.String())
	}
	return b.String()
}

// joinBucket is the multiset of one side's rows under one join key: distinct rows (by exact
// identity) with their multiplicities. Most buckets are small and are searched linearly;
// once one grows past bucketIndexMin rows an index by identity key keeps a retraction from
// scanning, say, every vote of a popular story.
type joinBucket struct {
	items []joinItem
	total int64
	idx   map[string]int32
}

// joinEntry is the state of one join key: the left rows (sides[0]) and the right rows.
type joinEntry struct {
	sides   [2]joinBucket
	emptied bool // queued in Join.emptied
	// Partial state: which sides are present (bit 0 left, bit 1 right), the holds
	// downstream states have on the key, and the replay requests waiting on it.
	present uint8
	holds   int32
	waiting int32
}

type emptiedEntry struct {
	e          *joinEntry
	start, end int
}

type joinItem struct {
	row dataflow.Row
	n   int64
}

const bucketIndexMin = 16

func (b *joinBucket) find(row dataflow.Row, buf *[]byte) int {
	if b.idx != nil {
		*buf = appendIdentityKey((*buf)[:0], row)
		if i, ok := b.idx[string(*buf)]; ok {
			return int(i)
		}
		return -1
	}
	for i := range b.items {
		if dataflow.IdenticalRows(b.items[i].row, row) {
			return i
		}
	}
	return -1
}

func (b *joinBucket) add(row dataflow.Row, buf *[]byte) {
	b.total++
	if i := b.find(row, buf); i >= 0 {
		b.items[i].n++
		return
	}
	b.items = append(b.items, joinItem{row: row, n: 1})
	switch {
	case b.idx != nil:
		// find left the row's identity key in buf.
		b.idx[string(*buf)] = int32(len(b.items) - 1)
	case len(b.items) > bucketIndexMin:
		b.idx = make(map[string]int32, len(b.items))
		for i := range b.items {
			*buf = appendIdentityKey((*buf)[:0], b.items[i].row)
			b.idx[string(*buf)] = int32(i)
		}
	}
}

func (b *joinBucket) remove(row dataflow.Row, buf *[]byte) bool {
	i := b.find(row, buf)
	if i < 0 {
		return false
	}
	b.total--
	if b.items[i].n--; b.items[i].n > 0 {
		return true
	}
	if b.idx != nil {
		delete(b.idx, string(*buf))
	}
	last := len(b.items) - 1
	if i != last {
		b.items[i] = b.items[last]
		if b.idx != nil {
			*buf = appendIdentityKey((*buf)[:0], b.items[i].row)
			b.idx[string(*buf)] = int32(i)
		}
	}
	b.items[last] = joinItem{}
	b.items = b.items[:last]
	if b.idx != nil && len(b.items) <= bucketIndexMin/2 {
		b.idx = nil
	}
	return true
}

// appendIdentityKey encodes a row so that two rows have equal encodings exactly when
// dataflow.IdenticalRows holds. dataflow.AppendExactKey nearly is that; it only gives a DATE
// and a DATETIME at the same instant one encoding, which the kind byte here separates.
func appendIdentityKey(buf []byte, row dataflow.Row) []byte {
	for _, v := range row {
		switch v.Kind() {
		case dataflow.KindDate, dataflow.KindDatetime:
			buf = append(buf, 0xf0|byte(v.Kind()))
		}
		buf = dataflow.AppendExactKey(buf, v)
	}
	return buf
}

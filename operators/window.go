package operators

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// WindowFunc is one window function of a Window (package expr).
type WindowFunc = expr.WindowFunc

// Window computes window functions (ROW_NUMBER, RANK, DENSE_RANK, NTILE, PERCENT_RANK,
// CUME_DIST, LAG, LEAD; FIRST_VALUE, LAST_VALUE, NTH_VALUE and COUNT, SUM, AVG, MIN, MAX over
// a frame) that share one PARTITION BY and one ORDER BY. Its output is
// each input row followed by one column per function.
//
// State is, per partition (the values of the partition columns, compared under the
// collation), every row of the partition in a counted sorted bag ordered by the window's
// ORDER BY, ties broken by the whole row (dataflow.CompareRowsTotal) and then by exact
// identity. That tiebreak makes the numbering of rows that tie on the ORDER BY a function of
// the partition's rows alone: ROW_NUMBER among peers follows their column values, and LAG
// and LEAD read peers in that order. SQL leaves both unspecified (MariaDB numbers peers in
// the order it happens to read them); RANK, DENSE_RANK and RANGE frames treat peers alike
// and do not depend on it; GROUPS frames count peer groups and do not either.
//
// Per batch, each touched partition computes its function values before and after the
// batch and emits, for each input row whose values changed, the retraction of its old
// output row and the insertion of its new one; rows whose values did not change emit
// nothing. Computing a partition walks it once in order, aggregates sliding their frame
// along it (an accumulator adds the rows entering the frame and retracts those leaving), so
// a batch costs time in the size of the touched partitions; memory holds the rows once.
//
// The state can be partial by the partition columns (partial.go): a partition is a hole
// until a replay brings all of its rows, and from then on it is maintained as a whole.
type Window struct {
	width     int
	partition []int
	order     []dataflow.SortKey
	funcs     []WindowFunc
	plans     []aggPlan
	maxCol    int
	cmp       func(a, b dataflow.Row) int
	// calc lends the aggregate accumulators' arithmetic (apply, result) to the frames.
	calc Aggregate

	parts       keyMap[*winPart]
	epoch       uint64
	touched     []*winPart
	touchedKeys []byte
	// oldRows and oldVals hold the touched partitions' rows and function values as they
	// were before the batch; newRows and newVals as they are after it.
	oldRows, newRows []dataflow.Row
	oldVals, newVals []dataflow.Value
	buf              []byte
	// peerLo, peerHi and dense are compute's scratch, reused across partitions; groupLo
	// holds the first row of each peer group, in order (GROUPS frames count them).
	peerLo, peerHi []int
	dense          []int64
	groupLo        []int

	partial bool
	bytes   atomic.Int64
}

type winPart struct {
	rows  bag[dataflow.Row]
	epoch uint64
	// from, to locate the partition's rows before this batch in Window.oldRows.
	from, to int
	keyAt    [2]int
	holds    int32
}

// winPartBytes is the fixed cost of a present partition (map slot, key, struct).
const winPartBytes = 144 + mapLowLoadBytes

// NewWindow returns a Window over input rows of width columns, partitioned by the partition
// columns and ordered by order, computing funcs.
func NewWindow(width int, partition []int, order []dataflow.SortKey, funcs []WindowFunc) *Window {
	w := &Window{
		width:     width,
		partition: append([]int{}, partition...),
		order:     slices.Clone(order),
		funcs:     slices.Clone(funcs),
		maxCol:    -1,
	}
	for _, k := range w.order {
		w.maxCol = max(w.maxCol, k.Col)
	}
	for _, f := range w.funcs {
		p := aggPlan{spec: f.Agg, slot: 0}
		if f.Kind == expr.WinAgg {
			if f.Agg.Func == AggCountStar {
				p.slot = -1
			}
			if f.Agg.Func == AggSum || f.Agg.Func == AggAvg {
				p.exact, p.scale = exactMode(f.Agg.Type)
			}
		}
		w.plans = append(w.plans, p)
	}
	w.cmp = w.compare
	return w
}

// compare is the total order of a partition's rows (see Window).
func (w *Window) compare(a, b dataflow.Row) int { return orderTotal(w.order, w.maxCol, a, b) }

// comparePeers compares rows on the ORDER BY alone: 0 for peers.
func (w *Window) comparePeers(a, b dataflow.Row) int { return orderKeys(w.order, a, b) }

// Process applies the deltas in order and emits the changed rows of every touched partition.
func (w *Window) Process(_ int, in dataflow.Batch) dataflow.Batch {
	w.epoch++
	nf := len(w.funcs)
	for _, rec := range in {
		w.buf = appendColsKey(w.buf[:0], rec.Row, w.partition)
		p, _ := w.parts.get(w.buf)
		if p == nil {
			if rec.Neg || w.partial {
				continue // a retraction of a row never inserted, or a hole
			}
			p = &winPart{}
			w.parts.put(w.buf, p)
			w.bytes.Add(winPartBytes)
		}
		if p.epoch != w.epoch {
			p.epoch = w.epoch
			p.keyAt[0] = len(w.touchedKeys)
			w.touchedKeys = append(w.touchedKeys, w.buf...)
			p.keyAt[1] = len(w.touchedKeys)
			p.from = len(w.oldRows)
			w.oldRows, w.oldVals = w.compute(p, w.oldRows, w.oldVals)
			p.to = len(w.oldRows)
			w.touched = append(w.touched, p)
		}
		if rec.Neg {
			if p.rows.remove(rec.Row, w.cmp) {
				w.bytes.Add(-(dataflow.RowBytes(rec.Row) + 16))
			}
		} else {
			p.rows.add(rec.Row, w.cmp)
			w.bytes.Add(dataflow.RowBytes(rec.Row) + 16)
		}
	}
	var out dataflow.Batch
	for _, p := range w.touched {
		n0 := len(w.newRows)
		w.newRows, w.newVals = w.compute(p, w.newRows, w.newVals)
		out = w.diff(out, w.oldRows[p.from:p.to], w.oldVals[p.from*nf:p.to*nf],
			w.newRows[n0:], w.newVals[n0*nf:])
		if p.rows.empty() && !w.partial {
			w.parts.del(w.touchedKeys[p.keyAt[0]:p.keyAt[1]])
			w.bytes.Add(-winPartBytes)
		}
	}
	w.touched = emptied(w.touched)
	w.touchedKeys = w.touchedKeys[:0]
	w.oldRows = emptied(w.oldRows)
	w.newRows = emptied(w.newRows)
	w.oldVals = emptied(w.oldVals)
	w.newVals = emptied(w.newVals)
	return out
}

// compute appends the partition's rows in order to rows and their function values (one per
// function per row, row-major) to vals.
func (w *Window) compute(p *winPart, rows []dataflow.Row, vals []dataflow.Value) ([]dataflow.Row, []dataflow.Value) {
	first := len(rows)
	p.rows.ascend(func(r dataflow.Row, n int64) bool {
		for ; n > 0; n-- {
			rows = append(rows, r)
		}
		return true
	})
	part := rows[first:]
	n, nf := len(part), len(w.funcs)
	base := len(vals)
	vals = slices.Grow(vals, n*nf)[:base+n*nf]
	if n == 0 {
		return rows, vals
	}
	// peerLo[i] and peerHi[i] bound the peers of row i; dense[i] is its DENSE_RANK.
	w.peerLo = slices.Grow(w.peerLo[:0], n)[:n]
	w.peerHi = slices.Grow(w.peerHi[:0], n)[:n]
	w.dense = slices.Grow(w.dense[:0], n)[:n]
	peerLo, peerHi, dense := w.peerLo, w.peerHi, w.dense
	w.groupLo = w.groupLo[:0]
	for i := 0; i < n; {
		w.groupLo = append(w.groupLo, i)
		j := i + 1
		for j < n && w.comparePeers(part[i], part[j]) == 0 {
			j++
		}
		d := int64(1)
		if i > 0 {
			d = dense[i-1] + 1
		}
		for k := i; k < j; k++ {
			peerLo[k], peerHi[k], dense[k] = i, j, d
		}
		i = j
	}
	for fi, f := range w.funcs {
		at := func(i int) *dataflow.Value { return &vals[base+i*nf+fi] }
		switch f.Kind {
		case expr.WinRowNumber:
			for i := range n {
				*at(i) = dataflow.Int(int64(i + 1))
			}
		case expr.WinRank:
			for i := range n {
				*at(i) = dataflow.Int(int64(peerLo[i] + 1))
			}
		case expr.WinDenseRank:
			for i := range n {
				*at(i) = dataflow.Int(dense[i])
			}
		case expr.WinLag, expr.WinLead:
			off := int(min(f.Offset, int64(n)))
			if f.Kind == expr.WinLag {
				off = -off
			}
			for i := range n {
				j := i + off
				switch {
				case j >= 0 && j < n:
					*at(i) = colAt(part[j], f.Arg)
				case f.Default >= 0:
					*at(i) = colAt(part[i], f.Default)
				default:
					*at(i) = dataflow.Null
				}
			}
		case expr.WinAgg:
			w.slide(fi, part, peerLo, peerHi, func(i int, v dataflow.Value) { *at(i) = v })
		case expr.WinNtile:
			buckets := max(f.Offset, 1)
			size, big := int64(n)/buckets, int64(n)%buckets
			for i := range n {
				// The first `big` buckets hold size+1 rows, the others size.
				k := int64(i)
				if k < big*(size+1) {
					*at(i) = dataflow.Int(k/(size+1) + 1)
				} else {
					*at(i) = dataflow.Int(big + (k-big*(size+1))/size + 1)
				}
			}
		case expr.WinPercentRank:
			for i := range n {
				v := 0.0
				if n > 1 {
					v = float64(peerLo[i]) / float64(n-1)
				}
				*at(i) = dataflow.Float(v)
			}
		case expr.WinCumeDist:
			for i := range n {
				*at(i) = dataflow.Float(float64(peerHi[i]) / float64(n))
			}
		case expr.WinFirstValue, expr.WinLastValue, expr.WinNthValue:
			for i := range n {
				lo, hi := w.frameOf(&w.funcs[fi], part, i, peerLo[i], peerHi[i])
				j := -1
				switch f.Kind {
				case expr.WinFirstValue:
					j = lo
				case expr.WinLastValue:
					j = hi - 1
				default:
					if f.Offset >= 1 && f.Offset <= int64(hi-lo) {
						j = lo + int(f.Offset) - 1
					}
				}
				if j >= lo && j < hi {
					*at(i) = colAt(part[j], f.Arg)
				} else {
					*at(i) = dataflow.Null
				}
			}
		}
	}
	return rows, vals
}

// frameOf is the frame [lo, hi) of row i of part for function f, during compute.
func (w *Window) frameOf(f *WindowFunc, part []dataflow.Row, i, peerLo, peerHi int) (lo, hi int) {
	lo, hi = expr.FrameRange(f.Frame, i, len(part), peerLo, peerHi)
	if f.Frame.Groups {
		// The current row's group is its DENSE_RANK less one; NULL keys are a group like
		// any other.
		g := w.dense[i] - 1
		if b := f.Frame.Start; f.Frame.GroupsOffset(b) {
			lo = w.groupStart(g+groupDistance(b), len(part))
		}
		if b := f.Frame.End; f.Frame.GroupsOffset(b) {
			hi = max(lo, w.groupStart(g+groupDistance(b)+1, len(part)))
		}
		return lo, hi
	}
	if !colAt(part[i], w.rangeKey()).IsNull() {
		if f.Frame.RangeOffset(f.Frame.Start) {
			lo = w.rangeBound(part, colAt(part[i], f.Frame.Start.Col), false)
		}
		if f.Frame.RangeOffset(f.Frame.End) {
			hi = max(lo, w.rangeBound(part, colAt(part[i], f.Frame.End.Col), true))
		}
	}
	return lo, hi
}

// groupDistance is a GROUPS bound's offset in groups from the current row's, clamped so that
// it cannot overflow.
func groupDistance(b expr.FrameBound) int64 {
	d := min(b.N, 1<<40)
	if b.Kind == expr.Preceding {
		return -d
	}
	return d
}

// groupStart is the first row of peer group g of the partition being computed, 0 before
// the first group and n past the last.
func (w *Window) groupStart(g int64, n int) int {
	switch {
	case g < 0:
		return 0
	case g >= int64(len(w.groupLo)):
		return n
	}
	return w.groupLo[g]
}

// slide computes aggregate function fi over the frame of every row of part, moving one
// accumulator along the partition.
func (w *Window) slide(fi int, part []dataflow.Row, peerLo, peerHi []int, set func(int, dataflow.Value)) {
	f, plan := &w.funcs[fi], &w.plans[fi]
	g := &aggGroup{accs: make([]accState, 1)}
	apply := func(r dataflow.Row, neg bool) {
		g.key.n += sign(neg)
		if plan.slot >= 0 {
			w.calc.apply(plan, &g.accs[0], r, neg)
		}
	}
	curLo, curHi := 0, 0
	n := len(part)
	for i := range n {
		lo, hi := w.frameOf(f, part, i, peerLo[i], peerHi[i])
		if lo >= curHi {
			// The frame left everything it held behind: start afresh at lo.
			g.accs[0], g.key.n = accState{}, 0
			curLo, curHi = lo, lo
		}
		for ; curHi < hi; curHi++ {
			apply(part[curHi], false)
		}
		for ; curLo < lo; curLo++ {
			apply(part[curLo], true)
		}
		set(i, w.calc.result(plan, g))
	}
}

// rangeKey is the column of the window's value sort key: RANGE frames with offsets have
// one sort key, or two where the first is a NULL test of the second that places its NULLs
// (PostgreSQL's dialect sorts NULLs so).
func (w *Window) rangeKey() int {
	if len(w.order) == 0 {
		return -1
	}
	return w.order[len(w.order)-1].Col
}

// rangeBound is the first row of part whose ORDER BY value is not before t in the window's
// order (after is false), or the first one after it (after is true): the start, or the end
// past the last row, of a RANGE frame's bound. NULLs sort as the order puts them (before
// every value ascending and after every value descending, unless a NULL test before the
// value places them), so they never fall between two bounds that are values.
func (w *Window) rangeBound(part []dataflow.Row, t dataflow.Value, after bool) int {
	k := w.order[len(w.order)-1]
	nullsFirst := !k.Desc
	if len(w.order) > 1 {
		nullsFirst = w.order[0].Desc
	}
	cmp := func(v dataflow.Value) int {
		if v.IsNull() {
			if nullsFirst {
				return -1
			}
			return 1
		}
		c := dataflow.Compare(v, t)
		if k.Desc {
			return -c
		}
		return c
	}
	lo, hi := 0, len(part)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		c := cmp(colAt(part[m], k.Col))
		if c < 0 || (after && c == 0) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// diff appends the changes from the old rows and values of a partition to the new ones.
// Both row lists are in the partition's order; a row present in both emits only when its
// values changed. Copies of one row are compared as a multiset of output rows.
func (w *Window) diff(out dataflow.Batch, oldRows []dataflow.Row, oldVals []dataflow.Value, newRows []dataflow.Row, newVals []dataflow.Value) dataflow.Batch {
	nf := len(w.funcs)
	i, j := 0, 0
	for i < len(oldRows) || j < len(newRows) {
		c := 0
		switch {
		case i >= len(oldRows):
			c = 1
		case j >= len(newRows):
			c = -1
		default:
			c = w.cmp(oldRows[i], newRows[j])
		}
		if c < 0 {
			out = append(out, dataflow.Record{Row: w.output(oldRows[i], oldVals[i*nf:(i+1)*nf]), Neg: true})
			i++
			continue
		}
		if c > 0 {
			out = append(out, dataflow.Record{Row: w.output(newRows[j], newVals[j*nf:(j+1)*nf])})
			j++
			continue
		}
		// A run of copies of one row on each side.
		i1, j1 := i+1, j+1
		for i1 < len(oldRows) && w.cmp(oldRows[i], oldRows[i1]) == 0 {
			i1++
		}
		for j1 < len(newRows) && w.cmp(newRows[j], newRows[j1]) == 0 {
			j1++
		}
		if i1-i == 1 && j1-j == 1 {
			if !identicalValues(oldVals[i*nf:(i+1)*nf], newVals[j*nf:(j+1)*nf]) {
				out = append(out,
					dataflow.Record{Row: w.output(oldRows[i], oldVals[i*nf:(i+1)*nf]), Neg: true},
					dataflow.Record{Row: w.output(newRows[j], newVals[j*nf:(j+1)*nf])})
			}
		} else {
			out = w.diffCopies(out, oldRows[i:i1], oldVals[i*nf:i1*nf], newRows[j:j1], newVals[j*nf:j1*nf])
		}
		i, j = i1, j1
	}
	return out
}

// diffCopies diffs the output rows of copies of one input row as multisets.
func (w *Window) diffCopies(out dataflow.Batch, oldRows []dataflow.Row, oldVals []dataflow.Value, newRows []dataflow.Row, newVals []dataflow.Value) dataflow.Batch {
	nf := len(w.funcs)
	outs := func(rows []dataflow.Row, vals []dataflow.Value) []dataflow.Row {
		rs := make([]dataflow.Row, len(rows))
		for k := range rows {
			rs[k] = w.output(rows[k], vals[k*nf:(k+1)*nf])
		}
		slices.SortFunc(rs, compareRowsExact)
		return rs
	}
	old, cur := outs(oldRows, oldVals), outs(newRows, newVals)
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		c := 0
		switch {
		case i >= len(old):
			c = 1
		case j >= len(cur):
			c = -1
		default:
			c = compareRowsExact(old[i], cur[j])
		}
		switch {
		case c < 0:
			out = append(out, dataflow.Record{Row: old[i], Neg: true})
			i++
		case c > 0:
			out = append(out, dataflow.Record{Row: cur[j]})
			j++
		default:
			i++
			j++
		}
	}
	return out
}

func identicalValues(a, b []dataflow.Value) bool {
	for i := range a {
		if !dataflow.Identical(a[i], b[i]) {
			return false
		}
	}
	return true
}

// output is an input row (cut or padded to the input width) followed by its values.
func (w *Window) output(r dataflow.Row, vals []dataflow.Value) dataflow.Row {
	out := make(dataflow.Row, w.width+len(vals))
	copy(out, r[:min(len(r), w.width)])
	for i := len(r); i < w.width; i++ {
		out[i] = dataflow.Null
	}
	copy(out[w.width:], vals)
	return out
}

// partitionOutput appends a partition's output rows to dst, in its order.
func (w *Window) partitionOutput(p *winPart, dst []dataflow.Row) []dataflow.Row {
	rows, vals := w.compute(p, nil, nil)
	nf := len(w.funcs)
	for i, r := range rows {
		dst = append(dst, w.output(r, vals[i*nf:(i+1)*nf]))
	}
	return dst
}

// Snapshot returns every partition's rows, in partition-key order.
func (w *Window) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	var out []dataflow.Row
	for _, p := range w.parts.sorted() {
		out = w.partitionOutput(p, out)
	}
	return out
}

// Origins: the input columns come first, unchanged; the function values after them are
// computed.
func (w *Window) Origins(col int) []dataflow.ColumnOrigin {
	if col < 0 || col >= w.width {
		return nil
	}
	return dataflow.PassThrough(col)
}

// StateKey: the window's state is grouped by its partition columns.
func (w *Window) StateKey(int) []int { return w.partition }

// KeyedBy: every partition column is a key column.
func (w *Window) KeyedBy(cols []int) bool {
	_, ok := coverOf(cols, w.partition)
	return ok
}

// LookupOutput returns the rows of the partition named by key.
func (w *Window) LookupOutput(cols []int, key dataflow.Row) []dataflow.Row {
	at, ok := coverOf(cols, w.partition)
	if !ok {
		return nil
	}
	var buf []byte
	for _, i := range at {
		buf = dataflow.AppendKey(buf, key[i])
	}
	p, ok := w.parts.get(buf)
	if !ok {
		return nil
	}
	return filterByKey(w.partitionOutput(p, nil), cols, key)
}

// Describe renders partition, order and functions, e.g.
// "window[$0]($2 desc; row_number(), sum($3) rows 1 preceding..current row)".
func (w *Window) Describe() string {
	var b strings.Builder
	b.WriteString("window[")
	describeCols(&b, w.partition)
	b.WriteString("](")
	for i, k := range w.order {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(k.Col))
		if k.Desc {
			b.WriteString(" desc")
		}
	}
	b.WriteString("; ")
	for i, f := range w.funcs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.String())
	}
	b.WriteString(")")
	return b.String()
}

// SetPartial makes the window partial by its partition columns. It must be called before it
// sees any delta, and only for a window with partition columns.
func (w *Window) SetPartial() {
	if len(w.partition) == 0 {
		panic("operators: a window without partition columns cannot be partial")
	}
	w.partial = true
}

// Partial reports whether the window keeps only the partitions that were asked for.
func (w *Window) Partial() bool { return w.partial }

// ReplayPiece fills the partition named by key from the piece (all of its rows) when it is a
// hole, and answers with the partition's output rows.
func (w *Window) ReplayPiece(_ uint64, slot int, key dataflow.Row, piece dataflow.Batch, _ int) (dataflow.Batch, bool, bool) {
	w.buf = dataflow.AppendKeys(w.buf[:0], key)
	p, present := w.parts.get(w.buf)
	if !present {
		p = &winPart{}
		w.parts.put(w.buf, p)
		w.bytes.Add(winPartBytes)
		w.Process(slot, piece)
	}
	p.holds++
	out := dataflow.Batch{}
	for _, r := range w.partitionOutput(p, nil) {
		out = append(out, dataflow.Record{Row: r})
	}
	return out, true, present
}

// Release gives back one hold on a partition; the last one turns it into a hole.
func (w *Window) Release(key string) bool {
	p, ok := w.parts.get([]byte(key))
	if !ok || !releaseHold(&p.holds) {
		return false
	}
	w.parts.del([]byte(key))
	w.bytes.Add(-winPartBytes)
	p.rows.ascend(func(r dataflow.Row, n int64) bool {
		w.bytes.Add(-n * (dataflow.RowBytes(r) + 16))
		return true
	})
	return true
}

// StateBytes approximates the memory of the partitions' rows.
func (w *Window) StateBytes() int64 { return w.bytes.Load() }

// PresentKeys calls f with the key of every present partition.
func (w *Window) PresentKeys(f func(string)) {
	w.parts.each(func(k []byte, _ *winPart) { f(string(k)) })
}

var (
	_ dataflow.KeyedState   = (*Window)(nil)
	_ dataflow.PartialState = (*Window)(nil)
	_ dataflow.OutputIndex  = (*Window)(nil)
)

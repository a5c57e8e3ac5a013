package operators

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/google/btree"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// TemporalFilter passes the rows for which every temporal atom holds at the operator's
// current instant: `created_at > NOW() - INTERVAL 1 HOUR`, `expires_at > NOW()`,
// `day = CURDATE()`. Its output is the condition evaluated at one instant, the last one
// it was advanced to (Advance): a write is filtered at that instant, not at the wall
// clock's, so every row of a view is judged at the same instant and a read is consistent
// with it.
//
// As time passes rows enter and leave the window without any write. Each atom compares a
// row value with an expression of the clock that never decreases, so its truth changes at
// most once; the operator keeps, for every row whose membership will still change, the
// first instant it does, in a B-tree ordered by that instant. Advance(t) takes the rows
// due at or before t, emits the difference between their membership at the old instant
// and at t (deletions of rows that left, insertions of rows that entered) as an ordinary
// batch, and schedules their next change. Rows whose membership never changes again
// (an old row under `created_at < NOW()`, a NULL) are not kept.
//
// The pending index holds rows of every key: the operator must see every delta of its
// input, so it is never below partial state (it is not Stateless: the planner only lets a
// replay through it when nothing above it is partial, see dataflow.ReplayThrough), and a
// new one is backfilled from its parent's rows. A replay piece passing through is filtered
// at the current instant and changes nothing: its rows are in the index already, because
// they were written before the piece was read and their deltas travelled ahead of it. A
// later Advance emits their changes, which reach the filled key in order, or are dropped at
// a hole like any update: a key evicted below keeps its rows here harmlessly, and the
// index is bounded by the rows whose membership will change (the rows in a sliding window
// and those dated in the future), whatever is read.
type TemporalFilter struct {
	atoms  []expr.TemporalAtom
	clocks []expr.Clock
	unit   int64 // µs: every clock's value changes only at multiples of it

	now      time.Time
	nowUS    int64
	clockRow dataflow.Row

	pending *btree.BTreeG[pendingChange]
	seq     uint64
	scratch dataflow.Row
	probe   dataflow.Row
	keyBuf  []byte

	// next is the instant (µs since the epoch) of the earliest pending change, or
	// math.MaxInt64, for the driver that decides when to advance; read from any goroutine.
	next  atomic.Int64
	bytes atomic.Int64
	// wake, when set, is called (in the domain) when a change is scheduled earlier than
	// every one before it, so a driver sleeping until the old earliest instant can
	// reschedule.
	wake func()
}

// pendingChange is a row whose membership changes at instant at (µs since the epoch).
// Rows with the same exact encoding are interchangeable copies of a multiset; seq
// separates them.
type pendingChange struct {
	at  int64
	key string
	seq uint64
	row dataflow.Row
}

func lessPending(a, b pendingChange) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	if a.key != b.key {
		return a.key < b.key
	}
	return a.seq < b.seq
}

// maxInstantUS is the last instant a DATETIME can name; no change is scheduled later.
var maxInstantUS = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC).UnixMicro()

// NewTemporalFilter returns a filter on the conjunction of atoms, whose clock rows hold the
// values of clocks. Its instant is the zero time until Start.
func NewTemporalFilter(atoms []expr.TemporalAtom, clocks []expr.Clock) *TemporalFilter {
	unit := int64(24 * time.Hour / time.Microsecond)
	for _, c := range clocks {
		unit = min(unit, int64(c.Unit()/time.Microsecond))
	}
	f := &TemporalFilter{atoms: atoms, clocks: clocks, unit: max(unit, 1),
		pending: btree.NewG(32, lessPending)}
	f.next.Store(math.MaxInt64)
	f.setNow(time.Unix(0, 0).UTC())
	return f
}

// Start sets the instant the filter judges rows at, before it sees any delta, and the
// function it calls when a change is scheduled earlier than the others (nil: none).
func (f *TemporalFilter) Start(now time.Time, wake func()) {
	f.setNow(now)
	f.wake = wake
}

func (f *TemporalFilter) setNow(t time.Time) {
	f.now, f.nowUS = t, t.UnixMicro()
	f.clockRow = expr.ClockValues(f.clockRow[:0:0], f.clocks, t)
}

// Now is the instant the filter's output is the condition at.
func (f *TemporalFilter) Now() time.Time { return f.now }

// NextChange is the instant of the earliest scheduled change; ok is false when no row's
// membership will change. Safe from any goroutine.
func (f *TemporalFilter) NextChange() (at time.Time, ok bool) {
	n := f.next.Load()
	if n == math.MaxInt64 {
		return time.Time{}, false
	}
	return time.UnixMicro(n).UTC(), true
}

// Process filters the deltas at the current instant and schedules (or, for a deletion,
// unschedules) the next change of each row.
func (f *TemporalFilter) Process(_ int, in dataflow.Batch) dataflow.Batch {
	var out dataflow.Batch
	before := f.earliest()
	for _, rec := range in {
		if expr.HoldsAt(f.atoms, rec.Row, f.clockRow, &f.scratch) {
			out = append(out, rec)
		}
		at, ok := f.nextChange(rec.Row, f.nowUS)
		if !ok {
			continue
		}
		if rec.Neg {
			f.unschedule(at, rec.Row)
		} else {
			f.schedule(at, rec.Row)
		}
	}
	f.publishNext(before)
	return out
}

// ReplayThrough filters a replay piece at the current instant: its rows are scheduled
// already (see the type's comment).
func (f *TemporalFilter) ReplayThrough(_ int, piece dataflow.Batch) dataflow.Batch {
	var out dataflow.Batch
	for _, rec := range piece {
		if expr.HoldsAt(f.atoms, rec.Row, f.clockRow, &f.scratch) {
			out = append(out, rec)
		}
	}
	return out
}

// Advance moves the filter's instant to t and returns the deltas of the rows whose
// membership changed meanwhile: deletions of rows that left the window, insertions of rows
// that entered it, in the order of their instants. An instant not after the current one
// changes nothing (time never goes back for a view).
func (f *TemporalFilter) Advance(t time.Time) dataflow.Batch {
	tUS := t.UnixMicro()
	if tUS <= f.nowUS {
		return nil
	}
	oldClock := f.clockRow
	newClock := expr.ClockValues(nil, f.clocks, t)
	var due []pendingChange
	f.pending.Ascend(func(p pendingChange) bool {
		if p.at > tUS {
			return false
		}
		due = append(due, p)
		return true
	})
	var out dataflow.Batch
	for _, p := range due {
		f.pending.Delete(p)
		f.bytes.Add(-pendingBytes(p))
		was := expr.HoldsAt(f.atoms, p.row, oldClock, &f.scratch)
		is := expr.HoldsAt(f.atoms, p.row, newClock, &f.scratch)
		if was != is {
			out = append(out, dataflow.Record{Row: p.row, Neg: was})
		}
	}
	f.now, f.nowUS, f.clockRow = t, tUS, newClock
	for _, p := range due {
		if at, ok := f.nextChange(p.row, tUS); ok {
			f.insert(pendingChange{at: at, key: p.key, row: p.row})
		}
	}
	f.next.Store(f.earliest())
	return out
}

func (f *TemporalFilter) earliest() int64 {
	if p, ok := f.pending.Min(); ok {
		return p.at
	}
	return math.MaxInt64
}

func (f *TemporalFilter) publishNext(before int64) {
	now := f.earliest()
	f.next.Store(now)
	if now < before && f.wake != nil {
		f.wake()
	}
}

func (f *TemporalFilter) rowKey(row dataflow.Row) string {
	f.keyBuf = f.keyBuf[:0]
	for _, v := range row {
		f.keyBuf = dataflow.AppendExactKey(f.keyBuf, v)
	}
	return string(f.keyBuf)
}

func (f *TemporalFilter) schedule(at int64, row dataflow.Row) {
	f.insert(pendingChange{at: at, key: f.rowKey(row), row: row})
}

func (f *TemporalFilter) insert(p pendingChange) {
	f.seq++
	p.seq = f.seq
	f.pending.ReplaceOrInsert(p)
	f.bytes.Add(pendingBytes(p))
}

// unschedule removes one copy of row due at at. Its change was computed when it was
// inserted, at an earlier instant; no change came between that instant and now (it would
// have been due and rescheduled), so the first change after either is the same.
func (f *TemporalFilter) unschedule(at int64, row dataflow.Row) {
	key := f.rowKey(row)
	var found pendingChange
	ok := false
	f.pending.AscendGreaterOrEqual(pendingChange{at: at, key: key}, func(p pendingChange) bool {
		found, ok = p, p.at == at && p.key == key
		return false
	})
	if !ok {
		// Only a comparison whose truth is not monotone in time could get here (the
		// planner admits none): find the copy wherever it is rather than leave it to emit
		// a change for a row that is gone.
		f.pending.Ascend(func(p pendingChange) bool {
			found, ok = p, p.key == key
			return !ok
		})
	}
	if ok {
		f.pending.Delete(found)
		f.bytes.Add(-pendingBytes(found))
	}
}

func pendingBytes(p pendingChange) int64 {
	return 64 + int64(len(p.key)) + dataflow.RowBytes(p.row)
}

// nextChange is the first instant after t (µs) at which row's membership may change: the
// earliest instant one of its atoms changes truth.
func (f *TemporalFilter) nextChange(row dataflow.Row, t int64) (int64, bool) {
	best, found := int64(math.MaxInt64), false
	for i := range f.atoms {
		if at, ok := f.flip(&f.atoms[i], row, t); ok && at < best {
			best, found = at, true
		}
	}
	return best, found
}

// atomAt evaluates one atom for row at instant u (µs).
func (f *TemporalFilter) atomAt(a *expr.TemporalAtom, row dataflow.Row, u int64) bool {
	f.probe = expr.ClockValues(f.probe[:0], f.clocks, time.UnixMicro(u).UTC())
	ext := append(append(f.scratch[:0], row...), f.probe...)
	f.scratch = ext
	return a.Cmp.Eval(ext).Truthy()
}

// flip finds the first instant after t at which atom a changes truth for row. Clock values
// change only at multiples of the unit, so the instant is one; the atom is monotone in
// time, so the instant is found by a search between an instant where it has its value at
// t and one where it does not. The search starts from an estimate (the instant at which
// the clock side reaches the row side, for time and UNIX_TIMESTAMP() comparisons), so
// an exact interval (seconds, days) takes a few evaluations and a calendar one (months,
// which vary in length) a few more.
func (f *TemporalFilter) flip(a *expr.TemporalAtom, row dataflow.Row, t int64) (int64, bool) {
	unit := f.unit
	limit := floorTo(maxInstantUS, unit)
	base := f.atomAt(a, row, t)
	first := floorTo(t, unit) + unit
	if first > limit {
		return 0, false
	}
	if f.atomAt(a, row, first) != base {
		return first, true
	}
	lo, hi, found := first, int64(0), false
	if est, ok := f.estimate(a, row); ok {
		est = min(floorTo(est, unit), limit)
		if est > lo {
			if f.atomAt(a, row, est) != base {
				hi, found = est, true
				for step := unit; ; step *= 2 {
					cand := hi - step
					if cand <= lo {
						break
					}
					if f.atomAt(a, row, cand) == base {
						lo = cand
						break
					}
					hi = cand
				}
			} else {
				lo = est
			}
		}
	}
	if !found {
		for step := unit; ; step *= 2 {
			cand := lo + step
			if cand > limit || cand < lo {
				if lo == limit || f.atomAt(a, row, limit) == base {
					return 0, false
				}
				hi = limit
				break
			}
			if f.atomAt(a, row, cand) != base {
				hi = cand
				break
			}
			lo = cand
		}
	}
	for hi-lo > unit {
		mid := lo + (hi-lo)/unit/2*unit
		if f.atomAt(a, row, mid) == base {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, true
}

// estimate guesses the instant (µs) at which the clock side of a reaches its row side: the
// current instant plus their difference, when both are times or both numbers of seconds.
func (f *TemporalFilter) estimate(a *expr.TemporalAtom, row dataflow.Row) (int64, bool) {
	r := a.Row.Eval(row)
	c := a.Clock.Eval(f.clockRow)
	switch {
	case r.IsTime() && c.IsTime():
		d := r.Time().Sub(c.Time())
		return f.nowUS + d.Microseconds(), true
	case (r.Kind() == dataflow.KindInt || r.Kind() == dataflow.KindUint) && c.Kind() == dataflow.KindInt:
		rv, ok1 := r.ToInt()
		cv, ok2 := c.ToInt()
		if !ok1 || !ok2 {
			return 0, false
		}
		d := rv - cv
		if d > (math.MaxInt64-f.nowUS)/1e6 || d < -f.nowUS/1e6-1 {
			return 0, false
		}
		return f.nowUS + d*1e6, true
	}
	return 0, false
}

func floorTo(x, unit int64) int64 {
	m := x % unit
	if m < 0 {
		m += unit
	}
	return x - m
}

// Snapshot filters the parent's rows at the current instant.
func (f *TemporalFilter) Snapshot(parent func(int) []dataflow.Row) []dataflow.Row {
	var out []dataflow.Row
	for _, r := range parent(0) {
		if expr.HoldsAt(f.atoms, r, f.clockRow, &f.scratch) {
			out = append(out, r)
		}
	}
	return out
}

// Origins: a temporal filter passes its parent's columns through.
func (f *TemporalFilter) Origins(col int) []dataflow.ColumnOrigin { return dataflow.PassThrough(col) }

// StateBytes approximates the memory of the pending changes.
func (f *TemporalFilter) StateBytes() int64 { return f.bytes.Load() }

// Pending is the number of rows whose membership will still change.
func (f *TemporalFilter) Pending() int { return f.pending.Len() }

// Describe renders the atoms, e.g. "temporal(($2 > DATE_SUB(NOW(), ...)))".
func (f *TemporalFilter) Describe() string { return DescribeTemporal(f.atoms, f.clocks) }

// DescribeTemporal renders a temporal condition for plans and signatures: the atoms with
// the clock row's columns named by their clocks.
func DescribeTemporal(atoms []expr.TemporalAtom, clocks []expr.Clock) string {
	s := "temporal("
	for i, a := range atoms {
		if i > 0 {
			s += " AND "
		}
		s += a.Cmp.String()
	}
	s += " @"
	for _, c := range clocks {
		s += " " + c.String()
	}
	return s + ")"
}

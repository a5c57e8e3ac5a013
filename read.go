package weir

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/selfcheck"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// The read path: a read is one lookup in the view's reader, by the query's parameters. It
// never evaluates the query; a hole of a partial reader is filled first by an upquery
// (package upquery), and a read that carries a write token waits for that write first.

// ErrWouldWait is the error of a read under WithoutWaiting that would have had to wait.
var ErrWouldWait = errors.New("weir: the read would wait")

type noWaitKey struct{}

// WithoutWaiting returns a context under which reads never wait: a read that would (for the
// fill of a key a partial cache does not hold, for writes to be applied, for a plan, a read
// of several keys, or a range read other than a short window streamed from one key, see
// View.serveRange) fails with ErrWouldWait instead, before it has counted a
// miss or started a fill, so that it can be run again, waiting, elsewhere. A server reading
// many connections' requests on one goroutine answers the reads that hit this way.
func WithoutWaiting(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWaitKey{}, true)
}

// mustNotWait reports whether ctx is WithoutWaiting's; it is asked only where a read would
// wait, never on a hit.
func mustNotWait(ctx context.Context) bool { return ctx.Value(noWaitKey{}) != nil }

// RowBuffer is memory a reader of many range reads lends to them (WithRowBuffer), so that a
// read does not allocate the slice of its rows. Its zero value is ready to use.
type RowBuffer struct {
	rows []dataflow.Row
}

// maxBufferedRows bounds the rows a RowBuffer keeps between reads: a larger result gets its
// own slice, which the buffer does not keep, so one large read does not pin its rows.
const maxBufferedRows = 256

type rowBufferKey struct{}

// WithRowBuffer returns a context under which a range read that streams a window of rows
// from one key (see View.serveRange) collects them in buf's memory rather than in a new
// slice. The Rows of such a read alias buf: they are valid until the next read under a
// context with the same buffer, so the reads under it must follow one another (one
// connection's, each result consumed before the next read), never overlap.
func WithRowBuffer(ctx context.Context, buf *RowBuffer) context.Context {
	return context.WithValue(ctx, rowBufferKey{}, buf)
}

// rowBuffer returns the rows slice to collect at most count rows in: buf's, emptied, under
// WithRowBuffer; nil otherwise.
func rowBuffer(ctx context.Context, count int) (*RowBuffer, []dataflow.Row) {
	if count > maxBufferedRows {
		return nil, nil
	}
	buf, _ := ctx.Value(rowBufferKey{}).(*RowBuffer)
	if buf == nil {
		return nil, nil
	}
	if cap(buf.rows) < count {
		buf.rows = make([]dataflow.Row, 0, count)
	}
	return buf, buf.rows[:0]
}

// Rows is the result of a read: column descriptions and rows of values. Rows may share
// memory with the view: treat them as read-only.
type Rows struct {
	cols  []Column
	rows  []dataflow.Row
	one   dataflow.Row // a single row, when rows is empty
	width int
}

// Columns describes the result columns.
func (r Rows) Columns() []Column { return r.cols }

// Len is the number of rows.
func (r Rows) Len() int {
	if r.one != nil {
		return 1
	}
	return len(r.rows)
}

// Row returns row i's values, one per column. The slice must not be modified.
func (r Rows) Row(i int) []Value {
	if r.one != nil {
		if i != 0 {
			panic(fmt.Sprintf("weir: row %d of a 1-row result", i))
		}
		return r.one[:r.width:r.width]
	}
	return r.rows[i][:r.width:r.width]
}

// Name is the view's registered name ("" for an ad-hoc query's view).
func (v *View) Name() string { return v.name }

// Columns describes the result columns.
func (v *View) Columns() []Column { return v.query.Cols }

// NumParams is the number of arguments Lookup takes.
func (v *View) NumParams() int { return v.query.NumParams }

// Plan is the compiled query.
func (v *View) Plan() *planner.Query { return v.query }

// Lookup reads the view's current result for the given parameters. It does not wait for
// writes in flight; use LookupAfter to read your own writes.
func (v *View) Lookup(ctx context.Context, args ...any) (Rows, error) {
	return v.lookupWith(ctx, v.query, 0, args)
}

// LookupAfter reads the view once every write up to tok is visible in it, waiting at most
// the engine's ReadTimeout (or the context's deadline).
func (v *View) LookupAfter(ctx context.Context, tok Token, args ...any) (Rows, error) {
	return v.lookupWith(ctx, v.query, tok, args)
}

func (v *View) lookupWith(ctx context.Context, q *planner.Query, tok Token, args []any) (Rows, error) {
	var argv [8]Value
	vals, err := dataflow.AppendFromGo(argv[:0], args)
	if err != nil {
		return Rows{}, err
	}
	return v.read(ctx, q, tok, vals)
}

// LookupValues is Lookup for arguments that are already Values: the read allocates nothing
// (the result shares the view's rows). tok, when not zero, makes the read wait for that write
// as LookupAfter does.
func (v *View) LookupValues(ctx context.Context, tok Token, args ...Value) (Rows, error) {
	var argv [8]Value // up to 8 arguments on the stack; append moves more to the heap
	return v.read(ctx, v.query, tok, append(argv[:0], args...))
}

// successor is the view registered under v's name after v was dropped, when a change to a
// table it reads (ALTER TABLE) planned it again: a handle names its view, so reads through
// an older handle go on. Nil for an unnamed view or a name no longer registered.
func (v *View) successor() *View {
	if v.name == "" {
		return nil
	}
	v.e.mu.RLock()
	next := v.e.views[strings.ToLower(v.name)]
	v.e.mu.RUnlock()
	if next == nil || next == v || next.dropped.Load() {
		return nil
	}
	return next
}

// errDropped is what a read of a view dropped meanwhile gets.
func (v *View) errDropped() error { return fmt.Errorf("%w: %s (dropped)", ErrNoSuchView, v.name) }

// Evict turns the keys a read with args would look up into holes of the view's partial
// reader, as memory pressure does: the next read fills them again. The partial states above
// give the keys up too when no other reader holds them. It does nothing for a view whose
// reader is full.
func (v *View) Evict(ctx context.Context, args ...any) error {
	vals, err := dataflow.AppendFromGo(nil, args)
	if err != nil {
		return err
	}
	q := v.query
	if err := q.PrepareArgs(vals); err != nil {
		return err
	}
	if v.branches != nil && q.Or != nil {
		for i, b := range v.branches {
			if err := b.evictLookups(ctx, q.Or.Branches[i].Lookups, vals); err != nil {
				return err
			}
		}
		return nil
	}
	if !v.reader.Partial() {
		return nil
	}
	if v.reader.IntervalHoles() {
		// The read's interval becomes a hole; the rest of what was filled stays.
		lo, hi, ok := q.RangeBounds(vals)
		if !ok {
			return nil
		}
		iv := operators.Interval{Lo: operators.Bound(lo), Hi: operators.Bound(hi)}
		for _, lookup := range q.Lookups {
			key := planner.KeyRow(lookup, vals)
			if slices.ContainsFunc(key, Value.IsNull) {
				continue
			}
			if err := v.e.evictor.EvictRange(ctx, v.node, dataflow.EncodeKey(key), iv); err != nil {
				return err
			}
		}
		return nil
	}
	return v.evictLookups(ctx, q.Lookups, vals)
}

// evictLookups turns the keys of lookups into holes of the view's reader, when partial.
func (v *View) evictLookups(ctx context.Context, lookups [][]planner.KeySource, vals []Value) error {
	if !v.reader.Partial() {
		return nil
	}
	for _, lookup := range lookups {
		key := planner.KeyRow(lookup, vals)
		if slices.ContainsFunc(key, Value.IsNull) {
			continue
		}
		if err := v.e.evictor.EvictKey(ctx, v.node, dataflow.EncodeKey(key)); err != nil {
			return err
		}
	}
	return nil
}

// TryLookup reads the view without waiting for a fill: when a key the read needs is a hole
// of a partial reader, it starts the fill and reports ok = false instead of waiting, so a
// caller can serve something else (or come back) and never blocks on a cold key.
func (v *View) TryLookup(ctx context.Context, args ...any) (rows Rows, ok bool, err error) {
	var argv [8]Value
	vals, err := dataflow.AppendFromGo(argv[:0], args)
	if err != nil {
		return Rows{}, false, err
	}
	if v.dropped.Load() {
		return Rows{}, false, v.errDropped()
	}
	v.touch()
	q := v.query
	if err := q.PrepareArgs(vals); err != nil {
		return Rows{}, false, err
	}
	ready := true
	if v.reader.IntervalHoles() {
		lo, hi, ok := q.RangeBounds(vals)
		for _, lookup := range q.Lookups {
			if !ok {
				break
			}
			e, found, _ := v.get(lookup, vals)
			missing := []operators.Interval{{Lo: operators.Bound(lo), Hi: operators.Bound(hi)}}
			if found && e.Tree == nil {
				continue // a NULL key component: nothing to fill
			}
			if found {
				missing = e.Tree.Missing(operators.Bound(lo), operators.Bound(hi))
			} else if missing[0].Empty() {
				missing = nil
			}
			if len(missing) > 0 {
				ready = false
				if err := v.filler.StartRange(planner.KeyRow(lookup, vals), missing); err != nil {
					return Rows{}, false, err
				}
			}
		}
		if !ready {
			v.misses.Inc()
			return Rows{}, false, nil
		}
		rows, err = v.serve(ctx, q, vals)
		return rows, err == nil, err
	}
	if v.branches != nil && q.Or != nil {
		// Every branch's holes start filling at once; the read is ready when none is left.
		for i, b := range v.branches {
			for _, lookup := range q.Or.Branches[i].Lookups {
				if _, found, _ := b.get(lookup, vals); !found {
					if ready {
						b.misses.Inc()
					}
					ready = false
					if err := b.filler.Start(planner.KeyRow(lookup, vals)); err != nil {
						return Rows{}, false, err
					}
				}
			}
		}
		if !ready {
			return Rows{}, false, nil
		}
		rows, err = v.serve(ctx, q, vals)
		return rows, err == nil, err
	}
	for _, lookup := range q.Lookups {
		if _, found, _ := v.get(lookup, vals); !found {
			ready = false
			if err := v.filler.Start(planner.KeyRow(lookup, vals)); err != nil {
				return Rows{}, false, err
			}
		}
	}
	if !ready {
		v.misses.Inc()
		return Rows{}, false, nil
	}
	rows, err = v.serve(ctx, q, vals)
	return rows, err == nil, err
}

// read serves one read; it converts vals in place to the key columns' forms.
func (v *View) read(ctx context.Context, q *planner.Query, tok Token, vals []Value) (Rows, error) {
	if v.dropped.Load() {
		if next := v.successor(); next != nil && q == v.query {
			return next.read(ctx, next.query, tok, vals)
		}
		return Rows{}, v.errDropped()
	}
	if err := v.e.checkOpen(); err != nil {
		return Rows{}, err
	}
	if dataflow.Invariants && mustNotWait(ctx) {
		return Rows{}, ErrWouldWait // selfcheck's second look stops the writes
	}
	v.touch()
	if err := q.PrepareArgs(vals); err != nil {
		return Rows{}, err
	}
	if tok > 0 {
		for _, r := range v.readers() {
			if r.domain.Progress() >= uint64(tok) {
				continue
			}
			if mustNotWait(ctx) {
				return Rows{}, ErrWouldWait
			}
			deadline := time.Now().Add(v.e.opts.ReadTimeout)
			if err := r.domain.WaitProgress(ctx, uint64(tok), deadline); err != nil {
				return Rows{}, err
			}
		}
	}
	rows, err := v.serve(ctx, q, vals)
	if err == nil && dataflow.Invariants {
		err = selfcheck.Read(ctx, q, vals, v.recapture(q, vals))
	}
	return rows, err
}

// recapture is the invariants build's second look at a read (see package selfcheck): the
// answer again and the base tables' rows, while writes are stopped and all applied.
func (v *View) recapture(q *planner.Query, vals []Value) selfcheck.Capture {
	return func(ctx context.Context) ([]dataflow.Row, map[string][]dataflow.Row, error) {
		resume, err := v.e.quiesce(ctx)
		if err != nil {
			return nil, nil, err
		}
		defer resume()
		if v.dropped.Load() {
			// Dropped since the read: its reader no longer follows the tables.
			return nil, nil, v.errDropped()
		}
		rows, err := v.serve(ctx, q, vals)
		got := make([]dataflow.Row, rows.Len())
		for i := range got {
			got[i] = rows.Row(i)
		}
		tables := map[string][]dataflow.Row{}
		for _, name := range v.e.Tables() {
			if err == nil {
				tables[strings.ToLower(name)], err = v.e.TableRows(ctx, name)
			}
		}
		return got, tables, err
	}
}

// serve answers a read whose arguments are prepared: one lookup, or several merged.
func (v *View) serve(ctx context.Context, q *planner.Query, vals []Value) (Rows, error) {
	if len(q.Ranges) > 0 {
		return v.serveRange(ctx, q, vals)
	}
	if len(q.Lookups) > 1 || q.Combine != nil {
		if mustNotWait(ctx) {
			return Rows{}, ErrWouldWait
		}
		return v.merge(ctx, q, vals)
	}
	var lookup []planner.KeySource
	if len(q.Lookups) == 1 {
		lookup = q.Lookups[0]
	}
	e, err := v.fetch(ctx, lookup, vals)
	if err != nil {
		return Rows{}, err
	}
	if e.Len() == 0 && q.EmptyRow != nil {
		return page(q, Rows{cols: q.Cols, rows: v.emptyRow(q, lookup, vals), width: v.width}, vals), nil
	}
	return page(q, Rows{cols: q.Cols, rows: e.Rows, one: e.One, width: v.width}, vals), nil
}

// page keeps the window a `LIMIT ?` asks for of a lookup's rows, which the reader keeps in
// the query's order; the rows are shared, not copied.
func page(q *planner.Query, r Rows, vals []Value) Rows {
	if q.Paging == nil {
		return r
	}
	lo, hi := q.Paging.Window(r.Len(), vals)
	if r.one != nil {
		if lo == 0 && hi == 1 {
			return r
		}
		r.one = nil
		return r
	}
	r.rows = r.rows[lo:hi]
	return r
}

// get reads one key. found is false for a hole of a partial reader; a NULL component matches
// nothing (`col = NULL`), which is found and empty. For a partial reader, hash is the key's
// hash for counting reads (see eviction.Evictor.CountRead).
func (v *View) get(lookup []planner.KeySource, vals []Value) (e operators.ReaderEntry, found bool, hash uint64) {
	if len(lookup) == 1 {
		kv := lookup[0].Value(vals)
		if kv.IsNull() {
			return operators.ReaderEntry{}, true, 0
		}
		if k, ok := dataflow.IntKey(kv); ok {
			e, found := v.reader.GetInt(k)
			if !v.reader.Partial() {
				return e, true, 0
			}
			return e, found, v.reader.HashInt(k)
		}
	}
	if len(lookup) == 0 {
		// A view without an equality key (a range over the whole table): its one key is
		// empty, read without the buffer below, which the reader's Get makes escape.
		e, found = v.reader.Get("")
		if !v.reader.Partial() {
			return e, true, 0
		}
		return e, found, v.reader.HashKey("")
	}
	var buf [64]byte
	key := buf[:0]
	for _, ks := range lookup {
		kv := ks.Value(vals)
		if kv.IsNull() {
			return operators.ReaderEntry{}, true, 0
		}
		key = dataflow.AppendKey(key, kv)
	}
	var k string
	if len(key) > 0 {
		k = unsafe.String(&key[0], len(key))
	}
	e, found = v.reader.Get(k)
	if !v.reader.Partial() {
		return e, true, 0
	}
	return e, found, v.reader.HashKey(k)
}

// fetch reads one key, filling it first when it is a hole: the fill is an upquery whose rows
// travel to the reader on the same edges as updates. Concurrent misses on one key share one
// fill. It waits at most the read timeout; it never returns a partial result.
func (v *View) fetch(ctx context.Context, lookup []planner.KeySource, vals []Value) (operators.ReaderEntry, error) {
	e, found, hash := v.get(lookup, vals)
	if !found && mustNotWait(ctx) {
		return e, ErrWouldWait
	}
	if v.filler != nil && v.e.evictor.Counting() { // counts only matter for eviction
		v.e.evictor.CountRead(hash)
	}
	if found {
		v.hits.Inc()
		return e, nil
	}
	v.misses.Inc()
	key := planner.KeyRow(lookup, vals)
	// Evicting for this fill (Admit) is bounded on its own: the read timeout covers the fill.
	if err := v.e.evictor.Admit(ctx); err != nil {
		return e, err
	}
	timer := startFillTimer(v.e.opts.ReadTimeout)
	defer stopFillTimer(timer)
	for {
		if v.dropped.Load() {
			return e, v.errDropped()
		}
		if err := v.filler.Await(ctx, key, timer.C); err != nil {
			return e, err
		}
		if e, found, _ = v.get(lookup, vals); found {
			return e, nil
		}
		// Filled, then evicted again before we looked: fill again.
	}
}

// fillTimers keeps the read-timeout timers of reads that wait for a fill, which would
// otherwise make a timer and its channel on every miss.
var fillTimers = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}}

// startFillTimer returns a timer that fires once d has passed; stopFillTimer gives it back.
func startFillTimer(d time.Duration) *time.Timer {
	t := fillTimers.Get().(*time.Timer)
	t.Reset(d)
	return t
}

// stopFillTimer stops t and keeps it for the next miss. A tick it sent that nobody took is
// drained first: a stopped timer sends none since Go 1.23, but with GODEBUG
// asynctimerchan=1 its channel may still hold one, which would end the next read at once.
func stopFillTimer(t *time.Timer) {
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
	fillTimers.Put(t)
}

func (v *View) emptyRow(q *planner.Query, lookup []planner.KeySource, vals []Value) []dataflow.Row {
	if row, ok := q.EmptyRow(planner.KeyRow(lookup, vals)); ok {
		return []dataflow.Row{row}
	}
	return nil
}

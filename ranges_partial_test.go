package weir_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdb/weir"
)

// TestRangeHolesFillOnlyMissing: a view whose only conditions are ranges keeps the
// intervals read. A read that overlaps a filled interval sends one range upquery for the
// part that is missing; writes within filled intervals are applied, writes in holes are
// dropped and found by the fill that covers them later; evicting an interval makes only it
// a hole again.
func TestRangeHolesFillOnlyMissing(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	var tok weir.Token
	for i := 1; i <= 100; i++ {
		tok = mustExec(t, e, "INSERT INTO ev VALUES (?, ?)", i, i).Token
	}
	v := mustRegister(t, e, "window", "SELECT id FROM ev WHERE at > ? AND at <= ? ORDER BY at")
	want := func(lo, hi int, extra ...int) string {
		var ids []string
		for i := lo + 1; i <= hi; i++ {
			ids = append(ids, strconv.Itoa(i))
		}
		for _, x := range extra {
			ids = append(ids, strconv.Itoa(x))
		}
		return strings.Join(ids, ",")
	}
	step := 0
	check := func(lo, hi int, wantIDs string, upqueries int64, intervals int) {
		t.Helper()
		step++
		rows, err := v.LookupAfter(ctx, tok, lo, hi)
		if err != nil || rangeIDs(t, rows) != wantIDs {
			t.Fatalf("step %d: (%d, %d]: %v %q, want %q", step, lo, hi, err, rangeIDs(t, rows), wantIDs)
		}
		if st := v.Stats(); st.Upqueries != upqueries || st.Keys != intervals {
			t.Fatalf("step %d: (%d, %d]: %d upqueries, %d intervals; want %d, %d", step, lo, hi, st.Upqueries, st.Keys, upqueries, intervals)
		}
	}
	check(10, 20, want(10, 20), 1, 1)
	check(15, 30, want(15, 30), 2, 1) // fills (20, 30] only
	check(12, 25, want(12, 25), 2, 1)
	check(40, 35, "", 2, 1) // an empty range fills nothing
	tok = mustExec(t, e, "INSERT INTO ev VALUES (200, 25), (201, 50)").Token
	// (200, 25) was applied in a filled interval; (201, 50) was dropped in a hole and the
	// fill of (45, 55] reads it from the table.
	check(24, 26, "25,200,26", 2, 1)
	check(45, 55, "46,47,48,49,50,201,51,52,53,54,55", 3, 2)
	tok = mustExec(t, e, "DELETE FROM ev WHERE id IN (15, 201)").Token
	check(10, 20, "11,12,13,14,16,17,18,19,20", 3, 2)
	check(49, 51, "50,51", 3, 2)
	if err := v.Evict(ctx, 14, 18); err != nil {
		t.Fatal(err)
	}
	if st := v.Stats(); st.Evictions != 1 || st.Keys != 3 {
		t.Fatalf("after evicting (14, 18]: %+v, want one eviction and three intervals", st)
	}
	// Written while (14, 18] is a hole: dropped there, read by its fill.
	tok = mustExec(t, e, "UPDATE ev SET at = 17 WHERE id = 99").Token
	check(10, 30, "11,12,13,14,16,17,99,18,19,20,21,22,23,24,25,200,26,27,28,29,30", 4, 2)
}

// TestRangeHolesOpenClosedDesc: bounds open and closed at both ends, unbounded ends and a
// descending order read the rows of their own intervals, filling only what is missing.
func TestRangeHolesOpenClosedDesc(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	tok := mustExec(t, e, "INSERT INTO ev VALUES (1, 10), (2, 20), (3, 20), (4, 30), (5, NULL), (6, 40)").Token
	ge := mustRegister(t, e, "ge", "SELECT id FROM ev WHERE at >= ? ORDER BY at DESC, id LIMIT 3")
	lt := mustRegister(t, e, "lt", "SELECT id FROM ev WHERE at < ? ORDER BY at, id")
	between := mustRegister(t, e, "between", "SELECT id FROM ev WHERE at BETWEEN ? AND ? ORDER BY at DESC, id")
	for _, c := range []struct {
		v    *weir.View
		args []any
		want string
	}{
		{ge, []any{20}, "6,4,2"},
		{ge, []any{25}, "6,4"},
		{ge, []any{5}, "6,4,2"},
		{lt, []any{20}, "1"},
		{lt, []any{21}, "1,2,3"},
		{lt, []any{nil}, ""},
		{between, []any{20, 30}, "4,2,3"},
		{between, []any{21, 30}, "4"},
		{between, []any{10, 20}, "2,3,1"},
		{between, []any{30, 20}, ""},
	} {
		rows, err := c.v.LookupAfter(ctx, tok, c.args...)
		if err != nil || rangeIDs(t, rows) != c.want {
			t.Errorf("%s %v: %v %q, want %q", c.v.Name(), c.args, err, rangeIDs(t, rows), c.want)
		}
	}
	// ge filled [20, +∞) then [5, 20); lt (-∞, 20) then [20, 21); between [20, 30] then
	// [10, 20): each view's intervals merged into one.
	for _, c := range []struct {
		v         *weir.View
		upqueries int64
	}{{ge, 2}, {lt, 2}, {between, 2}} {
		if st := c.v.Stats(); st.Upqueries != c.upqueries || st.Keys != 1 {
			t.Errorf("%s: %d upqueries, %d intervals; want %d and one", c.v.Name(), st.Upqueries, st.Keys, c.upqueries)
		}
	}
}

// rangeModel is the rows of table ev (id -> at) for computing what a range read must
// return.
type rangeModel struct {
	mu sync.Mutex
	at map[int]int
}

// between returns the ids whose at lies in [lo, hi], in order of at then id.
func (m *rangeModel) between(lo, hi int) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	type row struct{ id, at int }
	var rows []row
	for id, at := range m.at {
		if at >= lo && at <= hi {
			rows = append(rows, row{id, at})
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return a.id - b.id
	})
	var ids []string
	for _, r := range rows {
		ids = append(ids, strconv.Itoa(r.id))
	}
	return strings.Join(ids, ",")
}

// TestRangeHolesUnderMemoryLimit: under a memory limit far below the table's rows, reads
// of random intervals miss, fill by range upqueries and are evicted interval by interval,
// and every read equals the rows recomputed from the table.
func TestRangeHolesUnderMemoryLimit(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{Domains: 2, MemoryLimit: 256 << 10})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT, pad VARCHAR(200))")
	m := &rangeModel{at: map[int]int{}}
	pad := strings.Repeat("x", 150)
	var tok weir.Token
	for i := 0; i < 4000; i += 100 {
		var vals []string
		var args []any
		for j := i; j < i+100; j++ {
			vals = append(vals, "(?, ?, ?)")
			args = append(args, j, j%1000, pad)
			m.at[j] = j % 1000
		}
		tok = mustExec(t, e, "INSERT INTO ev VALUES "+strings.Join(vals, ","), args...).Token
	}
	v := mustRegister(t, e, "between", "SELECT id FROM ev WHERE at BETWEEN ? AND ? ORDER BY at, id")
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 300 {
		lo := rng.IntN(1000)
		hi := lo + rng.IntN(40)
		if i%10 == 0 {
			id := rng.IntN(4000)
			at := rng.IntN(1000)
			tok = mustExec(t, e, "UPDATE ev SET at = ? WHERE id = ?", at, id).Token
			m.mu.Lock()
			m.at[id] = at
			m.mu.Unlock()
		}
		rows, err := v.LookupAfter(ctx, tok, lo, hi)
		if err != nil || rangeIDs(t, rows) != m.between(lo, hi) {
			t.Fatalf("read %d [%d, %d]: %v\n got %q\nwant %q", i, lo, hi, err, rangeIDs(t, rows), m.between(lo, hi))
		}
		if i%25 == 0 {
			if _, err := e.Evict(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := e.Evict(ctx); err != nil {
		t.Fatal(err)
	}
	st := v.Stats()
	if st.Evictions == 0 || st.Upqueries < 50 || st.Misses < 50 {
		t.Fatalf("stats %+v: want misses, upqueries and evictions of intervals", st)
	}
	if st.Bytes > 256<<10 {
		t.Fatalf("the reader holds %d bytes under a limit of %d", st.Bytes, 256<<10)
	}
}

// rangeChurn drives churnRanges: ids rows whose at lies in [0, span), writers moving them
// (write), one reader evicting random intervals (evict, with the round number) and the
// others reading them (read), intervals at most width wide.
type rangeChurn struct {
	ids, span, width int
	seed             uint64
	write            func(id, at int) (weir.Token, error)
	evict            func(round, lo, hi int) error
	read             func(lo, hi int) error
	// underway, when set, holds each writer at half its writes until it is true: the
	// readers have filled and evicted intervals while writes are still to come. Without
	// it, on a loaded machine the writers could finish before the evicting reader first
	// found a filled interval.
	underway func() bool
}

// churnRanges runs three writers, each owning a third of the ids and moving 150 of them,
// beside one evicting reader and two checking readers until the writers stop; it fails t on
// any error and returns the last write's token, the model m holding the final values.
func churnRanges(t *testing.T, m *rangeModel, c rangeChurn) weir.Token {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	var tokMu sync.Mutex
	var last weir.Token
	const writers = 3
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), c.seed))
			for i := range 150 {
				if i == 75 && c.underway != nil {
					deadline := time.Now().Add(30 * time.Second)
					for !c.underway() {
						if time.Now().After(deadline) {
							errs <- fmt.Errorf("writer %d: no fill and eviction under the writes in 30 s", w)
							return
						}
						runtime.Gosched()
					}
				}
				id := w + writers*rng.IntN(c.ids/writers) // each writer owns its ids
				at := rng.IntN(c.span)
				tok, err := c.write(id, at)
				if err != nil {
					errs <- err
					return
				}
				m.mu.Lock()
				m.at[id] = at
				m.mu.Unlock()
				tokMu.Lock()
				last = max(last, tok)
				tokMu.Unlock()
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			rng := rand.New(rand.NewPCG(uint64(r), c.seed+1))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				lo := rng.IntN(c.span)
				hi := lo + rng.IntN(c.width)
				var err error
				if r == 0 {
					err = c.evict(i, lo, hi)
				} else {
					err = c.read(lo, hi)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return last
}

// TestRangeHolesConcurrent: writers move rows between values while readers read random
// intervals (filling them concurrently) and intervals are evicted under them. Every read
// is ordered and within its bounds; once the writers stop, every interval read equals the
// rows recomputed from the final table: no fill raced a write into staleness.
func TestRangeHolesConcurrent(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{Domains: 3})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	m := &rangeModel{at: map[int]int{}}
	const ids, span = 400, 200
	for i := range ids {
		mustExec(t, e, "INSERT INTO ev VALUES (?, ?)", i, i%span)
		m.at[i] = i % span
	}
	v := mustRegister(t, e, "between", "SELECT id, at FROM ev WHERE at BETWEEN ? AND ? ORDER BY at, id")
	last := churnRanges(t, m, rangeChurn{ids: ids, span: span, width: 30, seed: 1,
		underway: func() bool { st := v.Stats(); return st.Evictions > 0 && st.Upqueries > 0 },
		write: func(id, at int) (weir.Token, error) {
			res, err := e.Exec(ctx, "UPDATE ev SET at = ? WHERE id = ?", at, id)
			return res.Token, err
		},
		evict: func(_, lo, hi int) error { return v.Evict(ctx, lo, hi) },
		read: func(lo, hi int) error {
			rows, err := v.Lookup(ctx, lo, hi)
			if err != nil {
				return err
			}
			prev := -1
			for i := range rows.Len() {
				at := int(rows.Row(i)[1].RawInt())
				if at < lo || at > hi || at < prev {
					return fmt.Errorf("[%d, %d]: row %d at %d out of bounds or order", lo, hi, i, at)
				}
				prev = at
			}
			return nil
		}})
	for lo := 0; lo < span; lo += 7 {
		hi := lo + 20
		rows, err := v.LookupAfter(ctx, last, lo, hi)
		if err != nil || rangeIDs(t, rows) != m.between(lo, hi) {
			t.Fatalf("[%d, %d] after the writes: %v\n got %q\nwant %q", lo, hi, err, rangeIDs(t, rows), m.between(lo, hi))
		}
	}
	if st := v.Stats(); st.Evictions == 0 || st.Upqueries == 0 {
		t.Fatalf("stats %+v: want fills and evictions", st)
	}
}

// TestRangeHolesThroughJoin: a range column of one side of a join is filled through the
// join from that side's table; writes to the other side reach the filled intervals and
// are dropped in holes. A range over an aggregate's group column is partial by intervals
// too; one over an aggregate read through a join keeps full state and says why.
func TestRangeHolesThroughJoin(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{Domains: 3})
	mustExec(t, e, "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(10))")
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, uid INT, at INT)")
	mustExec(t, e, "INSERT INTO users VALUES (1, 'ann'), (2, 'bob')")
	tok := mustExec(t, e, "INSERT INTO ev VALUES (10, 1, 100), (11, 2, 110), (12, 3, 120), (13, 1, 130)").Token
	v := mustRegister(t, e, "byat", "SELECT e.id, u.name FROM ev e JOIN users u ON u.id = e.uid WHERE e.at BETWEEN ? AND ? ORDER BY e.at")
	if r := v.RangeFullReason(); r != "" {
		t.Fatalf("the join view keeps full state: %s", r)
	}
	read := func(lo, hi int) string {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(texts(rows), " ")
	}
	if got := read(100, 115); got != "10|ann 11|bob" {
		t.Fatalf("[100, 115]: %q", got)
	}
	tok = mustExec(t, e, "INSERT INTO users VALUES (3, 'cy')").Token // joins row 12, in a hole
	tok = mustExec(t, e, "UPDATE users SET name = 'al' WHERE id = 1").Token
	if got := read(100, 115); got != "10|al 11|bob" {
		t.Fatalf("[100, 115] after the users changed: %q", got)
	}
	if got := read(100, 140); got != "10|al 11|bob 12|cy 13|al" {
		t.Fatalf("[100, 140]: %q", got)
	}
	if st := v.Stats(); st.Upqueries != 2 {
		t.Fatalf("%d upqueries, want 2", st.Upqueries)
	}
	agg := mustRegister(t, e, "counts", "SELECT at, COUNT(*) FROM ev WHERE at > ? GROUP BY at ORDER BY at")
	if r := agg.RangeFullReason(); r != "" {
		t.Fatalf("the aggregate view keeps full state: %s", r)
	}
	rows, err := agg.LookupAfter(ctx, tok, 115)
	if err != nil || strings.Join(texts(rows), " ") != "120|1 130|1" || !agg.Stats().Partial {
		t.Fatalf("at > 115: %v %q %+v", err, texts(rows), agg.Stats())
	}
	joined := mustRegister(t, e, "joined", "SELECT c.at, c.n, u.name FROM (SELECT at, uid, COUNT(*) AS n FROM ev GROUP BY at, uid) c JOIN users u ON u.id = c.uid WHERE c.at > ? ORDER BY c.at")
	if r := joined.RangeFullReason(); !strings.Contains(r, "below a join") {
		t.Fatalf("the joined aggregate view's reason: %q", r)
	}
	rows, err = joined.LookupAfter(ctx, tok, 115)
	if err != nil || strings.Join(texts(rows), " ") != "120|1|cy 130|1|al" || joined.Stats().Partial {
		t.Fatalf("c.at > 115: %v %q %+v", err, texts(rows), joined.Stats())
	}
}

// TestRangeMixedKeysFillWholeKeys: with an equality key beside the range
// (`product_id = ? AND score BETWEEN ? AND ?`) the equality key is the unit of partial
// state: its first read fills the whole key, later reads of other intervals of it send no
// upquery, and evicting it makes the whole key a hole.
func TestRangeMixedKeysFillWholeKeys(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE reviews (id INT PRIMARY KEY, product_id INT, score INT)")
	tok := mustExec(t, e, "INSERT INTO reviews VALUES (1, 1, 10), (2, 1, 20), (3, 2, 20), (4, 1, 30)").Token
	v := mustRegister(t, e, "mixed", "SELECT id FROM reviews WHERE product_id = ? AND score BETWEEN ? AND ? ORDER BY score")
	for _, c := range []struct {
		args      []any
		want      string
		upqueries int64
	}{
		{[]any{1, 0, 15}, "1", 1},
		{[]any{1, 15, 40}, "2,4", 1},
		{[]any{2, 0, 40}, "3", 2},
		{[]any{1, 20, 20}, "2", 2},
	} {
		rows, err := v.LookupAfter(ctx, tok, c.args...)
		if err != nil || rangeIDs(t, rows) != c.want {
			t.Fatalf("%v: %v %q, want %q", c.args, err, rangeIDs(t, rows), c.want)
		}
		if st := v.Stats(); st.Upqueries != c.upqueries || !st.Partial || st.Keys != int(c.upqueries) {
			t.Fatalf("%v: %+v, want %d upqueries and keys", c.args, st, c.upqueries)
		}
	}
	if err := v.Evict(ctx, 1, 0, 0); err != nil {
		t.Fatal(err)
	}
	rows, err := v.LookupAfter(ctx, tok, 1, 25, 35)
	if err != nil || rangeIDs(t, rows) != "4" || v.Stats().Upqueries != 3 {
		t.Fatalf("after evicting product 1: %v %q %+v", err, rangeIDs(t, rows), v.Stats())
	}
}

// TestRangeHolesTryLookup: TryLookup of an interval that is not filled starts its fill and
// reports it not ready; once filled, it answers.
func TestRangeHolesTryLookup(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	tok := mustExec(t, e, "INSERT INTO ev VALUES (1, 10), (2, 20), (3, 30)").Token
	v := mustRegister(t, e, "gt", "SELECT id FROM ev WHERE at > ? ORDER BY at")
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := v.TryLookup(ctx, 15); ok || err != nil {
		t.Fatalf("first TryLookup: ok %v, %v", ok, err)
	}
	var got string
	waitFor(t, func() bool {
		rows, ok, err := v.TryLookup(ctx, 15)
		if err != nil {
			t.Fatal(err)
		}
		got = rangeIDs(t, rows)
		return ok
	})
	if got != "2,3" || v.Stats().Upqueries != 1 {
		t.Fatalf("at > 15: %q, %+v", got, v.Stats())
	}
	// Overlapping the filled (15, +∞): only (5, 15] is missing.
	if _, ok, _ := v.TryLookup(ctx, 5); ok {
		t.Fatal("at > 5 answered before (5, 15] was filled")
	}
	waitFor(t, func() bool {
		rows, ok, err := v.TryLookup(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		got = rangeIDs(t, rows)
		return ok
	})
	if got != "1,2,3" || v.Stats().Upqueries != 2 {
		t.Fatalf("at > 5: %q, %+v", got, v.Stats())
	}
}

// TestRangeReadWithoutWaiting: under WithoutWaiting a range read of a window (LIMIT) whose
// interval is filled is answered; one whose interval is not filled, or that would visit
// more than a short window (no LIMIT, a large offset, conditions on other columns, an
// order other than the reader's), is ErrWouldWait, counted neither as a hit nor as a miss
// and starting no fill.
func TestRangeReadWithoutWaiting(t *testing.T) {
	ctx := context.Background()
	nowait := weir.WithoutWaiting(ctx)
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT, n INT)")
	var tok weir.Token
	for i := 1; i <= 600; i++ {
		tok = mustExec(t, e, "INSERT INTO ev VALUES (?, ?, ?)", i, i, i%7).Token
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	page := mustRegister(t, e, "page", "SELECT id FROM ev WHERE at > ? ORDER BY at LIMIT ?")
	stats := page.Stats
	if _, err := page.Lookup(nowait, 100, 3); !errors.Is(err, weir.ErrWouldWait) {
		t.Fatalf("a window of an interval not filled, without waiting: %v, want ErrWouldWait", err)
	}
	if st := stats(); st.Hits != 0 || st.Misses != 0 || st.Upqueries != 0 {
		t.Fatalf("after the read that would wait: %+v, want nothing counted and no fill", st)
	}
	if rows, err := page.Lookup(ctx, 100, 3); err != nil || rangeIDs(t, rows) != "101,102,103" {
		t.Fatalf("the window, waiting: %q, %v", rangeIDs(t, rows), err)
	}
	before := stats()
	if rows, err := page.Lookup(nowait, 200, 3); err != nil || rangeIDs(t, rows) != "201,202,203" {
		t.Fatalf("a window of a filled interval, without waiting: %q, %v", rangeIDs(t, rows), err)
	}
	if st := stats(); st.Hits != before.Hits+1 || st.Misses != before.Misses || st.Upqueries != before.Upqueries {
		t.Fatalf("the read without waiting: %+v after %+v, want one hit", st, before)
	}
	if _, err := page.Lookup(nowait, 100, 300); !errors.Is(err, weir.ErrWouldWait) {
		t.Fatalf("a window of 300 rows without waiting: %v, want ErrWouldWait", err)
	}
	for i, q := range []string{
		"SELECT id FROM ev WHERE at > ? ORDER BY at LIMIT 100, 200",
		"SELECT id FROM ev WHERE at > ? ORDER BY at",
		"SELECT id FROM ev WHERE at > ? AND n > 3 ORDER BY at LIMIT 3",
		"SELECT id FROM ev WHERE at > ? ORDER BY n, id LIMIT 3",
	} {
		v := mustRegister(t, e, fmt.Sprintf("other%d", i), q)
		if _, err := v.Lookup(ctx, 100); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if _, err := v.Lookup(nowait, 100); !errors.Is(err, weir.ErrWouldWait) {
			t.Fatalf("%s without waiting: %v, want ErrWouldWait", q, err)
		}
	}
}

// TestRangeRowBuffer: range reads under weir.WithRowBuffer answer what reads without it do,
// a shorter or empty window after a longer one included, a window larger than the buffer
// keeps, and the rows a write put in the window in place of others.
func TestRangeRowBuffer(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	var tok weir.Token
	for i := 1; i <= 400; i++ {
		tok = mustExec(t, e, "INSERT INTO ev VALUES (?, ?)", i, i*10).Token
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	page := mustRegister(t, e, "page", "SELECT id FROM ev WHERE at > ? ORDER BY at LIMIT ?")
	buffered := weir.WithRowBuffer(ctx, &weir.RowBuffer{})
	read := func(ctx context.Context, bound, count int) string {
		t.Helper()
		rows, err := page.Lookup(ctx, bound, count)
		if err != nil {
			t.Fatal(err)
		}
		return rangeIDs(t, rows)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		bound, count := rng.IntN(4200)-100, rng.IntN(40)
		if rng.IntN(10) == 0 {
			count = 300 + rng.IntN(100) // more rows than a buffer keeps
		}
		if got, want := read(buffered, bound, count), read(ctx, bound, count); got != want {
			t.Fatalf("at > %d LIMIT %d with a row buffer: %q, without: %q", bound, count, got, want)
		}
	}
	if got := read(buffered, 100, 3); got != "11,12,13" {
		t.Fatalf("at > 100 LIMIT 3: %q", got)
	}
	if got := read(buffered, 5000, 3); got != "" {
		t.Fatalf("at > 5000 LIMIT 3, after a read of three rows: %q, want none", got)
	}
	mustExec(t, e, "DELETE FROM ev WHERE id = 11")
	tok = mustExec(t, e, "INSERT INTO ev VALUES (1000, 105)").Token
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got := read(buffered, 100, 3); got != "1000,12,13" {
		t.Fatalf("at > 100 LIMIT 3 after the write: %q, want 1000,12,13", got)
	}
}

package weir_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/weirdb/weir"
)

// counts renders, per value of at in [lo, hi] that some row has, "at:count", in order of
// at: the rows of SELECT at, COUNT(*) … WHERE at BETWEEN lo AND hi GROUP BY at.
func (m *rangeModel) counts(lo, hi int) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := map[int]int{}
	for _, at := range m.at {
		if at >= lo && at <= hi {
			n[at]++
		}
	}
	var out []string
	for at := lo; at <= hi; at++ {
		if n[at] > 0 {
			out = append(out, fmt.Sprintf("%d:%d", at, n[at]))
		}
	}
	return strings.Join(out, " ")
}

func countRows(rows weir.Rows) string {
	var out []string
	for i := range rows.Len() {
		r := rows.Row(i)
		out = append(out, fmt.Sprintf("%d:%d", r[0].RawInt(), r[1].RawInt()))
	}
	return strings.Join(out, " ")
}

// TestRangeOverAggregateConcurrent: writers move rows between groups while readers read
// random intervals of a range over the GROUP BY column (filling them concurrently), one
// evicts intervals under them, and rounds under a memory limit evict more. Once the
// writers stop, every interval read equals the groups recomputed from the final table:
// no fill raced a write into staleness at the aggregate or the reader.
func TestRangeOverAggregateConcurrent(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{Domains: 3, MemoryLimit: 64 << 10})
	mustExec(t, e, "CREATE TABLE ev (id INT PRIMARY KEY, at INT)")
	m := &rangeModel{at: map[int]int{}}
	const ids, span = 600, 300
	for i := 0; i < ids; i += 100 {
		var vals []string
		for j := i; j < i+100; j++ {
			vals = append(vals, fmt.Sprintf("(%d, %d)", j, j%span))
			m.at[j] = j % span
		}
		mustExec(t, e, "INSERT INTO ev VALUES "+strings.Join(vals, ","))
	}
	v := mustRegister(t, e, "per_at", "SELECT at, COUNT(*) FROM ev WHERE at BETWEEN ? AND ? GROUP BY at")
	if st := v.Stats(); !st.Partial {
		t.Fatalf("full: %s", st.FullReason)
	}
	last := churnRanges(t, m, rangeChurn{ids: ids, span: span, width: 40, seed: 3,
		underway: func() bool { st := v.Stats(); return st.Evictions > 0 && st.Upqueries > 0 },
		write: func(id, at int) (weir.Token, error) {
			res, err := e.Exec(ctx, "UPDATE ev SET at = ? WHERE id = ?", at, id)
			return res.Token, err
		},
		evict: func(round, lo, hi int) error {
			if round%4 == 0 {
				_, err := e.Evict(ctx)
				return err
			}
			return v.Evict(ctx, lo, hi)
		},
		read: func(lo, hi int) error {
			rows, err := v.Lookup(ctx, lo, hi)
			if err != nil {
				return err
			}
			prev := -1
			for i := range rows.Len() {
				at := int(rows.Row(i)[0].RawInt())
				if at < lo || at > hi || at <= prev {
					return fmt.Errorf("[%d, %d]: group %d at %d out of bounds or order", lo, hi, i, at)
				}
				prev = at
			}
			return nil
		}})
	for lo := 0; lo < span; lo += 7 {
		hi := lo + 20
		rows, err := v.LookupAfter(ctx, last, lo, hi)
		if err != nil || countRows(rows) != m.counts(lo, hi) {
			t.Fatalf("[%d, %d] after the writes: %v\n got %q\nwant %q", lo, hi, err, countRows(rows), m.counts(lo, hi))
		}
	}
	if st := v.Stats(); st.Evictions == 0 || st.Upqueries == 0 {
		t.Fatalf("stats %+v: want fills and evictions", st)
	}
}

// TestRangeOverUnionAll: a range over a UNION ALL keeps interval holes, each interval
// filled by one range upquery whose pieces, one per branch, meet at the union. Writes to
// either branch in a filled interval are applied, writes in a hole are dropped and found by
// the fill that covers them, also while the union waits for a branch's piece; and an
// aggregate grouped by the range column over the union is partial by intervals too.
func TestRangeOverUnionAll(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{Domains: 3})
	mustExec(t, e, "CREATE TABLE a (id INT PRIMARY KEY, at INT)")
	mustExec(t, e, "CREATE TABLE b (id INT PRIMARY KEY, at INT)")
	ma, mb := &rangeModel{at: map[int]int{}}, &rangeModel{at: map[int]int{}}
	for i := range 50 {
		mustExec(t, e, "INSERT INTO a VALUES (?, ?)", i, i)
		mustExec(t, e, "INSERT INTO b VALUES (?, ?)", 100+i, 2*i)
		ma.at[i], mb.at[100+i] = i, 2*i
	}
	v := mustRegister(t, e, "both", "SELECT u.id, u.at FROM (SELECT id, at FROM a UNION ALL SELECT id, at FROM b) AS u WHERE u.at BETWEEN ? AND ? ORDER BY u.at, u.id")
	counts := mustRegister(t, e, "both_counts", "SELECT u.at, COUNT(*) FROM (SELECT id, at FROM a UNION ALL SELECT id, at FROM b) AS u WHERE u.at BETWEEN ? AND ? GROUP BY u.at")
	for _, x := range []*weir.View{v, counts} {
		if st := x.Stats(); !st.Partial {
			t.Fatalf("%s is full: %s", st.Query, st.FullReason)
		}
	}
	both := func() *rangeModel {
		m := &rangeModel{at: map[int]int{}}
		for id, at := range ma.at {
			m.at[id] = at
		}
		for id, at := range mb.at {
			m.at[id] = at
		}
		return m
	}
	var tok weir.Token
	check := func(lo, hi int) {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, lo, hi)
		if want := both().between(lo, hi); err != nil || rangeIDs(t, rows) != want {
			t.Fatalf("[%d, %d]: %v\n got %q\nwant %q", lo, hi, err, rangeIDs(t, rows), want)
		}
		rows, err = counts.LookupAfter(ctx, tok, lo, hi)
		if want := both().counts(lo, hi); err != nil || countRows(rows) != want {
			t.Fatalf("counts [%d, %d]: %v\n got %q\nwant %q", lo, hi, err, countRows(rows), want)
		}
	}
	check(10, 20)
	check(15, 30)
	if st := v.Stats(); st.Upqueries != 2 {
		t.Fatalf("%d upqueries, want 2 (one per missing interval, whatever the branches)", st.Upqueries)
	}
	tok = mustExec(t, e, "INSERT INTO a VALUES (500, 12), (501, 70)").Token // filled; hole
	tok = mustExec(t, e, "UPDATE b SET at = 71 WHERE id = 110").Token       // 20 -> 71
	ma.at[500], ma.at[501], mb.at[110] = 12, 70, 71
	check(10, 30)
	check(60, 80)
	if err := v.Evict(ctx, 12, 18); err != nil {
		t.Fatal(err)
	}
	if err := counts.Evict(ctx, 12, 18); err != nil {
		t.Fatal(err)
	}
	tok = mustExec(t, e, "DELETE FROM a WHERE id = 500").Token
	tok = mustExec(t, e, "UPDATE b SET at = 13 WHERE id = 149").Token
	delete(ma.at, 500)
	mb.at[149] = 13
	check(0, 100)
	// Concurrent fills of overlapping intervals race writes to both branches.
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := make(chan error, 8)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 9))
			for range 100 {
				table, m, id := "a", ma, rng.IntN(50)
				if w == 1 {
					table, m, id = "b", mb, 100+rng.IntN(50)
				}
				at := rng.IntN(200)
				res, err := e.Exec(ctx, "UPDATE "+table+" SET at = ? WHERE id = ?", at, id)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				m.at[id] = at
				tok = max(tok, res.Token)
				mu.Unlock()
				lo := rng.IntN(200)
				if _, err := v.Lookup(ctx, lo, lo+rng.IntN(30)); err != nil {
					errs <- err
					return
				}
				if _, err := counts.Lookup(ctx, lo, lo+rng.IntN(30)); err != nil {
					errs <- err
					return
				}
				if err := v.Evict(ctx, lo, lo+5); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for lo := 0; lo < 200; lo += 9 {
		check(lo, lo+25)
	}
}

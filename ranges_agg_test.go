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
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	var tokMu sync.Mutex
	var last weir.Token
	const writers = 3
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 3))
			for range 150 {
				id := w + writers*rng.IntN(ids/writers) // each writer owns its ids
				at := rng.IntN(span)
				res, err := e.Exec(ctx, "UPDATE ev SET at = ? WHERE id = ?", at, id)
				if err != nil {
					errs <- err
					return
				}
				m.mu.Lock()
				m.at[id] = at
				m.mu.Unlock()
				tokMu.Lock()
				last = max(last, res.Token)
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
			rng := rand.New(rand.NewPCG(uint64(r), 4))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				lo := rng.IntN(span)
				hi := lo + rng.IntN(40)
				if r == 0 {
					var err error
					if i%4 == 0 {
						_, err = e.Evict(ctx)
					} else {
						err = v.Evict(ctx, lo, hi)
					}
					if err != nil {
						errs <- err
						return
					}
					continue
				}
				rows, err := v.Lookup(ctx, lo, hi)
				if err != nil {
					errs <- err
					return
				}
				prev := -1
				for i := range rows.Len() {
					at := int(rows.Row(i)[0].RawInt())
					if at < lo || at > hi || at <= prev {
						errs <- fmt.Errorf("[%d, %d]: group %d at %d out of bounds or order", lo, hi, i, at)
						return
					}
					prev = at
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

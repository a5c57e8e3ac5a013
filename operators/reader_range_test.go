package operators

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// rangeModel is the naive answer of a range read: the key's rows whose column col lies
// within the bounds, sorted by the reader's order.
func rangeModel(rows []dataflow.Row, col int, lo, hi Bound, order []dataflow.SortKey) []string {
	var kept []dataflow.Row
	for _, r := range rows {
		v := r[col]
		if v.IsNull() {
			continue
		}
		if lo.Set {
			c := dataflow.Compare(v, lo.Val)
			if c < 0 || (c == 0 && !lo.Incl) {
				continue
			}
		}
		if hi.Set {
			c := dataflow.Compare(v, hi.Val)
			if c > 0 || (c == 0 && !hi.Incl) {
				continue
			}
		}
		kept = append(kept, r)
	}
	slices.SortStableFunc(kept, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, order) })
	out := make([]string, len(kept))
	for i, r := range kept {
		out[i] = r.String()
	}
	return out
}

func scanStrings(e ReaderEntry, lo, hi Bound) []string {
	var out []string
	if e.Tree == nil {
		return nil
	}
	e.Tree.Scan(lo, hi, func(r dataflow.Row) bool {
		out = append(out, r.String())
		return true
	})
	return out
}

// TestRangeReaderMatchesModel applies random batches (duplicates, NULLs, retractions, keys
// emptied) to a range reader and checks every key's range reads, in both directions of the
// range column and with a second order column, against the naive model.
func TestRangeReaderMatchesModel(t *testing.T) {
	orders := map[string][]dataflow.SortKey{
		"none":           nil,
		"range asc":      {{Col: 1}},
		"range desc":     {{Col: 1, Desc: true}},
		"range desc, c2": {{Col: 1, Desc: true}, {Col: 2}},
		"other column":   {{Col: 2, Desc: true}},
	}
	for name, order := range orders {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(len(name))))
			r := NewReader([]int{0}, order)
			r.SetRange(1)
			model := map[int64][]dataflow.Row{}
			val := func() dataflow.Value {
				if rng.IntN(8) == 0 {
					return dataflow.Null
				}
				return dataflow.Int(int64(rng.IntN(20)))
			}
			for step := 0; step < 200; step++ {
				var in dataflow.Batch
				for range 1 + rng.IntN(30) {
					k := int64(rng.IntN(3))
					if rows := model[k]; len(rows) > 0 && rng.IntN(3) == 0 {
						i := rng.IntN(len(rows))
						in = append(in, dataflow.Record{Row: rows[i], Neg: true})
						model[k] = slices.Delete(rows, i, i+1)
						continue
					}
					row := dataflow.Row{dataflow.Int(k), val(), dataflow.Int(int64(rng.IntN(4)))}
					in = append(in, dataflow.Record{Row: row})
					model[k] = append(model[k], row)
				}
				r.Process(0, in)
				for k := range int64(3) {
					e, found := r.GetInt(uint64(k))
					if len(model[k]) == 0 {
						if found {
							t.Fatalf("step %d: emptied key %d still present in a full reader", step, k)
						}
						continue
					}
					if e.Len() != len(model[k]) {
						t.Fatalf("step %d key %d: %d rows, want %d", step, k, e.Len(), len(model[k]))
					}
					for range 4 {
						var lo, hi Bound
						if rng.IntN(3) > 0 {
							lo = Bound{Val: dataflow.Int(int64(rng.IntN(22) - 1)), Incl: rng.IntN(2) == 0, Set: true}
						}
						if rng.IntN(3) > 0 {
							hi = Bound{Val: dataflow.Int(int64(rng.IntN(22) - 1)), Incl: rng.IntN(2) == 0, Set: true}
						}
						got := scanStrings(e, lo, hi)
						treeOrder := order
						if len(order) == 0 || order[0].Col != 1 {
							// The tree orders by the range column first; compare as the read
							// does for another order: sorted.
							treeOrder = append([]dataflow.SortKey{{Col: 1}}, order...)
						}
						want := rangeModel(model[k], 1, lo, hi, treeOrder)
						if !slices.Equal(got, want) {
							t.Fatalf("step %d key %d range %v..%v:\n got %v\nwant %v", step, k, lo, hi, got, want)
						}
					}
				}
			}
		})
	}
}

// TestRangeReaderPublishedTreeIsImmutable checks that an entry a read holds keeps its rows
// while later batches change the key (the tree is cloned, not written in place).
func TestRangeReaderPublishedTreeIsImmutable(t *testing.T) {
	r := NewReader(nil, []dataflow.SortKey{{Col: 0}})
	r.SetRange(0)
	var in dataflow.Batch
	for i := range 1000 {
		in = append(in, dataflow.Record{Row: dataflow.Row{dataflow.Int(int64(i))}})
	}
	r.Process(0, in)
	before, _ := r.Get("")
	in = in[:0]
	for i := range 500 {
		in = append(in, dataflow.Record{Row: dataflow.Row{dataflow.Int(int64(i))}, Neg: true})
	}
	in = append(in, dataflow.Record{Row: dataflow.Row{dataflow.Int(5000)}})
	r.Process(0, in)
	after, _ := r.Get("")
	if before.Len() != 1000 || len(before.All()) != 1000 {
		t.Fatalf("held entry changed: %d rows", before.Len())
	}
	if after.Len() != 501 {
		t.Fatalf("new entry has %d rows, want 501", after.Len())
	}
	got := scanStrings(after, Bound{Val: dataflow.Int(998), Set: true}, Bound{})
	if want := []string{"[999]", "[5000]"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("range after the batch = %v, want %v", got, want)
	}
}

// TestRangeReaderPartialFill checks a partial range reader: a hole drops deltas, a fill
// builds the key's tree, and an emptied key stays present and known empty.
func TestRangeReaderPartialFill(t *testing.T) {
	r := NewReader([]int{0}, nil)
	r.SetRange(1)
	r.SetPartial()
	row := func(k, v int64) dataflow.Row { return dataflow.Row{dataflow.Int(k), dataflow.Int(v)} }
	r.Process(0, dataflow.Batch{{Row: row(1, 5)}})
	if _, found := r.GetInt(1); found {
		t.Fatal("a hole was filled by a delta")
	}
	r.Fill(dataflow.Row{dataflow.Int(1)}, dataflow.Batch{{Row: row(1, 5)}, {Row: row(1, 7)}, {Row: row(2, 9)}})
	e, found := r.GetInt(1)
	if !found || e.Tree == nil || e.Len() != 2 {
		t.Fatalf("filled key: found %v, %d rows", found, e.Len())
	}
	if got := scanStrings(e, Bound{Val: dataflow.Int(6), Set: true}, Bound{}); fmt.Sprint(got) != "[[1, 7]]" {
		t.Fatalf("range of the filled key = %v", got)
	}
	r.Process(0, dataflow.Batch{{Row: row(1, 5), Neg: true}, {Row: row(1, 7), Neg: true}})
	e, found = r.GetInt(1)
	if !found || e.Len() != 0 {
		t.Fatalf("emptied key: found %v, %d rows", found, e.Len())
	}
	if r.Bytes() != entryBytes(e) {
		t.Fatalf("bytes %d, want %d for one empty key", r.Bytes(), entryBytes(e))
	}
}

// TestRangeReaderStrings checks that a range over text follows the collation: 'beta' and
// 'Beta' are equal and both lie within ['b', 'BETA'].
func TestRangeReaderStrings(t *testing.T) {
	r := NewReader(nil, nil)
	r.SetRange(0)
	var in dataflow.Batch
	for _, s := range []string{"alpha", "Beta", "beta", "gamma", "B"} {
		in = append(in, dataflow.Record{Row: dataflow.Row{dataflow.String(s)}})
	}
	r.Process(0, in)
	e, _ := r.Get("")
	got := scanStrings(e, Bound{Val: dataflow.String("b"), Incl: false, Set: true}, Bound{Val: dataflow.String("BETA"), Incl: true, Set: true})
	if len(got) != 2 {
		t.Fatalf("('b', 'BETA'] = %v, want Beta and beta", got)
	}
}

// BenchmarkRangeScan reads the first 20 rows above a random bound of a one-million-row key.
func BenchmarkRangeScan(b *testing.B) {
	for _, rows := range []int64{1000, 1_000_000} {
		b.Run(fmt.Sprint(rows), func(b *testing.B) { benchRangeScan(b, rows) })
	}
}

func benchRangeScan(b *testing.B, rows int64) {
	r := NewReader(nil, []dataflow.SortKey{{Col: 1}})
	r.SetRange(1)
	in := make(dataflow.Batch, 0, rows)
	for i := range rows {
		in = append(in, dataflow.Record{Row: dataflow.Row{dataflow.Int(i), dataflow.Int(i * 7 % rows)}})
	}
	r.Process(0, in)
	e, _ := r.Get("")
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		e.Tree.Scan(Bound{Val: dataflow.Int(rng.Int64N(rows - 100)), Set: true}, Bound{}, func(dataflow.Row) bool {
			n++
			return n < 20
		})
		if n != 20 {
			b.Fatalf("%d rows", n)
		}
	}
}

// TestRangeReaderReadsDuringWrites reads published trees while the domain clones and
// writes them (run with -race): a read sees one whole version of the key, never a
// half-applied batch.
func TestRangeReaderReadsDuringWrites(t *testing.T) {
	r := NewReader(nil, []dataflow.SortKey{{Col: 0}})
	r.SetRange(0)
	const width = 100
	var in dataflow.Batch
	for i := range width {
		in = append(in, dataflow.Record{Row: dataflow.Row{dataflow.Int(int64(i))}})
	}
	r.Process(0, in)
	done := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for {
			select {
			case <-done:
				return
			default:
			}
			e, _ := r.Get("")
			n := 0
			e.Tree.Scan(Bound{}, Bound{}, func(dataflow.Row) bool { n++; return true })
			// Every batch retracts and inserts width rows: each version holds width rows.
			if n != width || e.Len() != width {
				errs <- fmt.Errorf("a read saw %d rows (Len %d), want %d", n, e.Len(), width)
				return
			}
		}
	}()
	for step := range 200 {
		in = in[:0]
		for i := range width {
			in = append(in,
				dataflow.Record{Row: dataflow.Row{dataflow.Int(int64(step*width + i))}, Neg: true},
				dataflow.Record{Row: dataflow.Row{dataflow.Int(int64((step+1)*width + i))}})
		}
		r.Process(0, in)
	}
	close(done)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

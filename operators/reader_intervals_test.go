package operators

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

func ivRow(id, at int64) dataflow.Row { return dataflow.Row{dataflow.Int(id), dataflow.Int(at)} }

func ivRows(e ReaderEntry) string {
	if e.Tree == nil {
		return "hole"
	}
	return fmt.Sprint(scanStrings(e, Bound{}, Bound{}))
}

// TestReaderIntervalHoles drives a reader with interval holes through drops, fills,
// overlapping fills, evictions of part of an interval and victims chosen by Scores.
func TestReaderIntervalHoles(t *testing.T) {
	r := NewReader(nil, []dataflow.SortKey{{Col: 1}})
	r.SetRange(1)
	r.SetIntervalHoles()
	if !r.IntervalHoles() || !r.Partial() {
		t.Fatal("not a reader with interval holes")
	}
	get := func() ReaderEntry { e, _ := r.Get(""); return e }
	// Everything is a hole: the delta is dropped.
	r.Process(0, dataflow.Batch{{Row: ivRow(1, 15)}})
	if _, ok := r.Get(""); ok || r.Bytes() != 0 {
		t.Fatalf("a delta to a hole was kept: %s", ivRows(get()))
	}
	// A fill of [10, 20] installs the rows within it only.
	piece := dataflow.Batch{{Row: ivRow(1, 15)}, {Row: ivRow(2, 10)}, {Row: ivRow(3, 25)}, {Row: ivRow(4, 20)}}
	if r.FillRange(RangeKey(nil, iv(cl(10), cl(20))), piece) {
		t.Fatal("first fill reported redundant")
	}
	if got := ivRows(get()); got != "[[2, 10] [1, 15] [4, 20]]" {
		t.Fatalf("after fill [10, 20]: %s", got)
	}
	// Deltas inside the interval apply; outside it they are dropped.
	r.Process(0, dataflow.Batch{{Row: ivRow(5, 12)}, {Row: ivRow(6, 21)}, {Row: ivRow(1, 15), Neg: true}, {Row: ivRow(7, 5)}})
	if got := ivRows(get()); got != "[[2, 10] [5, 12] [4, 20]]" {
		t.Fatalf("after deltas: %s", got)
	}
	// An overlapping fill takes its rows from the hole (20, 30] only: its rows of [15, 20]
	// are stale next to what the deltas kept current (id 1 is gone there).
	piece = dataflow.Batch{{Row: ivRow(1, 15)}, {Row: ivRow(4, 20)}, {Row: ivRow(6, 21)}, {Row: ivRow(3, 25)}}
	if r.FillRange(RangeKey(nil, iv(cl(15), cl(30))), piece) {
		t.Fatal("overlapping fill reported redundant")
	}
	if got := ivRows(get()); got != "[[2, 10] [5, 12] [4, 20] [6, 21] [3, 25]]" {
		t.Fatalf("after fill [15, 30]: %s", got)
	}
	if !r.FillRange(RangeKey(nil, iv(op(11), op(29))), nil) {
		t.Fatal("a covered fill was not redundant")
	}
	if got := get().Tree.Filled().String(); got != "{[10, 30]}" || r.Keys() != 1 {
		t.Fatalf("filled %s, %d intervals", got, r.Keys())
	}
	before := r.Bytes()
	// Evicting (12, 21] makes it a hole: its rows go, and deltas for it are dropped.
	if freed := r.EvictRange("", iv(op(12), cl(21))); freed <= 0 || r.Bytes() != before-freed {
		t.Fatalf("evicting freed %d of %d, %d left", freed, before, r.Bytes())
	}
	e := get()
	if got := ivRows(e); got != "[[2, 10] [5, 12] [3, 25]]" || e.Tree.Filled().String() != "{[10, 12] (21, 30]}" {
		t.Fatalf("after evicting (12, 21]: %s %s", got, e.Tree.Filled())
	}
	if e.Tree.Covers(cl(10), cl(13)) || !e.Tree.Covers(cl(22), cl(30)) {
		t.Fatal("Covers disagrees with the filled intervals")
	}
	if got := fmt.Sprint(e.Tree.Missing(cl(0), Bound{})); got != "[[0, 10) (12, 21] (30, +∞)]" {
		t.Fatalf("missing: %s", got)
	}
	r.Process(0, dataflow.Batch{{Row: ivRow(8, 14)}, {Row: ivRow(9, 11)}})
	if got := ivRows(get()); got != "[[2, 10] [9, 11] [5, 12] [3, 25]]" {
		t.Fatalf("after deltas around the hole: %s", got)
	}
	// A round's victims are the filled intervals, each evicted whole.
	var victims []Victim
	r.Scores(func(uint64) int64 { return 0 }, func(_ int64, v Victim) { victims = append(victims, v) })
	if len(victims) != 2 || !victims[0].IsRange || victims[0].Range.String() != "[10, 12]" {
		t.Fatalf("victims %+v", victims)
	}
	r.EvictKeys(victims[:1], nil)
	if got := ivRows(get()); got != "[[3, 25]]" || r.Keys() != 1 || r.Evictions() != 2 {
		t.Fatalf("after evicting the first victim: %s, %d intervals, %d evictions", got, r.Keys(), r.Evictions())
	}
	r.EvictKeys(victims[1:], nil)
	if got := ivRows(get()); got != "[]" || r.Keys() != 0 || r.Bytes() != entryOverhead {
		t.Fatalf("after evicting everything: %s, %d intervals, %d bytes", got, r.Keys(), r.Bytes())
	}
}

// TestReaderIntervalHolesModel applies random fills, deltas and evictions to a reader with
// interval holes and checks, after each, that it holds exactly the rows of the table whose
// values lie in its filled intervals, and that a fill after any history installs those of
// its interval.
func TestReaderIntervalHolesModel(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 3))
		r := NewReader(nil, nil)
		r.SetRange(1)
		r.SetIntervalHoles()
		table := map[int64]int64{} // id -> at
		randIv := func() Interval {
			b := func() Bound {
				if rng.IntN(6) == 0 {
					return Bound{}
				}
				return Bound{Val: dataflow.Int(rng.Int64N(20)), Incl: rng.IntN(2) == 0, Set: true}
			}
			return Interval{Lo: b(), Hi: b()}
		}
		for step := range 200 {
			switch rng.IntN(3) {
			case 0: // a write
				id := rng.Int64N(30)
				var b dataflow.Batch
				if at, ok := table[id]; ok {
					b = append(b, dataflow.Record{Row: ivRow(id, at), Neg: true})
					delete(table, id)
				}
				if rng.IntN(3) > 0 {
					at := rng.Int64N(20)
					table[id] = at
					b = append(b, dataflow.Record{Row: ivRow(id, at)})
				}
				r.Process(0, b)
			case 1: // a fill, with the table's rows of its interval
				x := randIv()
				var piece dataflow.Batch
				for id, at := range table {
					if x.Contains(dataflow.Int(at)) {
						piece = append(piece, dataflow.Record{Row: ivRow(id, at)})
					}
				}
				r.FillRange(RangeKey(nil, x), piece)
			case 2:
				r.EvictRange("", randIv())
			}
			e, found := r.Get("")
			if wantBytes := map[bool]int64{true: entryBytes(e)}[found]; r.Bytes() != wantBytes {
				t.Fatalf("seed %d step %d: %d bytes counted, the entry holds %d", seed, step, r.Bytes(), wantBytes)
			}
			var filled *Intervals
			var got []string
			if e.Tree != nil {
				filled = e.Tree.Filled()
				got = scanStrings(e, Bound{}, Bound{})
			}
			var want []dataflow.Row
			for id, at := range table {
				if filled.Contains(dataflow.Int(at)) {
					want = append(want, ivRow(id, at))
				}
			}
			slices.SortFunc(want, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, []dataflow.SortKey{{Col: 1}}) })
			ws := make([]string, len(want))
			for i, w := range want {
				ws[i] = w.String()
			}
			if fmt.Sprint(got) != fmt.Sprint(ws) {
				t.Fatalf("seed %d step %d: filled %s\n got %v\nwant %v", seed, step, filled, got, ws)
			}
			if r.Keys() != filled.Len() {
				t.Fatalf("seed %d step %d: %d intervals counted, %d filled", seed, step, r.Keys(), filled.Len())
			}
		}
	}
}

// TestBaseLookupRange: the ordered index answers intervals as a scan does, through puts,
// replacements, removals and a compaction.
func TestBaseLookupRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	indexed, scanned := NewBase("t", 2, nil), NewBase("t", 2, nil)
	indexed.EnsureOrderedIndex(1)
	var keys []string
	for i := range 3000 {
		var at dataflow.Value = dataflow.Int(rng.Int64N(50))
		if i%17 == 0 {
			at = dataflow.Null
		}
		row := dataflow.Row{dataflow.Int(int64(i)), at}
		k := indexed.KeyOf(row)
		indexed.Put(k, row)
		scanned.Put(scanned.KeyOf(row), row)
		keys = append(keys, k)
	}
	for i := 0; i < len(keys); i += 2 {
		indexed.Remove(keys[i])
		scanned.Remove(keys[i])
	}
	indexed.Compact()
	scanned.Compact()
	for range 200 {
		b := func() Bound {
			if rng.IntN(5) == 0 {
				return Bound{}
			}
			return Bound{Val: dataflow.Int(rng.Int64N(55) - 2), Incl: rng.IntN(2) == 0, Set: true}
		}
		x := Interval{Lo: b(), Hi: b()}
		sorted := func(rows []dataflow.Row) string {
			slices.SortFunc(rows, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, nil) })
			return fmt.Sprint(rows)
		}
		if got, want := sorted(indexed.LookupRange(1, x)), sorted(scanned.LookupRange(1, x)); got != want {
			t.Fatalf("%s: index %s, scan %s", x, got, want)
		}
	}
}

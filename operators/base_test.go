package operators

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// TestBaseWithoutPrimaryKeyRestoresTrimmedTail: deleting the last rows of a table without a
// primary key trims the slice; undoing those deletes in reverse order (a failed statement)
// must put every row back where it was.
func TestBaseWithoutPrimaryKeyRestoresTrimmedTail(t *testing.T) {
	b := NewBase("t", 1, nil)
	var keys []string
	for i := 0; i < 4; i++ {
		row := dataflow.Row{dataflow.Int(int64(i))}
		k := b.KeyOf(row)
		b.Put(k, row)
		keys = append(keys, k)
	}
	old2, _ := b.Get(keys[2])
	old3, _ := b.Get(keys[3])
	b.Remove(keys[2])
	b.Remove(keys[3])
	if b.Len() != 2 {
		t.Fatalf("len after deletes = %d", b.Len())
	}
	b.Put(keys[3], old3)
	b.Put(keys[2], old2)
	if b.Len() != 4 {
		t.Fatalf("len after restore = %d", b.Len())
	}
	for i, k := range keys {
		r, ok := b.Get(k)
		if !ok || r[0].RawInt() != int64(i) {
			t.Fatalf("row %d = %v %v", i, r, ok)
		}
	}
	// A new row goes after the restored ones.
	row := dataflow.Row{dataflow.Int(9)}
	b.Put(b.KeyOf(row), row)
	if b.Len() != 5 || len(b.Snapshot(nil)) != 5 {
		t.Fatalf("len = %d", b.Len())
	}
}

func TestBaseCompact(t *testing.T) {
	b := NewBase("t", 1, nil)
	var keys []string
	for i := 0; i < 3000; i++ {
		row := dataflow.Row{dataflow.Int(int64(i))}
		k := b.KeyOf(row)
		b.Put(k, row)
		keys = append(keys, k)
	}
	for i := 0; i < 2500; i++ {
		b.Remove(keys[i])
	}
	b.Compact()
	if b.Len() != 500 || len(b.slots) != 500 {
		t.Fatalf("after compaction: len %d, slots %d", b.Len(), len(b.slots))
	}
	sum := int64(0)
	b.Scan(func(_ string, r dataflow.Row) bool { sum += r[0].RawInt(); return true })
	if want := int64(2500+2999) * 500 / 2; sum != want {
		t.Fatalf("sum after compaction = %d, want %d", sum, want)
	}
}

// TestBaseIndexMatchesScan: an index on non-key columns stays equal to a scan through
// inserts, updates, deletes, restores and compaction, with and without a primary key.
func TestBaseIndexMatchesScan(t *testing.T) {
	for _, pk := range [][]int{nil, {0}} {
		b := NewBase("t", 3, pk)
		b.EnsureIndex([]int{1, 2})
		rng := rand.New(rand.NewPCG(7, 8))
		var keys []string
		check := func() {
			for x := int64(0); x < 3; x++ {
				for y := int64(0); y < 3; y++ {
					key := dataflow.Row{dataflow.Int(x), dataflow.Int(y)}
					enc, _, _ := EncodeKey(nil, key)
					got, ok := b.indexed([]int{1, 2}, enc)
					if !ok {
						t.Fatal("index missing")
					}
					var want []dataflow.Row
					b.Scan(func(_ string, r dataflow.Row) bool {
						if r[1].RawInt() == x && r[2].RawInt() == y {
							want = append(want, r)
						}
						return true
					})
					if !slices.Equal(sortedTexts(got), sortedTexts(want)) {
						t.Fatalf("pk %v: index(%d,%d) = %v, scan %v", pk, x, y, got, want)
					}
				}
			}
		}
		for i := 0; i < 3000; i++ {
			switch op := rng.IntN(10); {
			case op < 5 || len(keys) == 0:
				row := dataflow.Row{dataflow.Int(int64(i)), dataflow.Int(rng.Int64N(3)), dataflow.Int(rng.Int64N(3))}
				k := b.KeyOf(row)
				b.Put(k, row)
				keys = append(keys, k)
			case op < 8:
				k := keys[rng.IntN(len(keys))]
				if old, ok := b.Get(k); ok {
					b.Put(k, dataflow.Row{old[0], dataflow.Int(rng.Int64N(3)), old[2]})
				}
			default:
				j := rng.IntN(len(keys))
				b.Remove(keys[j])
				keys = append(keys[:j], keys[j+1:]...)
			}
			if i%500 == 499 {
				check()
				if pk == nil {
					b.Compact()
					keys = keys[:0]
					b.Scan(func(k string, _ dataflow.Row) bool { keys = append(keys, k); return true })
					check()
				}
			}
		}
	}
}

// TestBaseLookupByIndexAllocatesOnlyItsRows: a lookup through an index (the votes of one
// article, as a fill of the vote view makes) allocates the slice it returns and nothing
// else: the key's encoding stays on the stack, and the slice is made at its size rather
// than grown row by row.
func TestBaseLookupByIndexAllocatesOnlyItsRows(t *testing.T) {
	b := NewBase("votes", 2, nil)
	b.EnsureIndex([]int{1})
	for i := range 30 {
		row := dataflow.Row{dataflow.Int(int64(i)), dataflow.Int(int64(i % 3))}
		b.Put(b.KeyOf(row), row)
	}
	key := dataflow.Row{dataflow.Int(1)}
	allocs := testing.AllocsPerRun(100, func() {
		if rows := b.LookupOutput([]int{1}, key); len(rows) != 10 {
			t.Fatalf("%d rows, want 10", len(rows))
		}
	})
	if allocs != 1 {
		t.Errorf("a lookup through the index allocated %v times, want 1", allocs)
	}
}

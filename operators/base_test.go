package operators

import (
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

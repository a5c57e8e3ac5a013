package operators

import (
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// TestAggregatePartialBySomeGroupColumns: an aggregate grouped by (user, article) and
// partial by the article fills every group of an article from one piece, keeps groups
// coming and going while the article is present, drops the rows of articles that are
// holes, and forgets every group of an article with its last hold.
func TestAggregatePartialBySomeGroupColumns(t *testing.T) {
	// Input rows: (user, article, weight); grouped by (user, article).
	a := NewAggregate([]int{0, 1}, []AggSpec{{Func: AggCountStar}, {Func: AggSum, Arg: 2, Type: SumType(dataflow.Type{Kind: dataflow.KindInt})}})
	if a.PartialKeyable([]int{2}) || a.PartialKeyable([]int{1, 1}) || !a.PartialKeyable([]int{1}) {
		t.Fatal("partial only by distinct group columns")
	}
	a.SetPartialBy([]int{1})
	if out := a.Process(0, ins(ir(7, 1, 5))); len(out) > 0 {
		t.Fatalf("a hole emitted %s", batchString(out))
	}
	out, done, redundant := a.ReplayPiece(1, 0, ir(1), ins(ir(7, 1, 5), ir(8, 1, 2), ir(7, 1, 1)), 1)
	if !done || redundant || batchString(out) != "(7,1,2,6) (8,1,1,2)" {
		t.Fatalf("fill: %s done %v redundant %v", batchString(out), done, redundant)
	}
	// A new group of a present article appears; rows of another article (a hole) do not.
	if got := batchString(a.Process(0, ins(ir(9, 1, 4), ir(9, 2, 4)))); got != "(9,1,1,4)" {
		t.Fatalf("new group: %s", got)
	}
	// A group that empties goes; the article stays present.
	if got := batchString(a.Process(0, dataflow.Batch{{Row: ir(8, 1, 2), Neg: true}})); got != "-(8,1,1,2)" {
		t.Fatalf("emptied group: %s", got)
	}
	out, _, redundant = a.ReplayPiece(2, 0, ir(1), nil, 1)
	if !redundant || batchString(out) != "(7,1,2,6) (9,1,1,4)" {
		t.Fatalf("second fill: %s redundant %v", batchString(out), redundant)
	}
	var keys []string
	a.PresentKeys(func(k string) { keys = append(keys, k) })
	if enc := dataflow.EncodeKey(ir(1)); len(keys) != 1 || keys[0] != enc {
		t.Fatalf("present keys %q, want the article's alone", keys)
	}
	if !a.KeyPresent(a.OutputKey(nil, ir(9, 1, 1, 4))) || a.KeyPresent(a.InputKey(nil, 0, ir(9, 2, 4))) {
		t.Fatal("KeyPresence: article 1 present, article 2 a hole")
	}
	enc := dataflow.EncodeKey(ir(1))
	if a.Release(enc) || !a.Release(enc) {
		t.Fatal("two holds, two releases: only the second evicts")
	}
	if a.StateBytes() != 0 || a.groups.len() != 0 {
		t.Fatalf("%d bytes and %d groups left after the article went", a.StateBytes(), a.groups.len())
	}
	if out := a.Process(0, ins(ir(7, 1, 5))); len(out) > 0 {
		t.Fatalf("an evicted article emitted %s", batchString(out))
	}
	// An article with no rows is present and empty, and its first row makes a group.
	out, _, _ = a.ReplayPiece(3, 0, ir(3), nil, 1)
	if len(out) != 0 {
		t.Fatalf("empty article answered %s", batchString(out))
	}
	if got := batchString(a.Process(0, ins(ir(7, 3, 1)))); got != "(7,3,1,1)" {
		t.Fatalf("first row of a known-empty article: %s", got)
	}
}

// TestAggregatePartialByKeepsGroupListsConsistent: groups that empty in any order leave
// the article's list of groups exact, so a later eviction frees every group and nothing
// else.
func TestAggregatePartialByKeepsGroupListsConsistent(t *testing.T) {
	a := NewAggregate([]int{0, 1}, []AggSpec{{Func: AggCountStar}})
	a.SetPartialBy([]int{1})
	for art := int64(1); art <= 2; art++ {
		var piece dataflow.Batch
		for u := int64(1); u <= 5; u++ {
			piece = append(piece, dataflow.Record{Row: ir(u, art)})
		}
		a.ReplayPiece(uint64(art), 0, ir(art), piece, 1)
	}
	for _, u := range []int64{3, 1, 5} {
		a.Process(0, dataflow.Batch{{Row: ir(u, 1), Neg: true}})
	}
	a.Process(0, ins(ir(6, 1)))
	out, _, _ := a.ReplayPiece(9, 0, ir(1), nil, 1)
	if got := batchString(out); got != "(2,1,1) (4,1,1) (6,1,1)" {
		t.Fatalf("article 1's groups: %s", got)
	}
	enc := dataflow.EncodeKey(ir(1))
	a.Release(enc)
	a.Release(enc)
	if n := a.groups.len(); n != 5 {
		t.Fatalf("%d groups left, want article 2's five", n)
	}
	out, _, _ = a.ReplayPiece(10, 0, ir(2), nil, 1)
	if len(out) != 5 {
		t.Fatalf("article 2 answers %s", batchString(out))
	}
}

// TestDistinctPartialByKey: a DISTINCT partial by one of its columns fills a key's rows from
// a piece, keeps its multiplicities, drops holes' rows and forgets the key's rows with its
// last hold.
func TestDistinctPartialByKey(t *testing.T) {
	d := NewDistinct()
	if d.Partial() || d.PartialKeyable(nil) {
		t.Fatal("a DISTINCT is full until SetPartialBy, and partial by some column")
	}
	d.SetPartialBy([]int{1})
	if out := d.Process(0, ins(ir(7, 1))); len(out) > 0 {
		t.Fatalf("a hole emitted %s", batchString(out))
	}
	out, done, redundant := d.ReplayPiece(1, 0, ir(1), ins(ir(7, 1), ir(7, 1), ir(8, 1)), 1)
	if !done || redundant || batchString(out) != "(7,1) (8,1)" {
		t.Fatalf("fill: %s", batchString(out))
	}
	// One copy of (7,1) goes: the row stays. The other goes: the row is retracted.
	if out := d.Process(0, dataflow.Batch{{Row: ir(7, 1), Neg: true}}); len(out) > 0 {
		t.Fatalf("a duplicate's retraction emitted %s", batchString(out))
	}
	if got := batchString(d.Process(0, dataflow.Batch{{Row: ir(7, 1), Neg: true}, {Row: ir(9, 1)}, {Row: ir(9, 2)}})); got != "(9,1) -(7,1)" {
		t.Fatalf("last copy and a new row: %s", got)
	}
	if !d.KeyPresent(d.OutputKey(nil, ir(9, 1))) || d.KeyPresent(d.InputKey(nil, 0, ir(9, 2))) {
		t.Fatal("KeyPresence: key 1 present, key 2 a hole")
	}
	enc := dataflow.EncodeKey(ir(1))
	if !d.Release(enc) {
		t.Fatal("the only hold's release evicts")
	}
	if d.StateBytes() != 0 || d.keys.len() != 0 {
		t.Fatalf("%d bytes and %d rows left after the key went", d.StateBytes(), d.keys.len())
	}
}

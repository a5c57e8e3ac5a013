package operators

import (
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

func ir(vals ...int64) dataflow.Row {
	r := make(dataflow.Row, len(vals))
	for i, v := range vals {
		r[i] = dataflow.Int(v)
	}
	return r
}

func ins(rows ...dataflow.Row) dataflow.Batch {
	b := make(dataflow.Batch, len(rows))
	for i, r := range rows {
		b[i] = dataflow.Record{Row: r}
	}
	return b
}

func batchString(b dataflow.Batch) string {
	var parts []string
	for _, rec := range b {
		s := formatRowForTest(rec.Row)
		if rec.Neg {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// formatRowForTest renders integer rows as (a,b,...).
func formatRowForTest(r dataflow.Row) string {
	parts := make([]string, len(r))
	for i, v := range r {
		if v.IsNull() {
			parts[i] = "NULL"
		} else {
			parts[i] = v.String()
		}
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// TestRegressionJoinOtherSideHole: a replay piece reaches one side of a partial join while
// the other side is still a hole. Deltas then arriving on the present side must be kept
// (they follow its piece) and deltas on the hole's side dropped (its piece includes them);
// nothing may be emitted for the key until the second piece completes the request, and
// the answer is then the join of both sides as they are.
func TestRegressionJoinOtherSideHole(t *testing.T) {
	j := NewJoin(JoinInner, []int{0}, []int{0}, 2, 2)
	j.SetPartial()
	key := ir(1)
	if out, done, _ := j.ReplayPiece(7, 0, key, ins(ir(1, 10)), 2); done || len(out) > 0 {
		t.Fatalf("answered with one piece of two: %v", out)
	}
	if out := j.Process(0, ins(ir(1, 11))); len(out) > 0 {
		t.Fatalf("emitted %s for a key whose right side is a hole", batchString(out))
	}
	if out := j.Process(1, ins(ir(1, 99))); len(out) > 0 {
		t.Fatalf("emitted %s from the hole's side", batchString(out))
	}
	out, done, redundant := j.ReplayPiece(7, 1, key, ins(ir(1, 20), ir(1, 99)), 2)
	if !done || redundant {
		t.Fatalf("second piece: done %v redundant %v", done, redundant)
	}
	if got, want := batchString(out), "(1,10,1,20) (1,10,1,99) (1,11,1,20) (1,11,1,99)"; got != want {
		t.Fatalf("answer %s, want %s", got, want)
	}
	// Now present on both sides: deltas flow as in a full join.
	if got := batchString(j.Process(1, ins(ir(1, 30)))); got != "(1,10,1,30) (1,11,1,30)" {
		t.Fatalf("delta after the fill: %s", got)
	}
	// Keys nobody filled stay holes.
	if out := j.Process(0, ins(ir(2, 1))); len(out) > 0 {
		t.Fatalf("emitted %s for a hole", batchString(out))
	}
}

// TestRegressionEvictDuringReplay: a release that takes a join key's last hold while a
// replay for the key is half-way through must not evict it (the replay would then complete
// against a hole); the key goes when the last hold goes after the replay completed.
func TestRegressionEvictDuringReplay(t *testing.T) {
	j := NewJoin(JoinLeft, []int{0}, []int{0}, 2, 2)
	j.SetPartial()
	key := ir(1)
	enc := string(dataflow.AppendKeys(nil, key))
	if _, done, _ := j.ReplayPiece(1, 0, key, ins(ir(1, 10)), 2); done {
		t.Fatal("done early")
	}
	if _, done, _ := j.ReplayPiece(1, 1, key, ins(ir(1, 20)), 2); !done {
		t.Fatal("not done")
	}
	// A second reader fills the same key; its first piece arrives, then the first reader
	// evicts the key and releases its hold.
	if _, done, redundant := j.ReplayPiece(2, 0, key, ins(ir(1, 10)), 2); done || !redundant {
		t.Fatalf("second request's first piece: done %v redundant %v", done, redundant)
	}
	if j.Release(enc) {
		t.Fatal("evicted a key a replay is waiting on")
	}
	out, done, _ := j.ReplayPiece(2, 1, key, ins(ir(1, 20)), 2)
	if !done || batchString(out) != "(1,10,1,20)" {
		t.Fatalf("second request: done %v, %s", done, batchString(out))
	}
	if !j.Release(enc) {
		t.Fatal("the last hold's release did not evict the key")
	}
	if j.StateBytes() != 0 {
		t.Fatalf("%d bytes accounted after every key went", j.StateBytes())
	}
	if out := j.Process(0, ins(ir(1, 12))); len(out) > 0 {
		t.Fatalf("an evicted key still emits: %s", batchString(out))
	}
}

// TestAggregatePartialHolds: a partial aggregate fills a group from a piece, drops deltas
// for holes, answers a second piece from its own state, and gives the group up with the
// last hold.
func TestAggregatePartialHolds(t *testing.T) {
	a := NewAggregate([]int{0}, []AggSpec{{Func: AggCountStar}, {Func: AggMin, Arg: 1}})
	a.SetPartial()
	if out := a.Process(0, ins(ir(1, 5))); len(out) > 0 {
		t.Fatalf("a hole emitted %s", batchString(out))
	}
	key := ir(1)
	out, done, redundant := a.ReplayPiece(1, 0, key, ins(ir(1, 5), ir(1, 3)), 1)
	if !done || redundant || batchString(out) != "(1,2,3)" {
		t.Fatalf("fill: %s done %v redundant %v", batchString(out), done, redundant)
	}
	if got := batchString(a.Process(0, dataflow.Batch{{Row: ir(1, 3), Neg: true}})); got != "(1,1,5) -(1,2,3)" {
		t.Fatalf("losing the minimum: %s", got)
	}
	out, _, redundant = a.ReplayPiece(2, 0, key, ins(ir(1, 5)), 1)
	if !redundant || batchString(out) != "(1,1,5)" {
		t.Fatalf("second fill: %s redundant %v", batchString(out), redundant)
	}
	enc := string(dataflow.AppendKeys(nil, key))
	if a.Release(enc) || !a.Release(enc) {
		t.Fatal("two holds, two releases: only the second evicts")
	}
	if a.StateBytes() != 0 {
		t.Fatalf("%d bytes accounted after every group went", a.StateBytes())
	}
	// Empty groups are known: a piece with no rows makes the group present and empty.
	out, _, _ = a.ReplayPiece(3, 0, ir(2), nil, 1)
	if len(out) != 0 {
		t.Fatalf("empty group answered %s", batchString(out))
	}
	if got := batchString(a.Process(0, ins(ir(2, 8)))); got != "(2,1,8)" {
		t.Fatalf("first row of a known-empty group: %s", got)
	}
}

// TestUnionMergePieceCollectsDeltas: while a union waits for the second branch's piece, the
// deltas that follow the first branch's piece are part of the answer.
func TestUnionMergePieceCollectsDeltas(t *testing.T) {
	u := NewUnion(2)
	key := ir(1)
	if _, done := u.MergePiece(1, 0, []int{0}, key, ins(ir(1, 10)), 2); done {
		t.Fatal("done early")
	}
	u.Process(0, dataflow.Batch{{Row: ir(1, 11)}, {Row: ir(2, 5)}, {Row: ir(1, 10), Neg: true}})
	u.Process(1, ins(ir(1, 99))) // before branch 1's piece: included in it
	out, done := u.MergePiece(1, 1, []int{0}, key, ins(ir(1, 20), ir(1, 99)), 2)
	if !done {
		t.Fatal("not done")
	}
	if got, want := batchString(out), "(1,10) (1,11) (1,20) (1,99) -(1,10)"; got != want {
		t.Fatalf("merged %s, want %s", got, want)
	}
}

package dataflow

import (
	"slices"
	"testing"
)

// holeyReader is a minimal partial reader for ordering tests: rows per integer key, with
// absent keys as holes whose deltas are dropped.
type holeyReader struct{ keys map[int64][]int64 }

func (h *holeyReader) Process(_ int, in Batch) Batch {
	for _, rec := range in {
		k := rec.Row[0].RawInt()
		rows, ok := h.keys[k]
		if !ok {
			continue
		}
		if rec.Neg {
			i := slices.Index(rows, rec.Row[1].RawInt())
			rows = slices.Delete(rows, i, i+1)
		} else {
			rows = append(rows, rec.Row[1].RawInt())
		}
		h.keys[k] = rows
	}
	return nil
}
func (h *holeyReader) Snapshot(func(int) []Row) []Row { return nil }
func (h *holeyReader) Describe() string               { return "holey" }
func (h *holeyReader) Origins(c int) []ColumnOrigin   { return PassThrough(c) }

func (h *holeyReader) fill(key Row, rows Batch) {
	k := key[0].RawInt()
	if _, ok := h.keys[k]; ok {
		return
	}
	var vals []int64
	for _, r := range rows {
		vals = append(vals, r.Row[1].RawInt())
	}
	h.keys[k] = vals
}

// replayFixture: a base "table" (rows of (key, value)) in domain 0 and a partial reader in
// domain 1, with a replay path between them.
type replayFixture struct {
	rt     *Runtime
	base   *Node
	table  []Row
	reader *holeyReader
	path   *Replay
}

func newReplayFixture(t *testing.T) *replayFixture {
	g := NewGraph()
	f := &replayFixture{rt: NewRuntime(2), reader: &holeyReader{keys: map[int64][]int64{}}}
	f.base, _ = newNode(g, t, "base", 0)
	rn := &Node{Op: f.reader, Parents: []*Node{f.base}, Domain: 1, Signature: "reader"}
	if err := g.Add(rn); err != nil {
		t.Fatal(err)
	}
	f.path = &Replay{Leaves: []ReplayLeaf{{Source: f.base, Hops: []ReplayHop{{Node: rn, Pieces: 1}},
		Lookup: func(key Row) []Row {
			var out []Row
			for _, r := range f.table {
				if r[0].RawInt() == key[0].RawInt() {
					out = append(out, r)
				}
			}
			return out
		}}},
		Fill: func(key Row, rows Batch) bool { f.reader.fill(key, rows); return false }}
	return f
}

// write applies an insert to the table in domain 0, as the engine's writer does.
func (f *replayFixture) write(k, v int64) Message {
	return Message{kind: msgInput, input: func(emit func(*Node, Batch)) uint64 {
		row := Row{Int(k), Int(v)}
		f.table = append(f.table, row)
		emit(f.base, Batch{{Row: row}})
		return uint64(len(f.table))
	}}
}

func (f *replayFixture) upquery(k int64) Message {
	return Message{kind: msgUpquery, replay: f.path, key: Row{Int(k)}, req: uint64(k)}
}

// step handles messages in domain 0 as one step, then delivers and runs domain 1.
func (f *replayFixture) step(msgs ...Message) {
	f.rt.Domains[0].handleAll(msgs)
	out := f.rt.Domains[0].Flush()
	var in1 []Message
	for _, o := range out {
		in1 = append(in1, o.Msg)
	}
	f.rt.Domains[1].handleAll(in1)
	f.rt.Domains[1].Flush()
}

// TestRegressionWriteDuringUpquery: a write applied to the base table in the same step as,
// but before, an upquery for its key is included in the fill exactly once — its delta, still
// queued when the upquery runs, must reach the reader before the replay (and be dropped at
// the hole), not after it (and be applied twice).
func TestRegressionWriteDuringUpquery(t *testing.T) {
	f := newReplayFixture(t)
	f.step(f.write(1, 10))
	f.step(f.write(1, 11), f.upquery(1), f.write(1, 12))
	if got := f.reader.keys[1]; !slices.Equal(got, []int64{10, 11, 12}) {
		t.Fatalf("key 1 = %v, want [10 11 12]", got)
	}
	f.step(f.write(1, 13), f.write(2, 20))
	if got := f.reader.keys[1]; !slices.Equal(got, []int64{10, 11, 12, 13}) {
		t.Fatalf("key 1 after a later write = %v", got)
	}
	if _, ok := f.reader.keys[2]; ok {
		t.Fatal("a key nobody read was filled")
	}
}

// TestRegressionUpdateQueuedBehindReplay: the reader's domain drains an update, a replay
// piece and another update for the same edge in one step. The first is dropped at the hole
// (the fill includes it); the second must be applied after the fill, not merged with the
// first ahead of the replay and dropped with it.
func TestRegressionUpdateQueuedBehindReplay(t *testing.T) {
	f := newReplayFixture(t)
	f.step(f.write(1, 10))
	var in1 []Message
	for _, m := range []Message{f.write(1, 11), f.upquery(1), f.write(1, 12)} {
		f.rt.Domains[0].handleAll([]Message{m})
		for _, o := range f.rt.Domains[0].Flush() {
			in1 = append(in1, o.Msg)
		}
	}
	f.rt.Domains[1].handleAll(in1)
	if got := f.reader.keys[1]; !slices.Equal(got, []int64{10, 11, 12}) {
		t.Fatalf("key 1 = %v, want [10 11 12]", got)
	}
}

package dataflow

import (
	"context"
	"errors"
	"testing"
	"time"
)

// collect is a test operator that passes batches through and remembers what it saw.
type collect struct {
	name string
	seen []Batch
}

func (c *collect) Process(_ int, in Batch) Batch {
	c.seen = append(c.seen, append(Batch(nil), in...))
	return in
}
func (c *collect) Snapshot(func(int) []Row) []Row { return nil }
func (c *collect) Describe() string               { return c.name }
func (c *collect) Origins(col int) []ColumnOrigin { return PassThrough(col) }

func newNode(g *Graph, t *testing.T, sig string, dom int, parents ...*Node) (*Node, *collect) {
	t.Helper()
	op := &collect{name: sig}
	n := &Node{Op: op, Parents: parents, Domain: dom, Signature: sig}
	if err := g.Add(n); err != nil {
		t.Fatal(err)
	}
	return n, op
}

func deliver(rt *Runtime, out []Outgoing) {
	for _, o := range out {
		rt.Domains[o.To].Handle(o.Msg)
	}
}

// TestProgressWaitsForEveryUpstreamDomain drives three domains by hand: a delta that reaches
// domain 2 by way of domain 1 must arrive before domain 2 reports the write's progress, even
// though domain 0's progress marker reaches domain 2 first.
func TestProgressWaitsForEveryUpstreamDomain(t *testing.T) {
	g := NewGraph()
	rt := NewRuntime(3)
	base, _ := newNode(g, t, "base", 0)
	mid, _ := newNode(g, t, "mid", 1, base)
	leaf, leafOp := newNode(g, t, "leaf", 2, mid)
	_ = leaf

	d0, d1, d2 := rt.Domains[0], rt.Domains[1], rt.Domains[2]
	d0.Handle(Message{kind: msgInput, input: func(emit func(*Node, Batch)) uint64 {
		emit(base, Batch{{Row: Row{Int(1)}}})
		return 1
	}})
	out0 := d0.Flush()
	if d0.Progress() != 1 {
		t.Fatalf("base progress = %d, want 1", d0.Progress())
	}
	// Deliver only domain 0's marker to domain 2 first.
	var toD1 []Outgoing
	for _, o := range out0 {
		if o.To == 2 {
			rt.Domains[2].Handle(o.Msg)
		} else {
			toD1 = append(toD1, o)
		}
	}
	deliver(rt, d2.Flush())
	if d2.Progress() != 0 {
		t.Fatalf("domain 2 progress = %d before domain 1 forwarded the delta", d2.Progress())
	}
	deliver(rt, toD1)
	deliver(rt, d1.Flush())
	if d1.Progress() != 1 {
		t.Fatalf("domain 1 progress = %d, want 1", d1.Progress())
	}
	d2.Flush()
	if d2.Progress() != 1 {
		t.Fatalf("domain 2 progress = %d, want 1", d2.Progress())
	}
	if len(leafOp.seen) != 1 || len(leafOp.seen[0]) != 1 {
		t.Fatalf("leaf saw %v, want one batch of one delta", leafOp.seen)
	}
}

// TestDrainMergesBatches checks that deltas for one edge produced by several messages in one
// step travel as one batch, in order.
func TestDrainMergesBatches(t *testing.T) {
	g := NewGraph()
	rt := NewRuntime(2)
	base, _ := newNode(g, t, "base", 0)
	_, leafOp := newNode(g, t, "leaf", 1, base)
	d0 := rt.Domains[0]
	for i := 1; i <= 3; i++ {
		d0.Handle(Message{kind: msgInput, input: func(emit func(*Node, Batch)) uint64 {
			emit(base, Batch{{Row: Row{Int(int64(i))}}})
			return uint64(i)
		}})
	}
	deliver(rt, d0.Flush())
	rt.Domains[1].Flush()
	if len(leafOp.seen) != 1 {
		t.Fatalf("leaf got %d batches, want 1", len(leafOp.seen))
	}
	if got := leafOp.seen[0].String(); got != "+[1] +[2] +[3]" {
		t.Fatalf("leaf batch = %s", got)
	}
	if rt.Domains[1].Progress() != 3 {
		t.Fatalf("progress = %d, want 3", rt.Domains[1].Progress())
	}
}

func TestRuntimeWaitProgress(t *testing.T) {
	g := NewGraph()
	rt := NewRuntime(2)
	base, _ := newNode(g, t, "base", 0)
	newNode(g, t, "leaf", 1, base)
	rt.Start()
	defer rt.Stop()
	for i := 1; i <= 100; i++ {
		if err := rt.Input(func(emit func(*Node, Batch)) uint64 {
			emit(base, Batch{{Row: Row{Int(int64(i))}}})
			return uint64(i)
		}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rt.Domains[1].WaitProgress(ctx, 100, time.Time{}); err != nil {
		t.Fatal(err)
	}
	err := rt.Domains[1].WaitProgress(ctx, 101, time.Now().Add(time.Millisecond))
	if err == nil {
		t.Fatal("waiting for a token nobody wrote succeeded")
	}
}

// TestHandleAllMergesPerEdgeInOrder: queued updates for one edge are processed as one
// batch in arrival order, and edges interleaved in the mailbox keep their own order.
func TestHandleAllMergesPerEdgeInOrder(t *testing.T) {
	g := NewGraph()
	rt := NewRuntime(2)
	a, _ := newNode(g, t, "a", 0)
	b, _ := newNode(g, t, "b", 0)
	_, aOp := newNode(g, t, "a'", 1, a)
	_, bOp := newNode(g, t, "b'", 1, b)
	an, bn := a.Children[0].Child, b.Children[0].Child
	up := func(n *Node, v int64) Message {
		return Message{kind: msgUpdate, node: n, batch: Batch{{Row: Row{Int(v)}}}}
	}
	shared := Batch{{Row: Row{Int(9)}}}
	msgs := []Message{up(an, 1), up(bn, 10), {kind: msgUpdate, node: an, batch: shared}, up(bn, 11), up(an, 3)}
	rt.Domains[1].handleAll(msgs)
	if len(aOp.seen) != 1 || aOp.seen[0].String() != "+[1] +[9] +[3]" {
		t.Fatalf("edge a got %v", aOp.seen)
	}
	if len(bOp.seen) != 1 || bOp.seen[0].String() != "+[10] +[11]" {
		t.Fatalf("edge b got %v", bOp.seen)
	}
	if shared.String() != "+[9]" || cap(shared) != 1 {
		t.Fatal("merging wrote into a batch another message shared")
	}
}

type panicky struct{}

func (panicky) Process(int, Batch) Batch       { panic("operator bug") }
func (panicky) Snapshot(func(int) []Row) []Row { return nil }
func (panicky) Describe() string               { return "panicky" }
func (panicky) Origins(int) []ColumnOrigin     { return nil }

// TestFailedDomainReportsInsteadOfHanging: an operator that panics stops its domain, and
// whoever waits on it gets ErrDomainFailed instead of waiting forever.
func TestFailedDomainReportsInsteadOfHanging(t *testing.T) {
	g := NewGraph()
	rt := NewRuntime(2)
	base, _ := newNode(g, t, "base", 0)
	n := &Node{Op: panicky{}, Parents: []*Node{base}, Domain: 1, Signature: "p"}
	if err := g.Add(n); err != nil {
		t.Fatal(err)
	}
	rt.Start()
	defer rt.Stop()
	if err := rt.Input(func(emit func(*Node, Batch)) uint64 {
		emit(base, Batch{{Row: Row{Int(1)}}})
		return 1
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := rt.Domains[1].WaitProgress(ctx, 1, time.Time{})
	if !errors.Is(err, ErrDomainFailed) {
		t.Fatalf("wait on a failed domain: %v", err)
	}
	if err := rt.Domains[1].Call(ctx, func() {}); !errors.Is(err, ErrDomainFailed) {
		t.Fatalf("call on a failed domain: %v", err)
	}
}

// TestFlushReusesItsList: a domain's flush hands its peers their messages in a list it keeps
// from one flush to the next. Made afresh, the list was a tenth of what the vote query's
// fills allocated: every step that sends anything allocated it, and grew it by appends.
func TestFlushReusesItsList(t *testing.T) {
	rt := NewRuntime(2)
	d := rt.Domains[0]
	node := &Node{}
	batch := Batch{{Row: Row{Int(1)}}}
	queue := func() {
		for range 4 {
			d.outbox[1] = append(d.outbox[1], pendingBatch{node: node, batch: batch})
		}
	}
	queue()
	clear(d.Flush()) // the first flush makes the list
	if allocs := testing.AllocsPerRun(100, func() {
		queue()
		out := d.Flush()
		if len(out) != 4 {
			t.Fatalf("flushed %d messages, want 4", len(out))
		}
		clear(out)
	}); allocs != 0 {
		t.Errorf("a flush of four messages allocated %v times", allocs)
	}
}

// TestEncodeKeyAllocatesOnlyItsString: EncodeKey runs on every fill and every release of a
// key; it builds the encoding on the stack and allocates the string alone.
func TestEncodeKeyAllocatesOnlyItsString(t *testing.T) {
	for _, key := range []Row{{Int(42)}, {Int(7), String("a title")}} {
		want := string(AppendKeys(nil, key))
		allocs := testing.AllocsPerRun(100, func() {
			if got := EncodeKey(key); got != want {
				t.Fatalf("EncodeKey(%v) = %q, want %q", key, got, want)
			}
		})
		if allocs != 1 {
			t.Errorf("EncodeKey(%v) allocated %v times, want 1", key, allocs)
		}
	}
}

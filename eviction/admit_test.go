package eviction

import (
	"context"
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// TestAdmitEvictsBeforeAFill is the regression test for fills outrunning eviction: with
// rounds starved of CPU, a sweep of misses grew the vote view's heap to 1.41 times its
// limit. A fill arriving while partial state is over the limit by more than the slack
// must first bring it back under the limit itself; within the slack, or with no limit, it
// must evict nothing.
func TestAdmitEvictsBeforeAFill(t *testing.T) {
	ctx := context.Background()
	rt := dataflow.NewRuntime(1) // its domain runs the evictions; no round loop is started
	rt.Start()
	defer rt.Stop()
	reader := operators.NewReader([]int{0}, nil)
	reader.SetPartial()
	const keys = 1000
	for id := 1; id <= keys; id++ {
		key := dataflow.Row{dataflow.Int(int64(id))}
		reader.Fill(key, dataflow.Batch{{Row: dataflow.Row{dataflow.Int(int64(id)), dataflow.Int(int64(id))}}})
	}
	node := &dataflow.Node{Op: reader}
	held := reader.Bytes()

	for _, limit := range []int64{0, 2 * held, held} { // no limit; under it; at it, within the slack
		ev := New(rt, limit, time.Second, nil)
		ev.Track(node)
		if err := ev.Admit(ctx); err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		ev.Untrack(node)
		if reader.Keys() != keys {
			t.Fatalf("limit %d: a fill within the limit evicted %d keys", limit, keys-reader.Keys())
		}
	}

	limit := held / 2
	ev := New(rt, limit, time.Second, nil)
	ev.Track(node)
	if err := ev.Admit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ev.InUse(); got > limit || reader.Keys() == keys || reader.Keys() == 0 {
		t.Fatalf("after a fill at twice the limit: %d bytes in use (limit %d), %d of %d keys held",
			got, limit, reader.Keys(), keys)
	}
}

// TestAdmitDoesNotWaitForACacheDrop is the regression test for two faults. A deadlock the
// invariants build found: a read of a quiesced engine (which holds the engine's writes
// stopped) called Admit while a round, holding the round lock, waited to stop the engine's
// writes to drop an ad-hoc cache; a fill must never wait for a round's cache drop. And
// fills outrunning rounds: Admit then skipped its eviction while any round ran, so readers
// filled freely for as long as rounds took, and with the CPUs busy the vote view's live
// heap reached 1.31 times its limit. Beside a round under way, Admit evicts keys itself.
func TestAdmitDoesNotWaitForACacheDrop(t *testing.T) {
	rt := dataflow.NewRuntime(1)
	rt.Start()
	defer rt.Stop()
	reader := operators.NewReader([]int{0}, nil)
	reader.SetPartial()
	for id := 1; id <= 100; id++ {
		key := dataflow.Row{dataflow.Int(int64(id))}
		reader.Fill(key, dataflow.Batch{{Row: dataflow.Row{dataflow.Int(int64(id))}}})
	}
	limit := reader.Bytes() / 4
	ev := New(rt, limit, time.Second, nil)
	ev.Track(&dataflow.Node{Op: reader})
	ev.roundMu.Lock() // a round under way, stuck dropping a cache
	defer ev.roundMu.Unlock()
	done := make(chan error, 1)
	go func() { done <- ev.Admit(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Admit waited for the round under way")
	}
	if got := ev.InUse(); got > limit {
		t.Fatalf("Admit left %d bytes in use beside a round's cache drop (limit %d)", got, limit)
	}
}

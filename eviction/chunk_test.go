package eviction

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// TestRoundLetsQueuedWorkThroughBetweenChunks is the regression test for reads that timed
// out waiting for a fill under a memory limit of a quarter or half of the vote view's
// state of a million keys: a round evicted all its victims (tens of thousands of keys at
// those limits) in one call on the reader's domain, and every fill queued behind it waited
// for all of them, seconds on a loaded machine. A round evicts in chunks, one call each,
// so a message queued behind its first call (here a marker; in the engine a replay piece
// on its way to fill a key) is handled after one chunk, while the round goes on.
func TestRoundLetsQueuedWorkThroughBetweenChunks(t *testing.T) {
	rt := dataflow.NewRuntime(1) // never started: the test plays the domain
	reader := operators.NewReader([]int{0}, nil)
	reader.SetPartial()
	const keys, chunk = 400, 16
	for id := 1; id <= keys; id++ {
		key := dataflow.Row{dataflow.Int(int64(id))}
		reader.Fill(key, dataflow.Batch{{Row: dataflow.Row{dataflow.Int(int64(id)), dataflow.Int(int64(id))}}})
	}
	ev := New(rt, reader.Bytes()/4, time.Minute, nil)
	ev.chunk = chunk
	ev.Track(&dataflow.Node{Op: reader})

	done := make(chan error, 1)
	go func() {
		_, err := ev.Round(context.Background())
		done <- err
	}()
	d := rt.Domains[0]
	deadline := time.Now().Add(time.Minute)
	next := func() (dataflow.Message, bool) {
		for time.Now().Before(deadline) {
			if m, ok := d.Next(); ok {
				return m, true
			}
			select {
			case err := <-done:
				done <- err
				return dataflow.Message{}, false
			default:
			}
			runtime.Gosched()
		}
		t.Fatal("the round neither finished nor sent a call within a minute")
		return dataflow.Message{}, false
	}

	first, ok := next()
	if !ok {
		t.Fatal("the round evicted nothing")
	}
	evictedByMarker := -1
	d.Post(func() { evictedByMarker = keys - reader.Keys() }) // queued behind the first call
	d.Step(first)
	calls := 1
	for {
		m, ok := next()
		if !ok {
			break
		}
		before := reader.Keys()
		d.Step(m)
		n := before - reader.Keys()
		if n > chunk {
			t.Fatalf("one call evicted %d keys, want at most %d", n, chunk)
		}
		if n > 0 {
			calls++
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	evicted := keys - reader.Keys()
	if evicted <= chunk {
		t.Fatalf("the round evicted %d keys; the test needs more than a chunk (%d)", evicted, chunk)
	}
	if evictedByMarker < 0 || evictedByMarker > chunk {
		t.Fatalf("work queued behind the round's first call ran after %d of its %d evictions, want at most a chunk (%d)",
			evictedByMarker, evicted, chunk)
	}
	t.Logf("%d keys evicted in %d calls; the queued marker ran after %d", evicted, calls, evictedByMarker)
}

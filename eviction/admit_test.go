package eviction

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// TestAdmitHoldsFillsBackUntilARoundEnds is the regression test for fills outrunning
// eviction: with rounds starved of CPU, a sweep of misses grew the vote view's heap to
// 1.41 times its limit. Over the limit by more than the slack, a fill must wait for a
// round to end; within it, or with no limit, it must not wait at all.
func TestAdmitHoldsFillsBackUntilARoundEnds(t *testing.T) {
	ctx := context.Background()
	rt := dataflow.NewRuntime(1) // never started: no round runs unless the test ends one
	reader := operators.NewReader([]int{0}, nil)
	reader.SetPartial()
	for id := 1; id <= 1000; id++ {
		key := dataflow.Row{dataflow.Int(int64(id))}
		reader.Fill(key, dataflow.Batch{{Row: dataflow.Row{dataflow.Int(int64(id)), dataflow.Int(int64(id))}}})
	}
	held := reader.Bytes()
	never := make(chan time.Time)

	for _, limit := range []int64{0, held + held/8} { // no limit; over it, but within the slack
		ev := New(rt, limit, time.Second, nil)
		ev.Track(&dataflow.Node{Op: reader})
		if err := ev.Admit(ctx, never); err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
	}

	ev := New(rt, held/2, time.Second, nil)
	ev.Track(&dataflow.Node{Op: reader})
	admitted := make(chan error, 1)
	go func() { admitted <- ev.Admit(ctx, never) }()
	select {
	case <-ev.nudge: // the held-back fill asked for a round
	case err := <-admitted:
		t.Fatalf("a fill at twice the limit was admitted at once (%v)", err)
	}
	select {
	case err := <-admitted:
		t.Fatalf("admitted before any round ended (%v)", err)
	default:
	}
	ev.endRound()
	if err := <-admitted; err != nil {
		t.Fatal(err)
	}

	timeout := make(chan time.Time, 1)
	timeout <- time.Time{}
	if err := ev.Admit(ctx, timeout); !errors.Is(err, dataflow.ErrReadTimeout) {
		t.Fatalf("a read out of time: %v, want a read timeout", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := ev.Admit(cancelled, never); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled read: %v", err)
	}
}

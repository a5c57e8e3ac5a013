package eviction

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// fakeCaches is a set of ad-hoc caches of fixed sizes, and named graph memory.
type fakeCaches struct {
	named   int64
	caches  []AdHoc
	dropped []string
}

func (f *fakeCaches) GraphBytes() int64 { return f.named + f.AdHocBytes() }

func (f *fakeCaches) AdHocBytes() int64 {
	var total int64
	for _, c := range f.caches {
		total += c.GraphBytes
	}
	return total
}

func (f *fakeCaches) AdHoc() []AdHoc { return slices.Clone(f.caches) }

func (f *fakeCaches) Drop(_ context.Context, victims []AdHoc) (int, error) {
	for _, v := range victims {
		f.dropped = append(f.dropped, v.Cache.(string))
		f.caches = slices.DeleteFunc(f.caches, func(c AdHoc) bool { return c.Cache == v.Cache })
	}
	return len(victims), nil
}

// TestRoundDropsLeastRecentlyReadAdHocCaches: past their share of the limit, ad-hoc caches
// are dropped in the order they were last read (ties in creation order) down to the share
// less the headroom, even under the limit; below it, and with no partial state to evict,
// only what the limit needs goes.
func TestRoundDropsLeastRecentlyReadAdHocCaches(t *testing.T) {
	ctx := context.Background()
	const limit = 100_000
	rt := dataflow.NewRuntime(1) // never started: no partial state
	ev := New(rt, limit, time.Second, nil)
	f := &fakeCaches{named: 10_000}
	// Sixty caches of a thousand bytes: 60% of the limit, above the 50% share. Cache i
	// was last read at tick 100-i, so the newest caches are the least recently read;
	// caches 50 to 59 share a tick and go in creation order.
	for i := range 60 {
		used := int64(100 - i)
		if i >= 50 {
			used = 1
		}
		f.caches = append(f.caches, AdHoc{Cache: string(rune('A' + i)), GraphBytes: 1000, Bytes: 1000, Used: used, Seq: uint64(i)})
	}
	ev.SetCaches(f)
	sketch := ev.sketchBytes.Load() // counted too
	// 70k in use, under the limit, but ad-hoc caches are past their share: down to 45
	// caches (45% of the limit), 15 dropped.
	if _, err := ev.Round(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{}
	for i := 50; i < 60; i++ {
		want = append(want, string(rune('A'+i)))
	}
	for i := 49; i >= 45; i-- {
		want = append(want, string(rune('A'+i)))
	}
	if !slices.Equal(f.dropped, want) {
		t.Fatalf("dropped %q, want %q", f.dropped, want)
	}
	if ev.Dropped() != 15 {
		t.Fatalf("Dropped() = %d", ev.Dropped())
	}
	// Below the share, with no partial state to evict: the excess alone is dropped.
	f.dropped = nil
	f.named = 60_000 - sketch // 105k in use, 7k past 98% of the limit
	if _, err := ev.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.dropped) != 7 {
		t.Fatalf("dropped %d caches (%q) for a 7k excess", len(f.dropped), f.dropped)
	}
	if in := ev.InUse(); in > limit {
		t.Fatalf("in use %d after the round, limit %d", in, limit)
	}
}

// TestClockTicksEveryRound: each round moves the clock on, so reads on either side of a
// round are ordered.
func TestClockTicksEveryRound(t *testing.T) {
	ev := New(dataflow.NewRuntime(1), -1, time.Second, nil)
	before := ev.Now()
	if before == 0 {
		t.Fatal("the clock starts at zero: a read would look like no read")
	}
	for range 3 {
		if _, err := ev.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		if now := ev.Now(); now <= before {
			t.Fatalf("clock %d after a round, %d before", now, before)
		} else {
			before = now
		}
	}
}

// TestGoLimit: the Go runtime's soft limit is the limit, a sixteenth more for garbage and
// the live heap the limit does not count, and never less than a quarter above the live
// heap.
func TestGoLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct{ live, inUse, want int64 }{
		{100 * mib, 110 * mib, 272 * mib},       // the caches' estimate covers the heap
		{280 * mib, 200 * mib, 352 * mib},       // 80 MiB of tables the limit does not count
		{250 * mib, 250 * mib, 3125 * mib / 10}, // at the limit: room above the live heap
	} {
		if got := GoLimit(256*mib, tc.live, tc.inUse); got != tc.want {
			t.Errorf("GoLimit(256MiB, live %d MiB, in use %d MiB) = %.1f MiB, want %.1f", tc.live/mib, tc.inUse/mib, float64(got)/mib, float64(tc.want)/mib)
		}
	}
}

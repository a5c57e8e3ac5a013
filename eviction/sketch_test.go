package eviction

import (
	"math/rand/v2"
	"testing"
)

func TestSketchSaturatesAndHalves(t *testing.T) {
	s := NewSketch(10)
	if s.Width() != 64 {
		t.Fatalf("width %d, want the minimum of 64", s.Width())
	}
	for range 1000 {
		s.Increment(42)
	}
	if got := s.Count(42); got != maxCount {
		t.Fatalf("count %d, want saturation at %d", got, maxCount)
	}
	for range 5 {
		s.Increment(7)
	}
	s.Halve()
	if got := s.Count(42); got != maxCount/2 {
		t.Fatalf("count %d after halving, want %d", got, maxCount/2)
	}
	if got := s.Count(7); got != 2 {
		t.Fatalf("count %d after halving 5, want 2", got)
	}
}

func TestSketchUnknownKeysAreCold(t *testing.T) {
	s := NewSketch(1 << 12)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1 << 12 {
		s.Increment(rng.Uint64())
	}
	hot := 0
	for range 10_000 {
		if s.Count(rng.Uint64()) > 0 {
			hot++
		}
	}
	// A key never counted reads non-zero only if all four of its counters collide.
	if hot > 500 {
		t.Fatalf("%d of 10000 unknown keys have a count", hot)
	}
}

func TestSketchIncrementCounts(t *testing.T) {
	s := NewSketch(2000) // sized for the 2000 keys counted
	rng := rand.New(rand.NewPCG(3, 4))
	want := map[uint64]int64{}
	for range 20_000 {
		h := rng.Uint64N(2000) * 0x9E3779B97F4A7C15
		s.Increment(h)
		want[h]++
	}
	over := 0
	for h, n := range want {
		got := s.Count(h)
		if got < min(n, maxCount) {
			t.Fatalf("count %d below the %d increments", got, n)
		}
		if got > n {
			over++
		}
	}
	if over > len(want)/20 {
		t.Fatalf("%d of %d counts overstated", over, len(want))
	}
	for range 1000 {
		s.Increment(99)
	}
	if got := s.Count(99); got != maxCount {
		t.Fatalf("count %d, want saturation at %d", got, maxCount)
	}
}

func TestSketchGrowKeepsCounts(t *testing.T) {
	s := NewSketch(100)
	rng := rand.New(rand.NewPCG(5, 6))
	keys := make([]uint64, 300)
	for i := range keys {
		keys[i] = rng.Uint64()
		for range i % 40 {
			s.Increment(keys[i])
		}
	}
	g := s.Grow(5000)
	if g.Width() <= s.Width() {
		t.Fatalf("width %d after growing from %d", g.Width(), s.Width())
	}
	for _, k := range keys {
		if s.Count(k) != g.Count(k) {
			t.Fatalf("count %d became %d", s.Count(k), g.Count(k))
		}
	}
	if s.Grow(10) != s {
		t.Fatal("growing to a smaller size made a new sketch")
	}
}

func TestSnapshotIsACopy(t *testing.T) {
	s := NewSketch(100)
	for range 3 {
		s.Increment(1)
	}
	snap := s.Snapshot(nil)
	s.Increment(1)
	if got := snap.Count(1); got != 3 {
		t.Fatalf("snapshot count %d, want 3 (the copy must not follow the sketch)", got)
	}
	if again := s.Snapshot(snap); again != snap || again.Count(1) != 4 {
		t.Fatalf("a snapshot into a copy of the same size must reuse it and refresh the counts")
	}
	grown := s.Grow(10_000)
	if fresh := grown.Snapshot(snap); fresh == snap || fresh.Count(1) != 4 || fresh.Width() != grown.Width() {
		t.Fatalf("a snapshot of a grown sketch must be a new copy of its size")
	}
}

package weir

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/weirdb/weir/operators"
)

// TestChooseVictimsOneScanMatchesTwo checks that the victims a round takes from the
// candidates kept during its one scan are the ones a second scan would collect: every key
// scoring below the threshold, and keys at it covering the rest of the excess.
func TestChooseVictimsOneScanMatchesTwo(t *testing.T) {
	ctx := context.Background()
	e, err := Open(Options{MemoryLimit: 1 << 40}) // never binds: rounds are driven by hand
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)"); err != nil {
		t.Fatal(err)
	}
	v, err := e.Register(ctx, "by_id", "SELECT v FROM t WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	const keys = 2000
	for id := 1; id <= keys; id++ {
		if _, err := e.Exec(ctx, "INSERT INTO t VALUES (?, ?)", id, id); err != nil {
			t.Fatal(err)
		}
	}
	e.passMu.Lock()
	e.sizeSketch(keys) // as a round would once the keys are held
	e.passMu.Unlock()
	// Key id is read 1 + id%7 times: seven scores, with many keys tied at each.
	for id := 1; id <= keys; id++ {
		for range 1 + id%7 {
			if _, err := v.Lookup(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.passMu.Lock()
	defer e.passMu.Unlock()
	e.flushReads()
	e.evictMu.Lock() // the counting goroutine may still be adding a batch
	e.ranked = e.hist.Snapshot(e.ranked)
	e.evictMu.Unlock()
	readers := e.partialReaders()
	perKey := readers[0].reader.Bytes() / int64(readers[0].reader.Keys())
	sorted := func(vs []operators.Victim) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = fmt.Sprint(v.Int)
		}
		slices.Sort(out)
		return out
	}
	for _, excessKeys := range []int64{1, 40, 285, 286, 300, 600, 1000} {
		excess := excessKeys * perKey
		e.lastThreshold = -1 // bound 0: nothing scores 0, so a second scan is needed
		two, held := e.chooseVictims(readers, keys, excess)
		if held != keys {
			t.Fatalf("scan saw %d keys, want %d", held, keys)
		}
		threshold := e.lastThreshold
		e.lastThreshold = threshold - 1 // the threshold is within the bound: candidates serve
		one, _ := e.chooseVictims(readers, keys, excess)
		if got, want := sorted(one[0]), sorted(two[0]); !slices.Equal(got, want) {
			t.Fatalf("excess %d keys: one scan chose %d victims, two scans %d", excessKeys, len(got), len(want))
		}
		if n := int64(len(one[0])); n < excessKeys || n > excessKeys+1 {
			t.Fatalf("excess %d keys: %d victims", excessKeys, n)
		}
		for _, vic := range one[0] {
			if score := e.ranked.Count(readers[0].reader.HashInt(vic.Int)); score > int64(threshold) {
				t.Fatalf("excess %d keys: victim %d scores %d, above the threshold %d", excessKeys, vic.Int, score, threshold)
			}
		}
	}
}

package weir_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/dataflow"
)

// BenchmarkRangeRead reads `created > ? ORDER BY created LIMIT 20` over one million rows in
// process, with a random lower bound per read: the reader keeps the rows in a B-tree by
// created, so a read is a descent plus the 20 rows, whatever the table's size (and a check
// that its interval is filled).
func BenchmarkRangeRead(b *testing.B) {
	const rows = 1_000_000
	ctx := context.Background()
	// The warm-up read below fills a million rows at once: give it time.
	e, err := weir.Open(weir.Options{ReadTimeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if _, err := e.Exec(ctx, "CREATE TABLE ev (id INT PRIMARY KEY, created BIGINT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	v, err := e.Register(ctx, "recent", "SELECT id, created FROM ev WHERE created > ? ORDER BY created LIMIT 20")
	if err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	stmt := bench.InsertStatement("ev", 2, batch)
	args := make([]any, 0, 2*batch)
	var tok weir.Token
	for i := range rows {
		args = append(args, i, int64(i)*7%rows)
		if len(args) == 2*batch {
			res, err := e.Exec(ctx, stmt, args...)
			if err != nil {
				b.Fatal(err)
			}
			tok, args = res.Token, args[:0]
		}
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		b.Fatal(err)
	}
	bounds := make([]weir.Value, 1<<12)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range bounds {
		bounds[i] = dataflow.Int(rng.Int64N(rows - 100))
	}
	// The view keeps the intervals read: one read below every bound fills them all, so
	// the loop measures reads, not the fills a cold cache pays once.
	if _, err := v.LookupValues(ctx, 0, dataflow.Int(-1)); err != nil {
		b.Fatal(err)
	}
	runtime.GC() // the load's garbage is not the reads' cost
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		got, err := v.LookupValues(ctx, 0, bounds[i&(len(bounds)-1)])
		if err != nil || got.Len() != 20 {
			b.Fatalf("read: %v, %d rows", err, got.Len())
		}
	}
}

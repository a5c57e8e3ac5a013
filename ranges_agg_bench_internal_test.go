package weir

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdb/weir/operators"
)

// BenchmarkRangeOverAggregateState measures what a range over a GROUP BY column keeps: the
// state of the aggregate and the reader after a read of 10 days of the 20,000 that 200,000
// rows fall on, beside what they keep once every day was read (the whole result, as a full
// view keeps it). Each iteration registers the view over the same table, reads the 10 days
// and then every day.
//
//	go test -run '^$' -bench BenchmarkRangeOverAggregateState -benchtime 3x .
func BenchmarkRangeOverAggregateState(b *testing.B) {
	ctx := context.Background()
	e, err := Open(Options{MemoryLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Exec(ctx, "CREATE TABLE ev (id INT PRIMARY KEY, day INT, x INT)"); err != nil {
		b.Fatal(err)
	}
	var tok Token
	for i := 0; i < 200000; i += 1000 {
		var vals []string
		for j := i; j < i+1000; j++ {
			vals = append(vals, fmt.Sprintf("(%d,%d,%d)", j, j%20000, j))
		}
		r, err := e.Exec(ctx, "INSERT INTO ev VALUES "+strings.Join(vals, ","))
		if err != nil {
			b.Fatal(err)
		}
		tok = r.Token
	}
	var narrow, narrowReader, whole, wholeReader int64
	for i := 0; b.Loop(); i++ {
		v, err := e.Register(ctx, fmt.Sprintf("per_day_%d", i), "SELECT day, COUNT(*), SUM(x) FROM ev WHERE day BETWEEN ? AND ? GROUP BY day")
		if err != nil {
			b.Fatal(err)
		}
		agg := aggregateOf(b, v)
		if rows, err := v.LookupAfter(ctx, tok, 100, 109); err != nil || rows.Len() != 10 {
			b.Fatalf("10 days: %d rows, %v", rows.Len(), err)
		}
		if err := v.domain.Call(ctx, func() { narrow = agg.StateBytes() }); err != nil {
			b.Fatal(err)
		}
		narrowReader = v.Stats().Bytes
		if rows, err := v.LookupAfter(ctx, tok, -1, 1<<30); err != nil || rows.Len() != 20000 {
			b.Fatalf("every day: %d rows, %v", rows.Len(), err)
		}
		if err := v.domain.Call(ctx, func() { whole = agg.StateBytes() }); err != nil {
			b.Fatal(err)
		}
		wholeReader = v.Stats().Bytes
		if err := e.Unregister(ctx, v.Name()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(narrow), "agg-B-10-days")
	b.ReportMetric(float64(narrowReader), "reader-B-10-days")
	b.ReportMetric(float64(whole), "agg-B-every-day")
	b.ReportMetric(float64(wholeReader), "reader-B-every-day")
}

// aggregateOf finds the aggregate a view's reader reads through projections.
func aggregateOf(b *testing.B, v *View) *operators.Aggregate {
	for n := v.node; len(n.Parents) > 0; n = n.Parents[0] {
		if a, ok := n.Op.(*operators.Aggregate); ok {
			return a
		}
	}
	b.Fatal("no aggregate above the reader")
	return nil
}

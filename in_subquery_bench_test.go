package weir_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/bench"
)

// BenchmarkInSubqueryWrite measures write propagation through an IN (subquery): each op is
// one row inserted into the outer table (in batches of 500) and carried through the
// semi-join or anti-join to a full reader, with the subquery over 1000 labels. The cases
// compare a column with the same comparison on an expression (a computed hidden column),
// under OR (a LEFT JOIN and a filter) and NOT IN, side by side in one run.
func BenchmarkInSubqueryWrite(b *testing.B) {
	for _, c := range []struct{ name, cond string }{
		{"column", "name IN (SELECT label FROM tags)"},
		{"expression", "lower(name) IN (SELECT label FROM tags)"},
		{"under_or", "id < 0 OR lower(name) IN (SELECT label FROM tags)"},
		{"not_in_expression", "lower(name) NOT IN (SELECT label FROM tags)"},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			e, err := weir.Open(weir.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			for _, sql := range []string{
				"CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)",
				"CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(20) NOT NULL)",
			} {
				if _, err := e.Exec(ctx, sql); err != nil {
					b.Fatal(err)
				}
			}
			const labels, batch = 1000, 500
			args := make([]any, 0, 2*batch)
			for i := range labels {
				args = append(args, i, fmt.Sprintf("Name%d", 2*i))
				if len(args) == 2*batch {
					if _, err := e.Exec(ctx, bench.InsertStatement("tags", 2, batch), args...); err != nil {
						b.Fatal(err)
					}
					args = args[:0]
				}
			}
			v, err := e.Register(ctx, "q", "SELECT id FROM people WHERE "+c.cond)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			var tok weir.Token
			for i := range b.N {
				// Every other name matches a label, in another case.
				args = append(args, i, fmt.Sprintf("name%d", i%(2*labels)))
				if len(args) == 2*batch || i == b.N-1 {
					res, err := e.Exec(ctx, bench.InsertStatement("people", 2, len(args)/2), args...)
					if err != nil {
						b.Fatal(err)
					}
					tok, args = res.Token, args[:0]
				}
			}
			if _, err := v.LookupAfter(ctx, tok); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/row")
		})
	}
}

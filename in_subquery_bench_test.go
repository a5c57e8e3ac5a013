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
// under OR (a LEFT JOIN and a filter) and NOT IN, and IN read as a value in the select list
// (the LEFT JOIN on the match alone where neither side may be NULL; with NULL-able columns
// two more, on the subquery's NULLs and on whether it has rows, as NOT IN takes too), side
// by side in one run.
func BenchmarkInSubqueryWrite(b *testing.B) {
	for _, c := range []struct {
		name, query string
		nullable    bool // name and label may be NULL (none is)
	}{
		{"column", "SELECT id FROM people WHERE name IN (SELECT label FROM tags)", false},
		{"expression", "SELECT id FROM people WHERE lower(name) IN (SELECT label FROM tags)", false},
		{"under_or", "SELECT id FROM people WHERE id < 0 OR lower(name) IN (SELECT label FROM tags)", false},
		{"not_in_expression", "SELECT id FROM people WHERE lower(name) NOT IN (SELECT label FROM tags)", false},
		{"value", "SELECT id, lower(name) IN (SELECT label FROM tags) AS f FROM people", false},
		{"not_in_expression_nullable", "SELECT id FROM people WHERE lower(name) NOT IN (SELECT label FROM tags)", true},
		{"value_nullable", "SELECT id, lower(name) IN (SELECT label FROM tags) AS f FROM people", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			e, err := weir.Open(weir.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			null := "NOT NULL"
			if c.nullable {
				null = "NULL"
			}
			for _, sql := range []string{
				"CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20) " + null + ")",
				"CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(20) " + null + ")",
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
			v, err := e.Register(ctx, "q", c.query)
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

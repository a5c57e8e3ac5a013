package weir_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/dataflow"
)

// BenchmarkDistinctKeysRead reads aggregates over three keys of an IN list (`article IN
// (?, ?, ?)`, 20 votes per article, voters drawn from 500 users), every key filled: COUNT(*)
// combines the keys' groups; COUNT(DISTINCT …), GROUP_CONCAT(DISTINCT …) and JSON_ARRAYAGG
// are computed over the 60 rows the keys hold. Side by side in one run, so their ratio
// holds on a loaded machine.
func BenchmarkDistinctKeysRead(b *testing.B) {
	const articles, perArticle, users = 1000, 20, 500
	ctx := context.Background()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if _, err := e.Exec(ctx, "CREATE TABLE votes (id INT PRIMARY KEY, article INT NOT NULL, user_id INT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	stmt := bench.InsertStatement("votes", 3, batch)
	args := make([]any, 0, 3*batch)
	rng := rand.New(rand.NewPCG(1, 2))
	var tok weir.Token
	for i := range articles * perArticle {
		args = append(args, i, i%articles, rng.IntN(users))
		if len(args) == 3*batch {
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
	keys := make([][3]weir.Value, 1<<12)
	for i := range keys {
		for j := range keys[i] {
			keys[i][j] = dataflow.Int(int64(rng.IntN(articles)))
		}
	}
	for _, c := range []struct{ name, sql string }{
		{"count", "SELECT COUNT(*) FROM votes WHERE article IN (?, ?, ?)"},
		{"count_distinct", "SELECT COUNT(DISTINCT user_id) FROM votes WHERE article IN (?, ?, ?)"},
		{"group_concat_distinct", "SELECT GROUP_CONCAT(DISTINCT user_id ORDER BY user_id) FROM votes WHERE article IN (?, ?, ?)"},
		{"json_arrayagg", "SELECT JSON_ARRAYAGG(user_id ORDER BY user_id) FROM votes WHERE article IN (?, ?, ?)"},
	} {
		v, err := e.Register(ctx, c.name, c.sql)
		if err != nil {
			b.Fatal(err)
		}
		for a := range articles {
			if _, err := v.LookupValues(ctx, 0, dataflow.Int(int64(a)), dataflow.Int(int64(a)), dataflow.Int(int64(a))); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(c.name, func(b *testing.B) {
			runtime.GC()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				k := &keys[i&(len(keys)-1)]
				got, err := v.LookupValues(ctx, 0, k[0], k[1], k[2])
				if err != nil || got.Len() != 1 {
					b.Fatalf("read: %v, %d rows", err, got.Len())
				}
			}
		})
	}
}

package weir_test

import (
	"context"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/dataflow"
)

// TestStmtFollowsCatalogChanges: a prepared SELECT that has read through its shape's view
// reads the new table after the table is dropped and created again, not the view it used
// before.
func TestStmtFollowsCatalogChanges(t *testing.T) {
	ctx := context.Background()
	e, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))")
	exec("INSERT INTO t VALUES (1, 'before')")
	st, err := e.Prepare("SELECT s FROM t WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	read := func() string {
		t.Helper()
		rows, err := st.QueryValues(ctx, dataflow.Int(1))
		if err != nil {
			t.Fatal(err)
		}
		if rows.Len() != 1 {
			return "(none)"
		}
		return rows.Row(0)[0].ToText()
	}
	for range 2 {
		if got := read(); got != "before" {
			t.Fatalf("read %q, want before", got)
		}
	}
	exec("DROP TABLE t")
	exec("CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))")
	exec("INSERT INTO t VALUES (1, 'after')")
	if got := read(); got != "after" {
		t.Fatalf("after the table was created again: read %q, want after", got)
	}
}

// BenchmarkStmtQueryHit reads materialized keys through a prepared statement, as the MySQL
// server's COM_STMT_EXECUTE does: after its first run the statement goes straight to its
// shape's view.
func BenchmarkStmtQueryHit(b *testing.B) {
	const articles = 100_000
	e, _ := setupVotes(b, articles, 2)
	ctx := context.Background()
	st, err := e.Prepare(bench.VoteQuery)
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]weir.Value, 1<<16)
	gen := bench.NewKeyGen(articles, 1.08, 1)
	for i := range keys {
		keys[i] = dataflow.Int(int64(gen.Next()))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows, err := st.QueryValues(ctx, keys[i&(len(keys)-1)])
		if err != nil || rows.Len() != 1 {
			b.Fatalf("query: %v, %d rows", err, rows.Len())
		}
	}
}

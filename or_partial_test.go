package weir_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// orEngine has a table whose rows match `a = ?` and `b = ?` in overlapping ways: row 1
// matches a = 1 and b = 1, rows 2 and 3 are identical, row 4 has a NULL in each column read
// by the disjuncts.
func orEngine(t *testing.T, opts weir.Options) *weir.Engine {
	t.Helper()
	e := open(t, opts)
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, v VARCHAR(8))")
	mustExec(t, e, "CREATE TABLE d (a INT, b INT, v VARCHAR(8))")
	mustExec(t, e, "INSERT INTO t VALUES (1, 1, 1, 'x'), (2, 2, 1, 'y'), (3, 1, 3, 'z'), (4, NULL, 2, 'n'), (5, 3, NULL, 'm')")
	mustExec(t, e, "INSERT INTO d VALUES (1, 1, 'p'), (1, 1, 'p'), (2, 1, 'q')")
	return e
}

// TestOrViewIsPartial: a view with a parameter under OR keeps one partial reader per
// branch, holding only the keys read, each branch filled by its own upquery; a row that
// matches both branches is returned once and identical base rows stay two.
func TestOrViewIsPartial(t *testing.T) {
	ctx := context.Background()
	e := orEngine(t, weir.Options{MemoryLimit: -1})
	v := mustRegister(t, e, "either", "SELECT id, v FROM t WHERE a = ? OR b = ? ORDER BY id")
	dup := mustRegister(t, e, "dups", "SELECT a, b, v FROM d WHERE a = ? OR b = ? ORDER BY v")
	for _, view := range []*weir.View{v, dup} {
		st := view.Stats()
		if !st.Partial || st.FullReason != "" || st.Keys != 0 {
			t.Fatalf("%s before any read: %+v, want partial with no keys", view.Name(), st)
		}
	}
	check := func(view *weir.View, want string, args ...any) {
		t.Helper()
		rows, err := view.Lookup(ctx, args...)
		if err != nil {
			t.Fatalf("%s %v: %v", view.Name(), args, err)
		}
		if got := strings.Join(texts(rows), " "); got != want {
			t.Fatalf("%s %v: %q, want %q", view.Name(), args, got, want)
		}
	}
	check(v, "1|x 2|y 3|z", 1, 1)
	check(v, "2|y 4|n", 2, 2)
	check(v, "1|x 2|y", nil, 1)
	check(v, "", nil, nil)
	check(dup, "1|1|p 1|1|p 2|1|q", 1, 1)
	check(dup, "1|1|p 1|1|p", 1, 7)
	st := v.Stats()
	// Branch a: keys 1 and 2; branch b: keys 1 and 2 (NULL is never looked up).
	if !st.Partial || st.Keys != 4 || st.Upqueries != 4 {
		t.Fatalf("after reads: %+v, want 4 keys filled by 4 upqueries", st)
	}
	if err := v.Evict(ctx, 1, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return v.Stats().Keys == 2 })
	// The write lands while key 1 is a hole in both branches; the refill sees it.
	tok := mustExec(t, e, "UPDATE t SET b = 1 WHERE id = 5").Token
	rows, err := v.LookupAfter(ctx, tok, 1, 1)
	if err != nil || strings.Join(texts(rows), " ") != "1|x 2|y 3|z 5|m" {
		t.Fatalf("after eviction and a write: %v %v", texts(rows), err)
	}
	if st := v.Stats(); st.Upqueries != 6 || st.Evictions != 2 {
		t.Fatalf("after the refill: %+v, want 6 upqueries and 2 evictions", st)
	}
}

// TestOrViewExplainsBranches: EXPLAIN lists one reader per branch, each partial.
func TestOrViewExplainsBranches(t *testing.T) {
	e := orEngine(t, weir.Options{MemoryLimit: -1})
	steps, err := e.Explain(context.Background(), "SELECT id FROM t WHERE a = ? OR b = ?")
	if err != nil {
		t.Fatal(err)
	}
	text := weir.ExplainText(steps)
	if strings.Count(text, "reader[$3] [partial]") != 2 {
		t.Fatalf("EXPLAIN shows no partial reader per branch:\n%s", text)
	}
	for _, want := range []string{"branch 0 of OR: `a`=?", "branch 1 of OR: `b`=?"} {
		if !strings.Contains(text, want) {
			t.Fatalf("EXPLAIN lacks %q:\n%s", want, text)
		}
	}
}

// TestOrViewMemoryLimit: the memory limit holds for a view with a parameter under OR: its
// branches' keys are evicted like any partial reader's, and evicted keys read again give
// the same rows.
func TestOrViewMemoryLimit(t *testing.T) {
	ctx := context.Background()
	const n = 2000
	setup := func(limit int64) (*weir.Engine, *weir.View) {
		e := open(t, weir.Options{MemoryLimit: limit})
		mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, v VARCHAR(64))")
		v := mustRegister(t, e, "either", "SELECT id, v FROM t WHERE a = ? OR b = ?")
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", 100), ", ")
		var tok weir.Token
		for i := 0; i < n; i += 100 {
			args := make([]any, 0, 400)
			for j := i; j < i+100; j++ {
				args = append(args, j, j, n-j, strings.Repeat("v", 60))
			}
			tok = mustExec(t, e, "INSERT INTO t VALUES "+values, args...).Token
		}
		if err := e.WaitFor(ctx, tok); err != nil {
			t.Fatal(err)
		}
		return e, v
	}
	read := func(v *weir.View, k int) {
		t.Helper()
		rows, err := v.Lookup(ctx, k, n-k-1)
		if err != nil {
			t.Fatalf("key %d: %v", k, err)
		}
		want := []string{fmt.Sprintf("%d|%s", k, strings.Repeat("v", 60)), fmt.Sprintf("%d|%s", k+1, strings.Repeat("v", 60))}
		if k+1 >= n {
			want = want[:1]
		}
		got := texts(rows)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("key %d: %v, want %v", k, got, want)
		}
	}
	// One read's state and the graph's cost, measured without a limit.
	pe, probe := setup(-1)
	read(probe, 1)
	perRead := probe.Stats().Bytes
	graph := pe.Memory().Graph
	limit := 50*perRead + graph + 4<<10 // room for the read-count sketch too
	e, v := setup(limit)
	for k := range n {
		read(v, k)
	}
	if _, err := e.Evict(ctx); err != nil {
		t.Fatal(err)
	}
	st := v.Stats()
	if !st.Partial || st.Evictions == 0 || st.Bytes > limit {
		t.Fatalf("under a limit of %d bytes: %+v, want a partial view evicted down to the limit", limit, st)
	}
	if in := e.Memory().InUse; in > limit {
		t.Fatalf("memory in use %d over the limit %d", in, limit)
	}
	for k := range 20 {
		read(v, k) // evicted keys fill again
	}
}

// TestOrAggregateIsPartial: an aggregate over a parameter under OR reads the rows of its
// branches' partial readers and aggregates them at read time: a row in both branches
// counts once, identical rows count twice, and no key's rows are held before a read.
func TestOrAggregateIsPartial(t *testing.T) {
	ctx := context.Background()
	e := orEngine(t, weir.Options{MemoryLimit: -1})
	v := mustRegister(t, e, "agg", "SELECT COUNT(*), SUM(id), MIN(v), MAX(v) FROM t WHERE a = ? OR b = ?")
	grouped := mustRegister(t, e, "grouped", "SELECT v, COUNT(*), SUM(a) FROM d WHERE a = ? OR b = ? GROUP BY v HAVING COUNT(*) > 0 ORDER BY v DESC")
	for _, view := range []*weir.View{v, grouped} {
		if st := view.Stats(); !st.Partial || st.Keys != 0 {
			t.Fatalf("%s before any read: %+v, want partial with no keys", view.Name(), st)
		}
	}
	check := func(view *weir.View, tok weir.Token, want string, args ...any) {
		t.Helper()
		rows, err := view.LookupAfter(ctx, tok, args...)
		if err != nil {
			t.Fatalf("%s %v: %v", view.Name(), args, err)
		}
		if got := strings.Join(texts(rows), " "); got != want {
			t.Fatalf("%s %v: %q, want %q", view.Name(), args, got, want)
		}
	}
	check(v, 0, "3|6|x|z", 1, 1)
	check(v, 0, "0|NULL|NULL|NULL", 9, 9)
	check(v, 0, "2|9|m|n", 3, 2)
	check(grouped, 0, "q|1|2 p|2|2", 1, 1)
	tok := mustExec(t, e, "DELETE FROM t WHERE id = 1").Token
	check(v, tok, "2|5|y|z", 1, 1)
	if err := v.Evict(ctx, 1, 1); err != nil {
		t.Fatal(err)
	}
	tok = mustExec(t, e, "INSERT INTO t VALUES (6, 1, 1, 'a')").Token
	check(v, tok, "3|11|a|z", 1, 1)
}

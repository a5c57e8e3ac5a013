package weir_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir"
)

const voteSQL = `SELECT a.id, a.title, vc.n FROM article a
LEFT JOIN (SELECT article_id, COUNT(*) AS n FROM vote GROUP BY article_id) vc ON vc.article_id = a.id
WHERE a.id = ?`

func voteEngine(t *testing.T) (*weir.Engine, *weir.View) {
	t.Helper()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE article (id INT PRIMARY KEY, title VARCHAR(32))")
	mustExec(t, e, "CREATE TABLE vote (article_id INT, user_id INT)")
	v := mustRegister(t, e, "votes", voteSQL)
	for a := 1; a <= 50; a++ {
		mustExec(t, e, "INSERT INTO article VALUES (?, ?)", a, "t")
		mustExec(t, e, "INSERT INTO vote VALUES (?, 1), (?, 2)", a, a)
	}
	return e, v
}

// TestVoteQueryStateIsPartial: the COUNT and the join under the vote query keep only the
// articles that were read, and evicting them from the reader frees the operator state too.
func TestVoteQueryStateIsPartial(t *testing.T) {
	ctx := context.Background()
	e, v := voteEngine(t)
	states, err := e.States(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 2 {
		t.Fatalf("partial operator states: %+v, want the COUNT and the join", states)
	}
	for _, s := range states {
		if s.Keys != 0 || s.Bytes != 0 {
			t.Fatalf("%s holds %d keys (%d bytes) before any read", s.Node, s.Keys, s.Bytes)
		}
	}
	tok := mustExec(t, e, "INSERT INTO vote VALUES (3, 3)").Token
	for _, a := range []int{3, 4, 5} {
		rows, err := v.LookupAfter(ctx, tok, a)
		if err != nil || rows.Len() != 1 {
			t.Fatalf("article %d: %v, %d rows", a, err, rows.Len())
		}
	}
	states, _ = e.States(ctx)
	for _, s := range states {
		if s.Keys != 3 || s.Bytes <= 0 {
			t.Fatalf("%s holds %d keys (%d bytes) after three reads", s.Node, s.Keys, s.Bytes)
		}
	}
	for _, a := range []int{3, 4, 5} {
		if err := v.Evict(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// Releases travel between domains: a write's token orders the check after them only
	// within a domain, so wait for the figure with a deadline-bound poll of the state.
	waitFor(t, func() bool {
		states, err := e.States(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range states {
			if s.Keys != 0 || s.Bytes != 0 {
				return false
			}
		}
		return v.Stats().Keys == 0
	})
	rows, err := v.Lookup(ctx, 3)
	if err != nil || !strings.Contains(strings.Join(texts(rows), " "), "3") {
		t.Fatalf("article 3 after eviction: %v %v", texts(rows), err)
	}
	st := v.Stats()
	if st.Upqueries != 4 || st.Evictions != 3 || st.FillLatency <= 0 {
		t.Fatalf("stats: %+v", st)
	}
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached before the deadline")
		}
		runtime.Gosched()
	}
}

// TestEvictionKeepsFrequentKeys: under a limit that holds about a hundred keys, a thousand
// keys read once each must not push out twenty keys read thousands of times (LRU would
// evict them all), and a frequent key evicted by hand and read again keeps its history.
func TestEvictionKeepsFrequentKeys(t *testing.T) {
	ctx := context.Background()
	setup := func(limit int64) (*weir.Engine, *weir.View) {
		e := open(t, weir.Options{MemoryLimit: limit})
		mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
		v := mustRegister(t, e, "by_id", "SELECT v FROM t WHERE id = ?")
		values := strings.TrimSuffix(strings.Repeat("(?, ?), ", 100), ", ")
		var tok weir.Token
		for i := 1; i <= 1200; i += 100 {
			args := make([]any, 0, 200)
			for j := i; j < i+100; j++ {
				args = append(args, j, j)
			}
			tok = mustExec(t, e, "INSERT INTO t VALUES "+values, args...).Token
		}
		if err := e.WaitFor(ctx, tok); err != nil {
			t.Fatal(err)
		}
		return e, v
	}
	read := func(v *weir.View, id int) {
		t.Helper()
		rows, err := v.Lookup(ctx, id)
		if err != nil || rows.Len() != 1 {
			t.Fatalf("id %d: %v, %d rows", id, err, rows.Len())
		}
	}
	// The size of one key's state, and what the graph and statements cost (which the
	// limit counts too), measured without a limit.
	pe, probe := setup(-1)
	read(probe, 1)
	perKey := probe.Stats().Bytes
	graph := pe.Memory().Graph

	const hot = 20
	e, v := setup(100*perKey + graph + 4<<10) // room for the read-count sketch too
	for range 2000 {
		for id := 1; id <= hot; id++ {
			read(v, id)
		}
	}
	if err := v.Evict(ctx, 1); err != nil {
		t.Fatal(err)
	}
	read(v, 1) // a miss: the key comes back with its count
	for id := 101; id <= 1100; id++ {
		read(v, id)
	}
	if _, err := e.Evict(ctx); err != nil {
		t.Fatal(err)
	}
	st := v.Stats()
	if st.Evictions < 800 {
		t.Fatalf("%d evictions: the limit did not bite (%+v)", st.Evictions, st)
	}
	kept := 0
	for id := 1; id <= hot; id++ {
		if _, ok, err := v.TryLookup(ctx, id); err != nil {
			t.Fatal(err)
		} else if ok {
			kept++
		}
	}
	if kept < hot-2 {
		t.Fatalf("%d of %d frequent keys survived a thousand keys read once", kept, hot)
	}
}

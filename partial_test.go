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

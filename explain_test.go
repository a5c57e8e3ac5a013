package weir_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/bench"
)

// TestExplainSaysPartialOrFullAndWhy checks what EXPLAIN reports for each state of a
// cache: the vote query grouped by the article's id and title is partial down to the
// base tables, and so is a range over a table (by intervals), an aggregate grouped by other
// columns than the key and a DISTINCT (each partial by the key, which they say); a query
// without a key, a key filtering a top-k over every row, and a range over an aggregate read
// through a join are full, each with the reason naming what kept it so; a range over an
// aggregate's group column is partial by intervals.
func TestExplainSaysPartialOrFullAndWhy(t *testing.T) {
	ctx := context.Background()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, _, err := bench.SetupVoteQuery(ctx, e, 10, bench.VoteQueryGrouped); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sql string
		// states lists the state of each step in order ("" for stateless ones); why is
		// a fragment of the reader's reason ("" for a partial reader).
		states []string
		why    string
	}{
		{bench.VoteQueryGrouped, []string{"partial", "", "partial", "partial", "full", "full"}, ""},
		{"SELECT a.title, v.user_id FROM articles a JOIN votes v ON v.article_id = a.id WHERE a.id = ?",
			[]string{"partial", "", "partial", "full", "full"}, ""},
		{"SELECT COUNT(*) FROM votes", []string{"full", "full", "full"}, "no key parameter"},
		{"SELECT user_id, COUNT(*) FROM votes WHERE article_id = ? GROUP BY user_id",
			[]string{"partial", "", "partial", "full"}, ""},
		{"SELECT DISTINCT user_id FROM votes WHERE article_id = ?",
			[]string{"partial", "partial", "", "full"}, ""},
		{"SELECT user_id FROM (SELECT article_id, user_id FROM votes ORDER BY user_id LIMIT 10) t WHERE article_id = ?",
			nil, "keeps its state by other or more columns than the key (the key there: votes.article_id)"},
		{"SELECT k, n FROM (SELECT id + 1 AS k, title AS n FROM articles) d WHERE k = ?", nil, "computes a key column"},
		{"SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT 3", []string{"partial", "", "full"}, ""},
		{"SELECT article_id, n FROM (SELECT article_id, COUNT(*) AS n FROM votes GROUP BY article_id) c WHERE article_id > ? ORDER BY article_id",
			[]string{"partial", "", "partial", "full"}, ""},
		{"SELECT u.id FROM (SELECT id FROM articles UNION ALL SELECT article_id FROM votes) u WHERE u.id > ?",
			[]string{"partial", "", "", "", "full", "", "full"}, ""},
		{"SELECT c.article_id, c.n, a.title FROM (SELECT article_id, COUNT(*) AS n FROM votes GROUP BY article_id) c JOIN articles a ON a.id = c.article_id WHERE c.article_id > ?",
			nil, "its only parameters are ranges, and the range column comes from agg[$0](count(*)) below a join"},
	} {
		steps, err := e.Explain(ctx, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		text := weir.ExplainText(steps)
		if tc.states != nil {
			var got []string
			for _, s := range steps {
				got = append(got, s.State)
			}
			if strings.Join(got, ",") != strings.Join(tc.states, ",") {
				t.Errorf("%s: states %q, want %q\n%s", tc.sql, got, tc.states, text)
			}
		}
		reader := steps[0]
		switch {
		case tc.why == "" && (reader.State != "partial" || reader.Why != ""):
			t.Errorf("%s: reader %s (%s), want partial\n%s", tc.sql, reader.State, reader.Why, text)
		case tc.why != "" && (reader.State != "full" || !strings.Contains(reader.Why, tc.why)):
			t.Errorf("%s: reader %s (%q), want full because %q\n%s", tc.sql, reader.State, reader.Why, tc.why, text)
		}
		for _, s := range steps {
			if s.State == "full" && s.Why == "" {
				t.Errorf("%s: full state %s gives no reason\n%s", tc.sql, s.Operator, text)
			}
		}
		if strings.Contains(tc.sql, "GROUP BY user_id") || strings.Contains(tc.sql, "DISTINCT") {
			// Partial by the key, which is part of what the state groups by.
			if !strings.Contains(text, "[partial: by votes.article_id]") {
				t.Errorf("%s: the state grouped by the key and more does not say it is partial by the key\n%s", tc.sql, text)
			}
		}
		if strings.HasSuffix(tc.sql, "ORDER BY article_id") && !strings.Contains(text, "[partial: by intervals of votes.article_id]") {
			t.Errorf("%s: the aggregate under a range does not say it is partial by intervals\n%s", tc.sql, text)
		}
	}
	// The caches' stats, as SHOW CACHES reports them, give the same reasons.
	for _, st := range e.Stats() {
		if st.Partial != (st.FullReason == "") {
			t.Errorf("cache %q: partial %v with reason %q", st.Query, st.Partial, st.FullReason)
		}
	}
	steps, err := e.Explain(ctx, "SELECT 1 + 1")
	if err != nil || len(steps) != 1 || !strings.Contains(steps[0].Operator, "never cached") {
		t.Errorf("SELECT 1 + 1: %v %v", steps, err)
	}
	if _, err := e.Explain(ctx, "INSERT INTO votes VALUES (1, 1)"); err == nil {
		t.Error("EXPLAIN of an INSERT: no error")
	}
}

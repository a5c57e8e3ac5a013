package weir

import (
	"context"
	"testing"
	"time"
)

// TestRegisterDoesNotBlockWrites registers queries whose state is full (a COUNT without a
// key, and a join read by a column other than its join key) over tables that already hold
// rows. While their state is being computed, writes must still be acknowledged and applied;
// once registration returns, the views must include them.
func TestRegisterDoesNotBlockWrites(t *testing.T) {
	ctx := context.Background()
	e, err := Open(Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	exec := func(ctx context.Context, sql string, args ...any) Result {
		t.Helper()
		res, err := e.Exec(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return res
	}
	exec(ctx, "CREATE TABLE article (id INT PRIMARY KEY, author INT)")
	exec(ctx, "CREATE TABLE vote (article_id INT, user_id INT)")
	for a := 1; a <= 200; a++ {
		exec(ctx, "INSERT INTO article VALUES (?, ?)", a, a%7)
		exec(ctx, "INSERT INTO vote VALUES (?, 1), (?, 2)", a, a)
	}
	var during []Token
	e.backfilled = func() {
		// A deadline, not a sleep: if registration held writes back, these would time out.
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		for _, sql := range []string{
			"INSERT INTO vote VALUES (1, 3), (2, 3)",
			"DELETE FROM vote WHERE article_id = 5",
			"UPDATE article SET author = 99 WHERE id = 7",
		} {
			during = append(during, exec(wctx, sql).Token)
		}
		if err := e.WaitFor(wctx, during[len(during)-1]); err != nil {
			t.Errorf("write applied during backfill: %v", err)
		}
	}
	total, err := e.Register(ctx, "total", "SELECT COUNT(*) AS n FROM vote")
	if err != nil {
		t.Fatal(err)
	}
	byAuthor, err := e.Register(ctx, "by_author",
		"SELECT a.id, COUNT(v.user_id) AS n FROM article a JOIN vote v ON v.article_id = a.id WHERE a.author = ? GROUP BY a.id")
	if err != nil {
		t.Fatal(err)
	}
	e.backfilled = nil
	if len(during) != 6 {
		t.Fatalf("%d writes ran during the backfills, want 6", len(during))
	}
	rows, err := total.Lookup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 400 votes, +2 inserted twice (once per registration), -2 for article 5, then -0.
	if got := rows.Row(0)[0].RawInt(); rows.Len() != 1 || got != 402 {
		t.Fatalf("total votes %v, want 402", got)
	}
	rows, err = byAuthor.Lookup(ctx, 99)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Len() != 1 || rows.Row(0)[0].RawInt() != 7 || rows.Row(0)[1].RawInt() != 2 {
		t.Fatalf("author 99: %d rows, want article 7 with 2 votes", rows.Len())
	}
	rows, err = byAuthor.Lookup(ctx, 1) // 1, 8, 15, ...: article 1 got a vote during each registration
	if err != nil {
		t.Fatal(err)
	}
	if rows.Len() != 29 {
		t.Fatalf("author 1: %d articles, want 29", rows.Len())
	}
	for i := range rows.Len() {
		r := rows.Row(i)
		want := int64(2)
		if r[0].RawInt() == 1 {
			want = 4
		}
		if r[1].RawInt() != want {
			t.Fatalf("author 1, article %d: %d votes, want %d", r[0].RawInt(), r[1].RawInt(), want)
		}
	}
}

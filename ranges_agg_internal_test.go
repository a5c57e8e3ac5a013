package weir

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdb/weir/operators"
)

// TestRangeOverAggregateKeepsOnlyIntervalsRead: a range over a GROUP BY column keeps, in the
// reader and in the aggregate, the groups of the intervals read and no others. Writes in
// a hole are dropped at the aggregate and found by the fill that covers them; writes in a
// filled interval update its groups; evicting an interval drops its groups from both, and
// a read over it fills it again.
func TestRangeOverAggregateKeepsOnlyIntervalsRead(t *testing.T) {
	ctx := context.Background()
	e, err := Open(Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	exec := func(sql string, args ...any) Token {
		t.Helper()
		r, err := e.Exec(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return r.Token
	}
	exec("CREATE TABLE ev (id INT PRIMARY KEY, day INT, x INT)")
	var tok Token
	for i := range 300 {
		tok = exec("INSERT INTO ev VALUES (?, ?, ?)", i, i%100, i)
	}
	v, err := e.Register(ctx, "per_day", "SELECT day, COUNT(*), SUM(x) FROM ev WHERE day BETWEEN ? AND ? GROUP BY day")
	if err != nil {
		t.Fatal(err)
	}
	if st := v.Stats(); !st.Partial {
		t.Fatalf("the reader is full: %s", st.FullReason)
	}
	agg := aggregateAbove(t, v)
	// want renders the groups of days lo..hi as the table has them, with extra[day] rows of
	// x added to a day's group.
	want := func(lo, hi int, extra map[int][]int) string {
		var b strings.Builder
		for d := lo; d <= hi; d++ {
			n, sum := 3, 3*d+300
			for _, x := range extra[d] {
				n, sum = n+1, sum+x
			}
			fmt.Fprintf(&b, "%d:%d:%d ", d, n, sum)
		}
		return b.String()
	}
	check := func(lo, hi int, wantRows, filled string, groups int) {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range sortedRows(rows) {
			fmt.Fprintf(&b, "%s:%s:%s ", r[0], r[1], r[2])
		}
		if b.String() != wantRows {
			t.Fatalf("[%d, %d]: %q, want %q", lo, hi, b.String(), wantRows)
		}
		var gotFilled string
		var gotGroups int
		if err := v.domain.Call(ctx, func() {
			gotFilled = agg.Filled().String()
			gotGroups = len(agg.Snapshot(nil))
		}); err != nil {
			t.Fatal(err)
		}
		if gotFilled != filled || gotGroups != groups {
			t.Fatalf("after [%d, %d]: the aggregate holds %s with %d groups, want %s with %d", lo, hi, gotFilled, gotGroups, filled, groups)
		}
	}
	check(10, 19, want(10, 19, nil), "{[10, 19]}", 10)
	check(15, 24, want(15, 24, nil), "{[10, 24]}", 15) // fills (19, 24] only
	if st := v.Stats(); st.Upqueries != 2 {
		t.Fatalf("%d upqueries, want 2", st.Upqueries)
	}
	// Day 12 is filled: its group changes. Day 50 is a hole: dropped, no group made.
	tok = exec("INSERT INTO ev VALUES (1000, 12, 7), (1001, 50, 9)")
	check(10, 24, want(10, 24, map[int][]int{12: {7}}), "{[10, 24]}", 15)
	check(50, 50, want(50, 50, map[int][]int{50: {9}}), "{[10, 24] [50, 50]}", 16)
	if err := v.Evict(ctx, 12, 20); err != nil {
		t.Fatal(err)
	}
	var afterEvict string
	if err := v.domain.Call(ctx, func() { afterEvict = agg.Filled().String() }); err != nil {
		t.Fatal(err)
	}
	if afterEvict != "{[10, 12) (20, 24] [50, 50]}" {
		t.Fatalf("after evicting [12, 20] the aggregate holds %s", afterEvict)
	}
	// Written while [12, 20] is a hole: dropped, and read by its fill.
	tok = exec("UPDATE ev SET day = 13 WHERE id = 1000")
	check(10, 24, want(10, 24, map[int][]int{13: {7}}), "{[10, 24] [50, 50]}", 16)
}

// aggregateAbove finds the aggregate a view's reader reads through projections.
func aggregateAbove(t *testing.T, v *View) *operators.Aggregate {
	t.Helper()
	for n := v.node; len(n.Parents) > 0; n = n.Parents[0] {
		if a, ok := n.Op.(*operators.Aggregate); ok {
			return a
		}
	}
	t.Fatal("no aggregate above the reader")
	return nil
}

// sortedRows renders rows' values as text, in the order given.
func sortedRows(rows Rows) [][]string {
	var out [][]string
	for i := range rows.Len() {
		r := rows.Row(i)
		s := make([]string, len(r))
		for j, v := range r {
			s[j] = v.String()
		}
		out = append(out, s)
	}
	return out
}

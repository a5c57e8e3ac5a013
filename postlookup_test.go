package weir_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// postLookupEngine holds the table the read-time combination tests read: keys with rows,
// keys without, NULLs in every aggregated column, and strings equal under the collation.
func postLookupEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE s (id INT PRIMARY KEY, k VARCHAR(8), g INT, x INT, p DECIMAL(6,2), w DOUBLE)")
	mustExec(t, e, `INSERT INTO s VALUES
		(1, 'a', 1, 3, 1.50, 0.5), (2, 'a', 2, NULL, NULL, NULL), (3, 'b', 1, 5, 2.25, 1.5),
		(4, 'b', 1, 2, 1.00, NULL), (5, 'c', 2, NULL, NULL, NULL), (6, NULL, 1, 7, 9.00, 2.0)`)
	return e
}

// TestPostLookupScalarAggregate: an aggregate without GROUP BY over an IN list of
// parameters returns its one row whatever its keys find: COUNT adds, SUM is NULL when no
// key has a non-NULL value, AVG is the combined sum over the combined count (not the
// average of averages), and a NULL, repeated or collation-equal argument adds nothing.
func TestPostLookupScalarAggregate(t *testing.T) {
	ctx := context.Background()
	e := postLookupEngine(t)
	v := mustRegister(t, e, "agg", "SELECT COUNT(*), COUNT(x), SUM(x), MIN(x), MAX(x), AVG(x), AVG(p), SUM(w) FROM s WHERE k IN (?, ?)")
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"a", "b"}, "4|3|10|2|5|3.3333|1.583333|2"},
		{[]any{"a", "a"}, "2|1|3|3|3|3.0000|1.500000|0.5"},
		{[]any{"a", "A"}, "2|1|3|3|3|3.0000|1.500000|0.5"},
		{[]any{"c", nil}, "1|0|NULL|NULL|NULL|NULL|NULL|NULL"},
		{[]any{"x", "y"}, "0|0|NULL|NULL|NULL|NULL|NULL|NULL"},
		{[]any{nil, nil}, "0|0|NULL|NULL|NULL|NULL|NULL|NULL"},
	} {
		rows, err := v.Lookup(ctx, tc.args...)
		wantRows(t, rows, err, tc.want)
	}
	// Writes reach each key's groups; the combination follows.
	tok := mustExec(t, e, "UPDATE s SET x = 10, k = 'c' WHERE id = 3").Token
	rows, err := v.LookupAfter(ctx, tok, "b", "c")
	wantRows(t, rows, err, "3|2|12|2|10|6.0000|1.625000|1.5")
	tok = mustExec(t, e, "DELETE FROM s WHERE k IN ('b', 'c')").Token
	rows, err = v.LookupAfter(ctx, tok, "b", "c")
	wantRows(t, rows, err, "0|0|NULL|NULL|NULL|NULL|NULL|NULL")
}

// TestPostLookupGroupedAggregate: with GROUP BY another column, groups of equal values
// from several keys become one; HAVING, ORDER BY and LIMIT apply to the combined groups, so
// a group that no single key would let through (COUNT(*) > 1 only once combined) is kept.
func TestPostLookupGroupedAggregate(t *testing.T) {
	ctx := context.Background()
	e := postLookupEngine(t)
	v := mustRegister(t, e, "grouped", "SELECT g, COUNT(*) AS n, SUM(x) FROM s WHERE k IN (?, ?, ?) GROUP BY g HAVING COUNT(*) > 1 ORDER BY n DESC, g LIMIT 2")
	rows, err := v.Lookup(ctx, "a", "b", "c")
	wantRows(t, rows, err, "1|3|10", "2|2|NULL")
	rows, err = v.Lookup(ctx, "a", "c", "zz")
	wantRows(t, rows, err, "2|2|NULL")
	rows, err = v.Lookup(ctx, "a", "a", "A")
	wantRows(t, rows, err)
	// Without GROUP BY no group means no row only when HAVING rejects the empty one.
	h := mustRegister(t, e, "having", "SELECT COUNT(*) FROM s WHERE k IN (?, ?) HAVING COUNT(*) = 0")
	rows, err = h.Lookup(ctx, "y", "z")
	wantRows(t, rows, err, "0")
	rows, err = h.Lookup(ctx, "a", "z")
	wantRows(t, rows, err)
}

// TestPostLookupReaderIsPartial: the view keeps each key's groups, only for the keys read,
// and EXPLAIN lists the read's combination above the partial reader.
func TestPostLookupReaderIsPartial(t *testing.T) {
	ctx := context.Background()
	e := postLookupEngine(t)
	const q = "SELECT COUNT(*), SUM(x) FROM s WHERE k IN (?, ?)"
	steps, err := e.Explain(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	text := weir.ExplainText(steps)
	if len(steps) < 2 || !strings.HasPrefix(steps[0].Operator, "post-lookup combine") || steps[0].Depth != 0 ||
		steps[1].Depth != 1 || steps[1].State != "partial" {
		t.Fatalf("EXPLAIN:\n%s", text)
	}
	v := mustRegister(t, e, "partial", q)
	if st := v.Stats(); !st.Partial || st.Keys != 0 {
		t.Fatalf("before reads: %+v", st)
	}
	rows, err := v.Lookup(ctx, "a", "b")
	wantRows(t, rows, err, "4|10")
	if st := v.Stats(); st.Keys != 2 {
		t.Fatalf("after reading two keys the reader holds %d", st.Keys)
	}
	if err := v.Evict(ctx, "a", "zz"); err != nil {
		t.Fatal(err)
	}
	tok := mustExec(t, e, "INSERT INTO s VALUES (7, 'a', 3, 1, NULL, NULL)").Token
	rows, err = v.LookupAfter(ctx, tok, "b", "a")
	wantRows(t, rows, err, "5|11")
	// A merge of several lookups without an aggregate shows its step too.
	steps, err = e.Explain(ctx, "SELECT id FROM s WHERE k IN (?, ?) ORDER BY id LIMIT 2")
	if err != nil || !strings.HasPrefix(steps[0].Operator, "post-lookup merge of 2 lookups") {
		t.Fatalf("EXPLAIN: %v\n%s", err, weir.ExplainText(steps))
	}
}

// TestOrParameterRowsOnce: with a parameter under OR each disjunct is a lookup of its own,
// and a row is returned as often as the FROM clause makes it, never once more for each
// disjunct it satisfies; a disjunct that is NULL for a row (a NULL column, a NULL argument)
// does not hold, so it neither selects nor hides the row.
func TestOrParameterRowsOnce(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE o (id INT, a INT, b VARCHAR(4))")
	mustExec(t, e, "INSERT INTO o VALUES (1, 1, 'x'), (2, 1, 'y'), (3, NULL, 'x'), (4, 2, NULL), (5, 1, 'x'), (5, 1, 'x')")
	v := mustRegister(t, e, "or_rows", "SELECT id FROM o WHERE a = ? OR b = ? ORDER BY id")
	for _, tc := range []struct {
		args []any
		want []string
	}{
		{[]any{1, "x"}, []string{"1", "2", "3", "5", "5"}},
		{[]any{1, "X"}, []string{"1", "2", "3", "5", "5"}},
		{[]any{2, "y"}, []string{"2", "4"}},
		{[]any{nil, "x"}, []string{"1", "3", "5", "5"}},
		{[]any{2, nil}, []string{"4"}},
		{[]any{nil, nil}, nil},
	} {
		rows, err := v.Lookup(ctx, tc.args...)
		wantRows(t, rows, err, tc.want...)
	}
	// The branches are a keyed UNION's, whose reader is full for now: it says why.
	if st := v.Stats(); !st.Partial && st.FullReason == "" {
		t.Fatalf("a full reader gives no reason: %+v", st)
	}
	// A LIMIT across the disjuncts counts the rows kept, not the rows each key holds: the
	// second lookup's first rows are the first one's, dropped at read time.
	l := mustRegister(t, e, "or_limit", "SELECT id FROM o WHERE b = ? OR b = ? ORDER BY id LIMIT 2 OFFSET 1")
	rows, err := l.Lookup(ctx, "x", "x")
	wantRows(t, rows, err, "3", "5")
	tok := mustExec(t, e, "UPDATE o SET b = 'x' WHERE id = 2").Token
	rows, err = v.LookupAfter(ctx, tok, 2, "x")
	wantRows(t, rows, err, "1", "2", "3", "4", "5", "5")
	steps, err := e.Explain(ctx, "SELECT id FROM o WHERE a = ? OR b = ?")
	if err != nil || !strings.Contains(steps[0].Operator, "one branch per disjunct of OR") {
		t.Fatalf("EXPLAIN: %v\n%s", err, weir.ExplainText(steps))
	}
}

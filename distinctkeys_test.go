package weir_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// TestDistinctKeysAggregates: aggregates that do not decompose into per-key parts, over an
// IN list of parameters on a column they are not grouped by, are computed over the rows of
// every key together: a value two keys share counts once under DISTINCT, GROUP_CONCAT and
// JSON_ARRAYAGG interleave the keys' values in order, a repeated key counts once, NULLs are
// skipped (JSON_ARRAYAGG keeps them), and no rows give COUNT 0 and NULL elsewhere.
func TestDistinctKeysAggregates(t *testing.T) {
	ctx := context.Background()
	e := postLookupEngine(t)
	v := mustRegister(t, e, "distinct", "SELECT COUNT(DISTINCT g), SUM(DISTINCT x), AVG(DISTINCT p), "+
		"GROUP_CONCAT(DISTINCT g ORDER BY g DESC SEPARATOR '/'), GROUP_CONCAT(x ORDER BY x), "+
		"JSON_ARRAYAGG(x ORDER BY x), JSON_OBJECTAGG(id, g), COUNT(*) FROM s WHERE k IN (?, ?)")
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"a", "b"}, `2|10|1.583333|2/1|2,3,5|[null,2,3,5]|{"1":1, "2":2, "3":1, "4":1}|4`},
		{[]any{"a", "a"}, `2|3|1.500000|2/1|3|[null,3]|{"1":1, "2":2}|2`},
		{[]any{"a", "A"}, `2|3|1.500000|2/1|3|[null,3]|{"1":1, "2":2}|2`},
		{[]any{"c", nil}, `1|NULL|NULL|2|NULL|[null]|{"5":2}|1`},
		{[]any{"x", "y"}, `0|NULL|NULL|NULL|NULL|NULL|NULL|0`},
	} {
		rows, err := v.Lookup(ctx, tc.args...)
		wantRows(t, rows, err, tc.want)
	}
	// Writes reach each key's rows; a value that now appears under both keys counts once.
	tok := mustExec(t, e, "UPDATE s SET x = 3, p = 1.50 WHERE id = 3").Token
	rows, err := v.LookupAfter(ctx, tok, "a", "b")
	wantRows(t, rows, err, `2|5|1.250000|2/1|2,3,3|[null,2,3,3]|{"1":1, "2":2, "3":1, "4":1}|4`)
	// Grouped, with HAVING and ORDER BY over a collected aggregate.
	g := mustRegister(t, e, "grouped", "SELECT g, COUNT(DISTINCT k) AS n, GROUP_CONCAT(id ORDER BY id) FROM s WHERE k IN (?, ?, ?) GROUP BY g HAVING COUNT(DISTINCT k) > 1 ORDER BY n DESC, g")
	rows, err = g.Lookup(ctx, "a", "b", "c")
	wantRows(t, rows, err, "1|2|1,3,4", "2|2|2,5")
	rows, err = g.Lookup(ctx, "a", "c", "c")
	wantRows(t, rows, err, "2|2|2,5")
}

// TestDistinctKeysUnderOr: the same aggregates over a parameter under OR count a row that
// several disjuncts select once.
func TestDistinctKeysUnderOr(t *testing.T) {
	ctx := context.Background()
	e := postLookupEngine(t)
	v := mustRegister(t, e, "or", "SELECT COUNT(DISTINCT g), GROUP_CONCAT(id ORDER BY id), JSON_ARRAYAGG(DISTINCT x ORDER BY x DESC) FROM s WHERE k = ? OR g = ?")
	rows, err := v.Lookup(ctx, "a", 1)
	wantRows(t, rows, err, "2|1,2,3,4,6|[7,5,3,2,null]")
	rows, err = v.Lookup(ctx, "zz", 99)
	wantRows(t, rows, err, "0|NULL|NULL")
	tok := mustExec(t, e, "DELETE FROM s WHERE id = 2").Token
	rows, err = v.LookupAfter(ctx, tok, "a", 2)
	wantRows(t, rows, err, "2|1,5|[3,null]")
}

// TestDistinctKeysReaderIsPartial: the view keeps rows only for the keys read, EXPLAIN says
// the read computes the aggregate over them, and an evicted key refills exactly.
func TestDistinctKeysReaderIsPartial(t *testing.T) {
	ctx := context.Background()
	e := postLookupEngine(t)
	const q = "SELECT COUNT(DISTINCT g), GROUP_CONCAT(x ORDER BY x) FROM s WHERE k IN (?, ?)"
	steps, err := e.Explain(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	text := weir.ExplainText(steps)
	if len(steps) < 2 || !strings.Contains(steps[0].Operator, "count(distinct") || !strings.Contains(steps[0].Operator, "over the rows of 2 lookups") ||
		steps[1].State != "partial" {
		t.Fatalf("EXPLAIN:\n%s", text)
	}
	v := mustRegister(t, e, "partial", q)
	rows, err := v.Lookup(ctx, "a", "b")
	wantRows(t, rows, err, "2|2,3,5")
	if st := v.Stats(); !st.Partial || st.Keys != 2 {
		t.Fatalf("after reading two keys: %+v", st)
	}
	if err := v.Evict(ctx, "a", "a"); err != nil {
		t.Fatal(err)
	}
	tok := mustExec(t, e, "INSERT INTO s VALUES (7, 'a', 3, 1, NULL, NULL)").Token
	rows, err = v.LookupAfter(ctx, tok, "b", "a")
	wantRows(t, rows, err, "3|1,2,3,5")
}

package weir_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// TestWindowStateIsPartial: a window partitioned by the reader's key keeps only the
// partitions that were read, maintains them through writes that move rows between
// partitions, and frees them on eviction; a window whose partition is not the key is full.
func TestWindowStateIsPartial(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE emp (id INT PRIMARY KEY, dept VARCHAR(10), salary INT)")
	mustExec(t, e, "INSERT INTO emp VALUES (1, 'eng', 100), (2, 'eng', 120), (3, 'ops', 90), (4, 'ops', 95), (5, 'hr', 50)")
	v := mustRegister(t, e, "ranked", "SELECT id, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn, SUM(salary) OVER (PARTITION BY dept ORDER BY salary DESC, id) AS s FROM emp WHERE dept = ? ORDER BY rn")
	states, err := e.States(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || !strings.Contains(states[0].Node, "window") || states[0].Keys != 0 {
		t.Fatalf("partial states before reads: %+v, want the window, empty", states)
	}
	read := func(tok weir.Token, dept string) string {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, dept)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(texts(rows), " ")
	}
	if got, want := read(0, "eng"), "2|1|120 1|2|220"; got != want {
		t.Fatalf("eng: %q, want %q", got, want)
	}
	if got, want := read(0, "ops"), "4|1|95 3|2|185"; got != want {
		t.Fatalf("ops: %q, want %q", got, want)
	}
	states, _ = e.States(ctx)
	if states[0].Keys != 2 || states[0].Bytes <= 0 {
		t.Fatalf("window state after two reads: %+v", states[0])
	}
	// Move the top of eng to ops, and give hr (a hole) a row: eng and ops renumber.
	tok := mustExec(t, e, "UPDATE emp SET dept = 'ops' WHERE id = 2").Token
	tok = max(tok, mustExec(t, e, "INSERT INTO emp VALUES (6, 'hr', 70)").Token)
	if got, want := read(tok, "eng"), "1|1|100"; got != want {
		t.Fatalf("eng after the move: %q, want %q", got, want)
	}
	if got, want := read(tok, "ops"), "2|1|120 4|2|215 3|3|305"; got != want {
		t.Fatalf("ops after the move: %q, want %q", got, want)
	}
	if got, want := read(tok, "hr"), "6|1|70 5|2|120"; got != want {
		t.Fatalf("hr filled after the write: %q, want %q", got, want)
	}
	for _, d := range []string{"eng", "ops", "hr"} {
		if err := v.Evict(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool {
		states, err := e.States(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return states[0].Keys == 0 && states[0].Bytes == 0
	})
	if got, want := read(0, "ops"), "2|1|120 4|2|215 3|3|305"; got != want {
		t.Fatalf("ops after eviction: %q, want %q", got, want)
	}

	// Keyed by a column that is not the partition: the window sees every partition whole.
	mustRegister(t, e, "by_salary", "SELECT id, RANK() OVER (PARTITION BY dept ORDER BY salary) FROM emp WHERE salary = ?")
	states, _ = e.States(ctx)
	if len(states) != 1 {
		t.Fatalf("partial states: %+v, want only the first window", states)
	}
}

// TestWindowTopPerGroup is the top-N-per-group idiom: a derived table numbers the rows of
// each partition and the outer query keeps the first two of the one it looks up.
func TestWindowTopPerGroup(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE story (id INT PRIMARY KEY, author INT, score INT)")
	mustExec(t, e, "INSERT INTO story VALUES (1, 1, 5), (2, 1, 9), (3, 1, 7), (4, 2, 1), (5, 2, 3)")
	v := mustRegister(t, e, "top2", "SELECT id, score FROM (SELECT id, author, score, ROW_NUMBER() OVER (PARTITION BY author ORDER BY score DESC, id) AS rn FROM story) AS x WHERE author = ? AND rn <= 2 ORDER BY score DESC")
	read := func(tok weir.Token, author int) []string {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, author)
		if err != nil {
			t.Fatal(err)
		}
		return texts(rows)
	}
	if got, want := read(0, 1), []string{"2|9", "3|7"}; !slices.Equal(got, want) {
		t.Fatalf("author 1: %v, want %v", got, want)
	}
	tok := mustExec(t, e, "UPDATE story SET score = 8 WHERE id = 1").Token
	if got, want := read(tok, 1), []string{"2|9", "1|8"}; !slices.Equal(got, want) {
		t.Fatalf("author 1 after an update: %v, want %v", got, want)
	}
	tok = mustExec(t, e, "DELETE FROM story WHERE id = 2").Token
	if got, want := read(tok, 1), []string{"1|8", "3|7"}; !slices.Equal(got, want) {
		t.Fatalf("author 1 after a delete: %v, want %v", got, want)
	}
	if got, want := read(tok, 2), []string{"5|3", "4|1"}; !slices.Equal(got, want) {
		t.Fatalf("author 2: %v, want %v", got, want)
	}
}

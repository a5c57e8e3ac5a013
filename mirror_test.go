package weir_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

func mirrorRows(vals ...any) dataflow.Row {
	row := make(dataflow.Row, len(vals))
	for i, v := range vals {
		var err error
		if row[i], err = dataflow.FromGo(v); err != nil {
			panic(err)
		}
	}
	return row
}

// TestMirrorAppliesUpstreamTransactions: a mirror refuses client writes with 1290, applies
// upstream transactions atomically across tables (inserts, updates that move keys or keep
// unsent values, deletes, truncates), skips transactions at or below its position, and
// keeps rows and position across a restart.
func TestMirrorAppliesUpstreamTransactions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *weir.Engine {
		e, err := weir.Open(weir.Options{Dir: dir, Mirror: true, MemoryLimit: -1})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := open()
	m := e.Mirror()
	if m == nil {
		t.Fatal("no mirror handle")
	}
	for _, ddl := range []string{
		"CREATE TABLE story (id INT PRIMARY KEY, title VARCHAR(50) NOT NULL, body TEXT)",
		"CREATE TABLE vote (story_id INT NOT NULL, user_id INT NOT NULL, PRIMARY KEY (story_id, user_id))",
	} {
		if err := m.CreateTable(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"CREATE TABLE x (id INT PRIMARY KEY)", "INSERT INTO story VALUES (1, 'a', 'b')", "UPDATE story SET title = 'x'", "DELETE FROM vote", "DROP TABLE story"} {
		_, err := e.Exec(ctx, q)
		if code, _, _ := weir.ErrorCode(err); code != weir.ErrCodeReadOnly {
			t.Fatalf("%s on a mirror: %v, want error %d", q, err, weir.ErrCodeReadOnly)
		}
	}
	if _, err := e.Register(ctx, "votes", "SELECT s.id, s.title, COUNT(v.user_id) AS n FROM story s LEFT JOIN vote v ON v.story_id = s.id WHERE s.id = ? GROUP BY s.id, s.title"); err != nil {
		t.Fatal(err)
	}
	if err := m.SetUpstream("test-upstream", 100); err != nil {
		t.Fatal(err)
	}
	apply := func(pos uint64, changes ...weir.MirrorChange) weir.Token {
		t.Helper()
		tok, durable, err := m.Apply(ctx, &weir.MirrorTx{Position: pos, Changes: changes})
		if err != nil {
			t.Fatal(err)
		}
		if durable != nil {
			if err := durable(); err != nil {
				t.Fatal(err)
			}
		}
		return tok
	}
	read := func(e *weir.Engine, id int) string {
		t.Helper()
		v, err := e.View("votes")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := v.Lookup(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if rows.Len() == 0 {
			return "none"
		}
		return fmt.Sprint(rows.Row(0))
	}
	ins := func(table string, vals ...any) weir.MirrorChange {
		return weir.MirrorChange{Table: table, Op: weir.MirrorInsert, New: mirrorRows(vals...)}
	}
	// Text values are converted to the column types.
	tok := apply(110, ins("story", "1", "first", "long body"), ins("story", "2", "second", nil),
		ins("vote", "1", "7"), ins("vote", "1", "8"), ins("vote", "2", "7"))
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got := read(e, 1); got != `[1 "first" 2]` {
		t.Fatalf("story 1 after the first transaction: %s", got)
	}
	// An update that sends no body keeps it; one that moves the key; a delete.
	tok = apply(120,
		weir.MirrorChange{Table: "story", Op: weir.MirrorUpdate, New: mirrorRows(1, "renamed", nil), Keep: []bool{false, false, true}},
		weir.MirrorChange{Table: "story", Op: weir.MirrorUpdate, Old: mirrorRows(2, nil, nil), New: mirrorRows(3, "moved", nil)},
		weir.MirrorChange{Table: "vote", Op: weir.MirrorDelete, Old: mirrorRows(1, 8)},
	)
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int]string{1: `[1 "renamed" 1]`, 2: "none", 3: `[3 "moved" 0]`} {
		if got := read(e, id); got != want {
			t.Fatalf("story %d: %s, want %s", id, got, want)
		}
	}
	rows, err := e.Query(ctx, "SELECT body FROM story WHERE id = 1")
	if err != nil || rows.Len() != 1 || rows.Row(0)[0].ToText() != "long body" {
		t.Fatalf("a kept column lost its value: %v %v", rows, err)
	}
	// A replayed transaction is skipped; a failing one changes nothing.
	if tok := apply(115, ins("story", 9, "replayed", nil)); tok != 0 {
		t.Fatalf("a transaction below the position was applied (token %d)", tok)
	}
	_, _, err = m.Apply(ctx, &weir.MirrorTx{Position: 130, Changes: []weir.MirrorChange{
		ins("story", 4, "four", nil),
		{Table: "vote", Op: weir.MirrorDelete, Old: mirrorRows(99, 99)},
	}})
	if err == nil {
		t.Fatal("deleting a missing row was accepted")
	}
	if m.Position() != 120 {
		t.Fatalf("position %d after a failed transaction, want 120", m.Position())
	}
	if got := read(e, 4); got != "none" {
		t.Fatalf("half a failed transaction shows: %s", got)
	}
	// Truncate.
	tok = apply(140, weir.MirrorChange{Table: "vote", Op: weir.MirrorTruncate})
	if err := e.WaitFor(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got := read(e, 1); got != `[1 "renamed" 0]` {
		t.Fatalf("story 1 after truncating votes: %s", got)
	}

	// Waiting for a position: blocked until it is reached.
	wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	err = m.WaitForPosition(wctx, 200)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait for a future position: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- m.WaitForPosition(ctx, 200) }()
	m.Advance(200)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	// The stored position is that of the last transaction, not of Advance.
	e = open()
	defer e.Close()
	m = e.Mirror()
	if m.Position() != 140 || m.Upstream() != "test-upstream" {
		t.Fatalf("after restart: position %d, upstream %q", m.Position(), m.Upstream())
	}
	for id, want := range map[int]string{1: `[1 "renamed" 0]`, 3: `[3 "moved" 0]`} {
		if got := read(e, id); got != want {
			t.Fatalf("story %d after restart: %s, want %s", id, got, want)
		}
	}
}

// TestMirrorAndOwnTablesDoNotShareADirectory: a directory of Weir's own tables does not open
// as a mirror (which would drop them for a copy), and a mirror's directory does not open
// without Options.Mirror (which would let clients write into it).
func TestMirrorAndOwnTablesDoNotShareADirectory(t *testing.T) {
	ctx := context.Background()
	own, mirrored := t.TempDir(), t.TempDir()
	e, err := weir.Open(weir.Options{Dir: own})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if e, err := weir.Open(weir.Options{Dir: own, Mirror: true}); err == nil {
		e.Close()
		t.Fatal("a directory of Weir's own tables opened as a mirror")
	}

	e, err = weir.Open(weir.Options{Dir: mirrored, Mirror: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Mirror().SetUpstream("some upstream", 10); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if e, err := weir.Open(weir.Options{Dir: mirrored}); err == nil {
		e.Close()
		t.Fatal("a mirror's directory opened for Weir's own tables")
	}
	// An empty directory opens either way.
	e, err = weir.Open(weir.Options{Dir: t.TempDir(), Mirror: true})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
}

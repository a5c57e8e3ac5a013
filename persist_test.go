package weir_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/storage"
)

// TestRestartRestoresTablesViewsAndTokens: with Options.Dir, tables, rows, named views and the
// token sequence survive Close and Open; AUTO_INCREMENT goes on past the stored rows, and a
// dropped table stays dropped.
func TestRestartRestoresTablesViewsAndTokens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE article (id INT PRIMARY KEY AUTO_INCREMENT, title VARCHAR(50) NOT NULL, price DECIMAL(6,2))")
	mustExec(t, e, "CREATE TABLE vote (article_id INT, user_id INT)")
	mustExec(t, e, "CREATE TABLE scratch (id INT PRIMARY KEY)")
	mustExec(t, e, "INSERT INTO article (title, price) VALUES ('one', 1.50), ('two', NULL), ('three', 3.25)")
	mustExec(t, e, "INSERT INTO vote VALUES (1, 1), (1, 2), (2, 1), (2, 1)")
	mustExec(t, e, "UPDATE article SET title = 'TWO' WHERE id = 2")
	mustExec(t, e, "DELETE FROM article WHERE id = 3")
	mustExec(t, e, "DROP TABLE scratch")
	mustRegister(t, e, "votes", "SELECT a.id, a.title, COUNT(v.user_id) AS n FROM article a LEFT JOIN vote v ON v.article_id = a.id WHERE a.id = ? GROUP BY a.id, a.title")
	last := mustExec(t, e, "INSERT INTO vote VALUES (2, 3)").Token
	read := func(e *weir.Engine) []string {
		t.Helper()
		v, err := e.View("votes")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, id := range []int{1, 2, 3} {
			rows, err := v.Lookup(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows.Len() {
				out = append(out, fmt.Sprint(rows.Row(i)[:3]))
			}
		}
		return out
	}
	if err := e.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	before := read(e)
	tables := func(e *weir.Engine) map[string][]string {
		t.Helper()
		out := map[string][]string{}
		for _, name := range e.Tables() {
			rows, err := e.TableRows(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				out[name] = append(out[name], fmt.Sprint(r))
			}
			slices.Sort(out[name])
		}
		return out
	}
	beforeRows := tables(e)

	// A second engine on the same directory is refused while the first has it.
	if _, err := weir.Open(weir.Options{Dir: dir}); !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := e.Tables(); !slices.Equal(got, []string{"article", "vote"}) {
		t.Fatalf("tables after restart: %v", got)
	}
	if got := tables(e); fmt.Sprint(got) != fmt.Sprint(beforeRows) {
		t.Fatalf("rows after restart:\n%v\nwant\n%v", got, beforeRows)
	}
	if got := read(e); !slices.Equal(got, before) {
		t.Fatalf("view after restart: %v, want %v", got, before)
	}
	// An ad-hoc query waits for every write acknowledged before it: after a restart that
	// must not mean the previous run's writes (the token sequence resumes where it was).
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rows, err := e.Query(qctx, "SELECT title FROM article WHERE id = ?", 2)
	if err != nil || rows.Len() != 1 || rows.Row(0)[0].ToText() != "TWO" {
		t.Fatalf("ad-hoc query after restart: %v, %v", rows, err)
	}
	res := mustExec(t, e, "INSERT INTO article (title) VALUES ('four')")
	if res.LastInsertID != 4 {
		t.Fatalf("AUTO_INCREMENT after restart gave %d, want 4", res.LastInsertID)
	}
	if res.Token <= last {
		t.Fatalf("token %d after restart, want past %d", res.Token, last)
	}
	if err := e.WaitFor(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
}

// TestOpenRefusesDamagedDirectory: a directory whose log was damaged in the middle is
// refused with advice on what to do, rather than opened with the writes after the damage
// silently gone. (A directory in use is refused too: TestRestartRestoresTablesViewsAndTokens.)
func TestOpenRefusesDamagedDirectory(t *testing.T) {
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, body VARCHAR(100))")
	// Enough for a log of several 32 KiB blocks: damage in the last block of the newest log
	// cannot be told from a write torn by a crash (see package storage).
	for i := range 2000 {
		mustExec(t, e, fmt.Sprintf("INSERT INTO t VALUES (%d, '%s')", i, strings.Repeat("x", 50+i%50)))
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	logs, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no log in %s: %v", dir, err)
	}
	slices.Sort(logs)
	data, err := os.ReadFile(logs[len(logs)-1])
	if err != nil {
		t.Fatal(err)
	}
	// The middle of the log, well before its synced end: damage, not a torn tail.
	for i := len(data) / 2; i < len(data)/2+16; i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(logs[len(logs)-1], data, 0o644); err != nil {
		t.Fatal(err)
	}
	e, err = weir.Open(weir.Options{Dir: dir})
	if err == nil {
		e.Close()
		t.Fatal("a damaged directory opened")
	}
	if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), "restore from a backup") {
		t.Fatalf("open of a damaged directory: %v, want storage.ErrCorrupt with advice", err)
	}
	t.Logf("reported: %v", err)
}

// TestRestartKeylessTableAfterCompaction: a table without a primary key stores rows by
// position, and positions are renumbered once most rows are deleted; the store must follow,
// or a restart brings back deleted rows and loses live ones.
func TestRestartKeylessTableAfterCompaction(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE tags (item INT, tag VARCHAR(10))")
	for i := range 3000 {
		mustExec(t, e, fmt.Sprintf("INSERT INTO tags VALUES (%d, 't%d')", i, i%7))
	}
	mustExec(t, e, "DELETE FROM tags WHERE item < 2500")
	// The next statement renumbers the remaining rows and then fails, and the one after it
	// changes nothing: the renumbering must still reach the store with the first write
	// that does.
	if _, err := e.Exec(ctx, "INSERT INTO tags VALUES (1, 'far too long for the column')"); err == nil {
		t.Fatal("an over-long value was accepted")
	}
	mustExec(t, e, "UPDATE tags SET tag = 'none' WHERE item = -1")
	mustExec(t, e, "INSERT INTO tags VALUES (9000, 'new')")
	mustExec(t, e, "DELETE FROM tags WHERE item >= 2900 AND item < 2950")
	mustExec(t, e, "UPDATE tags SET tag = 'upd' WHERE item = 2600")
	dump := func(e *weir.Engine) []string {
		t.Helper()
		rows, err := e.Query(ctx, "SELECT item, tag FROM tags")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := range rows.Len() {
			out = append(out, fmt.Sprint(rows.Row(i)))
		}
		slices.Sort(out)
		return out
	}
	before := dump(e)
	if len(before) != 451 {
		t.Fatalf("%d rows before the restart, want 451", len(before))
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if after := dump(e); !slices.Equal(after, before) {
		t.Fatalf("after the restart %d rows, want %d; first differences: %v", len(after), len(before), firstDiff(after, before))
	}
}

func firstDiff(a, b []string) []string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return []string{a[i], b[i]}
		}
	}
	return nil
}

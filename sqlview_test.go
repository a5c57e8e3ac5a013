package weir_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/planner"
)

// newsSchema creates the tables and views of a small news site.
func newsSchema(t *testing.T, e *weir.Engine) {
	t.Helper()
	for _, sql := range []string{
		"CREATE TABLE stories (id INT PRIMARY KEY, author INT NOT NULL, title VARCHAR(50) NOT NULL)",
		"CREATE TABLE votes (id INT PRIMARY KEY, story_id INT NOT NULL, user_id INT NOT NULL)",
		"CREATE VIEW story_scores AS SELECT story_id, COUNT(*) AS votes FROM votes GROUP BY story_id",
		"CREATE VIEW story_list AS SELECT s.id, s.title, COUNT(v.id) AS votes FROM stories s LEFT JOIN votes v ON v.story_id = s.id GROUP BY s.id, s.title",
		"CREATE VIEW story_voters AS SELECT s.id, s.title, v.user_id FROM stories s JOIN votes v ON v.story_id = s.id",
		"CREATE VIEW refs AS SELECT id AS story_id, 'story' AS kind FROM stories UNION ALL SELECT story_id, 'vote' FROM votes",
		"CREATE VIEW scored AS SELECT s.id, s.title, sc.votes FROM stories s JOIN story_scores sc ON sc.story_id = s.id",
		"CREATE VIEW newest AS SELECT id, title FROM stories ORDER BY id DESC LIMIT 2",
		"INSERT INTO stories VALUES (1, 7, 'one'), (2, 8, 'two'), (3, 7, 'three')",
		"INSERT INTO votes VALUES (1, 1, 10), (2, 1, 11), (3, 2, 10)",
	} {
		mustExec(t, e, sql)
	}
}

// TestSQLViewKeysStayPartial: a parameter compared with a view column keys the reader, and
// the states below stay partial wherever the key traces through the view's operators (a
// grouping column, including a primary key grouped with columns it determines, a join key,
// every branch of a UNION ALL, views over views). Only a view whose rows depend on every key
// (LIMIT) needs a full reader. Every answer is checked after writes that add, change and
// remove rows of keys already read.
func TestSQLViewKeysStayPartial(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	newsSchema(t, e)
	cases := []struct {
		sql     string
		partial bool
		before  []string // rows for key 1, then after the writes
		after   []string
	}{
		{"SELECT * FROM story_scores WHERE story_id = ?", true, []string{"1|2"}, []string{"1|3"}},
		{"SELECT * FROM story_list WHERE id = ?", true, []string{"1|one|2"}, []string{"1|uno|3"}},
		{"SELECT title, user_id FROM story_voters WHERE id = ?", true, []string{"one|10", "one|11"}, []string{"uno|10", "uno|11", "uno|12"}},
		{"SELECT kind FROM refs WHERE story_id = ?", true, []string{"story", "vote", "vote"}, []string{"story", "vote", "vote", "vote"}},
		{"SELECT title, votes FROM scored WHERE id = ?", true, []string{"one|2"}, []string{"uno|3"}},
		{"SELECT title FROM newest WHERE id = ?", false, nil, nil},
	}
	views := make([]*weir.View, len(cases))
	for i, c := range cases {
		v := mustRegister(t, e, fmt.Sprint("q", i), c.sql)
		views[i] = v
		if got := v.Stats().Partial; got != c.partial {
			t.Errorf("%s: partial reader = %v, want %v", c.sql, got, c.partial)
		}
		r, err := v.Lookup(ctx, 1)
		sortedRows(t, c.sql, r, err, c.before)
	}
	mustExec(t, e, "INSERT INTO votes VALUES (4, 1, 12), (5, 3, 10)")
	mustExec(t, e, "UPDATE stories SET title = 'uno' WHERE id = 1")
	mustExec(t, e, "INSERT INTO stories VALUES (4, 9, 'four')")
	tok := mustExec(t, e, "DELETE FROM votes WHERE id = 3").Token
	for i, c := range cases {
		r, err := views[i].LookupAfter(ctx, tok, 1)
		sortedRows(t, c.sql, r, err, c.after)
	}
	r, err := views[1].LookupAfter(ctx, tok, 2)
	sortedRows(t, "story_list of 2", r, err, []string{"2|two|0"})
	r, err = views[5].LookupAfter(ctx, tok, 4)
	sortedRows(t, "newest of 4", r, err, []string{"four"})
}

func sortedRows(t *testing.T, what string, r weir.Rows, err error, want []string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got := texts(r)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: rows %q, want %q", what, got, want)
	}
}

// TestSQLViewSharesNodes: a query over a view is the query with the view's text in its
// place, so it shares every node with the same query written with a derived table, and two
// queries over one view share the view's operators.
func TestSQLViewSharesNodes(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	newsSchema(t, e)
	nodes := func() int {
		dot, err := e.Graph()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(dot, "label=")
	}
	mustRegister(t, e, "by_view", "SELECT * FROM story_list WHERE id = ?")
	n := nodes()
	mustRegister(t, e, "inline", "SELECT * FROM (SELECT s.id, s.title, COUNT(v.id) AS votes FROM stories s LEFT JOIN votes v ON v.story_id = s.id GROUP BY s.id, s.title) AS story_list WHERE id = ?")
	if added := nodes() - n; added != 0 {
		t.Errorf("the inlined text of a view added %d nodes to the view's", added)
	}
	mustRegister(t, e, "titles", "SELECT title FROM story_list WHERE id = ?")
	// Only the projection of title and a reader are new: the join and the aggregate are the
	// view's, shared.
	if added := nodes() - n; added > 2 {
		dot, _ := e.Graph()
		t.Errorf("a second query over the view added %d nodes:\n%s", added, dot)
	}
	v, err := e.View("titles")
	if err != nil {
		t.Fatal(err)
	}
	r, err := v.Lookup(ctx, 2)
	wantRows(t, r, err, "two")
}

// TestSQLViewOverDroppedTable: views outlive the tables they read, as in MySQL: a query over
// one fails with error 1356 (also through a view over it) until the table is created again.
func TestSQLViewOverDroppedTable(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	newsSchema(t, e)
	mustRegister(t, e, "scores", "SELECT * FROM story_scores WHERE story_id = ?")
	mustExec(t, e, "DROP TABLE votes")
	for _, q := range []string{"SELECT * FROM story_scores", "SELECT * FROM scored WHERE id = 1"} {
		_, err := e.Query(ctx, q)
		if code, _, _ := weir.ErrorCode(err); code != 1356 || !errors.Is(err, planner.ErrViewInvalid) {
			t.Fatalf("%s over a dropped table: %v, want error 1356", q, err)
		}
		if !strings.Contains(err.Error(), "View 'weir.") {
			t.Errorf("message %q does not name the view", err)
		}
	}
	if names := e.SQLViews(); !slices.Contains(names, "story_scores") {
		t.Fatalf("views after DROP TABLE: %v", names)
	}
	if _, err := e.View("scores"); !errors.Is(err, weir.ErrNoSuchView) {
		t.Fatalf("the cache over the dropped table is still there: %v", err)
	}
	mustExec(t, e, "CREATE TABLE votes (id INT PRIMARY KEY, story_id INT NOT NULL, user_id INT NOT NULL)")
	mustExec(t, e, "INSERT INTO votes VALUES (1, 2, 3)")
	r, err := e.Query(ctx, "SELECT * FROM story_scores")
	wantRows(t, r, err, "2|1")
}

// TestSQLViewReplaceDropsCaches: CREATE OR REPLACE VIEW and DROP VIEW drop the caches that
// read the view, named or not; a query of a dropped shape and a prepared statement are
// planned again over the new definition (error 1615 where the statement's columns changed).
func TestSQLViewReplaceDropsCaches(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	newsSchema(t, e)
	named := mustRegister(t, e, "scores", "SELECT votes FROM story_scores WHERE story_id = ?")
	other := mustRegister(t, e, "titles", "SELECT title FROM stories WHERE id = ?")
	stmt, err := e.Prepare("SELECT * FROM story_scores WHERE story_id = ?")
	if err != nil {
		t.Fatal(err)
	}
	r, err := stmt.Query(ctx, 1)
	wantRows(t, r, err, "1|2")
	r, err = e.Query(ctx, "SELECT votes FROM story_scores WHERE story_id = 1")
	wantRows(t, r, err, "2")

	mustExec(t, e, "CREATE OR REPLACE VIEW story_scores AS SELECT story_id, COUNT(*) AS votes FROM votes WHERE user_id = 10 GROUP BY story_id")
	if _, err := named.Lookup(ctx, 1); !errors.Is(err, weir.ErrNoSuchView) {
		t.Fatalf("the named cache over the replaced view: %v", err)
	}
	if got := e.Views(); !slices.Equal(got, []string{"titles"}) {
		t.Fatalf("caches after the replace: %v", got)
	}
	if _, err := other.Lookup(ctx, 1); err != nil {
		t.Fatalf("a cache that does not read the view was dropped: %v", err)
	}
	r, err = e.Query(ctx, "SELECT votes FROM story_scores WHERE story_id = 1")
	wantRows(t, r, err, "1")
	r, err = stmt.Query(ctx, 1)
	wantRows(t, r, err, "1|1")

	mustExec(t, e, "ALTER VIEW story_scores AS SELECT story_id FROM votes")
	if _, err := stmt.Query(ctx, 1); err == nil {
		t.Fatal("a prepared statement whose view lost a column still runs")
	} else if code, _, _ := weir.ErrorCode(err); code != 1615 {
		t.Fatalf("prepared statement after its columns changed: %v, want error 1615", err)
	}
	mustExec(t, e, "DROP VIEW story_scores, scored")
	_, err = e.Query(ctx, "SELECT * FROM story_scores")
	if code, _, _ := weir.ErrorCode(err); code != 1146 {
		t.Fatalf("query over a dropped view: %v, want error 1146", err)
	}
	_, err = e.Exec(ctx, "DROP VIEW story_scores")
	if code, _, _ := weir.ErrorCode(err); code != 4092 {
		t.Fatalf("DROP VIEW of a dropped view: %v, want error 4092", err)
	}
	_, err = e.Exec(ctx, "INSERT INTO story_list VALUES (1, 'x', 0)")
	if code, _, _ := weir.ErrorCode(err); code != 1235 || !strings.Contains(err.Error(), "through a view") {
		t.Fatalf("a write through a view: %v, want error 1235 naming it", err)
	}
}

// TestSQLViewsSurviveRestart: view definitions are durable. A view may read a view created
// after it (OR REPLACE), and one may read a table dropped meanwhile: restored as text, each
// works again after Open as before Close, and DROP VIEW and OR REPLACE are durable too.
func TestSQLViewsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	newsSchema(t, e)
	mustExec(t, e, "CREATE TABLE scratch (id INT PRIMARY KEY)")
	mustExec(t, e, "CREATE VIEW a_top AS SELECT * FROM story_list WHERE votes > 0")
	mustExec(t, e, "CREATE VIEW z_base (sid, n) AS SELECT story_id, COUNT(*) FROM votes GROUP BY story_id")
	// a_top now reads z_base, created after it: name order and creation order both put it
	// first.
	mustExec(t, e, "CREATE OR REPLACE VIEW a_top AS SELECT s.title, z.n FROM stories s JOIN z_base z ON z.sid = s.id")
	mustExec(t, e, "CREATE VIEW on_scratch AS SELECT id FROM scratch")
	mustExec(t, e, "DROP TABLE scratch")
	mustExec(t, e, "DROP VIEW newest")
	mustRegister(t, e, "top", "SELECT n FROM a_top WHERE title = ?")
	read := func(e *weir.Engine) string {
		t.Helper()
		r, err := e.Query(ctx, "SELECT title, n FROM a_top")
		if err != nil {
			t.Fatal(err)
		}
		got := texts(r)
		slices.Sort(got)
		return strings.Join(got, ",")
	}
	before := read(e)
	views := e.SQLViews()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := e.SQLViews(); !slices.Equal(got, views) || slices.Contains(got, "newest") {
		t.Fatalf("views after restart %v, want %v", got, views)
	}
	if after := read(e); after != before || before != "one|2,two|1" {
		t.Fatalf("a_top after restart %q, before %q", after, before)
	}
	v, err := e.View("top")
	if err != nil {
		t.Fatal(err)
	}
	r, err := v.Lookup(ctx, "one")
	wantRows(t, r, err, "2")
	if _, err := e.Query(ctx, "SELECT * FROM on_scratch"); !errors.Is(err, planner.ErrViewInvalid) {
		t.Fatalf("a view over a dropped table after restart: %v, want error 1356", err)
	}
	def, err := e.SQLView("z_base")
	if err != nil {
		t.Fatal(err)
	}
	if want := "CREATE VIEW `z_base` (`sid`,`n`) AS SELECT story_id, COUNT(*) FROM votes GROUP BY story_id"; def.SQL() != want {
		t.Fatalf("z_base restored as %q, want %q", def.SQL(), want)
	}
}

// TestReplayThroughFullJoin: a lookup by a column of one side of a join (a story's id in a
// view of stories with their authors, or an author's name) keeps a partial reader, filled
// from that side's table through the full join, which adds the other side's rows from its
// state. Every change after a key is filled reaches it: the other side's rows changing, the
// keyed side's rows coming and going, a LEFT JOIN's padded row turning into matches and
// back, and a key read again after it was evicted.
func TestReplayThroughFullJoin(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	for _, sql := range []string{
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)",
		"CREATE TABLE stories (id INT PRIMARY KEY, author INT NOT NULL, title VARCHAR(50) NOT NULL)",
		"CREATE TABLE votes (id INT PRIMARY KEY, story_id INT NOT NULL, user_id INT NOT NULL)",
		"CREATE VIEW story_authors AS SELECT s.id, s.title, u.name FROM stories s JOIN users u ON u.id = s.author",
		"CREATE VIEW story_votes AS SELECT s.id, s.title, v.user_id FROM stories s LEFT JOIN votes v ON v.story_id = s.id",
		"INSERT INTO users VALUES (1, 'ann'), (2, 'bob')",
		"INSERT INTO stories VALUES (1, 1, 'one'), (2, 2, 'two'), (3, 1, 'three')",
		"INSERT INTO votes VALUES (1, 1, 2)",
	} {
		mustExec(t, e, sql)
	}
	byStory := mustRegister(t, e, "by_story", "SELECT title, name FROM story_authors WHERE id = ?")
	byName := mustRegister(t, e, "by_name", "SELECT id, title FROM story_authors WHERE name = ?")
	voters := mustRegister(t, e, "voters", "SELECT id, user_id FROM story_votes WHERE title = ?")
	for _, v := range []*weir.View{byStory, byName, voters} {
		if !v.Stats().Partial {
			t.Fatalf("%s: full reader, want partial", v.SQL())
		}
	}
	check := func(tok weir.Token, v *weir.View, arg any, want ...string) {
		t.Helper()
		r, err := v.LookupAfter(ctx, tok, arg)
		sortedRows(t, fmt.Sprintf("%s (%v)", v.SQL(), arg), r, err, want)
	}
	check(0, byStory, 1, "one|ann")
	check(0, byName, "ann", "1|one", "3|three")
	check(0, voters, "two", "2|NULL")
	check(0, voters, "one", "1|2")

	mustExec(t, e, "UPDATE users SET name = 'anne' WHERE id = 1")
	mustExec(t, e, "INSERT INTO stories VALUES (4, 2, 'four')")
	mustExec(t, e, "INSERT INTO votes VALUES (2, 2, 1), (3, 2, 2)")
	tok := mustExec(t, e, "DELETE FROM votes WHERE id = 1").Token
	check(tok, byStory, 1, "one|anne")
	check(tok, byName, "ann")
	check(tok, byName, "anne", "1|one", "3|three")
	check(tok, byName, "bob", "2|two", "4|four")
	check(tok, voters, "two", "2|1", "2|2")
	check(tok, voters, "one", "1|NULL")

	for _, v := range []*weir.View{byStory, byName, voters} {
		if err := v.Evict(ctx, map[*weir.View]any{byStory: 1, byName: "bob", voters: "two"}[v]); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(t, e, "UPDATE stories SET author = 1 WHERE id = 4")
	tok = mustExec(t, e, "DELETE FROM votes WHERE id = 2").Token
	check(tok, byStory, 1, "one|anne")
	check(tok, byName, "bob", "2|two")
	check(tok, byName, "anne", "1|one", "3|three", "4|four")
	check(tok, voters, "two", "2|2")
}

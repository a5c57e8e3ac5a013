package weir_test

import (
	"context"
	"testing"

	"github.com/weirdb/weir"
)

// existsEngine has stories, and hidden stories per user.
func existsEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE stories (id INT PRIMARY KEY, user_id INT NOT NULL, title VARCHAR(20) NOT NULL)")
	mustExec(t, e, "CREATE TABLE hidden (user_id INT NOT NULL, story_id INT NOT NULL, PRIMARY KEY (user_id, story_id))")
	mustExec(t, e, "INSERT INTO stories VALUES (1, 10, 'a'), (2, 10, 'b'), (3, 20, 'c')")
	return e
}

// TestExistsMatchTransitions walks one story through 0, 1, 2, 1 and 0 matching rows: EXISTS
// shows it once from the first match to the last, NOT EXISTS exactly when there is none,
// whether the view was read before the writes (partial, filled) or is kept up to date.
func TestExistsMatchTransitions(t *testing.T) {
	ctx := context.Background()
	e := existsEngine(t)
	byStory := map[bool]*weir.View{
		true:  mustRegister(t, e, "visible", "SELECT s.id, s.title FROM stories s WHERE s.id = ? AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id)"),
		false: mustRegister(t, e, "hidden_by_someone", "SELECT s.id, s.title FROM stories s WHERE s.id = ? AND EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id)"),
	}
	byAuthor := map[bool]*weir.View{
		true:  mustRegister(t, e, "visible_by_author", "SELECT s.id FROM stories s WHERE s.user_id = ? AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id) ORDER BY s.id"),
		false: mustRegister(t, e, "hidden_by_author", "SELECT s.id FROM stories s WHERE s.user_id = ? AND EXISTS (SELECT * FROM hidden h WHERE h.story_id = s.id)"),
	}
	for anti, v := range byStory {
		if !v.Stats().Partial {
			t.Errorf("view keyed by the correlation column (anti=%v) is not partial", anti)
		}
	}
	for anti, v := range byAuthor {
		if !v.Stats().Partial {
			t.Errorf("view keyed by an outer column (anti=%v) is not partial", anti)
		}
	}
	steps := []struct {
		write   string
		matches int
	}{
		{"INSERT INTO hidden VALUES (3, 9)", 0}, // another story's match changes nothing
		{"INSERT INTO hidden VALUES (1, 1)", 1},
		{"INSERT INTO hidden VALUES (2, 1)", 2},
		{"DELETE FROM hidden WHERE user_id = 1 AND story_id = 1", 1},
		{"UPDATE hidden SET user_id = 5 WHERE story_id = 1", 1},
		{"DELETE FROM hidden WHERE story_id = 1", 0},
		{"INSERT INTO hidden VALUES (4, 1), (5, 1)", 2},
		{"DELETE FROM hidden WHERE story_id = 1", 0},
	}
	for i, st := range steps {
		tok := mustExec(t, e, st.write).Token
		for anti, v := range byStory {
			rows, err := v.LookupAfter(ctx, tok, 1)
			if anti == (st.matches == 0) {
				wantRows(t, rows, err, "1|a")
			} else {
				wantRows(t, rows, err)
			}
		}
		for anti, v := range byAuthor {
			rows, err := v.LookupAfter(ctx, tok, 10)
			switch {
			case anti && st.matches == 0, !anti && st.matches > 0:
				if anti {
					wantRows(t, rows, err, "1", "2")
				} else {
					wantRows(t, rows, err, "1")
				}
			case anti:
				wantRows(t, rows, err, "2")
			default:
				wantRows(t, rows, err)
			}
		}
		if t.Failed() {
			t.Fatalf("after step %d (%s)", i, st.write)
		}
	}
}

// TestNotInNullTransitions: x NOT IN (SELECT y ...) is true for every row (NULL x too) while
// the subquery is empty, never true while some y is NULL, and never true for a NULL x once
// the subquery has rows; each change is applied to the kept result.
func TestNotInNullTransitions(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE users (id INT PRIMARY KEY, team INT NULL)")
	mustExec(t, e, "CREATE TABLE blocked (id INT PRIMARY KEY, team INT NULL)")
	mustExec(t, e, "INSERT INTO users VALUES (1, 1), (2, 2), (3, NULL)")
	v := mustRegister(t, e, "unblocked", "SELECT id FROM users WHERE team NOT IN (SELECT team FROM blocked) ORDER BY id")
	steps := []struct {
		write string
		want  []string
	}{
		{"INSERT INTO blocked VALUES (100, 7)", []string{"1", "2"}},
		{"DELETE FROM blocked", []string{"1", "2", "3"}},
		{"INSERT INTO blocked VALUES (1, 1)", []string{"2"}},
		{"INSERT INTO blocked VALUES (2, NULL)", nil},
		{"INSERT INTO blocked VALUES (3, NULL)", nil},
		{"DELETE FROM blocked WHERE id = 2", nil},
		{"UPDATE blocked SET team = 2 WHERE id = 3", nil},
		{"DELETE FROM blocked WHERE team = 2", []string{"2"}},
		{"UPDATE users SET team = 5 WHERE id = 3", []string{"2", "3"}},
		{"DELETE FROM blocked", []string{"1", "2", "3"}},
		{"UPDATE users SET team = NULL WHERE id = 1", []string{"1", "2", "3"}},
	}
	for i, st := range steps {
		tok := mustExec(t, e, st.write).Token
		rows, err := v.LookupAfter(ctx, tok)
		wantRows(t, rows, err, st.want...)
		if t.Failed() {
			t.Fatalf("after step %d (%s)", i, st.write)
		}
	}
}

// TestSavedStoriesKeyedInsideExists: a parameter inside EXISTS keys the cache; where the
// subquery's rows are distinct already (they hold the table's primary key), the key traces
// to the table's index and the cache is partial. Each key sees its own matches only.
func TestSavedStoriesKeyedInsideExists(t *testing.T) {
	ctx := context.Background()
	e := existsEngine(t)
	v := mustRegister(t, e, "saved", "SELECT s.id, s.title FROM stories s WHERE EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = ?) ORDER BY s.id")
	if !v.Stats().Partial {
		t.Errorf("a cache keyed inside EXISTS over a primary key is not partial")
	}
	steps := []struct {
		write  string
		u1, u2 []string
	}{
		{"INSERT INTO hidden VALUES (1, 2)", []string{"2|b"}, nil},
		{"INSERT INTO hidden VALUES (2, 2), (1, 3)", []string{"2|b", "3|c"}, []string{"2|b"}},
		{"DELETE FROM hidden WHERE user_id = 1 AND story_id = 2", []string{"3|c"}, []string{"2|b"}},
		{"UPDATE hidden SET user_id = 2 WHERE story_id = 3", nil, []string{"2|b", "3|c"}},
		{"DELETE FROM stories WHERE id = 2", nil, []string{"3|c"}},
	}
	for i, st := range steps {
		tok := mustExec(t, e, st.write).Token
		rows, err := v.LookupAfter(ctx, tok, 1)
		wantRows(t, rows, err, st.u1...)
		rows, err = v.LookupAfter(ctx, tok, 2)
		wantRows(t, rows, err, st.u2...)
		if t.Failed() {
			t.Fatalf("after step %d (%s)", i, st.write)
		}
	}
}

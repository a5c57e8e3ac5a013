package weir_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// groupedShapes are queries whose state groups by more than their key: an aggregate grouped
// by other columns while an equality fixes the key, the same under a top-k, and a DISTINCT
// whose rows carry the key as a hidden column. Each keeps its state for the keys read.
var groupedShapes = []struct{ name, sql string }{
	{"grouped", "SELECT user_id, COUNT(*), SUM(weight) FROM vote WHERE article_id = ? GROUP BY user_id ORDER BY user_id"},
	{"top", "SELECT user_id, COUNT(*) AS n FROM vote WHERE article_id = ? GROUP BY user_id ORDER BY n DESC, user_id LIMIT 2"},
	{"distinct", "SELECT DISTINCT user_id FROM vote WHERE article_id = ? ORDER BY user_id"},
}

// groupedRows renders a shape's rows for one article, given each user's votes on it (of
// weight 1 each; users 1 to 5, 0 for none).
func groupedRows(shape string, votes func(u int) int) []string {
	var out []string
	switch shape {
	case "grouped", "distinct":
		for u := 1; u <= 5; u++ {
			switch n := votes(u); {
			case n == 0:
			case shape == "grouped":
				out = append(out, fmt.Sprintf("%d|%d|%d", u, n, n))
			default:
				out = append(out, fmt.Sprint(u))
			}
		}
	case "top":
		users := []int{1, 2, 3, 4, 5}
		slices.SortStableFunc(users, func(a, b int) int { return votes(b) - votes(a) })
		for _, u := range users[:2] {
			out = append(out, fmt.Sprintf("%d|%d", u, votes(u)))
		}
	}
	return out
}

// votesOf is how many votes user u cast on article a in groupedEngine.
func votesOf(a, u int) int {
	if u > 4 {
		return 0
	}
	return 1 + (a+u)%2 + u
}

// groupedEngine holds 200 articles, each voted on by four users several times.
func groupedEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE vote (article_id INT, user_id INT, weight INT)")
	var vals []string
	for a := 1; a <= 200; a++ {
		for u := 1; u <= 4; u++ {
			for range votesOf(a, u) {
				vals = append(vals, fmt.Sprintf("(%d, %d, 1)", a, u))
			}
		}
	}
	mustExec(t, e, "INSERT INTO vote VALUES "+strings.Join(vals, ", "))
	return e
}

// TestGroupedByMoreThanKeyKeepsOnlyKeysRead: a view whose state groups by more than its key
// reads three articles of two hundred, and its partial states then hold those three
// articles' groups alone; evicting a key frees them, writes into an evicted key are dropped
// on the way and the next read refills the key with them, and writes into a present key
// keep it current.
func TestGroupedByMoreThanKeyKeepsOnlyKeysRead(t *testing.T) {
	for _, shape := range groupedShapes {
		t.Run(shape.name, func(t *testing.T) {
			ctx := context.Background()
			e := groupedEngine(t)
			v := mustRegister(t, e, shape.name, shape.sql)
			if st := v.Stats(); !st.Partial {
				t.Fatalf("the view is full: %s", st.FullReason)
			}
			for _, a := range []int{3, 4, 5} {
				rows, err := v.Lookup(ctx, a)
				wantRows(t, rows, err, groupedRows(shape.name, func(u int) int { return votesOf(a, u) })...)
			}
			states, err := e.States(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(states) == 0 {
				t.Fatal("no partial operator state")
			}
			for _, s := range states {
				if s.Keys != 3 || s.Bytes <= 0 {
					t.Errorf("%s holds %d keys (%d bytes) after reading three articles of 200", s.Node, s.Keys, s.Bytes)
				}
			}
			if k := v.Stats().Keys; k != 3 {
				t.Errorf("the reader holds %d keys after three reads", k)
			}
			if err := v.Evict(ctx, 4); err != nil {
				t.Fatal(err)
			}
			waitFor(t, func() bool {
				states, err := e.States(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range states {
					if s.Keys != 2 {
						return false
					}
				}
				return v.Stats().Keys == 2
			})
			// A fifth user votes on an evicted article and on a present one; the user who
			// voted most on the present one withdraws every vote, which empties a group.
			tok := mustExec(t, e, "INSERT INTO vote VALUES (4, 5, 1), (3, 5, 1), (3, 5, 1)").Token
			if _, err := v.LookupAfter(ctx, tok, 3); err != nil {
				t.Fatal(err)
			}
			tok = mustExec(t, e, "DELETE FROM vote WHERE article_id = 3 AND user_id = 4").Token
			after := map[int]func(u int) int{
				3: func(u int) int { // user 4 withdrew, user 5 voted twice
					switch u {
					case 4:
						return 0
					case 5:
						return 2
					}
					return votesOf(3, u)
				},
				4: func(u int) int { // user 5 voted once
					if u == 5 {
						return 1
					}
					return votesOf(4, u)
				},
			}
			for _, a := range []int{3, 4} {
				rows, err := v.LookupAfter(ctx, tok, a)
				wantRows(t, rows, err, groupedRows(shape.name, after[a])...)
			}
		})
	}
}

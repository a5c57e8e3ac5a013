package planner

import (
	"sync"
	"testing"
)

// TestConcurrentCompilesShareNoTree: a TiDB parser's next Parse may write to the nodes of
// the tree it returned last, so a pooled parser must not go back to the pool while its tree
// is still read. Compiles on several goroutines, some failing with errors that read node
// positions after parsing (the race detector saw a parser reused by another goroutine write
// a node's position while the first compile read it for "near …"), must agree with the same
// compiles run alone.
func TestConcurrentCompilesShareNoTree(t *testing.T) {
	cat := testCatalog(t)
	stmts := []string{
		"SELECT id FROM stories WHERE id NOT IN (SELECT story_id FROM comments)",
		"SELECT id FROM stories WHERE EXISTS (SELECT 1 FROM comments c WHERE c.story_id = stories.id)",
		"SELECT s.id, COUNT(c.id) FROM stories s LEFT JOIN comments c ON c.story_id = s.id WHERE s.id = ? GROUP BY s.id",
		"SELECT id FROM stories WHERE id IN (1, 2, 3) AND title LIKE 'a%'",
		"SELECT (SELECT COUNT(*) FROM comments) FROM stories",
		"SELECT id FROM stories WHERE id = ? UNION SELECT story_id FROM comments WHERE user_id = ? UNION ALL SELECT user_id FROM comments",
		"SELECT id FROM stories WHERE id NOT IN (1, 2) OR title NOT IN ('a', 'b')",
	}
	want := make([]string, len(stmts))
	for i, sql := range stmts {
		want[i] = render(Compile(cat, sql))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := (g + i) % len(stmts)
				if got := render(Compile(cat, stmts[k])); got != want[k] {
					t.Errorf("%s: concurrently %q, alone %q", stmts[k], got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

package pgwire

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdb/weir/internal/testserver"
)

// pgbenchVoteScript reads an article with its vote count, as `weir bench pgbench` does, and
// checks the row it gets: article i has 1 + i % 3 votes. pgbench has no assertion; a
// division by zero is an error that aborts the client and fails the run.
const pgbenchVoteScript = `\set id random(1, 60)
SELECT a.id, a.title, vc.votes FROM articles a LEFT JOIN (SELECT article_id, COUNT(user_id) AS votes FROM votes GROUP BY article_id) vc ON vc.article_id = a.id WHERE a.id = :id \gset r_
\if :r_id != :id or :r_votes != %s
\set wrong_row 1 / 0
\endif
`

// TestPgbench runs pgbench with a custom script against the listener in each of its query
// modes: simple (the id as a literal in the query text), extended (an unnamed statement
// parsed, bound and executed per transaction, its parameter's type left to the server) and
// prepared (a named statement per connection). Every transaction checks the row it read; a
// script expecting the wrong count shows that those checks fail a run.
func TestPgbench(t *testing.T) {
	pgbench := testserver.RequireBinary(t, "pgbench")
	e := openEngine(t)
	execSQL(t, e, "CREATE TABLE articles (id INT PRIMARY KEY, title VARCHAR(64) NOT NULL)")
	execSQL(t, e, "CREATE TABLE votes (article_id INT NOT NULL, user_id BIGINT NOT NULL, PRIMARY KEY (article_id, user_id))")
	var articles, votes []string
	for i := 1; i <= 60; i++ {
		articles = append(articles, fmt.Sprintf("(%d, 'Article #%d')", i, i))
		for u := 0; u < 1+i%3; u++ {
			votes = append(votes, fmt.Sprintf("(%d, %d)", i, i*10+u))
		}
	}
	execSQL(t, e, "INSERT INTO articles VALUES "+strings.Join(articles, ", "))
	execSQL(t, e, "INSERT INTO votes VALUES "+strings.Join(votes, ", "))
	s := startServer(t, e, Config{})
	conninfo := fmt.Sprintf("host=127.0.0.1 port=%d user=root dbname=weir sslmode=disable", s.Addr().(*net.TCPAddr).Port)

	dir := t.TempDir()
	script := func(name, votes string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(fmt.Sprintf(pgbenchVoteScript, votes)), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	right, wrong := script("right.sql", "1 + :id % 3"), script("wrong.sql", "2 + :id % 3")
	for _, mode := range []string{"simple", "extended", "prepared"} {
		t.Run(mode, func(t *testing.T) {
			out, errOut, err := runClient(t, "", nil, pgbench, "-n", "-M", mode, "-c", "2", "-j", "1", "-t", "100", "-f", right, conninfo)
			if err != nil {
				t.Fatalf("pgbench -M %s: %v\n%s%s", mode, err, out, errOut)
			}
			for _, want := range []string{"query mode: " + mode, "number of transactions actually processed: 200/200", "number of failed transactions: 0 "} {
				if !strings.Contains(string(out), want) {
					t.Errorf("pgbench -M %s printed no %q:\n%s%s", mode, want, out, errOut)
				}
			}
			out, errOut, err = runClient(t, "", nil, pgbench, "-n", "-M", mode, "-c", "1", "-t", "5", "-f", wrong, conninfo)
			if err == nil || !strings.Contains(string(errOut), "division by zero") {
				t.Errorf("pgbench -M %s expecting the wrong vote counts: %v\n%s%s", mode, err, out, errOut)
			}
		})
	}
}

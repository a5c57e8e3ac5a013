package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir"
)

// pointFixture is a session over `weir bench vote`'s tables (articles articles, two votes
// each), with the vote read prepared as statement 1 and every article's key filled, and a
// wire whose replies go to a buffer; packets[i] is COM_STMT_EXECUTE of article i+1.
func pointFixture(b testing.TB, articles int) (s *session, w *wire, packets [][]byte) {
	b.Helper()
	ctx := context.Background()
	e, err := weir.Open(weir.Options{MemoryLimit: -1, ReadTimeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	for _, ddl := range []string{
		"CREATE TABLE articles (id INT PRIMARY KEY, title VARCHAR(64) NOT NULL)",
		"CREATE TABLE votes (article_id INT NOT NULL, user_id INT NOT NULL)",
	} {
		if _, err := e.Exec(ctx, ddl); err != nil {
			b.Fatal(err)
		}
	}
	var q strings.Builder
	q.WriteString("INSERT INTO articles VALUES ")
	for i := 1; i <= articles; i++ {
		if i > 1 {
			q.WriteByte(',')
		}
		fmt.Fprintf(&q, "(%d,'Article #%d')", i, i)
	}
	if _, err := e.Exec(ctx, q.String()); err != nil {
		b.Fatal(err)
	}
	q.Reset()
	q.WriteString("INSERT INTO votes VALUES ")
	for i := 1; i <= 2*articles; i++ {
		if i > 1 {
			q.WriteByte(',')
		}
		fmt.Fprintf(&q, "(%d,%d)", (i-1)%articles+1, i)
	}
	res, err := e.Exec(ctx, q.String())
	if err != nil {
		b.Fatal(err)
	}
	if err := e.WaitFor(ctx, res.Token); err != nil {
		b.Fatal(err)
	}
	s, w = preparedSession(b, e, `SELECT a.id, a.title, vc.votes
FROM articles a LEFT JOIN (SELECT article_id, COUNT(user_id) AS votes FROM votes GROUP BY article_id) vc
ON a.id = vc.article_id WHERE a.id = ?`)
	packets = make([][]byte, articles)
	for i := range packets {
		packets[i] = executePacket(int64(i + 1))
		// Fill every key first: the benchmark measures hits.
		w.conn.Out = w.conn.Out[:0]
		w.seq = 1
		if _, err := s.dispatch(w, packets[i]); err != nil {
			b.Fatal(err)
		}
		if w.conn.Out[4] == mysql.ERR_HEADER {
			b.Fatalf("read %d: %q", i+1, w.conn.Out)
		}
	}
	return s, w, packets
}

// BenchmarkExecutePoint is the command handling of `weir bench vote`'s read on the poller,
// without the network: parse and bind COM_STMT_EXECUTE, the lookup of one article's vote
// count (a hit), and the reply of one binary row with its column definitions, into the
// connection's output buffer. (TestReadAllocations checks that such a read makes no
// allocation.)
func BenchmarkExecutePoint(b *testing.B) {
	const articles = 10_000
	s, w, packets := pointFixture(b, articles)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w.conn.Out = w.conn.Out[:0]
		w.seq = 1
		if err := s.tryDispatch(w, packets[(i*7919)%articles]); err != nil {
			b.Fatal(err)
		}
	}
}

package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir"
)

// rangeFixture is a session over `weir bench range`'s events table of rows rows (created
// a permutation of the ids, 1000 apart), with its range read prepared as statement 1 and
// every interval filled, and a wire whose replies go to a buffer.
func rangeFixture(tb testing.TB, rows int) (*weir.Engine, *session, *wire) {
	tb.Helper()
	ctx := context.Background()
	e, err := weir.Open(weir.Options{MemoryLimit: -1, ReadTimeout: time.Minute})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	if _, err := e.Exec(ctx, "CREATE TABLE events (id BIGINT PRIMARY KEY, created BIGINT NOT NULL, title VARCHAR(64) NOT NULL)"); err != nil {
		tb.Fatal(err)
	}
	const batch = 1000
	var tok weir.Token
	var q strings.Builder
	for i := 1; i <= rows; i += batch {
		q.Reset()
		q.WriteString("INSERT INTO events VALUES ")
		for j := i; j < i+batch && j <= rows; j++ {
			if j > i {
				q.WriteByte(',')
			}
			fmt.Fprintf(&q, "(%d,%d,'Event #%d')", j, int64((uint64(j)*2654435761)%uint64(rows))*1000+1, j)
		}
		res, err := e.Exec(ctx, q.String())
		if err != nil {
			tb.Fatal(err)
		}
		tok = res.Token
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		tb.Fatal(err)
	}
	s, w := preparedSession(tb, e, "SELECT id, created, title FROM events WHERE created > ? ORDER BY created LIMIT 20")
	// One read below every bound fills every interval.
	w.seq = 1
	if _, err := s.dispatch(w, executePacket(-1)); err != nil {
		tb.Fatal(err)
	}
	if w.conn.Out[4] == mysql.ERR_HEADER {
		tb.Fatalf("the first read: %q", w.conn.Out)
	}
	w.conn.Out = w.conn.Out[:0]
	return e, s, w
}

// BenchmarkExecuteRange is the command handling of `weir bench range`'s read on the poller,
// without the network: parse and bind COM_STMT_EXECUTE, the range lookup, and the reply of
// 20 binary rows with its column definitions, into the connection's output buffer.
func BenchmarkExecuteRange(b *testing.B) {
	const rows = 300_000
	_, s, w := rangeFixture(b, rows)
	packets := make([][]byte, 1<<12)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range packets {
		packets[i] = executePacket(rng.Int64N(int64(rows-20) * 1000))
	}
	for round := range 3 {
		for _, touch := range []bool{true, false} {
			b.Run(fmt.Sprintf("touch=%v/%d", touch, round), func(b *testing.B) {
				touchRowsFirst = touch
				defer func() { touchRowsFirst = true }()
				b.ReportAllocs()
				cpu0, cpuKnown := processCPU()
				n := 0
				for i := 0; b.Loop(); i++ {
					n++
					w.conn.Out = w.conn.Out[:0]
					w.seq = 1
					if err := s.tryDispatch(w, packets[i&(len(packets)-1)]); err != nil {
						b.Fatal(err)
					}
				}
				if cpu1, ok := processCPU(); ok && cpuKnown {
					b.ReportMetric(float64(cpu1-cpu0)/float64(n), "cpu-ns/op")
				}
			})
		}
	}
}

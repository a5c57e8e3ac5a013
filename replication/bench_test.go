package replication

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkReplicationApply measures how fast the mirror applies a backlog: with Weir
// stopped, PostgreSQL commits transactions of ten row updates each; then Weir starts, resumes
// from its slot, and the time until it has applied the upstream's last position gives
// changes per second. Run with -benchtime=1x; the backlog is fixed.
func BenchmarkReplicationApply(b *testing.B) {
	const txs, perTx = 5000, 10
	_, dsn, db := newUpstream(b)
	ctx := context.Background()
	dir := b.TempDir()
	m := startMirror(b, dir, dsn)
	m.stop()

	// The backlog: concurrent writers, each transaction updating ten votes.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < txs; i += 4 {
				user := 1 + i%testUsers
				if _, err := db.Exec(ctx, "UPDATE votes SET weight = weight + 1 WHERE user_id = $1 AND story_id IN (SELECT story_id FROM votes WHERE user_id = $1 ORDER BY story_id LIMIT $2)", user, perTx); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	target := currentLSN(b, ctx, db)

	b.ResetTimer()
	start := time.Now()
	m = startMirror(b, dir, dsn)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := m.e.Mirror().WaitForPosition(wctx, target); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.StopTimer()
	st := m.rep.Status()
	b.ReportMetric(float64(st.Changes)/took.Seconds(), "changes/s")
	b.ReportMetric(float64(st.Transactions)/took.Seconds(), "txs/s")
	b.Logf("caught up on %d transactions, %d changes in %s (including the restart), GOMAXPROCS %d", st.Transactions, st.Changes, took.Round(time.Millisecond), runtime.GOMAXPROCS(0))
}

// BenchmarkReplicationLag measures write-to-visible time under a steady load: writers
// commit single-row updates at a fixed rate while a probe updates one story's title 200
// times, each committed synchronously, and times from the commit's return until a read of
// the mirror's cache shows the new title.
func BenchmarkReplicationLag(b *testing.B) {
	_, dsn, db := newUpstream(b)
	ctx := context.Background()
	m := startMirror(b, b.TempDir(), dsn)
	if _, err := m.e.Register(ctx, "titles", "SELECT title FROM stories WHERE id = ?"); err != nil {
		b.Fatal(err)
	}
	v, err := m.e.View("titles")
	if err != nil {
		b.Fatal(err)
	}

	// Background load: 4 writers, one commit each per 2 ms (about 2,000 commits/s in all,
	// when PostgreSQL keeps up).
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var background int64
	var mu sync.Mutex
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			n := int64(0)
			defer func() { mu.Lock(); background += n; mu.Unlock() }()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				if _, err := db.Exec(ctx, "UPDATE votes SET weight = weight + 1 WHERE story_id = $1 AND user_id = $2", 1+rng.IntN(testStories), 1+rng.IntN(testUsers)); err != nil {
					b.Error(err)
					return
				}
				n++
			}
		}()
	}

	probe, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer probe.Close(ctx)
	if _, err := probe.Exec(ctx, "SET synchronous_commit = on"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	began := time.Now()
	var lags []time.Duration
	for i := range 200 {
		title := fmt.Sprintf("probe %d", i)
		if _, err := probe.Exec(ctx, "UPDATE stories SET title = $1 WHERE id = 1", title); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		deadline := committed.Add(30 * time.Second)
		for {
			rows, err := v.Lookup(ctx, 1)
			if err != nil {
				b.Fatal(err)
			}
			if rows.Len() == 1 && rows.Row(0)[0].ToText() == title {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("probe %d not visible after 30s", i)
			}
			runtime.Gosched()
		}
		lags = append(lags, time.Since(committed))
		// Probes 10 ms apart, so each measures a fresh commit rather than a queue.
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(began)
	close(stop)
	wg.Wait()
	b.StopTimer()
	slices.Sort(lags)
	q := func(p float64) time.Duration { return lags[int(p*float64(len(lags)-1))] }
	st := m.rep.Status()
	b.ReportMetric(float64(q(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(q(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(background)/elapsed.Seconds(), "upstream-commits/s")
	b.Logf("write-to-visible over %d probes: p50 %s, p90 %s, p99 %s, max %s; %d background commits in %s; mirror applied %d transactions",
		len(lags), q(0.5), q(0.9), q(0.99), lags[len(lags)-1], background, elapsed.Round(time.Millisecond), st.Transactions)
}

package bench

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// TestConsistencyMariaDB is the consistency benchmark's short run over MariaDB: Weir,
// following MariaDB's binary log and read over its proxy, ends with no key that differs
// from MariaDB, while cache-aside keeps some stale (the run is repeated, with another seed,
// until it does, three runs at most, as in TestConsistencyWeirNeverStaysStale). The
// read-your-writes sessions never read less than their own write through the proxy, and the
// proxy's counters account for every read: each reader's read answered by Weir's cache, each
// round's read by the cache or by MariaDB.
func TestConsistencyMariaDB(t *testing.T) {
	redisServer := testserver.RequireBinary(t, "redis-server")
	m := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	for run := range 3 {
		rep, err := RunConsistency(context.Background(), ConsistencyConfig{
			Upstream: "mariadb", MariaDBDSN: m.DSN(""), Keys: 20, Duration: 3 * time.Second, FillDelay: 20 * time.Millisecond,
			RedisServer: redisServer, Seed: uint64(1 + run),
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		w, aside, p := rep.Systems["weir"], rep.Systems["cache-aside"], rep.Proxy
		var out bytes.Buffer
		rep.Print(&out)
		t.Logf("run %d:\n%s", run+1, out.String())
		if w.Reads == 0 || aside.Reads == 0 || w.Writes == 0 || p == nil || p.Rounds == 0 {
			t.Fatalf("nothing measured: weir %+v, cache-aside %+v, proxy %+v", w, aside, p)
		}
		if w.PermanentlyStaleKeys != 0 {
			t.Fatalf("Weir left %d keys stale after catching up", w.PermanentlyStaleKeys)
		}
		if p.StaleReads != 0 {
			t.Fatalf("%d of %d reads through the proxy returned less than the session's own write", p.StaleReads, p.Rounds)
		}
		if p.FromUpstream < 0 || p.FromUpstream > p.Rounds || p.FromCache == 0 {
			t.Fatalf("the rounds' reads: %d from the cache, %d from MariaDB, of %d", p.FromCache, p.FromUpstream, p.Rounds)
		}
		if p.ReaderReadsFromCache != p.ReaderReads || p.ReaderReads != w.Reads {
			t.Fatalf("Weir's caches answered %d of the readers' %d reads", p.ReaderReadsFromCache, p.ReaderReads)
		}
		if !bytes.Contains(out.Bytes(), []byte("differing from MariaDB")) || !bytes.Contains(out.Bytes(), []byte("read-your-writes through Weir's proxy")) {
			t.Fatalf("report:\n%s", out.String())
		}
		if aside.PermanentlyStaleKeys > 0 {
			return
		}
	}
	t.Errorf("cache-aside left no key stale in three runs: the runs did not exercise the fill/invalidate race")
}

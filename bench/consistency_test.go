package bench

import (
	"context"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// TestConsistencyWeirNeverStaysStale is the consistency benchmark's short run: over the same
// writes, Weir ends with no key that differs from PostgreSQL, while cache-aside, whose fills
// race its invalidations, keeps some stale until their TTL.
func TestConsistencyWeirNeverStaysStale(t *testing.T) {
	redisServer := testserver.RequireBinary(t, "redis-server")
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "consistency")
	rep, err := RunConsistency(context.Background(), ConsistencyConfig{
		Keys: 20, Duration: 3 * time.Second, FillDelay: 20 * time.Millisecond, PostgresURL: dsn, RedisServer: redisServer, Seed: 1,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, aside := rep.Systems["weir"], rep.Systems["cache-aside"]
	t.Logf("weir: reads %d, stale reads %d, stale keys %d, visible p50 %.2fms p99 %.2fms", w.Reads, w.StaleReads, w.PermanentlyStaleKeys, w.VisibleP50, w.VisibleP99)
	t.Logf("cache-aside: reads %d, stale reads %d, stale keys %d, visible p50 %.2fms p99 %.2fms", aside.Reads, aside.StaleReads, aside.PermanentlyStaleKeys, aside.VisibleP50, aside.VisibleP99)
	if w.Reads == 0 || aside.Reads == 0 || w.Writes == 0 {
		t.Fatalf("nothing measured: weir %+v, cache-aside %+v", w, aside)
	}
	if w.PermanentlyStaleKeys != 0 {
		t.Errorf("Weir left %d keys stale after catching up", w.PermanentlyStaleKeys)
	}
	if aside.PermanentlyStaleKeys == 0 {
		t.Errorf("cache-aside left no key stale: the run did not exercise the fill/invalidate race")
	}
}

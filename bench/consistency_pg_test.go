package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
)

// TestConsistencyPostgresReaders is the consistency benchmark's short run with Weir's
// readers on its PostgreSQL protocol: Weir ends with no stale key, cache-aside (over the
// same writes) with some, in one of three runs at most (see
// TestConsistencyWeirNeverStaysStale).
func TestConsistencyPostgresReaders(t *testing.T) {
	redisServer := testserver.RequireBinary(t, "redis-server")
	pg := testserver.StartPostgres(t)
	for run := range 3 {
		dsn := pg.CreateDatabase(t, fmt.Sprintf("consistency_pg%d", run))
		rep, err := RunConsistency(context.Background(), ConsistencyConfig{
			Keys: 20, Duration: 3 * time.Second, FillDelay: 20 * time.Millisecond, PostgresURL: dsn, RedisServer: redisServer,
			Seed: uint64(1 + run), Protocol: ProtocolPostgres,
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		rep.Print(&out)
		if !strings.Contains(out.String(), "over the PostgreSQL protocol") {
			t.Fatalf("the report does not say the readers used the PostgreSQL protocol:\n%s", out.String())
		}
		w, aside := rep.Systems["weir"], rep.Systems["cache-aside"]
		t.Logf("run %d: weir: reads %d, stale reads %d, stale keys %d; cache-aside: reads %d, stale reads %d, stale keys %d",
			run+1, w.Reads, w.StaleReads, w.PermanentlyStaleKeys, aside.Reads, aside.StaleReads, aside.PermanentlyStaleKeys)
		if w.Reads == 0 || aside.Reads == 0 || w.Writes == 0 {
			t.Fatalf("nothing measured: weir %+v, cache-aside %+v", w, aside)
		}
		if w.PermanentlyStaleKeys != 0 {
			t.Fatalf("Weir left %d keys stale after catching up", w.PermanentlyStaleKeys)
		}
		if aside.PermanentlyStaleKeys > 0 {
			return
		}
	}
	t.Errorf("cache-aside left no key stale in three runs: the runs did not exercise the fill/invalidate race")
}

// TestReadWeirOverPostgres reads counters through the PostgreSQL protocol reader, and sees a
// write made after its statement was prepared.
func TestReadWeirOverPostgres(t *testing.T) {
	ctx := context.Background()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, q := range []string{
		"CREATE TABLE weir_counters (id INT PRIMARY KEY, value BIGINT NOT NULL)",
		"INSERT INTO weir_counters VALUES (1, 10), (2, 20)",
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	read, stop, err := readWeirOverPostgres(ctx, e, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if v, err := read(ctx, 2); err != nil || v != 20 {
		t.Fatalf("counter 2: %d, %v", v, err)
	}
	res, err := e.Exec(ctx, "UPDATE weir_counters SET value = 21 WHERE id = 2")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WaitFor(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	if v, err := read(ctx, 2); err != nil || v != 21 {
		t.Fatalf("counter 2 after the update: %d, %v", v, err)
	}
	if _, err := read(ctx, 3); err == nil {
		t.Fatal("a counter with no row: want an error")
	}
}

func TestConsistencyProtocolRefusals(t *testing.T) {
	for _, cfg := range []ConsistencyConfig{{Protocol: "resp"}, {Protocol: ProtocolPostgres, Inproc: true}} {
		if _, err := RunConsistency(context.Background(), cfg, nil); err == nil || !strings.Contains(err.Error(), "protocol") {
			t.Errorf("%+v: %v, want a refusal naming the protocol", cfg, err)
		}
	}
}

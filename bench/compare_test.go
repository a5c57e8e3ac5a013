package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
)

// TestCompareRuns runs the vote workload briefly against Weir over its protocol, PostgreSQL
// and cache-aside, each started privately, and checks every system measured reads and
// writes and the report prints.
func TestCompareRuns(t *testing.T) {
	testserver.RequireBinary(t, "redis-server")
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "vote")
	rep, err := RunCompare(context.Background(), CompareConfig{
		Vote:        VoteConfig{Articles: 2000, ReadShare: 0.9, Zipf: 1.08, Clients: 2, Duration: 500 * time.Millisecond},
		Compare:     []string{"postgres", "redis"},
		PostgresURL: dsn,
	}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"weir", "postgres", "redis"} {
		s := rep.Systems[name]
		if s == nil || s.Reads == 0 || s.Writes == 0 || s.ReadP50 <= 0 {
			t.Fatalf("%s measured nothing: %+v", name, s)
		}
	}
	if rep.Systems["weir"].HitRate == nil || rep.Systems["redis"].HitRate == nil || rep.Systems["postgres"].HitRate != nil {
		t.Fatal("hit rates: want them for Weir and Redis only")
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !bytes.Contains(out.Bytes(), []byte("Weir/postgres read throughput")) {
		t.Fatalf("report lacks the ratios:\n%s", out.String())
	}
}

// TestPlotsDraw draws both plots from small reports and checks the files are PNGs.
func TestPlotsDraw(t *testing.T) {
	dir := t.TempDir()
	cons := &ConsistencyReport{Config: ConsistencyConfig{Keys: 5, Writers: 1}, Elapsed: time.Second, Systems: map[string]*ConsistencySystem{
		"weir":        {Writes: 3, Visible: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}},
		"cache-aside": {Writes: 3, PermanentlyStaleKeys: 1, Visible: []time.Duration{5 * time.Millisecond, 40 * time.Millisecond}},
	}}
	vote := &CompareReport{sweep: true, Order: []string{"weir", "postgres"}, Systems: map[string]*SystemResult{
		"weir":     {Sweep: []LoadPoint{{Offered: 1000, P50: 100, P99: 500}, {Offered: 2000, P50: 120, P99: 900}}},
		"postgres": {Sweep: []LoadPoint{{Offered: 1000, P50: 300, P99: 1500}, {Offered: 2000, P50: 900, P99: 9000}}},
	}}
	for name, p := range map[string]interface{ Plot(string) error }{"consistency.png": cons, "vote.png": vote} {
		path := filepath.Join(dir, name)
		if err := p.Plot(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Fatalf("%s is not a PNG (%v)", name, err)
		}
	}
	if err := (&CompareReport{}).Plot(filepath.Join(dir, "x.png")); err == nil {
		t.Fatal("a vote report without a sweep drew a plot")
	}
}

// TestCompareRemoteTarget points the vote workload at a running Weir server by address: it
// loads the tables over the protocol, reads the hit rate from SHOW STATUS, and refuses a
// second run on a server that already has the tables.
func TestCompareRemoteTarget(t *testing.T) {
	e, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	addr, stop, err := serveEngine(e, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	cfg := CompareConfig{Vote: VoteConfig{Articles: 500, ReadShare: 0.9, Zipf: 1.08, Clients: 2, Duration: 300 * time.Millisecond}, Target: addr}
	rep, err := RunCompare(context.Background(), cfg, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Systems["weir"]; s.Reads == 0 || s.HitRate == nil {
		t.Fatalf("remote Weir: %+v", s)
	}
	if _, err := RunCompare(context.Background(), cfg, false, nil); err == nil || !strings.Contains(err.Error(), "without its tables") {
		t.Fatalf("a second run on the same server: %v, want a refusal", err)
	}
}

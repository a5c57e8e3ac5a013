package bench

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/httpapi"
	"github.com/weirdb/weir/internal/testserver"
)

// TestProcessTargetNeedsWeir checks that the process target refuses to run a test binary
// as `weir serve`: given `serve …`, it would run the tests again instead.
func TestProcessTargetNeedsWeir(t *testing.T) {
	_, err := RunCompare(context.Background(), CompareConfig{Vote: VoteConfig{Articles: 10, Duration: time.Millisecond}}, false, nil)
	if err == nil || !strings.Contains(err.Error(), "test binary") {
		t.Fatalf("the process target under go test: %v", err)
	}
}

// TestCompareRuns runs the vote workload briefly against Weir over its protocol (its server
// in the test's process: the test binary cannot run `weir serve`; cmd/weir's tests run the
// process target), PostgreSQL and cache-aside, each started privately, and checks every
// system measured reads and writes, the servers' CPU where it can be known, and that the
// reports print.
func TestCompareRuns(t *testing.T) {
	testserver.RequireBinary(t, "redis-server")
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "vote")
	rep, err := RunCompare(context.Background(), CompareConfig{
		Vote:        VoteConfig{Articles: 2000, ReadShare: 0.9, Zipf: 1.08, Clients: 2, Duration: 500 * time.Millisecond},
		Target:      "wire",
		Compare:     []string{"postgres", "redis"},
		PostgresURL: dsn,
		PostgresPID: pg.PID(),
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
	// Weir shares the process with the clients: its CPU is unknown, its GC pauses are this
	// process's.
	if w := rep.Systems["weir"].Server; w.CPUPerOp != nil || len(w.Processes) != 1 || w.Processes[0].Unknown == "" || w.GCPause == nil {
		t.Fatalf("in-process Weir's server usage: %+v", w)
	}
	if runtime.GOOS == "linux" {
		pgUse := rep.Systems["postgres"].Server
		if pgUse.CPUPerOp == nil || *pgUse.CPUPerOp <= 0 {
			t.Fatalf("postgres's CPU: %+v", pgUse)
		}
		ca := rep.Systems["redis"].Server
		if ca.CPUPerOp == nil || len(ca.Processes) != 2 || ca.Processes[0].Name != "redis-server" || ca.Processes[0].Commands <= 0 ||
			ca.Processes[0].CPUPerCommand == nil || ca.Processes[1].CPU == nil {
			t.Fatalf("cache-aside's CPU: %+v", ca)
		}
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"Weir/postgres read throughput", "server CPU", "redis-server", "Weir's GC pauses"} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Fatalf("report lacks %q:\n%s", want, out.String())
		}
	}
	if bytes.Contains(out.Bytes(), []byte("server CPU per operation ÷ Weir's")) {
		t.Fatalf("CPU ratios printed without Weir's CPU:\n%s", out.String())
	}
	out.Reset()
	Markdown(&out, Meta{Date: time.Now(), Commit: "abc1234", CPUs: 2, CPUModel: "test CPU", Go: runtime.Version()}, rep, nil, "", "")
	for _, want := range []string{"| server CPU per op |", "GC pause p50 / p99 / max", "Cache-aside's is the sum of redis-server"} {
		if runtime.GOOS != "linux" && strings.HasPrefix(want, "Cache-aside") {
			continue
		}
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Fatalf("markdown lacks %q:\n%s", want, out.String())
		}
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
// loads the tables over the protocol, reads the hit rate from SHOW STATUS, the CPU of the
// process given as the server's (here the test's own, which serves) and the GC pauses and
// memory from its /metrics, and refuses a second run on a server that already has the
// tables.
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
	web := httptest.NewServer(httpapi.New(e, httpapi.Config{}))
	defer web.Close()
	cfg := CompareConfig{Vote: VoteConfig{Articles: 500, ReadShare: 0.9, Zipf: 1.08, Clients: 2, Duration: 300 * time.Millisecond}, Target: addr,
		ServerPID: os.Getpid(), ServerHTTP: strings.TrimPrefix(web.URL, "http://")}
	rep, err := RunCompare(context.Background(), cfg, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Systems["weir"]
	if s.Reads == 0 || s.HitRate == nil || s.MemoryBytes <= 0 {
		t.Fatalf("remote Weir: %+v", s)
	}
	if p := s.Server.GCPause; p == nil || p.Source != "weir serve /metrics" {
		t.Fatalf("remote Weir's GC pauses: %+v", p)
	}
	if runtime.GOOS == "linux" && (s.Server.CPUPerOp == nil || s.Server.Processes[0].CPU == nil) {
		t.Fatalf("remote Weir's CPU: %+v", s.Server)
	}

	// Without a PID, the CPU is unknown, and says how to know it.
	e2, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	addr2, stop2, err := serveEngine(e2, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer stop2()
	rep2, err := RunCompare(context.Background(), CompareConfig{Vote: cfg.Vote, Target: addr2}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u := rep2.Systems["weir"].Server; u.CPUPerOp != nil || !strings.Contains(u.Processes[0].Unknown, "--server-pid") || u.GCPause != nil {
		t.Fatalf("remote Weir without a PID: %+v", u)
	}
	if _, err := RunCompare(context.Background(), cfg, false, nil); err == nil || !strings.Contains(err.Error(), "without its tables") {
		t.Fatalf("a second run on the same server: %v, want a refusal", err)
	}
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/internal/testserver"
)

// TestBenchPgbench runs `weir bench pgbench` briefly: pgbench in each query mode against
// `weir serve --upstream` (this test binary as weir) and against its PostgreSQL, with the
// transactions of each measured window, their latencies, and both servers' CPU.
func TestBenchPgbench(t *testing.T) {
	for _, name := range []string{"pgbench", "initdb", "postgres", "pg_isready", "psql"} {
		testserver.RequireBinary(t, name)
	}
	useChildServe(t)
	path := filepath.Join(t.TempDir(), "pgbench.json")
	if err := run(context.Background(), []string{"bench", "pgbench", "--articles", "300", "--clients", "2", "--threads", "1",
		"--duration", "3s", "--warmup", "500ms", "--json", path}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.PgbenchReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 6 {
		t.Fatalf("%d runs, want simple, extended and prepared against weir and postgres: %s", len(rep.Runs), b)
	}
	seen := map[string]bool{}
	for i, r := range rep.Runs {
		seen[r.Mode+"/"+r.System] = true
		if r.Transactions == 0 || r.TPS <= 0 || r.Reads == 0 || r.Reads > r.Transactions || r.Window <= 0 || r.P50 <= 0 || r.P50 > r.P99 {
			t.Errorf("run %d (%s against %s) measured nothing or nonsense: %+v", i, r.Mode, r.System, r)
		}
		if len(r.Server.Processes) != 2 || r.Server.Processes[0].Name != "weir serve" || r.Server.Processes[1].Name != "postgres" {
			t.Fatalf("run %d: servers measured: %+v", i, r.Server.Processes)
		}
		if runtime.GOOS != "linux" {
			continue
		}
		// Both servers' CPU is known. Its size is not checked: on a machine loaded enough that
		// a closed connection's backend exits inside the window and is read as a zombie
		// before its postmaster reaps it, a short window's figure can even come out below
		// zero (see ProcessTreeCPU).
		for _, p := range r.Server.Processes {
			if p.CPU == nil || p.CPUPerOp == nil {
				t.Errorf("run %d (%s against %s): %s's CPU unknown: %s", i, r.Mode, r.System, p.Name, p.Unknown)
			}
		}
	}
	for _, mode := range bench.PgbenchModes {
		for _, sys := range []string{"weir", "postgres"} {
			if !seen[mode+"/"+sys] {
				t.Errorf("no run of -M %s against %s", mode, sys)
			}
		}
	}
}

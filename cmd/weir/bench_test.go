package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/internal/testserver"
)

// benchServeChildEnv makes TestBenchServeChild run weir with the arguments after `--`.
const benchServeChildEnv = "WEIR_BENCH_SERVE_CHILD"

// TestBenchServeChild is not a test on its own: the benchmarks' process target runs the test
// binary again with this test selected and `-- serve …` after its flags, so that `weir
// serve` runs as a child process without building the weir binary.
func TestBenchServeChild(t *testing.T) {
	if os.Getenv(benchServeChildEnv) == "" {
		t.Skip("only runs as the weir serve child of the benchmark tests")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "weir:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// useChildServe makes the benchmarks start this test binary as `weir serve` for the rest of
// the test.
func useChildServe(t *testing.T) {
	serveOptions = bench.ServeOptions{
		Command: []string{os.Args[0], "-test.run=^TestBenchServeChild$", "-test.count=1", "--"},
		Env:     []string{benchServeChildEnv + "=1"},
	}
	t.Cleanup(func() { serveOptions = bench.ServeOptions{} })
}

// TestBenchVoteProcess runs `weir bench vote --target process`: Weir as its own process,
// loaded over the protocol, with its CPU per operation, GC pauses, memory and hit rate in
// the JSON report.
func TestBenchVoteProcess(t *testing.T) {
	useChildServe(t)
	path := filepath.Join(t.TempDir(), "vote.json")
	if err := run(context.Background(), []string{"bench", "vote", "--target", "process", "--articles", "500", "--clients", "2",
		"--duration", "500ms", "--json", path}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Systems map[string]struct {
			Reads       int64    `json:"reads"`
			HitRate     *float64 `json:"hit_rate"`
			MemoryBytes int64    `json:"memory_bytes"`
			Server      struct {
				Processes []struct {
					Name string   `json:"name"`
					CPU  *float64 `json:"cpu_s"`
				} `json:"processes"`
				CPUPerOp *float64 `json:"cpu_per_op_us"`
				GCPause  *struct {
					Source string `json:"source"`
				} `json:"gc_pause"`
			} `json:"server"`
		} `json:"systems"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	w, ok := rep.Systems["weir"]
	if !ok || w.Reads == 0 || w.HitRate == nil || w.MemoryBytes <= 0 {
		t.Fatalf("weir: %s", b)
	}
	if len(w.Server.Processes) != 1 || w.Server.Processes[0].Name != "weir serve" || w.Server.GCPause == nil || w.Server.GCPause.Source != "weir serve /metrics" {
		t.Fatalf("weir serve's usage: %s", b)
	}
	if runtime.GOOS == "linux" && (w.Server.CPUPerOp == nil || *w.Server.CPUPerOp <= 0) {
		t.Fatalf("weir serve's CPU per operation: %s", b)
	}
}

// TestBenchWireProcess runs `weir bench wire` with Weir as its own process: the CPU per read
// of weir serve and of redis-server, and their ratio, in one run.
func TestBenchWireProcess(t *testing.T) {
	redis := testserver.RequireBinary(t, "redis-server")
	useChildServe(t)
	path := filepath.Join(t.TempDir(), "wire.json")
	if err := run(context.Background(), []string{"bench", "wire", "--articles", "300", "--clients", "2", "--duration", "1s",
		"--redis-server", redis, "--json", path}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.WireReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Weir.Reads == 0 || rep.Redis.Reads == 0 || rep.Weir.Server.GCPause == nil {
		t.Fatalf("report: %s", b)
	}
	if runtime.GOOS == "linux" && (rep.Weir.Server.CPUPerOp == nil || rep.Redis.Server.CPUPerOp == nil || rep.CPURatio <= 0) {
		t.Fatalf("CPU per read: %s", b)
	}
}

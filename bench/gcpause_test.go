package bench

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
)

// metricsText is a scrape of a Weir server's /metrics as the benchmark reads it.
const metricsText = `# HELP weir_gc_pause_seconds Stop-the-world pauses.
# TYPE weir_gc_pause_seconds histogram
weir_gc_pause_seconds_bucket{le="1e-05"} 2
weir_gc_pause_seconds_bucket{le="5e-05"} 10
weir_gc_pause_seconds_bucket{le="0.0001"} 18
weir_gc_pause_seconds_bucket{le="0.001"} 20
weir_gc_pause_seconds_bucket{le="+Inf"} 21
weir_gc_pause_seconds_sum 0.01
weir_gc_pause_seconds_count 21
# HELP weir_memory_in_use_bytes Bytes of partial state.
# TYPE weir_memory_in_use_bytes gauge
weir_memory_in_use_bytes 1.2345e+06
# HELP go_goroutines Number of goroutines.
# TYPE go_goroutines gauge
go_goroutines 12
`

func TestParseWeirMetrics(t *testing.T) {
	m, err := parseWeirMetrics(strings.NewReader(metricsText))
	if err != nil {
		t.Fatal(err)
	}
	if !m.hasPauses || m.memoryInUse != 1234500 {
		t.Fatalf("pauses %v, memory %d", m.hasPauses, m.memoryInUse)
	}
	wantBounds := []float64{1e-5, 5e-5, 1e-4, 1e-3, math.Inf(1)}
	wantCounts := []uint64{2, 8, 8, 2, 1}
	if len(m.pauses.bounds) != len(wantBounds) {
		t.Fatalf("bounds %v", m.pauses.bounds)
	}
	for i := range wantBounds {
		if m.pauses.bounds[i] != wantBounds[i] || m.pauses.counts[i] != wantCounts[i] {
			t.Fatalf("bucket %d: le=%g holds %d, want le=%g holding %d", i, m.pauses.bounds[i], m.pauses.counts[i], wantBounds[i], wantCounts[i])
		}
	}

	// A later scrape: 10 more pauses, all at most 50 µs but one of up to 1 ms.
	later := strings.NewReplacer(`le="1e-05"} 2`, `le="1e-05"} 2`, `le="5e-05"} 10`, `le="5e-05"} 19`,
		`le="0.0001"} 18`, `le="0.0001"} 27`, `le="0.001"} 20`, `le="0.001"} 30`, `le="+Inf"} 21`, `le="+Inf"} 31`,
		`_count 21`, `_count 31`).Replace(metricsText)
	m2, err := parseWeirMetrics(strings.NewReader(later))
	if err != nil {
		t.Fatal(err)
	}
	d, err := m2.pauses.since(m.pauses)
	if err != nil {
		t.Fatal(err)
	}
	st := d.stats("test")
	if st.Pauses != 10 || st.P50 != 50 || st.P99 != 1000 || st.Max != 1000 {
		t.Fatalf("window: %+v, want 10 pauses, p50 50 µs, p99 and max 1000 µs", st)
	}
	if _, err := m.pauses.since(m2.pauses); err == nil {
		t.Fatal("a histogram that went back was accepted")
	}

	// A scrape without the histogram (an older Weir) has no pauses, and is no error.
	old, err := parseWeirMetrics(strings.NewReader("# TYPE go_goroutines gauge\ngo_goroutines 3\n"))
	if err != nil || old.hasPauses || old.memoryInUse != -1 {
		t.Fatalf("older server: %+v, %v", old, err)
	}
}

func TestPauseQuantiles(t *testing.T) {
	h := pauseHist{bounds: []float64{1e-6, 1e-5, 1e-4, math.Inf(1)}, counts: []uint64{50, 45, 4, 1}}
	for _, c := range []struct{ q, want float64 }{{0.5, 1}, {0.51, 10}, {0.95, 10}, {0.96, 100}, {0.99, 100}, {1, 100}} {
		if got := h.quantile(c.q); got != c.want {
			t.Errorf("q%.2f: %g µs, want %g", c.q, got, c.want)
		}
	}
	if got := (pauseHist{bounds: h.bounds, counts: make([]uint64, 4)}).quantile(0.5); got != 0 {
		t.Errorf("empty: %g", got)
	}
	sum, err := h.plus(h)
	if err != nil || sum.total() != 200 {
		t.Fatalf("plus: %d, %v", sum.total(), err)
	}
	if _, err := h.plus(pauseHist{bounds: []float64{1}, counts: []uint64{1}}); err == nil {
		t.Fatal("plus of different buckets accepted")
	}
}

// TestRuntimePauses reads this process's pauses around a forced collection.
func TestRuntimePauses(t *testing.T) {
	before, ok := runtimePauses()
	if !ok {
		t.Skip("this Go has no /sched/pauses/total/gc:seconds")
	}
	runtime.GC()
	after, _ := runtimePauses()
	d, err := after.since(before)
	if err != nil {
		t.Fatal(err)
	}
	if st := d.stats("this process"); st.Pauses < 2 || st.Max <= 0 || st.P50 > st.Max {
		t.Fatalf("a collection's pauses: %+v", st)
	}
}

// TestMeterUsage sums CPU and commands over two windows and reports unknown processes.
func TestMeterUsage(t *testing.T) {
	m := &serverMeter{procs: []serverProc{
		{name: "redis-server", pid: 10, commands: func(context.Context) (int64, error) { return 0, nil }},
		{name: "postgres", pid: 20},
	}}
	sample := func(redis, pg time.Duration, cmds int64) meterSample {
		return meterSample{cpu: []time.Duration{redis, pg}, cpuErr: make([]error, 2), cmds: []int64{cmds, -1}}
	}
	windows := []meterWindow{
		{sample(1*time.Second, 2*time.Second, 100), sample(2*time.Second, 4*time.Second, 1100)},
		{sample(3*time.Second, 5*time.Second, 1200), sample(4*time.Second, 6*time.Second, 2200)},
	}
	u := m.usage(windows, 1000)
	if u.CPUPerOp == nil || math.Abs(*u.CPUPerOp-5000) > 1e-6 {
		t.Fatalf("per op: %v, want 5000 µs (5 s over 1000 ops)", u.CPUPerOp)
	}
	r := u.Processes[0]
	if *r.CPU != 2 || *r.CPUPerOp != 2000 || r.Commands != 2000 || *r.CPUPerCommand != 1000 {
		t.Fatalf("redis: %+v", r)
	}
	if p := u.Processes[1]; *p.CPU != 3 || p.Commands != 0 || p.CPUPerCommand != nil {
		t.Fatalf("postgres: %+v", p)
	}
	if !strings.Contains(u.describe("op"), "together 5000.0 µs/op") {
		t.Fatalf("describe: %s", u.describe("op"))
	}

	// One process unknown: no total.
	windows[1].end.cpuErr[1] = ErrCPUUnknown
	u = m.usage(windows, 1000)
	if u.CPUPerOp != nil || u.Processes[1].CPU != nil || !strings.Contains(u.Processes[1].Unknown, "not measured") {
		t.Fatalf("with postgres unknown: %+v", u)
	}
	windows[1].end.cpuErr[1] = errors.New("bench: process 20 is gone")
	if u = m.usage(windows, 1000); u.Processes[1].Unknown != "bench: process 20 is gone" {
		t.Fatalf("gone: %+v", u.Processes[1])
	}
	if u := (&serverMeter{procs: []serverProc{{name: "weir serve"}}}).usage(windows[:1], 10); u.CPUPerOp != nil || u.Processes[0].Unknown == "" {
		t.Fatalf("no PID: %+v", u)
	}
}

package bench

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/weirdb/weir"
)

// readSide is one server of a read comparison (wire.go, rangeread.go): its name and meter,
// how one timed phase of its clients runs, and what its phases recorded.
type readSide struct {
	name  string
	meter *serverMeter
	// phase runs the side's clients for d in the given round, recording each read's
	// latency in h, and returns how long the phase took.
	phase func(ctx context.Context, round int, d time.Duration, h *Histogram) (time.Duration, error)

	hist    Histogram
	took    time.Duration
	windows []meterWindow
}

// alternate runs rounds rounds of one phase per side, in order, each sampling its side's
// server CPU at its start and end, so that drift in the machine's load hits every side.
func alternate(ctx context.Context, rounds, clients int, phase time.Duration, say func(string, ...any), sides ...*readSide) error {
	for round := 1; round <= rounds; round++ {
		for _, s := range sides {
			say("round %d/%d: %s, %d clients, %s...", round, rounds, s.name, clients, phase)
			w := meterWindow{start: s.meter.sample(ctx)}
			took, err := s.phase(ctx, round, phase, &s.hist)
			w.end = s.meter.sample(ctx)
			if err != nil {
				return fmt.Errorf("bench: %s: %w", s.name, err)
			}
			s.took += took
			s.windows = append(s.windows, w)
		}
	}
	return nil
}

// result is what the side's phases measured.
func (s *readSide) result() WireSide {
	r := WireSide{Name: s.name, Reads: int64(s.hist.Count())}
	r.PerSec = float64(s.hist.Count()) / s.took.Seconds()
	r.P50, r.P99 = s.hist.Quantile(0.50), s.hist.Quantile(0.99)
	r.Server = s.meter.usage(s.windows, r.Reads)
	return r
}

// ratios are a's throughput and server CPU per read over b's (0 when unknown).
func ratios(a, b WireSide) (throughput, cpu float64) {
	if b.PerSec > 0 {
		throughput = a.PerSec / b.PerSec
	}
	if x, y := a.Server.CPUPerOp, b.Server.CPUPerOp; x != nil && y != nil && *y > 0 {
		cpu = *x / *y
	}
	return throughput, cpu
}

// clientPhase runs n client goroutines for d, each calling read in a loop until the time is
// up, and merges their latencies into h. read gets its client's number and records nothing
// itself; a failed read stops the phase with its error.
func clientPhase(ctx context.Context, n int, d time.Duration, h *Histogram,
	newClient func(c int) func(ctx context.Context) error) (time.Duration, error) {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		run clients
	)
	start := time.Now()
	for c := range n {
		wg.Add(1)
		read := newClient(c)
		go func() {
			defer wg.Done()
			var local Histogram
			for !run.stopped() {
				t0 := time.Now()
				err := read(ctx)
				local.Record(time.Since(t0))
				if err != nil {
					run.fail(err)
				}
			}
			mu.Lock()
			h.Merge(&local)
			mu.Unlock()
		}()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
	run.stop.Store(true)
	took := time.Since(start)
	wg.Wait()
	if err := run.err(); err != nil {
		return took, err
	}
	return took, ctx.Err()
}

// startWeirServer starts the Weir server a read comparison reads, without a memory limit:
// a `weir serve` child process (target "process", its CPU measured from /proc) or Weir's
// MySQL server inside this process ("wire", whose CPU cannot be told from the clients').
// It returns the server's address, its meter, and how to stop it.
func startWeirServer(ctx context.Context, target string, serve ServeOptions, clients int, progress io.Writer,
	say func(string, ...any)) (addr string, meter *serverMeter, stop func(), err error) {
	switch target {
	case "process":
		say("starting weir serve...")
		if serve.Log == nil {
			serve.Log = progress
		}
		p, err := startWeirProcess(ctx, serve, "--memory-limit", "-1")
		if err != nil {
			return "", nil, nil, err
		}
		return p.addr, &serverMeter{procs: []serverProc{{name: "weir serve", pid: p.pid()}}, metricsURL: p.metricsURL()}, p.stop, nil
	case "wire":
		e, err := weir.Open(weir.Options{MemoryLimit: -1})
		if err != nil {
			return "", nil, nil, err
		}
		addr, stopServer, err := serveEngine(e, clients)
		if err != nil {
			e.Close()
			return "", nil, nil, err
		}
		return addr, inProcessMeter(), func() { stopServer(); e.Close() }, nil
	}
	return "", nil, nil, fmt.Errorf("bench: target %q: want process or wire", target)
}

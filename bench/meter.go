package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// ServerUsage is what a system's server processes used over a measured window: CPU time
// (see ProcessTreeCPU) and, for Weir, its GC pauses.
type ServerUsage struct {
	// Processes has one entry per server process (with its descendants): Weir's, or the
	// database's, or Redis's and PostgreSQL's for cache-aside.
	Processes []ProcessUsage `json:"processes,omitempty"`
	// CPUPerOp is the CPU time of all of Processes per operation of the workload, in µs;
	// nil when any of them is unknown.
	CPUPerOp *float64 `json:"cpu_per_op_us"`
	// GCPause is Weir's GC pauses over the window; nil for other systems.
	GCPause *PauseStats `json:"gc_pause,omitempty"`
}

// ProcessUsage is one server process's CPU over the window.
type ProcessUsage struct {
	Name string `json:"name"`
	// CPU is user + system time in seconds; nil when unknown (Unknown says why).
	CPU      *float64 `json:"cpu_s"`
	CPUPerOp *float64 `json:"cpu_per_op_us"`
	// Commands counts the requests the server itself processed in the window, where it
	// counts them (Redis: total_commands_processed), and CPUPerCommand divides by it.
	Commands      int64    `json:"commands,omitempty"`
	CPUPerCommand *float64 `json:"cpu_per_command_us,omitempty"`
	Unknown       string   `json:"unknown,omitempty"`
}

// serverProc is one server process the benchmark measures.
type serverProc struct {
	name string
	pid  int // 0: not known; unknown says why
	// unknown explains a missing pid ("runs in the benchmark's process", "no --server-pid").
	unknown string
	// commands, when set, reads the server's count of processed requests.
	commands func(ctx context.Context) (int64, error)
}

// serverMeter samples a system's servers at the start and the end of a measured window.
type serverMeter struct {
	procs []serverProc
	// metricsURL is a Weir server's /metrics, for its GC pauses; inProcess reads them from
	// this process's runtime instead (Weir runs here).
	metricsURL string
	inProcess  bool
}

// meterSample is one reading of a serverMeter.
type meterSample struct {
	cpu       []time.Duration // per proc; -1: unknown
	cpuErr    []error
	cmds      []int64 // per proc; -1: not counted
	pauses    pauseHist
	hasPauses bool
	pauseErr  error
}

// sample reads every process's CPU time (one pass over /proc), command counts and pauses.
// Failures make the figures unknown rather than failing the benchmark.
func (m *serverMeter) sample(ctx context.Context) meterSample {
	if m == nil {
		return meterSample{}
	}
	s := meterSample{cpu: make([]time.Duration, len(m.procs)), cpuErr: make([]error, len(m.procs)), cmds: make([]int64, len(m.procs))}
	var pids []int
	var idx []int
	for i, p := range m.procs {
		s.cpu[i], s.cmds[i] = -1, -1
		if p.pid > 0 {
			pids = append(pids, p.pid)
			idx = append(idx, i)
		}
	}
	if len(pids) > 0 {
		cpu, err := ProcessTreeCPU(pids...)
		for j, i := range idx {
			if err != nil {
				s.cpuErr[i] = err
			} else {
				s.cpu[i] = cpu[j]
			}
		}
	}
	for i, p := range m.procs {
		if p.commands != nil {
			if n, err := p.commands(ctx); err == nil {
				s.cmds[i] = n
			}
		}
	}
	switch {
	case m.metricsURL != "":
		sm, err := scrapeWeirMetrics(ctx, m.metricsURL)
		s.pauses, s.hasPauses, s.pauseErr = sm.pauses, sm.hasPauses, err
		if err == nil && !sm.hasPauses {
			s.pauseErr = fmt.Errorf("bench: %s has no %s (a Weir older than this benchmark?)", m.metricsURL, gcPauseFamily)
		}
	case m.inProcess:
		s.pauses, s.hasPauses = runtimePauses()
	}
	return s
}

// meterWindow is a measured window: the samples at its start and at its end.
type meterWindow struct{ start, end meterSample }

// usage is what the servers used over the windows (the wire benchmark measures each side in
// several rounds), per operation of the ops completed in them.
func (m *serverMeter) usage(windows []meterWindow, ops int64) ServerUsage {
	var u ServerUsage
	if m == nil {
		return u
	}
	total, known := 0.0, len(m.procs) > 0
	perOp := func(seconds float64, n int64) *float64 {
		if n <= 0 {
			return nil
		}
		v := seconds * 1e6 / float64(n)
		return &v
	}
	for i, p := range m.procs {
		pu := ProcessUsage{Name: p.name}
		sec, cmds, counted := 0.0, int64(0), true
		for _, w := range windows {
			if p.pid <= 0 {
				pu.Unknown = cmp.Or(p.unknown, "its PID is not known")
				break
			}
			if err := errors.Join(w.start.cpuErr[i], w.end.cpuErr[i]); err != nil {
				pu.Unknown = err.Error()
				if errors.Is(err, ErrCPUUnknown) {
					pu.Unknown = "not measured on " + runtime.GOOS
				}
				break
			}
			sec += (w.end.cpu[i] - w.start.cpu[i]).Seconds()
			if w.start.cmds[i] >= 0 && w.end.cmds[i] >= w.start.cmds[i] {
				cmds += w.end.cmds[i] - w.start.cmds[i]
			} else {
				counted = false
			}
		}
		if pu.Unknown == "" && len(windows) > 0 {
			pu.CPU = &sec
			pu.CPUPerOp = perOp(sec, ops)
			total += sec
			if p.commands != nil && counted {
				pu.Commands = cmds
				pu.CPUPerCommand = perOp(sec, cmds)
			}
		} else {
			known = false
		}
		u.Processes = append(u.Processes, pu)
	}
	if known {
		u.CPUPerOp = perOp(total, ops)
	}
	var pauses pauseHist
	for i, w := range windows {
		if !w.start.hasPauses || !w.end.hasPauses {
			pauses.bounds = nil
			break
		}
		d, err := w.end.pauses.since(w.start.pauses)
		if err == nil && i > 0 {
			d, err = pauses.plus(d)
		}
		if err != nil {
			pauses.bounds = nil
			break
		}
		pauses = d
	}
	if pauses.bounds != nil {
		source := "weir serve /metrics"
		if m.inProcess {
			source = "the benchmark's process"
		}
		u.GCPause = pauses.stats(source)
	}
	return u
}

// cpuText is a process's CPU per operation for a report: "12.3 µs/op", or "unknown (why)";
// op names the operation.
func (p ProcessUsage) cpuText(op string) string {
	if p.CPUPerOp == nil {
		if p.Unknown == "" {
			return "unknown"
		}
		return "unknown (" + p.Unknown + ")"
	}
	s := fmt.Sprintf("%.1f µs/%s (%.2f s)", *p.CPUPerOp, op, *p.CPU)
	if p.CPUPerCommand != nil {
		s += fmt.Sprintf(", %.1f µs per command (%d commands)", *p.CPUPerCommand, p.Commands)
	}
	return s
}

// pauseText is a GC pause summary for a report.
func (p *PauseStats) text() string {
	if p == nil {
		return "–"
	}
	if p.Pauses == 0 {
		return "no pauses"
	}
	return fmt.Sprintf("%d pauses, p50 ≤ %s, p99 ≤ %s, max ≤ %s", p.Pauses, us(p.P50), us(p.P99), us(p.Max))
}

// describe is a one-line account of a system's server usage per op ("op", "read").
func (u ServerUsage) describe(op string) string {
	var parts []string
	for _, p := range u.Processes {
		parts = append(parts, p.Name+" "+p.cpuText(op))
	}
	if len(u.Processes) > 1 && u.CPUPerOp != nil {
		parts = append(parts, fmt.Sprintf("together %.1f µs/%s", *u.CPUPerOp, op))
	}
	return strings.Join(parts, "; ")
}

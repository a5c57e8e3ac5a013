package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// CompareConfig describes the vote workload run against Weir and, in the same run, against
// the baselines: the same query on PostgreSQL and on MariaDB, and the cache-aside pattern
// (Redis in front of PostgreSQL).
type CompareConfig struct {
	Vote VoteConfig
	// Target is where Weir runs: "process" (the default: `weir serve` as a child process, in
	// memory, loaded and read over its MySQL protocol, its CPU time measured apart from the
	// clients'), "proxy" (`weir serve --upstream mariadb://…` as a child process in front of
	// MariaDB, which holds the tables: writes pass through Weir to MariaDB, reads come from
	// Weir's cache; see proxy_vote.go), "wire" (Weir's MySQL server inside the benchmark's
	// process), "inproc" (the Go API), or the host:port (or DSN) of a running `weir serve`
	// without the vote tables.
	Target string
	// Serve says how to start `weir serve` for the process target.
	Serve ServeOptions
	// ServerPID and ServerHTTP describe a running Weir at Target: its process, whose CPU
	// time is then measured, and its HTTP listener (host:port), for its GC pauses and
	// memory. Zero values leave those figures unknown.
	ServerPID  int
	ServerHTTP string
	// Compare lists the baselines: postgres, mariadb, redis (cache-aside over PostgreSQL).
	Compare []string
	// Servers; "" starts a private one. With the proxy target, MariaDBDSN is Weir's
	// upstream and the mariadb baseline's server, and must have a row-based binary log.
	PostgresURL, MariaDBDSN, RedisServer string
	// PostgresPID and MariaDBPID are the server processes of a given PostgresURL or
	// MariaDBDSN, for their CPU time (0: unknown). Private servers are measured anyway.
	PostgresPID, MariaDBPID int
	// TTL of cache-aside entries (0: 1h).
	TTL time.Duration
	// Warmup runs before each system's measured time (0: a fifth of the duration).
	Warmup time.Duration
}

// SystemResult is one system's figures. JSON names follow the report format.
type SystemResult struct {
	Name         string  `json:"-"`
	Reads        int64   `json:"reads"`
	Writes       int64   `json:"writes"`
	ReadsPerSec  float64 `json:"reads_per_s"`
	WritesPerSec float64 `json:"writes_per_s"`
	ReadP50      float64 `json:"read_p50_us"`
	ReadP90      float64 `json:"read_p90_us"`
	ReadP99      float64 `json:"read_p99_us"`
	ReadP999     float64 `json:"read_p999_us"`
	WriteP50     float64 `json:"write_p50_us"`
	WriteP90     float64 `json:"write_p90_us"`
	WriteP99     float64 `json:"write_p99_us"`
	WriteP999    float64 `json:"write_p999_us"`
	// HitRate is the share of reads served from the cache (Weir's reader, Redis); nil for a
	// database, which has no cache in front.
	HitRate *float64 `json:"hit_rate"`
	// ReadsFromUpstream counts the reads of the window Weir's proxy passed to MariaDB
	// (proxy target only).
	ReadsFromUpstream *int64 `json:"reads_from_upstream,omitempty"`
	// CPUPerRead is each server process's CPU over the window per read, in µs, by process
	// name (proxy target only).
	CPUPerRead map[string]float64 `json:"cpu_per_read_us,omitempty"`
	// MemoryBytes is what the cache holds once the run ends: Weir's partial state (its
	// accounted reader and operator state), Redis's used_memory; 0 for a database.
	MemoryBytes int64 `json:"memory_bytes,omitempty"`
	// Server is the CPU time the system's server processes used over the measured window,
	// per operation (reads and writes), and Weir's GC pauses.
	Server ServerUsage `json:"server"`
	// Sweep holds the load sweep of --plot: p99 read latency at each offered load.
	Sweep []LoadPoint `json:"sweep,omitempty"`
}

// LoadPoint is one offered load of the sweep.
type LoadPoint struct {
	Offered  float64 `json:"offered_ops_per_s"`
	Achieved float64 `json:"achieved_ops_per_s"`
	P50      float64 `json:"read_p50_us"`
	P99      float64 `json:"read_p99_us"`
}

// CompareReport is the outcome of RunCompare.
type CompareReport struct {
	Config  CompareConfig            `json:"-"`
	Systems map[string]*SystemResult `json:"systems"`
	Order   []string                 `json:"-"`
	sweep   bool
}

// voteSystem is one system under the vote workload.
type voteSystem interface {
	read(ctx context.Context, id int) error
	write(ctx context.Context, id int, user int64) error
	// hits reports reads served from a cache so far and reads in all; ok is false for a
	// system without a cache.
	hits() (hit, total int64, ok bool)
	// memory reports the bytes the cache holds (0: not a cache, or unknown).
	memory(ctx context.Context) int64
	// meter samples the system's server processes.
	meter() *serverMeter
	close()
}

// RunCompare runs the vote workload against Weir and every baseline, one after another with
// the same clients, key distribution, read share and time. With sweep, each system also
// runs at a range of offered loads (open loop) for the latency-against-load plot.
func RunCompare(ctx context.Context, cfg CompareConfig, sweep bool, progress io.Writer) (*CompareReport, error) {
	cfg.Vote.defaults()
	if cfg.Vote.VotesPerArticle <= 0 {
		cfg.Vote.VotesPerArticle = 2
	}
	if cfg.Target == "" {
		cfg.Target = "process"
	}
	if cfg.TTL <= 0 {
		cfg.TTL = time.Hour
	}
	if cfg.Warmup <= 0 {
		cfg.Warmup = cfg.Vote.Duration / 5
	}
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	if cfg.Target == "proxy" && cfg.MariaDBDSN == "" {
		// One MariaDB, with the binary log Weir follows, for Weir and the baseline.
		say("starting a private MariaDB with a binary log...")
		m, err := testserver.NewMariaDBWith(testserver.MariaDBOptions{Binlog: true})
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		defer m.Stop()
		cfg.MariaDBDSN, cfg.MariaDBPID = m.DSN(""), m.PID()
	}
	rep := &CompareReport{Config: cfg, Systems: map[string]*SystemResult{}, sweep: sweep}
	names := append([]string{"weir"}, cfg.Compare...)
	var pgDSN string
	pgPID := cfg.PostgresPID
	needPG := false
	for _, n := range cfg.Compare {
		switch n {
		case "postgres", "redis":
			needPG = true
		case "mariadb":
		default:
			return nil, fmt.Errorf("bench: --compare %s: want postgres, mariadb or redis", n)
		}
	}
	if needPG {
		pgDSN = cfg.PostgresURL
		if pgDSN == "" {
			say("starting a private PostgreSQL...")
			pg, err := testserver.NewPostgres()
			if err != nil {
				return nil, fmt.Errorf("bench: %w", err)
			}
			defer pg.Stop()
			pgPID = pg.PID()
			if pgDSN, err = pg.NewDatabase("weir_vote"); err != nil {
				return nil, err
			}
		}
		say("loading the vote tables into PostgreSQL...")
		if err := seedPostgresVotes(ctx, pgDSN, cfg.Vote); err != nil {
			return nil, err
		}
	}
	for _, name := range names {
		var sys voteSystem
		var err error
		switch name {
		case "weir":
			say("loading %d articles into Weir (%s)...", cfg.Vote.Articles, cfg.Target)
			sys, err = newWeirVote(ctx, cfg, progress)
		case "postgres":
			sys, err = newPostgresVote(ctx, pgDSN, pgPID, cfg.Vote.Clients)
		case "redis":
			say("starting a private Redis...")
			sys, err = newCacheAsideVote(ctx, pgDSN, pgPID, cfg)
		case "mariadb":
			dsn, pid := cfg.MariaDBDSN, cfg.MariaDBPID
			if dsn == "" {
				say("starting a private MariaDB...")
				m, err := testserver.NewMariaDB()
				if err != nil {
					return nil, fmt.Errorf("bench: %w", err)
				}
				defer m.Stop()
				dsn, pid = m.DSN(""), m.PID()
			}
			say("loading the vote tables into MariaDB...")
			sys, err = newMariaDBVote(ctx, dsn, pid, cfg.Vote)
		}
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", name, err)
		}
		done := phase(progress, name+": warm-up", cfg.Warmup)
		_, err = driveVote(ctx, sys, cfg.Vote, cfg.Warmup, 0, 1, 0)
		done()
		if err != nil {
			sys.close()
			return nil, fmt.Errorf("bench: %s: %w", name, err)
		}
		h0, n0, hasCache := sys.hits()
		m := sys.meter()
		up, _ := sys.(upstreamReads)
		var a0, r0 int64
		if up != nil {
			a0, r0, _ = up.answered(ctx)
		}
		done = phase(progress, fmt.Sprintf("%s: %d clients", name, cfg.Vote.Clients), cfg.Vote.Duration)
		window := meterWindow{start: m.sample(ctx)}
		run, err := driveVote(ctx, sys, cfg.Vote, cfg.Vote.Duration, 0, 2, 0)
		window.end = m.sample(ctx)
		done()
		if err != nil {
			sys.close()
			return nil, fmt.Errorf("bench: %s: %w", name, err)
		}
		res := run.result()
		res.Name = name
		res.Server = m.usage([]meterWindow{window}, res.Reads+res.Writes)
		if cfg.Target == "proxy" {
			res.CPUPerRead = perRead(res.Server, res.Reads)
		}
		if up != nil {
			if a1, r1, ok := up.answered(ctx); ok {
				passed := (r1 - r0) - (a1 - a0)
				res.ReadsFromUpstream = &passed
			}
		}
		if h1, n1, _ := sys.hits(); hasCache && n1 > n0 {
			hr := float64(h1-h0) / float64(n1-n0)
			res.HitRate = &hr
		}
		res.MemoryBytes = sys.memory(ctx)
		if sweep {
			peak := res.ReadsPerSec + res.WritesPerSec
			for _, f := range []float64{0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.2} {
				rate := f * peak
				d := max(cfg.Vote.Duration/4, time.Second)
				done := phase(progress, fmt.Sprintf("%s: offered %.0f ops/s", name, rate), d)
				pt, err := driveVote(ctx, sys, cfg.Vote, d, rate, 3, d/5)
				done()
				if err != nil {
					sys.close()
					return nil, fmt.Errorf("bench: %s: %w", name, err)
				}
				r := pt.result()
				res.Sweep = append(res.Sweep, LoadPoint{Offered: rate, Achieved: r.ReadsPerSec + r.WritesPerSec, P50: r.ReadP50, P99: r.ReadP99})
			}
		}
		sys.close()
		rep.Systems[name] = res
		rep.Order = append(rep.Order, name)
	}
	return rep, nil
}

// driveVote runs the workload on sys for d. rate 0 is a closed loop (each client issues its
// next operation when the last returns); rate > 0 is an open loop at that many operations
// per second in all, with latency measured from each operation's scheduled start, so a
// system that falls behind shows its queueing.
//
// Operations scheduled in the first skip of the run are made but not measured: an open loop
// that starts at a new rate needs a moment to settle.
func driveVote(ctx context.Context, sys voteSystem, cfg VoteConfig, d time.Duration, rate float64, seed uint64, skip time.Duration) (*voteRun, error) {
	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		reads, writes Histogram
		run           clients
		done          atomic.Int64
	)
	start := time.Now()
	deadline := start.Add(d)
	measureFrom := start.Add(skip)
	for c := 0; c < cfg.Clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			gen := NewKeyGen(cfg.Articles, cfg.Zipf, seed*1000+uint64(c)+1)
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			var r, w Histogram
			var interval time.Duration
			next := start
			if rate > 0 {
				interval = time.Duration(float64(time.Second) * float64(cfg.Clients) / rate)
				next = start.Add(time.Duration(rng.Int64N(int64(interval) + 1)))
			}
			for !run.stopped() && ctx.Err() == nil {
				t0 := time.Now()
				if rate > 0 {
					if wait := next.Sub(t0); wait > 0 {
						time.Sleep(wait)
					}
					t0 = next
					next = next.Add(interval)
				}
				if !t0.Before(deadline) || cfg.Ops > 0 && done.Add(1) > cfg.Ops {
					break
				}
				id := gen.Next()
				var err error
				measured := !t0.Before(measureFrom)
				if rng.Float64() < cfg.ReadShare {
					err = sys.read(ctx, id)
					if measured {
						r.Record(time.Since(t0))
					}
				} else {
					err = sys.write(ctx, id, int64(cfg.Articles*max(cfg.VotesPerArticle, 2))+voteUsers.Add(1))
					if measured {
						w.Record(time.Since(t0))
					}
				}
				if err != nil {
					run.fail(err)
				}
			}
			mu.Lock()
			reads.Merge(&r)
			writes.Merge(&w)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	if err := run.err(); err != nil {
		return nil, err
	}
	return &voteRun{reads: reads, writes: writes, elapsed: time.Since(measureFrom)}, nil
}

// voteRun is what driveVote measured.
type voteRun struct {
	reads, writes Histogram
	elapsed       time.Duration
}

func (v *voteRun) result() *SystemResult {
	reads, writes, elapsed := &v.reads, &v.writes, v.elapsed
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	return &SystemResult{
		Reads: int64(reads.Count()), Writes: int64(writes.Count()),
		ReadsPerSec: float64(reads.Count()) / elapsed.Seconds(), WritesPerSec: float64(writes.Count()) / elapsed.Seconds(),
		ReadP50: us(reads.Quantile(0.5)), ReadP90: us(reads.Quantile(0.9)), ReadP99: us(reads.Quantile(0.99)), ReadP999: us(reads.Quantile(0.999)),
		WriteP50: us(writes.Quantile(0.5)), WriteP90: us(writes.Quantile(0.9)), WriteP99: us(writes.Quantile(0.99)), WriteP999: us(writes.Quantile(0.999)),
	}
}

// voteUsers numbers the voters of new votes across phases and systems (systems may share a
// database: cache-aside writes to the baseline's PostgreSQL), so no vote repeats a key.
var voteUsers atomic.Int64

// Print writes a readable table of the report, Weir first, with read throughput ratios,
// then each system's server CPU per operation and Weir's GC pauses.
func (r *CompareReport) Print(w io.Writer) {
	c := r.Config.Vote
	fmt.Fprintf(w, "vote workload: %d articles, %.0f%% reads, %s, %d clients, %s per system (Weir: %s), GOMAXPROCS %d\n",
		c.Articles, c.ReadShare*100, distribution(c.Zipf), c.Clients, c.Duration, r.Config.Target, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "%-10s %11s %10s %9s %9s %9s %9s %10s %9s %9s %9s %9s %9s %11s\n", "system", "reads/s", "writes/s", "read p50", "p90", "p99", "p99.9", "write p50", "p90", "p99", "p99.9", "hit rate", "memory", "server CPU")
	var weir *SystemResult
	if s := r.Systems["weir"]; s != nil {
		weir = s
	}
	for _, name := range r.Order {
		s := r.Systems[name]
		hit := "-"
		if s.HitRate != nil {
			hit = fmt.Sprintf("%.1f%%", *s.HitRate*100)
		}
		mem := "-"
		if s.MemoryBytes > 0 {
			mem = fmt.Sprintf("%.1fMiB", float64(s.MemoryBytes)/(1<<20))
		}
		cpu := "unknown"
		if s.Server.CPUPerOp != nil {
			cpu = fmt.Sprintf("%.1fµs/op", *s.Server.CPUPerOp)
		}
		fmt.Fprintf(w, "%-10s %11.0f %10.0f %8.0fµs %8.0fµs %8.0fµs %8.0fµs %9.0fµs %8.0fµs %8.0fµs %8.0fµs %9s %9s %11s\n",
			name, s.ReadsPerSec, s.WritesPerSec, s.ReadP50, s.ReadP90, s.ReadP99, s.ReadP999, s.WriteP50, s.WriteP90, s.WriteP99, s.WriteP999, hit, mem, cpu)
	}
	fmt.Fprintln(w, "server CPU (user + system time of the server processes and their children over the measured window, per operation; /proc clock ticks of 10 ms):")
	for _, name := range r.Order {
		fmt.Fprintf(w, "  %-10s %s\n", name, r.Systems[name].Server.describe("op"))
	}
	if r.Config.Target == "proxy" {
		r.printProxy(w)
	}
	if weir != nil && weir.Server.GCPause != nil {
		fmt.Fprintf(w, "Weir's GC pauses over the window (%s): %s\n", weir.Server.GCPause.Source, weir.Server.GCPause.text())
	}
	for _, name := range r.Order[1:] {
		s := r.Systems[name]
		if weir == nil {
			break
		}
		line := ""
		if s.ReadsPerSec > 0 {
			line = fmt.Sprintf("Weir/%s read throughput: %.2f×", name, weir.ReadsPerSec/s.ReadsPerSec)
		}
		if ratio, ok := cpuRatio(s, weir); ok {
			line += fmt.Sprintf("; %s's server CPU per operation ÷ Weir's: %.2f×", name, ratio)
		}
		if line != "" {
			fmt.Fprintln(w, line)
		}
	}
}

// cpuRatio is s's server CPU per operation over Weir's, when both are known.
func cpuRatio(s, weir *SystemResult) (float64, bool) {
	if s.Server.CPUPerOp == nil || weir.Server.CPUPerOp == nil || *weir.Server.CPUPerOp <= 0 {
		return 0, false
	}
	return *s.Server.CPUPerOp / *weir.Server.CPUPerOp, true
}

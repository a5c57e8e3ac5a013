// Command weir runs Weir's workloads from the command line.
//
//	weir serve [flags]        the MySQL protocol and HTTP server
//	weir bench vote [flags]   the vote workload, in process or against weir serve and baselines
//	weir bench memory [flags] hit rate and heap against the memory limit
//	weir bench wire [flags]   the vote view over the MySQL protocol against Redis
//	weir bench durable [flags] group commit: durable writes at several concurrencies
//	weir bench restart [flags] reopening a data directory of 1M rows
//	weir bench consistency [flags] Weir against Redis cache-aside, both over PostgreSQL or MariaDB
//	weir bench pgbench [flags] pgbench's vote reads: Weir's PostgreSQL listener against PostgreSQL
//	weir bench readme [flags] the README's benchmark section, measured on this machine
//	weir demo                 the news example, printed step by step
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/weirdb/weir/bench"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// Weir's state is large, long-lived and pointer-rich; with Go's default (GC when the
		// heap doubles) marking it dominates write-heavy runs. A dedicated process trades
		// memory for throughput: collect when the heap grows by 4x. GOGC overrides this.
		debug.SetGCPercent(400)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "weir:", err)
		os.Exit(1)
	}
}

const usage = `usage: weir <command> [flags]

commands:
  serve        serve Weir over the MySQL protocol and HTTP (weir serve --help)
  bench vote   run the vote workload and print throughput, latencies and, with --compare, server CPU per operation
  bench memory measure hit rate and live heap of the vote view under memory limits
  bench wire   read the vote view over the MySQL protocol against Redis GET + JSON, with each server's CPU per read
  bench range  read a page after a random time (created > ? ORDER BY created LIMIT 20) against PostgreSQL's B-tree index, with each server's CPU per read
  bench durable acknowledged rows/s and fsyncs/s of durable writes at 1, 16, 256 writers
  bench restart time to reopen a data directory of 1M rows, and its bytes per row on disk
  bench consistency stale reads and stale keys: Weir against Redis cache-aside over PostgreSQL (or MariaDB, --upstream mariadb)
  bench pgbench pgbench -f with the vote read query: Weir's PostgreSQL listener against PostgreSQL, with each server's CPU per read
  bench readme  run vote --compare and consistency and print the README's benchmark tables
  demo         run the news example and print what each step returns
`

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("missing command")
	}
	switch args[0] {
	case "bench":
		sub := ""
		if len(args) >= 2 {
			sub = args[1]
		}
		switch sub {
		case "vote":
			return benchVote(ctx, args[2:])
		case "memory":
			return benchMemory(ctx, args[2:])
		case "wire":
			return benchWire(ctx, args[2:])
		case "range":
			return benchRange(ctx, args[2:])
		case "durable":
			return benchDurable(ctx, args[2:])
		case "restart":
			return benchRestart(ctx, args[2:])
		case "consistency":
			return benchConsistency(ctx, args[2:])
		case "readme":
			return benchReadme(ctx, args[2:])
		case "pgbench":
			return benchPgbench(ctx, args[2:])
		}
		return fmt.Errorf("usage: weir bench vote|memory|wire|range|durable|restart|consistency|pgbench|readme [flags]")
	case "serve":
		return serve(ctx, args[1:], nil, os.Stderr, nil)
	case "demo":
		return demo(ctx, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func benchVote(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench vote", flag.ContinueOnError)
	var cfg bench.VoteConfig
	var uniform bool
	fs.IntVar(&cfg.Articles, "articles", 100_000, "number of articles")
	fs.Float64Var(&cfg.ReadShare, "read-share", 0.95, "fraction of operations that are reads")
	fs.Float64Var(&cfg.Zipf, "zipf", 1.08, "Zipf exponent of the key distribution (≤ 1: uniform)")
	fs.IntVar(&cfg.Clients, "clients", 0, "concurrent clients (0: 2 × GOMAXPROCS)")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to run (per system with --compare)")
	fs.Int64Var(&cfg.Ops, "ops", 0, "end after this many operations instead (per system with --compare; --duration still bounds the run)")
	fs.Func("distribution", "key distribution: uniform, zipf (exponent from --zipf) or zipf:<exponent>", func(v string) error {
		switch {
		case v == "uniform":
			cfg.Zipf = 0
			uniform = true
		case v == "zipf":
		case strings.HasPrefix(v, "zipf:"):
			z, err := strconv.ParseFloat(strings.TrimPrefix(v, "zipf:"), 64)
			if err != nil || z <= 1 {
				return fmt.Errorf("%q: want a Zipf exponent above 1", v)
			}
			cfg.Zipf = z
		default:
			return fmt.Errorf("%q: want uniform, zipf or zipf:<exponent>", v)
		}
		return nil
	})
	fs.IntVar(&cfg.Domains, "domains", 0, "query domains (0: default)")
	fs.Func("memory-limit", "bound on partial state, e.g. 256MiB (default: a quarter of RAM; -1: none)", func(v string) error {
		n, err := parseBytes(v)
		cfg.MemoryLimit = n
		return err
	})
	fs.IntVar(&cfg.VotesPerArticle, "votes", 0, "votes inserted per article before the run (with --compare: 0 means 2)")
	var cmp bench.CompareConfig
	var compare string
	fs.StringVar(&compare, "compare", "", "also run the baselines, comma-separated: postgres (the query on PostgreSQL), mariadb (on MariaDB), redis (cache-aside: Redis in front of PostgreSQL)")
	fs.StringVar(&cmp.Target, "target", "", "where Weir runs: process (weir serve as a child process, in memory, read over its MySQL protocol, its CPU measured apart from the clients'), proxy (weir serve --upstream mariadb://… as a child process in front of MariaDB, which holds the tables: the writes pass through Weir's proxy to MariaDB, the reads come from its cache; the mariadb baseline runs on the same MariaDB), wire (its MySQL server inside this process), inproc (the Go API), or the host:port (or DSN) of a running weir serve without these tables; default inproc, or process with --compare so every system is a server read over its protocol")
	fs.IntVar(&cmp.ServerPID, "server-pid", 0, "with --target host:port: the PID of that weir serve, to measure its CPU time (default: unknown)")
	fs.StringVar(&cmp.ServerHTTP, "server-http", "", "with --target host:port: the host:port of that weir serve's HTTP listener, for its GC pauses and memory (default: unknown)")
	fs.StringVar(&cmp.PostgresURL, "postgres", "", "PostgreSQL URL for the baselines (default: start a private server)")
	fs.IntVar(&cmp.PostgresPID, "postgres-pid", 0, "with --postgres: the PID of its postmaster, to measure its CPU time and its backends' (default: unknown)")
	fs.StringVar(&cmp.MariaDBDSN, "mariadb", "", "MariaDB DSN for the baseline (and, with --target proxy, Weir's upstream: it needs log_bin, binlog_format=ROW, binlog_row_image=FULL), user:pass@tcp(host:port)/ (default: start a private server)")
	fs.IntVar(&cmp.MariaDBPID, "mariadb-pid", 0, "with --mariadb: the PID of its server, to measure its CPU time (default: unknown)")
	fs.StringVar(&cmp.RedisServer, "redis-server", "", "path of redis-server for cache-aside (default: from PATH)")
	fs.DurationVar(&cmp.TTL, "ttl", time.Hour, "expiry of cache-aside entries")
	sweep := fs.Bool("sweep", false, "also run each system at offered loads from 10% to 120% of its throughput (open loop), for --plot")
	return runBench(fs, args, func() (report, error) {
		if uniform {
			cfg.Zipf = 0 // --distribution beats --zipf, whichever came first
		}
		if compare == "" && (cmp.Target == "" || cmp.Target == "inproc") && !*sweep {
			return bench.RunVote(ctx, cfg, os.Stderr)
		}
		cmp.Vote = cfg
		cmp.Serve = serveOptions
		if compare != "" {
			cmp.Compare = strings.Split(compare, ",")
		}
		return bench.RunCompare(ctx, cmp, *sweep, os.Stderr)
	})
}

func benchMemory(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench memory", flag.ContinueOnError)
	var cfg bench.MemoryConfig
	fs.IntVar(&cfg.Articles, "articles", 100_000, "number of articles (the key space)")
	fs.IntVar(&cfg.VotesPerArticle, "votes", 2, "votes per article")
	fs.IntVar(&cfg.Reads, "reads", 0, "Zipf reads measured per limit (0: 20 × articles)")
	fs.Float64Var(&cfg.Zipf, "zipf", 1.08, "Zipf exponent of the reads")
	fs.Func("query", "form of the vote query: derived (a join over a COUNT in a derived table; the default) or grouped (the join grouped by a.id, a.title)", func(v string) error {
		switch v {
		case "derived":
			cfg.Query = bench.VoteQuery
		case "grouped":
			cfg.Query = bench.VoteQueryGrouped
		default:
			return fmt.Errorf("bad query %q: want derived or grouped", v)
		}
		return nil
	})
	fs.StringVar(&cfg.CollectionAllocs, "collection-allocs", "", "path prefix: record every allocation made while the full collections that take the samples run, and write the allocation profile so far at each limit (PREFIX-<percent>.pb.gz); not with --heap-profile")
	fs.StringVar(&cfg.HeapProfile, "heap-profile", "", "path prefix: write the heap profile of each limit's peak sample and last sample (PREFIX-<percent>-peak.pb.gz, PREFIX-<percent>-end.pb.gz)")
	fs.Func("limits", "comma-separated limits in percent of the state of every key (default 1,5,10,25,50,100)", func(v string) error {
		for _, part := range strings.Split(v, ",") {
			pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(part), "%"), 64)
			if err != nil || pct <= 0 || pct > 100 {
				return fmt.Errorf("bad limit %q: want a percentage in (0, 100]", part)
			}
			cfg.Fractions = append(cfg.Fractions, pct/100)
		}
		return nil
	})
	return runBench(fs, args, func() (report, error) { return bench.RunMemory(ctx, cfg, os.Stderr) })
}

func benchWire(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench wire", flag.ContinueOnError)
	var cfg bench.WireConfig
	fs.IntVar(&cfg.Articles, "articles", 100_000, "number of articles")
	fs.IntVar(&cfg.VotesPerArticle, "votes", 2, "votes per article")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent clients on each side")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured time per side")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "alternations between the sides")
	fs.Float64Var(&cfg.Zipf, "zipf", 1.08, "Zipf exponent of the keys read")
	fs.BoolVar(&cfg.Text, "text", false, "read Weir with literals in the SQL text instead of prepared statements")
	fs.StringVar(&cfg.RedisServer, "redis-server", "", "path of redis-server (default: from PATH)")
	fs.StringVar(&cfg.Target, "target", "process", "where Weir's server runs: process (weir serve as a child process, its CPU measured as redis-server's is) or wire (inside this process, with the clients)")
	return runBench(fs, args, func() (report, error) {
		cfg.Serve = serveOptions
		return bench.RunWire(ctx, cfg, os.Stderr)
	})
}

func benchRange(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench range", flag.ContinueOnError)
	var cfg bench.RangeConfig
	fs.IntVar(&cfg.Rows, "rows", 1_000_000, "number of events")
	fs.IntVar(&cfg.Clients, "clients", 8, "concurrent clients on each side")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured time per side")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "alternations between the sides")
	fs.StringVar(&cfg.Target, "target", "process", "where Weir's server runs: process (weir serve as a child process, its CPU measured as PostgreSQL's is) or wire (inside this process, with the clients)")
	fs.StringVar(&cfg.PostgresURL, "postgres-url", "", "a scratch PostgreSQL database whose events table may be replaced (default: a private server)")
	fs.IntVar(&cfg.PostgresPID, "postgres-pid", 0, "with --postgres-url: its postmaster's PID, for its CPU time")
	return runBench(fs, args, func() (report, error) {
		cfg.Serve = serveOptions
		return bench.RunRange(ctx, cfg, os.Stderr)
	})
}

func benchDurable(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench durable", flag.ContinueOnError)
	var cfg bench.DurableConfig
	fs.Func("writers", "comma-separated numbers of concurrent writers (default 1,16,256)", func(v string) error {
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				return fmt.Errorf("writers %q: want positive integers", f)
			}
			cfg.Writers = append(cfg.Writers, n)
		}
		return nil
	})
	fs.DurationVar(&cfg.Duration, "duration", 5*time.Second, "measured time at each number of writers")
	fs.IntVar(&cfg.RowsPerStatement, "rows", 1, "rows per INSERT statement")
	fs.StringVar(&cfg.Sync, "sync", "always", "when a write is fsynced: always | interval=<duration> | never (see weir serve --help)")
	fs.BoolVar(&cfg.Inproc, "inproc", false, "call the engine in process instead of over the MySQL protocol")
	fs.StringVar(&cfg.Dir, "dir", "", "where the benchmark's data directories go (default: the system's temp dir); put it on the disk you mean to measure")
	return runBench(fs, args, func() (report, error) { return bench.RunDurable(ctx, cfg, os.Stderr) })
}

func benchRestart(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench restart", flag.ContinueOnError)
	var cfg bench.RestartConfig
	fs.IntVar(&cfg.Rows, "rows", 1_000_000, "rows to load before the restart")
	fs.IntVar(&cfg.BatchRows, "batch", 1000, "rows per INSERT while loading")
	fs.StringVar(&cfg.Sync, "sync", "always", "sync mode while loading: always | interval=<duration> | never")
	fs.StringVar(&cfg.Dir, "dir", "", "where the data directory goes (default: the system's temp dir)")
	return runBench(fs, args, func() (report, error) { return bench.RunRestart(ctx, cfg, os.Stderr) })
}

func benchConsistency(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench consistency", flag.ContinueOnError)
	var cfg bench.ConsistencyConfig
	fs.IntVar(&cfg.Keys, "keys", 50, "counters written and read")
	fs.IntVar(&cfg.Writers, "writers", 4, "concurrent writers on the source database")
	fs.IntVar(&cfg.Readers, "readers", 8, "concurrent readers of each system")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long the writes run")
	fs.DurationVar(&cfg.FillDelay, "fill-delay", 5*time.Millisecond, "the most a cache-aside fill waits between its query and its SET (a slow query)")
	fs.DurationVar(&cfg.TTL, "ttl", time.Hour, "expiry of cache-aside entries")
	fs.StringVar(&cfg.PostgresURL, "postgres", "", "PostgreSQL URL with wal_level=logical (default: start a private server)")
	fs.StringVar(&cfg.RedisServer, "redis-server", "", "path of redis-server (default: from PATH)")
	fs.BoolVar(&cfg.Inproc, "inproc", false, "read Weir in process instead of over the MySQL protocol")
	fs.StringVar(&cfg.Protocol, "protocol", bench.ProtocolMySQL, "the protocol Weir's readers read over: mysql, or postgres (pgx on Weir's PostgreSQL listener)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the key choices")
	fs.StringVar(&cfg.Upstream, "upstream", "postgres", "the source of truth: postgres (Weir mirrors it by logical replication) or mariadb (Weir follows its binary log and proxies it, with read-your-writes sessions through the proxy)")
	fs.StringVar(&cfg.MariaDBDSN, "mariadb", "", "with --upstream mariadb: a scratch MariaDB with log_bin, binlog_format=ROW and binlog_row_image=FULL, as user:pass@tcp(host:port)/ (default: start a private server)")
	fs.IntVar(&cfg.Sessions, "sessions", 2, "with --upstream mariadb: sessions that increment a counter through Weir's proxy and read it back on the same connection")
	return runBench(fs, args, func() (report, error) { return bench.RunConsistency(ctx, cfg, os.Stderr) })
}

func benchReadme(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench readme", flag.ContinueOnError)
	plots := fs.String("plots", "docs", "directory for the two PNG plots (referenced from the tables by this path)")
	duration := fs.Duration("duration", 10*time.Second, "measured time per system (vote) and of the writes (consistency)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*plots, 0o755); err != nil {
		return err
	}
	vote, err := bench.RunCompare(ctx, bench.CompareConfig{
		Vote:    bench.VoteConfig{Articles: 100_000, ReadShare: 0.95, Zipf: 1.08, Duration: *duration},
		Target:  "process",
		Serve:   serveOptions,
		Compare: []string{"postgres", "mariadb", "redis"},
	}, true, os.Stderr)
	if err != nil {
		return err
	}
	cons, err := bench.RunConsistency(ctx, bench.ConsistencyConfig{Duration: *duration, Seed: 1}, os.Stderr)
	if err != nil {
		return err
	}
	votePlot, consPlot := filepath.Join(*plots, "bench-vote.png"), filepath.Join(*plots, "bench-consistency.png")
	if err := vote.Plot(votePlot); err != nil {
		return err
	}
	if err := cons.Plot(consPlot); err != nil {
		return err
	}
	bench.Markdown(os.Stdout, machineMeta(), vote, cons, votePlot, consPlot)
	return nil
}

// machineMeta describes this machine and build for benchmark reports.
func machineMeta() bench.Meta {
	m := bench.Meta{Date: time.Now(), Commit: "unknown", CPUs: runtime.NumCPU(), CPUModel: "unknown CPU", Go: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 7 {
				m.Commit = s.Value[:7]
			}
		}
	}
	if m.Commit == "unknown" {
		if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
			m.Commit = strings.TrimSpace(string(out))
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return m
}

// serveOptions says how benchmarks start `weir serve` as a child process: the zero value
// runs this binary. Tests, whose binary is not weir, set it to run themselves as weir.
var serveOptions bench.ServeOptions

// report is what a benchmark prints.
type report interface{ Print(w io.Writer) }

// plotter is a report that can draw itself (--plot).
type plotter interface{ Plot(path string) error }

// runBench parses a benchmark's flags (adding --cpuprofile), runs it, under the CPU profiler
// when asked, and prints its report.
func runBench(fs *flag.FlagSet, args []string, run func() (report, error)) error {
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	jsonOut := fs.String("json", "", "also write the results to this file as JSON")
	plotOut := fs.String("plot", "", "also draw the results into this PNG file (benchmarks that have a plot)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	rep, err := run()
	stop()
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	if *plotOut != "" {
		pl, ok := rep.(plotter)
		if !ok {
			return errors.New("--plot: this benchmark draws no plot")
		}
		if err := pl.Plot(*plotOut); err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
	}
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return fmt.Errorf("--json: %w", err)
		}
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("--json: %w", err)
		}
	}
	return nil
}

// startCPUProfile profiles the process into path until stop is called; an empty path
// profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// parseBytes reads a size such as 512MiB, 2GiB, 64MB or 1000000 (bytes); -1 means none.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || (n < 0 && n != -1) {
		return 0, fmt.Errorf("bad size %q: want a number of bytes with an optional unit (KiB, MiB, GiB, KB, MB, GB), or -1", s)
	}
	return int64(n * float64(mult)), nil
}

package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/weirdb/weir/internal/testserver"
)

// PgbenchConfig describes a run of `weir bench pgbench`: PostgreSQL's own load generator
// runs the vote read query as a custom script (`pgbench -n -f`) against Weir's PostgreSQL
// protocol listener (`weir serve --upstream postgres://…` as a child process, mirroring the
// vote tables) and against that PostgreSQL itself, with the same data, clients and time,
// in each of pgbench's query modes.
type PgbenchConfig struct {
	Articles        int // articles, the key space of `random(1, Articles)` (0: 100,000)
	VotesPerArticle int // votes per article (0: 2)
	// Query is the vote query in MySQL's form with one `?` (VoteQuery or VoteQueryGrouped);
	// "" is VoteQuery, the query `weir bench vote` runs.
	Query    string
	Clients  int           // pgbench -c (0: 8)
	Threads  int           // pgbench -j (0: 2, at most Clients)
	Duration time.Duration // pgbench -T of each run (0: 30s; at least 3s)
	// Warmup is the start of each run left out of the measured window, while connections
	// open and statements are prepared (0: a fifth of Duration, at least a second).
	Warmup time.Duration
	// Modes are pgbench's -M query modes to run: simple (the query text with the key as a
	// literal), extended (an unnamed statement parsed, bound and executed each time) and
	// prepared (a named statement prepared once per connection). Nil: all three.
	Modes []string
	// Pgbench is the pgbench program ("": looked up as the PostgreSQL server's programs are).
	Pgbench string
	// Serve says how to start `weir serve`.
	Serve ServeOptions
}

// PgbenchModes are pgbench's query modes, in the order a run measures them.
var PgbenchModes = []string{"simple", "extended", "prepared"}

func (c *PgbenchConfig) defaults() {
	if c.Articles <= 0 {
		c.Articles = 100_000
	}
	if c.VotesPerArticle <= 0 {
		c.VotesPerArticle = 2
	}
	if c.Query == "" {
		c.Query = VoteQuery
	}
	if c.Clients <= 0 {
		c.Clients = 8
	}
	if c.Threads <= 0 {
		c.Threads = 2
	}
	c.Threads = min(c.Threads, c.Clients)
	if c.Duration <= 0 {
		c.Duration = 30 * time.Second
	}
	if c.Warmup <= 0 {
		c.Warmup = max(c.Duration/5, time.Second)
	}
	if len(c.Modes) == 0 {
		c.Modes = PgbenchModes
	}
}

// PgbenchRun is one pgbench run: one query mode against one system. JSON names follow the
// report format.
type PgbenchRun struct {
	Mode   string `json:"mode"`
	System string `json:"system"`
	// pgbench's own summary of the whole run (connections opened before it).
	Transactions int64   `json:"transactions"`
	TPS          float64 `json:"tps"`
	LatencyAvgMs float64 `json:"latency_avg_ms"`
	// The measured window, between two of pgbench's progress reports after the warm-up:
	// transactions completed in it (from pgbench's per-transaction log) and their latency.
	Window      time.Duration `json:"window_ns"`
	Reads       int64         `json:"reads"`
	ReadsPerSec float64       `json:"reads_per_s"`
	P50         time.Duration `json:"p50_ns"`
	P90         time.Duration `json:"p90_ns"`
	P99         time.Duration `json:"p99_ns"`
	P999        time.Duration `json:"p999_ns"`
	// Server is the CPU time of weir serve and of PostgreSQL (the postmaster and its
	// backends) over the window, per read: both run throughout, whichever is read.
	Server ServerUsage `json:"server"`
}

// PgbenchReport is the outcome of RunPgbench.
type PgbenchReport struct {
	Config  PgbenchConfig `json:"config"`
	Version string        `json:"pgbench_version"`
	// Script is the pgbench script each run executes.
	Script string       `json:"script"`
	Runs   []PgbenchRun `json:"runs"`
}

const (
	pgbenchSystemWeir     = "weir"
	pgbenchSystemPostgres = "postgres"
)

// RunPgbench starts a private PostgreSQL, loads the vote tables into it, starts `weir
// serve --upstream` on it with a PostgreSQL protocol listener, reads every article once
// through both (checking that Weir returns PostgreSQL's rows, which also fills Weir's
// cache and PostgreSQL's buffers), and then, for each mode, runs pgbench against Weir and
// against PostgreSQL.
func RunPgbench(ctx context.Context, cfg PgbenchConfig, progress io.Writer) (*PgbenchReport, error) {
	cfg.defaults()
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	for _, m := range cfg.Modes {
		if !slices.Contains(PgbenchModes, m) {
			return nil, fmt.Errorf("bench: pgbench mode %q: want simple, extended or prepared", m)
		}
	}
	if cfg.Duration < 3*time.Second || cfg.Warmup > cfg.Duration-2*time.Second {
		return nil, fmt.Errorf("bench: pgbench runs of %s with a warm-up of %s leave no measured window: want at least 2s after the warm-up", cfg.Duration, cfg.Warmup)
	}
	pgbench := cfg.Pgbench
	if pgbench == "" {
		var err error
		if pgbench, err = testserver.LookBinary("pgbench"); err != nil {
			return nil, fmt.Errorf("bench: %w (install postgresql)", err)
		}
	}
	version, err := exec.CommandContext(ctx, pgbench, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("bench: %s --version: %w", pgbench, err)
	}
	rep := &PgbenchReport{Config: cfg, Version: strings.TrimSpace(string(version)), Script: pgbenchScript(cfg.Query, cfg.Articles)}

	say("starting a private PostgreSQL...")
	pg, err := testserver.NewPostgres()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer pg.Stop()
	pgDSN, err := pg.NewDatabase("weir_pgbench")
	if err != nil {
		return nil, err
	}
	say("loading %d articles with %d votes each into PostgreSQL...", cfg.Articles, cfg.VotesPerArticle)
	if err := seedPostgresVotes(ctx, pgDSN, VoteConfig{Articles: cfg.Articles, VotesPerArticle: cfg.VotesPerArticle}); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}

	say("starting weir serve --upstream (it copies the vote tables before it answers)...")
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	pgListen := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
	serve := cfg.Serve
	if serve.Log == nil {
		serve.Log = progress
	}
	weirProc, err := startWeirProcess(ctx, serve, "--memory-limit", "-1", "--upstream", pgDSN, "--tables", "articles,votes",
		"--pg-listen", pgListen)
	if err != nil {
		return nil, err
	}
	defer weirProc.stop()
	// Weir's PostgreSQL listener is a proxy in front of the upstream: the client names the
	// upstream's database, and the vote query is a cache Weir answers.
	weirDSN := "postgres://root@" + pgListen + "/weir_pgbench?sslmode=disable"
	if err := pgbenchCreateCache(ctx, weirDSN, cfg.Query); err != nil {
		return nil, err
	}

	say("reading every article through Weir and PostgreSQL, checking they agree...")
	if err := pgbenchWarm(ctx, cfg, weirDSN, pgDSN); err != nil {
		return nil, err
	}

	dir, err := os.MkdirTemp("", "weir-pgbench-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(dir)
	scriptPath := filepath.Join(dir, "vote.sql")
	if err := os.WriteFile(scriptPath, []byte(rep.Script), 0o644); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	meter := &serverMeter{procs: []serverProc{{name: "weir serve", pid: weirProc.pid()}, postgresProc(pg.PID())}}
	for _, mode := range cfg.Modes {
		for _, sys := range []struct{ name, dsn string }{{pgbenchSystemWeir, weirDSN}, {pgbenchSystemPostgres, pgDSN}} {
			done := phase(progress, fmt.Sprintf("pgbench -M %s against %s: %d clients, %d threads", mode, sys.name, cfg.Clients, cfg.Threads), cfg.Duration)
			run, err := runPgbenchOnce(ctx, cfg, pgbench, scriptPath, filepath.Join(dir, mode+"-"+sys.name), mode, sys.dsn, meter)
			done()
			if err != nil {
				return nil, fmt.Errorf("bench: pgbench -M %s against %s: %w", mode, sys.name, err)
			}
			run.System = sys.name
			rep.Runs = append(rep.Runs, run)
		}
	}
	return rep, nil
}

// pgbenchScript is the custom script: a uniform random article id, then the query with
// PostgreSQL's syntax for the id (pgbench substitutes :id as a literal in the simple mode
// and as the parameter $1 in the others). The query is kept on one line.
func pgbenchScript(query string, articles int) string {
	q := strings.Join(strings.Fields(strings.Replace(query, "?", ":id", 1)), " ")
	return fmt.Sprintf("\\set id random(1, %d)\n%s;\n", articles, q)
}

// pgbenchWarm reads every article through Weir's listener and through PostgreSQL and
// fails on the first difference: the two runs of each mode read the same rows.
// pgbenchCreateCache makes the vote query a cache of Weir's, so that Weir answers it
// rather than passing it to the upstream.
func pgbenchCreateCache(ctx context.Context, weirDSN, query string) error {
	conn, err := pgx.Connect(ctx, weirDSN)
	if err != nil {
		return fmt.Errorf("bench: Weir's PostgreSQL listener: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE CACHE pgbench_vote FROM "+strings.Replace(query, "?", "$1", 1), pgx.QueryExecModeSimpleProtocol); err != nil {
		return fmt.Errorf("bench: CREATE CACHE of the vote query on Weir: %w", err)
	}
	return nil
}

func pgbenchWarm(ctx context.Context, cfg PgbenchConfig, weirDSN, pgDSN string) error {
	open := func(dsn string) (*pgxpool.Pool, error) {
		pc, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		pc.MaxConns = int32(cfg.Clients)
		return pgxpool.NewWithConfig(ctx, pc)
	}
	weirPool, err := open(weirDSN)
	if err != nil {
		return fmt.Errorf("bench: Weir's PostgreSQL listener: %w", err)
	}
	defer weirPool.Close()
	pgPool, err := open(pgDSN)
	if err != nil {
		return fmt.Errorf("bench: PostgreSQL: %w", err)
	}
	defer pgPool.Close()
	query := strings.Replace(cfg.Query, "?", "$1", 1)
	ids := make(chan int)
	errc := make(chan error, cfg.Clients)
	var wg sync.WaitGroup
	for range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				var w, p article
				if err := scanPGArticle(weirPool.QueryRow(ctx, query, id), &w); err != nil {
					errc <- fmt.Errorf("bench: article %d from Weir: %w", id, err)
					return
				}
				if err := scanPGArticle(pgPool.QueryRow(ctx, query, id), &p); err != nil {
					errc <- fmt.Errorf("bench: article %d from PostgreSQL: %w", id, err)
					return
				}
				if articleText(w) != articleText(p) {
					errc <- fmt.Errorf("bench: article %d: Weir returned %s, PostgreSQL %s", id, articleText(w), articleText(p))
					return
				}
			}
		}()
	}
	var failed error
feed:
	for id := 1; id <= cfg.Articles; id++ {
		select {
		case ids <- id:
		case failed = <-errc:
			break feed
		case <-ctx.Done():
			failed = ctx.Err()
			break feed
		}
	}
	close(ids)
	wg.Wait()
	if failed != nil {
		return failed
	}
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// articleText shows an article row as (id, title, votes), votes NULL when there are none.
func articleText(a article) string {
	votes := "NULL"
	if a.Votes != nil {
		votes = strconv.FormatInt(*a.Votes, 10)
	}
	return fmt.Sprintf("(%d, %q, %s)", a.ID, a.Title, votes)
}

// pgbenchSample is a reading of the servers' CPU taken when pgbench reported progress.
type pgbenchSample struct {
	at     time.Time
	sample meterSample
}

// runPgbenchOnce runs pgbench once and measures it. pgbench reports progress every second
// (-P 1); at each report the servers' CPU is read. The measured window runs from the first
// report after the warm-up to the last one, so it leaves out the connections' setup and
// teardown (a PostgreSQL backend that exits is counted only once its postmaster reaps it).
// The transactions completed in the window are counted, and their latencies taken, from
// pgbench's per-transaction log (-l), whose timestamps are the same wall clock.
func runPgbenchOnce(ctx context.Context, cfg PgbenchConfig, pgbench, script, logPrefix, mode, dsn string, meter *serverMeter) (PgbenchRun, error) {
	run := PgbenchRun{Mode: mode}
	args := []string{"-n", "-f", script, "-M", mode, "-c", strconv.Itoa(cfg.Clients), "-j", strconv.Itoa(cfg.Threads),
		"-T", strconv.Itoa(int(cfg.Duration.Round(time.Second) / time.Second)), "-P", "1", "-l", "--log-prefix", logPrefix, dsn}
	cmd := exec.CommandContext(ctx, pgbench, args...)
	var stdout tailWriter
	stdout.max = 16 << 10
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return run, err
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return run, fmt.Errorf("start %s: %w", pgbench, err)
	}
	var samples []pgbenchSample
	errTail := tailWriter{max: 8 << 10}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "progress: ") {
			if time.Since(began) >= cfg.Warmup {
				samples = append(samples, pgbenchSample{at: time.Now(), sample: meter.sample(ctx)})
			}
			continue
		}
		fmt.Fprintln(&errTail, line)
	}
	if err := cmd.Wait(); err != nil {
		return run, fmt.Errorf("%w:\n%s\n%s", err, errTail.tail(), stdout.tail())
	}
	summary, err := parsePgbenchSummary(stdout.tail())
	if err != nil {
		return run, err
	}
	if summary.failed > 0 {
		return run, fmt.Errorf("%d failed transactions:\n%s", summary.failed, errTail.tail())
	}
	run.Transactions, run.TPS, run.LatencyAvgMs = summary.transactions, summary.tps, summary.latencyAvgMs
	if len(samples) < 2 {
		return run, fmt.Errorf("pgbench reported progress %d times after the warm-up of %s: no window to measure", len(samples), cfg.Warmup)
	}
	first, last := samples[0], samples[len(samples)-1]
	logs, err := filepath.Glob(logPrefix + ".*")
	if err != nil || len(logs) == 0 {
		return run, fmt.Errorf("pgbench wrote no transaction log %s.*: %v", logPrefix, err)
	}
	var h Histogram
	for _, path := range logs {
		if err := readPgbenchLog(path, first.at, last.at, &h); err != nil {
			return run, err
		}
	}
	run.Window = last.at.Sub(first.at)
	run.Reads = int64(h.Count())
	if run.Reads == 0 {
		return run, fmt.Errorf("no transaction completed in the measured window of %s", run.Window)
	}
	run.ReadsPerSec = float64(run.Reads) / run.Window.Seconds()
	run.P50, run.P90, run.P99, run.P999 = h.Quantile(0.50), h.Quantile(0.90), h.Quantile(0.99), h.Quantile(0.999)
	run.Server = meter.usage([]meterWindow{{start: first.sample, end: last.sample}}, run.Reads)
	return run, nil
}

// pgbenchSummary is what pgbench prints at the end of a run.
type pgbenchSummary struct {
	transactions, failed int64
	tps, latencyAvgMs    float64
}

var (
	pgbenchProcessed  = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	pgbenchFailed     = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
	pgbenchLatencyAvg = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
	pgbenchTPS        = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)
)

// parsePgbenchSummary reads pgbench's summary (PostgreSQL 15's wording).
func parsePgbenchSummary(out string) (pgbenchSummary, error) {
	var s pgbenchSummary
	find := func(re *regexp.Regexp) (string, error) {
		m := re.FindStringSubmatch(out)
		if m == nil {
			return "", fmt.Errorf("pgbench's summary has no line matching %s:\n%s", re, out)
		}
		return m[1], nil
	}
	var text [4]string
	for i, re := range []*regexp.Regexp{pgbenchProcessed, pgbenchFailed, pgbenchLatencyAvg, pgbenchTPS} {
		t, err := find(re)
		if err != nil {
			return s, err
		}
		text[i] = t
	}
	var errs [4]error
	s.transactions, errs[0] = strconv.ParseInt(text[0], 10, 64)
	s.failed, errs[1] = strconv.ParseInt(text[1], 10, 64)
	s.latencyAvgMs, errs[2] = strconv.ParseFloat(text[2], 64)
	s.tps, errs[3] = strconv.ParseFloat(text[3], 64)
	if err := errors.Join(errs[:]...); err != nil {
		return s, fmt.Errorf("pgbench's summary: %w", err)
	}
	return s, nil
}

// readPgbenchLog records into h the latency of each transaction of a pgbench log (-l)
// that completed after from and no later than to. A line is
// `client_id transaction_no time script_no time_epoch time_us [schedule_lag]`: the
// latency in µs, then the completion's Unix time in seconds and microseconds.
func readPgbenchLog(path string, from, to time.Time, h *Histogram) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("pgbench log: %w", err)
	}
	defer f.Close()
	lo, hi := from.UnixMicro(), to.UnixMicro()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		latency, done, err := parsePgbenchLogLine(sc.Text())
		if err != nil {
			return fmt.Errorf("pgbench log %s:%d: %w", path, n, err)
		}
		if done > lo && done <= hi {
			h.Record(latency)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("pgbench log %s: %w", path, err)
	}
	return nil
}

// parsePgbenchLogLine returns a transaction's latency and its completion time in Unix
// microseconds.
func parsePgbenchLogLine(line string) (latency time.Duration, doneMicros int64, err error) {
	f := strings.Fields(line)
	if len(f) < 6 {
		return 0, 0, fmt.Errorf("%q: want at least 6 fields", line)
	}
	us, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		// A failed transaction is logged with "failed" as its time; runs with failures are
		// refused before their logs are read.
		return 0, 0, fmt.Errorf("%q: latency: %w", line, err)
	}
	sec, err1 := strconv.ParseInt(f[4], 10, 64)
	usec, err2 := strconv.ParseInt(f[5], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("%q: completion time: %w", line, err)
	}
	return time.Duration(us) * time.Microsecond, sec*1_000_000 + usec, nil
}

// Print writes a table of the runs, with each server's CPU per read.
func (r *PgbenchReport) Print(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "pgbench -n -f (the vote read query), %d articles × %d votes, uniform ids, -c %d -j %d, -T %s per run; window: progress reports after %s of warm-up\n",
		c.Articles, c.VotesPerArticle, c.Clients, c.Threads, c.Duration, c.Warmup)
	fmt.Fprintf(w, "%s; script:\n%s", r.Version, indent(r.Script))
	fmt.Fprintf(w, "%-9s %-9s %10s %9s %12s %9s %9s %9s %9s %14s %14s\n", "mode", "system", "tps", "lat avg", "window r/s", "p50", "p90", "p99", "p99.9", "weir CPU/read", "pg CPU/read")
	for _, run := range r.Runs {
		cpu := func(i int) string {
			if i >= len(run.Server.Processes) || run.Server.Processes[i].CPUPerOp == nil {
				return "unknown"
			}
			return fmt.Sprintf("%.1f µs", *run.Server.Processes[i].CPUPerOp)
		}
		ms := func(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond)) }
		fmt.Fprintf(w, "%-9s %-9s %10.0f %7.3fms %12.0f %9s %9s %9s %9s %14s %14s\n", run.Mode, run.System, run.TPS, run.LatencyAvgMs,
			run.ReadsPerSec, ms(run.P50), ms(run.P90), ms(run.P99), ms(run.P999), cpu(0), cpu(1))
	}
	fmt.Fprintln(w, "tps and lat avg: pgbench's summary of the whole run; window r/s and percentiles: transactions completed in the window (pgbench -l)")
	fmt.Fprintln(w, "server CPU per read: user + system time over the window of weir serve, and of PostgreSQL's postmaster and backends (both run throughout:")
	fmt.Fprintln(w, "PostgreSQL is Weir's upstream, Weir is PostgreSQL's replica), /proc clock ticks of 10 ms:")
	for _, run := range r.Runs {
		fmt.Fprintf(w, "  %-9s %-9s %s\n", run.Mode, run.System, run.Server.describe("read"))
	}
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line != "" {
			b.WriteString("    " + line)
		}
	}
	return b.String()
}

package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/weirdb/weir/internal/testserver"
)

// RangeQuery is the range benchmark's read: the page of events after a point in time, the
// query behind every "newer than" feed and keyset-paginated list.
const RangeQuery = "SELECT id, created, title FROM events WHERE created > ? ORDER BY created LIMIT 20"

// rangePage is how many rows RangeQuery returns.
const rangePage = 20

// RangeConfig describes a run of the range benchmark: RangeQuery with a random lower bound
// per read, against Weir (its reader keeps the rows in a B-tree by created) and against
// PostgreSQL with a B-tree index on created, over the same rows, by the same clients.
type RangeConfig struct {
	Rows     int           // events (0: 1,000,000)
	Clients  int           // concurrent clients on each side (0: 8)
	Duration time.Duration // measured time per side, split over Rounds (0: 10s)
	Rounds   int           // the sides alternate this many times, so drift hits both (0: 2)
	// Target is where Weir's server runs: "process" (the default: `weir serve` as a child
	// process, its CPU measured as PostgreSQL's is) or "wire" (inside this process).
	Target string
	Serve  ServeOptions
	// PostgresURL is a scratch PostgreSQL database to use (its events table is replaced);
	// "" starts a private server. PostgresPID is that server's postmaster, for its CPU.
	PostgresURL string
	PostgresPID int
}

func (c *RangeConfig) defaults() {
	if c.Rows <= 0 {
		c.Rows = 1_000_000
	}
	if c.Clients <= 0 {
		c.Clients = 8
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Rounds <= 0 {
		c.Rounds = 2
	}
	if c.Target == "" {
		c.Target = "process"
	}
}

// RangeReport is the outcome of RunRange.
type RangeReport struct {
	Config         RangeConfig
	Weir, Postgres WireSide
	// Ratio is Weir's reads per second over PostgreSQL's; CPURatio Weir's server CPU per
	// read over PostgreSQL's (0 when either is unknown).
	Ratio, CPURatio float64
}

// rangeCreated is event i's timestamp (microseconds): a permutation of the ids spread 1000
// apart, so creation order is not id order and every bound has a full page after it unless
// it is within the last page.
func rangeCreated(i, rows int) int64 {
	return int64((uint64(i)*2654435761)%uint64(rows))*1000 + 1
}

// RunRange loads the events into Weir over its MySQL protocol and into PostgreSQL (with
// an index on created, analyzed), reads each once to warm them, then alternates timed
// phases of RangeQuery with uniform random bounds: each read must return a full page in
// created order. Each server's CPU time is sampled at the start and end of its phases.
func RunRange(ctx context.Context, cfg RangeConfig, progress io.Writer) (RangeReport, error) {
	cfg.defaults()
	rep := RangeReport{Config: cfg, Weir: WireSide{Name: "weir (MySQL protocol)"}, Postgres: WireSide{Name: "postgres (B-tree index)"}}
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	if cfg.Rows < 2*rangePage {
		return rep, fmt.Errorf("bench: range: %d rows, want at least %d", cfg.Rows, 2*rangePage)
	}

	addr, weirMeter, stopWeir, err := startWeirServer(ctx, cfg.Target, cfg.Serve, cfg.Clients, progress, say)
	if err != nil {
		return rep, err
	}
	defer stopWeir()
	db, err := openWeirDB(ctx, addr, cfg.Clients, false)
	if err != nil {
		return rep, err
	}
	defer db.Close()
	say("loading %d events into Weir over the MySQL protocol...", cfg.Rows)
	if err := loadRangeWeir(ctx, db, cfg.Rows); err != nil {
		return rep, err
	}
	stmt, err := db.PrepareContext(ctx, RangeQuery)
	if err != nil {
		return rep, err
	}
	defer stmt.Close()
	readWeir := func(ctx context.Context, bound int64, page *[]int64) error {
		rows, err := stmt.QueryContext(ctx, bound)
		if err != nil {
			return err
		}
		return scanRangePage(rows, page)
	}

	pgDSN, pgPID := cfg.PostgresURL, cfg.PostgresPID
	if pgDSN == "" {
		say("starting a private PostgreSQL...")
		pg, err := testserver.NewPostgres()
		if err != nil {
			return rep, fmt.Errorf("bench: %w", err)
		}
		defer pg.Stop()
		pgPID = pg.PID()
		if pgDSN, err = pg.NewDatabase("weir_range"); err != nil {
			return rep, err
		}
	}
	say("loading %d events into PostgreSQL...", cfg.Rows)
	pool, err := loadRangePostgres(ctx, pgDSN, cfg)
	if err != nil {
		return rep, err
	}
	defer pool.Close()
	pgQuery := strings.Replace(RangeQuery, "?", "$1", 1)
	readPG := func(ctx context.Context, bound int64, page *[]int64) error {
		rows, err := pool.Query(ctx, pgQuery, bound)
		if err != nil {
			return err
		}
		defer rows.Close()
		*page = (*page)[:0]
		var id, created int64
		var title string
		for rows.Next() {
			if err := rows.Scan(&id, &created, &title); err != nil {
				return err
			}
			*page = append(*page, created)
		}
		return rows.Err()
	}
	pgMeter := &serverMeter{procs: []serverProc{postgresProc(pgPID)}}

	// A first read of each: Weir's view (created with the table) is filled, PostgreSQL's
	// index pages are in its buffer cache, and both answer the same page.
	var a, b []int64
	if err := readWeir(ctx, 0, &a); err != nil {
		return rep, fmt.Errorf("bench: weir: %w", err)
	}
	if err := readPG(ctx, 0, &b); err != nil {
		return rep, fmt.Errorf("bench: postgres: %w", err)
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		return rep, fmt.Errorf("bench: the first page differs: weir %v, postgres %v", a, b)
	}
	say("warming PostgreSQL's buffer cache...")
	if _, err := pool.Exec(ctx, "SELECT COUNT(title) FROM events"); err != nil {
		return rep, err
	}

	weirSide := &readSide{name: rep.Weir.Name, meter: weirMeter, phase: func(ctx context.Context, round int, d time.Duration, h *Histogram) (time.Duration, error) {
		return rangePhase(ctx, cfg, uint64(round), d, readWeir, h)
	}}
	pgSide := &readSide{name: rep.Postgres.Name, meter: pgMeter, phase: func(ctx context.Context, round int, d time.Duration, h *Histogram) (time.Duration, error) {
		return rangePhase(ctx, cfg, uint64(round), d, readPG, h)
	}}
	if err := alternate(ctx, cfg.Rounds, cfg.Clients, cfg.Duration/time.Duration(cfg.Rounds), say, weirSide, pgSide); err != nil {
		return rep, err
	}
	rep.Weir, rep.Postgres = weirSide.result(), pgSide.result()
	rep.Ratio, rep.CPURatio = ratios(rep.Weir, rep.Postgres)
	return rep, nil
}

// scanRangePage reads a page's created values into page.
func scanRangePage(rows *sql.Rows, page *[]int64) error {
	defer rows.Close()
	*page = (*page)[:0]
	var id, created int64
	var title sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&id, &created, &title); err != nil {
			return err
		}
		*page = append(*page, created)
	}
	return rows.Err()
}

// rangeSchema is the events table, the same on both sides; PostgreSQL adds its index.
const rangeSchema = "CREATE TABLE events (id BIGINT PRIMARY KEY, created BIGINT NOT NULL, title VARCHAR(64) NOT NULL)"

func rangeTitle(i int) string { return fmt.Sprintf("Event #%d", i) }

// loadRangeWeir creates the events table and RangeQuery's cache on a Weir server and loads
// the rows in INSERTs of 1000.
func loadRangeWeir(ctx context.Context, db *sql.DB, rows int) error {
	if _, err := db.ExecContext(ctx, rangeSchema); err != nil {
		return fmt.Errorf("%s: %w (the benchmark needs a Weir server without an events table)", rangeSchema, err)
	}
	if _, err := db.ExecContext(ctx, "CREATE CACHE recent_events FROM "+RangeQuery); err != nil {
		return err
	}
	const batch = 1000
	args := make([]any, 0, 3*batch)
	for i := 1; i <= rows; i++ {
		args = append(args, i, rangeCreated(i, rows), rangeTitle(i))
		if len(args) == 3*batch || i == rows {
			if _, err := db.ExecContext(ctx, InsertStatement("events", 3, len(args)/3), args...); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	return nil
}

// loadRangePostgres replaces the events table in dsn's database with the same rows (by
// COPY), indexes created and analyzes it, and returns a pool of cfg.Clients connections.
func loadRangePostgres(ctx context.Context, dsn string, cfg RangeConfig) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	pc.MaxConns = int32(cfg.Clients)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, err
	}
	for _, q := range []string{"DROP TABLE IF EXISTS events", rangeSchema} {
		if _, err := pool.Exec(ctx, q); err != nil {
			pool.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == cfg.Rows {
			return nil, nil
		}
		i++
		return []any{int64(i), rangeCreated(i, cfg.Rows), rangeTitle(i)}, nil
	})
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"events"}, []string{"id", "created", "title"}, src); err != nil {
		pool.Close()
		return nil, fmt.Errorf("copy events: %w", err)
	}
	for _, q := range []string{"CREATE INDEX events_created ON events (created)", "VACUUM ANALYZE events"} {
		if _, err := pool.Exec(ctx, q); err != nil {
			pool.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return pool, nil
}

// rangePhase runs cfg.Clients readers for d, each reading pages after uniform random
// bounds and checking that every page is full and in order, and records each read's
// latency in h.
func rangePhase(ctx context.Context, cfg RangeConfig, seed uint64, d time.Duration,
	read func(context.Context, int64, *[]int64) error, h *Histogram) (time.Duration, error) {
	// Bounds below the last page's first timestamp, so every read has a full page.
	maxBound := int64(cfg.Rows-rangePage) * 1000
	return clientPhase(ctx, cfg.Clients, d, h, func(c int) func(context.Context) error {
		rng := rand.New(rand.NewPCG(seed, uint64(c)))
		page := make([]int64, 0, rangePage)
		return func(ctx context.Context) error {
			bound := rng.Int64N(maxBound)
			if err := read(ctx, bound, &page); err != nil {
				return err
			}
			return checkRangePage(bound, page)
		}
	})
}

// checkRangePage checks a page read after bound: a full page of increasing timestamps
// past the bound, starting at the first timestamp after it (they are 1000 apart from 1).
func checkRangePage(bound int64, page []int64) error {
	if len(page) != rangePage {
		return fmt.Errorf("created > %d: %d rows, want %d", bound, len(page), rangePage)
	}
	first := (bound-1)/1000*1000 + 1001
	if bound < 1 {
		first = 1
	}
	for i, c := range page {
		if c != first+int64(i)*1000 {
			return fmt.Errorf("created > %d: row %d has created %d, want %d", bound, i, c, first+int64(i)*1000)
		}
	}
	return nil
}

// Print writes the comparison as a table, with each side's server CPU per read.
func (r RangeReport) Print(w io.Writer) {
	where := "weir serve as its own process"
	if r.Config.Target == "wire" {
		where = "Weir's server in the benchmark's process"
	}
	fmt.Fprintf(w, "range reads over the wire: %s, %d events, uniform bounds, %d clients per side, %s per side in %d rounds (%s)\n",
		RangeQuery, r.Config.Rows, r.Config.Clients, r.Config.Duration, r.Config.Rounds, where)
	fmt.Fprintf(w, "%-26s %12s %12s %10s %10s %16s\n", "side", "reads", "reads/s", "p50", "p99", "server CPU/read")
	for _, s := range []WireSide{r.Weir, r.Postgres} {
		cpu := "unknown"
		if s.Server.CPUPerOp != nil {
			cpu = fmt.Sprintf("%.1f µs", *s.Server.CPUPerOp)
		}
		fmt.Fprintf(w, "%-26s %12d %12.0f %10s %10s %16s\n", s.Name, s.Reads, s.PerSec, s.P50, s.P99, cpu)
	}
	fmt.Fprintf(w, "throughput ratio Weir / PostgreSQL: %.2f×\n", r.Ratio)
	fmt.Fprintln(w, "server CPU (user + system time of each server's processes over its side's phases; /proc clock ticks of 10 ms):")
	fmt.Fprintf(w, "  weir      %s\n", r.Weir.Server.describe("read"))
	fmt.Fprintf(w, "  postgres  %s\n", r.Postgres.Server.describe("read"))
	if r.CPURatio > 0 {
		fmt.Fprintf(w, "server CPU per read, Weir ÷ PostgreSQL: %.2f×\n", r.CPURatio)
	}
}

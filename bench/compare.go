package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
)

// CompareConfig describes the vote workload run against Weir and, in the same run, against
// the baselines: the same query on PostgreSQL and on MariaDB, and the cache-aside pattern
// (Redis in front of PostgreSQL).
type CompareConfig struct {
	Vote VoteConfig
	// Target is where Weir runs: "inproc" (the Go API) or "wire" (Weir's MySQL server on
	// loopback, read with go-sql-driver, as the baselines are read over their protocols).
	Target string
	// Compare lists the baselines: postgres, mariadb, redis (cache-aside over PostgreSQL).
	Compare []string
	// Servers; "" starts a private one.
	PostgresURL, MariaDBDSN, RedisServer string
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
	// MemoryBytes is what the cache holds once the run ends: Weir's partial state (its
	// accounted reader and operator state), Redis's used_memory; 0 for a database.
	MemoryBytes int64 `json:"memory_bytes,omitempty"`
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
		cfg.Target = "wire"
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
	rep := &CompareReport{Config: cfg, Systems: map[string]*SystemResult{}, sweep: sweep}
	names := append([]string{"weir"}, cfg.Compare...)
	var pgDSN string
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
			sys, err = newWeirVote(ctx, cfg)
		case "postgres":
			sys, err = newPostgresVote(ctx, pgDSN, cfg.Vote.Clients)
		case "redis":
			say("starting a private Redis...")
			sys, err = newCacheAsideVote(ctx, pgDSN, cfg)
		case "mariadb":
			dsn := cfg.MariaDBDSN
			if dsn == "" {
				say("starting a private MariaDB...")
				m, err := testserver.NewMariaDB()
				if err != nil {
					return nil, fmt.Errorf("bench: %w", err)
				}
				defer m.Stop()
				dsn = m.DSN("")
			}
			say("loading the vote tables into MariaDB...")
			sys, err = newMariaDBVote(ctx, dsn, cfg.Vote)
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
		done = phase(progress, fmt.Sprintf("%s: %d clients", name, cfg.Vote.Clients), cfg.Vote.Duration)
		run, err := driveVote(ctx, sys, cfg.Vote, cfg.Vote.Duration, 0, 2, 0)
		done()
		if err != nil {
			sys.close()
			return nil, fmt.Errorf("bench: %s: %w", name, err)
		}
		res := run.result()
		res.Name = name
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

// weirVote is Weir, in process or over its MySQL server.
type weirVote struct {
	e       *weir.Engine
	v       *weir.View
	insert  *weir.Stmt
	db      *sql.DB
	read_   *sql.Stmt
	write_  *sql.Stmt
	stopSrv func()
}

func newWeirVote(ctx context.Context, cfg CompareConfig) (*weirVote, error) {
	if cfg.Target != "inproc" && cfg.Target != "wire" {
		return newRemoteWeirVote(ctx, cfg)
	}
	e, err := weir.Open(weir.Options{Domains: cfg.Vote.Domains, MemoryLimit: cfg.Vote.MemoryLimit})
	if err != nil {
		return nil, err
	}
	w := &weirVote{e: e}
	v, tok, err := SetupVote(ctx, e, cfg.Vote.Articles)
	if err == nil {
		tok, err = SeedVotes(ctx, e, cfg.Vote.Articles, cfg.Vote.VotesPerArticle)
	}
	if err == nil {
		err = e.WaitFor(ctx, tok)
	}
	if err == nil {
		w.v = v
		w.insert, err = e.Prepare("INSERT INTO votes VALUES (?, ?)")
	}
	if err == nil && cfg.Target == "wire" {
		var addr string
		addr, w.stopSrv, err = serveEngine(e, cfg.Vote.Clients)
		if err == nil {
			dsn := mysql.NewConfig()
			dsn.User, dsn.Net, dsn.Addr, dsn.DBName = "root", "tcp", addr, "weir"
			err = w.connect(ctx, dsn.FormatDSN(), cfg.Vote.Clients)
		}
		if err == nil {
			err = w.prepare(ctx)
		}
	}
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// newRemoteWeirVote loads the vote tables into a running `weir serve` at cfg.Target (a
// host:port, or a go-sql-driver DSN) over the MySQL protocol. The server must not have the
// tables yet: the benchmark does not drop anything of someone else's.
func newRemoteWeirVote(ctx context.Context, cfg CompareConfig) (*weirVote, error) {
	dsn := cfg.Target
	if !strings.Contains(dsn, "@") && !strings.Contains(dsn, "/") {
		c := mysql.NewConfig()
		c.User, c.Net, c.Addr, c.DBName = "root", "tcp", dsn, "weir"
		dsn = c.FormatDSN()
	}
	w := &weirVote{}
	if err := w.connect(ctx, dsn, cfg.Vote.Clients); err != nil {
		return nil, fmt.Errorf("--target %s: %w", cfg.Target, err)
	}
	fail := func(err error) (*weirVote, error) {
		w.close()
		return nil, fmt.Errorf("--target %s: %w", cfg.Target, err)
	}
	for _, ddl := range VoteSchema {
		if _, err := w.db.ExecContext(ctx, ddl); err != nil {
			return fail(fmt.Errorf("%s: %w (the benchmark needs a Weir server without its tables)", ddl, err))
		}
	}
	if _, err := w.db.ExecContext(ctx, "CREATE CACHE article_votes FROM "+VoteQuery); err != nil {
		return fail(err)
	}
	const batch = 1000
	load := func(table string, rows int, row func(i int) (any, any)) error {
		args := make([]any, 0, 2*batch)
		for i := 1; i <= rows; i++ {
			a, b := row(i)
			args = append(args, a, b)
			if len(args) == 2*batch || i == rows {
				if _, err := w.db.ExecContext(ctx, InsertStatement(table, 2, len(args)/2), args...); err != nil {
					return err
				}
				args = args[:0]
			}
		}
		return nil
	}
	per := cfg.Vote.VotesPerArticle
	if err := load("articles", cfg.Vote.Articles, func(i int) (any, any) { return i, fmt.Sprintf("Article #%d", i) }); err != nil {
		return fail(err)
	}
	if err := load("votes", cfg.Vote.Articles*per, func(i int) (any, any) { return (i-1)/per + 1, i }); err != nil {
		return fail(err)
	}
	if err := w.prepare(ctx); err != nil {
		return fail(err)
	}
	return w, nil
}

// connect opens the MySQL-protocol client of a Weir server.
func (w *weirVote) connect(ctx context.Context, dsn string, clients int) error {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	w.db = db
	db.SetMaxOpenConns(clients)
	db.SetMaxIdleConns(clients)
	return db.PingContext(ctx)
}

// prepare prepares the workload's two statements on the server, once its tables exist.
func (w *weirVote) prepare(ctx context.Context) error {
	var err error
	if w.read_, err = w.db.PrepareContext(ctx, VoteQuery); err != nil {
		return err
	}
	w.write_, err = w.db.PrepareContext(ctx, "INSERT INTO votes VALUES (?, ?)")
	return err
}

func (w *weirVote) read(ctx context.Context, id int) error {
	if w.read_ == nil {
		_, err := w.v.Lookup(ctx, id)
		return err
	}
	var aid int64
	var title string
	var votes sql.NullInt64
	return w.read_.QueryRowContext(ctx, id).Scan(&aid, &title, &votes)
}

func (w *weirVote) write(ctx context.Context, id int, user int64) error {
	if w.write_ == nil {
		_, err := w.insert.Exec(ctx, id, user)
		return err
	}
	_, err := w.write_.ExecContext(ctx, id, user)
	return err
}

// hits sums every view's counters: over the protocol, reads go through the view of the
// query's shape, which shares the named view's reader but counts its own lookups.
func (w *weirVote) hits() (int64, int64, bool) {
	if w.e == nil {
		return w.remoteHits()
	}
	var hit, total int64
	for _, s := range w.e.Stats() {
		hit += s.Hits
		total += s.Hits + s.Misses
	}
	return hit, total, true
}

func (w *weirVote) memory(ctx context.Context) int64 {
	if w.e != nil {
		return w.e.MemoryInUse()
	}
	return 0
}

// remoteHits reads a Weir server's hit and miss counters from SHOW STATUS.
func (w *weirVote) remoteHits() (int64, int64, bool) {
	rows, err := w.db.Query("SHOW STATUS LIKE 'Weir_%'")
	if err != nil {
		return 0, 0, false
	}
	defer rows.Close()
	var hits, misses int64
	for rows.Next() {
		var k, v string
		if rows.Scan(&k, &v) != nil {
			return 0, 0, false
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		switch k {
		case "Weir_hits":
			hits = n
		case "Weir_misses":
			misses = n
		}
	}
	return hits, hits + misses, rows.Err() == nil
}

func (w *weirVote) close() {
	if w.db != nil {
		w.db.Close()
	}
	if w.stopSrv != nil {
		w.stopSrv()
	}
	if w.e != nil {
		w.e.Close()
	}
}

// The baselines' schema: the same tables with the indexes the query needs.
var sqlVoteSchema = []string{
	"CREATE TABLE articles (id INT PRIMARY KEY, title VARCHAR(64) NOT NULL)",
	"CREATE TABLE votes (article_id INT NOT NULL, user_id BIGINT NOT NULL, PRIMARY KEY (article_id, user_id))",
}

func seedPostgresVotes(ctx context.Context, dsn string, cfg VoteConfig) error {
	db, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range append([]string{"DROP TABLE IF EXISTS votes", "DROP TABLE IF EXISTS articles"}, sqlVoteSchema...) {
		if _, err := db.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	for _, q := range []string{
		"INSERT INTO articles SELECT i, 'Article #' || i FROM generate_series(1, $1) i",
		"INSERT INTO votes SELECT a, (a - 1) * $2 + u FROM generate_series(1, $1) a, generate_series(1, $2) u",
		"ANALYZE",
	} {
		args := []any{cfg.Articles, cfg.VotesPerArticle}
		if strings.Count(q, "$") == 1 {
			args = args[:1]
		} else if !strings.Contains(q, "$") {
			args = nil
		}
		if _, err := db.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// pgVoteQuery is VoteQuery with PostgreSQL's placeholder.
var pgVoteQuery = strings.Replace(VoteQuery, "?", "$1", 1)

type postgresVote struct{ db *pgxpool.Pool }

func newPostgresVote(ctx context.Context, dsn string, clients int) (*postgresVote, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(clients)
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &postgresVote{db: db}, nil
}

func (p *postgresVote) read(ctx context.Context, id int) error {
	var a article
	return scanPGArticle(p.db.QueryRow(ctx, pgVoteQuery, id), &a)
}

func (p *postgresVote) write(ctx context.Context, id int, user int64) error {
	_, err := p.db.Exec(ctx, "INSERT INTO votes VALUES ($1, $2)", id, user)
	return err
}

func (p *postgresVote) hits() (int64, int64, bool)   { return 0, 0, false }
func (p *postgresVote) memory(context.Context) int64 { return 0 }
func (p *postgresVote) close()                       { p.db.Close() }

func scanPGArticle(row interface{ Scan(...any) error }, a *article) error {
	var votes *int64
	if err := row.Scan(&a.ID, &a.Title, &votes); err != nil {
		return err
	}
	a.Votes = votes
	return nil
}

// cacheAsideVote is Redis in front of PostgreSQL, as applications write it: read GET, on a
// miss run the query and SET with a TTL; write to PostgreSQL, then DEL the key.
type cacheAsideVote struct {
	pg         *postgresVote
	rdb        *redis.Client
	stopRedis  func()
	ttl        time.Duration
	hit, total atomic.Int64
}

func newCacheAsideVote(ctx context.Context, dsn string, cfg CompareConfig) (*cacheAsideVote, error) {
	pg, err := newPostgresVote(ctx, dsn, cfg.Vote.Clients)
	if err != nil {
		return nil, err
	}
	rdb, stop, err := startRedis(ctx, cfg.RedisServer, cfg.Vote.Clients)
	if err != nil {
		pg.close()
		return nil, err
	}
	return &cacheAsideVote{pg: pg, rdb: rdb, stopRedis: stop, ttl: cfg.TTL}, nil
}

func (c *cacheAsideVote) read(ctx context.Context, id int) error {
	c.total.Add(1)
	key := redisKey(id)
	b, err := c.rdb.Get(ctx, key).Bytes()
	if err == nil {
		c.hit.Add(1)
		var a article
		return json.Unmarshal(b, &a)
	}
	if !errors.Is(err, redis.Nil) {
		return err
	}
	var a article
	if err := scanPGArticle(c.pg.db.QueryRow(ctx, pgVoteQuery, id), &a); err != nil {
		return err
	}
	b, err = json.Marshal(a)
	if err != nil {
		return err
	}
	return c.rdb.Set(ctx, key, b, c.ttl).Err()
}

func (c *cacheAsideVote) write(ctx context.Context, id int, user int64) error {
	if err := c.pg.write(ctx, id, user); err != nil {
		return err
	}
	return c.rdb.Del(ctx, redisKey(id)).Err()
}

func (c *cacheAsideVote) hits() (int64, int64, bool) { return c.hit.Load(), c.total.Load(), true }

// memory is Redis's used_memory.
func (c *cacheAsideVote) memory(ctx context.Context) int64 {
	info, err := c.rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}
func (c *cacheAsideVote) close() {
	c.stopRedis()
	c.pg.close()
}

// mariadbVote is the query run directly on MariaDB.
type mariadbVote struct {
	db          *sql.DB
	read_, ins_ *sql.Stmt
}

func newMariaDBVote(ctx context.Context, dsn string, cfg VoteConfig) (*mariadbVote, error) {
	root, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	for _, q := range []string{"DROP DATABASE IF EXISTS weir_vote", "CREATE DATABASE weir_vote"} {
		if _, err := root.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	mc.DBName = "weir_vote"
	db, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(cfg.Clients)
	db.SetMaxIdleConns(cfg.Clients)
	m := &mariadbVote{db: db}
	for _, q := range append(append([]string{}, sqlVoteSchema...),
		"INSERT INTO articles SELECT seq, CONCAT('Article #', seq) FROM seq_1_to_"+strconv.Itoa(cfg.Articles),
		fmt.Sprintf("INSERT INTO votes SELECT a.seq, (a.seq - 1) * %d + u.seq FROM seq_1_to_%d a, seq_1_to_%d u", cfg.VotesPerArticle, cfg.Articles, cfg.VotesPerArticle),
		"ANALYZE TABLE articles, votes",
	) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	if m.read_, err = db.PrepareContext(ctx, VoteQuery); err == nil {
		m.ins_, err = db.PrepareContext(ctx, "INSERT INTO votes VALUES (?, ?)")
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return m, nil
}

func (m *mariadbVote) read(ctx context.Context, id int) error {
	var a article
	var votes sql.NullInt64
	return m.read_.QueryRowContext(ctx, id).Scan(&a.ID, &a.Title, &votes)
}

func (m *mariadbVote) write(ctx context.Context, id int, user int64) error {
	_, err := m.ins_.ExecContext(ctx, id, user)
	return err
}

func (m *mariadbVote) hits() (int64, int64, bool)   { return 0, 0, false }
func (m *mariadbVote) memory(context.Context) int64 { return 0 }
func (m *mariadbVote) close()                       { m.db.Close() }

// Print writes a readable table of the report, Weir first, with read throughput ratios.
func (r *CompareReport) Print(w io.Writer) {
	c := r.Config.Vote
	fmt.Fprintf(w, "vote workload: %d articles, %.0f%% reads, %s, %d clients, %s per system (Weir: %s), GOMAXPROCS %d\n",
		c.Articles, c.ReadShare*100, distribution(c.Zipf), c.Clients, c.Duration, r.Config.Target, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "%-10s %11s %10s %9s %9s %9s %9s %10s %9s %9s %9s %9s %9s\n", "system", "reads/s", "writes/s", "read p50", "p90", "p99", "p99.9", "write p50", "p90", "p99", "p99.9", "hit rate", "memory")
	weirRate := 0.0
	if s := r.Systems["weir"]; s != nil {
		weirRate = s.ReadsPerSec
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
		fmt.Fprintf(w, "%-10s %11.0f %10.0f %8.0fµs %8.0fµs %8.0fµs %8.0fµs %9.0fµs %8.0fµs %8.0fµs %8.0fµs %9s %9s\n",
			name, s.ReadsPerSec, s.WritesPerSec, s.ReadP50, s.ReadP90, s.ReadP99, s.ReadP999, s.WriteP50, s.WriteP90, s.WriteP99, s.WriteP999, hit, mem)
	}
	for _, name := range r.Order[1:] {
		if s := r.Systems[name]; s.ReadsPerSec > 0 {
			fmt.Fprintf(w, "Weir/%s read throughput: %.2f×\n", name, weirRate/s.ReadsPerSec)
		}
	}
}

package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/weirdb/weir"
)

// WireConfig describes a run of the wire benchmark: the vote view read over the MySQL
// protocol from Weir's server, against the same rows as JSON values read from Redis, the
// cache-aside pattern's store, with the same clients and keys.
type WireConfig struct {
	Articles        int           // key space (0: 100,000)
	VotesPerArticle int           // votes per article (0: 2)
	Clients         int           // concurrent clients on each side (0: 16)
	Duration        time.Duration // measured time per side, split over Rounds (0: 10s)
	Rounds          int           // the sides alternate this many times, so drift hits both (0: 2)
	Zipf            float64       // exponent of the key distribution (0: 1.08)
	Text            bool          // read Weir with literals in the SQL text instead of prepared statements
	RedisServer     string        // path of redis-server ("": look it up on PATH)
}

func (c *WireConfig) defaults() {
	if c.Articles <= 0 {
		c.Articles = 100_000
	}
	if c.VotesPerArticle <= 0 {
		c.VotesPerArticle = 2
	}
	if c.Clients <= 0 {
		c.Clients = 16
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Rounds <= 0 {
		c.Rounds = 2
	}
	if c.Zipf == 0 {
		c.Zipf = 1.08
	}
}

// WireSide is what one side of the comparison did.
type WireSide struct {
	Name     string
	Reads    int64
	PerSec   float64
	P50, P99 time.Duration
}

// WireReport is the outcome of RunWire.
type WireReport struct {
	Config      WireConfig
	Weir, Redis WireSide
	// Ratio is Weir's reads per second over Redis's.
	Ratio float64
}

// article is the vote view's row, the value both sides hand the application.
type article struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Votes *int64 `json:"votes"`
}

// RunWire starts Weir's MySQL server and a private redis-server (a child process), loads the
// vote workload into Weir and the vote view's rows into Redis as JSON, warms Weir's view with
// every key, then alternates timed phases of Zipf reads: each client reads one article per
// round trip and decodes it into the same struct (a row scan for Weir, json.Unmarshal for
// Redis).
func RunWire(ctx context.Context, cfg WireConfig, progress io.Writer) (WireReport, error) {
	cfg.defaults()
	rep := WireReport{Config: cfg, Weir: WireSide{Name: "weir (MySQL protocol)"}, Redis: WireSide{Name: "redis GET + JSON"}}
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}

	e, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		return rep, err
	}
	defer e.Close()
	say("loading %d articles, %d votes each...", cfg.Articles, cfg.VotesPerArticle)
	v, tok, err := SetupVote(ctx, e, cfg.Articles)
	if err != nil {
		return rep, err
	}
	if tok, err = SeedVotes(ctx, e, cfg.Articles, cfg.VotesPerArticle); err != nil {
		return rep, err
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		return rep, err
	}

	addr, stopServer, err := serveEngine(e, cfg.Clients)
	if err != nil {
		return rep, err
	}
	defer stopServer()

	rdb, stopRedis, err := startRedis(ctx, cfg.RedisServer, cfg.Clients)
	if err != nil {
		return rep, err
	}
	defer stopRedis()

	// Both sides hold every key: Weir's partial view is warmed by reading each one, and Redis
	// gets the view's rows, as an application's cache-aside fill would put them.
	say("warming Weir's view and loading Redis...")
	pipe := rdb.Pipeline()
	for id := 1; id <= cfg.Articles; id++ {
		rows, err := v.Lookup(ctx, id)
		if err != nil {
			return rep, err
		}
		if rows.Len() != 1 {
			return rep, fmt.Errorf("bench: article %d: %d rows", id, rows.Len())
		}
		row := rows.Row(0)
		a := article{ID: row[0].RawInt(), Title: row[1].RawString()}
		if !row[2].IsNull() {
			n := row[2].RawInt()
			a.Votes = &n
		}
		b, err := json.Marshal(a)
		if err != nil {
			return rep, err
		}
		pipe.Set(ctx, redisKey(id), b, 0)
		if pipe.Len() == 1000 || id == cfg.Articles {
			if _, err := pipe.Exec(ctx); err != nil {
				return rep, fmt.Errorf("bench: loading redis: %w", err)
			}
		}
	}

	dsn := mysql.NewConfig()
	dsn.User, dsn.Net, dsn.Addr, dsn.DBName = "root", "tcp", addr, "weir"
	dsn.InterpolateParams = cfg.Text
	db, err := sql.Open("mysql", dsn.FormatDSN())
	if err != nil {
		return rep, err
	}
	defer db.Close()
	db.SetMaxOpenConns(cfg.Clients)
	db.SetMaxIdleConns(cfg.Clients)
	stmt, err := db.PrepareContext(ctx, VoteQuery)
	if err != nil {
		return rep, err
	}
	defer stmt.Close()
	readWeir := func(ctx context.Context, id int, a *article) error {
		var votes sql.NullInt64
		if err := stmt.QueryRowContext(ctx, id).Scan(&a.ID, &a.Title, &votes); err != nil {
			return err
		}
		a.Votes = nil
		if votes.Valid {
			a.Votes = &votes.Int64
		}
		return nil
	}
	readRedis := func(ctx context.Context, id int, a *article) error {
		b, err := rdb.Get(ctx, redisKey(id)).Bytes()
		if err != nil {
			return err
		}
		return json.Unmarshal(b, a)
	}

	phase := cfg.Duration / time.Duration(cfg.Rounds)
	var weirHist, redisHist Histogram
	var weirTime, redisTime time.Duration
	for round := 1; round <= cfg.Rounds; round++ {
		for _, side := range []struct {
			name string
			read func(context.Context, int, *article) error
			hist *Histogram
			took *time.Duration
		}{
			{rep.Weir.Name, readWeir, &weirHist, &weirTime},
			{rep.Redis.Name, readRedis, &redisHist, &redisTime},
		} {
			say("round %d/%d: %s, %d clients, %s...", round, cfg.Rounds, side.name, cfg.Clients, phase)
			took, err := readPhase(ctx, cfg, uint64(round), phase, side.read, side.hist)
			if err != nil {
				return rep, fmt.Errorf("bench: %s: %w", side.name, err)
			}
			*side.took += took
		}
	}
	fill := func(s *WireSide, h *Histogram, took time.Duration) {
		s.Reads = int64(h.Count())
		s.PerSec = float64(h.Count()) / took.Seconds()
		s.P50, s.P99 = h.Quantile(0.50), h.Quantile(0.99)
	}
	fill(&rep.Weir, &weirHist, weirTime)
	fill(&rep.Redis, &redisHist, redisTime)
	if rep.Redis.PerSec > 0 {
		rep.Ratio = rep.Weir.PerSec / rep.Redis.PerSec
	}
	return rep, nil
}

// readPhase runs cfg.Clients readers for d, each drawing Zipf keys, and records every read's
// latency in h.
func readPhase(ctx context.Context, cfg WireConfig, seed uint64, d time.Duration,
	read func(context.Context, int, *article) error, h *Histogram) (time.Duration, error) {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		run clients
	)
	start := time.Now()
	for c := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gen := NewKeyGen(cfg.Articles, cfg.Zipf, seed*1000+uint64(c))
			var local Histogram
			var a article
			for !run.stopped() {
				id := gen.Next()
				t0 := time.Now()
				err := read(ctx, id, &a)
				local.Record(time.Since(t0))
				if err == nil && a.ID != int64(id) {
					err = fmt.Errorf("read article %d, got %d", id, a.ID)
				}
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

func redisKey(id int) string { return "article:" + strconv.Itoa(id) }

// startRedis runs a private redis-server on a free loopback port, without persistence, and
// returns a client with a pool of the given size.
func startRedis(ctx context.Context, path string, pool int) (*redis.Client, func(), error) {
	if path == "" {
		var err error
		if path, err = exec.LookPath("redis-server"); err != nil {
			return nil, nil, fmt.Errorf("bench: redis-server not found (apt-get install redis-server): %w", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("bench: start redis-server: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	rdb := redis.NewClient(&redis.Options{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), PoolSize: pool, MinIdleConns: pool})
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := rdb.Ping(ctx).Err()
		if err == nil {
			break
		}
		select {
		case werr := <-exited:
			exited <- werr
			rdb.Close()
			stop()
			return nil, nil, fmt.Errorf("bench: redis-server exited: %v", werr)
		default:
		}
		if time.Now().After(deadline) || errors.Is(ctx.Err(), context.Canceled) {
			rdb.Close()
			stop()
			return nil, nil, fmt.Errorf("bench: redis-server did not answer: %w", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return rdb, func() { rdb.Close(); stop() }, nil
}

// Print writes the comparison as a table.
func (r WireReport) Print(w io.Writer) {
	mode := "prepared statements"
	if r.Config.Text {
		mode = "text queries with literals"
	}
	fmt.Fprintf(w, "vote view over the wire: %d articles, Zipf %.2f, %d clients per side, %s per side in %d rounds; Weir read with %s\n",
		r.Config.Articles, r.Config.Zipf, r.Config.Clients, r.Config.Duration, r.Config.Rounds, mode)
	fmt.Fprintf(w, "%-24s %12s %12s %10s %10s\n", "side", "reads", "reads/s", "p50", "p99")
	for _, s := range []WireSide{r.Weir, r.Redis} {
		fmt.Fprintf(w, "%-24s %12d %12.0f %10s %10s\n", s.Name, s.Reads, s.PerSec, s.P50, s.P99)
	}
	fmt.Fprintf(w, "throughput ratio Weir / Redis: %.2f×\n", r.Ratio)
}

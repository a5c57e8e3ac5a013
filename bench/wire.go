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

	"github.com/redis/go-redis/v9"
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
	// Target is where Weir's server runs: "process" (the default: `weir serve` as a child
	// process, whose CPU time is measured as redis-server's is) or "wire" (Weir's MySQL
	// server inside the benchmark's process, sharing it with the clients).
	Target string
	// Serve says how to start `weir serve` for the process target.
	Serve ServeOptions
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
	if c.Target == "" {
		c.Target = "process"
	}
}

// WireSide is what one side of the comparison did.
type WireSide struct {
	Name     string
	Reads    int64
	PerSec   float64
	P50, P99 time.Duration
	// Server is the CPU time of the side's server over its phases, per read (Weir's per
	// read, redis-server's per GET), and Weir's GC pauses.
	Server ServerUsage
}

// WireReport is the outcome of RunWire.
type WireReport struct {
	Config      WireConfig
	Weir, Redis WireSide
	// Ratio is Weir's reads per second over Redis's.
	Ratio float64
	// CPURatio is Weir's server CPU per read over redis-server's per GET; 0 when either is
	// unknown.
	CPURatio float64
}

// article is the vote view's row, the value both sides hand the application.
type article struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Votes *int64 `json:"votes"`
}

// RunWire starts Weir's MySQL server (as a `weir serve` child process by default) and a
// private redis-server (a child process), loads the vote workload into Weir over the
// protocol and the vote view's rows into Redis as JSON, warms Weir's view with every key,
// then alternates timed phases of Zipf reads: each client reads one article per round trip
// and decodes it into the same struct (a row scan for Weir, json.Unmarshal for Redis). Each
// server's CPU time is sampled at the start and end of each of its phases.
func RunWire(ctx context.Context, cfg WireConfig, progress io.Writer) (WireReport, error) {
	cfg.defaults()
	rep := WireReport{Config: cfg, Weir: WireSide{Name: "weir (MySQL protocol)"}, Redis: WireSide{Name: "redis GET + JSON"}}
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}

	addr, weirMeter, stopWeir, err := startWeirServer(ctx, cfg.Target, cfg.Serve, cfg.Clients, progress, say)
	if err != nil {
		return rep, err
	}
	defer stopWeir()

	db, err := openWeirDB(ctx, addr, cfg.Clients, cfg.Text)
	if err != nil {
		return rep, err
	}
	defer db.Close()
	say("loading %d articles, %d votes each, over the MySQL protocol...", cfg.Articles, cfg.VotesPerArticle)
	if err := loadVoteTables(ctx, db, cfg.Articles, cfg.VotesPerArticle); err != nil {
		return rep, err
	}
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

	rdb, redisPID, stopRedis, err := startRedis(ctx, cfg.RedisServer, cfg.Clients)
	if err != nil {
		return rep, err
	}
	defer stopRedis()
	redisMeter := &serverMeter{procs: []serverProc{redisProc(rdb, redisPID)}}

	// Both sides hold every key: Weir's partial view is warmed by reading each one over the
	// protocol, and Redis gets the rows read, as an application's cache-aside fill would
	// put them.
	say("warming Weir's view and loading Redis...")
	if err := warmWire(ctx, cfg, readWeir, rdb); err != nil {
		return rep, err
	}
	readRedis := func(ctx context.Context, id int, a *article) error {
		b, err := rdb.Get(ctx, redisKey(id)).Bytes()
		if err != nil {
			return err
		}
		return json.Unmarshal(b, a)
	}

	weirSide := &readSide{name: rep.Weir.Name, meter: weirMeter, phase: func(ctx context.Context, round int, d time.Duration, h *Histogram) (time.Duration, error) {
		return readPhase(ctx, cfg, uint64(round), d, readWeir, h)
	}}
	redisSide := &readSide{name: rep.Redis.Name, meter: redisMeter, phase: func(ctx context.Context, round int, d time.Duration, h *Histogram) (time.Duration, error) {
		return readPhase(ctx, cfg, uint64(round), d, readRedis, h)
	}}
	if err := alternate(ctx, cfg.Rounds, cfg.Clients, cfg.Duration/time.Duration(cfg.Rounds), say, weirSide, redisSide); err != nil {
		return rep, err
	}
	rep.Weir, rep.Redis = weirSide.result(), redisSide.result()
	rep.Ratio, rep.CPURatio = ratios(rep.Weir, rep.Redis)
	return rep, nil
}

// warmWire reads every article from Weir with cfg.Clients readers, which fills Weir's view,
// and stores each row in Redis as JSON.
func warmWire(ctx context.Context, cfg WireConfig, read func(context.Context, int, *article) error, rdb *redis.Client) error {
	var (
		wg  sync.WaitGroup
		run clients
	)
	for c := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pipe := rdb.Pipeline()
			var a article
			for id := c + 1; id <= cfg.Articles && !run.stopped(); id += cfg.Clients {
				if err := read(ctx, id, &a); err != nil {
					run.fail(fmt.Errorf("bench: article %d: %w", id, err))
					return
				}
				if a.ID != int64(id) {
					run.fail(fmt.Errorf("bench: read article %d, got %d", id, a.ID))
					return
				}
				b, err := json.Marshal(a)
				if err != nil {
					run.fail(err)
					return
				}
				pipe.Set(ctx, redisKey(id), b, 0)
				if pipe.Len() == 1000 {
					if _, err := pipe.Exec(ctx); err != nil {
						run.fail(fmt.Errorf("bench: loading redis: %w", err))
						return
					}
				}
			}
			if pipe.Len() > 0 {
				if _, err := pipe.Exec(ctx); err != nil {
					run.fail(fmt.Errorf("bench: loading redis: %w", err))
				}
			}
		}()
	}
	wg.Wait()
	return run.err()
}

// readPhase runs cfg.Clients readers for d, each drawing Zipf keys and checking it got the
// article it asked for, and records every read's latency in h.
func readPhase(ctx context.Context, cfg WireConfig, seed uint64, d time.Duration,
	read func(context.Context, int, *article) error, h *Histogram) (time.Duration, error) {
	return clientPhase(ctx, cfg.Clients, d, h, func(c int) func(context.Context) error {
		gen := NewKeyGen(cfg.Articles, cfg.Zipf, seed*1000+uint64(c))
		var a article
		return func(ctx context.Context) error {
			id := gen.Next()
			if err := read(ctx, id, &a); err != nil {
				return err
			}
			if a.ID != int64(id) {
				return fmt.Errorf("read article %d, got %d", id, a.ID)
			}
			return nil
		}
	})
}

func redisKey(id int) string { return "article:" + strconv.Itoa(id) }

// startRedis runs a private redis-server on a free loopback port, without persistence, and
// returns a client with a pool of the given size and the server's PID.
func startRedis(ctx context.Context, path string, pool int) (*redis.Client, int, func(), error) {
	if path == "" {
		var err error
		if path, err = exec.LookPath("redis-server"); err != nil {
			return nil, 0, nil, fmt.Errorf("bench: redis-server not found (apt-get install redis-server): %w", err)
		}
	}
	ports, err := freePorts(1)
	if err != nil {
		return nil, 0, nil, err
	}
	port := ports[0]
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning")
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, 0, nil, fmt.Errorf("bench: start redis-server: %w", err)
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
			return nil, 0, nil, fmt.Errorf("bench: redis-server exited: %v", werr)
		default:
		}
		if time.Now().After(deadline) || errors.Is(ctx.Err(), context.Canceled) {
			rdb.Close()
			stop()
			return nil, 0, nil, fmt.Errorf("bench: redis-server did not answer: %w", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return rdb, cmd.Process.Pid, func() { rdb.Close(); stop() }, nil
}

// Print writes the comparison as a table, with each side's server CPU per read.
func (r WireReport) Print(w io.Writer) {
	mode := "prepared statements"
	if r.Config.Text {
		mode = "text queries with literals"
	}
	where := "weir serve as its own process"
	if r.Config.Target == "wire" {
		where = "Weir's server in the benchmark's process"
	}
	fmt.Fprintf(w, "vote view over the wire: %d articles, Zipf %.2f, %d clients per side, %s per side in %d rounds; Weir read with %s (%s)\n",
		r.Config.Articles, r.Config.Zipf, r.Config.Clients, r.Config.Duration, r.Config.Rounds, mode, where)
	fmt.Fprintf(w, "%-24s %12s %12s %10s %10s %16s\n", "side", "reads", "reads/s", "p50", "p99", "server CPU/read")
	for _, s := range []WireSide{r.Weir, r.Redis} {
		cpu := "unknown"
		if s.Server.CPUPerOp != nil {
			cpu = fmt.Sprintf("%.1f µs", *s.Server.CPUPerOp)
		}
		fmt.Fprintf(w, "%-24s %12d %12.0f %10s %10s %16s\n", s.Name, s.Reads, s.PerSec, s.P50, s.P99, cpu)
	}
	fmt.Fprintf(w, "throughput ratio Weir / Redis: %.2f×\n", r.Ratio)
	fmt.Fprintln(w, "server CPU (user + system time of each server process over its side's phases; /proc clock ticks of 10 ms):")
	fmt.Fprintf(w, "  weir   %s\n", r.Weir.Server.describe("read"))
	fmt.Fprintf(w, "  redis  %s\n", r.Redis.Server.describe("read"))
	if r.CPURatio > 0 {
		fmt.Fprintf(w, "server CPU per read, Weir ÷ Redis (per GET): %.2f×\n", r.CPURatio)
	}
	if p := r.Weir.Server.GCPause; p != nil {
		fmt.Fprintf(w, "Weir's GC pauses over its phases (%s): %s\n", p.Source, p.text())
	}
}

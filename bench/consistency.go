package bench

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/replication"
)

// ConsistencyConfig describes a run of the consistency benchmark: writers increment counters
// in PostgreSQL (or MariaDB), the source of truth, while readers read them through Weir
// (mirroring the database) and through the cache-aside pattern (Redis in front of the
// database, filled on a miss, invalidated by DEL after each write), at the same time and over
// the same writes.
type ConsistencyConfig struct {
	Keys     int           // counters (0: 50); few keys make writes and fills meet
	Writers  int           // concurrent writers (0: 4)
	Readers  int           // concurrent readers per system (0: 8)
	Duration time.Duration // how long the writes run (0: 10s)
	// FillDelay is the most a cache-aside fill waits between reading PostgreSQL and writing
	// Redis (each fill draws a delay up to it), standing for a slow query or a busy
	// application server: the window in which an invalidation can be lost (0: 5ms).
	FillDelay time.Duration
	// TTL is the cache-aside entries' expiry (0: 1h); a stale entry lives this long.
	TTL time.Duration
	// Settle bounds how long Weir may take to apply the last writes once they stop
	// (0: 30s). Cache-aside has nothing to wait for.
	Settle time.Duration
	// Upstream is the source of truth: "postgres" (the default; Weir mirrors it by logical
	// replication) or "mariadb" (Weir follows its binary log and proxies its MySQL
	// protocol; see consistency_mariadb.go).
	Upstream    string
	PostgresURL string // "" starts a private PostgreSQL
	// MariaDBDSN is a MariaDB with a row-based binary log and GTIDs, as a go-sql-driver DSN
	// (user:pass@tcp(host:port)/); "" starts a private one.
	MariaDBDSN string
	// Sessions is the number of read-your-writes sessions with --upstream mariadb: each
	// increments a counter through Weir's proxy and then reads it through the same
	// connection from Weir's cache (0: 2).
	Sessions    int
	RedisServer string // path of redis-server ("": look it up)
	Seed        uint64
	// Inproc reads Weir through the Go API instead of the MySQL protocol. Over the protocol
	// each read costs a network round trip, as a cache-aside read of Redis does.
	Inproc bool
	// Protocol is the protocol Weir's readers read over: ProtocolMySQL ("" too) or
	// ProtocolPostgres (pgx on Weir's PostgreSQL listener; consistency_pg.go).
	Protocol string `json:",omitempty"`
}

func (c *ConsistencyConfig) defaults() {
	if c.Keys <= 0 {
		c.Keys = 50
	}
	if c.Writers <= 0 {
		c.Writers = 4
	}
	if c.Readers <= 0 {
		c.Readers = 8
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.FillDelay <= 0 {
		c.FillDelay = 5 * time.Millisecond
	}
	if c.TTL <= 0 {
		c.TTL = time.Hour
	}
	if c.Settle <= 0 {
		c.Settle = 30 * time.Second
	}
	if c.Upstream == "" {
		c.Upstream = "postgres"
	}
	if c.Sessions <= 0 {
		c.Sessions = 2
	}
}

// ConsistencySystem is what one system did. Field names follow the JSON report.
type ConsistencySystem struct {
	Reads  int64 `json:"reads"`
	Writes int64 `json:"writes"`
	// StaleReads counts reads that returned a value older than a write acknowledged before
	// the read began.
	StaleReads int64 `json:"stale_reads"`
	// PermanentlyStaleKeys counts keys whose value still differs from the source of truth's
	// after the writes stopped (and, for Weir, once it had applied its last position).
	PermanentlyStaleKeys int `json:"permanently_stale_keys"`
	// Write-to-visible: from a write's acknowledgement until a reader of the system first
	// sees its value (or a newer one).
	VisibleP50 float64 `json:"visible_ms_p50"`
	VisibleP99 float64 `json:"visible_ms_p99"`
	// Visible holds every measured write-to-visible time, for the plot.
	Visible []time.Duration `json:"-"`
}

// ConsistencyReport is the outcome of RunConsistency.
type ConsistencyReport struct {
	Config  ConsistencyConfig             `json:"config"`
	Systems map[string]*ConsistencySystem `json:"systems"`
	Elapsed time.Duration                 `json:"elapsed_ns"`
	// Proxy is what Weir's MySQL proxy did, with --upstream mariadb; nil otherwise.
	Proxy *ProxyConsistency `json:"proxy,omitempty"`
}

// consistencySource is the database the benchmark writes, the source of truth, with Weir
// following it.
type consistencySource interface {
	// name is the database's name in reports ("PostgreSQL").
	name() string
	// increment adds one to a counter and returns the committed value.
	increment(ctx context.Context, id int) (int64, error)
	// read reads a counter from the database itself: the truth, and cache-aside's fill.
	read(ctx context.Context, id int) (int64, error)
	// caughtUp returns once Weir has applied every write the database has committed.
	caughtUp(ctx context.Context) error
}

// rywSource is a source whose Weir also takes writes: sessions that write through Weir and
// read back through the same connection (the proxy's read-your-writes).
type rywSource interface {
	// writeThenRead increments counter id through session's connection to Weir and then
	// reads it there; written is the value the write committed, read what the read saw.
	// readTime is how long the read took.
	writeThenRead(ctx context.Context, session, id int) (written, read int64, readTime time.Duration, err error)
}

// consistencyKey is one counter's writes as the readers judge them.
type consistencyKey struct {
	mu sync.Mutex
	// acked is the newest value a writer has been acknowledged for; a read that began after
	// it must not return less.
	acked int64
	// pending are acknowledged writes not yet seen by each system's readers, oldest first.
	pending [2][]ackedWrite
}

type ackedWrite struct {
	value int64
	at    time.Time
}

const (
	sysWeir = iota
	sysCacheAside
)

var systemNames = [2]string{"weir", "cache-aside"}

// RunConsistency runs the benchmark and reports both systems.
func RunConsistency(ctx context.Context, cfg ConsistencyConfig, progress io.Writer) (*ConsistencyReport, error) {
	cfg.defaults()
	if err := checkConsistencyProtocol(cfg); err != nil {
		return nil, err
	}
	switch cfg.Upstream {
	case "postgres":
	case "mariadb":
		if cfg.Protocol == ProtocolPostgres {
			return nil, errors.New("bench: consistency: readers on the PostgreSQL protocol read a PostgreSQL upstream: drop --protocol postgres or --upstream mariadb")
		}
		return runConsistencyMariaDB(ctx, cfg, progress)
	default:
		return nil, fmt.Errorf("bench: --upstream %s: want postgres or mariadb", cfg.Upstream)
	}
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	dsn := cfg.PostgresURL
	if dsn == "" {
		say("starting a private PostgreSQL...")
		pg, err := testserver.NewPostgres()
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		defer pg.Stop()
		if dsn, err = pg.NewDatabase("weir_consistency"); err != nil {
			return nil, err
		}
	}
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	// Writes commit as applications' do by default: durable (and visible to replication)
	// when the commit returns.
	pcfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	pcfg.MaxConns = int32(cfg.Writers + cfg.Readers + 4)
	db, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for _, q := range []string{
		"DROP TABLE IF EXISTS weir_counters",
		"CREATE TABLE weir_counters (id int PRIMARY KEY, value bigint NOT NULL)",
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", q, err)
		}
	}
	if _, err := db.Exec(ctx, "INSERT INTO weir_counters SELECT i, 0 FROM generate_series(1, $1) i", cfg.Keys); err != nil {
		return nil, err
	}

	say("starting a private Redis...")
	rdb, _, stopRedis, err := startRedis(ctx, cfg.RedisServer, cfg.Readers+cfg.Writers)
	if err != nil {
		return nil, err
	}
	defer stopRedis()

	say("mirroring PostgreSQL into Weir...")
	e, err := weir.Open(weir.Options{Mirror: true, MemoryLimit: -1})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	rep, err := replication.New(e, replication.Config{URL: dsn, Tables: []string{"weir_counters"},
		Slot: "weir_bench", Publication: "weir_bench", Logger: zap.NewNop(), StatusInterval: 100 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	rctx, stopRep := context.WithCancel(ctx)
	repDone := make(chan error, 1)
	go func() { repDone <- rep.Run(rctx) }()
	defer func() {
		stopRep()
		<-repDone
		// The slot would hold WAL on a PostgreSQL the caller gave us.
		_, _ = db.Exec(context.Background(), "SELECT pg_drop_replication_slot('weir_bench') WHERE EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = 'weir_bench')")
		_, _ = db.Exec(context.Background(), "DROP PUBLICATION IF EXISTS weir_bench")
	}()
	select {
	case <-rep.Ready():
	case err := <-repDone:
		return nil, fmt.Errorf("bench: replication: %w", err)
	case <-time.After(time.Minute):
		return nil, errors.New("bench: replication did not start within a minute")
	}
	view, err := e.Register(ctx, "counter", "SELECT value FROM weir_counters WHERE id = ?")
	if err != nil {
		return nil, err
	}

	readWeir := func(ctx context.Context, id int) (int64, error) {
		rows, err := view.Lookup(ctx, id)
		if err != nil {
			return 0, err
		}
		if rows.Len() != 1 {
			return 0, fmt.Errorf("counter %d: %d rows", id, rows.Len())
		}
		return rows.Row(0)[0].RawInt(), nil
	}
	if !cfg.Inproc && cfg.Protocol == ProtocolPostgres {
		read, stopServer, err := readWeirOverPostgres(ctx, e, cfg.Readers)
		if err != nil {
			return nil, err
		}
		defer stopServer()
		readWeir = read
	}
	if !cfg.Inproc && cfg.Protocol != ProtocolPostgres {
		addr, stopServer, err := serveEngine(e, cfg.Readers)
		if err != nil {
			return nil, err
		}
		defer stopServer()
		dsn := mysql.NewConfig()
		dsn.User, dsn.Net, dsn.Addr, dsn.DBName = "root", "tcp", addr, "weir"
		wire, err := sql.Open("mysql", dsn.FormatDSN())
		if err != nil {
			return nil, err
		}
		defer wire.Close()
		wire.SetMaxOpenConns(cfg.Readers)
		wire.SetMaxIdleConns(cfg.Readers)
		stmt, err := wire.PrepareContext(ctx, "SELECT value FROM weir_counters WHERE id = ?")
		if err != nil {
			return nil, err
		}
		defer stmt.Close()
		readWeir = func(ctx context.Context, id int) (int64, error) {
			var v int64
			err := stmt.QueryRowContext(ctx, id).Scan(&v)
			return v, err
		}
	}
	src := &postgresSource{db: db, e: e}
	return runConsistency(ctx, cfg, src, readWeir, rdb, progress)
}

// postgresSource is PostgreSQL, which Weir mirrors by logical replication.
type postgresSource struct {
	db *pgxpool.Pool
	e  *weir.Engine
}

func (p *postgresSource) name() string { return "PostgreSQL" }

func (p *postgresSource) increment(ctx context.Context, id int) (int64, error) {
	var v int64
	err := p.db.QueryRow(ctx, "UPDATE weir_counters SET value = value + 1 WHERE id = $1 RETURNING value", id).Scan(&v)
	return v, err
}

func (p *postgresSource) read(ctx context.Context, id int) (int64, error) {
	var v int64
	err := p.db.QueryRow(ctx, "SELECT value FROM weir_counters WHERE id = $1", id).Scan(&v)
	return v, err
}

func (p *postgresSource) caughtUp(ctx context.Context) error {
	var lsnText string
	if err := p.db.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&lsnText); err != nil {
		return err
	}
	lsn, err := pglogrepl.ParseLSN(lsnText)
	if err != nil {
		return err
	}
	return p.e.Mirror().WaitForPosition(ctx, uint64(lsn))
}

// runConsistency runs the writers and both systems' readers against src, and then compares
// every key of both with the source.
func runConsistency(ctx context.Context, cfg ConsistencyConfig, src consistencySource, readWeir func(context.Context, int) (int64, error),
	rdb *redis.Client, progress io.Writer) (*ConsistencyReport, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	redisKey := func(id int) string { return "weir-bench:counter:" + strconv.Itoa(id) }
	readCacheAside := func(ctx context.Context, rng *rand.Rand, id int) (int64, error) {
		s, err := rdb.Get(ctx, redisKey(id)).Result()
		if err == nil {
			return strconv.ParseInt(s, 10, 64)
		}
		if !errors.Is(err, redis.Nil) {
			return 0, err
		}
		// A miss: the textbook fill. Between the query and the SET a writer may update the
		// row and DEL the key, and this SET then stores the old value until the TTL.
		v, err := src.read(ctx, id)
		if err != nil {
			return 0, err
		}
		time.Sleep(time.Duration(rng.Int64N(int64(cfg.FillDelay) + 1)))
		if err := rdb.Set(ctx, redisKey(id), v, cfg.TTL).Err(); err != nil {
			return 0, err
		}
		return v, nil
	}

	keys := make([]consistencyKey, cfg.Keys+1)
	report := &ConsistencyReport{Config: cfg, Systems: map[string]*ConsistencySystem{}}
	systems := [2]*ConsistencySystem{{}, {}}
	var mu sync.Mutex // guards systems' Visible
	for i, s := range systems {
		report.Systems[systemNames[i]] = s
	}
	var cl clients
	var wg sync.WaitGroup
	stop, stopWriters := make(chan struct{}), make(chan struct{})
	var writes atomic.Int64
	// The read-your-writes sessions' rounds, stale reads and write-then-read latencies.
	var rywRounds, rywStale int64
	var rywLatency Histogram
	// acked records an acknowledged write of value v to counter id, and makes the
	// cache-aside write path's invalidation (DEL after the write).
	acked := func(id int, v int64) error {
		if err := rdb.Del(ctx, redisKey(id)).Err(); err != nil {
			return err
		}
		now := time.Now()
		k := &keys[id]
		k.mu.Lock()
		k.acked = max(k.acked, v)
		// Concurrent writers of one key may be acknowledged out of order: keep each
		// system's pending writes sorted by value, so a read of v sees all up to v.
		for s := range k.pending {
			p := k.pending[s]
			i, _ := slices.BinarySearchFunc(p, v, func(w ackedWrite, v int64) int { return cmp.Compare(w.value, v) })
			k.pending[s] = slices.Insert(p, i, ackedWrite{v, now})
		}
		k.mu.Unlock()
		writes.Add(1)
		return nil
	}
	for w := range cfg.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(w)+1))
			for !cl.stopped() {
				select {
				case <-stopWriters:
					return
				default:
				}
				id := 1 + rng.IntN(cfg.Keys)
				v, err := src.increment(ctx, id)
				if err != nil {
					cl.fail(err)
					return
				}
				if err := acked(id, v); err != nil {
					cl.fail(err)
					return
				}
			}
		}()
	}
	if ryw, ok := src.(rywSource); ok {
		for session := range cfg.Sessions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(cfg.Seed, uint64(500+session)))
				var lat Histogram
				var rounds, stale int64
				defer func() {
					mu.Lock()
					rywRounds += rounds
					rywStale += stale
					rywLatency.Merge(&lat)
					mu.Unlock()
				}()
				for !cl.stopped() {
					select {
					case <-stopWriters:
						return
					default:
					}
					id := 1 + rng.IntN(cfg.Keys)
					written, read, took, err := ryw.writeThenRead(ctx, session, id)
					if err != nil {
						cl.fail(fmt.Errorf("bench: read-your-writes session %d: %w", session, err))
						return
					}
					lat.Record(took)
					rounds++
					if read < written {
						stale++
					}
					if err := acked(id, written); err != nil {
						cl.fail(err)
						return
					}
				}
			}()
		}
	}
	for sys := range 2 {
		for r := range cfg.Readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(cfg.Seed, uint64(100+sys*cfg.Readers+r)))
				var reads, stale int64
				var visible []time.Duration
				defer func() {
					mu.Lock()
					systems[sys].Reads += reads
					systems[sys].StaleReads += stale
					systems[sys].Visible = append(systems[sys].Visible, visible...)
					mu.Unlock()
				}()
				for !cl.stopped() {
					select {
					case <-stop:
						return
					default:
					}
					id := 1 + rng.IntN(cfg.Keys)
					k := &keys[id]
					k.mu.Lock()
					floor := k.acked
					k.mu.Unlock()
					var v int64
					var err error
					if sys == sysWeir {
						v, err = readWeir(ctx, id)
					} else {
						v, err = readCacheAside(ctx, rng, id)
					}
					if err != nil {
						cl.fail(fmt.Errorf("bench: %s read: %w", systemNames[sys], err))
						return
					}
					now := time.Now()
					reads++
					if v < floor {
						stale++
					}
					k.mu.Lock()
					p := k.pending[sys]
					n := 0
					for n < len(p) && p[n].value <= v {
						visible = append(visible, now.Sub(p[n].at))
						n++
					}
					k.pending[sys] = p[n:]
					k.mu.Unlock()
				}
			}()
		}
	}
	done := phase(progress, fmt.Sprintf("%d writers, %d readers per system", cfg.Writers, cfg.Readers), cfg.Duration+time.Second)
	began := time.Now()
	select {
	case <-time.After(cfg.Duration):
	case <-ctx.Done():
	}
	// The writers stop first; the readers go on for a second, so the last writes can be
	// seen too (or be shown never to be).
	close(stopWriters)
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()
	done()
	report.Elapsed = time.Since(began)
	if err := cl.err(); err != nil {
		return nil, err
	}
	for _, s := range systems {
		s.Writes = writes.Load()
	}

	// After the writes: Weir may apply what it has not yet applied; then both systems are
	// read for every key and compared with PostgreSQL.
	say("writes stopped; comparing every key with %s...", src.name())
	sctx, cancel := context.WithTimeout(ctx, cfg.Settle)
	err := src.caughtUp(sctx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("bench: Weir did not apply the last writes within %s: %w", cfg.Settle, err)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 999))
	for id := 1; id <= cfg.Keys; id++ {
		truth, err := src.read(ctx, id)
		if err != nil {
			return nil, err
		}
		w, err := readWeir(ctx, id)
		if err != nil {
			return nil, err
		}
		if w != truth {
			systems[sysWeir].PermanentlyStaleKeys++
		}
		c, err := readCacheAside(ctx, rng, id)
		if err != nil {
			return nil, err
		}
		if c != truth {
			systems[sysCacheAside].PermanentlyStaleKeys++
		}
	}
	for _, s := range systems {
		slices.Sort(s.Visible)
		if n := len(s.Visible); n > 0 {
			s.VisibleP50 = float64(s.Visible[n/2]) / float64(time.Millisecond)
			s.VisibleP99 = float64(s.Visible[(n*99)/100]) / float64(time.Millisecond)
		}
	}
	if _, ok := src.(rywSource); ok {
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		report.Proxy = &ProxyConsistency{Sessions: cfg.Sessions, Rounds: rywRounds, StaleReads: rywStale,
			ReadP50: ms(rywLatency.Quantile(0.5)), ReadP99: ms(rywLatency.Quantile(0.99))}
	}
	return report, nil
}

// Print writes a readable table of the report.
func (r *ConsistencyReport) Print(w io.Writer) {
	c := r.Config
	how := "over the MySQL protocol"
	if c.Protocol == ProtocolPostgres {
		how = "over the PostgreSQL protocol, pgx"
	}
	if c.Inproc {
		how = "in process"
	}
	source := "PostgreSQL"
	if c.Upstream == "mariadb" {
		source = "MariaDB"
		how = "following MariaDB's binary log, " + how
		if !c.Inproc {
			how += " of its proxy"
		}
	}
	fmt.Fprintf(w, "consistency: %d counters, %d writers on %s, %d readers per system (Weir read %s), %s; cache-aside fills wait up to %s between the query and SET\n",
		c.Keys, c.Writers, source, c.Readers, how, r.Elapsed.Round(time.Millisecond), c.FillDelay)
	fmt.Fprintf(w, "%-12s %10s %10s %12s %12s %14s %14s\n", "system", "reads", "writes", "stale reads", "stale keys", "visible p50", "visible p99")
	for _, name := range systemNames {
		s := r.Systems[name]
		fmt.Fprintf(w, "%-12s %10d %10d %12d %12d %12.2fms %12.2fms\n", name, s.Reads, s.Writes, s.StaleReads, s.PermanentlyStaleKeys, s.VisibleP50, s.VisibleP99)
	}
	fmt.Fprintf(w, "stale keys: keys still differing from %s after the writes stopped (cache-aside's stay so until their TTL)\n", source)
	if r.Proxy != nil {
		r.Proxy.print(w)
	}
}

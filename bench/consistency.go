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
// in PostgreSQL, the source of truth, while readers read them through Weir (mirroring
// PostgreSQL) and through the cache-aside pattern (Redis in front of PostgreSQL, filled on a
// miss, invalidated by DEL after each write), at the same time and over the same writes.
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
	Settle      time.Duration
	PostgresURL string // "" starts a private PostgreSQL
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
}

// ConsistencySystem is what one system did. Field names follow the JSON report.
type ConsistencySystem struct {
	Reads  int64 `json:"reads"`
	Writes int64 `json:"writes"`
	// StaleReads counts reads that returned a value older than a write acknowledged before
	// the read began.
	StaleReads int64 `json:"stale_reads"`
	// PermanentlyStaleKeys counts keys whose value still differs from PostgreSQL's after the
	// writes stopped (and, for Weir, once it had applied PostgreSQL's last position).
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
		var v int64
		if err := db.QueryRow(ctx, "SELECT value FROM weir_counters WHERE id = $1", id).Scan(&v); err != nil {
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
				var v int64
				if err := db.QueryRow(ctx, "UPDATE weir_counters SET value = value + 1 WHERE id = $1 RETURNING value", id).Scan(&v); err != nil {
					cl.fail(err)
					return
				}
				// The cache-aside write path: invalidate after the write.
				if err := rdb.Del(ctx, redisKey(id)).Err(); err != nil {
					cl.fail(err)
					return
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
			}
		}()
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
	say("writes stopped; comparing every key with PostgreSQL...")
	var lsnText string
	if err := db.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&lsnText); err != nil {
		return nil, err
	}
	lsn, err := pglogrepl.ParseLSN(lsnText)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, cfg.Settle)
	err = e.Mirror().WaitForPosition(sctx, uint64(lsn))
	cancel()
	if err != nil {
		return nil, fmt.Errorf("bench: Weir did not apply the last writes within %s: %w", cfg.Settle, err)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 999))
	for id := 1; id <= cfg.Keys; id++ {
		var truth int64
		if err := db.QueryRow(ctx, "SELECT value FROM weir_counters WHERE id = $1", id).Scan(&truth); err != nil {
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
	fmt.Fprintf(w, "consistency: %d counters, %d writers, %d readers per system (Weir read %s), %s; cache-aside fills wait up to %s between the query and SET\n",
		c.Keys, c.Writers, c.Readers, how, r.Elapsed.Round(time.Millisecond), c.FillDelay)
	fmt.Fprintf(w, "%-12s %10s %10s %12s %12s %14s %14s\n", "system", "reads", "writes", "stale reads", "stale keys", "visible p50", "visible p99")
	for _, name := range systemNames {
		s := r.Systems[name]
		fmt.Fprintf(w, "%-12s %10d %10d %12d %12d %12.2fms %12.2fms\n", name, s.Reads, s.Writes, s.StaleReads, s.PermanentlyStaleKeys, s.VisibleP50, s.VisibleP99)
	}
	fmt.Fprintln(w, "stale keys: keys still differing from PostgreSQL after the writes stopped (cache-aside's stay so until their TTL)")
}

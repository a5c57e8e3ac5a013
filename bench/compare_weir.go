package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
)

// weirVote is Weir, in process, over its MySQL server in this process, or over the MySQL
// protocol of a `weir serve` process (a child, or one given by address).
type weirVote struct {
	e       *weir.Engine
	v       *weir.View
	insert  *weir.Stmt
	db      *sql.DB
	read_   *sql.Stmt
	write_  *sql.Stmt
	stopSrv func()
	proc    *weirProcess // the child `weir serve`, for the process and proxy targets
	m       *serverMeter
	// proxied is the proxy target (proxy_vote.go): Weir in front of MariaDB. reads counts
	// the clients' reads, some of which the proxy may pass to MariaDB.
	proxied bool
	reads   atomic.Int64
}

func newWeirVote(ctx context.Context, cfg CompareConfig, progress io.Writer) (*weirVote, error) {
	switch cfg.Target {
	case "inproc", "wire":
	case "process":
		return newProcessWeirVote(ctx, cfg, progress)
	case "proxy":
		return newProxyWeirVote(ctx, cfg, progress)
	default:
		w, err := newRemoteWeirVote(ctx, cfg.Target, cfg)
		if err != nil {
			return nil, fmt.Errorf("--target %s: %w", cfg.Target, err)
		}
		w.m = &serverMeter{procs: []serverProc{{name: "weir serve", pid: cfg.ServerPID,
			unknown: "a server at an address: give its PID (--server-pid)"}}}
		if cfg.ServerHTTP != "" {
			w.m.metricsURL = "http://" + cfg.ServerHTTP + "/metrics"
		}
		return w, nil
	}
	e, err := weir.Open(weir.Options{Domains: cfg.Vote.Domains, MemoryLimit: cfg.Vote.MemoryLimit})
	if err != nil {
		return nil, err
	}
	w := &weirVote{e: e, m: inProcessMeter()}
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
			w.db, err = openWeirDB(ctx, addr, cfg.Vote.Clients, false)
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

// inProcessMeter is the meter of a Weir that runs in the benchmark's process: its CPU
// cannot be told from the clients', and its GC pauses are this process's.
func inProcessMeter() *serverMeter {
	return &serverMeter{procs: []serverProc{{name: "weir (in process)",
		unknown: "Weir runs in the benchmark's process, with the clients"}}, inProcess: true}
}

// newProcessWeirVote starts `weir serve` as a child process and loads the vote tables into
// it over the MySQL protocol.
func newProcessWeirVote(ctx context.Context, cfg CompareConfig, progress io.Writer) (*weirVote, error) {
	var extra []string
	if cfg.Vote.MemoryLimit != 0 {
		extra = append(extra, "--memory-limit", strconv.FormatInt(cfg.Vote.MemoryLimit, 10))
	}
	if cfg.Vote.Domains > 0 {
		extra = append(extra, "--domains", strconv.Itoa(cfg.Vote.Domains))
	}
	opts := cfg.Serve
	if opts.Log == nil {
		opts.Log = progress
	}
	p, err := startWeirProcess(ctx, opts, extra...)
	if err != nil {
		return nil, err
	}
	w, err := newRemoteWeirVote(ctx, p.addr, cfg)
	if err != nil {
		p.stop()
		return nil, err
	}
	w.proc = p
	w.m = &serverMeter{procs: []serverProc{{name: "weir serve", pid: p.pid()}}, metricsURL: p.metricsURL()}
	return w, nil
}

// newRemoteWeirVote loads the vote tables into a running `weir serve` at target (a
// host:port, or a go-sql-driver DSN) over the MySQL protocol. The server must not have the
// tables yet: the benchmark does not drop anything of someone else's.
func newRemoteWeirVote(ctx context.Context, target string, cfg CompareConfig) (*weirVote, error) {
	w := &weirVote{}
	var err error
	if w.db, err = openWeirDB(ctx, target, cfg.Vote.Clients, false); err != nil {
		return nil, err
	}
	if err := loadVoteTables(ctx, w.db, cfg.Vote.Articles, cfg.Vote.VotesPerArticle); err != nil {
		w.close()
		return nil, err
	}
	if err := w.prepare(ctx); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// openWeirDB opens a pool of clients clients to a Weir server at target, a host:port or a
// go-sql-driver DSN; text interpolates arguments into the SQL text instead of preparing.
func openWeirDB(ctx context.Context, target string, clients int, text bool) (*sql.DB, error) {
	dsn := target
	if !strings.Contains(dsn, "@") && !strings.Contains(dsn, "/") {
		c := mysql.NewConfig()
		c.User, c.Net, c.Addr, c.DBName = "root", "tcp", dsn, "weir"
		c.InterpolateParams = text
		dsn = c.FormatDSN()
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(clients)
	db.SetMaxIdleConns(clients)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// loadVoteTables creates the vote tables and the article_votes cache on a Weir server and
// loads them, over the MySQL protocol, in INSERTs of 1000 rows.
func loadVoteTables(ctx context.Context, db *sql.DB, articles, votesPerArticle int) error {
	for _, ddl := range VoteSchema {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("%s: %w (the benchmark needs a Weir server without its tables)", ddl, err)
		}
	}
	if _, err := db.ExecContext(ctx, "CREATE CACHE article_votes FROM "+VoteQuery); err != nil {
		return err
	}
	const batch = 1000
	load := func(table string, rows int, row func(i int) (any, any)) error {
		args := make([]any, 0, 2*batch)
		for i := 1; i <= rows; i++ {
			a, b := row(i)
			args = append(args, a, b)
			if len(args) == 2*batch || i == rows {
				if _, err := db.ExecContext(ctx, InsertStatement(table, 2, len(args)/2), args...); err != nil {
					return err
				}
				args = args[:0]
			}
		}
		return nil
	}
	if err := load("articles", articles, func(i int) (any, any) { return i, fmt.Sprintf("Article #%d", i) }); err != nil {
		return err
	}
	per := votesPerArticle
	if per <= 0 {
		return nil
	}
	return load("votes", articles*per, func(i int) (any, any) { return (i-1)/per + 1, i })
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
	w.reads.Add(1)
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
//
// Through the proxy, the reads are the clients': those passed to MariaDB are not hits.
func (w *weirVote) hits() (int64, int64, bool) {
	if w.proxied {
		hits, _, ok := w.remoteHits()
		return hits, w.reads.Load(), ok
	}
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
	if w.m != nil && w.m.metricsURL != "" {
		if m, err := scrapeWeirMetrics(ctx, w.m.metricsURL); err == nil && m.memoryInUse > 0 {
			return m.memoryInUse
		}
	}
	return 0
}

func (w *weirVote) meter() *serverMeter { return w.m }

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
	if w.proc != nil {
		w.proc.stop()
	}
}

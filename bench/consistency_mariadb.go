package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/replication/binlog"
	"github.com/weirdb/weir/server"
)

// The consistency benchmark over MariaDB: the writers increment the counters in MariaDB,
// Weir follows MariaDB's binary log (replication/binlog) and serves the counters on its
// MySQL listener in proxy mode (the counter query is a CREATE CACHE), and cache-aside is
// Redis in front of MariaDB. Beside the writers, read-your-writes sessions write through
// Weir's proxy and read back on the same connection: each round increments a counter in a
// transaction passed to MariaDB and then reads it with a SELECT the cache answers once Weir
// has applied the session's @@last_gtid, or MariaDB answers if that takes longer than the
// read timeout.

// consistencyDatabase is the MariaDB database the benchmark creates (dropping any earlier
// one), and the one Weir follows.
const consistencyDatabase = "weir_consistency"

// ProxyConsistency is what the read-your-writes sessions saw through Weir's proxy, and how
// the proxy answered the reads.
type ProxyConsistency struct {
	Sessions int `json:"sessions"`
	// Rounds counts write-then-read rounds: a counter incremented through the proxy (a
	// transaction MariaDB runs), then read through the same connection.
	Rounds int64 `json:"rounds"`
	// StaleReads counts rounds whose read returned less than the session's own write.
	StaleReads int64 `json:"stale_reads"`
	// FromCache and FromUpstream split the rounds' reads: answered by Weir's cache (after
	// waiting for the session's GTID), or passed to MariaDB. LastUpstreamReason is the
	// proxy's reason for the last one passed (SHOW PROXIED QUERIES).
	FromCache          int64  `json:"reads_from_cache"`
	FromUpstream       int64  `json:"reads_from_upstream"`
	LastUpstreamReason string `json:"last_upstream_reason,omitempty"`
	// ReadP50 and ReadP99 are the latencies of the rounds' reads, in ms, the wait for the
	// session's write included.
	ReadP50 float64 `json:"read_ms_p50"`
	ReadP99 float64 `json:"read_ms_p99"`
	// ReaderReads are the readers' reads of Weir (none of them writes) and
	// ReaderReadsFromCache those Weir's caches answered (SHOW STATUS: Weir_hits +
	// Weir_misses).
	ReaderReads          int64 `json:"reader_reads"`
	ReaderReadsFromCache int64 `json:"reader_reads_from_cache"`
}

func (p *ProxyConsistency) print(w io.Writer) {
	share := func(n, of int64) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) * 100 / float64(of)
	}
	fmt.Fprintf(w, "read-your-writes through Weir's proxy: %d sessions, %d rounds (UPDATE in a transaction passed to MariaDB, then SELECT on the same connection): %d stale reads\n",
		p.Sessions, p.Rounds, p.StaleReads)
	why := ""
	if p.LastUpstreamReason != "" {
		why = fmt.Sprintf(" (the last because %q)", p.LastUpstreamReason)
	}
	fmt.Fprintf(w, "  their reads: %d from Weir's cache (%.1f%%), %d passed to MariaDB%s; read after the write p50 %.2fms, p99 %.2fms\n",
		p.FromCache, share(p.FromCache, p.Rounds), p.FromUpstream, why, p.ReadP50, p.ReadP99)
	fmt.Fprintf(w, "  Weir's readers: %d reads, %d answered by Weir's cache\n", p.ReaderReads, p.ReaderReadsFromCache)
}

// mariadbSource is MariaDB, which Weir follows by its binary log and proxies.
type mariadbSource struct {
	db       *sql.DB // MariaDB's, in consistencyDatabase
	e        *weir.Engine
	sessions []*sql.Conn // the read-your-writes sessions' connections to Weir's proxy
}

func (m *mariadbSource) name() string { return "MariaDB" }

// increment runs in a transaction, since MariaDB's UPDATE has no RETURNING: the value read
// under the row lock is the one the commit makes.
func (m *mariadbSource) increment(ctx context.Context, id int) (int64, error) {
	tx, err := m.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	v, err := incrementIn(ctx, tx, id)
	if err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	return v, tx.Commit()
}

// incrementIn adds one to counter id in tx and returns the new value.
func incrementIn(ctx context.Context, tx *sql.Tx, id int) (int64, error) {
	if _, err := tx.ExecContext(ctx, "UPDATE weir_counters SET value = value + 1 WHERE id = ?", id); err != nil {
		return 0, err
	}
	var v int64
	err := tx.QueryRowContext(ctx, "SELECT value FROM weir_counters WHERE id = ?", id).Scan(&v)
	return v, err
}

func (m *mariadbSource) read(ctx context.Context, id int) (int64, error) {
	var v int64
	err := m.db.QueryRowContext(ctx, "SELECT value FROM weir_counters WHERE id = ?", id).Scan(&v)
	return v, err
}

// caughtUp waits for MariaDB's binary log position, as GTIDs, to be applied.
func (m *mariadbSource) caughtUp(ctx context.Context) error {
	var pos string
	if err := m.db.QueryRowContext(ctx, "SELECT @@gtid_binlog_pos").Scan(&pos); err != nil {
		return err
	}
	return m.e.Mirror().WaitForGTID(ctx, pos)
}

// writeThenRead increments the counter through the session's connection to Weir's proxy,
// which passes the transaction to MariaDB, and then reads it on that connection. The
// transaction's statements are prepared (their reads inside the transaction go to MariaDB
// and are not the proxy's to count); the read after it is a text statement with its key as
// a literal, so SHOW PROXIED QUERIES counts it when the proxy passes it to MariaDB.
func (m *mariadbSource) writeThenRead(ctx context.Context, session, id int) (written, read int64, readTime time.Duration, err error) {
	c := m.sessions[session]
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	if written, err = incrementIn(ctx, tx, id); err != nil {
		_ = tx.Rollback()
		return 0, 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, 0, err
	}
	t0 := time.Now()
	err = c.QueryRowContext(ctx, "SELECT value FROM weir_counters WHERE id = "+strconv.Itoa(id)).Scan(&read)
	return written, read, time.Since(t0), err
}

// runConsistencyMariaDB is RunConsistency with MariaDB as the source of truth.
func runConsistencyMariaDB(ctx context.Context, cfg ConsistencyConfig, progress io.Writer) (*ConsistencyReport, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	dsn := cfg.MariaDBDSN
	if dsn == "" {
		say("starting a private MariaDB with a binary log...")
		m, err := testserver.NewMariaDBWith(testserver.MariaDBOptions{Binlog: true})
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		defer m.Stop()
		dsn = m.DSN("")
	}
	db, upstream, err := createMariaDBDatabase(ctx, dsn, consistencyDatabase, cfg.Writers+cfg.Readers+4)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE weir_counters (id INT PRIMARY KEY, value BIGINT NOT NULL)",
		"INSERT INTO weir_counters SELECT seq, 0 FROM seq_1_to_" + strconv.Itoa(cfg.Keys),
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", q, err)
		}
	}

	say("starting a private Redis...")
	rdb, _, stopRedis, err := startRedis(ctx, cfg.RedisServer, cfg.Readers+cfg.Writers)
	if err != nil {
		return nil, err
	}
	defer stopRedis()

	say("following MariaDB's binary log into Weir...")
	e, err := weir.Open(weir.Options{Mirror: true, MemoryLimit: -1})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	rep, err := binlog.New(e, binlog.Config{URL: upstream, Tables: []string{"weir_counters"}, Logger: zap.NewNop()})
	if err != nil {
		return nil, err
	}
	rctx, stopRep := context.WithCancel(ctx)
	repDone := make(chan error, 1)
	go func() { repDone <- rep.Run(rctx) }()
	defer func() {
		stopRep()
		<-repDone
	}()
	select {
	case <-rep.Ready():
	case err := <-repDone:
		return nil, fmt.Errorf("bench: binlog: %w", err)
	case <-time.After(time.Minute):
		return nil, errors.New("bench: Weir did not copy MariaDB's table within a minute")
	}
	proxyCfg, err := server.ParseUpstreamURL(upstream)
	if err != nil {
		return nil, err
	}
	proxyCfg.GTIDs = e.Mirror()
	addr, stopServer, err := serveProxy(e, proxyCfg, rep.StatusRows, cfg.Readers+cfg.Sessions)
	if err != nil {
		return nil, err
	}
	defer stopServer()
	proxy, err := openProxyDB(ctx, addr, consistencyDatabase, cfg.Readers+cfg.Sessions+1)
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	const counterQuery = "SELECT value FROM weir_counters WHERE id = ?"
	if _, err := proxy.ExecContext(ctx, "CREATE CACHE counter FROM "+counterQuery); err != nil {
		return nil, err
	}
	src := &mariadbSource{db: db, e: e}
	for range cfg.Sessions {
		c, err := proxy.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		src.sessions = append(src.sessions, c)
	}
	var readWeir func(ctx context.Context, id int) (int64, error)
	if cfg.Inproc {
		view, err := e.View("counter")
		if err != nil {
			return nil, err
		}
		readWeir = func(ctx context.Context, id int) (int64, error) { return lookupCounter(ctx, view, id) }
	} else {
		stmt, err := proxy.PrepareContext(ctx, counterQuery)
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

	cached0, err := weirCacheReads(ctx, proxy)
	if err != nil {
		return nil, err
	}
	report, err := runConsistency(ctx, cfg, src, readWeir, rdb, progress)
	if err != nil {
		return nil, err
	}
	cached1, err := weirCacheReads(ctx, proxy)
	if err != nil {
		return nil, err
	}
	p := report.Proxy
	p.FromUpstream, p.LastUpstreamReason, err = proxiedReads(ctx, proxy, "weir_counters")
	if err != nil {
		return nil, err
	}
	p.FromCache = p.Rounds - p.FromUpstream
	p.ReaderReads = report.Systems[systemNames[sysWeir]].Reads
	// The caches answered the readers, the rounds' reads they did not pass on, and the
	// comparison's read of every key once the writes stopped.
	p.ReaderReadsFromCache = cached1 - cached0 - p.FromCache - int64(cfg.Keys)
	return report, nil
}

// lookupCounter reads a counter from Weir's view through the Go API.
func lookupCounter(ctx context.Context, view *weir.View, id int) (int64, error) {
	rows, err := view.Lookup(ctx, id)
	if err != nil {
		return 0, err
	}
	if rows.Len() != 1 {
		return 0, fmt.Errorf("counter %d: %d rows", id, rows.Len())
	}
	return rows.Row(0)[0].RawInt(), nil
}

// createMariaDBDatabase creates database name on the MariaDB at dsn (dropping any earlier
// one) and returns a pool of conns connections in it and the mariadb:// URL Weir follows
// and proxies it by.
func createMariaDBDatabase(ctx context.Context, dsn, name string, conns int) (*sql.DB, string, error) {
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, "", fmt.Errorf("bench: MariaDB DSN: %w", err)
	}
	if mc.Net != "tcp" {
		return nil, "", fmt.Errorf("bench: MariaDB DSN %q: Weir follows MariaDB over TCP: give tcp(host:port)", mc.Addr)
	}
	mc.DBName = ""
	root, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		return nil, "", err
	}
	defer root.Close()
	for _, q := range []string{"DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name} {
		if _, err := root.ExecContext(ctx, q); err != nil {
			return nil, "", fmt.Errorf("bench: %s: %w", q, err)
		}
	}
	mc.DBName = name
	db, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		return nil, "", err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	u := url.URL{Scheme: "mariadb", Host: mc.Addr, Path: "/" + name}
	if _, _, err := net.SplitHostPort(mc.Addr); err != nil {
		u.Host = net.JoinHostPort(mc.Addr, "3306")
	}
	if mc.Passwd != "" {
		u.User = url.UserPassword(mc.User, mc.Passwd)
	} else {
		u.User = url.User(mc.User)
	}
	return db, u.String(), nil
}

// serveProxy serves e's MySQL protocol in proxy mode in front of an upstream, on a free
// loopback port.
func serveProxy(e *weir.Engine, proxy server.ProxyConfig, status func() [][2]string, clients int) (addr string, stop func(), err error) {
	return serveMySQL(e, server.Config{MaxConnections: clients + 16, Proxy: &proxy, Status: status})
}

// openProxyDB opens a pool of conns connections to Weir's MySQL listener at addr, in
// database (the upstream's, as an application's would be).
func openProxyDB(ctx context.Context, addr, database string, conns int) (*sql.DB, error) {
	c := mysql.NewConfig()
	c.User, c.Net, c.Addr, c.DBName = "root", "tcp", addr, database
	db, err := sql.Open("mysql", c.FormatDSN())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// weirCacheReads is the reads Weir's caches answered so far, hits and misses (SHOW STATUS,
// which Weir answers on its proxy's listener too).
func weirCacheReads(ctx context.Context, db *sql.DB) (int64, error) {
	rows, err := db.QueryContext(ctx, "SHOW STATUS LIKE 'Weir_%'")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return 0, err
		}
		if k == "Weir_hits" || k == "Weir_misses" {
			c, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("bench: SHOW STATUS %s = %q: %w", k, v, err)
			}
			n += c
		}
	}
	return n, rows.Err()
}

// proxiedReads sums what SHOW PROXIED QUERIES says the proxy passed to the upstream of the
// SELECTs from table, with the reason for the shape passed through most.
func proxiedReads(ctx context.Context, db *sql.DB, table string) (n int64, why string, err error) {
	rows, err := db.QueryContext(ctx, "SHOW PROXIED QUERIES")
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, "", err
	}
	var most int64
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		row := map[string]string{}
		for i, c := range cols {
			row[strings.ToLower(c)] = vals[i].String
		}
		text := row["query"]
		if !strings.HasPrefix(text, "select") || !strings.Contains(text, "`"+table+"`") {
			continue
		}
		c, err := strconv.ParseInt(row["count"], 10, 64)
		if err != nil {
			return 0, "", fmt.Errorf("bench: SHOW PROXIED QUERIES count %q: %w", row["count"], err)
		}
		n += c
		if c > most {
			most, why = c, row["why_proxied"]
		}
	}
	return n, why, rows.Err()
}

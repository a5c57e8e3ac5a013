package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
)

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

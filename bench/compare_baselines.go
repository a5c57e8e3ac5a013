package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

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

type postgresVote struct {
	db  *pgxpool.Pool
	pid int // the postmaster, 0 if unknown
}

// postgresProc is PostgreSQL's postmaster and the backends it forks, for the meter.
func postgresProc(pid int) serverProc {
	return serverProc{name: "postgres", pid: pid, unknown: "a server given by URL: give its postmaster's PID (--postgres-pid)"}
}

func newPostgresVote(ctx context.Context, dsn string, pid, clients int) (*postgresVote, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(clients)
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &postgresVote{db: db, pid: pid}, nil
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
func (p *postgresVote) meter() *serverMeter {
	return &serverMeter{procs: []serverProc{postgresProc(p.pid)}}
}

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
	redisPID   int
	stopRedis  func()
	ttl        time.Duration
	hit, total atomic.Int64
}

func newCacheAsideVote(ctx context.Context, dsn string, pgPID int, cfg CompareConfig) (*cacheAsideVote, error) {
	pg, err := newPostgresVote(ctx, dsn, pgPID, cfg.Vote.Clients)
	if err != nil {
		return nil, err
	}
	rdb, pid, stop, err := startRedis(ctx, cfg.RedisServer, cfg.Vote.Clients)
	if err != nil {
		pg.close()
		return nil, err
	}
	return &cacheAsideVote{pg: pg, rdb: rdb, redisPID: pid, stopRedis: stop, ttl: cfg.TTL}, nil
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
	n, _ := redisInfoInt(ctx, c.rdb, "memory", "used_memory")
	return n
}

// meter measures redis-server, with its count of commands, and PostgreSQL.
func (c *cacheAsideVote) meter() *serverMeter {
	return &serverMeter{procs: []serverProc{redisProc(c.rdb, c.redisPID), postgresProc(c.pg.pid)}}
}

// redisProc is a private redis-server for the meter, counting the commands it processes.
func redisProc(rdb *redis.Client, pid int) serverProc {
	return serverProc{name: "redis-server", pid: pid, commands: func(ctx context.Context) (int64, error) {
		return redisInfoInt(ctx, rdb, "stats", "total_commands_processed")
	}}
}

// redisInfoInt reads an integer field of a section of Redis's INFO.
func redisInfoInt(ctx context.Context, rdb *redis.Client, section, field string) (int64, error) {
	info, err := rdb.Info(ctx, section).Result()
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("bench: redis INFO %s has no %s", section, field)
}
func (c *cacheAsideVote) close() {
	c.stopRedis()
	c.pg.close()
}

// mariadbVote is the query run directly on MariaDB.
type mariadbVote struct {
	db          *sql.DB
	read_, ins_ *sql.Stmt
	pid         int
}

func newMariaDBVote(ctx context.Context, dsn string, pid int, cfg VoteConfig) (*mariadbVote, error) {
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
	m := &mariadbVote{db: db, pid: pid}
	if err := seedMariaDBVotes(ctx, db, cfg); err != nil {
		db.Close()
		return nil, err
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

// seedMariaDBVotes creates the vote tables in db's database and loads them.
func seedMariaDBVotes(ctx context.Context, db *sql.DB, cfg VoteConfig) error {
	for _, q := range append(append([]string{}, sqlVoteSchema...),
		"INSERT INTO articles SELECT seq, CONCAT('Article #', seq) FROM seq_1_to_"+strconv.Itoa(cfg.Articles),
		fmt.Sprintf("INSERT INTO votes SELECT a.seq, (a.seq - 1) * %d + u.seq FROM seq_1_to_%d a, seq_1_to_%d u", cfg.VotesPerArticle, cfg.Articles, cfg.VotesPerArticle),
		"ANALYZE TABLE articles, votes",
	) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
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

func (m *mariadbVote) meter() *serverMeter {
	return &serverMeter{procs: []serverProc{{name: "mariadbd", pid: m.pid,
		unknown: "a server given by DSN: give its PID (--mariadb-pid)"}}}
}

func (m *mariadbVote) hits() (int64, int64, bool)   { return 0, 0, false }
func (m *mariadbVote) memory(context.Context) int64 { return 0 }
func (m *mariadbVote) close()                       { m.db.Close() }

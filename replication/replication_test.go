package replication

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap/zaptest"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/replication/internal/mirrortest"
)

// upstreamSchema is the test's upstream: stories with every mapped type, and votes with a
// compound key, seeded by seedUpstream.
var upstreamSchema = []string{
	`CREATE TABLE stories (
		id int PRIMARY KEY,
		author text NOT NULL,
		title varchar(100),
		score numeric(40,10),
		created timestamptz,
		day date,
		ratio float8,
		hidden bool NOT NULL DEFAULT false,
		tag char(4),
		ref uuid,
		big bigint,
		small smallint
	)`,
	`CREATE TABLE votes (story_id int NOT NULL, user_id int NOT NULL, weight int NOT NULL DEFAULT 1, PRIMARY KEY (story_id, user_id))`,
}

// The caches compared with PostgreSQL: each is read with every story id (or author) and
// run on PostgreSQL with the same text.
var testCaches = []struct {
	name, sql string
	params    func(stories int) []any
}{
	{"story_votes", "SELECT s.id, s.title, COUNT(v.user_id) AS n, SUM(v.weight) AS w FROM stories s LEFT JOIN votes v ON v.story_id = s.id WHERE s.id = ? GROUP BY s.id, s.title", storyIDs},
	{"author_scores", "SELECT author, COUNT(*) AS n, SUM(score) AS total, MAX(score) AS best FROM stories WHERE author = ? GROUP BY author", authors},
	{"user_votes", "SELECT story_id, weight FROM votes WHERE user_id = ?", userIDs},
}

const testStories, testUsers = 1000, 200

func storyIDs(n int) []any {
	out := make([]any, 0, n+10)
	for i := 1; i <= n+10; i++ {
		out = append(out, i)
	}
	return out
}

func authors(int) []any {
	out := []any{}
	for i := range 7 {
		out = append(out, fmt.Sprintf("author%d", i))
	}
	return out
}

func userIDs(int) []any {
	out := []any{}
	for i := 1; i <= testUsers; i++ {
		out = append(out, i)
	}
	return out
}

func seedUpstream(t testing.TB, ctx context.Context, db *pgxpool.Pool) {
	t.Helper()
	for _, q := range upstreamSchema {
		mustPG(t, ctx, db, q)
	}
	mustPG(t, ctx, db, `INSERT INTO stories
		SELECT i, 'author' || (i % 7), 'story ' || i,
		       CASE WHEN i % 3 = 0 THEN (i % 100) * 1234567890123456789012345.6789 ELSE (i % 100) + 0.25 END, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute 1.5 second',
		       date '2026-01-01' + (i % 300), i / 7.0, i % 5 = 0, 't' || (i % 10), md5(i::text)::uuid, i::bigint * 1000000000, (i % 30000)::smallint
		FROM generate_series(1, $1) i`, testStories)
	// 100k votes: each user on every other story, so a vote can move to another user.
	mustPG(t, ctx, db, `INSERT INTO votes SELECT s, u, 1 + (s + u) % 3 FROM generate_series(1, $1) s, generate_series(1, $2) u WHERE (s + u) % 2 = 0`, testStories, testUsers)
}

func mustPG(t testing.TB, ctx context.Context, db *pgxpool.Pool, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// mirrorTo opens a mirroring engine in dir and runs a replicator on dsn until the test ends
// or stop is called.
type mirror struct {
	e    *weir.Engine
	rep  *Replicator
	stop func()
}

func startMirror(t testing.TB, dir, dsn string) *mirror {
	t.Helper()
	e, err := weir.Open(weir.Options{Dir: dir, Mirror: true, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := New(e, Config{URL: dsn, Logger: zaptest.NewLogger(t), StatusInterval: 200 * time.Millisecond, SchemaInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rep.Run(ctx) }()
	select {
	case <-rep.Ready():
	case err := <-done:
		cancel()
		e.Close()
		t.Fatalf("replication ended before it was ready: %v", err)
	case <-time.After(2 * time.Minute):
		cancel()
		e.Close()
		t.Fatal("replication was not ready in time")
	}
	var once sync.Once
	m := &mirror{e: e, rep: rep}
	m.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("replication: %v", err)
			}
			if err := e.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(m.stop)
	return m
}

func registerCaches(t *testing.T, e *weir.Engine) {
	t.Helper()
	for _, c := range testCaches {
		if _, err := e.Register(context.Background(), c.name, c.sql); err != nil {
			t.Fatalf("register %s: %v", c.name, err)
		}
	}
}

// currentLSN is the upstream's WAL position after everything committed so far. The test
// server runs with synchronous_commit off, so a commit may return before its WAL is written:
// the insert position, not pg_current_wal_lsn(), is past every committed transaction.
func currentLSN(t testing.TB, ctx context.Context, db *pgxpool.Pool) uint64 {
	t.Helper()
	var s string
	if err := db.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&s); err != nil {
		t.Fatal(err)
	}
	lsn, err := pglogrepl.ParseLSN(s)
	if err != nil {
		t.Fatal(err)
	}
	return uint64(lsn)
}

// compareWithUpstream waits until the mirror reaches the upstream's current position, then
// compares every cache for every parameter, and both tables row by row, with PostgreSQL.
func compareWithUpstream(t *testing.T, ctx context.Context, db *pgxpool.Pool, e *weir.Engine) {
	t.Helper()
	// A catch-up deadline, not a speed bound: under the race detector, beside the binlog
	// follower's tests, a restarted mirror once took over a minute to apply 1.2 MB of WAL.
	wctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	if err := e.Mirror().WaitForPosition(wctx, currentLSN(t, ctx, db)); err != nil {
		t.Fatal(err)
	}
	mismatches := 0
	for _, c := range testCaches {
		v, err := e.View(c.name)
		if err != nil {
			t.Fatal(err)
		}
		pgSQL := strings.ReplaceAll(c.sql, "?", "$1")
		for _, p := range c.params(testStories) {
			rows, err := v.Lookup(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range rows.Len() {
				got = append(got, mirrortest.RowText(rows.Row(i)))
			}
			slices.Sort(got)
			want := pgRows(t, ctx, db, pgSQL, p)
			if !slices.Equal(got, want) {
				mismatches++
				if mismatches <= 5 {
					t.Errorf("cache %s(%v): weir %v, postgres %v", c.name, p, got, want)
				}
			}
		}
	}
	for _, table := range []string{"stories", "votes"} {
		pgSQL := tableQuery(t, e, table)
		rows, err := e.TableRows(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(rows))
		for i, r := range rows {
			got[i] = mirrortest.RowText(r)
		}
		slices.Sort(got)
		want := pgRows(t, ctx, db, pgSQL)
		if !slices.Equal(got, want) {
			t.Errorf("table %s: %d rows in weir, %d in postgres; first difference: %v", table, len(got), len(want), mirrortest.FirstDifference(got, want, "postgres"))
		}
	}
	if mismatches > 5 {
		t.Errorf("%d cache reads in all differ from postgres", mismatches)
	}
}

// tableQuery is a PostgreSQL query for the columns Weir mirrors of table, each rendered as
// Weir renders its value: timestamps in UTC with microseconds, booleans as 0/1, CHAR
// without its padding.
func tableQuery(t *testing.T, e *weir.Engine, table string) string {
	t.Helper()
	s, err := e.Table(table)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range s.Cols {
		switch c.Name {
		case "created":
			cols = append(cols, "to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
		case "hidden":
			cols = append(cols, "hidden::int")
		case "tag":
			cols = append(cols, "rtrim(tag)")
		default:
			cols = append(cols, quoteIdent(c.Name))
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + table
}

// pgRows runs a query on PostgreSQL and renders its rows as mirrortest.RowText renders Weir's: every
// value in PostgreSQL's text form, NULL as NULL.
func pgRows(t *testing.T, ctx context.Context, db *pgxpool.Pool, sql string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(ctx, sql, append([]any{pgx.QueryResultFormats{pgx.TextFormatCode}}, args...)...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		raw := rows.RawValues()
		out = append(out, mirrortest.RawRowText(raw))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// counter counts committed upstream writes.
type counter = mirrortest.Counter

func newCounter() *counter { return mirrortest.NewCounter() }

// writeLoad runs writers on the upstream until stop is closed: single changes and
// multi-statement transactions over both tables, including key changes and deletes.
func writeLoad(t *testing.T, ctx context.Context, db *pgxpool.Pool, writers int, stop <-chan struct{}) (commits *counter, wait func()) {
	commits = newCounter()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			for {
				select {
				case <-stop:
					return
				default:
				}
				story := 1 + rng.IntN(testStories+10)
				user := 1 + rng.IntN(testUsers)
				var err error
				switch rng.IntN(6) {
				case 0:
					_, err = db.Exec(ctx, "INSERT INTO votes VALUES ($1, $2, $3) ON CONFLICT (story_id, user_id) DO UPDATE SET weight = votes.weight + 1", story, user, 1+rng.IntN(5))
				case 1:
					_, err = db.Exec(ctx, "DELETE FROM votes WHERE story_id = $1 AND user_id = $2", story, user)
				case 2:
					_, err = db.Exec(ctx, "UPDATE stories SET title = $2, score = score + 1.5 WHERE id = $1", story, fmt.Sprintf("edited by %d", w))
				case 3:
					// A key change: the vote moves to another user.
					_, err = db.Exec(ctx, "UPDATE votes SET user_id = $3 WHERE story_id = $1 AND user_id = $2 AND NOT EXISTS (SELECT 1 FROM votes WHERE story_id = $1 AND user_id = $3)", story, user, 1+rng.IntN(testUsers))
				case 4:
					// A transaction over both tables, applied as one.
					err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
						if _, err := tx.Exec(ctx, "INSERT INTO stories (id, author, title, score) VALUES ($1, $2, 'new', 0) ON CONFLICT (id) DO UPDATE SET author = EXCLUDED.author", story, fmt.Sprintf("author%d", rng.IntN(7))); err != nil {
							return err
						}
						_, err := tx.Exec(ctx, "INSERT INTO votes VALUES ($1, $2, 1) ON CONFLICT DO NOTHING", story, user)
						return err
					})
				case 5:
					_, err = db.Exec(ctx, "DELETE FROM stories WHERE id = $1 AND id > $2", story, testStories)
				}
				if err != nil {
					// Deadlocks between concurrent writers are PostgreSQL's to resolve, and
					// two writers moving votes onto the same key race past each other's NOT
					// EXISTS under READ COMMITTED (SQLSTATE 23505): either way the loser's
					// transaction did not happen.
					if strings.Contains(err.Error(), "deadlock") || strings.Contains(err.Error(), "SQLSTATE 23505") {
						continue
					}
					t.Errorf("writer %d: %v", w, err)
					commits.Fail()
					return
				}
				commits.Add(1)
			}
		}()
	}
	return commits, wg.Wait
}

// newUpstream starts a private PostgreSQL with a database holding the seeded upstream
// schema, and returns the server, the database's URL and a pool connected to it.
func newUpstream(t testing.TB) (*testserver.Postgres, string, *pgxpool.Pool) {
	t.Helper()
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "upstream")
	db := connectUpstream(t, dsn)
	seedUpstream(t, context.Background(), db)
	return pg, dsn, db
}

func connectUpstream(t testing.TB, dsn string) *pgxpool.Pool {
	t.Helper()
	db, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// TestSnapshotThenStream: 100k rows copied under the slot's snapshot, then concurrent writes
// on PostgreSQL while Weir serves reads; once they stop, every cache and both tables equal
// PostgreSQL's.
func TestSnapshotThenStream(t *testing.T) {
	_, dsn, db := newUpstream(t)
	ctx := context.Background()

	m := startMirror(t, t.TempDir(), dsn)
	registerCaches(t, m.e)
	compareWithUpstream(t, ctx, db, m.e)
	if st := m.rep.Status(); st.SnapshotRows != testStories+testStories*testUsers/2 {
		t.Fatalf("copied %d rows, want %d", st.SnapshotRows, testStories+testStories*testUsers/2)
	}

	stop := make(chan struct{})
	commits, wait := writeLoad(t, ctx, db, 4, stop)
	var stopOnce sync.Once
	stopWriters := func() { stopOnce.Do(func() { close(stop); wait() }) }
	defer stopWriters()
	// Reads while the writes flow: every cache keeps answering.
	var reads int
	for commits.Load() < 2000 && !t.Failed() {
		for _, c := range testCaches {
			v, err := m.e.View(c.name)
			if err != nil {
				t.Fatal(err)
			}
			ps := c.params(testStories)
			if _, err := v.Lookup(ctx, ps[reads%len(ps)]); err != nil {
				t.Fatal(err)
			}
			reads++
		}
	}
	stopWriters()
	compareWithUpstream(t, ctx, db, m.e)
	st := m.rep.Status()
	if st.Snapshots != 1 {
		t.Errorf("%d snapshots: the stream fell out of step and was copied again (%s)", st.Snapshots, st.LastError)
	}
	t.Logf("%d upstream commits, %d reads during them; replication applied %d transactions, %d changes", commits.Load(), reads, st.Transactions, st.Changes)
}

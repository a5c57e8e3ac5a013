package binlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/zap/zaptest"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/replication/internal/mirrortest"
)

// upstreamSchema is the test's upstream: stories with a spread of types, votes with a
// compound key, and counters that each writer of the fault tests increments.
var upstreamSchema = []string{
	`CREATE TABLE stories (
		id INT PRIMARY KEY,
		author VARCHAR(40) NOT NULL,
		title VARCHAR(100),
		score DECIMAL(40,10),
		created DATETIME(6),
		day DATE,
		ratio DOUBLE,
		hidden TINYINT(1) NOT NULL DEFAULT 0,
		tag CHAR(4),
		big BIGINT,
		small SMALLINT UNSIGNED,
		KEY by_author (author)
	)`,
	`CREATE TABLE votes (story_id INT NOT NULL, user_id INT NOT NULL, weight INT NOT NULL DEFAULT 1, PRIMARY KEY (story_id, user_id))`,
	`CREATE TABLE counters (writer INT PRIMARY KEY, n BIGINT NOT NULL)`,
	`CREATE TABLE journal (writer INT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (writer, seq))`,
}

// The caches compared with MariaDB: each is read with every story id (or author, or user)
// and run on MariaDB with the same text.
var testCaches = []struct {
	name, sql string
	params    func() []any
}{
	{"story_votes", "SELECT s.id, s.title, COUNT(v.user_id) AS n, SUM(v.weight) AS w FROM stories s LEFT JOIN votes v ON v.story_id = s.id WHERE s.id = ? GROUP BY s.id, s.title", storyIDs},
	{"author_scores", "SELECT author, COUNT(*) AS n, SUM(score) AS total, MAX(score) AS best FROM stories WHERE author = ? GROUP BY author", authors},
	{"user_votes", "SELECT story_id, weight FROM votes WHERE user_id = ?", userIDs},
}

const testStories, testUsers = 1000, 200

func storyIDs() []any {
	out := []any{}
	for i := 1; i <= testStories+20; i++ {
		out = append(out, i)
	}
	return out
}

func authors() []any {
	out := []any{}
	for i := range 7 {
		out = append(out, fmt.Sprintf("author%d", i))
	}
	return out
}

func userIDs() []any {
	out := []any{}
	for i := 1; i <= testUsers; i++ {
		out = append(out, i)
	}
	return out
}

func mustExec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seedUpstream creates the schema with 1,000 stories and 100,000 votes.
func seedUpstream(t testing.TB, db *sql.DB) {
	t.Helper()
	for _, q := range upstreamSchema {
		mustExec(t, db, q)
	}
	mustExec(t, db, `INSERT INTO stories
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
		SELECT i, CONCAT('author', i % 7), CONCAT('story ', i),
		       CASE WHEN i % 3 = 0 THEN (i % 100) * 123456789012345678901234.5678 ELSE (i % 100) + 0.25 END,
		       TIMESTAMP '2026-01-01 00:00:00' + INTERVAL i * 61.5 SECOND,
		       DATE '2026-01-01' + INTERVAL i % 300 DAY, i / 7.0, i % 5 = 0, CONCAT('t', i % 10),
		       i * 1000000000, i % 30000
		FROM s`, testStories)
	// 100k votes: each user on every other story, so a vote can move to another user.
	mustExec(t, db, `INSERT INTO votes
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?),
		               u(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM u WHERE j < ?)
		SELECT i, j, 1 + (i + j) % 3 FROM s, u WHERE (i + j) % 2 = 0`, testStories, testUsers)
}

// newUpstream starts a private MariaDB with a binary log and a seeded database, and returns
// the server, the mariadb:// URL Weir follows and a pool on the database.
func newUpstream(t testing.TB) (*testserver.MariaDB, string, *sql.DB) {
	t.Helper()
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	db := openDB(t, mdb.CreateDatabase(t, "app"))
	seedUpstream(t, db)
	return mdb, "mariadb://root@" + mdb.Addr + "/app", db
}

func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxIdleConns(16)
	t.Cleanup(func() { db.Close() })
	return db
}

// mirror is a mirroring engine and its replicator, running until the test ends or stop.
type mirror struct {
	e    *weir.Engine
	rep  *Replicator
	stop func()
	// done carries Run's result; failed is set by a test that took it (replication
	// stopped with an error the test expected).
	done   chan error
	failed bool
}

// runError waits, with a deadline, for replication to stop on its own, and returns why.
func (m *mirror) runError(t testing.TB) error {
	t.Helper()
	select {
	case err := <-m.done:
		m.failed = true
		m.done <- err // for stop
		return err
	case <-time.After(time.Minute):
		t.Fatal("replication did not stop within a minute")
		return nil
	}
}

func startMirror(t testing.TB, dir, url string) *mirror {
	t.Helper()
	m, err := tryMirror(t, dir, url)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tryMirror starts a mirror and returns the error replication ended with if it ended
// before it was ready.
func tryMirror(t testing.TB, dir, url string) (*mirror, error) {
	return tryMirrorConfig(t, dir, Config{URL: url})
}

func tryMirrorConfig(t testing.TB, dir string, cfg Config) (*mirror, error) {
	t.Helper()
	e, err := weir.Open(weir.Options{Dir: dir, Mirror: true, MemoryLimit: -1})
	if err != nil {
		return nil, err
	}
	cfg.Logger = zaptest.NewLogger(t)
	cfg.Heartbeat = 200 * time.Millisecond
	rep, err := New(e, cfg)
	if err != nil {
		e.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rep.Run(ctx) }()
	select {
	case <-rep.Ready():
	case err := <-done:
		cancel()
		e.Close()
		if err == nil {
			err = errors.New("replication ended before it was ready")
		}
		return nil, err
	case <-time.After(3 * time.Minute):
		cancel()
		e.Close()
		return nil, errors.New("replication was not ready in time")
	}
	var once sync.Once
	m := &mirror{e: e, rep: rep, done: done}
	m.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-m.done; err != nil && !m.failed {
				t.Errorf("replication: %v", err)
			}
			if err := e.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(m.stop)
	return m, nil
}

func registerCaches(t testing.TB, e *weir.Engine) {
	t.Helper()
	for _, c := range testCaches {
		if _, err := e.Register(context.Background(), c.name, c.sql); err != nil {
			t.Fatalf("register %s: %v", c.name, err)
		}
	}
}

// catchUp waits until the mirror reflects every transaction MariaDB has committed: its
// GTID position, then every view.
func catchUp(t testing.TB, db *sql.DB, m *mirror) {
	t.Helper()
	var gtid string
	if err := db.QueryRow("SELECT @@gtid_binlog_pos").Scan(&gtid); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.e.Mirror().WaitForGTID(ctx, gtid); err != nil {
		t.Fatal(err)
	}
}

// compareWithUpstream waits until the mirror catches up, then compares every cache for
// every parameter, and every table row by row, with MariaDB.
func compareWithUpstream(t testing.TB, db *sql.DB, m *mirror) {
	t.Helper()
	catchUp(t, db, m)
	ctx := context.Background()
	mismatches := 0
	for _, c := range testCaches {
		v, err := m.e.View(c.name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range c.params() {
			rows, err := v.Lookup(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range rows.Len() {
				got = append(got, mirrortest.RowText(rows.Row(i)))
			}
			slices.Sort(got)
			want := dbRows(t, db, c.sql, p)
			if !slices.Equal(got, want) {
				mismatches++
				if mismatches <= 5 {
					t.Errorf("cache %s(%v): weir %v, mariadb %v", c.name, p, got, want)
				}
			}
		}
	}
	if mismatches > 5 {
		t.Errorf("%d cache reads in all differ from mariadb", mismatches)
	}
	compareTables(t, db, m.e)
}

// compareTables compares every mirrored table with MariaDB's, row by row.
func compareTables(t testing.TB, db *sql.DB, e *weir.Engine) {
	t.Helper()
	for _, table := range e.Tables() {
		rows, err := e.TableRows(context.Background(), table)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(rows))
		for i, r := range rows {
			got[i] = mirrortest.RowText(r)
		}
		slices.Sort(got)
		want := dbRows(t, db, "SELECT * FROM "+quoteName(table))
		if !slices.Equal(got, want) {
			t.Errorf("table %s: %d rows in weir, %d in mariadb; first difference: %v", table, len(got), len(want), mirrortest.FirstDifference(got, want, "mariadb"))
		}
	}
}

// dbRows runs a query on MariaDB and renders its rows in the text protocol's form, NULL as
// NULL, sorted.
func dbRows(t testing.TB, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		raw := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
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

// load is a running write load: commits counts every committed transaction, and
// perWriter[w] the increments writer w committed to its counters row.
type load struct {
	commits   *counter
	perWriter []int64
	wait      func()
}

// retryable reports MariaDB errors after which the transaction did not happen and the
// writer goes on: a deadlock, a lock wait timeout, a duplicate key from a racing key change.
func retryable(err error) bool {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1213, 1205, 1062:
			return true
		}
	}
	return false
}

// writeLoad runs writers on MariaDB until stop is closed: single changes, primary-key
// changes and multi-table transactions. Each writer's transactions also increment its own
// counters row, so a change lost shows in the count, and moves its journal row from the
// previous sequence number to the next: a transaction applied twice would bring back a row
// deleted since, or fail to delete one already gone.
func writeLoad(t testing.TB, db *sql.DB, writers int, stop <-chan struct{}) *load {
	l := &load{commits: newCounter(), perWriter: make([]int64, writers)}
	// A writer's journal continues from its counter's value, which earlier loads left.
	base := make([]int64, writers)
	for w := range writers {
		mustExec(t, db, "INSERT INTO counters VALUES (?, 0) ON DUPLICATE KEY UPDATE n = n", w)
		if err := db.QueryRow("SELECT n FROM counters WHERE writer = ?", w).Scan(&base[w]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for {
				select {
				case <-stop:
					return
				default:
				}
				story := 1 + rng.IntN(testStories+20)
				user := 1 + rng.IntN(testUsers)
				tx, err := db.Begin()
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					l.commits.Fail()
					return
				}
				switch rng.IntN(7) {
				case 0:
					_, err = tx.Exec("INSERT INTO votes VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE weight = weight + 1", story, user, 1+rng.IntN(5))
				case 1:
					_, err = tx.Exec("DELETE FROM votes WHERE story_id = ? AND user_id = ?", story, user)
				case 2:
					_, err = tx.Exec("UPDATE stories SET title = ?, score = score + 1.5, created = NOW(6) WHERE id = ?", fmt.Sprintf("edited by %d", w), story)
				case 3:
					// A key change: the vote moves to another user.
					_, err = tx.Exec("UPDATE votes SET user_id = ? WHERE story_id = ? AND user_id = ?", 1+rng.IntN(testUsers), story, user)
				case 4:
					// A transaction over both tables, applied as one.
					if _, err = tx.Exec("INSERT INTO stories (id, author, title, score) VALUES (?, ?, 'new', 0) ON DUPLICATE KEY UPDATE author = VALUES(author)", story, fmt.Sprintf("author%d", rng.IntN(7))); err == nil {
						_, err = tx.Exec("INSERT IGNORE INTO votes VALUES (?, ?, 1)", story, user)
					}
				case 5:
					_, err = tx.Exec("DELETE FROM stories WHERE id = ? AND id > ?", story, testStories)
				case 6:
					// A story's key changes, among the ones above the seed.
					_, err = tx.Exec("UPDATE stories SET id = ? WHERE id = ? AND id > ?", testStories+1+rng.IntN(20), story, testStories)
				}
				if err == nil {
					_, err = tx.Exec("UPDATE counters SET n = n + 1 WHERE writer = ?", w)
				}
				if err == nil {
					_, err = tx.Exec("INSERT INTO journal VALUES (?, ?)", w, base[w]+l.perWriter[w]+1)
				}
				if err == nil {
					_, err = tx.Exec("DELETE FROM journal WHERE writer = ? AND seq = ?", w, base[w]+l.perWriter[w])
				}
				if err == nil {
					err = tx.Commit()
				} else {
					_ = tx.Rollback()
				}
				if err != nil {
					if retryable(err) {
						continue
					}
					t.Errorf("writer %d: %v", w, err)
					l.commits.Fail()
					return
				}
				l.perWriter[w]++
				l.commits.Add(1)
			}
		}()
	}
	l.wait = wg.Wait
	return l
}

// checkCounters compares each writer's committed count with the counters row Weir mirrors.
func checkCounters(t testing.TB, e *weir.Engine, perWriter map[int]int64) {
	t.Helper()
	rows, err := e.TableRows(context.Background(), "counters")
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]int64{}
	for _, r := range rows {
		w, _ := r[0].ToInt()
		n, _ := r[1].ToInt()
		got[int(w)] = n
	}
	for w, n := range perWriter {
		if got[w] != n {
			t.Errorf("writer %d committed %d increments; weir's counter says %d", w, n, got[w])
		}
	}
	journal, err := e.TableRows(context.Background(), "journal")
	if err != nil {
		t.Fatal(err)
	}
	last := map[int]int64{}
	for _, r := range journal {
		w, _ := r[0].ToInt()
		seq, _ := r[1].ToInt()
		if _, dup := last[int(w)]; dup {
			t.Errorf("writer %d has more than one journal row in weir: a transaction was applied twice", w)
		}
		last[int(w)] = seq
	}
	for w, n := range perWriter {
		if n > 0 && last[w] != n {
			t.Errorf("writer %d's journal row in weir is at %d, want %d", w, last[w], n)
		}
	}
}

// TestSnapshotThenStream: 100k rows copied in a consistent snapshot, then concurrent
// writers on MariaDB (inserts, updates, deletes, primary-key changes, multi-table
// transactions) while Weir serves reads; afterwards every cache and every table equals
// MariaDB's answer, no fresh copy happened, and each writer's count arrived exactly once.
func TestSnapshotThenStream(t *testing.T) {
	_, url, db := newUpstream(t)
	m := startMirror(t, t.TempDir(), url)
	registerCaches(t, m.e)
	compareWithUpstream(t, db, m)
	if st := m.rep.Status(); st.SnapshotRows != testStories+testStories*testUsers/2 {
		t.Fatalf("copied %d rows, want %d", st.SnapshotRows, testStories+testStories*testUsers/2)
	}

	writes := int64(2000)
	if testing.Short() {
		writes = 1000
	}
	stop := make(chan struct{})
	l := writeLoad(t, db, 4, stop)
	var stopOnce sync.Once
	stopWriters := func() { stopOnce.Do(func() { close(stop); l.wait() }) }
	defer stopWriters()
	ctx := context.Background()
	var reads int
	for l.commits.Load() < writes && !t.Failed() {
		for _, c := range testCaches {
			v, err := m.e.View(c.name)
			if err != nil {
				t.Fatal(err)
			}
			ps := c.params()
			if _, err := v.Lookup(ctx, ps[reads%len(ps)]); err != nil {
				t.Fatal(err)
			}
			reads++
		}
	}
	stopWriters()
	compareWithUpstream(t, db, m)
	per := map[int]int64{}
	for w, n := range l.perWriter {
		per[w] = n
	}
	checkCounters(t, m.e, per)
	st := m.rep.Status()
	if st.Snapshots != 1 {
		t.Errorf("%d copies: the stream fell out of step and was copied again (%s)", st.Snapshots, st.LastError)
	}
	if n := m.e.Mirror().Replaced(); n != 0 {
		t.Errorf("%d inserts found their key taken: a change was applied twice", n)
	}
	t.Logf("%d upstream commits, %d reads during them; replication applied %d transactions, %d changes", l.commits.Load(), reads, st.Transactions, st.Changes)
}

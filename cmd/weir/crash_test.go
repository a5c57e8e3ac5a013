package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// The kill -9 test runs `weir serve` in a child process (this test binary again, with
// crashServeDirEnv set), drives concurrent writers at it through the MySQL protocol, kills
// it with SIGKILL after a random number of acknowledged statements, restarts it on the
// same directory and checks what came back against what the clients were told:
//
//   - every acknowledged statement is there, and the one in flight per writer when the
//     process died is either wholly there or wholly absent;
//   - every statement touches four rows (a multi-row INSERT, an UPDATE and a DELETE of a
//     group), so a half-applied statement shows as a group of one to three rows, or of
//     rows that disagree;
//   - AUTO_INCREMENT ids handed out before the crash are never handed out again;
//   - every named cache, restored from the directory, reads the same as the same query
//     recomputed in the test from the base rows, and the base rows themselves are read
//     through a query shape installed only then, so they are backfilled from the tables.
//
// Each writer owns its keys, so the test's model of the data is exact; writers also read
// their own caches as they go, which keeps the views filled and maintained incrementally
// when the kill lands.

const crashServeDirEnv = "WEIR_SERVE_CRASH_DIR"

// TestServeCrashChild is not a test on its own: TestServeSurvivesKill9 runs the test binary
// again with this test selected. It serves until it is killed and prints the MySQL address
// on stdout once it accepts connections.
func TestServeCrashChild(t *testing.T) {
	dir := os.Getenv(crashServeDirEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestServeSurvivesKill9")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := serve(ctx, []string{"--listen", "127.0.0.1:0", "--http", "", "--log-level", "error", "--data-dir", dir, "--sync", "always"},
		func(string) string { return "" }, os.Stderr, func(mysqlAddr, _ string) {
			fmt.Printf("ready %s\n", mysqlAddr)
		})
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

const (
	crashWriters   = 8
	crashGroupRows = 4
)

var crashSchema = []string{
	"CREATE TABLE writers (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)",
	"CREATE TABLE items (writer INT NOT NULL, seq INT NOT NULL, part INT NOT NULL, v INT NOT NULL, PRIMARY KEY (writer, seq, part))",
	"CREATE TABLE log (id BIGINT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, seq INT NOT NULL)",
}

// crashCaches are the named caches; each is read with its writer as the parameter.
var crashCaches = []struct{ name, sql string }{
	{"totals", "SELECT writer, COUNT(*) AS n, SUM(v) AS total FROM items WHERE writer = ? GROUP BY writer"},
	{"named_items", "SELECT w.name, i.seq, i.part, i.v FROM items i JOIN writers w ON i.writer = w.id WHERE w.id = ?"},
	{"hot", "SELECT seq, part, v FROM items WHERE writer = ? AND v >= 2"},
	{"log_totals", "SELECT writer, COUNT(*) AS n, MAX(id) AS last FROM log WHERE writer = ? GROUP BY writer"},
}

// crashGroup is what a writer knows about one of its groups: absent, or four rows of v.
type crashGroup struct {
	present bool
	v       int
}

// crashOp is a statement whose outcome a writer does not know: the server died under it.
type crashOp struct {
	seq           int
	before, after crashGroup
	log           bool // an INSERT INTO log, whose id the writer never learnt
}

// crashWriter is one client and its model of the rows it owns.
type crashWriter struct {
	id       int
	prepared bool
	rng      *rand.Rand
	nextSeq  int
	groups   map[int]crashGroup
	logIDs   map[int64]int // acknowledged log rows: id to seq
	doubt    *crashOp
	acks     int
	// floor is the largest log id a restart has shown; ids handed out later must be above it.
	floor *atomic.Int64
}

type crashCluster struct {
	t        *testing.T
	dir      string
	cmd      *exec.Cmd
	stderr   *strings.Builder
	addr     string
	writers  []*crashWriter
	logFloor atomic.Int64
	// probe numbers the base-row queries, so each is a new shape backfilled from the tables.
	probe int
}

// start runs a child server and waits for its address.
func (c *crashCluster) start() {
	c.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashServeDirEnv+"="+c.dir)
	c.stderr = &strings.Builder{}
	cmd.Stderr = &lockedWriter{w: c.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.cmd = cmd
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				lines <- addr
			}
		}
		close(lines)
	}()
	select {
	case addr, ok := <-lines:
		if !ok {
			_ = cmd.Wait()
			c.t.Fatalf("the server exited before it was ready: %s", c.stderr)
		}
		c.addr = addr
	case <-time.After(60 * time.Second):
		c.kill()
		c.t.Fatalf("the server did not become ready: %s", c.stderr)
	}
}

// kill sends SIGKILL and reaps the child.
func (c *crashCluster) kill() {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
	c.cmd = nil
}

func (c *crashCluster) open() *sql.DB {
	c.t.Helper()
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir?timeout=30s", c.addr))
	if err != nil {
		c.t.Fatal(err)
	}
	db.SetMaxIdleConns(crashWriters * 2)
	return db
}

// TestServeSurvivesKill9 is the crash test described at the top of the file.
func TestServeSurvivesKill9(t *testing.T) {
	rounds := 24
	if testing.Short() {
		rounds = 4
	}
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 1))

	c := &crashCluster{t: t, dir: t.TempDir()}
	defer c.kill()
	c.start()
	db := c.open()
	for _, q := range crashSchema {
		mustExec(t, db, q)
	}
	for w := range crashWriters {
		mustExec(t, db, fmt.Sprintf("INSERT INTO writers VALUES (%d, 'writer-%d')", w, w))
		c.writers = append(c.writers, &crashWriter{id: w, prepared: w%2 == 0, rng: rand.New(rand.NewPCG(seed, uint64(w)+2)),
			groups: map[int]crashGroup{}, logIDs: map[int64]int{}, floor: &c.logFloor})
	}
	for _, cc := range crashCaches {
		mustExec(t, db, fmt.Sprintf("CREATE CACHE %s FROM %s", cc.name, cc.sql))
	}
	db.Close()

	var acked, duringRecovery int
	for round := range rounds {
		db := c.open()
		// Kill anywhere from before the first acknowledgement to a few hundred in.
		target := rng.IntN(400)
		acked += c.runUntilKilled(db, target)
		db.Close()
		// Now and then the next run dies while it opens the directory, before it serves.
		if rng.IntN(6) == 0 {
			c.startAndKillEarly()
			duringRecovery++
		}
		c.start()
		db = c.open()
		c.verify(db, fmt.Sprintf("after kill %d", round+1))
		db.Close()
		if t.Failed() {
			return
		}
	}

	// A last run without a kill: writers and readers run to completion, then every cache,
	// maintained incrementally throughout, must match a recomputation; and a clean
	// shutdown and restart must change nothing.
	db = c.open()
	c.runToCompletion(db, 50)
	c.verify(db, "after the writers stopped")
	db.Close()
	_ = c.cmd.Process.Signal(os.Interrupt)
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("clean shutdown: %v\n%s", err, c.stderr)
	}
	c.cmd = nil
	c.start()
	db = c.open()
	defer db.Close()
	c.verify(db, "after a clean restart")
	t.Logf("%d kills (%d more during recovery), %d statements acknowledged", rounds, duringRecovery, acked)
}

// crashSeed is the seed of a kill test's randomness: WEIR_CRASH_SEED, or the clock. It also
// silences the driver's log, which reports every connection the kills break; the test counts
// on those errors.
func crashSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WEIR_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (WEIR_CRASH_SEED reruns it)", seed)
	_ = mysql.SetLogger(log.New(io.Discard, "", 0))
	t.Cleanup(func() { _ = mysql.SetLogger(log.New(os.Stderr, "[mysql] ", log.Ldate|log.Ltime|log.Lshortfile)) })
	return seed
}

// startAndKillEarly starts a child and kills it at once: it dies before, while or just after
// it opens the directory, and the next start must not care which.
func (c *crashCluster) startAndKillEarly() {
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashServeDirEnv+"="+c.dir)
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// runUntilKilled runs every writer until target statements are acknowledged in all, then
// kills the server under them and waits for each to notice. It returns the acknowledged count.
func (c *crashCluster) runUntilKilled(db *sql.DB, target int) int {
	c.t.Helper()
	var count atomic.Int64
	reached := make(chan struct{})
	var once sync.Once
	if target == 0 {
		once.Do(func() { close(reached) })
	}
	var wg sync.WaitGroup
	for _, w := range c.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(c.t, db, -1, func() {
				if count.Add(1) == int64(target) {
					once.Do(func() { close(reached) })
				}
			})
		}()
	}
	select {
	case <-reached:
	case <-time.After(2 * time.Minute):
		c.t.Errorf("only %d of %d statements acknowledged in time", count.Load(), target)
	}
	c.kill()
	wg.Wait()
	return int(count.Load())
}

// runToCompletion runs every writer for n statements against a live server.
func (c *crashCluster) runToCompletion(db *sql.DB, n int) {
	var wg sync.WaitGroup
	for _, w := range c.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(c.t, db, n, func() {})
			if w.doubt != nil {
				c.t.Errorf("writer %d: a statement failed on a live server", w.id)
			}
		}()
	}
	wg.Wait()
}

// run issues statements until n are acknowledged (n < 0: until the connection fails). A
// statement whose connection fails is left in w.doubt and ends the run; a statement the
// server answers with an error fails the test.
func (w *crashWriter) run(t *testing.T, db *sql.DB, n int, acked func()) {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		if n >= 0 {
			t.Errorf("writer %d: %v", w.id, err)
		}
		return
	}
	defer conn.Close()
	do := func(q string, args ...any) (sql.Result, error) {
		if !w.prepared {
			return conn.ExecContext(ctx, interpolate(q, args))
		}
		return conn.ExecContext(ctx, q, args...)
	}
	for i := 0; n < 0 || i < n; i++ {
		op := w.next()
		var res sql.Result
		switch {
		case op.log:
			res, err = do("INSERT INTO log (writer, seq) VALUES (?, ?)", w.id, op.seq)
		case !op.before.present:
			q := "INSERT INTO items (writer, seq, part, v) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, 0), ", crashGroupRows), ", ")
			var args []any
			for p := range crashGroupRows {
				args = append(args, w.id, op.seq, p)
			}
			res, err = do(q, args...)
		case op.after.present:
			res, err = do("UPDATE items SET v = v + 1 WHERE writer = ? AND seq = ?", w.id, op.seq)
		default:
			res, err = do("DELETE FROM items WHERE writer = ? AND seq = ?", w.id, op.seq)
		}
		if err != nil {
			var myErr *mysql.MySQLError
			if errors.As(err, &myErr) {
				t.Errorf("writer %d: %v", w.id, err)
			}
			w.doubt = &op
			return
		}
		if op.log {
			id, err := res.LastInsertId()
			if err != nil {
				t.Errorf("writer %d: %v", w.id, err)
				return
			}
			w.logIDs[id] = op.seq
			if id <= w.floor.Load() {
				t.Errorf("writer %d: log id %d handed out again", w.id, id)
			}
		} else {
			if got, _ := res.RowsAffected(); got != crashGroupRows {
				t.Errorf("writer %d: %d rows affected, want %d", w.id, got, crashGroupRows)
			}
			w.groups[op.seq] = op.after
			if !op.after.present {
				delete(w.groups, op.seq)
			}
		}
		w.acks++
		acked()
		// Reading the writer's own total after its write keeps the caches filled, so the
		// kill lands on views being maintained, and checks read-your-writes as it goes.
		if w.acks%4 == 0 {
			if err := w.checkTotals(ctx, conn); err != nil {
				var myErr *mysql.MySQLError
				if errors.As(err, &myErr) || n >= 0 {
					t.Errorf("writer %d: %v", w.id, err)
				}
				return
			}
		}
	}
}

// next picks a statement: a new group, an update or delete of one, or a log row.
func (w *crashWriter) next() crashOp {
	r := w.rng.IntN(100)
	if r < 15 {
		return crashOp{seq: w.nextSeqNum(), log: true}
	}
	if r < 55 || len(w.groups) == 0 {
		return crashOp{seq: w.nextSeqNum(), after: crashGroup{present: true}}
	}
	seqs := make([]int, 0, len(w.groups))
	for s := range w.groups {
		seqs = append(seqs, s)
	}
	slices.Sort(seqs)
	s := seqs[w.rng.IntN(len(seqs))]
	g := w.groups[s]
	if r < 90 {
		return crashOp{seq: s, before: g, after: crashGroup{present: true, v: g.v + 1}}
	}
	return crashOp{seq: s, before: g}
}

func (w *crashWriter) nextSeqNum() int {
	w.nextSeq++
	return w.nextSeq
}

// checkTotals reads the totals cache for the writer and compares it with the model.
func (w *crashWriter) checkTotals(ctx context.Context, conn *sql.Conn) error {
	want := crashTotals(w.id, w.groups)
	var rows *sql.Rows
	var err error
	if w.prepared {
		rows, err = conn.QueryContext(ctx, crashCaches[0].sql, w.id)
	} else {
		rows, err = conn.QueryContext(ctx, interpolate(crashCaches[0].sql, []any{w.id}))
	}
	if err != nil {
		return err
	}
	got, err := scanStrings(rows)
	if err != nil {
		return err
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("totals read %v right after an acknowledged write, want %v", got, want)
	}
	return nil
}

// verify reads the base rows and every cache, checks them against the writers' models and
// against each other, and then takes what it read as the models' new truth.
func (c *crashCluster) verify(db *sql.DB, when string) {
	t := c.t
	t.Helper()
	c.probe++
	// A select-list literal is not a parameter, so this shape is new: its view is
	// backfilled from the base tables as they are now.
	rows, err := db.Query(fmt.Sprintf("SELECT writer, seq, part, v, %d AS probe FROM items", c.probe))
	if err != nil {
		t.Fatalf("%s: reading items: %v", when, err)
	}
	type part struct{ part, v int }
	items := map[int]map[int][]part{}
	for rows.Next() {
		var w, s, p, v, probe int
		if err := rows.Scan(&w, &s, &p, &v, &probe); err != nil {
			t.Fatal(err)
		}
		if items[w] == nil {
			items[w] = map[int][]part{}
		}
		items[w][s] = append(items[w][s], part{p, v})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = db.Query(fmt.Sprintf("SELECT id, writer, seq, %d AS probe FROM log", c.probe))
	if err != nil {
		t.Fatalf("%s: reading log: %v", when, err)
	}
	logs := map[int]map[int64]int{}
	var maxID int64
	for rows.Next() {
		var id int64
		var w, s, probe int
		if err := rows.Scan(&id, &w, &s, &probe); err != nil {
			t.Fatal(err)
		}
		if logs[w] == nil {
			logs[w] = map[int64]int{}
		}
		logs[w][id] = s
		maxID = max(maxID, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	for _, w := range c.writers {
		// Items: each group whole, and as acknowledged unless its statement was in doubt.
		got := map[int]crashGroup{}
		for s, parts := range items[w.id] {
			slices.SortFunc(parts, func(a, b part) int { return a.part - b.part })
			whole := len(parts) == crashGroupRows
			for i, p := range parts {
				whole = whole && p.part == i && p.v == parts[0].v
			}
			if !whole {
				t.Errorf("%s: writer %d group %d is half-applied: %v", when, w.id, s, parts)
				continue
			}
			got[s] = crashGroup{present: true, v: parts[0].v}
		}
		seqs := map[int]bool{}
		for s := range got {
			seqs[s] = true
		}
		for s := range w.groups {
			seqs[s] = true
		}
		for s := range seqs {
			want := w.groups[s]
			have := got[s]
			if have == want {
				continue
			}
			if d := w.doubt; d != nil && !d.log && d.seq == s && have == d.after {
				continue
			}
			t.Errorf("%s: writer %d group %d is %+v, acknowledged %+v (in flight: %+v)", when, w.id, s, have, want, w.doubt)
		}
		// Log rows: every acknowledged one, plus at most the one in flight.
		extra := 0
		for id, s := range w.logIDs {
			if got, ok := logs[w.id][id]; !ok || got != s {
				t.Errorf("%s: writer %d lost acknowledged log row %d", when, w.id, id)
			}
		}
		for id, s := range logs[w.id] {
			if _, ok := w.logIDs[id]; ok {
				continue
			}
			if d := w.doubt; d == nil || !d.log || d.seq != s {
				t.Errorf("%s: writer %d has log row %d (seq %d) no statement of it can explain", when, w.id, id, s)
			}
			extra++
			w.logIDs[id] = s
		}
		if extra > 1 {
			t.Errorf("%s: writer %d has %d unacknowledged log rows, at most 1 was in flight", when, w.id, extra)
		}
		w.groups = got
		w.doubt = nil
	}
	c.logFloor.Store(max(c.logFloor.Load(), maxID))

	// Every cache against the same query recomputed here from the base rows.
	for _, w := range c.writers {
		want := map[string][]string{
			"totals":      crashTotals(w.id, w.groups),
			"named_items": nil,
			"hot":         nil,
		}
		for s, g := range w.groups {
			for p := range crashGroupRows {
				want["named_items"] = append(want["named_items"], fmt.Sprintf("writer-%d|%d|%d|%d", w.id, s, p, g.v))
				if g.v >= 2 {
					want["hot"] = append(want["hot"], fmt.Sprintf("%d|%d|%d", s, p, g.v))
				}
			}
		}
		if len(w.logIDs) > 0 {
			want["log_totals"] = []string{fmt.Sprintf("%d|%d|%d", w.id, len(w.logIDs), slices.Max(slicesKeys(w.logIDs)))}
		}
		for _, cc := range crashCaches {
			rows, err := db.Query(cc.sql, w.id)
			if err != nil {
				t.Fatalf("%s: reading cache %s: %v", when, cc.name, err)
			}
			got, err := scanStrings(rows)
			if err != nil {
				t.Fatal(err)
			}
			exp := want[cc.name]
			slices.Sort(exp)
			if !slices.Equal(got, exp) {
				t.Errorf("%s: cache %s for writer %d reads\n  %v\nrecomputed from the tables:\n  %v", when, cc.name, w.id, got, exp)
			}
		}
	}
}

func crashTotals(writer int, groups map[int]crashGroup) []string {
	if len(groups) == 0 {
		return nil
	}
	n, sum := 0, 0
	for _, g := range groups {
		n += crashGroupRows
		sum += crashGroupRows * g.v
	}
	return []string{fmt.Sprintf("%d|%d|%d", writer, n, sum)}
}

func slicesKeys(m map[int64]int) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// scanStrings reads every row as its columns joined by |, sorted.
func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
		}
		out = append(out, strings.Join(parts, "|"))
	}
	slices.Sort(out)
	return out, rows.Err()
}

// interpolate writes integer arguments into a statement for the text protocol.
func interpolate(q string, args []any) string {
	var b strings.Builder
	for _, a := range args {
		i := strings.IndexByte(q, '?')
		b.WriteString(q[:i])
		fmt.Fprint(&b, a)
		q = q[i+1:]
	}
	b.WriteString(q)
	return b.String()
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// lockedWriter lets the child's stderr be written by exec's copier and read by the test.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

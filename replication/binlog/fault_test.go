package binlog

import (
	"database/sql"
	"fmt"
	"os/exec"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/replication/internal/mirrortest"
)

// TestMirrorChild is not a test on its own: TestMirrorSurvivesKill9 runs the test binary
// again with this test selected, as a mirroring process it can kill.
func TestMirrorChild(t *testing.T) {
	mirrortest.RunChild(t, func(e *weir.Engine, url string) (mirrortest.Replicator, error) {
		return New(e, Config{URL: url, Heartbeat: 200 * time.Millisecond, Logger: zap.NewNop()})
	})
}

// startChild runs a mirroring child process on dir and waits until it streams.
func startChild(t *testing.T, dir, url string) *exec.Cmd {
	t.Helper()
	return mirrortest.StartChild(t, "TestMirrorChild", dir, url)
}

// TestMirrorSurvivesKill9: a mirroring process is SIGKILLed three times while MariaDB takes
// writes; each restart resumes from the stored position. Once the writes stop, a last start
// resumes again without a fresh copy and converges to MariaDB's answer, with every writer's
// count arriving exactly once.
func TestMirrorSurvivesKill9(t *testing.T) {
	_, url, db := newUpstream(t)
	dir := t.TempDir()
	per := map[int]int64{}

	child := startChild(t, dir, url)
	stop := make(chan struct{})
	l := writeLoad(t, db, 4, stop)
	var stopOnce sync.Once
	stopWriters := func() { stopOnce.Do(func() { close(stop); l.wait() }) }
	defer stopWriters()
	step := int64(200)
	if testing.Short() {
		step = 100
	}
	for round := 1; round <= 3; round++ {
		l.commits.WaitFor(l.commits.Load()+step, stop)
		_ = child.Process.Kill()
		_ = child.Wait()
		if round < 3 {
			child = startChild(t, dir, url)
		}
	}
	stopWriters()
	if t.Failed() {
		return
	}
	for w, n := range l.perWriter {
		per[w] = n
	}

	m := startMirror(t, dir, url)
	registerCaches(t, m.e)
	compareWithUpstream(t, db, m)
	checkCounters(t, m.e, per)
	st := m.rep.Status()
	if st.Snapshots != 0 {
		t.Errorf("the restart took a fresh copy (%d) instead of resuming: %s", st.Snapshots, st.LastError)
	}
	if n := m.e.Mirror().Replaced(); n != 0 {
		t.Errorf("%d inserts found their key taken: a change was applied twice", n)
	}
	t.Logf("%d upstream commits over 3 kills; the last start resumed and applied %d transactions", l.commits.Load(), st.Transactions)
}

// binlogDumps lists the server's binlog dump threads (one per connected replica).
func binlogDumps(t testing.TB, db *sql.DB) []int64 {
	t.Helper()
	rows, err := db.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestMirrorSurvivesUpstreamRestartAndCutConnections: the binlog connection is cut three
// times while writes flow, and MariaDB restarts between two write phases; the mirror
// reconnects, resumes and converges, with no fresh copy and every writer's count arriving
// exactly once.
func TestMirrorSurvivesUpstreamRestartAndCutConnections(t *testing.T) {
	mdb, url, db := newUpstream(t)
	m := startMirror(t, t.TempDir(), url)
	registerCaches(t, m.e)
	per := map[int]int64{}
	phase := func(n int64, during func()) {
		t.Helper()
		stop := make(chan struct{})
		l := writeLoad(t, db, 4, stop)
		var once sync.Once
		end := func() { once.Do(func() { close(stop); l.wait() }) }
		defer func() {
			end()
			// Each phase's writers count from their counters row's value at its start.
			for w, n := range l.perWriter {
				per[w] += n
			}
		}()
		l.commits.WaitFor(n/2, stop)
		if during != nil {
			during()
		}
		l.commits.WaitFor(n, stop)
	}
	n := int64(300)
	if testing.Short() {
		n = 150
	}
	cuts := 0
	for range 3 {
		phase(n, func() {
			// Cut the stream's connection once one runs: after the previous cut the
			// replicator takes a moment (its backoff) to reconnect. Each try is a query on
			// MariaDB, bounded by a deadline.
			deadline := time.Now().Add(time.Minute)
			for {
				ids := binlogDumps(t, db)
				if len(ids) == 1 {
					mustExec(t, db, fmt.Sprintf("KILL %d", ids[0]))
					cuts++
					return
				}
				if len(ids) > 1 || time.Now().After(deadline) {
					t.Fatalf("%d binlog dump threads, want 1", len(ids))
				}
			}
		})
	}
	compareWithUpstream(t, db, m)

	phase(n, nil)
	mdb.Restart(t)
	phase(n, nil)
	compareWithUpstream(t, db, m)
	checkCountersFromUpstream(t, db, m.e, per)

	st := m.rep.Status()
	if st.Snapshots != 1 {
		t.Errorf("%d copies: a reconnect took a fresh copy instead of resuming (%s)", st.Snapshots, st.LastError)
	}
	if n := m.e.Mirror().Replaced(); n != 0 {
		t.Errorf("%d inserts found their key taken: a change was applied twice", n)
	}
	if cuts != 3 {
		t.Errorf("cut %d connections, want 3", cuts)
	}
	t.Logf("applied %d transactions across %d cut connections and an upstream restart", st.Transactions, cuts)
}

// checkCountersFromUpstream checks the writers' counts, summed over phases, against both
// MariaDB's counters and Weir's.
func checkCountersFromUpstream(t testing.TB, db *sql.DB, e *weir.Engine, per map[int]int64) {
	t.Helper()
	for w, n := range per {
		var got int64
		if err := db.QueryRow("SELECT n FROM counters WHERE writer = ?", w).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("writer %d: mariadb's counter %d, the writers committed %d", w, got, n)
		}
	}
	checkCounters(t, e, per)
}

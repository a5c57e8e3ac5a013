package replication

import (
	"context"
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
		return New(e, Config{URL: url, StatusInterval: 50 * time.Millisecond, Logger: zap.NewNop()})
	})
}

// startChild runs a mirroring child process on dir and waits until it streams.
func startChild(t *testing.T, dir, url string) *exec.Cmd {
	t.Helper()
	return mirrortest.StartChild(t, "TestMirrorChild", dir, url)
}

// TestMirrorSurvivesKill9: a mirroring process is SIGKILLed three times while the upstream
// takes writes; each restart resumes from the stored position. Once the writes stop, a
// last start resumes again without a fresh copy and converges to PostgreSQL's answer, with
// no change applied twice (no insert found its key taken).
func TestMirrorSurvivesKill9(t *testing.T) {
	_, dsn, db := newUpstream(t)
	ctx := context.Background()
	dir := t.TempDir()

	child := startChild(t, dir, dsn)
	stop := make(chan struct{})
	commits, wait := writeLoad(t, ctx, db, 4, stop)
	var stopOnce sync.Once
	stopWriters := func() { stopOnce.Do(func() { close(stop); wait() }) }
	defer stopWriters()
	for round := 1; round <= 3; round++ {
		commits.WaitFor(commits.Load()+300, stop)
		_ = child.Process.Kill()
		_ = child.Wait()
		if round < 3 {
			child = startChild(t, dir, dsn)
		}
	}
	stopWriters()
	if t.Failed() {
		return
	}

	m := startMirror(t, dir, dsn)
	registerCaches(t, m.e)
	compareWithUpstream(t, ctx, db, m.e)
	st := m.rep.Status()
	if st.Snapshots != 0 {
		t.Errorf("the restart took a fresh copy (%d) instead of resuming: %s", st.Snapshots, st.LastError)
	}
	if n := m.e.Mirror().Replaced(); n != 0 {
		t.Errorf("%d inserts found their key taken: a change was applied twice", n)
	}
	t.Logf("%d upstream commits over 3 kills; the last start resumed and applied %d transactions", commits.Load(), st.Transactions)
}

// TestMirrorSurvivesUpstreamRestartAndCutConnections: PostgreSQL restarts mid-stream, and the
// replication connection is cut three times while writes flow; the mirror reconnects,
// resumes and converges, with no fresh copy and no change applied twice.
func TestMirrorSurvivesUpstreamRestartAndCutConnections(t *testing.T) {
	pg, dsn, db := newUpstream(t)
	ctx := context.Background()
	m := startMirror(t, t.TempDir(), dsn)
	registerCaches(t, m.e)

	phase := func(n int64, during func()) {
		t.Helper()
		stop := make(chan struct{})
		commits, wait := writeLoad(t, ctx, db, 4, stop)
		var once sync.Once
		end := func() { once.Do(func() { close(stop); wait() }) }
		defer end()
		commits.WaitFor(n/2, stop)
		if during != nil {
			during()
		}
		commits.WaitFor(n, stop)
	}

	// Cut the replication connection while writes flow.
	for range 3 {
		phase(400, func() {
			// Cut the walsender of the current stream, once one runs: after the previous
			// cut, the replicator takes a moment (its backoff) to reconnect. Each try is a
			// query on PostgreSQL, bounded by a deadline.
			deadline := time.Now().Add(time.Minute)
			for {
				var n int
				if err := db.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_replication WHERE application_name = 'weir'").Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n == 1 {
					return
				}
				if n > 1 || time.Now().After(deadline) {
					t.Fatalf("terminated %d replication connections, want 1", n)
				}
			}
		})
	}
	compareWithUpstream(t, ctx, db, m.e)

	// Restart PostgreSQL between two write phases; the pool reconnects by itself.
	phase(300, nil)
	db.Reset()
	pg.Restart(t)
	phase(300, nil)
	compareWithUpstream(t, ctx, db, m.e)

	st := m.rep.Status()
	if st.Snapshots != 1 {
		t.Errorf("%d copies: a reconnect took a fresh copy instead of resuming (%s)", st.Snapshots, st.LastError)
	}
	if n := m.e.Mirror().Replaced(); n != 0 {
		t.Errorf("%d inserts found their key taken: a change was applied twice", n)
	}
	t.Logf("applied %d transactions across 3 cut connections and an upstream restart", st.Transactions)
}

// TestLostSlotTakesFreshCopy: the slot disappears while Weir is stopped (an operator dropped
// it, or PostgreSQL was restored from a backup); the next start cannot resume, says so, and
// copies the tables again, converging to PostgreSQL's answer.
func TestLostSlotTakesFreshCopy(t *testing.T) {
	_, dsn, db := newUpstream(t)
	ctx := context.Background()
	dir := t.TempDir()
	m := startMirror(t, dir, dsn)
	registerCaches(t, m.e)
	m.stop()

	// PostgreSQL marks the slot inactive once its walsender has seen the connection close,
	// which may come a moment after the mirror stopped: until then the slot cannot be
	// dropped (55006).
	deadline := time.Now().Add(30 * time.Second)
	for {
		var active bool
		err := db.QueryRow(ctx, "SELECT active FROM pg_replication_slots WHERE slot_name = 'weir'").Scan(&active)
		if err != nil {
			t.Fatalf("reading the slot: %v", err)
		}
		if !active {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slot was still active 30 s after the mirror stopped")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mustPG(t, ctx, db, "SELECT pg_drop_replication_slot('weir')")
	mustPG(t, ctx, db, "UPDATE stories SET title = 'after the slot was lost' WHERE id <= 10")
	mustPG(t, ctx, db, "DELETE FROM votes WHERE story_id = 20")

	m = startMirror(t, dir, dsn)
	if st := m.rep.Status(); st.Snapshots != 1 {
		t.Fatalf("%d copies after the slot was lost, want 1", st.Snapshots)
	}
	for _, name := range []string{"story_votes", "author_scores", "user_votes"} {
		if _, err := m.e.View(name); err != nil {
			t.Fatalf("cache %s did not survive the fresh copy: %v", name, err)
		}
	}
	compareWithUpstream(t, ctx, db, m.e)
}

package replstate

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestWaitSnapshotsWakesOnEachCopy(t *testing.T) {
	var c Counters
	woke := make(chan error, 1)
	go func() { woke <- c.WaitSnapshots(context.Background(), 2) }()
	c.SnapshotDone()
	select {
	case err := <-woke:
		t.Fatalf("returned after one copy of two: %v", err)
	default:
	}
	c.SnapshotDone()
	select {
	case err := <-woke:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the waiter was not woken by the second copy")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.WaitSnapshots(ctx, 3); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait returned %v", err)
	}
}

func TestCommonSnapshottingDuringARecopy(t *testing.T) {
	var c Counters
	ready := make(chan struct{})
	c.SnapshotTotal.Store(10)
	c.Snapshots.Add(1)
	if !c.Common(ready, 0).Snapshotting {
		t.Fatal("the initial copy is not reported")
	}
	c.SnapshotDone()
	close(ready)
	if c.Common(ready, 0).Snapshotting {
		t.Fatal("a finished copy is still reported")
	}
	c.Snapshots.Add(1)
	if !c.Common(ready, 0).Snapshotting {
		t.Fatal("a fresh copy after the stream started is not reported")
	}
}

func TestCommonLagOnlyWhileBehind(t *testing.T) {
	var c Counters
	c.LastCommit.Store(time.Now().Add(-time.Hour).UnixNano())
	c.ServerEnd.Store(100)
	if lag := c.Common(nil, 100).LagSeconds; lag != 0 {
		t.Fatalf("caught up, lag %v", lag)
	}
	if lag := c.Common(nil, 50).LagSeconds; lag < 3000 {
		t.Fatalf("behind by an hour-old commit, lag %v", lag)
	}
	c.SetLastError("connection reset")
	if got := c.Common(nil, 0).LastError; got != "connection reset" {
		t.Fatalf("last error %q", got)
	}
}

func TestRowsOrder(t *testing.T) {
	rows := Rows(Common{Connected: true, Transactions: 3}, [][2]string{{"Weir_replication_applied_lsn", "0/10"}}, [][2]string{{"Weir_replication_ddl", "1"}})
	var names []string
	for _, r := range rows {
		names = append(names, r[0])
	}
	want := []string{"Weir_replication_connected", "Weir_replication_snapshotting", "Weir_replication_snapshot_rows",
		"Weir_replication_snapshot_rows_estimate", "Weir_replication_snapshots", "Weir_replication_applied_lsn",
		"Weir_replication_lag_seconds", "Weir_replication_transactions", "Weir_replication_changes",
		"Weir_replication_ddl", "Weir_replication_last_error"}
	if len(names) != len(want) {
		t.Fatalf("rows %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("rows %v, want %v", names, want)
		}
	}
	if rows[0][1] != "ON" || rows[7][1] != "3" {
		t.Fatalf("values %v", rows)
	}
}

func TestRegisterRejectsADuplicate(t *testing.T) {
	reg := prometheus.NewRegistry()
	common := func() Common { return Common{} }
	if err := Register(reg, common, "a lost slot"); err != nil {
		t.Fatal(err)
	}
	if err := Register(reg, common, "a lost slot"); err == nil {
		t.Fatal("registering the same metrics twice succeeded")
	}
}

// A position becomes durable only once its wait returns, in the order added, and never
// after a wait has failed.
func TestDurabilityInOrderAndStopsAtAFailure(t *testing.T) {
	var durable atomic.Uint64
	d := StartDurability(&durable)
	release := make(chan struct{})
	ctx := context.Background()
	if err := d.Add(ctx, 10, func() error { <-release; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := d.Add(ctx, 20, nil); err != nil {
		t.Fatal(err)
	}
	if got := durable.Load(); got != 0 {
		t.Fatalf("durable %d before the first fsync returned", got)
	}
	close(release)
	boom := errors.New("fsync failed")
	if err := d.Add(ctx, 30, func() error { return boom }); err != nil {
		t.Fatal(err)
	}
	if err := d.Add(ctx, 40, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.Stop(); !errors.Is(err, boom) {
		t.Fatalf("Stop returned %v", err)
	}
	if got := durable.Load(); got != 20 {
		t.Fatalf("durable %d, want 20: the failed wait's position and those after it are not durable", got)
	}
}

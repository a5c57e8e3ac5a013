package bench

import (
	"context"
	"testing"
	"time"
)

func TestRunDurable(t *testing.T) {
	for _, inproc := range []bool{true, false} {
		rep, err := RunDurable(context.Background(), DurableConfig{
			Writers: []int{1, 8}, Duration: 150 * time.Millisecond, RowsPerStatement: 3, Inproc: inproc, Dir: t.TempDir(),
		}, nil)
		if err != nil {
			t.Fatalf("inproc=%v: %v", inproc, err)
		}
		if len(rep.Points) != 2 {
			t.Fatalf("inproc=%v: %d points", inproc, len(rep.Points))
		}
		for _, p := range rep.Points {
			if p.Statements == 0 || p.Rows != 3*p.Statements || p.RowsPerSec <= 0 {
				t.Errorf("inproc=%v, %d writers: %+v", inproc, p.Writers, p)
			}
			// Under --sync=always every acknowledged statement was fsynced: some fsync
			// covered it, and no statement was committed without one.
			if p.Fsyncs == 0 || p.Commits < uint64(p.Statements) {
				t.Errorf("inproc=%v, %d writers: %d fsyncs and %d commits for %d statements", inproc, p.Writers, p.Fsyncs, p.Commits, p.Statements)
			}
		}
	}
	if _, err := RunDurable(context.Background(), DurableConfig{Sync: "sometimes"}, nil); err == nil {
		t.Error("a bad sync mode was accepted")
	}
}

func TestRunRestart(t *testing.T) {
	rep, err := RunRestart(context.Background(), RestartConfig{Rows: 5003, BatchRows: 500, Dir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.DiskBytes <= 0 || rep.ValueBytes <= 0 || rep.OpenTime <= 0 {
		t.Fatalf("%+v", rep)
	}
}

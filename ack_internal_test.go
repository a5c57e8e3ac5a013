package weir

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/tables"
)

// TestReadDoesNotWaitForAnUnacknowledgedWrite: a read waits for the writes acknowledged
// before it began, not for one still being applied, whose writer has not been answered: a
// read that must not wait (a server's poller) is answered then, with the rows before the
// write. Once the write is acknowledged, every read sees it.
func TestReadDoesNotWaitForAnUnacknowledgedWrite(t *testing.T) {
	ctx := context.Background()
	e, err := Open(Options{MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)",
		"INSERT INTO t VALUES (1, 10)",
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	st, err := e.PrepareContext(ctx, "SELECT v FROM t WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	read := func(ctx context.Context) (string, error) {
		rows, err := st.QueryValues(ctx, dataflow.Int(1))
		if err != nil {
			return "", err
		}
		if rows.Len() != 1 {
			return "", fmt.Errorf("%d rows", rows.Len())
		}
		return fmt.Sprint(rows.Row(0)), nil
	}
	if got, err := read(ctx); err != nil || got != "[10]" {
		t.Fatalf("first read: %s, %v", got, err)
	}
	tbl := e.tables["t"]
	var during string
	var duringErr error
	_, _, err = e.apply(ctx, false, func() ([]*tables.Writer, error) {
		w := tables.NewWriter(tbl, nil)
		err := w.Mirror(&tables.Change{Op: tables.Update, Old: dataflow.Row{dataflow.Int(1), dataflow.Int(10)},
			New: dataflow.Row{dataflow.Int(1), dataflow.Int(11)}})
		return []*tables.Writer{w}, err
	}, func(ws []*tables.Writer, tok uint64) (func() error, error) {
		return e.persistWrite(ws, tok, nil)
	}, func() {
		// In the base domain, after the write took its token and before its writer is
		// answered: no domain has applied it yet.
		during, duringErr = read(WithoutWaiting(ctx))
	})
	if err != nil {
		t.Fatal(err)
	}
	if duringErr != nil || during != "[10]" {
		t.Fatalf("a read under WithoutWaiting while a write was unacknowledged: %s, %v; want [10]", during, duringErr)
	}
	if got, err := read(ctx); err != nil || got != "[11]" {
		t.Fatalf("a read after the write was acknowledged: %s, %v; want [11]", got, err)
	}
	if got, err := read(WithoutWaiting(ctx)); err != nil && !errors.Is(err, ErrWouldWait) || err == nil && got != "[11]" {
		t.Fatalf("a read under WithoutWaiting after the write was acknowledged: %s, %v; want [11] or ErrWouldWait", got, err)
	}
}

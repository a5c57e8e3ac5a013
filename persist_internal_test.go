package weir

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/weirdb/weir/storage"
)

// TestWriteRefusedByStoreIsRolledBack: a write the durable store does not take (here the
// store is closed under the engine, as a failed disk would leave it) is refused and taken
// back, so neither the base table nor a view shows it and nothing on disk is missing from
// memory.
func TestWriteRefusedByStoreIsRolledBack(t *testing.T) {
	ctx := context.Background()
	e, err := Open(Options{Dir: t.TempDir(), MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT NOT NULL)",
		"INSERT INTO t (v) VALUES (10), (20)",
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	sum := func() string {
		t.Helper()
		rows, err := e.Query(ctx, "SELECT COUNT(*), SUM(v) FROM t")
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(rows.Row(0))
	}
	before := sum()
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO t (v) VALUES (30)",
		"UPDATE t SET v = v + 1",
		"DELETE FROM t WHERE id = 1",
	} {
		if _, err := e.Exec(ctx, q); !errors.Is(err, storage.ErrClosed) {
			t.Fatalf("%s on a closed store: %v, want storage.ErrClosed", q, err)
		}
	}
	if after := sum(); after != before {
		t.Fatalf("a refused write shows: %s, before it %s", after, before)
	}
	var autoInc uint64
	if err := e.rt.Domains[0].Call(ctx, func() { autoInc = e.tables["t"].AutoInc }); err != nil {
		t.Fatal(err)
	}
	if autoInc != 3 {
		t.Fatalf("AUTO_INCREMENT is %d after a refused insert, want 3", autoInc)
	}
}

package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/servertest"
	"github.com/weirdb/weir/internal/testclock"
	"github.com/weirdb/weir/server"
)

// TestTimeWindowOverWire: a client's cached "last hour" query follows the engine's clock
// with no write, in text and prepared mode; NOW() in the select list is refused with 1235.
func TestTimeWindowOverWire(t *testing.T) {
	clock := testclock.At(time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC))
	e, _, addr := servertest.Start(t, weir.Options{MemoryLimit: -1, Clock: clock.Now, ManualClock: true}, server.Config{})
	ctx := context.Background()
	for _, interpolate := range []string{"true", "false"} {
		db := openDB(t, addr, "interpolateParams="+interpolate)
		table := "orders_" + interpolate
		if _, err := db.ExecContext(ctx, "CREATE TABLE "+table+" (id INT PRIMARY KEY, user_id INT NOT NULL, created_at DATETIME NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		// Written with the engine's clock: 09:00 minus 50 and 20 minutes, and now.
		if _, err := db.ExecContext(ctx, "INSERT INTO "+table+" VALUES (1, 7, NOW() - INTERVAL 50 MINUTE), (2, 7, NOW() - INTERVAL 20 MINUTE), (3, 8, NOW())"); err != nil {
			t.Fatal(err)
		}
		count := func(user int) int {
			t.Helper()
			var n int
			err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE created_at >= NOW() - INTERVAL 1 HOUR AND user_id = ?", user).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if got := count(7); got != 2 {
			t.Fatalf("%s: user 7 at 09:00: %d orders in the last hour, want 2", table, got)
		}
		clock.Set(clock.Now().Add(15 * time.Minute)) // order 1 (08:10) leaves at 09:10
		if err := e.AdvanceClock(ctx); err != nil {
			t.Fatal(err)
		}
		if got := count(7); got != 1 {
			t.Fatalf("%s: user 7 at 09:15: %d orders in the last hour, want 1", table, got)
		}
		if got := count(8); got != 1 {
			t.Fatalf("%s: user 8 at 09:15: %d orders in the last hour, want 1", table, got)
		}
		var x any
		err := db.QueryRowContext(ctx, "SELECT id, NOW() FROM "+table+" WHERE id = ?", 1).Scan(&x, &x)
		wantCode(t, err, 1235, "NOW() in the select list")
	}
}

package server_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/weirdb/weir/server"
)

// TestPolledReadSeesOwnWrite: connections that each update their own counter and read it
// back by a prepared statement, while other connections write meanwhile, always read their
// own last write: a read waits for every write acknowledged before it, on the poller (every
// connection goes back to it after each request) as on the connection's goroutine.
func TestPolledReadSeesOwnWrite(t *testing.T) {
	const (
		writers = 8
		rounds  = 200
	)
	_, _, addr := startServer(t, server.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := openDB(t, addr, "interpolateParams=false")
	db.SetMaxOpenConns(2 * writers)
	if _, err := db.ExecContext(ctx, "CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 * writers {
		if _, err := db.ExecContext(ctx, "INSERT INTO counter VALUES (?, 0)", i); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := range 2 * writers {
		wg.Go(func() {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			read, err := c.PrepareContext(ctx, "SELECT n FROM counter WHERE id = ?")
			if err != nil {
				t.Error(err)
				return
			}
			defer read.Close()
			for r := 1; r <= rounds; r++ {
				if _, err := c.ExecContext(ctx, "UPDATE counter SET n = ? WHERE id = ?", r, i); err != nil {
					t.Errorf("connection %d: %v", i, err)
					return
				}
				if i >= writers {
					continue // writes only: in flight while the others read
				}
				var n int
				if err := read.QueryRowContext(ctx, i).Scan(&n); err != nil {
					t.Errorf("connection %d: %v", i, err)
					return
				}
				if n != r {
					t.Errorf("connection %d read %d after its write of %d", i, n, r)
					return
				}
			}
		})
	}
	wg.Wait()
}

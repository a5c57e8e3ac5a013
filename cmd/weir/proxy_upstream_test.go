package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/servertest"
	"github.com/weirdb/weir/internal/testserver"
)

// proxyUpstream is a private MariaDB with a binary log and `weir serve --upstream
// mariadb://…` in front of it, following its binlog and proxying its listener.
type proxyUpstream struct {
	maria  *testserver.MariaDB
	direct *sql.DB // MariaDB's, database shop
	weir   *sql.DB // through Weir's listener, database shop
	addr   string  // Weir's MySQL listener
}

func startProxyUpstream(t *testing.T, setup []string, extraArgs ...string) *proxyUpstream {
	t.Helper()
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	direct, err := sql.Open("mysql", mdb.CreateDatabase(t, "shop"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })
	for _, q := range setup {
		if _, err := direct.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	addr, _, _ := startServe(t, append([]string{"--http", "", "--data-dir", t.TempDir(),
		"--upstream", "mariadb://root@" + mdb.Addr + "/shop", "--server-id", "4243"}, extraArgs...)...)
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/shop", addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &proxyUpstream{maria: mdb, direct: direct, weir: db, addr: addr}
}

// proxiedCount is how often SHOW PROXIED QUERIES says the shape was passed through, and
// why the last time.
func proxiedCount(t *testing.T, db *sql.DB, shape string) (int64, string) {
	t.Helper()
	rows, err := db.Query("SHOW PROXIED QUERIES")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, count int64
		var text, why, last string
		if err := rows.Scan(&id, &text, &count, &why, &last); err != nil {
			t.Fatal(err)
		}
		if text == shape {
			return count, why
		}
	}
	return 0, ""
}

// TestProxyUpstreamWriteThenRead: through weir serve --upstream mariadb://…, one connection
// updates a counter and then reads it through a cache, 1,000 times; every read sees the
// write (read-your-writes: the session's @@last_gtid, waited for in the binlog stream),
// and the cache, not the upstream, answers most of them.
func TestProxyUpstreamWriteThenRead(t *testing.T) {
	env := startProxyUpstream(t, []string{"CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)", "INSERT INTO counter VALUES (1, 0), (2, 0)"})
	ctx := context.Background()
	if _, err := env.weir.Exec("CREATE CACHE counter_by_id FROM SELECT n FROM counter WHERE id = ?"); err != nil {
		t.Fatal(err)
	}
	c, err := env.weir.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rounds := 1000
	if testing.Short() {
		rounds = 200
	}
	before := servertest.CacheReads(t, env.weir, "counter_by_id")
	for i := 1; i <= rounds; i++ {
		if _, err := c.ExecContext(ctx, "UPDATE counter SET n = ? WHERE id = 1", i); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := c.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != i {
			t.Fatalf("round %d: read %d after writing %d", i, n, i)
		}
	}
	served := servertest.CacheReads(t, env.weir, "counter_by_id") - before
	fellBack, why := proxiedCount(t, env.weir, "select `n` from `counter` where `id` = ?")
	t.Logf("%d rounds: %d reads from the cache, %d passed to the upstream (last: %q)", rounds, served, fellBack, why)
	if served+fellBack != int64(rounds) {
		t.Fatalf("%d reads from the cache and %d from the upstream, want %d in all", served, fellBack, rounds)
	}
	if served < int64(rounds)*9/10 {
		t.Fatalf("only %d of %d reads after a write came from the cache (%d passed through, last because %q)", served, rounds, fellBack, why)
	}
}

// TestProxyUpstreamMixedWorkload: through weir serve --upstream mariadb://…, with
// go-sql-driver and the mariadb client unchanged, caches of a keyed read and of a
// join with aggregates (one made from the mariadb client) serve concurrent sessions that
// also run proxied reads (an uncached shape, a table Weir does not mirror), writes and
// transactions, committed and rolled back. Each session owns some items: its reads of
// them, cached or not, must equal what it wrote (read-your-writes); its reads of the
// others' items must never go back in time (prices only rise). Once the writers stop and
// Weir has applied MariaDB's last GTID, every cached answer equals MariaDB's, and the
// caches, not the upstream, answered most cached-shape reads.
func TestProxyUpstreamMixedWorkload(t *testing.T) {
	const workers, perWorker = 6, 5
	items := workers * perWorker
	env := startProxyUpstream(t, []string{
		"CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, price INT NOT NULL)",
		"CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, item_id INT NOT NULL, qty INT NOT NULL)",
		"CREATE TABLE notes (id INT PRIMARY KEY AUTO_INCREMENT, worker INT NOT NULL, body VARCHAR(40))",
		fmt.Sprintf("INSERT INTO items WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) SELECT i, CONCAT('item ', i), 100 FROM s", items),
		"INSERT INTO orders (item_id, qty) VALUES (1, 2), (1, 3), (2, 5)",
	}, "--tables", "items,orders")
	ctx := context.Background()
	const byID = "SELECT name, price FROM items WHERE id = ?"
	const sales = "SELECT i.name, COUNT(*) AS n, SUM(o.qty) AS total FROM items i JOIN orders o ON o.item_id = i.id WHERE i.id = ? GROUP BY i.id, i.name"
	if _, err := env.weir.Exec("CREATE CACHE items_by_id FROM " + byID); err != nil {
		t.Fatal(err)
	}
	cli := mariadbCLI(t, env)
	if out := cli("CREATE CACHE item_sales FROM " + sales + ";\nSHOW CACHES;\n"); !strings.Contains(out, "item_sales") {
		t.Fatalf("CREATE CACHE from the mariadb client:\n%s", out)
	}

	ops := 150
	if testing.Short() {
		ops = 50
	}
	errs := make(chan error, workers)
	for w := range workers {
		go func() { errs <- mixedWorker(ctx, env.weir, w, perWorker, items, ops) }()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	// Quiescent: Weir has applied MariaDB's last GTID (SHOW STATUS through the proxy is
	// Weir's), and then every cached answer must be MariaDB's.
	var gtid string
	if err := env.direct.QueryRow("SELECT @@gtid_binlog_pos").Scan(&gtid); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var name, applied string
		if err := env.weir.QueryRow("SHOW STATUS LIKE 'Weir_replication_applied_gtid'").Scan(&name, &applied); err != nil {
			t.Fatal(err)
		}
		if applied == gtid {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Weir applied GTID %s, MariaDB is at %s", applied, gtid)
		}
		time.Sleep(10 * time.Millisecond) // polling a status with a deadline, not waiting for the engine
	}
	beforeByID, beforeSales := servertest.CacheReads(t, env.weir, "items_by_id"), servertest.CacheReads(t, env.weir, "item_sales")
	for id := 1; id <= items; id++ {
		for _, q := range []string{byID, sales} {
			got, want := rowsText(t, env.weir, q, id), rowsText(t, env.direct, q, id)
			if got != want {
				t.Fatalf("%s [%d]: Weir %q, MariaDB %q", q, id, got, want)
			}
		}
	}
	if n := servertest.CacheReads(t, env.weir, "items_by_id") - beforeByID; n != int64(items) {
		t.Fatalf("items_by_id served %d of the %d quiescent reads; SHOW CACHES:\n%s", n, items, rowsText(t, env.weir, "SHOW CACHES"))
	}
	if n := servertest.CacheReads(t, env.weir, "item_sales") - beforeSales; n != int64(items) {
		t.Fatalf("item_sales served %d of the %d quiescent reads", n, items)
	}
	// The mariadb client prints the same through Weir as from MariaDB.
	script := "SELECT name, price FROM items WHERE id = 3;\nSELECT i.name, COUNT(*) AS n, SUM(o.qty) AS total FROM items i JOIN orders o ON o.item_id = i.id WHERE i.id = 1 GROUP BY i.id, i.name;\nSELECT COUNT(*) FROM notes;\n"
	if got, want := cli(script), mariadbCLIAt(t, env.maria.Addr)(script); got != want {
		t.Fatalf("mariadb client through Weir:\n%s\nfrom MariaDB:\n%s", got, want)
	}

	// Cached-shape reads during the run: most came from the caches.
	var served, passed int64
	for _, c := range []struct{ name, shape string }{
		{"items_by_id", "select `name` , `price` from `items` where `id` = ?"},
		{"item_sales", "select `i` . `name` , count ( * ) as `n` , sum ( `o` . `qty` ) as `total` from `items` `i` join `orders` `o` on `o` . `item_id` = `i` . `id` where `i` . `id` = ? group by `i` . `id` , `i` . `name`"},
	} {
		served += servertest.CacheReads(t, env.weir, c.name)
		n, why := proxiedCount(t, env.weir, c.shape)
		passed += n
		t.Logf("%s: %d reads from the cache, %d passed to the upstream (last because %q)", c.name, servertest.CacheReads(t, env.weir, c.name), n, why)
	}
	if served < 2*passed {
		t.Fatalf("the caches served %d cached-shape reads, the upstream %d", served, passed)
	}
}

// mixedWorker is one session of TestProxyUpstreamMixedWorkload. It owns items
// w*perWorker+1 … (w+1)*perWorker: only it changes their prices and orders.
func mixedWorker(ctx context.Context, db *sql.DB, w, perWorker, items, ops int) (err error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	price := map[int]int{} // the owned items' prices
	// The owned items' committed orders (count, sum of qty); the table starts with
	// orders of items 1 and 2.
	orders := map[int][2]int{1: {2, 5}, 2: {1, 5}}
	seen := map[int]int{} // the highest price read of every item, which must never fall
	notes := 0
	own := func(i int) int { return w*perWorker + 1 + i%perWorker }
	readItem := func(id int, literal bool) (int, error) {
		var name string
		var p int
		var err error
		if literal {
			err = c.QueryRowContext(ctx, fmt.Sprintf("SELECT name, price FROM items WHERE id = %d", id)).Scan(&name, &p)
		} else {
			err = c.QueryRowContext(ctx, "SELECT name, price FROM items WHERE id = ?", id).Scan(&name, &p)
		}
		if err != nil {
			return 0, fmt.Errorf("worker %d, item %d: %w", w, id, err)
		}
		if name != fmt.Sprintf("item %d", id) {
			return 0, fmt.Errorf("worker %d, item %d: name %q", w, id, name)
		}
		if p < seen[id] {
			return 0, fmt.Errorf("worker %d read item %d's price %d after %d: back in time", w, id, p, seen[id])
		}
		seen[id] = p
		return p, nil
	}
	wantPrice := func(id int) int {
		if p, ok := price[id]; ok {
			return p
		}
		return 100
	}
	for i := range ops {
		id := own(i)
		switch i % 7 {
		case 0, 1: // cached read of an owned item: exactly what this session wrote
			p, err := readItem(id, i%2 == 0)
			if err != nil {
				return err
			}
			if p != wantPrice(id) {
				return fmt.Errorf("worker %d, op %d: item %d's price %d, wrote %d", w, i, id, p, wantPrice(id))
			}
		case 2: // cached read of anyone's item: never back in time
			if _, err := readItem(1+(i*7+w)%items, false); err != nil {
				return err
			}
		case 3: // cached join with aggregates over an owned item
			var name string
			var n, total int
			err := c.QueryRowContext(ctx, "SELECT i.name, COUNT(*) AS n, SUM(o.qty) AS total FROM items i JOIN orders o ON o.item_id = i.id WHERE i.id = ? GROUP BY i.id, i.name", id).Scan(&name, &n, &total)
			if errors.Is(err, sql.ErrNoRows) {
				err = nil
			}
			if err != nil {
				return fmt.Errorf("worker %d, sales of item %d: %w", w, id, err)
			}
			if [2]int{n, total} != orders[id] {
				return fmt.Errorf("worker %d, op %d: item %d has %d orders of %d, committed %v", w, i, id, n, total, orders[id])
			}
		case 4: // proxied reads: an uncached shape, and a table Weir does not mirror
			lo, hi := own(0), own(perWorker-1)
			var n, total int
			if err := c.QueryRowContext(ctx, "SELECT COUNT(*), IFNULL(SUM(qty), 0) FROM orders WHERE item_id BETWEEN ? AND ?", lo, hi).Scan(&n, &total); err != nil {
				return err
			}
			var wn, wt int
			for j := lo; j <= hi; j++ {
				wn, wt = wn+orders[j][0], wt+orders[j][1]
			}
			if n != wn || total != wt {
				return fmt.Errorf("worker %d, op %d: its items have %d orders of %d, committed %d of %d", w, i, n, total, wn, wt)
			}
			if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM notes WHERE worker = ?", w).Scan(&n); err != nil {
				return err
			}
			if n != notes {
				return fmt.Errorf("worker %d, op %d: %d notes, committed %d", w, i, n, notes)
			}
		case 5: // writes, autocommitted
			if _, err := c.ExecContext(ctx, "UPDATE items SET price = price + 1 WHERE id = ?", id); err != nil {
				return err
			}
			price[id] = wantPrice(id) + 1
			if _, err := c.ExecContext(ctx, "INSERT INTO orders (item_id, qty) VALUES (?, ?)", id, i); err != nil {
				return err
			}
			orders[id] = [2]int{orders[id][0] + 1, orders[id][1] + i}
		case 6: // a transaction over both tables and an unmirrored one, committed every other time
			if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
				return err
			}
			stmts := []string{
				fmt.Sprintf("UPDATE items SET price = price + 2 WHERE id = %d", id),
				fmt.Sprintf("INSERT INTO orders (item_id, qty) VALUES (%d, 7)", id),
				fmt.Sprintf("INSERT INTO notes (worker, body) VALUES (%d, 'op %d')", w, i),
			}
			for _, s := range stmts {
				if _, err := c.ExecContext(ctx, s); err != nil {
					return err
				}
			}
			// Inside the transaction the upstream answers, uncommitted changes included.
			var p int
			var name string
			if err := c.QueryRowContext(ctx, "SELECT name, price FROM items WHERE id = ?", id).Scan(&name, &p); err != nil {
				return err
			}
			if p != wantPrice(id)+2 {
				return fmt.Errorf("worker %d, op %d: in a transaction item %d's price is %d, want %d", w, i, id, p, wantPrice(id)+2)
			}
			if (i/7)%2 == 0 {
				if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
					return err
				}
				price[id] = wantPrice(id) + 2
				orders[id] = [2]int{orders[id][0] + 1, orders[id][1] + 7}
				notes++
			} else if _, err := c.ExecContext(ctx, "ROLLBACK"); err != nil {
				return err
			}
		}
	}
	return nil
}

// rowsText is a statement's rows as text, one line a row.
func rowsText(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	fmt.Fprintln(&b, cols)
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mariadbCLI runs the mariadb client through Weir, in database shop.
func mariadbCLI(t *testing.T, env *proxyUpstream) func(script string) string {
	return mariadbCLIAt(t, env.addr)
}

func mariadbCLIAt(t *testing.T, addr string) func(script string) string {
	t.Helper()
	cli := testserver.RequireAnyBinary(t, "mariadb", "mysql")
	return func(script string) string {
		host, port, _ := strings.Cut(addr, ":")
		cmd := exec.Command(cli, "--no-defaults", "-h", host, "-P", port, "-u", "root", "--batch", "shop")
		cmd.Stdin = strings.NewReader(script)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mariadb client: %v\n%s", err, out)
		}
		return string(out)
	}
}

// TestProxyUpstreamSessionWrites: through weir serve --upstream mariadb://…, a session
// whose writes failed (so it has no GTID of its own) still reads from the caches; and a
// session that creates and fills a table upstream can cache it at once: CREATE CACHE
// waits, as a read does, until Weir has followed the session's DDL and writes.
func TestProxyUpstreamSessionWrites(t *testing.T) {
	env := startProxyUpstream(t, []string{"CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)", "INSERT INTO counter VALUES (1, 7)"})
	ctx := context.Background()
	c, err := env.weir.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "INSERT INTO counter VALUES (1, 0)"); err == nil || !strings.Contains(err.Error(), "1062") {
		t.Fatalf("a duplicate key through the proxy: %v, want MariaDB's error 1062", err)
	}
	if _, err := c.ExecContext(ctx, "CREATE CACHE counter_by_id FROM SELECT n FROM counter WHERE id = ?"); err != nil {
		t.Fatal(err)
	}
	const reads = 20
	for range reads {
		var n int
		if err := c.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil || n != 7 {
			t.Fatalf("counter 1: %d, %v", n, err)
		}
	}
	if served := servertest.CacheReads(t, env.weir, "counter_by_id"); served != reads {
		n, why := proxiedCount(t, env.weir, "select `n` from `counter` where `id` = ?")
		t.Fatalf("after a failed write, the cache served %d of %d reads (%d passed through, last because %q)", served, reads, n, why)
	}

	for _, q := range []string{
		"CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(20) NOT NULL)",
		"INSERT INTO tags VALUES (1, 'red'), (2, 'blue')",
		"CREATE CACHE tag_by_id FROM SELECT label FROM tags WHERE id = ?",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var label string
	if err := c.QueryRowContext(ctx, "SELECT label FROM tags WHERE id = 2").Scan(&label); err != nil || label != "blue" {
		t.Fatalf("tag 2: %q, %v", label, err)
	}
	if served := servertest.CacheReads(t, env.weir, "tag_by_id"); served != 1 {
		t.Fatalf("tag_by_id served %d reads, want 1", served)
	}
}

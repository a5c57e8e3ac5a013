package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/weirdb/weir/internal/testserver"
)

// pgProxy is a private PostgreSQL and `weir serve --upstream postgres://…` in front of it,
// mirroring its tables and proxying the PostgreSQL listener.
type pgProxy struct {
	pg     *testserver.Postgres
	direct string // PostgreSQL's DSN, database shop
	weir   string // the DSN of Weir's PostgreSQL listener, database shop
	port   string
}

func startPGProxy(t *testing.T, setup []string, extraArgs ...string) *pgProxy {
	t.Helper()
	pg := testserver.StartPostgres(t)
	dsn := pg.CreateDatabase(t, "shop")
	ctx := context.Background()
	up, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range setup {
		if _, err := up.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	up.Close(ctx)
	pgAddr := freePort(t)
	startServe(t, append([]string{"--http", "", "--pg-listen", pgAddr, "--data-dir", t.TempDir(), "--upstream", dsn}, extraArgs...)...)
	port := pgAddr[strings.LastIndexByte(pgAddr, ':')+1:]
	return &pgProxy{pg: pg, direct: dsn, weir: "postgres://root@" + pgAddr + "/shop?sslmode=disable", port: port}
}

func (p *pgProxy) connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// served is what SHOW CACHES reports Weir answered through the cache called name.
func served(t *testing.T, c *pgx.Conn, name string) int64 {
	t.Helper()
	rows, err := c.Query(context.Background(), "SHOW CACHES", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int64 = -1
	for rows.Next() {
		var cname, query string
		var count int64
		if err := rows.Scan(&cname, &query, &count); err != nil {
			t.Fatal(err)
		}
		if cname == name {
			n = count
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 0 {
		t.Fatalf("SHOW CACHES lists no cache %s", name)
	}
	return n
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

var pgProxySetup = []string{
	"CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2), stock int NOT NULL DEFAULT 0)",
	"INSERT INTO products SELECT i, 'product ' || i, i * 1.5, i FROM generate_series(1, 100) i",
}

// TestPGProxyPgx runs pgx through Weir's PostgreSQL listener in front of PostgreSQL: a
// cached read answered by Weir, a proxied read, writes read back from the cache at once
// (read-your-writes by LSN), a transaction, errors with their SQLSTATEs, COPY both ways and
// LISTEN/NOTIFY.
func TestPGProxyPgx(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	ctx := context.Background()
	c := p.connect(t, p.weir)
	if _, err := c.Exec(ctx, "CREATE CACHE product FROM SELECT name, price, stock FROM products WHERE id = $1"); err != nil {
		t.Fatal(err)
	}
	before := served(t, c, "product")
	var name, price string
	var stock int
	if err := c.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", 10).Scan(&name, &price, &stock); err != nil || name != "product 10" || price != "15.00" || stock != 10 {
		t.Fatalf("cached read: %q %q %d %v", name, price, stock, err)
	}
	if after := served(t, c, "product"); after != before+1 {
		t.Fatalf("cached read: SHOW CACHES counts %d reads, want %d", after, before+1)
	}
	// A query of another shape is the upstream's.
	var n int64
	if err := c.QueryRow(ctx, "SELECT count(*) FROM products WHERE stock > $1", 50).Scan(&n); err != nil || n != 50 {
		t.Fatalf("proxied read: %d %v", n, err)
	}
	if after := served(t, c, "product"); after != before+1 {
		t.Fatalf("a proxied read counted as the cache's (%d)", after)
	}
	// Writes, then reads from the cache that must see them, every time.
	const rounds = 200
	for i := range rounds {
		id := 1 + i%100
		if _, err := c.Exec(ctx, "UPDATE products SET stock = $1 WHERE id = $2", 1000+i, id); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", id).Scan(&name, &price, &stock); err != nil {
			t.Fatal(err)
		}
		if stock != 1000+i {
			t.Fatalf("round %d: read stock %d after writing %d: stale", i, stock, 1000+i)
		}
	}
	if got := served(t, c, "product"); got < before+1+rounds*9/10 {
		t.Fatalf("of %d reads after writes, Weir answered %d: read-your-writes fell back to the upstream", rounds, got-before-1)
	}
	// RETURNING and command tags come from the upstream.
	var ret int
	if err := c.QueryRow(ctx, "INSERT INTO products VALUES (101, 'new', 1.00, 7) RETURNING stock").Scan(&ret); err != nil || ret != 7 {
		t.Fatalf("INSERT … RETURNING: %d %v", ret, err)
	}
	tag, err := c.Exec(ctx, "DELETE FROM products WHERE id > $1", 100)
	if err != nil || tag.String() != "DELETE 1" {
		t.Fatalf("DELETE: %q %v", tag, err)
	}
	// A transaction: every statement, reads of cached shapes included, is the upstream's.
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE products SET stock = 5 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	inTx := served(t, c, "product")
	if err := tx.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", 1).Scan(&name, &price, &stock); err != nil || stock != 5 {
		t.Fatalf("read in a transaction: %d %v", stock, err)
	}
	if got := served(t, c, "product"); got != inTx {
		t.Fatal("a read inside a transaction was answered by Weir")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SELECT name, price, stock FROM products WHERE id = $1", 1).Scan(&name, &price, &stock); err != nil || stock == 5 {
		t.Fatalf("after ROLLBACK: %d %v", stock, err)
	}
	// Errors carry the upstream's SQLSTATE.
	if _, err := c.Exec(ctx, "INSERT INTO products VALUES (1, 'dup', 1, 1)"); sqlState(err) != "23505" {
		t.Fatalf("duplicate key: %v, want 23505", err)
	}
	if _, err := c.Exec(ctx, "SELECT * FROM nope"); sqlState(err) != "42P01" {
		t.Fatalf("unknown table: %v, want 42P01", err)
	}
	// COPY in and out.
	copied, err := c.CopyFrom(ctx, pgx.Identifier{"products"}, []string{"id", "name", "price", "stock"},
		pgx.CopyFromRows([][]any{{201, "copied a", "2.50", 3}, {202, "copied b", nil, 4}}))
	if err != nil || copied != 2 {
		t.Fatalf("COPY FROM: %d %v", copied, err)
	}
	var out strings.Builder
	if _, err := c.PgConn().CopyTo(ctx, &out, "COPY (SELECT id, name FROM products WHERE id > 200 ORDER BY id) TO STDOUT"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "201\tcopied a\n202\tcopied b\n" {
		t.Fatalf("COPY TO: %q", out.String())
	}
	// LISTEN/NOTIFY: a notification reaches the listening session by its next reply.
	if _, err := c.Exec(ctx, "LISTEN stock_changed"); err != nil {
		t.Fatal(err)
	}
	other := p.connect(t, p.weir)
	if _, err := other.Exec(ctx, "NOTIFY stock_changed, 'id 7'"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	note, err := c.WaitForNotification(wctx)
	if err != nil || note.Channel != "stock_changed" || note.Payload != "id 7" {
		t.Fatalf("notification: %+v %v", note, err)
	}
}

// TestPGProxyPassThrough runs a range of statements through Weir's proxy and directly on
// PostgreSQL (two databases set up alike) and compares what the client sees: columns with
// their types, rows, command tags, notices and errors with their SQLSTATEs, in the simple
// and the extended protocol.
func TestPGProxyPassThrough(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	ctx := context.Background()
	refDSN := p.pg.CreateDatabase(t, "ref")
	ref := p.connect(t, refDSN)
	for _, q := range pgProxySetup {
		if _, err := ref.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	viaWeir := p.connect(t, p.weir)
	direct := p.connect(t, refDSN+"&timezone=UTC")
	simple := []string{
		"SELECT id, name, price, stock FROM products WHERE id <= 3 ORDER BY id",
		"SELECT 1::int2 AS a, 2::int8 AS b, 1.5::float8 AS c, true AS d, 'x'::varchar(3) AS e, '\\x01ff'::bytea AS f, DATE '2024-02-29' AS g, TIMESTAMPTZ '2024-01-01 12:00:00+02' AS h, '{1,2}'::int[] AS i, '{\"a\": 1}'::jsonb AS j, NULL::text AS k",
		"SELECT name FROM products WHERE price > 140 ORDER BY name",
		"INSERT INTO products VALUES (500, 'five hundred', 5.00, 5) RETURNING id, name",
		"UPDATE products SET stock = stock + 1 WHERE id < 5",
		"DELETE FROM products WHERE id = 500",
		"CREATE TABLE notes (id serial PRIMARY KEY, body text)",
		"INSERT INTO notes (body) VALUES ('a'), ('b')",
		"ALTER TABLE notes ADD COLUMN n int DEFAULT 7",
		"SELECT * FROM notes ORDER BY id",
		"BEGIN",
		"INSERT INTO notes (body) VALUES ('in tx')",
		"SAVEPOINT s1",
		"INSERT INTO notes (body) VALUES ('rolled back')",
		"ROLLBACK TO SAVEPOINT s1",
		"SELECT count(*) FROM notes",
		"COMMIT",
		"SELECT body FROM notes ORDER BY id",
		"SET search_path TO public",
		"SHOW search_path",
		"SELECT 1/0",
		"SELEC 1",
		"INSERT INTO products VALUES (1, 'dup', 1, 1)",
		"INSERT INTO products (id) VALUES (999)",
		"BEGIN; SELECT 1/0; COMMIT",
		"SELECT 1",
		"ROLLBACK",
		"SELECT 1; SELECT 2 AS two",
		"DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$",
		"PREPARE q(int) AS SELECT name FROM products WHERE id = $1",
		"EXECUTE q(2)",
		"DEALLOCATE q",
		"VALUES (1, 'a'), (2, 'b')",
		"TRUNCATE notes",
		"DROP TABLE notes",
		"SELECT count(*) FROM products",
		"",
	}
	for _, q := range simple {
		got := describeSimple(ctx, viaWeir.PgConn(), q)
		want := describeSimple(ctx, direct.PgConn(), q)
		if got != want {
			t.Errorf("%s\nthrough Weir: %s\ndirectly:     %s", q, got, want)
		}
	}
	extended := []struct {
		sql  string
		args []string
	}{
		{"SELECT id, name, price FROM products WHERE id = $1", []string{"4"}},
		{"SELECT id FROM products WHERE name = $1 AND stock > $2", []string{"product 7", "1"}},
		{"UPDATE products SET price = $1 WHERE id = $2", []string{"9.99", "8"}},
		{"INSERT INTO products VALUES ($1, $2, NULL, 0) RETURNING *", []string{"600", "six hundred"}},
		{"SELECT $1::int / 0", []string{"1"}},
		{"SELECT * FROM products WHERE id = $1", []string{"not a number"}},
		{"DELETE FROM products WHERE id = $1", []string{"600"}},
	}
	for _, q := range extended {
		got := describeExtended(ctx, viaWeir.PgConn(), q.sql, q.args)
		want := describeExtended(ctx, direct.PgConn(), q.sql, q.args)
		if got != want {
			t.Errorf("%s %v\nthrough Weir: %s\ndirectly:     %s", q.sql, q.args, got, want)
		}
	}
}

// describeSimple runs sql in a Query message and renders the results.
func describeSimple(ctx context.Context, c *pgconn.PgConn, sql string) string {
	var notices []string
	var b strings.Builder
	results, err := c.Exec(ctx, sql).ReadAll()
	for _, r := range results {
		b.WriteString(describeResult(r.FieldDescriptions, r.Rows, r.CommandTag, r.Err))
	}
	if err != nil {
		fmt.Fprintf(&b, "error %s;", sqlState(err))
	}
	_ = notices
	return b.String() + " tx:" + string(c.TxStatus())
}

// describeExtended runs sql with text arguments in the extended protocol.
func describeExtended(ctx context.Context, c *pgconn.PgConn, sql string, args []string) string {
	params := make([][]byte, len(args))
	for i, a := range args {
		params[i] = []byte(a)
	}
	r := c.ExecParams(ctx, sql, params, nil, nil, nil).Read()
	return describeResult(r.FieldDescriptions, r.Rows, r.CommandTag, r.Err) + " tx:" + string(c.TxStatus())
}

func describeResult(fields []pgconn.FieldDescription, rows [][][]byte, tag pgconn.CommandTag, err error) string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "%s:%d:%d:%d ", f.Name, f.DataTypeOID, f.DataTypeSize, f.TypeModifier)
	}
	for _, row := range rows {
		b.WriteString("[")
		for _, v := range row {
			if v == nil {
				b.WriteString("NULL|")
			} else {
				fmt.Fprintf(&b, "%s|", v)
			}
		}
		b.WriteString("]")
	}
	fmt.Fprintf(&b, " %s", tag)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			fmt.Fprintf(&b, " error %s %s", pe.Code, pe.Message)
		} else {
			fmt.Fprintf(&b, " error %v", err)
		}
	}
	return b.String() + ";"
}

// TestPGProxyShapes: SHOW PROXIED QUERIES lists the SELECTs passed through with why,
// CREATE CACHE FROM <id> caches one of them, and --auto-cache caches a shape on its second
// sighting.
func TestPGProxyShapes(t *testing.T) {
	p := startPGProxy(t, pgProxySetup, "--auto-cache")
	ctx := context.Background()
	c := p.connect(t, p.weir)
	simple := pgx.QueryExecModeSimpleProtocol
	var name string
	if err := c.QueryRow(ctx, "SELECT name FROM products WHERE stock = 3", simple).Scan(&name); err != nil || name != "product 3" {
		t.Fatalf("%q %v", name, err)
	}
	proxied := func() map[string][2]string {
		rows, err := c.Query(ctx, "SHOW PROXIED QUERIES", simple)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][2]string{}
		for rows.Next() {
			var id, count int64
			var query, why, last string
			if err := rows.Scan(&id, &query, &count, &why, &last); err != nil {
				t.Fatal(err)
			}
			out[query] = [2]string{fmt.Sprint(id, " ", count), why}
		}
		return out
	}
	shape := "SELECT name FROM products WHERE stock = ?"
	if got := proxied()[shape]; !strings.HasPrefix(got[1], "seen once") {
		t.Fatalf("SHOW PROXIED QUERIES: %v, want %q seen once", proxied(), shape)
	}
	if err := c.QueryRow(ctx, "SELECT name FROM products WHERE stock = 4", simple).Scan(&name); err != nil || name != "product 4" {
		t.Fatalf("%q %v", name, err)
	}
	if got := proxied()[shape]; !strings.HasPrefix(got[1], "cached on this sighting") {
		t.Fatalf("second sighting: %v", got)
	}
	// From now on Weir answers the shape: no new sighting.
	if err := c.QueryRow(ctx, "SELECT name FROM products WHERE stock = 5", simple).Scan(&name); err != nil || name != "product 5" {
		t.Fatalf("%q %v", name, err)
	}
	if got := proxied()[shape]; !strings.HasPrefix(got[0], "1 2") && !strings.HasSuffix(got[0], " 2") {
		t.Fatalf("a cached read was counted as proxied: %v", got)
	}
	// A shape Weir cannot answer says why.
	if _, err := c.Exec(ctx, "SELECT array_agg(name) FROM products", simple); err != nil {
		t.Fatal(err)
	}
	for q, v := range proxied() {
		if strings.Contains(q, "array_agg") && !strings.HasPrefix(v[1], "not supported by Weir") {
			t.Fatalf("%s: %v", q, v)
		}
	}
	// CREATE CACHE FROM <id>.
	if _, err := c.Exec(ctx, "SELECT price FROM products WHERE name = 'product 9'", simple); err != nil {
		t.Fatal(err)
	}
	var id int64
	for q, v := range proxied() {
		if q == "SELECT price FROM products WHERE name = ?" {
			fmt.Sscan(v[0], &id)
		}
	}
	if id == 0 {
		t.Fatalf("the price query is not listed: %v", proxied())
	}
	if _, err := c.Exec(ctx, fmt.Sprintf("CREATE CACHE price_by_name FROM %d", id), simple); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "CREATE CACHE other FROM 999999", simple); sqlState(err) != "42704" {
		t.Fatalf("an unknown id: %v, want 42704", err)
	}
	before := served(t, c, "price_by_name")
	var price string
	if err := c.QueryRow(ctx, "SELECT price FROM products WHERE name = $1", "product 8").Scan(&price); err != nil || price != "12.00" {
		t.Fatalf("%q %v", price, err)
	}
	if got := served(t, c, "price_by_name"); got != before+1 {
		t.Fatalf("CREATE CACHE FROM id: served %d, want %d", got, before+1)
	}
	if _, err := c.Exec(ctx, "DROP CACHE price_by_name", simple); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "DROP CACHE price_by_name", simple); sqlState(err) != "42704" {
		t.Fatalf("DROP CACHE twice: %v", err)
	}
	// The session setting that turns read-your-writes off.
	var ryw string
	if _, err := c.Exec(ctx, "SET weir.read_your_writes = off"); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SHOW weir.read_your_writes", simple).Scan(&ryw); err != nil || ryw != "off" {
		t.Fatalf("SHOW weir.read_your_writes: %q %v", ryw, err)
	}
	if _, err := c.Exec(ctx, "SET weir.read_your_writes = maybe"); sqlState(err) != "22023" {
		t.Fatalf("SET weir.read_your_writes = maybe: %v, want 22023", err)
	}
}

// TestPGProxyUpstreamLost: a statement in flight when the upstream session goes away gets
// an error and is not run again; the next statement opens a new session; a transaction
// lost with its session must be rolled back.
func TestPGProxyUpstreamLost(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	ctx := context.Background()
	c := p.connect(t, p.weir)
	admin := p.connect(t, p.direct)
	// A cancel request reaches the statement on the upstream (pgx sends one when its
	// context ends, rather than closing the connection).
	ccfg, err := pgx.ParseConfig(p.weir)
	if err != nil {
		t.Fatal(err)
	}
	ccfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: 20 * time.Second}
	}
	canceller, err := pgx.ConnectConfig(ctx, ccfg)
	if err != nil {
		t.Fatal(err)
	}
	defer canceller.Close(ctx)
	cctx, ccancel := context.WithTimeout(ctx, 300*time.Millisecond)
	start := time.Now()
	_, err = canceller.Exec(cctx, "SELECT pg_sleep(30)")
	ccancel()
	if sqlState(err) != "57014" || time.Since(start) > 10*time.Second || canceller.IsClosed() {
		t.Fatalf("a cancelled pg_sleep(30): %v after %s (connection closed: %v), want 57014 at once", err, time.Since(start), canceller.IsClosed())
	}
	if _, err := c.Exec(ctx, "SET work_mem = '7MB'"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "SET statement_timeout = 'nonsense'"); err == nil {
		t.Fatal("a bad SET succeeded")
	}
	var pid int
	if err := c.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	// A write in flight: the upstream backend is terminated under it.
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(ctx, "UPDATE products SET stock = stock + 1 WHERE id = 1 AND pg_sleep(30) IS NOT NULL")
		done <- err
	}()
	waitFor(t, func() bool {
		var n int
		_ = admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'UPDATE%'", pid).Scan(&n)
		return n == 1
	})
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if st := sqlState(err); st != "57P01" && st != "08006" {
		t.Fatalf("the statement in flight: %v, want the upstream's 57P01 or 08006", err)
	}
	var stock int
	if err := c.QueryRow(ctx, "SELECT stock FROM products WHERE id = 1").Scan(&stock); err != nil || stock != 1 {
		t.Fatalf("after the lost session: stock %d %v (the write must not have run again)", stock, err)
	}
	var pid2 int
	if err := c.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid2); err != nil || pid2 == pid {
		t.Fatalf("a new upstream session: pid %d (was %d) %v", pid2, pid, err)
	}
	var workMem string
	if err := c.QueryRow(ctx, "SHOW work_mem").Scan(&workMem); err != nil || workMem != "7MB" {
		t.Fatalf("the new session's work_mem: %q %v, want the SET replayed", workMem, err)
	}
	// A transaction lost with its session: statements fail until ROLLBACK.
	if _, err := c.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "UPDATE products SET stock = 77 WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", pid2); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "UPDATE products SET stock = 78 WHERE id = 3"); err == nil {
		t.Fatal("a statement on a terminated session succeeded")
	}
	if _, err := c.Exec(ctx, "SELECT 1"); sqlState(err) != "25P02" {
		t.Fatalf("inside the lost transaction: %v, want 25P02", err)
	}
	if _, err := c.Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SELECT stock FROM products WHERE id = 2").Scan(&stock); err != nil || stock != 2 {
		t.Fatalf("after ROLLBACK: %d %v", stock, err)
	}
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPGProxyBatch sends pgx batches (one pipeline, one Sync) that mix statements Weir
// answers with statements the upstream runs: the replies come in order, a read after a
// write in the same batch sees it, and an error in the middle fails the rest of the batch
// as PostgreSQL does.
func TestPGProxyBatch(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	ctx := context.Background()
	c := p.connect(t, p.weir)
	if _, err := c.Exec(ctx, "CREATE CACHE product FROM SELECT name, price, stock FROM products WHERE id = $1"); err != nil {
		t.Fatal(err)
	}
	const read = "SELECT name, price, stock FROM products WHERE id = $1"
	for round := range 20 {
		b := &pgx.Batch{}
		stocks := make([]int, 4)
		b.Queue(read, 40+round).QueryRow(func(r pgx.Row) error { var n, p string; return r.Scan(&n, &p, &stocks[0]) })
		b.Queue("UPDATE products SET stock = $1 WHERE id = $2", 5000+round, 40+round)
		b.Queue(read, 40+round).QueryRow(func(r pgx.Row) error { var n, p string; return r.Scan(&n, &p, &stocks[1]) })
		b.Queue("SELECT stock FROM products WHERE id = $1", 40+round).QueryRow(func(r pgx.Row) error { return r.Scan(&stocks[2]) })
		if err := c.SendBatch(ctx, b).Close(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var n, pr string
		if err := c.QueryRow(ctx, read, 40+round).Scan(&n, &pr, &stocks[3]); err != nil {
			t.Fatal(err)
		}
		want := []int{40 + round, 5000 + round, 5000 + round, 5000 + round}
		if !reflect.DeepEqual(stocks, want) {
			t.Fatalf("round %d: stocks %v, want %v", round, stocks, want)
		}
	}
	// An error at the end: the batch's implicit transaction rolls back, the read of a
	// cached shape before it included.
	b := &pgx.Batch{}
	b.Queue("UPDATE products SET stock = 1 WHERE id = 70")
	b.Queue(read, 70)
	b.Queue("SELECT 1/0")
	err := c.SendBatch(ctx, b).Close()
	if sqlState(err) != "22012" {
		t.Fatalf("batch with an error: %v, want 22012", err)
	}
	var n, pr string
	var stock int
	if err := c.QueryRow(ctx, read, 70).Scan(&n, &pr, &stock); err != nil || stock != 70 {
		t.Fatalf("after the failed batch: stock %d %v, want 70", stock, err)
	}
}

// TestPGProxyClientCredentials: with --proxy-credentials client, a client's upstream session
// logs in as the client's own user, with the password Weir holds for it.
func TestPGProxyClientCredentials(t *testing.T) {
	p := startPGProxy(t, append(append([]string(nil), pgProxySetup...),
		"CREATE ROLE app LOGIN PASSWORD 'app-secret'", "GRANT SELECT ON products TO app"),
		"--proxy-credentials", "client", "--user", "app", "--password", "app-secret")
	ctx := context.Background()
	c := p.connect(t, strings.Replace(p.weir, "root@", "app:app-secret@", 1))
	var user string
	if err := c.QueryRow(ctx, "SELECT current_user").Scan(&user); err != nil || user != "app" {
		t.Fatalf("the upstream session's user: %q %v, want app", user, err)
	}
	if _, err := c.Exec(ctx, "UPDATE products SET stock = 0 WHERE id = 1"); sqlState(err) != "42501" {
		t.Fatalf("a write app may not make: %v, want 42501", err)
	}
}

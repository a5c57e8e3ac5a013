package server_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/servertest"
	"github.com/weirdb/weir/server"
)

// startServer runs an engine without a memory limit and a server on a free loopback port
// until the test ends.
func startServer(t testing.TB, cfg server.Config) (*weir.Engine, *server.Server, string) {
	t.Helper()
	return servertest.Start(t, weir.Options{MemoryLimit: -1}, cfg)
}

func openDB(t testing.TB, addr string, params string) *sql.DB {
	t.Helper()
	dsn := fmt.Sprintf("root@tcp(%s)/weir?%s", addr, params)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// wantCode checks that err is a MySQL error with the given number.
func wantCode(t *testing.T, err error, code uint16, what string) {
	t.Helper()
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		t.Fatalf("%s: got %v, want MySQL error %d", what, err, code)
	}
	if me.Number != code {
		t.Fatalf("%s: got error %d (%s), want %d", what, me.Number, me.Message, code)
	}
}

func TestEndToEnd(t *testing.T) {
	for _, interpolate := range []bool{false, true} {
		t.Run(fmt.Sprintf("interpolateParams=%v", interpolate), func(t *testing.T) {
			_, _, addr := startServer(t, server.Config{})
			db := openDB(t, addr, fmt.Sprintf("interpolateParams=%v&parseTime=true", interpolate))
			testEndToEnd(t, db)
		})
	}
}

func testEndToEnd(t *testing.T, db *sql.DB) {
	ctx := context.Background()
	mustExec := func(q string, args ...any) sql.Result {
		t.Helper()
		res, err := db.ExecContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res
	}
	mustExec("CREATE TABLE article (id INT PRIMARY KEY AUTO_INCREMENT, title VARCHAR(100) NOT NULL, author INT, price DECIMAL(8,2))")
	mustExec("CREATE TABLE vote (article_id INT, user_id INT)")

	res := mustExec("INSERT INTO article (title, author, price) VALUES (?, ?, ?)", "Hello, 'world'", 7, "9.99")
	if id, _ := res.LastInsertId(); id != 1 {
		t.Fatalf("last insert id %d, want 1", id)
	}
	res = mustExec("INSERT INTO article (title, author, price) VALUES ('Second', 7, NULL), ('Üñïcødé', 8, 1.5)")
	if n, _ := res.RowsAffected(); n != 2 {
		t.Fatalf("rows affected %d, want 2", n)
	}
	if id, _ := res.LastInsertId(); id != 2 {
		t.Fatalf("last insert id %d, want 2 (the first of the statement)", id)
	}
	for a := 1; a <= 3; a++ {
		for u := 1; u <= a; u++ {
			mustExec("INSERT INTO vote VALUES (?, ?)", a, u)
		}
	}

	// A prepared (or interpolated) read with real column types.
	rows, err := db.QueryContext(ctx, "SELECT id, title, price FROM article WHERE author = ? ORDER BY id", 7)
	if err != nil {
		t.Fatal(err)
	}
	types, _ := rows.ColumnTypes()
	var got []string
	for _, ct := range types {
		got = append(got, ct.Name()+":"+ct.DatabaseTypeName())
	}
	if want := "id:INT title:VARCHAR price:DECIMAL"; strings.Join(got, " ") != want {
		t.Fatalf("columns %v, want %s", got, want)
	}
	var titles []string
	for rows.Next() {
		var id int
		var title string
		var price sql.NullString
		if err := rows.Scan(&id, &title, &price); err != nil {
			t.Fatal(err)
		}
		titles = append(titles, fmt.Sprintf("%d %s %v", id, title, price.String))
	}
	rows.Close()
	if want := "1 Hello, 'world' 9.99|2 Second "; strings.Join(titles, "|") != want {
		t.Fatalf("rows %q, want %q", strings.Join(titles, "|"), want)
	}

	// Text reads with literals share one view: the literal is the key.
	var n int
	for a, want := range map[int]int{1: 1, 2: 2, 3: 3, 4: 0} {
		q := fmt.Sprintf("SELECT COUNT(*) FROM vote WHERE article_id = %d", a)
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil || n != want {
			t.Fatalf("%s: %d, %v; want %d", q, n, err, want)
		}
	}
	shapes := 0
	rows, err = db.QueryContext(ctx, "SHOW CACHES")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, lastRead, whyFull sql.NullString
		var query, state string
		var keys, hits, misses, upqueries, evictions, bytes, graphBytes int64
		if err := rows.Scan(&name, &query, &state, &keys, &hits, &misses, &upqueries, &evictions, &bytes, &graphBytes, &lastRead, &whyFull); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(query, "vote") && strings.Contains(query, "?") {
			shapes++
			if graphBytes <= 0 || !lastRead.Valid {
				t.Errorf("the COUNT shape's graph_bytes %d, last_read %v: want its graph's memory and its last read", graphBytes, lastRead)
			}
			if state != "partial" || whyFull.Valid {
				t.Errorf("the COUNT shape's reader is %s (%v), want partial (its key is the group)", state, whyFull)
			}
			if keys < 3 {
				t.Errorf("the COUNT shape holds %d keys, want at least 3", keys)
			}
		}
	}
	rows.Close()
	if shapes != 1 {
		t.Fatalf("%d views of the COUNT shape, want 1 (auto-parameterized)", shapes)
	}

	// Writes are visible to the next read.
	res = mustExec("UPDATE article SET title = 'Renamed' WHERE author = 7")
	if n, _ := res.RowsAffected(); n != 2 {
		t.Fatalf("update affected %d, want 2", n)
	}
	var title string
	if err := db.QueryRowContext(ctx, "SELECT title FROM article WHERE id = ?", 2).Scan(&title); err != nil || title != "Renamed" {
		t.Fatalf("after update: %q, %v", title, err)
	}
	res = mustExec("DELETE FROM vote WHERE article_id = 3")
	if n, _ := res.RowsAffected(); n != 3 {
		t.Fatalf("delete affected %d, want 3", n)
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM vote WHERE article_id = 3").Scan(&n); err != nil || n != 0 {
		t.Fatalf("after delete: %d, %v", n, err)
	}

	// Named caches.
	mustExec("CREATE CACHE by_author FROM SELECT a.id, COUNT(v.user_id) AS votes FROM article a JOIN vote v ON v.article_id = a.id WHERE a.author = ? GROUP BY a.id")
	mustExec("CREATE CACHE first_ten FROM SELECT id FROM (SELECT id, author FROM article ORDER BY id LIMIT 10) t WHERE author = ?")
	_, err = db.ExecContext(ctx, "CREATE CACHE by_author FROM SELECT id FROM article WHERE id = ?")
	wantCode(t, err, 1050, "a cache name taken twice")
	rows, err = db.QueryContext(ctx, "SHOW CACHES")
	if err != nil {
		t.Fatal(err)
	}
	found, foundFull := false, false
	for rows.Next() {
		var name, lastRead, whyFull sql.NullString
		var query, state string
		var k, h, m, u, ev, b, g int64
		if err := rows.Scan(&name, &query, &state, &k, &h, &m, &u, &ev, &b, &g, &lastRead, &whyFull); err != nil {
			t.Fatal(err)
		}
		if name.String == "by_author" {
			found = true
			if lastRead.Valid {
				t.Errorf("by_author was never read, but its last_read is %q", lastRead.String)
			}
			// Grouped by article and author (the key, hidden), read by author: the
			// aggregate keeps the groups of the authors read.
			if state != "partial" || whyFull.Valid {
				t.Errorf("by_author's reader is %q (why: %q), want partial", state, whyFull.String)
			}
		}
		if name.String == "first_ten" {
			foundFull = true
			// The first ten articles overall, then those of one author: no state is kept
			// by the author, so the reader holds every author's rows.
			if state != "full" || !strings.Contains(whyFull.String, "other or more columns than the key") {
				t.Errorf("first_ten's reader is %q (why: %q), want full because its top-k is kept by other columns", state, whyFull.String)
			}
		}
	}
	rows.Close()
	if !found || !foundFull {
		t.Fatal("SHOW CACHES does not list by_author and first_ten")
	}
	var dot string
	if err := db.QueryRowContext(ctx, "EXPLAIN GRAPH by_author").Scan(&dot); err != nil || !strings.Contains(dot, "digraph") {
		t.Fatalf("EXPLAIN GRAPH: %q, %v", dot, err)
	}
	// EXPLAIN SELECT lists the cache's operators, each state partial or full and why.
	rows, err = db.QueryContext(ctx, "EXPLAIN SELECT a.id, COUNT(v.user_id) FROM article a JOIN vote v ON v.article_id = a.id WHERE a.id = ? GROUP BY a.id")
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var op string
		var state, why sql.NullString
		if err := rows.Scan(&op, &state, &why); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprintf("%s [%s] %s", op, state.String, why.String))
	}
	rows.Close()
	if len(plan) < 4 || !strings.HasPrefix(plan[0], "reader") || !strings.Contains(plan[0], "[partial]") ||
		!strings.Contains(plan[len(plan)-1], "[full] a base table holds every row") {
		t.Errorf("EXPLAIN SELECT:\n%s", strings.Join(plan, "\n"))
	}
	_, err = db.ExecContext(ctx, "EXPLAIN FORMAT=JSON SELECT 1")
	wantCode(t, err, 1235, "EXPLAIN FORMAT=JSON")
	mustExec("DROP CACHE by_author")
	mustExec("DROP CACHE first_ten")
	_, err = db.ExecContext(ctx, "DROP CACHE by_author")
	wantCode(t, err, 1146, "dropping a cache twice")

	// Catalog statements.
	var tables []string
	rows, err = db.QueryContext(ctx, "SHOW TABLES")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if strings.Join(tables, ",") != "article,vote" {
		t.Fatalf("SHOW TABLES: %v", tables)
	}
	rows, err = db.QueryContext(ctx, "DESCRIBE article")
	if err != nil {
		t.Fatal(err)
	}
	var described []string
	for rows.Next() {
		var field, typ, null, key, extra string
		var def sql.NullString
		if err := rows.Scan(&field, &typ, &null, &key, &def, &extra); err != nil {
			t.Fatal(err)
		}
		described = append(described, strings.Join([]string{field, typ, null, key, extra}, " "))
	}
	rows.Close()
	if want := "id int NO PRI auto_increment|title varchar(100) NO  |author int YES  |price decimal(8,2) YES  "; strings.Join(described, "|") != want {
		t.Fatalf("DESCRIBE:\n%s\nwant\n%s", strings.Join(described, "|"), want)
	}

	// Session chatter.
	var version, dbName string
	if err := db.QueryRowContext(ctx, "SELECT @@version, DATABASE()").Scan(&version, &dbName); err != nil || !strings.Contains(version, "Weir") || dbName != "weir" {
		t.Fatalf("SELECT @@version, DATABASE(): %q %q %v", version, dbName, err)
	}
	var vname, vval string
	if err := db.QueryRowContext(ctx, "SHOW VARIABLES LIKE 'max_allowed%'").Scan(&vname, &vval); err != nil || vname != "max_allowed_packet" {
		t.Fatalf("SHOW VARIABLES LIKE: %q %q %v", vname, vval, err)
	}
	for _, q := range []string{"SET NAMES utf8mb4", "SET autocommit = 1", "SET SESSION sql_mode = 'STRICT_ALL_TABLES'", "USE weir"} {
		mustExec(q)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "SELECT @@sql_mode").Scan(&mode); err != nil || mode != "STRICT_ALL_TABLES" {
		// Different pooled connections may answer; the driver keeps one idle, so this holds.
		t.Fatalf("@@sql_mode after SET: %q, %v", mode, err)
	}

	// A transaction's writes apply together at COMMIT; ROLLBACK discards them.
	countVotes := func(article int) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM vote WHERE article_id = ?", article).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []int{99, 100} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO vote VALUES (71, ?)", u); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := countVotes(71); n != 2 {
		t.Fatalf("after COMMIT: %d votes, want 2", n)
	}
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO vote VALUES (72, 99)"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := countVotes(72); n != 0 {
		t.Fatalf("after ROLLBACK: %d votes, want 0", n)
	}

	// Errors carry MySQL's numbers, and the connection survives them.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, c := range []struct {
		sql  string
		code uint16
	}{
		{"SELEKT 1", 1064},
		{"SELECT * FROM nosuch WHERE id = 1", 1146},
		{"INSERT INTO nosuch VALUES (1)", 1146},
		{"SELECT nosuch FROM article WHERE id = 1", 1054},
		{"INSERT INTO article (id, title) VALUES (1, 'dup')", 1062},
		{"SELECT id, SUM(id) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM article", 1235},
		{"SET autocommit = 2", 1231},
		{"SET time_zone = '+02:00'", 1235},
		{"SAVEPOINT a", 1235},
		{"USE other", 1049},
		{"SET @@nosuch_variable = 1", 1193},
	} {
		_, err := conn.ExecContext(ctx, c.sql)
		wantCode(t, err, c.code, c.sql)
		if err := conn.PingContext(ctx); err != nil {
			t.Fatalf("after %q the connection is gone: %v", c.sql, err)
		}
	}
}

// TestPacketTooLarge sends a statement over max_allowed_packet: its connection gets error
// 1153 and is closed; another connection goes on.
func TestPacketTooLarge(t *testing.T) {
	_, _, addr := startServer(t, server.Config{MaxPacket: 1 << 16})
	db := openDB(t, addr, "")
	db.SetMaxIdleConns(4)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY, s TEXT)"); err != nil {
		t.Fatal(err)
	}
	other, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	big, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	_, err = big.ExecContext(ctx, "INSERT INTO t VALUES (1, '"+strings.Repeat("x", 1<<17)+"')")
	if err == nil {
		t.Fatal("a packet over max_allowed_packet was accepted")
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number != 1153 {
		t.Fatalf("got error %d, want 1153", me.Number)
	}
	if _, err := other.ExecContext(ctx, "INSERT INTO t VALUES (2, 'small')"); err != nil {
		t.Fatalf("another connection failed: %v", err)
	}
	var n int
	if err := other.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows %d, %v; want 1 (the big insert must not have run)", n, err)
	}
}

func TestRefusesOpenNetworkWithoutPassword(t *testing.T) {
	if err := server.CheckListen("0.0.0.0:3307", nil); !errors.Is(err, server.ErrInsecure) {
		t.Fatalf("0.0.0.0 without users: %v, want ErrInsecure", err)
	}
	if err := server.CheckListen("0.0.0.0:3307", map[string]string{"app": ""}); !errors.Is(err, server.ErrInsecure) {
		t.Fatalf("0.0.0.0 with an empty password: %v, want ErrInsecure", err)
	}
	if err := server.CheckListen("0.0.0.0:3307", map[string]string{"app": "secret"}); err != nil {
		t.Fatalf("0.0.0.0 with passwords: %v", err)
	}
	for _, a := range []string{"127.0.0.1:3307", "[::1]:3307", "localhost:3307"} {
		if err := server.CheckListen(a, nil); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
}

// TestAuth logs in with passwords under both auth methods and is refused with a wrong one.
func TestAuth(t *testing.T) {
	for _, method := range []string{server.AuthNative, server.AuthCachingSHA2} {
		t.Run(method, func(t *testing.T) {
			_, _, addr := startServer(t, server.Config{Users: map[string]string{"app": "s3cret"}, AuthMethod: method})
			ctx := context.Background()
			ok, err := sql.Open("mysql", fmt.Sprintf("app:s3cret@tcp(%s)/weir?allowCleartextPasswords=false", addr))
			if err != nil {
				t.Fatal(err)
			}
			defer ok.Close()
			if err := ok.PingContext(ctx); err != nil {
				t.Fatalf("right password: %v", err)
			}
			// A second login uses caching_sha2_password's fast path.
			ok.SetMaxIdleConns(0)
			if err := ok.PingContext(ctx); err != nil {
				t.Fatalf("right password again: %v", err)
			}
			bad, _ := sql.Open("mysql", fmt.Sprintf("app:wrong@tcp(%s)/weir", addr))
			defer bad.Close()
			err = bad.PingContext(ctx)
			wantCode(t, err, 1045, "wrong password")
		})
	}
}

// TestPreparedErrorsKeepTheirNumbers: errors of prepared statements reach the client with
// their MySQL number and SQLSTATE, as those of text queries do.
func TestPreparedErrorsKeepTheirNumbers(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	db := openDB(t, addr, "interpolateParams=false")
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO t VALUES (?, ?)", 1, 1); err != nil {
		t.Fatal(err)
	}
	_, err := db.ExecContext(ctx, "INSERT INTO t VALUES (?, ?)", 1, 2)
	wantCode(t, err, 1062, "a duplicate key through a prepared INSERT")
	_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (?, ?)", 2, nil)
	wantCode(t, err, 1048, "NULL into a NOT NULL column through a prepared INSERT")
	var me *mysql.MySQLError
	if errors.As(err, &me) && (string(me.SQLState[:]) != "23000" || strings.HasPrefix(me.Message, "ERROR")) {
		t.Fatalf("SQLSTATE %s, message %q", me.SQLState, me.Message)
	}
}

// TestFoundRows: a client that asks for found rows (CLIENT_FOUND_ROWS) gets the rows an
// UPDATE matched, changed or not; one that does not gets the rows changed.
func TestFoundRows(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	ctx := context.Background()
	plain := openDB(t, addr, "")
	if _, err := plain.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY, v INT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := plain.ExecContext(ctx, "INSERT INTO t VALUES (1, 1), (2, 2), (3, 1)"); err != nil {
		t.Fatal(err)
	}
	found := openDB(t, addr, "clientFoundRows=true")
	for _, c := range []struct {
		db   *sql.DB
		sql  string
		want int64
	}{
		{plain, "UPDATE t SET v = 1 WHERE id <= 3", 1},
		{found, "UPDATE t SET v = 1 WHERE id <= 3", 3},
		{found, "INSERT INTO t VALUES (1, 1) ON DUPLICATE KEY UPDATE v = 1", 1},
		{plain, "INSERT INTO t VALUES (1, 1) ON DUPLICATE KEY UPDATE v = 1", 0},
	} {
		res, err := c.db.ExecContext(ctx, c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if n, _ := res.RowsAffected(); n != c.want {
			t.Errorf("%s (found rows %v): %d rows, want %d", c.sql, c.db == found, n, c.want)
		}
	}
}

// TestStatusFlags: OK packets say autocommit is on, and in-transaction between BEGIN and
// COMMIT, as a MySQL server's do (drivers and pools read them).
func TestStatusFlags(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	c, err := client.Connect(addr, "root", "", "weir")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	step := func(sql string, inTx bool) {
		t.Helper()
		if _, err := c.Execute(sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if !c.IsAutoCommit() || c.IsInTransaction() != inTx {
			t.Fatalf("after %s: autocommit %v, in transaction %v", sql, c.IsAutoCommit(), c.IsInTransaction())
		}
	}
	step("CREATE TABLE t (id INT PRIMARY KEY)", false)
	step("BEGIN", true)
	step("INSERT INTO t VALUES (1)", true)
	step("COMMIT", false)
}

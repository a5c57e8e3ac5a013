package server_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir/internal/testserver"
)

// TestProxyLoadDataLocal: LOAD DATA LOCAL INFILE through the proxy sends the client's file
// to the upstream and relays its reply, as with MariaDB directly: a small file, one of
// several megabytes (many packets), a file the upstream rejects a row of, and a file the
// client cannot open; the session goes on working after each.
func TestProxyLoadDataLocal(t *testing.T) {
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE loaded (id INT PRIMARY KEY, name VARCHAR(40))")
	dir := t.TempDir()
	small := filepath.Join(dir, "small.tsv")
	if err := os.WriteFile(small, []byte("1\tone\n2\ttwo\n3\tthree\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var big strings.Builder
	const bigRows = 200_000
	for i := 100; i < 100+bigRows; i++ {
		fmt.Fprintf(&big, "%d\trow number %d\n", i, i)
	}
	bigFile := filepath.Join(dir, "big.tsv")
	if err := os.WriteFile(bigFile, []byte(big.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	dup := filepath.Join(dir, "dup.tsv")
	if err := os.WriteFile(dup, []byte("7\tseven\nnot a number\tx\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := env.open(t, "app", "allowAllFiles=true")
	db.SetMaxOpenConns(1)
	load := func(file string) (int64, error) {
		res, err := db.Exec(fmt.Sprintf("LOAD DATA LOCAL INFILE '%s' INTO TABLE loaded", file))
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	if n, err := load(small); err != nil || n != 3 {
		t.Fatalf("small file: %d rows, %v", n, err)
	}
	if n, err := load(bigFile); err != nil || n != bigRows {
		t.Fatalf("file of %d bytes: %d rows, %v", big.Len(), n, err)
	}
	// LOCAL makes errors in the data warnings (the upstream cannot stop the client's
	// transfer): the bad row loads as 0 with warning 1366, which SHOW WARNINGS relays.
	if n, err := load(dup); err != nil || n != 2 {
		t.Fatalf("a file with a bad row: %d rows, %v; want 2", n, err)
	}
	var level, msg string
	var code int
	if err := db.QueryRow("SHOW WARNINGS").Scan(&level, &code, &msg); err != nil || code != 1366 {
		t.Fatalf("warning after the bad row: %s %d %s, %v; want 1366", level, code, msg, err)
	}
	// A table that does not exist: the upstream refuses before it asks for the file.
	_, err := db.Exec(fmt.Sprintf("LOAD DATA LOCAL INFILE '%s' INTO TABLE nosuch", small))
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1146 {
		t.Fatalf("an unknown table: %v, want error 1146", err)
	}
	// A file the client cannot read: the driver ends the file at once and reports its own
	// error; the upstream loaded nothing and the session still works.
	if _, err := load(filepath.Join(dir, "missing.tsv")); err == nil {
		t.Fatal("a missing file loaded")
	}
	var count int
	if err := db.QueryRow("SELECT COUNT(*) FROM loaded").Scan(&count); err != nil || count != 5+bigRows {
		t.Fatalf("rows after the loads: %d, %v; want %d", count, err, 5+bigRows)
	}
	if err := env.direct.QueryRow("SELECT COUNT(*) FROM loaded").Scan(&count); err != nil || count != 5+bigRows {
		t.Fatalf("MariaDB holds %d rows, %v; want %d", count, err, 5+bigRows)
	}
}

// TestProxyLoadDataLocalMariaDBClient: the mariadb command-line client's LOAD DATA LOCAL
// through the proxy gives what it gives against MariaDB directly, refused and allowed.
func TestProxyLoadDataLocalMariaDBClient(t *testing.T) {
	cli := testserver.RequireAnyBinary(t, "mariadb", "mysql")
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE loaded (id INT PRIMARY KEY, name VARCHAR(40))")
	file := filepath.Join(t.TempDir(), "rows.csv")
	if err := os.WriteFile(file, []byte("1,one\n2,two\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`LOAD DATA LOCAL INFILE '%s' INTO TABLE loaded FIELDS TERMINATED BY ',';
SELECT ROW_COUNT();
SELECT * FROM loaded ORDER BY id;
DELETE FROM loaded;
`, file)
	run := func(addr string, localInfile bool) string {
		host, port, _ := strings.Cut(addr, ":")
		args := []string{"--no-defaults", "-h", host, "-P", port, "-u", "root", "--batch", "--force"}
		if localInfile {
			args = append(args, "--local-infile=1")
		} else {
			args = append(args, "--local-infile=0")
		}
		cmd := exec.Command(cli, append(args, "app")...)
		cmd.Stdin = strings.NewReader(script)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	for _, allowed := range []bool{true, false} {
		got, want := run(env.addr, allowed), run(env.maria.Addr, allowed)
		if got != want {
			t.Fatalf("--local-infile=%v through Weir:\n%s\nMariaDB:\n%s", allowed, got, want)
		}
		if allowed && !strings.Contains(got, "2\ttwo") {
			t.Fatalf("--local-infile=1 loaded nothing:\n%s", got)
		}
	}
}

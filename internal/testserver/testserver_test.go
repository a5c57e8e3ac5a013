package testserver

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// recorder stands in for a test so the skip-or-fail rule can be observed without ending the
// real test.
type recorder struct {
	testing.TB
	skipped, failed string
}

// The real Skip and Fatal end the test; the recorder keeps only the first message, which is
// the one that would have ended it.
func (r *recorder) Helper()           {}
func (r *recorder) Skip(args ...any)  { r.note(&r.skipped, fmt.Sprint(args...)) }
func (r *recorder) Fatal(args ...any) { r.note(&r.failed, fmt.Sprint(args...)) }
func (r *recorder) Fatalf(f string, args ...any) {
	r.note(&r.failed, fmt.Sprintf(f, args...))
}

func (r *recorder) note(dst *string, msg string) {
	if r.skipped == "" && r.failed == "" {
		*dst = msg
	}
}

func TestRequireBinaryMissing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ci       string
		binary   string
		wantSkip bool
		wantText string
	}{
		{name: "local skips", ci: "", binary: "weir-no-such-binary", wantSkip: true, wantText: "weir-no-such-binary not found"},
		{name: "ci fails", ci: "true", binary: "weir-no-such-binary", wantSkip: false, wantText: "CI=true"},
		{name: "ci other value skips", ci: "1", binary: "weir-no-such-binary", wantSkip: true, wantText: "not found"},
		{name: "package named", ci: "", binary: "redis-server", wantSkip: true, wantText: "apt-get install -y redis-server"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			if tc.binary == "redis-server" {
				if _, err := LookBinary("redis-server"); err == nil {
					t.Skip("redis-server is installed here; the missing-binary message cannot be observed")
				}
				// Hide PATH and the sbin folders so the lookup fails for a known package.
				t.Setenv("PATH", t.TempDir())
				saved := extraDirs
				extraDirs = nil
				t.Cleanup(func() { extraDirs = saved })
			}
			r := &recorder{TB: t}
			if got := RequireBinary(r, tc.binary); got != "" {
				t.Fatalf("RequireBinary returned %q for a missing binary", got)
			}
			msg := r.failed
			if tc.wantSkip {
				msg = r.skipped
				if r.failed != "" {
					t.Fatalf("failed instead of skipping: %s", r.failed)
				}
			} else if r.skipped != "" {
				t.Fatalf("skipped instead of failing: %s", r.skipped)
			}
			if !strings.Contains(msg, tc.wantText) {
				t.Fatalf("message %q does not contain %q", msg, tc.wantText)
			}
		})
	}
}

func TestLookBinaryFindsShell(t *testing.T) {
	p, err := LookBinary("sh")
	if err != nil || p == "" {
		t.Fatalf("LookBinary(sh) = %q, %v", p, err)
	}
}

func TestStartMariaDB(t *testing.T) {
	var addr string
	t.Run("server", func(t *testing.T) {
		m := StartMariaDB(t)
		addr = m.Addr
		dsn := m.CreateDatabase(t, "weir_probe")
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()

		var sqlMode, collation, tz, database string
		var logBin int
		err = db.QueryRowContext(ctx,
			"SELECT @@sql_mode, @@collation_server, @@time_zone, @@log_bin, DATABASE()").
			Scan(&sqlMode, &collation, &tz, &logBin, &database)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ name, got, want string }{
			{"collation_server", collation, "utf8mb4_general_ci"},
			{"time_zone", tz, "+00:00"},
			{"database", database, "weir_probe"},
		} {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
			}
		}
		if !strings.Contains(sqlMode, "STRICT_TRANS_TABLES") {
			t.Errorf("sql_mode %q is not strict", sqlMode)
		}
		if logBin != 0 {
			t.Errorf("log_bin = %d, want 0", logBin)
		}

		// The server must enforce what the conformance tests rely on: a duplicate key is
		// error 1062 and case-insensitive equality holds.
		if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO t VALUES (1, 'Abc')"); err != nil {
			t.Fatal(err)
		}
		_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (1, 'x')")
		if err == nil || !strings.Contains(err.Error(), "1062") {
			t.Errorf("duplicate insert: err = %v, want error 1062", err)
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM t WHERE s = 'aBC '").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("case-insensitive, pad-space match found %d rows, want 1", n)
		}
	})
	// The subtest's cleanup stopped the server: nothing may listen on its port any more.
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		conn.Close()
		t.Fatalf("%s still accepts connections after cleanup", addr)
	}
}

func TestCreateDatabaseRejectsOddNames(t *testing.T) {
	m := &MariaDB{Addr: "127.0.0.1:1"}
	r := &recorder{TB: t}
	m.CreateDatabase(r, "x`; DROP DATABASE mysql; --")
	if !strings.Contains(r.failed, "not a plain identifier") {
		t.Fatalf("odd database name was not refused: %q", r.failed)
	}
}

func TestStartPostgres(t *testing.T) {
	var addr string
	t.Run("server", func(t *testing.T) {
		p := StartPostgres(t)
		addr = p.Addr
		dsn := p.CreateDatabase(t, "weir_probe")
		if !strings.HasPrefix(dsn, "postgres://postgres@127.0.0.1:") || !strings.HasSuffix(dsn, "/weir_probe?sslmode=disable") {
			t.Errorf("DSN = %q", dsn)
		}
		out, err := p.Psql("weir_probe", "SELECT current_database() || ' ' || current_setting('wal_level') || ' ' || current_setting('server_encoding')")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if got := strings.TrimSpace(out); got != "weir_probe logical UTF8" {
			t.Errorf("server reports %q, want database weir_probe, wal_level logical, UTF8", got)
		}
		if out, err := p.Psql("weir_probe", "SELECT nope"); err == nil {
			t.Errorf("a failing statement reported success: %s", out)
		}
	})
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		conn.Close()
		t.Fatalf("%s still accepts connections after cleanup", addr)
	}
}

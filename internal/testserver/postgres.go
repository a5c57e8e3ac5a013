package testserver

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Postgres is a private PostgreSQL server owned by one test.
type Postgres struct {
	// Addr is the server's loopback TCP address, host:port.
	Addr string
	// SocketDir holds the server's Unix socket.
	SocketDir string
	// DataDir is the server's private data directory.
	DataDir string

	psql    string
	server  string // the postgres and pg_isready binaries, for Restart
	ready   string
	logPath string
	cred    *serverUser
	proc    *process
}

// StartPostgres starts a private PostgreSQL server for t and stops it when t ends. The
// superuser is postgres with trust authentication on loopback, the encoding UTF8, and
// wal_level=logical so replication tests can create slots. PostgreSQL refuses to run as
// root, so under root the server runs as the postgres user that Debian's package creates.
// A missing binary skips the test (fails it under CI=true).
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	for _, name := range []string{"initdb", "postgres", "pg_isready", "psql"} {
		RequireBinary(t, name)
	}
	p, err := NewPostgres()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// NewPostgres starts a private PostgreSQL server, as StartPostgres does, for a caller that is
// not a test (a benchmark run by `weir bench`); Stop ends it and removes its files.
func NewPostgres() (*Postgres, error) {
	var bins [4]string
	for i, name := range []string{"initdb", "postgres", "pg_isready", "psql"} {
		path, err := LookBinary(name)
		if err != nil {
			return nil, fmt.Errorf("%w (install %s)", err, packages[name])
		}
		bins[i] = path
	}
	initdb, server, ready, psql := bins[0], bins[1], bins[2], bins[3]

	cred, err := postgresUser()
	if err != nil {
		return nil, err
	}

	// Not a test's TempDir: its parent is private to the test's user, and the server may run
	// as another one. The directory is short for the socket path, and owned by the server's
	// user.
	dir, err := os.MkdirTemp(shortTempRoot(), "weir-pg-")
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	fail := func(err error) (*Postgres, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail(fmt.Errorf("testserver: %w", err))
		}
	}
	p := &Postgres{
		SocketDir: dir,
		DataDir:   filepath.Join(dir, "data"),
		psql:      psql,
		server:    server,
		ready:     ready,
		logPath:   filepath.Join(dir, "server.log"),
		cred:      cred,
	}

	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, initdb, "-D", p.DataDir, "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = p.attr()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("testserver: initdb: %w\n%s", err, tail(string(out), 40)))
	}

	for attempt := 1; ; attempt++ {
		err := p.launch(server, ready, 0)
		if err == nil {
			break
		}
		if portConflict.MatchString(p.logTail(200)) && attempt < portAttempts {
			continue
		}
		return fail(fmt.Errorf("testserver: start PostgreSQL: %w\n%s", err, p.logTail(40)))
	}
	return p, nil
}

// PID is the postmaster's process ID; the backends it forks per connection are its
// children.
func (p *Postgres) PID() int { return p.proc.cmd.Process.Pid }

// Stop shuts the server down and removes its files.
func (p *Postgres) Stop() error {
	err := p.proc.stopWith(syscall.SIGINT, stopTimeout)
	if err != nil {
		err = fmt.Errorf("testserver: stop PostgreSQL: %w\n%s", err, p.logTail(40))
	}
	_ = os.RemoveAll(p.SocketDir)
	return err
}

// Restart stops the server as an operator's fast shutdown does (SIGINT: clients are
// disconnected, the WAL is flushed) and starts it again on the same port and data, waiting
// until it accepts connections.
func (p *Postgres) Restart(t testing.TB) {
	t.Helper()
	if err := p.proc.stopWith(syscall.SIGINT, stopTimeout); err != nil {
		t.Fatalf("testserver: stop PostgreSQL for a restart: %v\n%s", err, p.logTail(40))
	}
	_, portText, err := net.SplitHostPort(p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.launch(p.server, p.ready, port); err != nil {
		t.Fatalf("testserver: restart PostgreSQL: %v\n%s", err, p.logTail(40))
	}
}

// launch starts the server on port, or on a free one when port is 0.
func (p *Postgres) launch(server, ready string, port int) error {
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return err
		}
	}
	p.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	_ = os.Remove(p.logPath)
	args := []string{
		"-D", p.DataDir,
		"-p", strconv.Itoa(port),
		"-k", p.SocketDir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "wal_level=logical",
		"-c", "max_wal_senders=8",
		"-c", "max_replication_slots=8",
		"-c", "shared_buffers=32MB",
		"-c", "max_connections=100",
		// Test data need not survive a crash; these keep write-heavy tests fast.
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "timezone=UTC",
	}
	proc, err := startProcessAs(server, args, p.logPath, p.attr())
	if err != nil {
		return err
	}
	p.proc = proc
	if err := p.waitReady(ready, port); err != nil {
		_ = proc.stopWith(syscall.SIGINT, stopTimeout)
		return err
	}
	return nil
}

// waitReady polls pg_isready, which reports ready only once startup (and any recovery) has
// finished, not merely when the port accepts connections.
func (p *Postgres) waitReady(ready string, port int) error {
	return pollReady(p.proc, "postgres", func(ctx context.Context) error {
		cmd := exec.CommandContext(ctx, ready, "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "postgres", "-t", "2")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("pg_isready: %w: %s", err, out)
		}
		return nil
	})
}

// DSN returns a libpq-style URL for database (empty: postgres) as the postgres superuser
// over TCP, without TLS.
func (p *Postgres) DSN(database string) string {
	if database == "" {
		database = "postgres"
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     p.Addr,
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates an empty database called name (dropping any earlier one) and returns
// its DSN.
func (p *Postgres) CreateDatabase(t testing.TB, name string) string {
	t.Helper()
	dsn, err := p.NewDatabase(name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// NewDatabase is CreateDatabase for a caller that is not a test.
func (p *Postgres) NewDatabase(name string) (string, error) {
	if !identifier.MatchString(name) {
		return "", fmt.Errorf("testserver: database name %q is not a plain identifier", name)
	}
	for _, stmt := range []string{
		`DROP DATABASE IF EXISTS "` + name + `"`,
		`CREATE DATABASE "` + name + `"`,
	} {
		if out, err := p.Psql("", stmt); err != nil {
			return "", fmt.Errorf("testserver: %s: %w\n%s", stmt, err, out)
		}
	}
	return p.DSN(name), nil
}

// Psql runs one SQL command with psql on database (empty: postgres) and returns its
// unaligned, tuples-only output.
func (p *Postgres) Psql(database, sql string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-d", p.DSN(database), "-c", sql)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("psql: %w", err)
	}
	return string(out), nil
}

func (p *Postgres) logTail(lines int) string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	return "postgres log (tail):\n" + tail(string(b), lines)
}

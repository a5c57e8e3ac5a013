package testserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

const (
	// installTimeout and startTimeout are generous because CI machines are small and shared;
	// a healthy server is ready in about a second.
	installTimeout = 2 * time.Minute
	startTimeout   = 90 * time.Second
	// stopTimeout bounds the clean shutdown before the server is killed.
	stopTimeout = 30 * time.Second
	// portAttempts bounds the retries when another process takes the chosen port between
	// picking it and the server binding it.
	portAttempts = 4
	pollInterval = 25 * time.Millisecond
)

// MariaDB is a private MariaDB server owned by one test.
type MariaDB struct {
	// Addr is the server's loopback TCP address, host:port.
	Addr string
	// Socket is the server's Unix socket.
	Socket string
	// DataDir is the server's private data directory.
	DataDir string

	logPath string
	runDir  string
	proc    *process
	server  string
	opts    MariaDBOptions
}

// StartMariaDB starts a private MariaDB server for t and stops it when t ends. The server
// listens on a free loopback port with the root user and no password, utf8mb4 with
// utf8mb4_general_ci, time zone UTC, the default (strict) sql_mode and no binary log.
// A missing binary skips the test (fails it under CI=true).
func StartMariaDB(t testing.TB) *MariaDB {
	t.Helper()
	RequireAnyBinary(t, "mariadbd", "mysqld")
	RequireAnyBinary(t, "mariadb-install-db", "mysql_install_db")
	m, err := NewMariaDB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Stop(); err != nil {
			t.Error(err)
		}
	})
	return m
}

// NewMariaDB starts a private MariaDB server, as StartMariaDB does, for a caller that is not
// a test; Stop ends it and removes its files.
func NewMariaDB() (*MariaDB, error) { return NewMariaDBWith(MariaDBOptions{}) }

// NewMariaDBWith is NewMariaDB with options.
func NewMariaDBWith(opts MariaDBOptions) (*MariaDB, error) {
	find := func(names ...string) (string, error) {
		for _, n := range names {
			if p, err := LookBinary(n); err == nil {
				return p, nil
			}
		}
		return "", fmt.Errorf("testserver: %s not found (install %s)", names[0], packages[names[0]])
	}
	server, err := find("mariadbd", "mysqld")
	if err != nil {
		return nil, err
	}
	install, err := find("mariadb-install-db", "mysql_install_db")
	if err != nil {
		return nil, err
	}
	// Unix socket paths are limited to about 107 bytes, so everything lives in a short
	// directory of its own.
	runDir, err := os.MkdirTemp(shortTempRoot(), "weir-mariadb-")
	if err != nil {
		return nil, fmt.Errorf("testserver: socket directory: %w", err)
	}
	fail := func(err error) (*MariaDB, error) {
		_ = os.RemoveAll(runDir)
		return nil, err
	}
	dataDir := filepath.Join(runDir, "data")
	if err := installMariaDB(install, dataDir, runDir); err != nil {
		return fail(fmt.Errorf("testserver: %w", err))
	}
	m := &MariaDB{
		Socket:  filepath.Join(runDir, "mariadb.sock"),
		DataDir: dataDir,
		logPath: filepath.Join(runDir, "error.log"),
		runDir:  runDir,
		server:  server,
		opts:    opts,
	}
	for attempt := 1; ; attempt++ {
		err := m.launch(server, runDir, 0)
		if err == nil {
			break
		}
		if errors.Is(err, errPortInUse) && attempt < portAttempts {
			continue
		}
		return fail(fmt.Errorf("testserver: start MariaDB: %w\n%s", err, m.logTail(40)))
	}
	return m, nil
}

// PID is the server's process ID.
func (m *MariaDB) PID() int { return m.proc.cmd.Process.Pid }

// Stop shuts the server down and removes its files.
func (m *MariaDB) Stop() error {
	err := m.stop()
	if err != nil {
		err = fmt.Errorf("testserver: stop MariaDB: %w\n%s", err, m.logTail(40))
	}
	_ = os.RemoveAll(m.runDir)
	return err
}

// installMariaDB bootstraps dataDir. The bootstrap server's temporary tables live in
// tmpDir, the server's own directory: in the shared /tmp, concurrent bootstraps (one per
// test package, or a neighbour's) have seen their temporary files vanish, failing with
// "Error on delete of '/tmp/#sql-temptable-…'".
func installMariaDB(install, dataDir, tmpDir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	args := []string{
		"--no-defaults",
		"--datadir=" + dataDir,
		"--tmpdir=" + tmpDir,
		"--auth-root-authentication-method=normal",
		"--skip-test-db",
		"--skip-name-resolve",
		// The bootstrap server creates the redo log; keep it small (the default is 96 MiB).
		"--innodb-log-file-size=8M",
		"--innodb-buffer-pool-size=16M",
	}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	cmd := exec.CommandContext(ctx, install, args...)
	cmd.SysProcAttr = childAttr()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", filepath.Base(install), err, tail(string(out), 40))
	}
	return nil
}

var errPortInUse = errors.New("port already in use")

func (m *MariaDB) launch(server, runDir string, port int) error {
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return err
		}
	}
	m.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// A previous attempt's log would make its port conflict look like this attempt's.
	_ = os.Remove(m.logPath)
	args := []string{
		"--no-defaults", // never read the machine's /etc/mysql configuration
		"--datadir=" + m.DataDir,
		"--socket=" + m.Socket,
		"--pid-file=" + filepath.Join(runDir, "mariadb.pid"),
		"--log-error=" + m.logPath,
		"--tmpdir=" + runDir,
		"--port=" + strconv.Itoa(port),
		"--bind-address=127.0.0.1",
		"--skip-networking=0",
		"--skip-name-resolve",
		m.opts.logBinArg(),
		"--character-set-server=utf8mb4",
		"--collation-server=utf8mb4_general_ci",
		"--default-time-zone=+00:00",
		"--performance-schema=OFF",
		"--innodb-buffer-pool-size=16M",
		"--innodb-log-file-size=8M",
		// Test data need not survive a power cut; skipping the fsync per commit keeps
		// write-heavy tests fast on slow CI disks.
		"--innodb-flush-log-at-trx-commit=0",
		// io_uring and libaio are often forbidden in containers; simulated AIO always works.
		"--innodb-use-native-aio=0",
	}
	args = append(args, m.opts.binlogArgs()...)
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	p, err := startProcessAs(server, args, filepath.Join(runDir, "mariadbd.out"), childAttr())
	if err != nil {
		return err
	}
	m.proc = p
	if err := m.waitReady(); err != nil {
		_ = p.stopWith(syscall.SIGTERM, stopTimeout)
		if portConflict.MatchString(m.logTail(200)) {
			return fmt.Errorf("%w: %s: %w", errPortInUse, m.Addr, err)
		}
		return err
	}
	return nil
}

var portConflict = regexp.MustCompile(`(?i)address already in use|another .* server running on port`)

func (m *MariaDB) waitReady() error {
	db, err := sql.Open("mysql", m.DSN(""))
	if err != nil {
		return fmt.Errorf("open %s: %w", m.Addr, err)
	}
	defer db.Close()
	return pollReady(m.proc, "mariadbd", func(ctx context.Context) error {
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return db.PingContext(pingCtx)
	})
}

// pollReady calls probe until it succeeds, the server process exits, or startTimeout passes.
func pollReady(proc *process, name string, probe func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		lastErr := probe(ctx)
		if lastErr == nil {
			return nil
		}
		select {
		case <-proc.exited:
			return fmt.Errorf("%s exited before accepting connections: %w", name, proc.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %v: %w", name, startTimeout, lastErr)
		case <-tick.C:
		}
	}
}

// DSN returns a go-sql-driver data source name for database (empty: none selected) as root,
// over TCP, with utf8mb4_general_ci and UTC.
func (m *MariaDB) DSN(database string) string {
	cfg := mysql.NewConfig()
	cfg.User = "root"
	cfg.Net = "tcp"
	cfg.Addr = m.Addr
	cfg.DBName = database
	cfg.Collation = "utf8mb4_general_ci"
	cfg.Loc = time.UTC
	cfg.Timeout = 10 * time.Second
	return cfg.FormatDSN()
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// CreateDatabase creates an empty database called name (dropping any earlier one) and returns
// its DSN.
func (m *MariaDB) CreateDatabase(t testing.TB, name string) string {
	t.Helper()
	if !identifier.MatchString(name) {
		t.Fatalf("testserver: database name %q is not a plain identifier", name)
	}
	db, err := sql.Open("mysql", m.DSN(""))
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, stmt := range []string{
		"DROP DATABASE IF EXISTS `" + name + "`",
		"CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("testserver: %s: %v", stmt, err)
		}
	}
	return m.DSN(name)
}

func (m *MariaDB) stop() error {
	if m.proc == nil {
		return nil
	}
	return m.proc.stopWith(syscall.SIGTERM, stopTimeout)
}

func (m *MariaDB) logTail(lines int) string {
	b, err := os.ReadFile(m.logPath)
	if err != nil {
		return ""
	}
	return "mariadbd error log (tail):\n" + tail(string(b), lines)
}

func tail(s string, lines int) string {
	s = strings.TrimRight(s, "\n")
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// shortTempRoot is the temporary directory unless $TMPDIR is so long that a socket path
// under it would not fit.
func shortTempRoot() string {
	if d := os.TempDir(); len(d) <= 64 {
		return d
	}
	return "/tmp"
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// process is a started server and the outcome of waiting for it.
type process struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error // valid once exited is closed
}

func startProcessAs(path string, args []string, outPath string, attr *syscall.SysProcAttr) (*process, error) {
	out, err := os.Create(outPath)
	if err != nil {
		return nil, fmt.Errorf("server output file: %w", err)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start %s: %w", filepath.Base(path), err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		out.Close()
		close(p.exited)
	}()
	return p, nil
}

// stopWith asks the server to shut down cleanly with sig and kills it if it has not within
// timeout. A server that had already exited on its own is reported, since a crash mid-test
// would otherwise go unnoticed.
func (p *process) stopWith(sig syscall.Signal, timeout time.Duration) error {
	select {
	case <-p.exited:
		return fmt.Errorf("server had already exited: %w", p.waitErr)
	default:
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		select {
		case <-p.exited:
			return nil
		default:
		}
		return fmt.Errorf("signal %v: %w", sig, err)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-p.exited:
		return nil
	case <-timer.C:
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("server ignored %v for %v and was killed", sig, timeout)
}

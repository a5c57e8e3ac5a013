package testserver

import (
	"fmt"
	"net"
	"strconv"
	"syscall"
	"testing"
)

// MariaDBOptions configures a private MariaDB beyond the defaults StartMariaDB documents.
type MariaDBOptions struct {
	// Binlog starts the server with a row-based binary log (log_bin, binlog_format=ROW,
	// binlog_row_image=FULL), as a replication source needs.
	Binlog bool
	// ServerID is the server's server_id (default 1).
	ServerID int
	// Args are more mariadbd options, given after the others (so they win).
	Args []string
}

func (o MariaDBOptions) logBinArg() string {
	if o.Binlog {
		return "--log-bin=mariadb-bin"
	}
	return "--skip-log-bin"
}

func (o MariaDBOptions) binlogArgs() []string {
	var args []string
	if o.Binlog {
		args = append(args, "--binlog-format=ROW", "--binlog-row-image=FULL")
	}
	if o.Binlog || o.ServerID != 0 {
		id := o.ServerID
		if id == 0 {
			id = 1
		}
		args = append(args, "--server-id="+strconv.Itoa(id))
	}
	return append(args, o.Args...)
}

// StartMariaDBWith is StartMariaDB with options: for example a binary log, so that the
// server can be a replication source.
func StartMariaDBWith(t testing.TB, opts MariaDBOptions) *MariaDB {
	t.Helper()
	RequireAnyBinary(t, "mariadbd", "mysqld")
	RequireAnyBinary(t, "mariadb-install-db", "mysql_install_db")
	m, err := NewMariaDBWith(opts)
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

// Restart stops the server cleanly (SIGTERM) and starts it again on the same port and data,
// waiting until it accepts connections.
func (m *MariaDB) Restart(t testing.TB) {
	t.Helper()
	if err := m.proc.stopWith(syscall.SIGTERM, stopTimeout); err != nil {
		t.Fatalf("testserver: stop MariaDB for a restart: %v\n%s", err, m.logTail(40))
	}
	m.relaunch(t)
}

// KillAndRestart kills the server (SIGKILL, as a crash would) and starts it again on the
// same port and data; InnoDB and the binary log recover.
func (m *MariaDB) KillAndRestart(t testing.TB) {
	t.Helper()
	_ = m.proc.cmd.Process.Kill()
	<-m.proc.exited
	m.relaunch(t)
}

func (m *MariaDB) relaunch(t testing.TB) {
	t.Helper()
	_, portText, err := net.SplitHostPort(m.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.launch(m.server, m.runDir, port); err != nil {
		t.Fatal(fmt.Errorf("testserver: restart MariaDB: %w\n%s", err, m.logTail(40)))
	}
}

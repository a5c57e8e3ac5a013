package binlog

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/weirdb/weir/internal/testserver"
)

// TestStartupChecks: each upstream setting or privilege Weir cannot follow is refused at
// start with an error that names it and says what to change.
func TestStartupChecks(t *testing.T) {
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true, ServerID: 7})
	db := openDB(t, mdb.CreateDatabase(t, "app"))
	mustExec(t, db, "CREATE TABLE ok (id INT PRIMARY KEY, v VARCHAR(10))")
	url := "mariadb://root@" + mdb.Addr + "/app"

	mustExec(t, db, "CREATE USER 'weak'@'%' IDENTIFIED BY 'pw'")
	mustExec(t, db, "GRANT SELECT ON app.* TO 'weak'@'%'")
	mustExec(t, db, "CREATE USER 'repl'@'%' IDENTIFIED BY 'pw'")
	mustExec(t, db, "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'repl'@'%'")
	mustExec(t, db, "GRANT SELECT ON app.* TO 'repl'@'%'")

	plain := testserver.StartMariaDB(t)
	openDB(t, plain.CreateDatabase(t, "app"))

	cases := []struct {
		name  string
		setup string // run on the binlog server before, undone after
		undo  string
		cfg   Config
		want  []string // in the error
	}{
		{name: "binlog off", cfg: Config{URL: "mariadb://root@" + plain.Addr + "/app"}, want: []string{"log_bin is OFF", "log-bin"}},
		{name: "statement format", setup: "SET GLOBAL binlog_format = 'STATEMENT'", undo: "SET GLOBAL binlog_format = 'ROW'", cfg: Config{URL: url}, want: []string{"binlog_format is STATEMENT", "binlog_format=ROW"}},
		{name: "mixed format", setup: "SET GLOBAL binlog_format = 'MIXED'", undo: "SET GLOBAL binlog_format = 'ROW'", cfg: Config{URL: url}, want: []string{"binlog_format is MIXED"}},
		{name: "minimal row image", setup: "SET GLOBAL binlog_row_image = 'MINIMAL'", undo: "SET GLOBAL binlog_row_image = 'FULL'", cfg: Config{URL: url}, want: []string{"binlog_row_image is MINIMAL", "only the primary key and the columns it changed", "binlog_row_image=FULL"}},
		{name: "server id collision", cfg: Config{URL: url, ServerID: 7}, want: []string{"server_id is 7", "another --server-id"}},
		{name: "missing privileges", cfg: Config{URL: "mariadb://weak:pw@" + mdb.Addr + "/app"}, want: []string{"user weak", "REPLICATION SLAVE, REPLICATION CLIENT", "GRANT"}},
		{name: "wrong flavor", cfg: Config{URL: "mysql://root@" + mdb.Addr + "/app"}, want: []string{"it is MariaDB", "mariadb://"}},
		{name: "no database", cfg: Config{URL: "mariadb://root@" + mdb.Addr + "/nosuchdb"}, want: []string{"nosuchdb"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != "" {
				mustExec(t, db, c.setup)
				defer mustExec(t, db, c.undo)
			}
			_, err := tryMirrorConfig(t, t.TempDir(), c.cfg)
			if err == nil {
				t.Fatal("the mirror started")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	// A user with exactly the documented privileges passes.
	m, err := tryMirrorConfig(t, t.TempDir(), Config{URL: "mariadb://repl:pw@" + mdb.Addr + "/app", ServerID: 4242})
	if err != nil {
		t.Fatalf("a user with REPLICATION SLAVE, BINLOG MONITOR and SELECT on the database: %v", err)
	}
	// Another Weir (another data directory) with the same server id would cut this one's
	// stream: refused while this one is registered.
	_, err = tryMirrorConfig(t, t.TempDir(), Config{URL: url, ServerID: 4242})
	if err == nil || !strings.Contains(err.Error(), "with server_id 4242") || !strings.Contains(err.Error(), "another --server-id") {
		t.Errorf("a second Weir with the same server id: %v, want an error about the replica registered with it", err)
	}
	m.stop()
}

// TestUnmirrorableTables: a table Weir cannot mirror is refused at start, naming the table
// and the column and why; --tables leaves it out.
func TestUnmirrorableTables(t *testing.T) {
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	db := openDB(t, mdb.CreateDatabase(t, "app"))
	mustExec(t, db, "CREATE TABLE fine (id INT PRIMARY KEY)")
	cases := []struct {
		table, ddl string
		want       []string
	}{
		{"nokey", "CREATE TABLE nokey (a INT)", []string{"table nokey", "no primary key"}},
		{"myisam", "CREATE TABLE myisam (id INT PRIMARY KEY) ENGINE=MyISAM", []string{"table myisam", "MyISAM"}},
		{"geo", "CREATE TABLE geo (id INT PRIMARY KEY, g POINT)", []string{"table geo, column g", "point"}},
		{"uuids", "CREATE TABLE uuids (id INT PRIMARY KEY, u UUID)", []string{"table uuids, column u", "uuid"}},
		{"bincoll", "CREATE TABLE bincoll (id INT PRIMARY KEY, s VARCHAR(10) COLLATE utf8mb4_bin)", []string{"table bincoll, column s", "utf8mb4_bin"}},
		{"latin", "CREATE TABLE latin (id INT PRIMARY KEY, s VARCHAR(10) CHARACTER SET latin1)", []string{"table latin, column s", "latin1"}},
		{"zf", "CREATE TABLE zf (id INT PRIMARY KEY, n INT ZEROFILL)", []string{"table zf, column n", "ZEROFILL"}},
		{"virt", "CREATE TABLE virt (id INT PRIMARY KEY, d INT AS (id * 2) VIRTUAL)", []string{"table virt, column d", "VIRTUAL"}},
	}
	url := "mariadb://root@" + mdb.Addr + "/app"
	for _, c := range cases {
		mustExec(t, db, c.ddl)
		_, err := tryMirrorConfig(t, t.TempDir(), Config{URL: url, Tables: []string{"fine", c.table}})
		var ue *UnsupportedError
		if !errors.As(err, &ue) {
			t.Errorf("%s: %v, want an UnsupportedError", c.table, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", c.table, err, w)
			}
		}
	}
	// Left out with --tables, the rest mirrors.
	m, err := tryMirrorConfig(t, t.TempDir(), Config{URL: url, Tables: []string{"fine"}})
	if err != nil {
		t.Fatalf("--tables fine: %v", err)
	}
	if got := m.e.Tables(); len(got) != 1 || got[0] != "fine" {
		t.Errorf("mirrored %v, want [fine]", got)
	}
}

// TestStatementFormatSessionStops: a session that still logs in STATEMENT format (its
// binlog_format predates the change to ROW) writes to a mirrored table; Weir cannot follow
// the statement, and stops with an error saying why rather than mirror without it.
func TestStatementFormatSessionStops(t *testing.T) {
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	db := openDB(t, mdb.CreateDatabase(t, "app"))
	mustExec(t, db, "CREATE TABLE ok (id INT PRIMARY KEY, v VARCHAR(10))")
	m := startMirror(t, t.TempDir(), "mariadb://root@"+mdb.Addr+"/app")
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"SET SESSION binlog_format = 'STATEMENT'", "INSERT INTO ok VALUES (1, 'a')"} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err = m.runError(t)
	var se *SettingError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "STATEMENT format") || !strings.Contains(err.Error(), "ROW") {
		t.Fatalf("replication ended with %v, want a SettingError about a statement in STATEMENT format", err)
	}
}

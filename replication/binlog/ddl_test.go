package binlog

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/replication/internal/mirrortest"
)

// TestFollowsDDL: DDL on MariaDB reaches the mirror, in place where Weir's own DDL does the
// same (TRUNCATE, ADD/DROP COLUMN, an index, CREATE, RENAME, DROP), by a fresh copy
// otherwise (a type change, a purged binlog); after each step the tables and the cache over
// them equal MariaDB's, and a restart after the changes made in place resumes without a copy.
func TestFollowsDDL(t *testing.T) {
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	db := openDB(t, mdb.CreateDatabase(t, "app"))
	url := "mariadb://root@" + mdb.Addr + "/app"
	mustExec(t, db, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), qty INT NOT NULL)")
	mustExec(t, db, "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)")
	dir := t.TempDir()
	m := startMirror(t, dir, url)
	ctx := context.Background()
	if _, err := m.e.Register(ctx, "item_name", "SELECT name FROM items WHERE id = ?"); err != nil {
		t.Fatal(err)
	}
	check := func(step string, copies int64) {
		t.Helper()
		catchUp(t, db, m)
		compareTables(t, db, m.e)
		v, err := m.e.View("item_name")
		if err != nil {
			t.Fatalf("%s: the cache is gone: %v", step, err)
		}
		for id := 1; id <= 12; id++ {
			rows, err := v.Lookup(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range rows.Len() {
				got = append(got, mirrortest.RowText(rows.Row(i)))
			}
			if want := dbRows(t, db, "SELECT name FROM items WHERE id = ?", id); !slices.Equal(got, want) {
				t.Errorf("%s: item_name(%d): weir %v, mariadb %v", step, id, got, want)
			}
		}
		if st := m.rep.Status(); st.Snapshots != copies {
			t.Fatalf("%s: %d copies, want %d (%s)", step, st.Snapshots, copies, st.LastError)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	check("start", 1)

	mustExec(t, db, "TRUNCATE TABLE items")
	mustExec(t, db, "INSERT INTO items VALUES (4, 'four', 4), (5, 'five', 5)")
	check("TRUNCATE", 1)

	mustExec(t, db, "ALTER TABLE items ADD INDEX by_name (name), COMMENT 'indexed'")
	mustExec(t, db, "CREATE INDEX by_qty ON items (qty)")
	check("ADD INDEX", 1)

	mustExec(t, db, "ALTER TABLE items ADD COLUMN note VARCHAR(10) NOT NULL DEFAULT 'it''s' AFTER name, ADD COLUMN n2 INT, ADD COLUMN flag TINYINT NOT NULL FIRST")
	mustExec(t, db, "INSERT INTO items VALUES (1, 6, 'six', 'new', 6, 60)")
	check("ADD COLUMN", 1)

	mustExec(t, db, "ALTER TABLE items DROP COLUMN qty")
	mustExec(t, db, "UPDATE items SET n2 = 7 WHERE id = 4")
	check("DROP COLUMN", 1)

	mustExec(t, db, "CREATE TABLE extra (id INT PRIMARY KEY, v VARCHAR(10))")
	mustExec(t, db, "INSERT INTO extra VALUES (1, 'a'), (2, 'b')")
	check("CREATE TABLE", 1)
	mustExec(t, db, "RENAME TABLE extra TO renamed")
	mustExec(t, db, "INSERT INTO renamed VALUES (3, 'c')")
	check("RENAME TABLE", 1)
	if got := m.e.Tables(); !slices.Equal(got, []string{"items", "renamed"}) {
		t.Fatalf("mirrored tables %v after RENAME", got)
	}
	mustExec(t, db, "DROP TABLE renamed")
	check("DROP TABLE", 1)
	if st := m.rep.Status(); st.DDL != 7 || st.InPlace != 7 {
		t.Errorf("DDL %d, in place %d: want 7 of each", st.DDL, st.InPlace)
	}

	// A restart resumes over the definitions changed in place.
	m.stop()
	m = startMirror(t, dir, url)
	check("restart", 0)

	// A type change: a fresh copy, after which the cache serves again.
	mustExec(t, db, "ALTER TABLE items MODIFY name VARCHAR(50)")
	mustExec(t, db, "INSERT INTO items VALUES (0, 8, 'eight', 'x', 8)")
	waitCopies(t, m, 1)
	check("MODIFY", 1)

	// A purged binlog while Weir is stopped: the next start copies again. MariaDB keeps a
	// file a binlog dump thread still reads, so wait (with a deadline) until the stopped
	// mirror's thread is gone.
	m.stop()
	deadline := time.Now().Add(time.Minute)
	for len(binlogDumps(t, db)) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stopped mirror's binlog dump thread is still there after a minute")
		}
	}
	mustExec(t, db, "UPDATE items SET name = 'changed' WHERE id = 5")
	mustExec(t, db, "FLUSH BINARY LOGS")
	logs := dbRows(t, db, "SHOW BINARY LOGS")
	last := strings.SplitN(logs[len(logs)-1], "|", 2)[0]
	// MariaDB keeps a file until InnoDB has made its transactions durable (its binlog
	// checkpoint), which the test server does once a second: purge until it is gone.
	for {
		mustExec(t, db, "PURGE BINARY LOGS TO '"+last+"'")
		logs := dbRows(t, db, "SHOW BINARY LOGS")
		if len(logs) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("binary logs after a minute of purges: %v", logs)
		}
	}
	m = startMirror(t, dir, url)
	check("purged binlog", 1)
}

// waitCopies waits until the replicator has completed n copies.
func waitCopies(t testing.TB, m *mirror, n int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.rep.WaitSnapshots(ctx, n); err != nil {
		t.Fatal(err)
	}
}

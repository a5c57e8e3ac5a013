package testserver

import (
	"database/sql"
	"testing"
)

// TestStartMariaDBWithBinlog: the options give a row-based binary log and the server id;
// a kill and a clean restart keep the port and the committed data.
func TestStartMariaDBWithBinlog(t *testing.T) {
	m := StartMariaDBWith(t, MariaDBOptions{Binlog: true, ServerID: 9})
	db, err := sql.Open("mysql", m.CreateDatabase(t, "app"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logBin, id int
	var format, image string
	if err := db.QueryRow("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id").Scan(&logBin, &format, &image, &id); err != nil {
		t.Fatal(err)
	}
	if logBin != 1 || format != "ROW" || image != "FULL" || id != 9 {
		t.Fatalf("log_bin %d, binlog_format %s, binlog_row_image %s, server_id %d", logBin, format, image, id)
	}
	if _, err := db.Exec("CREATE TABLE t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	// The test server skips the fsync per commit, so a kill may lose the last second of
	// commits: after it, only the server's answer is checked; after a clean restart, the data.
	m.KillAndRestart(t)
	db.SetMaxIdleConns(0) // the old connections died with the server
	if err := db.Ping(); err != nil {
		t.Fatalf("after a kill and restart: %v", err)
	}
	if _, err := db.Exec("INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	m.Restart(t)
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM t WHERE id = 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after a clean restart: %d rows, %v", n, err)
	}
}

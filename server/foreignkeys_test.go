package server_test

import (
	"context"
	"testing"

	"github.com/weirdb/weir/server"
)

// TestForeignKeyChecksPerSession loads tables as a dump does (the child first, with
// foreign_key_checks off), then checks that the setting is the session's own.
func TestForeignKeyChecksPerSession(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	ctx := context.Background()
	db := openDB(t, addr, "")
	db.SetMaxOpenConns(2)
	dump, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dump.Close()
	other, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	child := "CREATE TABLE child (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES parent (id) ON DELETE CASCADE)"
	_, err = dump.ExecContext(ctx, child)
	wantCode(t, err, 1005, "a child before its parent with checks on")
	for _, sql := range []string{
		"/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */",
		child,
		"INSERT INTO child VALUES (1, 7)",
		"CREATE TABLE parent (id INT PRIMARY KEY)",
		"INSERT INTO parent VALUES (1)",
	} {
		if _, err := dump.ExecContext(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	var v string
	if err := dump.QueryRowContext(ctx, "SELECT @@foreign_key_checks").Scan(&v); err != nil || v != "0" {
		t.Fatalf("@@foreign_key_checks: %q %v", v, err)
	}
	// Another session checks.
	_, err = other.ExecContext(ctx, "INSERT INTO child VALUES (2, 8)")
	wantCode(t, err, 1452, "a child without parent in a session that checks")
	_, err = other.ExecContext(ctx, "DROP TABLE parent")
	wantCode(t, err, 1451, "DROP TABLE of a referenced parent in a session that checks")
	if _, err := dump.ExecContext(ctx, "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */"); err != nil {
		t.Fatal(err)
	}
	_, err = dump.ExecContext(ctx, "INSERT INTO child VALUES (3, 9)")
	wantCode(t, err, 1452, "a child without parent after FOREIGN_KEY_CHECKS is restored")
	_, err = dump.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 2")
	wantCode(t, err, 1231, "SET FOREIGN_KEY_CHECKS = 2")
	if _, err := dump.ExecContext(ctx, "INSERT INTO child VALUES (4, 1)"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ExecContext(ctx, "DELETE FROM parent"); err != nil {
		t.Fatal(err)
	}
	var n int
	// Row 4 cascades with its parent.
	if err := other.QueryRowContext(ctx, "SELECT COUNT(*) FROM child WHERE id = 4").Scan(&n); err != nil || n != 0 {
		t.Fatalf("cascade after the load: %d %v", n, err)
	}
}

package server_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// TestProxyErrorsNameTheUpstreamDatabase: Weir's own errors in proxy mode name a table as
// the client knows it, in the upstream's database, as MariaDB's error for the same query
// does, never by the Weir database that mirrors it.
func TestProxyErrorsNameTheUpstreamDatabase(t *testing.T) {
	env := startProxy(t, nil)
	env.table(t, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))")
	db := env.open(t, "app", "")
	db.SetMaxOpenConns(1)
	_, err := db.Exec("CREATE CACHE FROM SELECT name FROM nosuch WHERE id = ?")
	_, want := env.direct.Exec("SELECT name FROM nosuch WHERE id = 1")
	var got, upstream *mysql.MySQLError
	if !errors.As(err, &got) || !errors.As(want, &upstream) {
		t.Fatalf("CREATE CACHE over a missing table: %v; MariaDB: %v", err, want)
	}
	if got.Number != upstream.Number || got.Message != upstream.Message {
		t.Fatalf("CREATE CACHE over a missing table: %d %q, MariaDB says %d %q", got.Number, got.Message, upstream.Number, upstream.Message)
	}
	// A SELECT Weir cannot plan goes to the upstream; SHOW PROXIED QUERIES gives Weir's
	// reason in the same terms.
	if _, err := db.Exec("SELECT name FROM items WHERE id = 1 AND nocol = 2"); err == nil {
		t.Fatal("a SELECT of an unknown column ran")
	}
	if _, err := db.Exec("SELECT name FROM missing_too WHERE id = 1"); err == nil {
		t.Fatal("a SELECT of an unknown table ran")
	}
	for text, s := range proxied(t, db) {
		if strings.Contains(s.why, "weir.") {
			t.Errorf("%s: the reason names Weir's database: %s", text, s.why)
		}
		if strings.Contains(text, "missing_too") && !strings.Contains(s.why, "'app.missing_too'") {
			t.Errorf("%s: reason %q, want the table named app.missing_too", text, s.why)
		}
	}
}

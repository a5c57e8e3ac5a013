package conformance

import (
	"database/sql"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/servertest"
	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/server"
)

// weirServerTarget serves a fresh engine over the MySQL protocol on a free loopback port and
// connects to it like an application would: text mode interpolates parameters into the SQL
// (the server auto-parameterizes the literals), prepared mode sends COM_STMT_PREPARE and
// binary COM_STMT_EXECUTE.
func weirServerTarget(t *testing.T, prepared bool) Target {
	t.Helper()
	_, _, addr := servertest.Start(t, weir.Options{}, server.Config{})
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "tcp", addr, "weir"
	cfg.InterpolateParams = !prepared
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	name := "Weir over MySQL (text)"
	if prepared {
		name = "Weir over MySQL (prepared)"
	}
	target, closeConn, err := NewSQLTarget(t.Context(), name, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = closeConn()
		db.Close()
	})
	return target
}

// TestConformanceOverWire runs every scenario on Weir's MySQL server, in text and in
// prepared mode, against MariaDB: the same comparisons as TestConformance, through the
// protocol, so column types, value encodings, affected rows, insert ids and error numbers
// are checked as a client sees them.
func TestConformanceOverWire(t *testing.T) {
	scs := loadScenarios(t)
	m := testserver.StartMariaDB(t)
	for _, sc := range scs {
		for _, prepared := range []bool{false, true} {
			mode := "text"
			if prepared {
				mode = "prepared"
			}
			t.Run(sc.Name+"/"+mode, func(t *testing.T) {
				if sc.SetsClock() {
					t.Skip("SET timestamp moves a MariaDB session's clock; Weir's views share the engine's one instant, so its server does not take it per session (the Go API run covers the scenario)")
				}
				t.Parallel()
				ref := mariaTarget(t, m, "wire_"+sc.Name+"_"+mode, prepared)
				report(t, Run(t.Context(), sc, ref, weirServerTarget(t, prepared), Options{}))
			})
		}
	}
}

package difftest

import (
	"sync/atomic"
	"testing"
)

func TestAsView(t *testing.T) {
	for _, c := range []struct{ sql, create, query string }{
		{"SELECT u1.k0 FROM (SELECT a AS k0 FROM t WHERE b = ')' UNION SELECT c FROM s) AS u1 WHERE u1.k0 = ?",
			"CREATE VIEW w AS SELECT a AS k0 FROM t WHERE b = ')' UNION SELECT c FROM s",
			"SELECT u1.k0 FROM w AS u1 WHERE u1.k0 = ?"},
		{"SELECT u2.k0 FROM (SELECT (a + 1) AS k0 FROM t) AS u2", "CREATE VIEW w AS SELECT (a + 1) AS k0 FROM t", "SELECT u2.k0 FROM w AS u2"},
		{"SELECT v1.k1 FROM (VALUES ROW(1, 'a)')) AS v1(k0, k1) JOIN t ON t.a = v1.k0", "CREATE VIEW w (k0, k1) AS VALUES ROW(1, 'a)')",
			"SELECT v1.k1 FROM w AS v1 JOIN t ON t.a = v1.k0"},
	} {
		create, query, ok := AsView(c.sql, "w")
		if !ok || create != c.create || query != c.query {
			t.Errorf("AsView(%q) = %q, %q, %v; want %q, %q", c.sql, create, query, ok, c.create, c.query)
		}
	}
	if _, _, ok := AsView("SELECT a FROM t WHERE a IN (SELECT b FROM s)", "w"); ok {
		t.Error("a query without a derived table became a view")
	}
}

var viewsMade atomic.Int64

// TestDifferentialViewsRead checks that the differential runs read some of their derived
// tables as views (see AsView), so that the comparison covers queries over views.
func TestDifferentialViewsRead(t *testing.T) {
	before := viewsMade.Load()
	TestDifferentialFull(t)
	if viewsMade.Load() == before {
		t.Fatal("no query of the differential run read a view")
	}
	t.Logf("%d queries read a view", viewsMade.Load()-before)
}

package weir_test

import (
	"context"
	"testing"
	"time"

	"github.com/weirdb/weir"
)

// FuzzStatements drives arbitrary statement text through a whole engine (planning, writes,
// registration and reads) over a fixed schema: whatever the input, Weir answers with a
// result or an error, never a panic or a hang.
func FuzzStatements(f *testing.F) {
	for _, s := range []string{
		"INSERT INTO t VALUES (1, 'a', 1.5, '2024-01-01')",
		"INSERT INTO t VALUES (2, NULL, -0.01, NULL) ON DUPLICATE KEY UPDATE s = CONCAT(s, 'x')",
		"REPLACE INTO t (id, s) VALUES (1, 'b')",
		"UPDATE t SET d = d * 2 WHERE s LIKE 'a%' OR id IN (1, 2)",
		"DELETE FROM t WHERE id BETWEEN 0 AND 3",
		"SELECT s, COUNT(*), SUM(d), GROUP_CONCAT(id ORDER BY id) FROM t WHERE s = 'a' GROUP BY s HAVING COUNT(*) > 0",
		"SELECT t.id, u.v FROM t LEFT JOIN u ON u.id = t.id WHERE t.id = 5 ORDER BY u.v DESC LIMIT 2",
		"SELECT DISTINCT CAST(d AS SIGNED) FROM t UNION SELECT v FROM u",
		"SELECT id FROM t WHERE id IN (SELECT id FROM u WHERE v = 3)",
		"SELECT * FROM (SELECT id, MAX(d) m FROM t GROUP BY id) x WHERE x.id = 1",
		"INSERT INTO u VALUES (1, 9223372036854775807), (2, -9223372036854775808)",
		"UPDATE u SET v = v + 1",
		"SELECT ROUND(d, 40), d / 0, 1 DIV 0, CAST('x' AS DATE) FROM t",
		"SELECT s, JSON_ARRAYAGG(DISTINCT d ORDER BY d DESC LIMIT 1, 2), JSON_OBJECTAGG(id, s) FROM t WHERE s = 'a' GROUP BY s",
		"SELECT id, ROW_NUMBER() OVER (PARTITION BY s ORDER BY d DESC, id), SUM(d) OVER (ORDER BY d RANGE 1 PRECEDING), LAG(s, 2) OVER (ORDER BY id) FROM t WHERE s = 'a'",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, sql string) {
		e, err := weir.Open(weir.Options{ReadTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		for _, ddl := range []string{
			"CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10), d DECIMAL(6,2), dt DATE)",
			"CREATE TABLE u (id INT PRIMARY KEY, v BIGINT)",
			"INSERT INTO t VALUES (1, 'a', 1.50, '2024-01-01'), (2, 'B', NULL, NULL)",
			"INSERT INTO u VALUES (1, 3), (3, NULL)",
		} {
			if _, err := e.Exec(ctx, ddl); err != nil {
				t.Fatal(err)
			}
		}
		// As a write, then as a query (most inputs are neither: errors are fine).
		_, _ = e.Exec(ctx, sql)
		if r, err := e.Query(ctx, sql); err == nil {
			for i := 0; i < r.Len(); i++ {
				_ = r.Row(i)
			}
		}
		if _, err := e.Exec(ctx, "INSERT INTO t VALUES (7, 'z', 2, '2025-05-05')"); err != nil {
			t.Fatalf("engine unusable after %q: %v", sql, err)
		}
		if _, err := e.TableRows(ctx, "t"); err != nil {
			t.Fatalf("engine unusable after %q: %v", sql, err)
		}
	})
}

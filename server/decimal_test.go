package server_test

import (
	"testing"

	"github.com/weirdb/weir/server"
)

// Wide decimals travel exactly in the text and the binary protocol, and the column metadata
// gives clients the declared precision and scale up to DECIMAL(65,30).
func TestWideDecimalsOverTheWire(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	for _, params := range []string{"interpolateParams=true", "interpolateParams=false"} {
		db := openDB(t, addr, params)
		if _, err := db.Exec("CREATE TABLE IF NOT EXISTS d65 (id INT PRIMARY KEY, a DECIMAL(65,30), b DECIMAL(65,0), c DECIMAL(10,2))"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("REPLACE INTO d65 VALUES (1, ?, ?, 1.50)",
			"-99999999999999999999999999999999999.999999999999999999999999999999",
			"99999999999999999999999999999999999999999999999999999999999999999"); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query("SELECT a, b, c, b + 1 FROM d65 WHERE b = ?", "99999999999999999999999999999999999999999999999999999999999999999")
		if err != nil {
			t.Fatal(err)
		}
		types, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range [][2]int64{{65, 30}, {65, 0}, {10, 2}} {
			p, s, ok := types[i].DecimalSize()
			if !ok || p != want[0] || s != want[1] {
				t.Errorf("%s: column %d has DECIMAL(%d,%d) (%v), want DECIMAL(%d,%d)", params, i, p, s, ok, want[0], want[1])
			}
		}
		if !rows.Next() {
			t.Fatalf("%s: no row", params)
		}
		var a, b, c, b1 string
		if err := rows.Scan(&a, &b, &c, &b1); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if a != "-99999999999999999999999999999999999.999999999999999999999999999999" ||
			b != "99999999999999999999999999999999999999999999999999999999999999999" || c != "1.50" ||
			b1 != "100000000000000000000000000000000000000000000000000000000000000000" {
			t.Errorf("%s: got %s, %s, %s, %s", params, a, b, c, b1)
		}
	}
}

package planner

import (
	"reflect"
	"testing"
)

// TestCreateTableSQLRoundTrips: the CREATE TABLE rendered from a schema (what SHOW CREATE
// TABLE answers and the durable store keeps after an index change) compiles back to the
// same schema.
func TestCreateTableSQLRoundTrips(t *testing.T) {
	for _, sql := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(40) NOT NULL UNIQUE, org INT, name VARCHAR(30) DEFAULT 'it''s \\\\ ok', bio TEXT, " +
			"UNIQUE KEY (org, name), KEY (org), FULLTEXT KEY ft (bio), KEY pfx (name(5))) ENGINE=InnoDB AUTO_INCREMENT=42 COMMENT='a ''table'''",
		"CREATE TABLE `odd``name` (`a``b` INT, c DECIMAL(10,2) NOT NULL DEFAULT 1.50, d DATETIME(3) DEFAULT '2024-01-02 03:04:05.123', e DATE DEFAULT NULL, UNIQUE KEY `k``1` (`a``b`, c))",
		"CREATE TABLE nopk (a BIGINT UNSIGNED NOT NULL, b DOUBLE, c CHAR(3), UNIQUE (a), KEY (b, c), UNIQUE (c))",
		"CREATE TABLE auto (id INT AUTO_INCREMENT, v INT, KEY (id), PRIMARY KEY (v))",
	} {
		st, err := Compile(nil, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		want := st.(*CreateTable).Schema
		text := CreateTableSQL(&want, want.AutoIncrement)
		again, err := Compile(nil, text)
		if err != nil {
			t.Fatalf("%s rendered as\n%s\nwhich does not compile: %v", sql, text, err)
		}
		if got := again.(*CreateTable).Schema; !reflect.DeepEqual(got, want) {
			t.Fatalf("%s rendered as\n%s\ncompiles to\n%+v\nwant\n%+v", sql, text, got, want)
		}
	}
}

// TestDMLLooksUpUniqueKeys: an UPDATE or DELETE whose WHERE pins every column of a unique key
// (and not the primary key) looks rows up by that key instead of scanning.
func TestDMLLooksUpUniqueKeys(t *testing.T) {
	st, err := Compile(nil, "CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(20), org INT, name VARCHAR(10), UNIQUE KEY (org, name), UNIQUE KEY (email))")
	if err != nil {
		t.Fatal(err)
	}
	sc := st.(*CreateTable).Schema
	cat := NewMapCatalog(&sc)
	for _, tc := range []struct {
		sql  string
		cols []int
		n    int
	}{
		{"UPDATE u SET org = 1 WHERE email = ?", []int{1}, 1},
		{"DELETE FROM u WHERE name = 'x' AND org IN (1, 2)", []int{2, 3}, 2},
		{"UPDATE u SET org = 1 WHERE id = 3 AND email = 'a'", nil, 1},
		{"DELETE FROM u WHERE name = 'x'", nil, 0},
	} {
		st, err := Compile(cat, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		var lookups [][]KeySource
		var cols []int
		switch s := st.(type) {
		case *Update:
			lookups, cols = s.Lookups, s.LookupCols
		case *Delete:
			lookups, cols = s.Lookups, s.LookupCols
		}
		if len(lookups) != tc.n || !reflect.DeepEqual(cols, tc.cols) {
			t.Errorf("%s: %d lookups on %v, want %d on %v", tc.sql, len(lookups), cols, tc.n, tc.cols)
		}
	}
}

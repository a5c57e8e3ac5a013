package planner

import (
	"reflect"
	"testing"
)

// TestCreateTableSQLRoundTrip: the durable store keeps an altered table as the CREATE TABLE
// that CreateTableSQL writes; compiled again it must give the same schema.
func TestCreateTableSQLRoundTrip(t *testing.T) {
	for _, ddl := range []string{
		"CREATE TABLE a (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20) NOT NULL DEFAULT 'it''s \\\\ x', n BIGINT UNSIGNED DEFAULT 7)",
		"CREATE TABLE `odd name` (`weird``col` DECIMAL(8,3) DEFAULT -1.250, d DATE DEFAULT '2024-02-29', ts DATETIME(3) NULL, f DOUBLE, b TINYINT(1) NOT NULL DEFAULT 0, PRIMARY KEY (b, `weird``col`))",
		"CREATE TABLE c (t TEXT, ch CHAR(3) DEFAULT NULL, m MEDIUMTEXT)",
		"CREATE TABLE clock (id INT PRIMARY KEY, a DATETIME DEFAULT CURRENT_TIMESTAMP, b DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), c TIMESTAMP NULL ON UPDATE NOW())",
		"CREATE TABLE d (id INT AUTO_INCREMENT, e VARCHAR(50) NOT NULL UNIQUE, k INT, t TEXT, PRIMARY KEY (id), KEY (k), UNIQUE KEY two (k, e), FULLTEXT (t), KEY pre (t(10))) AUTO_INCREMENT=42 COMMENT='a ''quoted'' comment'",
	} {
		st, err := Compile(nil, ddl)
		if err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
		want := st.(*CreateTable).Schema
		text := CreateTableSQL(&want, want.AutoIncrement)
		st2, err := Compile(nil, text)
		if err != nil {
			t.Fatalf("%s rendered as\n%s\ndoes not compile: %v", ddl, text, err)
		}
		if got := st2.(*CreateTable).Schema; !reflect.DeepEqual(got, want) {
			t.Errorf("%s rendered as\n%s\ncompiles to\n%+v\nwant\n%+v", ddl, text, got, want)
		}
	}
}

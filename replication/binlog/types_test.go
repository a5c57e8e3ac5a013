package binlog

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir/internal/testserver"
	"github.com/weirdb/weir/replication/internal/mirrortest"
)

// typesTable has a column of every type go-mysql decodes that Weir mirrors.
const typesTable = `CREATE TABLE types (
	id INT PRIMARY KEY,
	ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
	mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
	d DECIMAL(20,6), d65 DECIMAL(65,30), f FLOAT, db DOUBLE,
	c CHAR(5), vc VARCHAR(50), tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
	bn BINARY(4), vb VARBINARY(20), bl BLOB, lb LONGBLOB,
	dt DATE, dtm DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6), ts TIMESTAMP(6) NULL, ts0 TIMESTAMP NULL,
	tm TIME, tm2 TIME(2), yr YEAR,
	en ENUM('small','medium','large'), st SET('a','b','c','d'),
	js JSON, b1 BIT(1), b12 BIT(12), b64 BIT(64)
)`

// typeRows are value lists for typesTable after its id: extremes, fractions, text with
// quotes and non-ASCII letters, bytes with zeros, NULLs.
var typeRows = []string{
	`-128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
	 -12345678901234.123456, 12345678901234567890123456789012345.123456789012345678901234567891, -3.25, -12345.678,
	 'ab', 'héllo ''quoted'' \\ back', 'tiny', 'text ✓', 'medium', REPEAT('long ', 1000),
	 X'00FF0001', X'00', X'DEADBEEF00', REPEAT(X'01', 70000),
	 '1000-01-01', '9999-12-31 23:59:59', '2026-02-03 04:05:06.789', '2026-02-03 04:05:06.000001', '2038-01-19 03:14:07.999999', '1970-01-01 00:00:01',
	 '-838:59:59', '12:34:56.78', 1901,
	 'large', 'a,c,d', '{"a": [1, 2.5, "x"], "b": null}', b'1', b'101010101010', b'1111111111111111111111111111111111111111111111111111111111111111'`,
	`127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0,
	 0.000001, -0.000000000000000000000000000001, 0.1, 3.141592653589793,
	 '', '', '', '', '', '',
	 X'', X'', X'', X'',
	 '2026-12-06', '2026-12-06 00:00:00', '2026-12-06 00:00:00.5', '2026-12-06 00:00:00.123456', '2026-12-06 12:00:00', '2026-12-06 12:00:00',
	 '00:00:00', '-00:00:01.5', 2155,
	 'small', '', '[]', b'0', b'0', b'0'`,
	`NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL, NULL, NULL`,
}

// TestTypesRoundTrip: rows of every mirrored type reach Weir the same through the copy and
// through the stream (inserts, updates with before images, deletes), and read back as
// MariaDB renders them.
func TestTypesRoundTrip(t *testing.T) {
	mdb := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	db := openDB(t, mdb.CreateDatabase(t, "app"))
	mustExec(t, db, typesTable)
	for i, r := range typeRows {
		mustExec(t, db, fmt.Sprintf("INSERT INTO types VALUES (%d, %s)", i+1, r))
	}
	m := startMirror(t, t.TempDir(), "mariadb://root@"+mdb.Addr+"/app")
	compareTypes(t, db, m)

	// The same values through the stream: inserts, then updates that move every value to
	// another row's, then a delete.
	for i, r := range typeRows {
		mustExec(t, db, fmt.Sprintf("INSERT INTO types VALUES (%d, %s)", 100+i, r))
	}
	compareTypes(t, db, m)
	cols := typeColumns(t, db)
	var set []string
	for _, c := range cols[1:] {
		set = append(set, fmt.Sprintf("%s = (SELECT %s FROM (SELECT * FROM types) x WHERE x.id = 3)", quoteName(c), quoteName(c)))
	}
	mustExec(t, db, "UPDATE types SET "+strings.Join(set, ", ")+" WHERE id = 100")
	mustExec(t, db, "UPDATE types t1 JOIN types t2 ON t2.id = 1 SET t1.id = 200, "+strings.Join(setFrom(cols[1:], "t2"), ", ")+" WHERE t1.id = 102")
	mustExec(t, db, "DELETE FROM types WHERE id = 101")
	compareTypes(t, db, m)
	if st := m.rep.Status(); st.Snapshots != 1 || st.Transactions < 5 {
		t.Errorf("status %+v: want one copy and the stream's transactions", st)
	}
}

func setFrom(cols []string, from string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = fmt.Sprintf("t1.%s = %s.%s", quoteName(c), from, quoteName(c))
	}
	return out
}

// typeColumns lists the columns of table types in order.
func typeColumns(t testing.TB, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'types' ORDER BY ORDINAL_POSITION")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// compareTypes waits for the mirror to catch up and compares table types with MariaDB's,
// BIT columns as numbers (the text protocol sends BIT as bytes, Weir renders the number).
func compareTypes(t testing.TB, db *sql.DB, m *mirror) {
	t.Helper()
	catchUp(t, db, m)
	var sel []string
	for _, c := range typeColumns(t, db) {
		switch {
		case strings.HasPrefix(c, "b") && c != "bi" && c != "biu" && c != "bn" && c != "bl":
			sel = append(sel, quoteName(c)+" + 0")
		case c == "f":
			// Weir renders a FLOAT's value as the double it is.
			sel = append(sel, "CAST(f AS DOUBLE)")
		default:
			sel = append(sel, quoteName(c))
		}
	}
	want := dbRows(t, db, "SELECT "+strings.Join(sel, ", ")+" FROM types")
	rows, err := m.e.TableRows(context.Background(), "types")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = mirrortest.RowText(r)
	}
	slices.Sort(got)
	if len(got) != len(want) {
		t.Fatalf("types: %d rows in weir, %d in mariadb", len(got), len(want))
	}
	cols := typeColumns(t, db)
	for i := range got {
		g, w := strings.Split(got[i], "|"), strings.Split(want[i], "|")
		for j := range min(len(g), len(w)) {
			if g[j] != w[j] {
				t.Errorf("types row %s, column %s: weir %.80q, mariadb %.80q", w[0], cols[j], g[j], w[j])
			}
		}
	}
}

package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir/server"
)

// columnWire is what a client learns of a column of a result: its type code, character set
// and whether the binary flag is set, and the value of the first row as the text protocol
// and the binary protocol deliver it.
type columnWire struct {
	typ     byte
	charset uint16
	binary  bool
	text    string
	binVal  string
}

// TestColumnTypesOnTheWire reads one row of every column type over both protocols and checks
// the column definitions and values a MySQL client sees.
func TestColumnTypesOnTheWire(t *testing.T) {
	e, _, addr := startServer(t, server.Config{})
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE ty (id INT PRIMARY KEY, vb VARBINARY(8), bn BINARY(3), bl BLOB, lb LONGBLOB, tt TINYTEXT, vc VARCHAR(5), " +
			"y YEAR, y0 YEAR, tm TIME, tn TIME(3), bt BIT(5), bw BIT(16), en ENUM('a','B'), st SET('x','y'), js JSON)",
		`INSERT INTO ty VALUES (1, X'00FF41', 'a', 'Blob', '', 'tiny', 'v', 2024, 0, '-26:03:04', '00:00:01.5', b'101', 258, 'b', 'Y,x', '{"k": [1,2]}')`,
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	want := map[string]columnWire{
		"vb": {gmysql.MYSQL_TYPE_VAR_STRING, 63, true, "\x00\xffA", "\x00\xffA"},
		"bn": {gmysql.MYSQL_TYPE_STRING, 63, true, "a\x00\x00", "a\x00\x00"},
		"bl": {gmysql.MYSQL_TYPE_BLOB, 63, true, "Blob", "Blob"},
		"lb": {gmysql.MYSQL_TYPE_BLOB, 63, true, "", ""},
		"tt": {gmysql.MYSQL_TYPE_BLOB, 45, false, "tiny", "tiny"},
		"vc": {gmysql.MYSQL_TYPE_VAR_STRING, 45, false, "v", "v"},
		"y":  {gmysql.MYSQL_TYPE_YEAR, 63, false, "2024", "2024"},
		"y0": {gmysql.MYSQL_TYPE_YEAR, 63, false, "0000", "0"},
		"tm": {gmysql.MYSQL_TYPE_TIME, 63, true, "-26:03:04", "-26:03:04"},
		"tn": {gmysql.MYSQL_TYPE_TIME, 63, true, "00:00:01.500", "00:00:01.500000"},
		"bt": {gmysql.MYSQL_TYPE_BIT, 63, false, "\x05", "\x05"},
		"bw": {gmysql.MYSQL_TYPE_BIT, 63, false, "\x01\x02", "\x01\x02"},
		"en": {gmysql.MYSQL_TYPE_STRING, 45, false, "B", "B"},
		"st": {gmysql.MYSQL_TYPE_STRING, 45, false, "x,y", "x,y"},
		"js": {gmysql.MYSQL_TYPE_JSON, 63, true, `{"k": [1,2]}`, `{"k": [1,2]}`},
	}
	conn := connectRaw(t, addr)
	cols := "vb, bn, bl, lb, tt, vc, y, y0, tm, tn, bt, bw, en, st, js"
	text, err := conn.Execute("SELECT " + cols + " FROM ty WHERE id = 1")
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := conn.Prepare("SELECT " + cols + " FROM ty WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	bin, err := stmt.Execute(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(text.Values) != 1 || len(bin.Values) != 1 {
		t.Fatalf("rows: text %d, binary %d; want 1 each", len(text.Values), len(bin.Values))
	}
	for i, f := range text.Fields {
		name := string(f.Name)
		w, ok := want[name]
		if !ok {
			t.Fatalf("unexpected column %s", name)
		}
		got := columnWire{f.Type, f.Charset, f.Flag&gmysql.BINARY_FLAG != 0,
			fmt.Sprint(text.Values[0][i].Value()), ""}
		bf := bin.Fields[i]
		if bf.Type != f.Type || bf.Charset != f.Charset {
			t.Errorf("%s: prepared definition type %d charset %d, text %d %d", name, bf.Type, bf.Charset, f.Type, f.Charset)
		}
		got.binVal = fmt.Sprint(bin.Values[0][i].Value())
		if v, ok := bin.Values[0][i].Value().([]byte); ok {
			got.binVal = string(v)
		}
		// The text protocol's bytes as sent, before the client parses numbers.
		got.text = textCells(t, text.RowDatas[0])[i]
		if got != w {
			t.Errorf("%s: got %+v, want %+v", name, got, w)
		}
		if flag := map[string]uint16{"en": gmysql.ENUM_FLAG, "st": gmysql.SET_FLAG}[name]; f.Flag&flag != flag {
			t.Errorf("%s: flags %#x lack %#x", name, f.Flag, flag)
		}
	}
}

// textCells splits a text-protocol row into its values as sent (NULL as "NULL").
func textCells(t *testing.T, row []byte) []string {
	t.Helper()
	var out []string
	for len(row) > 0 {
		if row[0] == 0xfb {
			out = append(out, "NULL")
			row = row[1:]
			continue
		}
		n, isNull, w := gmysql.LengthEncodedInt(row)
		if isNull || w == 0 || int(n) > len(row)-w {
			t.Fatalf("malformed text row %x", row)
		}
		out = append(out, string(row[w:w+int(n)]))
		row = row[w+int(n):]
	}
	return out
}

// TestJSONAggregatesOnTheWire: JSON_ARRAYAGG and JSON_OBJECTAGG are JSON columns, as JSON
// columns are sent, over both protocols, and a group that empties reads as no row.
func TestJSONAggregatesOnTheWire(t *testing.T) {
	e, _, addr := startServer(t, server.Config{})
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE ja (id INT PRIMARY KEY, g INT, n INT, s VARCHAR(10))",
		`INSERT INTO ja VALUES (1, 1, 2, 'b"'), (2, 1, NULL, NULL), (3, 1, 1, 'a'), (4, 2, 7, 'x')`,
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn := connectRaw(t, addr)
	const q = "SELECT JSON_ARRAYAGG(n ORDER BY n DESC LIMIT 2) AS a, JSON_OBJECTAGG(s, n) AS o FROM ja WHERE g = ? GROUP BY g"
	stmt, err := conn.Prepare(q)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	want := []string{`[2,1]`, `{"a":1, "b\"":2}`}
	for _, tc := range []struct {
		name string
		run  func() (*gmysql.Result, error)
	}{
		{"text", func() (*gmysql.Result, error) { return conn.Execute(strings.Replace(q, "?", "1", 1)) }},
		{"binary", func() (*gmysql.Result, error) { return stmt.Execute(1) }},
	} {
		res, err := tc.run()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(res.Values) != 1 {
			t.Fatalf("%s: %d rows, want 1", tc.name, len(res.Values))
		}
		for i, f := range res.Fields {
			if f.Type != gmysql.MYSQL_TYPE_JSON {
				t.Errorf("%s: column %s has type %d, want JSON", tc.name, f.Name, f.Type)
			}
			if got := string(res.Values[0][i].AsString()); got != want[i] {
				t.Errorf("%s: column %s = %s, want %s", tc.name, f.Name, got, want[i])
			}
		}
	}
	// On the session that reads, so that its read waits for the delete.
	if _, err := conn.Execute("DELETE FROM ja WHERE g = 1"); err != nil {
		t.Fatal(err)
	}
	res, err := stmt.Execute(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Values) != 0 {
		t.Errorf("after the group's rows left: %d rows, want none", len(res.Values))
	}
}

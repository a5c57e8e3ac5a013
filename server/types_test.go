package server_test

import (
	"context"
	"fmt"
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
		"CREATE TABLE ty (id INT PRIMARY KEY, vb VARBINARY(8), bn BINARY(3), bl BLOB, lb LONGBLOB, tt TINYTEXT, vc VARCHAR(5))",
		"INSERT INTO ty VALUES (1, X'00FF41', 'a', 'Blob', '', 'tiny', 'v')",
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
	}
	conn := connectRaw(t, addr)
	cols := "vb, bn, bl, lb, tt, vc"
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
		if v, ok := text.Values[0][i].Value().([]byte); ok {
			got.text = string(v)
		}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", name, got, w)
		}
	}
}

package pgwire

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/weirdb/weir/dataflow"

	"github.com/weirdb/weir/internal/testserver"
)

// typeColumns are the same columns in PostgreSQL's DDL and in Weir's (MySQL's) DDL, with
// values both store alike.
var typeColumns = []struct {
	name, pg, weir, value string
}{
	{"s", "smallint", "SMALLINT", "-32768"},
	{"i", "integer", "INT", "2147483647"},
	{"b", "bigint", "BIGINT", "-9223372036854775808"},
	{"n", "numeric(10,2)", "DECIMAL(10,2)", "'-12345.60'"},
	{"n0", "numeric(12,0)", "DECIMAL(12,0)", "'100000000000'"},
	{"nz", "numeric(8,3)", "DECIMAL(8,3)", "0"},
	{"n1", "numeric(8,4)", "DECIMAL(8,4)", "'-1'"},
	{"r", "real", "FLOAT", "1.5"},
	{"d", "double precision", "DOUBLE", "1e20"},
	{"d2", "double precision", "DOUBLE", "0.000123456789"},
	{"d3", "double precision", "DOUBLE", "1234567.25"},
	{"f", "boolean", "BOOLEAN", "true"},
	{"v", "varchar(20)", "VARCHAR(20)", "'Ünïcødé ✓ it''s'"},
	{"c", "char(5)", "CHAR(5)", "'abcde'"},
	{"t", "text", "TEXT", "'line\none'"},
	{"by", "bytea", "BLOB", "'\\x00ff41'"},
	{"dt", "date", "DATE", "'2026-11-01'"},
	{"tm", "time", "TIME", "'10:11:12'"},
	{"ts", "timestamp(3)", "DATETIME(3)", "'2026-11-01 10:00:00.123'"},
	{"ts0", "timestamp(0)", "DATETIME", "'1999-12-31 23:59:59'"},
	{"tz", "timestamptz", "TIMESTAMP(6)", "'2026-11-01 10:00:00.5'"},
	{"j", "json", "JSON", `'{"a": [1, 2]}'`},
}

// TestTypesMatchPostgres reads one row of every type Weir has, and a row of NULLs, from a
// private PostgreSQL 15 and from Weir, in text and in binary, and compares what each sent:
// the columns' type OIDs and sizes, and every value's bytes.
func TestTypesMatchPostgres(t *testing.T) {
	pg := testserver.StartPostgres(t)
	var pgCols, weirCols, vals, nulls string
	for i, c := range typeColumns {
		sep := ", "
		if i == 0 {
			sep = ""
		}
		pgCols += sep + c.name + " " + c.pg
		weirCols += sep + "`" + c.name + "` " + c.weir
		vals += sep + c.value
		nulls += sep + "NULL"
	}
	// MySQL writes bytea's literal as x'…'.
	weirVals := bytes.ReplaceAll([]byte(vals), []byte(`'\x00ff41'`), []byte(`x'00ff41'`))
	if out, err := pg.Psql("", "SET TimeZone = 'UTC'; CREATE TABLE types (id int PRIMARY KEY, "+pgCols+");"+
		"INSERT INTO types VALUES (1, "+vals+"), (2, "+nulls+")"); err != nil {
		t.Fatalf("PostgreSQL: %v\n%s", err, out)
	}
	e := openEngine(t)
	execSQL(t, e, "CREATE TABLE types (id INT PRIMARY KEY, "+weirCols+")")
	execSQL(t, e, "INSERT INTO types VALUES (1, "+string(weirVals)+"), (2, "+nulls+")")
	s := startServer(t, e, Config{Dialect: EngineDialect{E: e}})

	read := func(c *rawClient, format int16) []string {
		c.send(&pgproto3.Query{String: "SET TimeZone = 'UTC'"})
		c.until()
		c.send(&pgproto3.Parse{Query: "SELECT * FROM types ORDER BY id"},
			&pgproto3.Bind{ResultFormatCodes: []int16{format}},
			&pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{})
		var out []string
		for {
			m, err := c.fe.Receive()
			if err != nil {
				t.Fatal(err)
			}
			switch m := m.(type) {
			case *pgproto3.RowDescription:
				for _, f := range m.Fields {
					out = append(out, fmt.Sprintf("column %s: oid %d size %d format %d", f.Name, f.DataTypeOID, f.DataTypeSize, f.Format))
				}
			case *pgproto3.DataRow:
				for i, v := range m.Values {
					out = append(out, fmt.Sprintf("value %d: %q", i, v))
				}
			case *pgproto3.ErrorResponse:
				t.Fatalf("%s: %s", m.Code, m.Message)
			case *pgproto3.ReadyForQuery:
				return out
			}
		}
	}
	for _, format := range []int16{0, 1} {
		want := read(dialRawAddr(t, pg.Addr, "postgres", "postgres"), format)
		got := read(dialRaw(t, s), format)
		if len(got) != len(want) {
			t.Fatalf("format %d: %d items from Weir, %d from PostgreSQL", format, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("format %d:\n Weir       %s\n PostgreSQL %s", format, got[i], want[i])
			}
		}
	}
}

// TestIntegerWidth: a value past the width its column is announced with fails the
// statement with 22003, in text and in binary, as PostgreSQL's int4 and int2 arithmetic
// does; it is never sent wrapped around.
func TestIntegerWidth(t *testing.T) {
	c := newCodec()
	for _, tc := range []struct {
		v   dataflow.Value
		oid uint32
		ok  bool
	}{
		{dataflow.Int(math.MaxInt32), pgtype.Int4OID, true},
		{dataflow.Int(math.MaxInt32 + 1), pgtype.Int4OID, false},
		{dataflow.Int(math.MinInt32 - 1), pgtype.Int4OID, false},
		{dataflow.Int(math.MinInt16), pgtype.Int2OID, true},
		{dataflow.Int(math.MaxInt16 + 1), pgtype.Int2OID, false},
		{dataflow.Uint(math.MaxUint64), pgtype.Int8OID, false},
		{dataflow.Int(math.MaxInt32 + 1), pgtype.Int8OID, true},
	} {
		for _, binary := range []bool{false, true} {
			var err error
			if binary {
				_, err = c.appendBinary(nil, tc.v, tc.oid)
			} else {
				_, err = c.appendText(nil, tc.v, tc.oid)
			}
			var pe *pgError
			switch {
			case tc.ok && err != nil:
				t.Errorf("%v as %d (binary %v): %v", tc.v, tc.oid, binary, err)
			case !tc.ok && (!errors.As(err, &pe) || pe.code != "22003"):
				t.Errorf("%v as %d (binary %v): %v, want 22003", tc.v, tc.oid, binary, err)
			}
		}
	}
}

// TestIntegerOverflowOverWire: integer arithmetic over integer columns is an integer, and a
// result past it fails the statement with 22003 in both protocols, as in PostgreSQL.
func TestIntegerOverflowOverWire(t *testing.T) {
	_, s := newsServer(t, Config{})
	ctx := testCtx(t)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		t.Run(mode.String(), func(t *testing.T) {
			conn := connect(t, dsn(s, "root", ""))
			rows, err := conn.Query(ctx, "SELECT author + 1 AS n FROM article WHERE id = 1", mode)
			if err != nil {
				t.Fatal(err)
			}
			var n int32
			for rows.Next() {
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if oid := rows.FieldDescriptions()[0].DataTypeOID; oid != pgtype.Int4OID || n != 2 {
				t.Fatalf("author + 1: %d of type %d, want 2 of int4", n, oid)
			}
			err = conn.QueryRow(ctx, "SELECT author + 2147483647 FROM article WHERE id = 1", mode).Scan(&n)
			if code := pgCode(err); code != "22003" {
				t.Fatalf("an int4 result past its range: %v, want 22003", err)
			}
		})
	}
}

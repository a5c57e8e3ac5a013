package expr

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir/dataflow"
)

// TestAgainstMariaDB evaluates every constant expression of the tables on a MariaDB or MySQL
// server and compares the value and the result kind with Weir's expectation, so the tables
// are checked against a real server rather than against memory. Constant expressions render
// (String) as valid SQL. It runs when WEIR_TEST_MYSQL_DSN names a server (a go-sql-driver
// DSN such as "root@unix(/tmp/mdb/sock)/"); cases marked mysqlOnly are skipped on MariaDB.
func TestAgainstMariaDB(t *testing.T) {
	dsn := os.Getenv("WEIR_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("WEIR_TEST_MYSQL_DSN not set")
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version string
	if err := db.QueryRow("SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	mariadb := strings.Contains(strings.ToLower(version), "mariadb")
	var all []evalCase
	for _, set := range [][]evalCase{arithCases(), compareCases(), likeCases(), funcCases(), dateTimeCases(), stringMoreCases(), jsonReadCases(), jsonPathCases()} {
		all = append(all, set...)
	}
	checked := 0
	for _, c := range all {
		if c.row != nil || !IsConst(c.e) || (c.mysqlOnly && mariadb) {
			continue
		}
		checked++
		q := "SELECT " + c.e.String()
		rows, err := db.Query(q)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		types, _ := rows.ColumnTypes()
		var got sql.NullString
		rows.Next()
		err = rows.Scan(&got)
		rows.Close()
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		want := c.want
		switch {
		case want.IsNull() != !got.Valid:
			t.Errorf("%s: server %q (valid %v), Weir expects %v", q, got.String, got.Valid, want)
		case want.Kind() == dataflow.KindFloat:
			f, err := strconv.ParseFloat(got.String, 64)
			if err != nil || math.Abs(f-want.RawFloat()) > 1e-12*math.Max(1, math.Abs(f)) {
				t.Errorf("%s: server %s, Weir expects %v", q, got.String, want)
			}
		case !want.IsNull() && got.String != want.ToText():
			t.Errorf("%s: server %s, Weir expects %s", q, got.String, want.ToText())
		}
		if c.kind != dataflow.KindNull && len(types) == 1 {
			if sk, ok := serverKind(types[0].DatabaseTypeName()); ok && sk != c.kind && !(sk == kInt && c.kind == kU) {
				t.Errorf("%s: server type %s, Weir's kind %s", q, types[0].DatabaseTypeName(), c.kind)
			}
		}
	}
	t.Logf("%d expressions checked against %s", checked, version)
}

// TestConvertAgainstMariaDB stores every strict conversion case into a column of its type on
// the server in strict mode and compares the stored value or the error number.
func TestConvertAgainstMariaDB(t *testing.T) {
	dsn := os.Getenv("WEIR_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("WEIR_TEST_MYSQL_DSN not set")
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE'"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS weir_expr_test"); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range convertCases() {
		if !c.strict || c.serverSkip || c.t.SQL == "" || c.v.IsNull() {
			continue
		}
		checked++
		_, _ = conn.ExecContext(ctx, "DROP TEMPORARY TABLE IF EXISTS weir_expr_test.conv")
		if _, err := conn.ExecContext(ctx, "CREATE TEMPORARY TABLE weir_expr_test.conv (x "+c.t.SQL+")"); err != nil {
			t.Fatalf("create %s: %v", c.t.SQL, err)
		}
		ins := "INSERT INTO weir_expr_test.conv VALUES (" + formatLiteral(c.v) + ")"
		_, err := conn.ExecContext(ctx, ins)
		var me *mysql.MySQLError
		switch {
		case c.code != 0:
			if !errors.As(err, &me) || int(me.Number) != c.code {
				t.Errorf("%s into %s: server %v, Weir expects error %d", ins, c.t.SQL, err, c.code)
			}
			continue
		case err != nil:
			t.Errorf("%s into %s: server %v, Weir expects %v", ins, c.t.SQL, err, c.want)
			continue
		}
		var got sql.NullString
		if err := conn.QueryRowContext(ctx, "SELECT x FROM weir_expr_test.conv").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got.String != c.want.ToText() {
			t.Errorf("%s into %s: server stored %s, Weir converts to %s", ins, c.t.SQL, got.String, c.want.ToText())
		}
	}
	t.Logf("%d conversions checked", checked)
}

func serverKind(name string) (dataflow.Kind, bool) {
	switch name {
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT":
		return dataflow.KindInt, true
	case "UNSIGNED BIGINT", "UNSIGNED INT":
		return dataflow.KindUint, true
	case "DECIMAL":
		return dataflow.KindDecimal, true
	case "DOUBLE", "FLOAT":
		return dataflow.KindFloat, true
	case "VARCHAR", "CHAR", "TEXT", "MEDIUMTEXT", "LONGTEXT":
		return dataflow.KindString, true
	case "DATE":
		return dataflow.KindDate, true
	case "DATETIME":
		return dataflow.KindDatetime, true
	}
	return 0, false
}

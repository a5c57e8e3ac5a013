package server_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir/server"
)

// TestKeysOverTheWire: SHOW CREATE TABLE and SHOW INDEX list a table's keys as MariaDB does,
// DESCRIBE marks key columns, and a duplicate reaches the client as error 1062 with
// MariaDB's message.
func TestKeysOverTheWire(t *testing.T) {
	ctx := context.Background()
	_, _, addr := startServer(t, server.Config{})
	db := openDB(t, addr, "")
	for _, q := range []string{
		"CREATE TABLE acct (id INT NOT NULL AUTO_INCREMENT, email VARCHAR(40) NOT NULL, org INT, name VARCHAR(30), bio TEXT, " +
			"PRIMARY KEY (id), UNIQUE KEY (org, name), KEY (org), FULLTEXT KEY ft (bio), UNIQUE (email)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='accounts'",
		"CREATE INDEX by_name ON acct (name(10))",
		"/*!40000 ALTER TABLE `acct` DISABLE KEYS */",
		"INSERT INTO acct (email, org, name) VALUES ('a@x', 1, 'ann')",
		"/*!40000 ALTER TABLE `acct` ENABLE KEYS */",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var table, ddl string
	if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE acct").Scan(&table, &ddl); err != nil {
		t.Fatal(err)
	}
	want := "CREATE TABLE `acct` (\n" +
		"  `id` int NOT NULL AUTO_INCREMENT,\n" +
		"  `email` varchar(40) NOT NULL,\n" +
		"  `org` int,\n" +
		"  `name` varchar(30),\n" +
		"  `bio` text,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `email` (`email`),\n" +
		"  UNIQUE KEY `org` (`org`,`name`),\n" +
		"  KEY `org_2` (`org`),\n" +
		"  KEY `by_name` (`name`(10)),\n" +
		"  FULLTEXT KEY `ft` (`bio`)\n" +
		") COMMENT='accounts'"
	if ddl != want {
		t.Fatalf("SHOW CREATE TABLE:\n%s\nwant\n%s", ddl, want)
	}

	rows, err := db.QueryContext(ctx, "SHOW KEYS FROM acct")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for rows.Next() {
		var tbl, key, col, null, kind, comment, icomment, ignored string
		var nonUnique, seq int
		var collation, packed sql.NullString
		var card, sub sql.NullInt64
		if err := rows.Scan(&tbl, &nonUnique, &key, &seq, &col, &collation, &card, &sub, &packed, &null, &kind, &comment, &icomment, &ignored); err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("%d %s %d %s %s %s", nonUnique, key, seq, col, null, kind)
		if sub.Valid {
			s += fmt.Sprintf(" (%d)", sub.Int64)
		}
		listed = append(listed, s)
	}
	rows.Close()
	wantKeys := "0 PRIMARY 1 id  BTREE|0 email 1 email  BTREE|0 org 1 org YES BTREE|0 org 2 name YES BTREE|" +
		"1 org_2 1 org YES BTREE|1 by_name 1 name YES BTREE (10)|1 ft 1 bio YES FULLTEXT"
	if got := strings.Join(listed, "|"); got != wantKeys {
		t.Fatalf("SHOW KEYS:\n%s\nwant\n%s", got, wantKeys)
	}

	rows, err = db.QueryContext(ctx, "DESCRIBE acct")
	if err != nil {
		t.Fatal(err)
	}
	var described []string
	for rows.Next() {
		var field, typ, null, key, extra string
		var def sql.NullString
		if err := rows.Scan(&field, &typ, &null, &key, &def, &extra); err != nil {
			t.Fatal(err)
		}
		described = append(described, field+":"+key)
	}
	rows.Close()
	if got := strings.Join(described, " "); got != "id:PRI email:UNI org:MUL name:MUL bio:MUL" {
		t.Fatalf("DESCRIBE keys: %s", got)
	}

	if _, err := db.ExecContext(ctx, "CREATE TABLE nopk (a INT NOT NULL, b INT, UNIQUE (a), UNIQUE (b))"); err != nil {
		t.Fatal(err)
	}
	rows, err = db.QueryContext(ctx, "DESCRIBE nopk")
	if err != nil {
		t.Fatal(err)
	}
	described = described[:0]
	for rows.Next() {
		var field, typ, null, key, extra string
		var def sql.NullString
		if err := rows.Scan(&field, &typ, &null, &key, &def, &extra); err != nil {
			t.Fatal(err)
		}
		described = append(described, field+":"+key)
	}
	rows.Close()
	if got := strings.Join(described, " "); got != "a:PRI b:UNI" {
		t.Fatalf("DESCRIBE keys without a primary key: %s", got)
	}

	_, err = db.ExecContext(ctx, "INSERT INTO acct (email, org, name) VALUES ('A@X', 2, 'bob')")
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1062 || me.Message != "Duplicate entry 'A@X' for key 'email'" {
		t.Fatalf("duplicate email: %v", err)
	}
	_, err = db.ExecContext(ctx, "SELECT id FROM acct WHERE MATCH (bio) AGAINST ('x')")
	wantCode(t, err, 1235, "MATCH … AGAINST")
}

package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/weirdb/weir/server"
)

// TestDatabasesOverTheWire: a test runner's life with a fresh database: CREATE DATABASE,
// connect to it by DSN (COM_INIT_DB), work with unqualified names there while another
// session works in the default database with the same names, list and describe what each
// holds, then drop it from under its own session.
func TestDatabasesOverTheWire(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	ctx := context.Background()
	admin := openDB(t, addr, "")
	for _, q := range []string{
		"CREATE DATABASE app_test",
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20))",
		"INSERT INTO users VALUES (1, 'default')",
	} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, err := admin.ExecContext(ctx, "CREATE DATABASE APP_TEST")
	wantCode(t, err, 1007, "a database that exists")

	dsn := fmt.Sprintf("root@tcp(%s)/app_test?interpolateParams=false", addr)
	app, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	for _, q := range []string{
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20), KEY by_name (name))",
		"INSERT INTO users VALUES (1, 'in app'), (2, 'also app')",
		"CREATE VIEW named AS SELECT id, name FROM users WHERE name LIKE 'in%'",
	} {
		if _, err := app.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	one := func(db *sql.DB, q string, args ...any) string {
		t.Helper()
		var s sql.NullString
		if err := db.QueryRowContext(ctx, q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s.String
	}
	if got := one(app, "SELECT name FROM users WHERE id = ?", 1); got != "in app" {
		t.Fatalf("app reads %q", got)
	}
	if got := one(admin, "SELECT name FROM users WHERE id = ?", 1); got != "default" {
		t.Fatalf("the default database reads %q", got)
	}
	if got := one(admin, "SELECT name FROM app_test.named WHERE id = ?", 1); got != "in app" {
		t.Fatalf("a qualified view reads %q", got)
	}
	if got := one(app, "SELECT DATABASE()"); got != "app_test" {
		t.Fatalf("DATABASE() is %q", got)
	}
	list := func(db *sql.DB, q string) []string {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, vals[0].String)
		}
		return out
	}
	if got := list(admin, "SHOW DATABASES"); !slices.Equal(got, []string{"app_test", "information_schema", "weir"}) {
		t.Fatalf("SHOW DATABASES: %q", got)
	}
	if got := list(app, "SHOW TABLES"); !slices.Equal(got, []string{"named", "users"}) {
		t.Fatalf("SHOW TABLES in app_test: %q", got)
	}
	if got := list(admin, "SHOW TABLES FROM app_test LIKE 'u%'"); !slices.Equal(got, []string{"users"}) {
		t.Fatalf("SHOW TABLES FROM app_test: %q", got)
	}
	if got := list(admin, "SHOW COLUMNS FROM users FROM app_test"); len(got) != 2 {
		t.Fatalf("SHOW COLUMNS FROM users FROM app_test: %q", got)
	}
	if got := list(admin, "SHOW INDEX FROM app_test.users"); !slices.Equal(got, []string{"users", "users"}) {
		t.Fatalf("SHOW INDEX FROM app_test.users: %q", got)
	}
	if got := list(admin, "DESCRIBE app_test.named"); !slices.Equal(got, []string{"id", "name"}) {
		t.Fatalf("DESCRIBE app_test.named: %q", got)
	}
	var name, create string
	if err := admin.QueryRowContext(ctx, "SHOW CREATE TABLE app_test.users").Scan(&name, &create); err != nil || name != "users" ||
		create[:len("CREATE TABLE `users` (")] != "CREATE TABLE `users` (" {
		t.Fatalf("SHOW CREATE TABLE app_test.users: %q %q %v", name, create, err)
	}
	if err := admin.QueryRowContext(ctx, "SHOW CREATE DATABASE app_test").Scan(&name, &create); err != nil ||
		create != "CREATE DATABASE `app_test` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */" {
		t.Fatalf("SHOW CREATE DATABASE: %q %q %v", name, create, err)
	}

	// The session whose database is dropped has none: unqualified names fail with 1046.
	conn, err := app.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "DROP DATABASE app_test"); err != nil {
		t.Fatal(err)
	}
	var db sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db); err != nil || db.Valid {
		t.Fatalf("DATABASE() after its drop: %v %v", db, err)
	}
	_, err = conn.ExecContext(ctx, "INSERT INTO users VALUES (3, 'x')")
	wantCode(t, err, 1046, "an unqualified write with no database")
	_, err = conn.ExecContext(ctx, "USE app_test")
	wantCode(t, err, 1049, "USE of a dropped database")
	if _, err := conn.ExecContext(ctx, "USE weir"); err != nil {
		t.Fatal(err)
	}
	if got := one(admin, "SELECT COUNT(*) FROM users"); got != "1" {
		t.Fatalf("the default database's table after the drop holds %s rows", got)
	}
	bad, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/app_test", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	wantCode(t, bad.PingContext(ctx), 1049, "connecting to a dropped database")
}

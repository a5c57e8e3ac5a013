package weir_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// TestDatabasesResolveNamesAndSurviveRestart: tables of the same name in two databases stay
// apart; a context's database resolves unqualified names in writes, reads, prepared
// statements, transactions and named caches; and all of it (databases, tables, views, a
// cache registered in a database) comes back after a restart.
func TestDatabasesResolveNamesAndSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	shop := weir.WithDatabase(bg, "Shop")
	mustExec(t, e, "CREATE DATABASE Shop")
	mustExec(t, e, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))")
	mustExec(t, e, "INSERT INTO items VALUES (1, 'home one')")
	for _, sql := range []string{
		"CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), owner INT)",
		"CREATE TABLE owners (id INT PRIMARY KEY, name VARCHAR(20))",
		"INSERT INTO items VALUES (1, 'shop one', 7), (2, 'shop two', 7)",
		"INSERT INTO owners VALUES (7, 'olga')",
		"CREATE VIEW owned AS SELECT i.id, i.name, o.name AS owner FROM items i JOIN owners o ON o.id = i.owner",
	} {
		if _, err := e.Exec(shop, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if _, err := e.Register(shop, "owned_by", "SELECT id, name FROM owned WHERE owner = ?"); err != nil {
		t.Fatal(err)
	}
	st, err := e.PrepareContext(shop, "SELECT name FROM items WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := e.Begin(shop)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(shop, "INSERT INTO items VALUES (3, 'shop three', 7)"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(bg); err != nil {
		t.Fatal(err)
	}

	check := func(e *weir.Engine, st *weir.Stmt) {
		t.Helper()
		home, err := e.Query(bg, "SELECT name FROM items WHERE id = ?", 1)
		if err != nil {
			t.Fatal(err)
		}
		inShop, err := e.Query(shop, "SELECT name FROM items WHERE id = ?", 1)
		if err != nil {
			t.Fatal(err)
		}
		qualified, err := e.Query(bg, "SELECT i.name, o.name FROM shop.items i JOIN owners o ON o.id = i.owner JOIN weir.items h ON h.id = i.id WHERE i.id = ?", 1)
		if code := errCode(err); code != 1146 {
			t.Fatalf("owners resolved in the default database: %v", err)
		}
		qualified, err = e.Query(bg, "SELECT i.name, h.name FROM shop.items i JOIN weir.items h ON h.id = i.id WHERE i.id = ?", 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := [][]string{texts(home), texts(inShop), texts(qualified)}; !slices.Equal(got[0], []string{"home one"}) ||
			!slices.Equal(got[1], []string{"shop one"}) || !slices.Equal(got[2], []string{"shop one|home one"}) {
			t.Fatalf("reads %q", got)
		}
		prepared, err := st.Query(bg, 3) // the statement keeps the database it was prepared in
		if err != nil || !slices.Equal(texts(prepared), []string{"shop three"}) {
			t.Fatalf("prepared read %q, %v", texts(prepared), err)
		}
		v, err := e.View("owned_by")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := v.Lookup(bg, "olga")
		if err != nil {
			t.Fatal(err)
		}
		got := texts(rows)
		slices.Sort(got)
		if !slices.Equal(got, []string{"1|shop one", "2|shop two", "3|shop three"}) {
			t.Fatalf("cache in shop: %q", got)
		}
		if dbs := e.Databases(); !slices.Equal(dbs, []string{"Shop", "weir"}) {
			t.Fatalf("databases %q", dbs)
		}
		if tables := e.Tables(); !slices.Equal(tables, []string{"Shop.items", "Shop.owners", "items"}) {
			t.Fatalf("tables %q", tables)
		}
	}
	check(e, st)
	e = reopen(t, e, weir.Options{Dir: dir, MemoryLimit: -1})
	defer e.Close()
	st, err = e.PrepareContext(shop, "SELECT name FROM items WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	check(e, st)
}

// TestDropDatabaseDropsItsTablesViewsAndCaches: DROP DATABASE takes its tables (with their
// rows, durably), its views and every cache over them, reports how many tables it dropped,
// and leaves other databases alone; the default database cannot be dropped.
func TestDropDatabaseDropsItsTablesViewsAndCaches(t *testing.T) {
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	mustExec(t, e, "CREATE DATABASE tmp")
	mustExec(t, e, "CREATE TABLE tmp.a (id INT PRIMARY KEY)")
	mustExec(t, e, "CREATE TABLE tmp.b (id INT PRIMARY KEY, a_id INT, FOREIGN KEY (a_id) REFERENCES a (id))")
	mustExec(t, e, "CREATE VIEW tmp.v AS SELECT * FROM tmp.a")
	mustExec(t, e, "CREATE TABLE keep (id INT PRIMARY KEY)")
	mustExec(t, e, "INSERT INTO tmp.a VALUES (1)")
	mustExec(t, e, "INSERT INTO keep VALUES (1)")
	mustRegister(t, e, "over_tmp", "SELECT id FROM tmp.v WHERE id = ?")
	mustRegister(t, e, "over_keep", "SELECT id FROM keep WHERE id = ?")
	if _, err := e.Exec(bg, "DROP DATABASE weir"); errCode(err) != 1044 {
		t.Fatalf("dropping the default database: %v", err)
	}
	res := mustExec(t, e, "DROP DATABASE tmp")
	if res.RowsAffected != 2 {
		t.Fatalf("DROP DATABASE affected %d rows, want the 2 tables", res.RowsAffected)
	}
	res = mustExec(t, e, "DROP DATABASE IF EXISTS tmp")
	if len(res.Warnings) != 1 || res.Warnings[0].Code != 1008 {
		t.Fatalf("DROP DATABASE IF EXISTS of a missing database: %+v", res.Warnings)
	}
	verify := func(e *weir.Engine) {
		t.Helper()
		if _, err := e.View("over_tmp"); err == nil {
			t.Fatal("the cache over the dropped database's view survived")
		}
		if _, err := e.View("over_keep"); err != nil {
			t.Fatal(err)
		}
		if e.HasDatabase("tmp") || !slices.Equal(e.Tables(), []string{"keep"}) || len(e.SQLViews()) != 0 {
			t.Fatalf("after DROP DATABASE: databases %q, tables %q, views %q", e.Databases(), e.Tables(), e.SQLViews())
		}
		if _, err := e.Exec(bg, "CREATE TABLE tmp.a (id INT PRIMARY KEY)"); errCode(err) != 1049 {
			t.Fatalf("a table in the dropped database: %v", err)
		}
	}
	verify(e)
	mustExec(t, e, "CREATE DATABASE tmp")
	mustExec(t, e, "CREATE TABLE tmp.a (id INT PRIMARY KEY)")
	rows, err := e.TableRows(bg, "tmp.a")
	if err != nil || len(rows) != 0 {
		t.Fatalf("a table made again in a database made again holds %v, %v", rows, err)
	}
	mustExec(t, e, "DROP DATABASE tmp")
	e = reopen(t, e, weir.Options{Dir: dir, MemoryLimit: -1})
	defer e.Close()
	verify(e)
}

// TestNoDatabaseSelected: a context with no database (a session whose database was
// dropped) reads and writes only qualified names, with MySQL's error 1046 otherwise.
// reopen closes e and opens its directory again, as a restart does.
func reopen(t *testing.T, e *weir.Engine, opts weir.Options) *weir.Engine {
	t.Helper()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err := weir.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestNoDatabaseSelected(t *testing.T) {
	e := open(t, weir.Options{MemoryLimit: -1})
	none := weir.WithDatabase(context.Background(), "")
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY)")
	for _, sql := range []string{"SELECT * FROM t", "INSERT INTO t VALUES (1)", "CREATE TABLE u (id INT)", "DROP TABLE t"} {
		var err error
		if strings.HasPrefix(sql, "SELECT") {
			_, err = e.Query(none, sql)
		} else {
			_, err = e.Exec(none, sql)
		}
		if errCode(err) != 1046 {
			t.Errorf("%s with no database: %v, want 1046", sql, err)
		}
	}
	if _, err := e.Exec(none, "INSERT INTO weir.t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Exec(none, "CREATE TABLE `a.b` (id INT)"); errCode(err) != 1046 {
		t.Fatalf("%v", err)
	}
	if _, err := e.Exec(context.Background(), "CREATE TABLE `a.b` (id INT)"); errCode(err) != 1235 {
		t.Fatalf("a dot in a table name: %v, want Weir's refusal", err)
	}
	if _, err := e.Exec(context.Background(), "CREATE DATABASE `a.b`"); errCode(err) != 1235 {
		t.Fatalf("a dot in a database name: %v, want Weir's refusal", err)
	}
}

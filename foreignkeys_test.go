package weir_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/planner"
)

// fkSchema is a parent, a child that cascades and a grandchild that restricts.
func fkSchema(t *testing.T, e *weir.Engine) {
	mustExec(t, e, "CREATE TABLE authors (id INT PRIMARY KEY, name VARCHAR(20))")
	mustExec(t, e, "CREATE TABLE posts (id INT PRIMARY KEY, author INT, FOREIGN KEY (author) REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE)")
	mustExec(t, e, "CREATE TABLE pins (id INT PRIMARY KEY, post INT, CONSTRAINT pin_post FOREIGN KEY (post) REFERENCES posts (id))")
}

func TestForeignKeysSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	fkSchema(t, e)
	mustExec(t, e, "INSERT INTO authors VALUES (1, 'ann'), (2, 'bob')")
	mustExec(t, e, "INSERT INTO posts VALUES (10, 1), (11, 2)")
	want := "CREATE TABLE `posts` (\n  `id` int NOT NULL,\n  `author` int,\n  PRIMARY KEY (`id`),\n  KEY `author` (`author`),\n  CONSTRAINT `posts_ibfk_1` FOREIGN KEY (`author`) REFERENCES `authors` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n)"
	sc, err := e.Table("posts")
	if err != nil {
		t.Fatal(err)
	}
	if got := planner.CreateTableSQL(sc, 0); got != want {
		t.Fatalf("CREATE TABLE rendering:\n%s\nwant\n%s", got, want)
	}
	// A table made before the one it references, as a dump loads them.
	early := "CREATE TABLE early (id INT PRIMARY KEY, late INT, FOREIGN KEY (late) REFERENCES late (id))"
	if _, err := e.Exec(ctx, early); errCode(err) != 1005 {
		t.Fatalf("a missing parent with checks on: %v", err)
	}
	if _, err := e.Exec(weir.WithoutForeignKeyChecks(ctx), early); err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE late (id INT PRIMARY KEY)")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if sc, err := e.Table("posts"); err != nil || planner.CreateTableSQL(sc, 0) != want {
		t.Fatalf("after restart: %v %v", sc, err)
	}
	if _, err := e.Exec(ctx, "INSERT INTO posts VALUES (12, 9)"); errCode(err) != 1452 {
		t.Fatalf("child without parent after restart: %v", err)
	}
	if _, err := e.Exec(ctx, "INSERT INTO early VALUES (1, 5)"); errCode(err) != 1452 {
		t.Fatalf("a key to a table made later, after restart: %v", err)
	}
	mustExec(t, e, "INSERT INTO late VALUES (5)")
	mustExec(t, e, "INSERT INTO early VALUES (1, 5)")
	mustExec(t, e, "DELETE FROM authors WHERE id = 1")
	rows, err := e.TableRows(ctx, "posts")
	if err != nil || len(rows) != 1 {
		t.Fatalf("posts after a cascading delete: %v %v", rows, err)
	}
	if _, err := e.Exec(ctx, "DROP TABLE authors"); errCode(err) != 1451 {
		t.Fatalf("DROP TABLE of a referenced parent: %v", err)
	}
	if _, err := e.Exec(ctx, "TRUNCATE TABLE authors"); errCode(err) != 1701 {
		t.Fatalf("TRUNCATE of a referenced parent: %v", err)
	}
}

func TestForeignKeyCascadeFlowsToViewsAndFailsAtomically(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	fkSchema(t, e)
	byAuthor := mustRegister(t, e, "by_author", "SELECT p.id FROM posts p JOIN authors a ON a.id = p.author WHERE a.name = ?")
	mustExec(t, e, "INSERT INTO authors VALUES (1, 'ann'), (2, 'bob')")
	mustExec(t, e, "INSERT INTO posts VALUES (10, 1), (11, 1), (12, 2)")
	mustExec(t, e, "INSERT INTO pins VALUES (1, 12)")
	res := mustExec(t, e, "UPDATE authors SET id = 5 WHERE id = 1")
	if res.RowsAffected != 1 {
		t.Fatalf("cascaded rows must not count as affected: %+v", res)
	}
	rows, err := byAuthor.LookupAfter(ctx, res.Token, "ann")
	if err != nil || rows.Len() != 2 {
		t.Fatalf("view after ON UPDATE CASCADE: %v %v", texts(rows), err)
	}
	// Deleting bob cascades to post 12, which a pin restricts: nothing changes.
	if _, err := e.Exec(ctx, "DELETE FROM authors"); errCode(err) != 1451 || !strings.Contains(err.Error(), "CONSTRAINT `pin_post` FOREIGN KEY (`post`) REFERENCES `posts` (`id`)") {
		t.Fatalf("cascade into a restricting grandchild: %v", err)
	}
	for _, table := range []string{"authors", "posts"} {
		rows, err := e.TableRows(ctx, table)
		if err != nil || len(rows) != map[string]int{"authors": 2, "posts": 3}[table] {
			t.Fatalf("%s after a failed cascade: %v %v", table, rows, err)
		}
	}
	res = mustExec(t, e, "DELETE FROM pins")
	res = mustExec(t, e, "DELETE FROM authors WHERE name = 'ann'")
	rows, err = byAuthor.LookupAfter(ctx, res.Token, "ann")
	if err != nil || rows.Len() != 0 {
		t.Fatalf("view after ON DELETE CASCADE: %v %v", texts(rows), err)
	}
}

func TestForeignKeyViolationInTransactionFailsTheStatement(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	fkSchema(t, e)
	mustExec(t, e, "INSERT INTO authors VALUES (1, 'ann')")
	tx, err := e.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	txExec(t, tx, "INSERT INTO posts VALUES (10, 1)")
	if _, err := tx.Exec(ctx, "INSERT INTO pins VALUES (1, 99)"); errCode(err) != 1452 {
		t.Fatalf("child without parent in a transaction: %v", err)
	}
	txExec(t, tx, "INSERT INTO pins VALUES (1, 10)")
	if _, err := tx.Exec(ctx, "DELETE FROM authors"); errCode(err) != 1451 {
		t.Fatalf("cascade into a pinned post in a transaction: %v", err)
	}
	if _, err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for table, n := range map[string]int{"authors": 1, "posts": 1, "pins": 1} {
		rows, err := e.TableRows(ctx, table)
		if err != nil || len(rows) != n {
			t.Fatalf("%s after commit: %v %v", table, rows, err)
		}
	}
	if got := e.Tables(); !slices.Equal(got, []string{"authors", "pins", "posts"}) {
		t.Fatalf("tables: %v", got)
	}
}

func TestForeignKeysRefuseSchemaChangesThatWouldBreakThem(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{})
	fkSchema(t, e)
	for _, sql := range []string{
		"RENAME TABLE authors TO writers",
		"RENAME TABLE posts TO articles",
		"ALTER TABLE authors RENAME TO writers",
		"ALTER TABLE authors CHANGE id author_id INT",
		"ALTER TABLE authors DROP COLUMN id",
		"ALTER TABLE pins ADD COLUMN note INT, ADD FOREIGN KEY (note) REFERENCES authors (id)",
	} {
		if _, err := e.Exec(ctx, sql); errCode(err) != 1235 {
			t.Errorf("%s: %v, want error 1235", sql, err)
		}
	}
	if _, err := e.Exec(ctx, "DROP INDEX author ON posts"); errCode(err) != 1553 {
		t.Errorf("DROP INDEX of a foreign key's index: %v", err)
	}
	// A change that leaves the referenced columns alone is fine, on the parent and on the
	// child, whose key is kept and still checked.
	mustExec(t, e, "ALTER TABLE authors ADD COLUMN bio TEXT, DROP COLUMN name")
	mustExec(t, e, "ALTER TABLE posts ADD COLUMN title VARCHAR(20)")
	mustExec(t, e, "INSERT INTO authors VALUES (1, 'x')")
	mustExec(t, e, "INSERT INTO posts VALUES (1, 1, 't')")
	if _, err := e.Exec(ctx, "INSERT INTO posts VALUES (2, 2, 't')"); errCode(err) != 1452 {
		t.Fatalf("after ALTER of the parent and the child: %v", err)
	}
}

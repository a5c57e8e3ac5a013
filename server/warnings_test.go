package server_test

import (
	"strings"
	"testing"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/weirdb/weir/server"
)

// TestAlterTableWarning: an ALTER TABLE that drops a cache no longer fitting the table says
// so in its OK packet's warning count, SHOW WARNINGS names the cache, and the next
// statement clears the list, as MySQL's diagnostics area works.
func TestAlterTableWarning(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	c, err := client.Connect(addr, "root", "", "weir")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT)",
		"CREATE CACHE reads_b FROM SELECT b FROM t WHERE id = ?",
	} {
		if _, err := c.Execute(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	res, err := c.Execute("ALTER TABLE t DROP COLUMN b")
	if err != nil {
		t.Fatal(err)
	}
	if res.Warnings != 1 {
		t.Errorf("ALTER's OK packet counts %d warnings, want 1", res.Warnings)
	}
	for range 2 { // SHOW WARNINGS leaves the list as it is
		res, err = c.Execute("SHOW WARNINGS")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Values) != 1 {
			t.Fatalf("SHOW WARNINGS: %d rows, want 1", len(res.Values))
		}
		level, _ := res.GetString(0, 0)
		code, _ := res.GetInt(0, 1)
		msg, _ := res.GetString(0, 2)
		if level != "Warning" || code != 1356 || !strings.Contains(msg, "reads_b") {
			t.Errorf("SHOW WARNINGS: %s %d %q", level, code, msg)
		}
	}
	if res, err = c.Execute("SHOW COUNT(*) WARNINGS"); err != nil {
		t.Fatal(err)
	} else if n, _ := res.GetInt(0, 0); n != 1 {
		t.Errorf("SHOW COUNT(*) WARNINGS: %d", n)
	}
	if _, err := c.Execute("INSERT INTO t VALUES (1, 2)"); err != nil {
		t.Fatal(err)
	}
	res, err = c.Execute("SHOW WARNINGS")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Values) != 0 {
		t.Errorf("SHOW WARNINGS after another statement: %d rows", len(res.Values))
	}
}

// TestFulltextWarning: a FULLTEXT key is kept, and the statement that makes it warns that
// Weir does not search text.
func TestFulltextWarning(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	c, err := client.Connect(addr, "root", "", "weir")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{
		"CREATE TABLE docs (id INT PRIMARY KEY, body TEXT, title VARCHAR(50), FULLTEXT KEY ft_body (body))",
		"CREATE FULLTEXT INDEX ft_title ON docs (title)",
		"ALTER TABLE docs ADD COLUMN note TEXT, ADD FULLTEXT (note)",
	} {
		res, err := c.Execute(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if res.Warnings != 1 {
			t.Errorf("%s: %d warnings, want 1", q, res.Warnings)
			continue
		}
		show, err := c.Execute("SHOW WARNINGS")
		if err != nil {
			t.Fatal(err)
		}
		if msg, _ := show.GetString(0, 2); !strings.Contains(msg, "FULLTEXT") || !strings.Contains(msg, "MATCH") {
			t.Errorf("%s: warning %q", q, msg)
		}
	}
	res, err := c.Execute("CREATE INDEX plain ON docs (title)")
	if err != nil {
		t.Fatal(err)
	}
	if res.Warnings != 0 {
		t.Errorf("a plain index: %d warnings", res.Warnings)
	}
}

package weir_test

import (
	"context"
	"fmt"
	"log"

	"github.com/weirdb/weir"
)

// The news example: stories, users and votes; a page shows a story with its author's name
// and vote count, and a user's ten newest stories with their vote counts.
func Example() {
	ctx := context.Background()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	for _, ddl := range []string{
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
		"CREATE TABLE stories (id INT PRIMARY KEY AUTO_INCREMENT, author INT NOT NULL, title VARCHAR(200), created DATETIME)",
		"CREATE TABLE votes (story_id INT, user_id INT, PRIMARY KEY (story_id, user_id))",
	} {
		if _, err := e.Exec(ctx, ddl); err != nil {
			log.Fatal(err)
		}
	}
	story, err := e.Register(ctx, "story", `
		SELECT s.id, s.title, u.name AS author, COUNT(v.user_id) AS votes
		FROM stories s JOIN users u ON u.id = s.author LEFT JOIN votes v ON v.story_id = s.id
		WHERE s.id = ?
		GROUP BY s.id, s.title, u.name`)
	if err != nil {
		log.Fatal(err)
	}
	newest, err := e.Register(ctx, "newest", `
		SELECT s.id, s.title, COALESCE(vc.votes, 0) AS votes
		FROM stories s LEFT JOIN (SELECT story_id, COUNT(*) AS votes FROM votes GROUP BY story_id) vc
		     ON vc.story_id = s.id
		WHERE s.author = ?
		ORDER BY s.created DESC, s.id DESC LIMIT 10`)
	if err != nil {
		log.Fatal(err)
	}

	mustExec := func(sql string, args ...any) weir.Token {
		res, err := e.Exec(ctx, sql, args...)
		if err != nil {
			log.Fatal(err)
		}
		return res.Token
	}
	mustExec("INSERT INTO users VALUES (1, 'alice'), (2, 'bob')")
	mustExec("INSERT INTO stories (author, title, created) VALUES (1, 'Weir 1.0', '2026-11-01 10:00:00'), (1, 'Partial state', '2026-11-02 09:00:00')")
	mustExec("INSERT INTO votes VALUES (1, 1), (1, 2), (2, 2)")
	tok := mustExec("UPDATE users SET name = 'Alice' WHERE id = 1")

	rows, err := story.LookupAfter(ctx, tok, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows.Row(0)[1].ToText(), "by", rows.Row(0)[2].ToText(), "votes:", rows.Row(0)[3].ToText())

	tok = mustExec("DELETE FROM votes WHERE story_id = 1 AND user_id = 2")
	rows, err = newest.LookupAfter(ctx, tok, 1)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < rows.Len(); i++ {
		r := rows.Row(i)
		fmt.Println(r[0].ToText(), r[1].ToText(), r[2].ToText())
	}
	// Output:
	// Weir 1.0 by Alice votes: 2
	// 2 Partial state 1
	// 1 Weir 1.0 1
}

func ExampleEngine_Exec() {
	ctx := context.Background()
	e, _ := weir.Open(weir.Options{})
	defer e.Close()
	e.Exec(ctx, "CREATE TABLE counters (name VARCHAR(20) PRIMARY KEY, n INT NOT NULL DEFAULT 0)")
	e.Exec(ctx, "INSERT INTO counters (name) VALUES ('hits')")
	res, err := e.Exec(ctx, "INSERT INTO counters VALUES ('hits', 1) ON DUPLICATE KEY UPDATE n = n + VALUES(n)")
	fmt.Println(res.RowsAffected, err)
	_, err = e.Exec(ctx, "INSERT INTO counters VALUES ('HITS', 5)")
	code, state, _ := weir.ErrorCode(err)
	fmt.Println(code, state, err)
	// Output:
	// 2 <nil>
	// 1062 23000 Duplicate entry 'HITS' for key 'PRIMARY'
}

func ExampleEngine_Register() {
	ctx := context.Background()
	e, _ := weir.Open(weir.Options{})
	defer e.Close()
	e.Exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, grp INT, score DOUBLE)")
	e.Exec(ctx, "INSERT INTO t VALUES (1, 1, 2.5), (2, 1, 4), (3, 2, 1)")
	v, _ := e.Register(ctx, "best", "SELECT grp, MAX(score) AS best, COUNT(*) AS n FROM t WHERE grp = ? GROUP BY grp")
	for _, c := range v.Columns() {
		fmt.Print(c.Name, " ")
	}
	fmt.Println(v.NumParams())
	// Output: grp best n 1
}

func ExampleView_Lookup() {
	ctx := context.Background()
	e, _ := weir.Open(weir.Options{})
	defer e.Close()
	e.Exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, grp INT)")
	v, _ := e.Register(ctx, "by_group", "SELECT id FROM t WHERE grp IN (?, ?) ORDER BY id")
	res, _ := e.Exec(ctx, "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30), (4, 10)")
	rows, _ := v.LookupAfter(ctx, res.Token, 10, 30)
	for i := 0; i < rows.Len(); i++ {
		fmt.Print(rows.Row(i)[0].ToText(), " ")
	}
	fmt.Println()
	// Output: 1 3 4
}

func ExampleEngine_Query() {
	ctx := context.Background()
	e, _ := weir.Open(weir.Options{})
	defer e.Close()
	e.Exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))")
	e.Exec(ctx, "INSERT INTO t VALUES (5, 'five'), (6, 'six')")
	// Both queries read one view: the literal is a parameter of the shape.
	a, _ := e.Query(ctx, "SELECT name FROM t WHERE id = 5")
	b, _ := e.Query(ctx, "SELECT name FROM t WHERE id = 6")
	fmt.Println(a.Row(0)[0].ToText(), b.Row(0)[0].ToText())
	// Output: five six
}

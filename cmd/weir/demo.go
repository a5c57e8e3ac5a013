package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/weirdb/weir"
)

// demo runs the news example: stories, users and votes, with a story page and a user's
// newest stories kept up to date as writes arrive.
func demo(ctx context.Context, w io.Writer) error {
	e, err := weir.Open(weir.Options{})
	if err != nil {
		return err
	}
	defer e.Close()
	exec := func(sql string, args ...any) (weir.Token, error) {
		res, err := e.Exec(ctx, sql, args...)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", sql, err)
		}
		fmt.Fprintf(w, "> %s  -- %d row(s)\n", sql, res.RowsAffected)
		return res.Token, nil
	}
	for _, ddl := range []string{
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
		"CREATE TABLE stories (id INT PRIMARY KEY AUTO_INCREMENT, author INT NOT NULL, title VARCHAR(200), created DATETIME)",
		"CREATE TABLE votes (story_id INT, user_id INT, PRIMARY KEY (story_id, user_id))",
	} {
		if _, err := exec(ddl); err != nil {
			return err
		}
	}
	story, err := e.Register(ctx, "story", `SELECT s.id, s.title, u.name AS author, COUNT(v.user_id) AS votes
		FROM stories s JOIN users u ON u.id = s.author LEFT JOIN votes v ON v.story_id = s.id
		WHERE s.id = ? GROUP BY s.id, s.title, u.name`)
	if err != nil {
		return err
	}
	newest, err := e.Register(ctx, "newest", `SELECT s.id, s.title, COALESCE(vc.votes, 0) AS votes
		FROM stories s LEFT JOIN (SELECT story_id, COUNT(*) AS votes FROM votes GROUP BY story_id) vc ON vc.story_id = s.id
		WHERE s.author = ? ORDER BY s.created DESC, s.id DESC LIMIT 10`)
	if err != nil {
		return err
	}
	show := func(v *weir.View, tok weir.Token, arg any) error {
		rows, err := v.LookupAfter(ctx, tok, arg)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s(%v):\n", v.Name(), arg)
		for i := 0; i < rows.Len(); i++ {
			parts := []string{}
			for j, val := range rows.Row(i) {
				parts = append(parts, rows.Columns()[j].Name+"="+val.ToText())
			}
			fmt.Fprintf(w, "    %s\n", strings.Join(parts, " "))
		}
		return nil
	}
	steps := []string{
		"INSERT INTO users VALUES (1, 'alice'), (2, 'bob')",
		"INSERT INTO stories (author, title, created) VALUES (1, 'Weir 1.0', '2026-11-01 10:00:00'), (1, 'Partial state', '2026-11-02 09:00:00')",
		"INSERT INTO votes VALUES (1, 1), (1, 2), (2, 2)",
		"UPDATE users SET name = 'Alice' WHERE id = 1",
		"DELETE FROM votes WHERE story_id = 1 AND user_id = 2",
	}
	for _, s := range steps {
		tok, err := exec(s)
		if err != nil {
			return err
		}
		if err := show(story, tok, 1); err != nil {
			return err
		}
		if err := show(newest, tok, 1); err != nil {
			return err
		}
	}
	return nil
}

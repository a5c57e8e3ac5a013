package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdb/weir/server"
)

// TestViews covers views over the protocol: SHOW [FULL] TABLES lists them with their type,
// SHOW CREATE VIEW renders them, DESCRIBE lists their columns, queries read them, and the
// statements MySQL refuses are refused with MySQL's numbers.
func TestViews(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	db := openDB(t, addr, "")
	ctx := context.Background()
	mustExec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows := func(q string, args ...any) string {
		t.Helper()
		rs, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rs.Close()
		cols, _ := rs.Columns()
		var out []string
		for rs.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, v := range vals {
				if v.Valid {
					parts = append(parts, v.String)
				} else {
					parts = append(parts, "NULL")
				}
			}
			out = append(out, strings.Join(parts, "|"))
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, "\n")
	}
	mustExec("CREATE TABLE story (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL)")
	mustExec("CREATE TABLE vote (story_id INT NOT NULL, user_id INT)")
	mustExec("CREATE VIEW story_votes (story, votes) AS SELECT story_id, COUNT(*) FROM vote GROUP BY story_id")
	mustExec("CREATE VIEW ranked AS SELECT s.title, v.votes FROM story s JOIN story_votes v ON v.story = s.id")
	mustExec("INSERT INTO story VALUES (1, 'one'), (2, 'two')")
	mustExec("INSERT INTO vote VALUES (1, 10), (1, 11), (2, 10)")

	if got, want := rows("SHOW FULL TABLES"), "ranked|VIEW\nstory|BASE TABLE\nstory_votes|VIEW\nvote|BASE TABLE"; got != want {
		t.Errorf("SHOW FULL TABLES:\n%s\nwant\n%s", got, want)
	}
	if got, want := rows("SHOW TABLES LIKE 'story%'"), "story\nstory_votes"; got != want {
		t.Errorf("SHOW TABLES LIKE:\n%s\nwant\n%s", got, want)
	}
	want := "story_votes|CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `story_votes` (`story`,`votes`) AS SELECT story_id, COUNT(*) FROM vote GROUP BY story_id|utf8mb4|utf8mb4_general_ci"
	if got := rows("SHOW CREATE VIEW story_votes"); got != want {
		t.Errorf("SHOW CREATE VIEW:\n%s\nwant\n%s", got, want)
	}
	if got := rows("SHOW CREATE TABLE story_votes"); got != want {
		t.Errorf("SHOW CREATE TABLE of a view:\n%s\nwant\n%s", got, want)
	}
	if got, want := rows("DESCRIBE story_votes"), "story|int|NO||NULL|\nvotes|bigint|NO||NULL|"; got != want {
		t.Errorf("DESCRIBE story_votes:\n%s\nwant\n%s", got, want)
	}
	if got, want := rows("SELECT title, votes FROM ranked WHERE title = ?", "one"), "one|2"; got != want {
		t.Errorf("query over views: %q, want %q", got, want)
	}

	for _, c := range []struct {
		sql  string
		code uint16
	}{
		{"CREATE VIEW story AS SELECT 1", 1050},
		{"CREATE TABLE ranked (x INT)", 1050},
		{"CREATE VIEW ranked AS SELECT 1", 1050},
		{"SHOW CREATE VIEW story", 1347},
		{"SHOW CREATE VIEW nosuch", 1146},
		{"DROP VIEW story", 4092},
		{"DROP TABLE ranked", 1965},
		{"ALTER VIEW nosuch AS SELECT 1", 1146},
		{"CREATE VIEW bad (a) AS SELECT id, title FROM story", 1353},
		{"CREATE VIEW bad AS SELECT id, id FROM story", 1060},
		{"CREATE VIEW bad AS SELECT * FROM nosuch", 1146},
	} {
		_, err := db.ExecContext(ctx, c.sql)
		wantCode(t, err, c.code, c.sql)
	}
	_, err := db.QueryContext(ctx, "SHOW CREATE VIEW story")
	wantCode(t, err, 1347, "SHOW CREATE VIEW of a table")

	mustExec("ALTER VIEW ranked AS SELECT s.title, v.votes, s.id FROM story s JOIN story_votes v ON v.story = s.id")
	if got, want := rows("SELECT * FROM ranked WHERE id = 2"), "two|1|2"; got != want {
		t.Errorf("after ALTER VIEW: %q, want %q", got, want)
	}
	mustExec("DROP TABLE vote")
	for _, q := range []string{"SELECT * FROM ranked", "SELECT * FROM story_votes WHERE story = 1"} {
		_, err := db.QueryContext(ctx, q)
		wantCode(t, err, 1356, q+" after its table was dropped")
	}
	mustExec("DROP VIEW ranked, story_votes")
	if got, want := rows("SHOW FULL TABLES"), "story|BASE TABLE"; got != want {
		t.Errorf("SHOW FULL TABLES after DROP VIEW:\n%s\nwant\n%s", got, want)
	}
	_, err = db.ExecContext(ctx, "DROP VIEW IF EXISTS ranked")
	if err != nil {
		t.Fatal(fmt.Errorf("DROP VIEW IF EXISTS: %w", err))
	}
}

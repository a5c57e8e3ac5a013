package planner

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updatePlans = flag.Bool("update-plans", false, "rewrite the golden plan files under testdata/")

// testSchema is the catalog every golden file and the fuzz target compile against.
var testSchema = []string{
	"CREATE TABLE users (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50) NOT NULL, email VARCHAR(100), karma INT NOT NULL DEFAULT 0, created DATETIME)",
	"CREATE TABLE stories (id INT PRIMARY KEY, author INT NOT NULL, title VARCHAR(200) NOT NULL, url TEXT, score DECIMAL(10,2), created DATE)",
	"CREATE TABLE votes (user_id INT NOT NULL, story_id INT NOT NULL, up TINYINT(1) NOT NULL DEFAULT 1, PRIMARY KEY (user_id, story_id))",
	"CREATE TABLE comments (id BIGINT UNSIGNED PRIMARY KEY, story_id INT NOT NULL, user_id INT, body TEXT, rating DOUBLE)",
	"CREATE TABLE nopk (a INT, b VARCHAR(10), c DOUBLE, d DATETIME(3))",
}

func testCatalog(t testing.TB) MapCatalog {
	t.Helper()
	var tables []*TableSchema
	for _, sql := range testSchema {
		st, err := Compile(nil, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		ct := st.(*CreateTable)
		tables = append(tables, &ct.Schema)
	}
	return NewMapCatalog(tables...)
}

// render is the golden form of a statement or of the error compiling it.
func render(st Statement, err error) string {
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			return fmt.Sprintf("untyped error: %v\n", err)
		}
		return fmt.Sprintf("error %d (%s): %s\n", pe.Code, pe.SQLState, pe.Msg)
	}
	if s, ok := st.(*Select); ok {
		return "text: " + s.Query.Text + "\n" + Format(st)
	}
	return Format(st)
}

// goldenCase is one statement of a golden file: comment lines, the SQL ("> " lines, several
// for a long statement) and the expected rendering.
type goldenCase struct {
	comments []string
	sql      string
	want     string
}

func readGolden(t *testing.T, path string) []goldenCase { return readGoldenFile(t, path) }

func readGoldenFile(t testing.TB, path string) []goldenCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	var comments []string
	inSQL := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "> "):
			if inSQL {
				c := &cases[len(cases)-1]
				c.sql += "\n" + line[2:]
				continue
			}
			cases = append(cases, goldenCase{comments: comments, sql: line[2:]})
			comments, inSQL = nil, true
		case strings.HasPrefix(line, "#"):
			comments = append(comments, line)
			inSQL = false
		default:
			inSQL = false
			if len(cases) > 0 {
				cases[len(cases)-1].want += line + "\n"
			}
		}
	}
	for i := range cases {
		cases[i].want = strings.TrimRight(cases[i].want, "\n") + "\n"
	}
	return cases
}

func writeGolden(t *testing.T, path string, cases []goldenCase) {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, l := range c.comments {
			b.WriteString(l + "\n")
		}
		for _, l := range strings.Split(c.sql, "\n") {
			b.WriteString("> " + l + "\n")
		}
		b.WriteString(c.want)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGolden(t *testing.T) {
	cat := testCatalog(t)
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cases := readGolden(t, path)
			for i := range cases {
				c := &cases[i]
				st, err := Compile(cat, c.sql)
				if s, ok := st.(*Select); ok && err == nil {
					if verr := validateQuery(s.Query); verr != nil {
						t.Errorf("%s: invalid plan: %v\n%s", c.sql, verr, s.Query)
					}
				}
				got := render(st, err)
				if *updatePlans {
					c.want = got
					continue
				}
				if got != c.want {
					t.Errorf("%s\n--- want\n%s--- got\n%s", c.sql, c.want, got)
				}
			}
			if *updatePlans {
				writeGolden(t, path, cases)
			}
		})
	}
}

package planner_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/planner"
)

// The key of a nested block changes how a query is computed (every key at once, the key
// carried to the reader, the branches of a UNION looked up apart), never what it answers.
// TestNestedKeysAnswerAsFilters checks that with the independent reference evaluator: over
// random tables, a query whose nested condition `c = v` is a key (written with a literal, or
// with `?` and the argument v) returns the rows of the same query with `c + 0 = v`, which no
// key extraction recognizes and which stays a plain filter inside its block.

var refSchema = []string{
	"CREATE TABLE stories (id INT PRIMARY KEY, author INT NOT NULL, score INT, title VARCHAR(10))",
	"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(10), karma INT)",
	"CREATE TABLE votes (user_id INT NOT NULL, story_id INT NOT NULL, up INT, PRIMARY KEY (user_id, story_id))",
}

// refTemplates hold slots @col@ (a condition `col = v`) and @col#2@ (`col IN (v, w)`).
var refTemplates = []string{
	"SELECT t.id, t.score FROM (SELECT id, score FROM stories WHERE @author@) AS t",
	"SELECT t.author, t.n, t.s FROM (SELECT author, COUNT(*) AS n, SUM(score) AS s FROM stories WHERE @score@ GROUP BY author) AS t",
	"SELECT t.author FROM (SELECT DISTINCT author FROM stories WHERE @score@) AS t",
	"SELECT t.id FROM (SELECT id FROM stories WHERE @author@ ORDER BY score DESC, id LIMIT 2) AS t",
	"SELECT COUNT(*), SUM(t.score), MAX(t.id) FROM (SELECT id, score FROM stories WHERE @author@) AS t",
	"SELECT u.name, COUNT(*) FROM users u JOIN (SELECT author FROM stories WHERE @score@) AS t ON t.author = u.id GROUP BY u.name",
	"SELECT t.id, u.name FROM (SELECT id, author FROM stories WHERE @score@) AS t LEFT JOIN users u ON u.id = t.author",
	"SELECT d.id FROM (SELECT t.id, t.score FROM (SELECT id, score FROM stories WHERE @author@) AS t) AS d WHERE @d.score@",
	"SELECT t.id FROM (SELECT id FROM stories WHERE @author#2@) AS t ORDER BY t.id LIMIT 2 OFFSET 1",
	"SELECT DISTINCT t.author FROM (SELECT author FROM stories WHERE @score#2@) AS t",
	"SELECT id, name FROM users WHERE id IN (SELECT author FROM stories WHERE @score@)",
	"SELECT id FROM users WHERE id IN (SELECT author FROM stories WHERE @score@) ORDER BY id DESC LIMIT 2",
	"SELECT COUNT(*) FROM users WHERE id IN (SELECT user_id FROM votes WHERE @story_id@) AND @karma@",
	"SELECT id, score FROM stories WHERE @author@ UNION ALL SELECT story_id, up FROM votes WHERE @user_id@",
	"SELECT author AS a FROM stories WHERE @score@ UNION SELECT user_id FROM votes WHERE @up@ ORDER BY a DESC LIMIT 2 OFFSET 1",
	"SELECT id FROM stories WHERE @author@ UNION ALL SELECT id FROM users UNION ALL SELECT story_id FROM votes WHERE @user_id#2@",
	"SELECT id FROM stories UNION SELECT id FROM users UNION ALL SELECT story_id FROM votes WHERE @user_id@",
	"SELECT COUNT(*) AS n FROM stories WHERE @author@ UNION ALL SELECT COUNT(*) FROM votes WHERE @user_id@ ORDER BY n LIMIT 1",
	"(SELECT id FROM stories WHERE @author@ ORDER BY id LIMIT 1) UNION ALL (SELECT story_id FROM votes WHERE @up@ ORDER BY story_id DESC LIMIT 1)",
	"SELECT d.x FROM (SELECT id AS x FROM stories WHERE @author@ UNION ALL SELECT story_id FROM votes WHERE @user_id@) AS d WHERE d.x > 1",
}

var refSlot = regexp.MustCompile(`@([a-z_.]+)(#2)?@`)

// refValues are the values a slot compares with: stored ones, one never stored, and NULL.
var refValues = []dataflow.Value{dataflow.Int(0), dataflow.Int(1), dataflow.Int(2), dataflow.Int(3), dataflow.Int(9), dataflow.Null}

func sqlLiteral(v dataflow.Value) string {
	if v.IsNull() {
		return "NULL"
	}
	return v.ToText()
}

// expand fills a template's slots: as keys with literals (literal), as keys with `?`, or as
// filters (`c + 0 = v`), and returns the arguments the `?` form takes.
func expand(tmpl string, vals []dataflow.Value, form string) (string, []dataflow.Value) {
	next := 0
	var args []dataflow.Value
	value := func() string {
		v := vals[next]
		next++
		if form == "param" {
			args = append(args, v)
			return "?"
		}
		return sqlLiteral(v)
	}
	sql := refSlot.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := refSlot.FindStringSubmatch(m)
		col := sub[1]
		if form == "filter" {
			col += " + 0"
		}
		if sub[2] != "" {
			a := value()
			return fmt.Sprintf("%s IN (%s, %s)", col, a, value())
		}
		return col + " = " + value()
	})
	return sql, args
}

func refCatalog(t *testing.T) planner.Catalog {
	var tables []*planner.TableSchema
	for _, sql := range refSchema {
		st, err := planner.Compile(nil, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		tables = append(tables, &st.(*planner.CreateTable).Schema)
	}
	return planner.NewMapCatalog(tables...)
}

func genRefTables(rt *rapid.T) map[string][]dataflow.Row {
	small := func(label string) dataflow.Value { return rapid.SampledFrom(refValues[:4]).Draw(rt, label) }
	maybeNull := func(label string) dataflow.Value {
		if rapid.IntRange(0, 4).Draw(rt, label+"null") == 0 {
			return dataflow.Null
		}
		return small(label)
	}
	tables := map[string][]dataflow.Row{}
	for id := range rapid.IntRange(0, 6).Draw(rt, "stories") {
		tables["stories"] = append(tables["stories"], dataflow.Row{dataflow.Int(int64(id)), small("author"), maybeNull("score"),
			dataflow.String(rapid.SampledFrom([]string{"a", "b", "B"}).Draw(rt, "title"))})
	}
	for id := range rapid.IntRange(0, 4).Draw(rt, "users") {
		tables["users"] = append(tables["users"], dataflow.Row{dataflow.Int(int64(id)),
			dataflow.String(rapid.SampledFrom([]string{"ann", "bob", "Ann"}).Draw(rt, "name")), maybeNull("karma")})
	}
	seen := map[[2]int64]bool{}
	for range rapid.IntRange(0, 8).Draw(rt, "votes") {
		u, s := small("user"), small("story")
		k := [2]int64{u.RawInt(), s.RawInt()}
		if seen[k] {
			continue
		}
		seen[k] = true
		tables["votes"] = append(tables["votes"], dataflow.Row{u, s, maybeNull("up")})
	}
	return tables
}

func TestNestedKeysAnswerAsFilters(t *testing.T) {
	cat := refCatalog(t)
	compile := func(rt *rapid.T, sql string) *planner.Query {
		st, err := planner.Compile(cat, sql)
		if err != nil {
			rt.Fatalf("%s: %v", sql, err)
		}
		return st.(*planner.Select).Query
	}
	rapid.Check(t, func(rt *rapid.T) {
		tables := genRefTables(rt)
		tmpl := rapid.SampledFrom(refTemplates).Draw(rt, "template")
		n := 0
		for _, m := range refSlot.FindAllStringSubmatch(tmpl, -1) {
			n++
			if m[2] != "" {
				n++
			}
		}
		vals := make([]dataflow.Value, n)
		for i := range vals {
			vals[i] = rapid.SampledFrom(refValues).Draw(rt, fmt.Sprint("v", i))
		}
		source := func(name string) []dataflow.Row { return tables[name] }
		run := func(form string) (string, *planner.Query) {
			sql, args := expand(tmpl, vals, form)
			q := compile(rt, sql)
			return strings.Join(referenceRows(rt, sql, q, source, args), "\n"), q
		}
		want, qf := run("filter")
		if len(qf.KeyCols) != 0 {
			rt.Fatalf("the filter form has a key:\n%s", qf)
		}
		for _, form := range []string{"literal", "param"} {
			got, q := run(form)
			if form == "param" && len(q.KeyCols) == 0 {
				rt.Fatalf("the parameter form has no key:\n%s", q)
			}
			if got != want {
				rt.Fatalf("%s form answers\n%s\nthe filter form\n%s\n%s", form, got, want, q)
			}
		}
	})
}

// referenceRows evaluates q (compiled from sql) over tables with the reference evaluator and
// returns its rows as sorted strings, failing t on an error.
func referenceRows(t *rapid.T, sql string, q *planner.Query, tables func(string) []dataflow.Row, args []dataflow.Value) []string {
	rows, err := reference.Eval(q, tables, args)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.String()
	}
	slices.Sort(out)
	return out
}

package planner

import (
	"errors"
	"strings"
	"testing"
)

// viewCatalog is a MapCatalog with views.
type viewCatalog struct {
	MapCatalog
	views map[string]*ViewDef
}

func (c viewCatalog) View(name string) (*ViewDef, bool) {
	d, ok := c.views[strings.ToLower(name)]
	return d, ok
}

func newViewCatalog(t testing.TB, defs ...string) viewCatalog {
	t.Helper()
	c := viewCatalog{MapCatalog: testCatalog(t), views: map[string]*ViewDef{}}
	for _, sql := range defs {
		d, err := ParseView(sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		c.views[strings.ToLower(d.Name)] = d
	}
	return c
}

// planOf renders the plan of a SELECT without its text, which names the view.
func planOf(t *testing.T, cat Catalog, sql string) (string, *Select) {
	t.Helper()
	st, err := Compile(cat, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	s := st.(*Select)
	if err := validateQuery(s.Query); err != nil {
		t.Fatalf("%s: invalid plan: %v", sql, err)
	}
	return Format(st), s
}

// fuzzViews are the views FuzzPlan's catalog holds, and fuzzViewSeeds queries over them.
var (
	fuzzViews = []string{
		"CREATE VIEW author_stories (author, n) AS SELECT author, COUNT(*) FROM stories GROUP BY author",
		"CREATE VIEW story_votes AS SELECT s.id, s.title, COUNT(v.user_id) AS votes FROM stories s LEFT JOIN votes v ON v.story_id = s.id GROUP BY s.id, s.title",
		"CREATE VIEW people AS SELECT id, name FROM users UNION SELECT id, CAST(user_id AS CHAR) FROM comments",
		"CREATE VIEW gone AS SELECT id FROM no_such_table",
	}
	fuzzViewSeeds = []string{
		"SELECT * FROM story_votes WHERE id = ?",
		"SELECT a.n, p.name FROM author_stories a JOIN people p ON p.id = a.author WHERE a.author IN (?, ?)",
		"SELECT * FROM gone",
		"CREATE OR REPLACE VIEW people AS SELECT * FROM people",
		"ALTER VIEW gone AS SELECT id FROM users WITH CHECK OPTION",
		"DROP VIEW IF EXISTS gone, people",
	}
)

// TestViewPlansAsItsText: a query over a view plans exactly as the same query with the
// view's text as a derived table, keys and lookups included, through views over views.
func TestViewPlansAsItsText(t *testing.T) {
	cat := newViewCatalog(t,
		"CREATE VIEW author_stories (author, n) AS SELECT author, COUNT(*) FROM stories GROUP BY author",
		"CREATE VIEW busy AS SELECT author, n FROM author_stories WHERE n > 1",
		"CREATE VIEW named AS SELECT u.name, s.title FROM users u JOIN stories s ON s.author = u.id WHERE u.karma > 3",
	)
	for _, c := range []struct{ view, inline string }{
		{"SELECT n FROM author_stories WHERE author = ?",
			"SELECT n FROM (SELECT author, COUNT(*) AS n FROM stories GROUP BY author) AS author_stories WHERE author = ?"},
		{"SELECT b.n FROM busy b WHERE b.author = 7",
			"SELECT b.n FROM (SELECT author, n FROM (SELECT author, COUNT(*) AS n FROM stories GROUP BY author) AS author_stories WHERE n > 1) b WHERE b.author = 7"},
		{"SELECT title FROM named WHERE name = ?",
			"SELECT title FROM (SELECT u.name, s.title FROM users u JOIN stories s ON s.author = u.id WHERE u.karma > 3) AS named WHERE name = ?"},
	} {
		got, sv := planOf(t, cat, c.view)
		want, si := planOf(t, cat, c.inline)
		if got != want {
			t.Errorf("%s\nplans as\n%s\nbut the inlined text plans as\n%s", c.view, got, want)
		}
		if !sv.Query.SameLookups(si.Query) {
			t.Errorf("%s: lookups %v, inlined %v", c.view, sv.Query.Lookups, si.Query.Lookups)
		}
		if len(sv.Query.Views) == 0 {
			t.Errorf("%s: the plan does not record the views it read", c.view)
		}
	}
	_, s := planOf(t, cat, "SELECT * FROM busy")
	var names []string
	for _, d := range s.Query.Views {
		names = append(names, d.Name)
	}
	if strings.Join(names, ",") != "author_stories,busy" {
		t.Errorf("views read through busy: %v", names)
	}
}

// TestViewLiteralStaysFilter: a literal condition in a view's text is a filter, not a key
// of the queries over the view (it never takes another value), so it adds no key column.
func TestViewLiteralStaysFilter(t *testing.T) {
	cat := newViewCatalog(t, "CREATE VIEW visible AS SELECT id, title FROM stories WHERE author = 3")
	_, s := planOf(t, cat, "SELECT title FROM visible WHERE id = ?")
	if len(s.Query.KeyCols) != 1 || len(s.Query.Lookups) != 1 || len(s.Query.Lookups[0]) != 1 || s.Query.Lookups[0][0].Param != 0 {
		t.Fatalf("key columns %v, lookups %v: want the parameter alone", s.Query.KeyCols, s.Query.Lookups)
	}
	got := Format(s)
	if !strings.Contains(got, "Filter") {
		t.Fatalf("the view's literal condition is not a filter:\n%s", got)
	}
}

// TestViewErrors: the errors of views, MySQL's numbers.
func TestViewErrors(t *testing.T) {
	cat := newViewCatalog(t,
		"CREATE VIEW gone AS SELECT id FROM no_such_table",
		"CREATE VIEW over_gone AS SELECT * FROM gone",
		"CREATE VIEW lost_col AS SELECT no_such_col FROM users",
		"CREATE VIEW loop_a AS SELECT * FROM loop_b",
		"CREATE VIEW loop_b AS SELECT * FROM loop_a",
		"CREATE VIEW ok_view AS SELECT id, name FROM users",
		"CREATE VIEW unsupported_inside AS SELECT id FROM users WHERE id > ALL (SELECT author FROM stories)",
	)
	for _, c := range []struct {
		sql  string
		code int
	}{
		{"SELECT * FROM gone", CodeViewInvalid},
		{"SELECT * FROM over_gone", CodeViewInvalid},
		{"SELECT * FROM lost_col", CodeViewInvalid},
		// A cycle (which CREATE VIEW cannot make, but a catalog might hold) is found, not
		// followed.
		{"SELECT * FROM loop_a", CodeViewRecursive},
		{"SELECT * FROM unsupported_inside", CodeUnsupported},
		{"SELECT nope FROM ok_view", CodeUnknownColumn},
		{"INSERT INTO ok_view VALUES (1, 'x')", CodeUnsupported},
		{"UPDATE ok_view SET name = 'x'", CodeUnsupported},
		{"SELECT * FROM ok_view JOIN ok_view ON ok_view.id = ok_view.id", CodeNonUniqTable},
		{"CREATE VIEW ok_view AS SELECT 1 FROM users", CodeTableExists},
		{"CREATE VIEW users AS SELECT 1 FROM users", CodeTableExists},
		{"CREATE OR REPLACE VIEW ok_view AS SELECT * FROM ok_view", CodeUnknownTable},
		{"CREATE OR REPLACE VIEW ok_view AS SELECT * FROM over_gone", CodeViewInvalid},
		{"ALTER VIEW nope AS SELECT id FROM users", CodeUnknownTable},
		{"CREATE VIEW v AS SELECT id FROM users WHERE id = ?", CodeViewSelectVariable},
		{"CREATE VIEW v (a, b) AS SELECT id FROM users", CodeViewWrongList},
	} {
		_, err := Compile(cat, c.sql)
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != c.code {
			t.Errorf("%s: %v, want error %d", c.sql, err, c.code)
		}
	}
}

// TestViewDefinitions: CREATE VIEW, ALTER VIEW (which the parser does not know) and WITH
// CHECK OPTION compile to definitions whose text restores them.
func TestViewDefinitions(t *testing.T) {
	cat := newViewCatalog(t, "CREATE VIEW ok_view AS SELECT id FROM users")
	for _, c := range []struct {
		sql  string
		want CreateView
	}{
		{"CREATE VIEW v (a, b) AS SELECT id, name FROM users", CreateView{View: &ViewDef{Name: "v", Cols: []string{"a", "b"}, Select: "SELECT id, name FROM users"}}},
		{"create or replace algorithm = temptable definer = `root`@`%` sql security invoker view V as select id from users with check option",
			CreateView{View: &ViewDef{Name: "V", Select: "select id from users"}, OrReplace: true}},
		{"ALTER VIEW ok_view AS SELECT name FROM users WITH LOCAL CHECK OPTION",
			CreateView{View: &ViewDef{Name: "ok_view", Select: "SELECT name FROM users"}, OrReplace: true, Alter: true}},
		// The definition keeps JSON_ARRAYAGG as written, not the form it is parsed in.
		{"CREATE VIEW j AS SELECT karma, JSON_ARRAYAGG(DISTINCT name ORDER BY name DESC LIMIT 2) AS names FROM users GROUP BY karma",
			CreateView{View: &ViewDef{Name: "j", Select: "SELECT karma, JSON_ARRAYAGG(DISTINCT name ORDER BY name DESC LIMIT 2) AS names FROM users GROUP BY karma"}}},
	} {
		st, err := Compile(cat, c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		got := st.(*CreateView)
		if got.OrReplace != c.want.OrReplace || got.Alter != c.want.Alter || got.View.Name != c.want.View.Name ||
			got.View.Select != c.want.View.Select || strings.Join(got.View.Cols, ",") != strings.Join(c.want.View.Cols, ",") {
			t.Errorf("%s: %+v %+v, want %+v %+v", c.sql, got, got.View, c.want, c.want.View)
		}
		back, err := ParseView(got.View.SQL())
		if err != nil || back.SQL() != got.View.SQL() {
			t.Errorf("%s: %q reads back as %v, %v", c.sql, got.View.SQL(), back, err)
		}
	}
}

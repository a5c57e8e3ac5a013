package planner

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"pgregory.net/rapid"
)

func compileSelect(t *testing.T, cat Catalog, sql string) *Query {
	t.Helper()
	st, err := Compile(cat, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	s, ok := st.(*Select)
	if !ok {
		t.Fatalf("%s: got %T", sql, st)
	}
	return s.Query
}

func TestEmptyRow(t *testing.T) {
	cat := testCatalog(t)
	tests := []emptyRowCase{
		{"SELECT COUNT(*) FROM votes WHERE story_id = ?", dataflow.Row{dataflow.Int(7)}, "[0, 7]"},
		{"SELECT COUNT(*), MAX(up), COUNT(*) + 1, SUM(up) FROM votes WHERE story_id = ?",
			dataflow.Row{dataflow.Int(7)}, "[0, NULL, 1, NULL, 7]"},
		// Non-aggregated columns of an empty group are NULL, as MySQL returns them; only the
		// hidden key column carries the key.
		{"SELECT story_id, COUNT(*) FROM votes WHERE story_id = 7", dataflow.Row{dataflow.Int(7)}, "[NULL, 0, 7]"},
		{"SELECT COUNT(*) FROM votes WHERE story_id = ? HAVING COUNT(*) > 0", dataflow.Row{dataflow.Int(7)}, ""},
		{"SELECT COUNT(*) FROM votes WHERE story_id = ? HAVING COUNT(*) = 0", dataflow.Row{dataflow.Int(7)}, "[0, 7]"},
		{"SELECT COUNT(DISTINCT user_id) AS n FROM votes WHERE story_id = ? AND user_id = ?",
			dataflow.Row{dataflow.Int(1), dataflow.Int(2)}, "[0, 1, 2]"},
		{"SELECT COUNT(*) FROM votes WHERE story_id = ? LIMIT 1 OFFSET 1", dataflow.Row{dataflow.Int(7)}, ""},
		{"SELECT COUNT(*) FROM votes WHERE story_id = ?", dataflow.Row{dataflow.Null}, "[0, NULL]"},
	}
	checkEmptyRows(t, cat, tests, []string{
		"SELECT COUNT(*) FROM votes",
		"SELECT story_id, COUNT(*) FROM votes WHERE story_id = ? GROUP BY story_id",
		"SELECT user_id FROM votes WHERE story_id = ?",
	})
}

func TestErrorsIs(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		sql  string
		want *Error
	}{
		{"SELEC 1", ErrParse},
		{"SELECT * FROM nosuch", ErrUnknownTable},
		{"SELECT nope FROM users", ErrUnknownColumn},
		{"SELECT id FROM users, stories WHERE users.id = stories.author", ErrAmbiguousColumn},
		{"SELECT name, COUNT(*) FROM users", ErrGroupBy},
		{"SELECT COUNT(*) FROM users WHERE id > ?", ErrUnsupported},
		{"ALTER TABLE users ADD PARTITION PARTITIONS 4", ErrUnsupported},
	}
	for _, tt := range tests {
		_, err := Compile(cat, tt.sql)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v is not %v", tt.sql, err, tt.want)
		}
		var pe *Error
		if !errors.As(err, &pe) || pe.SQLState == "" {
			t.Errorf("%s: %v is not a complete *Error", tt.sql, err)
		}
	}
	_, err := Compile(cat, "SELECT CHARSET(name) FROM users")
	if !errors.Is(err, expr.ErrUnsupported) || !errors.Is(err, ErrUnsupported) {
		t.Errorf("unknown function: %v should wrap expr.ErrUnsupported and be ErrUnsupported", err)
	}
}

// TestParamOrder checks that `?` take arguments in text order across VALUES and ON DUPLICATE
// KEY UPDATE, by evaluating the compiled expressions under the row contract of Insert.
func TestParamOrder(t *testing.T) {
	cat := testCatalog(t)
	st, err := Compile(cat, "INSERT INTO votes (story_id, user_id, up) VALUES (?, ? + 1, 1) ON DUPLICATE KEY UPDATE up = up + VALUES(up) + ?, story_id = ?")
	if err != nil {
		t.Fatal(err)
	}
	ins := st.(*Insert)
	args := dataflow.Row{dataflow.Int(10), dataflow.Int(20), dataflow.Int(100), dataflow.Int(30)}
	if ins.NumParams != 4 {
		t.Fatalf("NumParams = %d", ins.NumParams)
	}
	var vals []string
	for _, e := range ins.Rows[0] {
		vals = append(vals, e.Eval(args).String())
	}
	if got := strings.Join(vals, " "); got != "10 21 1" {
		t.Errorf("VALUES evaluate to %s", got)
	}
	existing := dataflow.Row{dataflow.Int(21), dataflow.Int(10), dataflow.Int(5)}
	inserted := dataflow.Row{dataflow.Int(21), dataflow.Int(10), dataflow.Int(1)}
	env := append(append(append(dataflow.Row{}, existing...), inserted...), args...)
	for _, a := range ins.OnDup {
		env[a.Col] = a.Expr.Eval(env)
	}
	if got := env[:3].String(); got != "[21, 30, 106]" {
		t.Errorf("ON DUPLICATE KEY UPDATE leaves %s", got)
	}
}

func TestUpdateContract(t *testing.T) {
	cat := testCatalog(t)
	st, err := Compile(cat, "UPDATE users SET karma = karma + ?, name = CONCAT(name, karma) WHERE id = ? AND karma >= 0")
	if err != nil {
		t.Fatal(err)
	}
	u := st.(*Update)
	row := dataflow.Row{dataflow.Int(1), dataflow.String("bob"), dataflow.Null, dataflow.Int(2), dataflow.Null}
	env := append(append(dataflow.Row{}, row...), dataflow.Int(5), dataflow.Int(1))
	if !u.Where.Eval(env).Truthy() {
		t.Fatal("WHERE does not match")
	}
	for _, a := range u.Set {
		env[a.Col] = a.Expr.Eval(env)
	}
	// MySQL evaluates SET left to right: name sees the new karma.
	if got := env[:5].String(); got != `[1, "bob7", NULL, 7, NULL]` {
		t.Errorf("row after UPDATE: %s", got)
	}
	if len(u.Lookups) != 1 || u.Lookups[0][0].Param != 1 {
		t.Errorf("lookups: %v", u.Lookups)
	}
}

func TestKeyLiteral(t *testing.T) {
	intT := dataflow.Type{Kind: dataflow.KindInt, SQL: "INT"}
	uintT := dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, SQL: "INT UNSIGNED"}
	decT := dataflow.Type{Kind: dataflow.KindDecimal, Precision: 10, Scale: 2, SQL: "DECIMAL(10,2)"}
	dblT := dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE"}
	strT := dataflow.Type{Kind: dataflow.KindString, Precision: 10, SQL: "VARCHAR(10)"}
	dateT := dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE"}
	dtT := dataflow.Type{Kind: dataflow.KindDatetime, SQL: "DATETIME"}
	tests := []struct {
		v    dataflow.Value
		t    dataflow.Type
		want string
		ok   bool
	}{
		{dataflow.Int(5), intT, "5", true},
		{dataflow.Decimal(50, 1), intT, "5", true},
		{dataflow.Decimal(55, 1), intT, "5.5", true}, // matches nothing
		{dataflow.Int(-1), uintT, "-1", true},        // matches nothing
		{dataflow.Int(7), uintT, "7", true},
		{dataflow.Float(1.5), decT, "1.50", true},
		{dataflow.Decimal(1005, 3), decT, "1.005", true}, // matches nothing
		{dataflow.Decimal(15, 1), dblT, "1.5", true},
		{dataflow.String("7"), intT, "7", true},
		{dataflow.String("7abc"), intT, "", false},
		{dataflow.String("abc"), strT, `"abc"`, true},
		{dataflow.Int(5), strT, "", false},
		{dataflow.String("2024-01-02"), dateT, "2024-01-02", true},
		{dataflow.String("2024-01-02"), dtT, "2024-01-02 00:00:00", true},
		{dataflow.String("2024-01-02 10:00:00.5"), dtT, "", false},
		{dataflow.Int(20240102), dateT, "", false},
	}
	for _, tt := range tests {
		got, ok := keyLiteral(tt.v, tt.t)
		if ok != tt.ok || (ok && got.String() != tt.want) {
			t.Errorf("keyLiteral(%v, %s) = %v, %v; want %s, %v", tt.v, tt.t, got, ok, tt.want, tt.ok)
		}
	}
}

// TestConcurrentCompile compiles from several goroutines at once: the parser pool must hand
// each its own parser.
func TestConcurrentCompile(t *testing.T) {
	cat := testCatalog(t)
	want := compileSelect(t, cat, "SELECT s.title, COUNT(*) FROM stories s JOIN votes v ON v.story_id = s.id WHERE s.author = ? GROUP BY s.id").String()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				sql := fmt.Sprintf("SELECT s.title, COUNT(*) FROM stories s JOIN votes v ON v.story_id = s.id WHERE s.author = ? GROUP BY s.id /* %d %d */", g, i)
				st, err := Compile(cat, sql)
				if err != nil {
					errs <- err
					return
				}
				if got := st.(*Select).Query.String(); got != want {
					errs <- fmt.Errorf("goroutine %d got\n%s", g, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestAutoParameterization: queries that differ only in the literals of key conditions
// normalize to one text and one plan, and look the literals up.
func TestAutoParameterization(t *testing.T) {
	cat := testCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		id := rapid.Int32().Draw(rt, "id")
		ids := rapid.SliceOfN(rapid.Int32Range(-1000, 1000), 1, 4).Draw(rt, "ids")
		name := rapid.StringMatching(`[a-zA-Z ]{0,12}`).Draw(rt, "name")
		list := make([]string, len(ids))
		params := make([]string, len(ids))
		for i, v := range ids {
			list[i] = fmt.Sprint(v)
			params[i] = "?"
		}
		lit := fmt.Sprintf("SELECT s.title FROM stories s JOIN users u ON u.id = s.author WHERE u.name = '%s' AND s.id IN (%s) AND u.karma = %d ORDER BY s.score DESC LIMIT 3",
			name, strings.Join(list, ", "), id)
		par := fmt.Sprintf("SELECT s.title FROM stories s JOIN users u ON u.id = s.author WHERE u.name = ? AND s.id IN (%s) AND u.karma = ? ORDER BY s.score DESC LIMIT 3",
			strings.Join(params, ", "))
		ql := compileSelect(t, cat, lit)
		qp := compileSelect(t, cat, par)
		if ql.Text != qp.Text {
			rt.Fatalf("texts differ:\n%s\n%s", ql.Text, qp.Text)
		}
		if Explain(ql.Root) != Explain(qp.Root) || fmt.Sprint(ql.KeyCols, ql.Order, ql.Limit, ql.Offset) != fmt.Sprint(qp.KeyCols, qp.Order, qp.Limit, qp.Offset) {
			rt.Fatalf("plans differ:\n%s\n%s", ql, qp)
		}
		if ql.NumParams != 0 || len(ql.Lookups) != len(ids) {
			rt.Fatalf("literal query: %d params, %d lookups", ql.NumParams, len(ql.Lookups))
		}
		for i, l := range ql.Lookups {
			if l[0].Param != -1 || l[0].Literal.RawString() != name ||
				l[1].Literal.RawInt() != int64(ids[i]) || l[2].Literal.RawInt() != int64(id) {
				rt.Fatalf("lookup %d: %v", i, l)
			}
		}
	})
}

// TestGeneratedQueries compiles random SELECTs over the test schema: every one must compile
// (the generator only uses supported constructs) into a plan that honors the invariants.
func TestGeneratedQueries(t *testing.T) {
	cat := testCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		sql := genSelect(rt)
		st, err := Compile(cat, sql)
		if err != nil {
			rt.Fatalf("%s: %v", sql, err)
		}
		q := st.(*Select).Query
		if err := validateQuery(q); err != nil {
			rt.Fatalf("%s: %v\n%s", sql, err, q)
		}
	})
}

// genSelect draws a query from a small grammar of supported constructs over stories (s),
// users (u) and votes (v).
func genSelect(rt *rapid.T) string {
	type col struct{ name, kind string }
	cols := map[string][]col{
		"s": {{"s.id", "n"}, {"s.author", "n"}, {"s.title", "t"}, {"s.score", "n"}},
		"u": {{"u.id", "n"}, {"u.name", "t"}, {"u.karma", "n"}},
		"v": {{"v.user_id", "n"}, {"v.story_id", "n"}, {"v.up", "n"}},
	}
	from := "stories s"
	tables := []string{"s"}
	switch rapid.IntRange(0, 3).Draw(rt, "join") {
	case 1:
		from += " JOIN users u ON u.id = s.author"
		tables = append(tables, "u")
	case 2:
		from += " LEFT JOIN votes v ON v.story_id = s.id"
		tables = append(tables, "v")
	case 3:
		from += ", users u, votes v WHERE_JOIN"
		tables = append(tables, "u", "v")
	}
	var all []col
	for _, tb := range tables {
		all = append(all, cols[tb]...)
	}
	pick := func(label string) col { return rapid.SampledFrom(all).Draw(rt, label) }
	num := func(label string) col {
		for {
			c := pick(label)
			if c.kind == "n" {
				return c
			}
		}
	}
	agg := rapid.Bool().Draw(rt, "agg")
	var sel, group []string
	if agg {
		g := pick("group")
		group = []string{g.name}
		sel = append(sel, g.name)
		for i := range rapid.IntRange(1, 3).Draw(rt, "naggs") {
			f := rapid.SampledFrom([]string{"COUNT(*)", "COUNT(%s)", "SUM(%s)", "MAX(%s)", "MIN(%s)", "AVG(%s)", "COUNT(DISTINCT %s)", "SUM(%s) + 1"}).Draw(rt, fmt.Sprint("agg", i))
			if strings.Contains(f, "%s") {
				f = fmt.Sprintf(f, num(fmt.Sprint("aggarg", i)).name)
			}
			sel = append(sel, f)
		}
	} else {
		for i := range rapid.IntRange(1, 3).Draw(rt, "ncols") {
			c := pick(fmt.Sprint("col", i))
			if c.kind == "n" && rapid.Bool().Draw(rt, fmt.Sprint("arith", i)) {
				sel = append(sel, c.name+" * 2 + 1")
			} else {
				sel = append(sel, c.name)
			}
		}
	}
	var where []string
	if strings.Contains(from, "WHERE_JOIN") {
		from = strings.Replace(from, " WHERE_JOIN", "", 1)
		where = append(where, "u.id = s.author", "v.story_id = s.id")
	}
	for i := range rapid.IntRange(0, 2).Draw(rt, "nwhere") {
		c := num(fmt.Sprint("wcol", i))
		switch rapid.IntRange(0, 3).Draw(rt, fmt.Sprint("wkind", i)) {
		case 0:
			where = append(where, c.name+" = ?")
		case 1:
			where = append(where, fmt.Sprintf("%s > %d", c.name, rapid.IntRange(-5, 5).Draw(rt, fmt.Sprint("wlit", i))))
		case 2:
			where = append(where, fmt.Sprintf("%s = %d", c.name, rapid.IntRange(-5, 5).Draw(rt, fmt.Sprint("wlit", i))))
		case 3:
			where = append(where, c.name+" IS NOT NULL")
		}
	}
	sql := "SELECT "
	if !agg && rapid.Bool().Draw(rt, "distinct") {
		sql += "DISTINCT "
	}
	sql += strings.Join(sel, ", ") + " FROM " + from
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	if len(group) > 0 {
		sql += " GROUP BY " + strings.Join(group, ", ")
	}
	if rapid.Bool().Draw(rt, "order") {
		sql += fmt.Sprintf(" ORDER BY %d DESC", rapid.IntRange(1, len(sel)).Draw(rt, "orderpos"))
		if rapid.Bool().Draw(rt, "limit") {
			sql += fmt.Sprintf(" LIMIT %d", rapid.IntRange(0, 10).Draw(rt, "limitn"))
		}
	}
	return sql
}

// emptyRowCase is a query, a key, and the row its EmptyRow gives for the key ("" when none).
type emptyRowCase struct {
	sql  string
	key  dataflow.Row
	want string
}

// checkEmptyRows checks each case's EmptyRow, and that the queries in none have no EmptyRow.
func checkEmptyRows(t *testing.T, cat Catalog, cases []emptyRowCase, none []string) {
	t.Helper()
	for _, tt := range cases {
		q := compileSelect(t, cat, tt.sql)
		if q.EmptyRow == nil {
			t.Fatalf("%s: no EmptyRow", tt.sql)
		}
		row, ok := q.EmptyRow(tt.key)
		got := ""
		if ok {
			got = row.String()
			if len(row) != len(q.Root.Columns()) {
				t.Errorf("%s: row of %d values, root has %d columns", tt.sql, len(row), len(q.Root.Columns()))
			}
		}
		if got != tt.want {
			t.Errorf("%s: EmptyRow(%v) = %q, want %q", tt.sql, tt.key, got, tt.want)
		}
	}
	for _, sql := range none {
		if q := compileSelect(t, cat, sql); q.EmptyRow != nil {
			t.Errorf("%s: unexpected EmptyRow", sql)
		}
	}
}

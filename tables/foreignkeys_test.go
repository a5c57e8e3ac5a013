package tables

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// family is a set of tables related by foreign keys, written as the engine writes them.
type family struct {
	byName map[string]*Table
	order  []*Table
}

func newFamily(t *testing.T, ddls ...string) *family {
	t.Helper()
	f := &family{byName: map[string]*Table{}}
	for _, ddl := range ddls {
		st, err := planner.Compile(f.catalog(), ddl)
		if err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
		sc := st.(*planner.CreateTable).Schema
		tb := New(ddl, &sc)
		f.byName[strings.ToLower(sc.Name)] = tb
		f.order = append(f.order, tb)
	}
	return f
}

func (f *family) catalog() planner.MapCatalog {
	m := planner.MapCatalog{}
	for n, tb := range f.byName {
		m[n] = tb.Schema
	}
	return m
}

// exec applies one write with its foreign keys enforced; on failure every writer of the
// statement is rolled back, as the engine does.
func (f *family) exec(t *testing.T, sql string) ([]*Writer, error) {
	t.Helper()
	st, err := planner.Compile(f.catalog(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	w := NewWriter(f.byName[strings.ToLower(st.(planner.Write).Target())], nil)
	scope := NewScope(func(n string) *Table { return f.byName[strings.ToLower(n)] }, func() []*Table { return f.order })
	w.Enforce(scope)
	switch s := st.(type) {
	case *planner.Insert:
		err = w.Insert(s)
	case *planner.Update:
		err = w.Update(s)
	case *planner.Delete:
		err = w.Delete(s)
	}
	ws := append([]*Writer{w}, scope.Cascaded()...)
	if err != nil {
		for i := len(ws) - 1; i >= 0; i-- {
			ws[i].Rollback()
		}
	}
	return ws, err
}

func (f *family) rows(name string) string {
	var out []string
	f.byName[name].Base.Scan(func(_ string, row dataflow.Row) bool {
		out = append(out, fmt.Sprint(row))
		return true
	})
	slices.Sort(out)
	return strings.Join(out, " ")
}

func TestFailedCascadeIsUndoneEverywhere(t *testing.T) {
	f := newFamily(t,
		"CREATE TABLE a (id INT PRIMARY KEY)",
		"CREATE TABLE b (id INT PRIMARY KEY, a INT, FOREIGN KEY (a) REFERENCES a (id) ON DELETE CASCADE ON UPDATE CASCADE)",
		"CREATE TABLE c (id INT PRIMARY KEY, b INT, FOREIGN KEY (b) REFERENCES b (id))",
	)
	for _, sql := range []string{
		"INSERT INTO a VALUES (1), (2)",
		"INSERT INTO b VALUES (10, 1), (11, 1), (12, 1), (20, 2)",
		"INSERT INTO c VALUES (100, 12)",
	} {
		if _, err := f.exec(t, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	before := map[string]string{"a": f.rows("a"), "b": f.rows("b"), "c": f.rows("c")}
	// Deleting a=1 cascades to b 10, 11 and 12; c restricts b 12, so all of it is undone.
	_, err := f.exec(t, "DELETE FROM a WHERE id = 1")
	var pe *planner.Error
	if !errors.As(err, &pe) || pe.Code != planner.CodeRowIsReferenced {
		t.Fatalf("cascade into a restricted row: %v", err)
	}
	for n, want := range before {
		if got := f.rows(n); got != want {
			t.Fatalf("%s after the failed cascade: %s, want %s", n, got, want)
		}
	}
	// The child index the cascade used still finds every child of a=1.
	b := f.byName["b"]
	keys, ok := b.Base.IndexedKeys(b.Schema.ForeignKeys[0].Cols, dataflow.Row{dataflow.Null, dataflow.Int(1)})
	if !ok || len(keys) != 3 {
		t.Fatalf("b's rows of a=1 after the undo: %v %v", keys, ok)
	}
	// A re-keying cascade works and its child writer carries the deltas.
	ws, err := f.exec(t, "UPDATE a SET id = 5 WHERE id = 2")
	if err != nil || len(ws) != 2 || len(ws[1].Deltas()) != 2 || f.rows("b") != "[10, 1] [11, 1] [12, 1] [20, 5]" {
		t.Fatalf("ON UPDATE CASCADE: %v %d %s", err, len(ws), f.rows("b"))
	}
	if affected, _, _ := ws[0].Counts(); affected != 1 {
		t.Fatalf("affected rows count the statement's own table only: %d", affected)
	}
}

func TestCascadeDepthIsBounded(t *testing.T) {
	f := newFamily(t, "CREATE TABLE chain (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES chain (id) ON DELETE CASCADE)")
	if _, err := f.exec(t, "INSERT INTO chain VALUES (0, NULL)"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= maxCascadeDepth; i++ {
		if _, err := f.exec(t, fmt.Sprintf("INSERT INTO chain VALUES (%d, %d)", i, i-1)); err != nil {
			t.Fatal(err)
		}
	}
	before := f.rows("chain")
	_, err := f.exec(t, "DELETE FROM chain WHERE id = 0")
	var pe *planner.Error
	if !errors.As(err, &pe) || pe.Code != codeGotErrorFromEngine || f.rows("chain") != before {
		t.Fatalf("a cascade deeper than %d: %v, rows %s", maxCascadeDepth, err, f.rows("chain"))
	}
	if _, err := f.exec(t, fmt.Sprintf("DELETE FROM chain WHERE id = %d", 2)); err != nil {
		t.Fatalf("a cascade within the bound: %v", err)
	}
	if got := f.rows("chain"); got != "[0, NULL] [1, 0]" {
		t.Fatalf("after the cascade: %s", got)
	}
}

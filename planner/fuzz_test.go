package planner

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// FuzzPlan feeds arbitrary text to Compile: it must answer with a statement that honors the
// plan invariants or with a typed error, and never panic.
func FuzzPlan(f *testing.F) {
	cat := newViewCatalog(f, fuzzViews...)
	for _, sql := range fuzzViewSeeds {
		f.Add(sql)
	}
	// Found by fuzzing: the checks took a parameter of a query evaluated when it runs
	// for one no lookup uses.
	f.Add("SELECT ?")
	f.Add("SELECT ? + 1 FROM DUAL")
	files, _ := filepath.Glob("testdata/*.txt")
	for _, path := range files {
		for _, c := range readGoldenFile(f, path) {
			f.Add(c.sql)
		}
	}
	f.Fuzz(func(t *testing.T, sql string) {
		checkCompile(t, cat, sql)
	})
}

// checkCompile compiles sql and checks the result's invariants.
func checkCompile(t *testing.T, cat Catalog, sql string) {
	t.Helper()
	st, err := Compile(cat, sql)
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("%q: untyped error %v", sql, err)
		}
		if pe.Code == 0 || pe.SQLState == "" || pe.Msg == "" {
			t.Fatalf("%q: incomplete error %+v", sql, pe)
		}
		return
	}
	if st == nil {
		t.Fatalf("%q: nil statement without error", sql)
	}
	_ = Format(st)
	if s, ok := st.(*Select); ok {
		if err := validateQuery(s.Query); err != nil {
			t.Fatalf("%q: %v\n%s", sql, err, s.Query)
		}
		if s.Query.EmptyRow != nil {
			key := make(dataflow.Row, len(s.Query.KeyCols))
			if row, ok := s.Query.EmptyRow(key); ok && len(row) != len(s.Query.Root.Columns()) {
				t.Fatalf("%q: empty row of %d values for a root of %d columns", sql, len(row), len(s.Query.Root.Columns()))
			}
		}
	}
}

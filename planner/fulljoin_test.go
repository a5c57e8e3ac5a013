package planner

import (
	"errors"
	"testing"
)

// TestFullJoinMySQLDialect: MySQL's dialect has no FULL JOIN, as MySQL has none: FULL OUTER
// JOIN is a syntax error, and the mark the PostgreSQL dialect lowers a FULL JOIN to is an
// unknown function there, never a full join.
func TestFullJoinMySQLDialect(t *testing.T) {
	cat := testCatalog(t)
	for sql, code := range map[string]int{
		"SELECT s.id FROM stories s FULL OUTER JOIN comments c ON c.story_id = s.id":                CodeParse,
		"SELECT s.id FROM stories s LEFT JOIN comments c ON PG_FULL_JOIN() AND (c.story_id = s.id)": 0,
	} {
		_, err := CompileIn(cat, Database, sql)
		var pe *Error
		if err == nil || !errors.As(err, &pe) || (code != 0 && pe.Code != code) {
			t.Errorf("%s: %v, want an error (code %d)", sql, err, code)
		}
	}
	// In PostgreSQL's dialect the mark makes the join a FULL JOIN: a union of two joins.
	st, err := CompileDialect(cat, Database, "SELECT s.id, c.id FROM stories s LEFT JOIN comments c ON PG_FULL_JOIN() AND (c.story_id = s.id)", PostgreSQL)
	if err != nil {
		t.Fatal(err)
	}
	var unions int
	var walk func(p Plan)
	walk = func(p Plan) {
		if _, ok := p.(*Union); ok {
			unions++
		}
		for _, in := range p.Inputs() {
			walk(in)
		}
	}
	q := st.(*Select).Query
	walk(q.Root)
	if unions != 1 {
		t.Fatalf("FULL JOIN plan:\n%s", Format(st))
	}
	for i, c := range q.Cols {
		if !c.Type.Nullable {
			t.Errorf("column %d (%s) of a FULL JOIN is not nullable", i, c.Name)
		}
	}
}

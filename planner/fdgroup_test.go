package planner

import (
	"testing"
)

// findAggregate returns the first Aggregate of a plan.
func findAggregate(p Plan) *Aggregate {
	if a, ok := p.(*Aggregate); ok {
		return a
	}
	for _, in := range p.Inputs() {
		if a := findAggregate(in); a != nil {
			return a
		}
	}
	return nil
}

// TestGroupByDeterminedColumns: group columns that the other group columns determine (by a
// primary key, and through join equalities) leave the aggregate's group key, and only they:
// the aggregate then groups by what a lookup keys.
func TestGroupByDeterminedColumns(t *testing.T) {
	cat := testCatalog(t)
	for _, c := range []struct {
		sql    string
		groups int
	}{
		// title is the story's: grouped by id alone.
		{"SELECT s.id, s.title, COUNT(*) FROM stories s WHERE s.id = ? GROUP BY s.id, s.title", 1},
		// name is the author's, whose id the join makes s.author's.
		{"SELECT s.id, s.title, u.name, COUNT(*) FROM stories s JOIN users u ON u.id = s.author WHERE s.id = ? GROUP BY s.id, s.title, u.name", 1},
		// Through a LEFT JOIN from the preserved side to the optional one.
		{"SELECT s.id, u.name, COUNT(*) FROM stories s LEFT JOIN users u ON u.id = s.author WHERE s.id = ? GROUP BY s.id, u.name", 1},
		// Not the other way: a group of one user holds the stories of that user.
		{"SELECT u.id, s.title, COUNT(*) FROM users u JOIN stories s ON s.author = u.id WHERE u.id = ? GROUP BY u.id, s.title", 2},
		// u.id is s.author or NULL, by s.author; the optional side does not determine the
		// preserved one (its NULL stands for many values), so s.author stays.
		{"SELECT u.id, s.author, COUNT(*) FROM stories s LEFT JOIN users u ON u.id = s.author GROUP BY u.id, s.author", 1},
		{"SELECT u.name, s.author, COUNT(*) FROM stories s LEFT JOIN users u ON u.id = s.author GROUP BY s.author, u.name", 1},
		{"SELECT u.id, s.title, COUNT(*) FROM stories s LEFT JOIN users u ON u.id = s.author GROUP BY u.id, s.title", 2},
		// A key column stays a group column even when determined.
		{"SELECT s.id, s.title, COUNT(*) FROM stories s WHERE s.title = ? GROUP BY s.id, s.title", 2},
		// No primary key, nothing determined.
		{"SELECT a, b, COUNT(*) FROM nopk GROUP BY a, b", 2},
		// An expression group stays.
		{"SELECT s.id, s.score + 1, COUNT(*) FROM stories s GROUP BY s.id, s.score + 1", 2},
	} {
		_, s := planOf(t, cat, c.sql)
		a := findAggregate(s.Query.Root)
		if a == nil {
			t.Fatalf("%s: no aggregate", c.sql)
		}
		if len(a.GroupBy) != c.groups {
			t.Errorf("%s: %d group columns, want %d\n%s", c.sql, len(a.GroupBy), c.groups, Format(s))
		}
	}
}

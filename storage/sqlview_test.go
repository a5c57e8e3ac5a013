package storage

import (
	"slices"
	"testing"
)

// TestSQLViewsReopen: SQL view definitions survive a reopen, apart from registered queries
// of the same name; PutSQLView replaces a definition whatever the letter case of its name,
// and DropSQLView removes it.
func TestSQLViewsReopen(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	commit(t, s, func(b *Batch) {
		b.PutSQLView("Scores", "CREATE VIEW `Scores` AS SELECT 1")
		b.PutSQLView("gone", "CREATE VIEW `gone` AS SELECT 2")
		b.PutView("scores", "", "SELECT * FROM scores")
	})
	commit(t, s, func(b *Batch) {
		b.PutSQLView("SCORES", "CREATE VIEW `SCORES` AS SELECT 3")
		b.DropSQLView("GONE")
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, SyncAlways)
	defer s.Close()
	c, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if want := []ViewDef{{Name: "scores", SQL: "CREATE VIEW `SCORES` AS SELECT 3"}}; !slices.Equal(c.SQLViews, want) {
		t.Errorf("SQL views %v, want %v", c.SQLViews, want)
	}
	if want := []ViewDef{{Name: "scores", SQL: "SELECT * FROM scores"}}; !slices.Equal(c.Views, want) {
		t.Errorf("registered views %v, want %v", c.Views, want)
	}
}

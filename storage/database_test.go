package storage

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

func TestDatabasesAndViewDatabasesSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	commit(t, s, func(b *Batch) {
		b.PutDatabase("Shop")
		b.PutDatabase("blog")
		b.PutDatabase("gone")
		b.PutView("orders", "Shop", "SELECT * FROM orders WHERE id = ?")
		b.PutView("plain", "", "SELECT * FROM t WHERE id = ?")
	})
	commit(t, s, func(b *Batch) { b.DropDatabase("GONE") })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, SyncAlways)
	defer s.Close()
	c, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"blog", "Shop"}; !slices.Equal(c.Databases, want) {
		t.Errorf("databases %q, want %q", c.Databases, want)
	}
	want := []ViewDef{
		{Name: "orders", SQL: "SELECT * FROM orders WHERE id = ?", Database: "Shop"},
		{Name: "plain", SQL: "SELECT * FROM t WHERE id = ?"},
	}
	if !slices.Equal(c.Views, want) {
		t.Errorf("views %+v, want %+v", c.Views, want)
	}
}

func TestMalformedViewRecordIsCorrupt(t *testing.T) {
	if _, _, _, err := parseViewValue([]byte("\x00shop")); err == nil {
		t.Fatal("a view record with a database and no end was read")
	}
	if _, _, _, err := parseViewValue([]byte("\x01postgresql\x00shop")); err == nil {
		t.Fatal("a dialect view record without its SQL was read")
	}
}

// A view written in PostgreSQL's dialect is read back with its dialect; the engine's own
// are recorded as before, without one.
func TestViewDialectIsStored(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	commit(t, s, func(b *Batch) {
		b.PutViewDialect("pg", "postgresql", "shop", "SELECT * FROM t WHERE id = $1")
		b.PutViewDialect("my", "mysql", "", "SELECT * FROM t WHERE id = ?")
	})
	defer s.Close()
	c, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	want := []ViewDef{
		{Name: "my", SQL: "SELECT * FROM t WHERE id = ?"},
		{Name: "pg", SQL: "SELECT * FROM t WHERE id = $1", Database: "shop", Dialect: "postgresql"},
	}
	if !slices.Equal(c.Views, want) {
		t.Errorf("views %+v, want %+v", c.Views, want)
	}
}

// A store of the first format has no records the current one does not read: it opens, and
// is marked with the current version so that an older Weir refuses it plainly.
func TestVersionOneStoreIsUpgraded(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	commit(t, s, func(b *Batch) { b.PutTable(1, "CREATE TABLE t (id INT PRIMARY KEY)") })
	if err := s.db.Set(keyFormat, binary.AppendUvarint(nil, 1), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, SyncAlways)
	defer s.Close()
	v, closer, err := s.db.Get(keyFormat)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if got, _ := binary.Uvarint(v); got != FormatVersion {
		t.Fatalf("format record %d after opening a version 1 store, want %d", got, FormatVersion)
	}
	c, err := s.Catalog()
	if err != nil || len(c.Tables) != 1 {
		t.Fatalf("catalog %+v, %v", c, err)
	}
}

package proxyshape

import (
	"fmt"
	"testing"
)

func TestTableBoundedLRU(t *testing.T) {
	tab := New(3)
	for i := range 5 {
		q := fmt.Sprintf("SELECT %d", i)
		tab.See(q, q, WhyNotCached)
	}
	tab.See("SELECT 2", "SELECT 2", WhyInTransaction) // most recent again
	list := tab.List()
	if len(list) != 3 {
		t.Fatalf("%d shapes kept, want 3", len(list))
	}
	var got []string
	for _, p := range list {
		got = append(got, p.Text)
	}
	if want := "[SELECT 2 SELECT 4 SELECT 3]"; fmt.Sprint(got) != want {
		t.Fatalf("order %v, want %s", got, want)
	}
	if list[0].Count != 2 || list[0].Why != WhyInTransaction {
		t.Fatalf("SELECT 2: %+v", list[0])
	}
	if _, ok := tab.Sample(1); ok {
		t.Fatal("the forgotten shape 1 still has a sample")
	}
	if s, ok := tab.Sample(list[0].ID); !ok || s != "SELECT 2" {
		t.Fatalf("sample of SELECT 2: %q %v", s, ok)
	}
}

func TestTableAutoCache(t *testing.T) {
	for _, auto := range []bool{false, true} {
		tab := New(0)
		tab.Miss("SELECT a FROM t WHERE k = ?", "SELECT a FROM t WHERE k = 1", "shape", auto)
		if tab.IsCached("shape") {
			t.Fatalf("auto=%v: cached on the first sighting", auto)
		}
		tab.Miss("SELECT a FROM t WHERE k = ?", "SELECT a FROM t WHERE k = 2", "shape", auto)
		if tab.IsCached("shape") != auto {
			t.Fatalf("auto=%v: cached after two sightings: %v", auto, tab.IsCached("shape"))
		}
		want := WhyNotCached
		if auto {
			want = WhyCachedNow
		}
		if got := tab.List()[0]; got.Why != want || got.Count != 2 {
			t.Fatalf("auto=%v: %+v", auto, got)
		}
	}
}

func TestTableNamedCaches(t *testing.T) {
	tab := New(0)
	tab.Cache("s1", "")
	tab.Cache("s1", "Named")
	tab.Cache("s1", "") // an unnamed sighting keeps the name
	if name, ok := tab.CachedAs("s1"); !ok || name != "Named" {
		t.Fatalf("s1: %q %v", name, ok)
	}
	if got := tab.Named(); len(got) != 1 || got["Named"] != "s1" {
		t.Fatalf("Named: %v", got)
	}
	if !tab.UncacheNamed("named") || tab.IsCached("s1") || tab.UncacheNamed("named") {
		t.Fatal("UncacheNamed: want the shape forgotten once, case-insensitively")
	}
}

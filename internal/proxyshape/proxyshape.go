// Package proxyshape is the bookkeeping a listener in proxy mode keeps about statement
// shapes, shared by the MySQL listener (package server) and the PostgreSQL one (package
// pgwire): which SELECT shapes Weir answers from its caches, and the shapes passed to the
// upstream that SHOW PROXIED QUERIES lists, with how often and why, so that CREATE CACHE
// FROM <id> and --auto-cache can turn them into caches.
//
// It knows no SQL: each listener normalizes its statements in its own dialect and keys the
// cached shapes by weir.Stmt.Shape.
package proxyshape

import (
	"container/list"
	"strings"
	"sync"
	"time"
)

// Why a SELECT was passed through, as SHOW PROXIED QUERIES reports it.
const (
	WhyInTransaction = "inside a transaction"
	WhyNotCached     = "not cached (CREATE CACHE FROM <id>)"
	WhySeenOnce      = "seen once: cached once seen twice (--auto-cache)"
	WhyCachedNow     = "cached on this sighting (--auto-cache): read from Weir from now on"
	WhyOtherDB       = "the session's database is not the mirrored one"
	WhyReadYourWrite = "read-your-writes: Weir had not applied the session's last write"
)

// MaxSample bounds the statement text a shape keeps.
const MaxSample = 64 << 10

// Table holds the shapes Weir answers and the shapes passed through (at most max of the
// latter: past it the least recently seen is forgotten, so whatever clients send, it stays
// bounded). It is safe for concurrent use.
type Table struct {
	mu sync.Mutex
	// cached are the shapes (weir.Stmt.Shape) Weir answers, with the name of the cache
	// that made each ("" for one --auto-cache added).
	cached map[string]string
	max    int
	next   uint64
	byText map[string]*proxied
	byID   map[uint64]*proxied
	lru    list.List // front: most recently seen
}

// proxied is one statement shape passed to the upstream.
type proxied struct {
	Proxied
	sample string // the statement first seen, which CREATE CACHE FROM <id> caches
	elem   *list.Element
}

// Proxied is a row of SHOW PROXIED QUERIES.
type Proxied struct {
	ID    uint64
	Text  string // normalized: literals replaced by ?
	Count int64
	Why   string // why the last one was passed through
	Last  time.Time
}

// New returns a table that keeps at most max proxied shapes (10,000 when max <= 0).
func New(max int) *Table {
	if max <= 0 {
		max = 10000
	}
	return &Table{max: max, cached: map[string]string{}, byText: map[string]*proxied{}, byID: map[uint64]*proxied{}}
}

// CachedAs reports whether Weir answers the shape, and the name of the cache that does
// ("" for a shape --auto-cache cached).
func (t *Table) CachedAs(shape string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	name, ok := t.cached[shape]
	return name, ok
}

// IsCached reports whether Weir answers the shape.
func (t *Table) IsCached(shape string) bool {
	_, ok := t.CachedAs(shape)
	return ok
}

// Cache makes Weir answer the shape; a named cache replaces the name of an unnamed one.
func (t *Table) Cache(shape, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.cached[shape]; !ok || name != "" {
		t.cached[shape] = name
	}
}

// UncacheNamed forgets the shapes a dropped cache answered; it reports whether there was
// one.
func (t *Table) UncacheNamed(name string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	found := false
	for shape, n := range t.cached {
		if strings.EqualFold(n, name) {
			delete(t.cached, shape)
			found = true
		}
	}
	return found
}

// Named returns the named caches, by name, with their shapes.
func (t *Table) Named() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]string{}
	for shape, n := range t.cached {
		if n != "" {
			out[n] = shape
		}
	}
	return out
}

// See records a statement passed through, whose normalized text is norm, and returns how
// often its shape was seen.
func (t *Table) See(norm, sql, why string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.byText[norm]
	if !ok {
		if t.lru.Len() >= t.max {
			old := t.lru.Remove(t.lru.Back()).(*proxied)
			delete(t.byText, old.Text)
			delete(t.byID, old.ID)
		}
		t.next++
		s = &proxied{Proxied: Proxied{ID: t.next, Text: norm}}
		if len(sql) <= MaxSample {
			s.sample = sql
		}
		s.elem = t.lru.PushFront(s)
		t.byText[norm] = s
		t.byID[s.ID] = s
	} else {
		t.lru.MoveToFront(s.elem)
	}
	s.Count++
	s.Why = why
	s.Last = time.Now()
	return s.Count
}

// SetWhy replaces the reason of the shape last seen as norm.
func (t *Table) SetWhy(norm, why string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.byText[norm]; ok {
		s.Why = why
	}
}

// Miss records a SELECT Weir supports but does not answer (its shape is not cached), and
// with autoCache caches the shape once it has been seen twice.
func (t *Table) Miss(norm, sql, shape string, autoCache bool) {
	why := WhyNotCached
	if autoCache {
		why = WhySeenOnce
	}
	if n := t.See(norm, sql, why); autoCache && n >= 2 {
		t.Cache(shape, "")
		t.SetWhy(norm, WhyCachedNow)
	}
}

// Sample returns the statement CREATE CACHE FROM id caches.
func (t *Table) Sample(id uint64) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.byID[id]
	if !ok || s.sample == "" {
		return "", false
	}
	return s.sample, true
}

// List returns the shapes passed through, most recently seen first.
func (t *Table) List() []Proxied {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Proxied, 0, t.lru.Len())
	for e := t.lru.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*proxied).Proxied)
	}
	return out
}

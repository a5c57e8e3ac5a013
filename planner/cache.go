package planner

import (
	"sync"
	"sync/atomic"
)

// Cache keeps compiled statements by database and SQL text (a text names other tables in
// another database), each valid for the catalog version it was
// compiled against. It is bounded, by count and by bytes: applications that inline values
// send endless distinct texts, so past either bound it starts over rather than grow
// (compiling again is cheap next to keeping every text). Safe for concurrent use. T is what
// a compilation yields: a Statement in MySQL's dialect, pgsql's compiled SELECT in
// PostgreSQL's (which has its own cache, as one text means different things in the two).
type Cache[T any] struct {
	max      int64
	maxBytes int64
	count    atomic.Int64
	bytes    atomic.Int64
	// mu orders starting over against Put, so count and bytes stay those of the entries
	// held; Get takes no lock.
	mu    sync.Mutex
	stmts sync.Map // cacheKey -> *cachedStatement[T]
}

type cacheKey struct{ db, sql string }

type cachedStatement[T any] struct {
	version uint64
	stmt    T
}

// NewCache returns a cache of at most size statements and about maxBytes bytes (as Put's
// callers size them; zero or negative: no bound on bytes).
func NewCache[T any](size int, maxBytes int64) *Cache[T] {
	return &Cache[T]{max: int64(max(size, 1)), maxBytes: maxBytes}
}

// Get returns the statement compiled from sql in database db against catalog version, if it
// is cached.
func (c *Cache[T]) Get(db, sql string, version uint64) (T, bool) {
	if v, ok := c.stmts.Load(cacheKey{db, sql}); ok {
		if cs := v.(*cachedStatement[T]); cs.version == version {
			return cs.stmt, true
		}
	}
	var none T
	return none, false
}

// Put caches st, compiled from sql in database db against catalog version; bytes is what the
// entry costs (the caller's estimate), which Bytes sums.
func (c *Cache[T]) Put(db, sql string, version uint64, st T, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.count.Load() >= c.max || (c.maxBytes > 0 && c.bytes.Load()+bytes > c.maxBytes) {
		c.stmts.Clear()
		c.count.Store(0)
		c.bytes.Store(0)
	}
	if _, loaded := c.stmts.Swap(cacheKey{db, sql}, &cachedStatement[T]{version: version, stmt: st}); loaded {
		return // the same text compiled again (against a newer catalog): the same size
	}
	c.count.Add(1)
	c.bytes.Add(bytes)
}

// Len is the number of statements cached.
func (c *Cache[T]) Len() int { return int(c.count.Load()) }

// Bytes is the memory the cached statements cost, as Put's callers estimated it.
func (c *Cache[T]) Bytes() int64 { return c.bytes.Load() }

package planner

import (
	"sync"
	"sync/atomic"
)

// Cache keeps compiled statements by SQL text, each valid for the catalog version it was
// compiled against. It is bounded: applications that inline values send endless distinct
// texts, so past its size it starts over rather than grow (compiling again is cheap next to
// keeping every text). Safe for concurrent use.
type Cache struct {
	max   int64
	count atomic.Int64
	stmts sync.Map // SQL text -> *cachedStatement
}

type cachedStatement struct {
	version uint64
	stmt    Statement
}

// NewCache returns a cache of at most size statements.
func NewCache(size int) *Cache { return &Cache{max: int64(max(size, 1))} }

// Get returns the statement compiled from sql against catalog version, if it is cached.
func (c *Cache) Get(sql string, version uint64) (Statement, bool) {
	if v, ok := c.stmts.Load(sql); ok {
		if cs := v.(*cachedStatement); cs.version == version {
			return cs.stmt, true
		}
	}
	return nil, false
}

// Put caches st, compiled from sql against catalog version.
func (c *Cache) Put(sql string, version uint64, st Statement) {
	if c.count.Add(1) > c.max {
		c.stmts.Clear()
		c.count.Store(1)
	}
	c.stmts.Store(sql, &cachedStatement{version: version, stmt: st})
}

package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"github.com/weirdb/weir/dataflow"
)

// TableDef is a stored table definition.
type TableDef struct {
	ID  uint32
	DDL string
}

// ViewDef is a stored view (a registered query, or a SQL view's CREATE VIEW).
type ViewDef struct {
	Name string
	SQL  string
	// Database is the database a registered query's unqualified names resolve in; "" for
	// the default one (and for SQL views, whose statement names their database).
	Database string
	// Dialect is the SQL dialect a registered query is written in (Batch.PutViewDialect):
	// "" for the engine's own.
	Dialect string
}

// Catalog is everything a restart needs before it loads rows: the schema, the registered
// queries and where write numbering resumes.
type Catalog struct {
	// Tables in id order, which is creation order: replaying them in this order recreates
	// tables before anything that refers to them.
	Tables []TableDef
	// Views in name order.
	Views []ViewDef
	// SQLViews are the SQL views (CREATE VIEW), in name order, each with its CREATE VIEW
	// statement as SQL. A view may read views of any name, so the order is not the order
	// of dependency: definitions are restored as text, planned only when read.
	SQLViews []ViewDef
	// Databases are the databases created (CREATE DATABASE), spelled as created, in
	// lower-cased name order.
	Databases []string
	// Token is the newest write token recorded with SetToken (0 if none).
	Token uint64
	// AutoIncrement maps a table id to its next AUTO_INCREMENT value, for the tables that
	// recorded one (Batch.SetAutoIncrement).
	AutoIncrement map[uint32]uint64
	// NextTableID is the id the next table should get: the one recorded with SetNextTableID,
	// or one past the largest id in Tables if that is larger.
	NextTableID uint32
	// Upstream and UpstreamPosition are what SetUpstream and SetUpstreamPosition recorded
	// ("" and 0 if nothing).
	Upstream         string
	UpstreamPosition uint64
}

// Catalog reads the catalog and the metadata as of one instant.
func (s *Store) Catalog() (Catalog, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return Catalog{}, ErrClosed
	}
	// 'c' and 'm' are adjacent key spaces below 'r', so one iterator sees both consistently.
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixCatalog}, UpperBound: []byte{prefixMeta + 1}})
	if err != nil {
		return Catalog{}, classify("read catalog", err)
	}
	var c Catalog
	var next uint64
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		v, err := it.ValueAndErr()
		if err != nil {
			_ = it.Close()
			return Catalog{}, classify("read catalog", err)
		}
		if err := c.add(k, v, &next); err != nil {
			_ = it.Close()
			return Catalog{}, fmt.Errorf("storage: catalog key %q: %w: %s: %w", k, err, corruptAdvice, ErrCorrupt)
		}
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return Catalog{}, classify("read catalog", err)
	}
	c.NextTableID = uint32(next)
	if n := len(c.Tables); n > 0 && c.Tables[n-1].ID != ^uint32(0) && c.Tables[n-1].ID >= c.NextTableID {
		c.NextTableID = c.Tables[n-1].ID + 1
	}
	return c, nil
}

// add decodes one catalog or metadata record into c. Keys arrive in order, so tables come in
// id order and views in name order.
func (c *Catalog) add(k, v []byte, next *uint64) error {
	switch {
	case len(k) >= 2 && k[0] == prefixCatalog && k[1] == catalogTable:
		id, err := parseTableKey(k)
		if err != nil {
			return err
		}
		c.Tables = append(c.Tables, TableDef{ID: id, DDL: string(v)})
	case len(k) == tableKeyLength && k[0] == prefixCatalog && k[1] == catalogAutoInc:
		n, err := uvarintValue(v)
		if err != nil {
			return err
		}
		if c.AutoIncrement == nil {
			c.AutoIncrement = map[uint32]uint64{}
		}
		c.AutoIncrement[binary.BigEndian.Uint32(k[2:])] = n
	case len(k) >= 2 && k[0] == prefixCatalog && k[1] == catalogView:
		dialect, db, sql, err := parseViewValue(v)
		if err != nil {
			return err
		}
		c.Views = append(c.Views, ViewDef{Name: string(k[2:]), SQL: sql, Database: db, Dialect: dialect})
	case len(k) >= 2 && k[0] == prefixCatalog && k[1] == catalogDatabase:
		c.Databases = append(c.Databases, string(v))
	case len(k) >= 2 && k[0] == prefixCatalog && k[1] == catalogSQLView:
		c.SQLViews = append(c.SQLViews, ViewDef{Name: string(k[2:]), SQL: string(v)})
	case bytes.Equal(k, keyToken):
		tok, err := uvarintValue(v)
		if err != nil {
			return err
		}
		c.Token = tok
	case bytes.Equal(k, keyNextTableID):
		n, err := uvarintValue(v)
		if err != nil {
			return err
		}
		if n > uint64(^uint32(0)) {
			return fmt.Errorf("next table id %d is out of range", n)
		}
		*next = n
	case bytes.Equal(k, keyUpstream):
		c.Upstream = string(v)
	case bytes.Equal(k, keyUpstreamPosition):
		pos, err := uvarintValue(v)
		if err != nil {
			return err
		}
		c.UpstreamPosition = pos
	case bytes.Equal(k, keyFormat):
		// Checked by Open.
	default:
		// A key this version does not know lives in a space it owns: a newer Weir wrote it
		// without changing the format version, which it must not do.
		return errors.New("unknown catalog or metadata key")
	}
	return nil
}

func uvarintValue(v []byte) (uint64, error) {
	u, n := binary.Uvarint(v)
	if n <= 0 || n != len(v) {
		return 0, fmt.Errorf("bad varint value %x", v)
	}
	return u, nil
}

// ScanTable calls fn with every row of table in primary-key byte order, as of the moment the
// scan starts. pk is valid only during the call (copy it to keep it); row is the caller's. An
// error from fn stops the scan and is returned as is; a row that does not decode stops it with
// ErrCorrupt. fn must not call the Store: the scan holds it open, and a Close waiting behind
// it would deadlock with a nested call.
func (s *Store) ScanTable(table uint32, fn func(pk []byte, row dataflow.Row) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	start, end := rowSpan(table)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: start, UpperBound: end})
	if err != nil {
		return classify("scan table", err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		pk, err := splitRowKey(k, table)
		if err != nil {
			_ = it.Close()
			return fmt.Errorf("storage: %w: %s: %w", err, corruptAdvice, ErrCorrupt)
		}
		v, err := it.ValueAndErr()
		if err != nil {
			_ = it.Close()
			return classify(fmt.Sprintf("scan table %d", table), err)
		}
		row, err := DecodeRow(v)
		if err != nil {
			_ = it.Close()
			return fmt.Errorf("storage: table %d, key %x: %w: %s: %w", table, pk, err, corruptAdvice, ErrCorrupt)
		}
		if err := fn(pk, row); err != nil {
			_ = it.Close()
			return err
		}
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return classify(fmt.Sprintf("scan table %d", table), err)
	}
	return nil
}

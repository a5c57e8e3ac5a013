package tables

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
)

// Table is one base table: its schema, its rows (the graph's base node) and its
// AUTO_INCREMENT counter.
type Table struct {
	ID     uint32 // in the durable store
	DDL    string // the CREATE TABLE it was made with
	Schema *planner.TableSchema
	Node   *dataflow.Node
	Base   *operators.Base
	// AutoInc is the next AUTO_INCREMENT value. Base domain only.
	AutoInc uint64
	// Renumbered reports that the rows of a table without a primary key were renumbered
	// (Base.Compact) since the durable store last stored them all; the next write stores
	// them all again. Base domain only.
	Renumbered bool
	ints       []intRange // per column: the range of an integer column
	// unique are the unique keys a write must not collide on, after the primary key, in
	// the order MySQL finds conflicts (Schema.Indexes order). Each has an index in Base.
	unique []uniqueKey
}

// uniqueKey is a unique secondary index a write checks.
type uniqueKey struct {
	name string
	cols []int
}

// intRange is an integer column's accepted range, computed once per table.
type intRange struct {
	ok       bool
	lo       int64
	hi       uint64
	unsigned bool
}

// New returns a new, empty table of a schema (created by ddl), with its base node for the
// graph's domain 0. The caller adds the node to the graph and sets ID.
func New(ddl string, schema *planner.TableSchema) *Table {
	cols := make([]dataflow.Column, len(schema.Cols))
	for i, c := range schema.Cols {
		cols[i] = dataflow.Column{Table: schema.Name, Name: c.Name, Type: c.Type}
	}
	base := operators.NewBase(schema.Name, len(cols), schema.PK)
	name := strings.ToLower(schema.Name)
	node := &dataflow.Node{Op: base, Domain: 0, Cols: cols, Signature: "base:" + name, Base: name}
	ints := make([]intRange, len(schema.Cols))
	for i, c := range schema.Cols {
		if c.Type.Kind == dataflow.KindInt || c.Type.Kind == dataflow.KindUint {
			lo, hi := expr.IntRange(c.Type)
			ints[i] = intRange{ok: true, lo: lo, hi: hi, unsigned: lo == 0}
		}
	}
	t := &Table{DDL: ddl, Schema: schema, Node: node, Base: base, AutoInc: max(1, schema.AutoIncrement), ints: ints}
	t.setUnique()
	return t
}

// setUnique lists the schema's unique keys and makes sure Base indexes each of them, so that
// a write finds a conflict with one map lookup per key, and Load and Rollback keep them.
func (t *Table) setUnique() {
	t.unique = t.unique[:0]
	for _, ix := range t.Schema.Indexes {
		if ix.Unique() {
			t.Base.EnsureIndex(ix.Cols)
			t.unique = append(t.unique, uniqueKey{name: ix.Name, cols: ix.Cols})
		}
	}
}

// CheckIndexes reports whether the table's rows satisfy the unique keys of schema, a schema
// that differs from the table's own in its secondary indexes only: the first violated key is
// error 1062, naming the first duplicate in storage-key order. It must run in the base
// domain.
func (t *Table) CheckIndexes(schema *planner.TableSchema) error {
	for _, ix := range schema.Indexes {
		if !ix.Unique() || slices.ContainsFunc(t.unique, func(u uniqueKey) bool { return slices.Equal(u.cols, ix.Cols) }) {
			continue
		}
		if err := t.checkUnique(ix.Name, ix.Cols); err != nil {
			return err
		}
	}
	return nil
}

// SetSchema gives the table a schema that differs from its own in its secondary indexes
// only (CREATE INDEX, DROP INDEX, ALTER TABLE … ADD/DROP INDEX), which CheckIndexes
// accepted, and the DDL that creates it. It must run in the base domain.
func (t *Table) SetSchema(ddl string, schema *planner.TableSchema) {
	t.Schema, t.DDL = schema, ddl
	t.setUnique()
}

// checkUnique reports the first row, in storage-key order, whose non-NULL values in cols
// an earlier row holds too.
func (t *Table) checkUnique(name string, cols []int) error {
	type stored struct {
		key string
		row dataflow.Row
	}
	var rows []stored
	t.Base.Scan(func(key string, row dataflow.Row) bool {
		if !hasNull(row, cols) {
			rows = append(rows, stored{key, row})
		}
		return true
	})
	slices.SortFunc(rows, func(a, b stored) int { return strings.Compare(a.key, b.key) })
	seen := make(map[string]dataflow.Row, len(rows))
	var buf []byte
	for _, r := range rows {
		buf = dataflow.AppendRowKey(buf[:0], r.row, cols)
		if first, dup := seen[string(buf)]; dup {
			// As InnoDB's index build, the value of the row met first.
			return dupEntry(name, first, cols)
		}
		seen[string(buf)] = r.row
	}
	return nil
}

// hasNull reports whether row holds NULL in one of cols: such a row never collides on a
// unique key.
func hasNull(row dataflow.Row, cols []int) bool {
	for _, c := range cols {
		if row[c].IsNull() {
			return true
		}
	}
	return false
}

// dupEntry is MySQL's error 1062 for a row whose values in cols are taken in key name.
func dupEntry(name string, row dataflow.Row, cols []int) error {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = row[c].ToText()
	}
	return userError(codeDupEntry, "23000", fmt.Sprintf("Duplicate entry '%s' for key '%s'", strings.Join(parts, "-"), name))
}

// Load reads the table's rows from the durable store into its base state and sets its
// AUTO_INCREMENT counter to the one stored, or past the largest value stored if that is
// larger. It must run in the base domain.
func (t *Table) Load(st *storage.Store, autoInc uint64) error {
	autoCol := -1
	for i, c := range t.Schema.Cols {
		if c.AutoIncrement {
			autoCol = i
		}
	}
	t.AutoInc = max(t.AutoInc, autoInc)
	return st.ScanTable(t.ID, func(pk []byte, row dataflow.Row) error {
		t.Base.Put(string(pk), row)
		if autoCol >= 0 {
			if n, ok := row[autoCol].ToInt(); ok && n >= 0 && uint64(n) >= t.AutoInc {
				t.AutoInc = uint64(n) + 1
			}
		}
		return nil
	})
}

// AppendTo adds the rows the writer changed to a durable batch, each as it is now (seen is
// scratch space for skipping keys changed twice). After the table's rows were renumbered
// it stores every row again instead and reports rewrote: the caller clears Renumbered once
// the batch is committed.
func (w *Writer) AppendTo(b *storage.Batch, seen map[string]struct{}) (rewrote bool) {
	t := w.t
	undo := w.undo
	if w.truncated && !t.Renumbered {
		// Every row went: one range deletion instead of one per row.
		b.ClearRows(t.ID)
		undo = nil
	}
	if t.Renumbered {
		rewrote = true
		b.ClearRows(t.ID)
		t.Base.Scan(func(key string, row dataflow.Row) bool {
			b.PutRow(t.ID, []byte(key), row)
			return true
		})
		undo = nil
	}
	clear(seen)
	for _, u := range undo {
		if _, dup := seen[u.key]; dup {
			continue
		}
		seen[u.key] = struct{}{}
		if row, ok := t.Base.Get(u.key); ok {
			b.PutRow(t.ID, []byte(u.key), row)
		} else {
			b.DeleteRow(t.ID, []byte(u.key))
		}
	}
	if w.AutoIncMoved() {
		b.SetAutoIncrement(t.ID, t.AutoInc)
	}
	return rewrote
}

// MySQL error numbers of the conditions a write reports.
const (
	codeBadNull         = 1048
	codeDupEntry        = 1062
	codeWrongValueCount = 1136
	codeNoDefault       = 1364
)

// userError is a condition a client caused, with its MySQL error number and SQLSTATE.
func userError(code int, state, msg string) error {
	return &planner.Error{Code: code, SQLState: state, Msg: msg}
}

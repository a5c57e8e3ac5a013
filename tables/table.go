package tables

import (
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
	return &Table{DDL: ddl, Schema: schema, Node: node, Base: base, AutoInc: 1, ints: ints}
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

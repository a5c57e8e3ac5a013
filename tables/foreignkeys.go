package tables

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// maxCascadeDepth is InnoDB's bound on nested cascades (FK_MAX_CASCADE_DEL): a statement
// whose cascades would reach this depth fails (error 1296), so at most 14 levels cascade.
const maxCascadeDepth = 15

// codeGotErrorFromEngine is MySQL's ER_GET_ERRMSG, "Got error N 'text' from ENGINE".
const codeGotErrorFromEngine = 1296

func quoteName(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// Scope enforces the foreign keys of one statement's writes, as InnoDB does, row by row as
// the statement goes: a child row written must find its parent, and a parent row deleted
// or re-keyed takes its children with it (CASCADE), sets their keys NULL (SET NULL) or fails
// (RESTRICT, NO ACTION). The child rows it changes are written through one Writer per table
// (the statement's own writer for its own table, so that a self-referencing table has one
// undo log), whose deltas and durable rows go with the statement's.
type Scope struct {
	table    func(name string) *Table
	all      func() []*Table
	writers  map[*Table]*Writer
	cascaded []*Writer
	children map[*Table][]childLink
	depth    int
}

// childLink is a foreign key that references a table, with its child table.
type childLink struct {
	child *Table
	fk    *planner.ForeignKey
}

// NewScope returns a scope over the tables table finds by name and all lists.
func NewScope(table func(name string) *Table, all func() []*Table) *Scope {
	return &Scope{table: table, all: all, writers: map[*Table]*Writer{}, children: map[*Table][]childLink{}}
}

// Enforce makes w check its table's foreign keys through s. A writer without a scope (a
// mirror's, whose upstream checked its keys) checks none.
func (w *Writer) Enforce(s *Scope) {
	w.fks = s
	s.writers[w.t] = w
}

// Cascaded are the writers of the child tables the statement changed through its foreign
// keys, besides the statement's own writer; they go with it to the store and down the graph,
// or are rolled back with it.
func (s *Scope) Cascaded() []*Writer { return s.cascaded }

// writer is the statement's writer of t, made on first use.
func (s *Scope) writer(t *Table, like *Writer) *Writer {
	if w, ok := s.writers[t]; ok {
		return w
	}
	w := NewWriter(t, nil)
	w.gen = like.gen
	w.fks = s
	s.writers[t] = w
	s.cascaded = append(s.cascaded, w)
	return w
}

// childrenOf lists the foreign keys that reference t.
func (s *Scope) childrenOf(t *Table) []childLink {
	if links, ok := s.children[t]; ok {
		return links
	}
	var links []childLink
	for _, c := range s.all() {
		for i := range c.Schema.ForeignKeys {
			if fk := &c.Schema.ForeignKeys[i]; fk.References(t.Schema.Name) {
				links = append(links, childLink{child: c, fk: fk})
			}
		}
	}
	s.children[t] = links
	return links
}

// CheckTruncate refuses to empty t while another table's foreign key references it, as
// InnoDB does (error 1701): TRUNCATE deletes without looking at the children.
func (s *Scope) CheckTruncate(t *Table) error {
	for _, l := range s.childrenOf(t) {
		if l.child != t {
			return userError(planner.CodeTruncateReferenced, "42000",
				"Cannot truncate a table referenced in a foreign key constraint "+l.fk.Describe(l.child.Schema, true))
		}
	}
	return nil
}

// parentKeys are the storage keys of parent's rows whose refs hold vals. The lookup goes
// through the primary key or an index of the parent (made on first use and kept by Base
// from then on), never a scan.
func parentKeys(parent *Table, refs []int, vals dataflow.Row) []string {
	probe := make(dataflow.Row, len(parent.Schema.Cols))
	for i, c := range refs {
		probe[c] = vals[i]
	}
	if parent.Base.HasPrimaryKey() && slices.Equal(refs, parent.Schema.PK) {
		if key, _, ok := parent.Base.GetByKey(probe); ok {
			return []string{key}
		}
		return nil
	}
	parent.Base.EnsureIndex(refs)
	keys, _ := parent.Base.IndexedKeys(refs, probe)
	return slices.Clone(keys)
}

// project returns row's values in cols, and whether one of them is NULL.
func project(row dataflow.Row, cols []int) (dataflow.Row, bool) {
	out := make(dataflow.Row, len(cols))
	null := false
	for i, c := range cols {
		out[i] = row[c]
		null = null || out[i].IsNull()
	}
	return out, null
}

// sameValues reports whether a and b hold equal values in cols (as the index compares
// them).
func sameValues(a, b dataflow.Row, cols []int) bool {
	ka := dataflow.AppendRowKey(nil, a, cols)
	kb := dataflow.AppendRowKey(nil, b, cols)
	return string(ka) == string(kb)
}

// checkParents finds, for each foreign key of w's table whose columns row holds all
// non-NULL (and, when old is not nil, changed from old), the parent row: error 1452 without
// one.
func (w *Writer) checkParents(old, row dataflow.Row) error {
	if w.fks == nil {
		return nil
	}
	for i := range w.t.Schema.ForeignKeys {
		fk := &w.t.Schema.ForeignKeys[i]
		vals, null := project(row, fk.Cols)
		if null || old != nil && sameValues(old, row, fk.Cols) {
			continue
		}
		parent := w.fks.table(fk.Parent)
		var refs []int
		ok := parent != nil
		if ok {
			refs, ok = fk.ParentPositions(parent.Schema)
		}
		if !ok || len(parentKeys(parent, refs, vals)) == 0 {
			return userError(planner.CodeNoReferencedRow, "23000",
				"Cannot add or update a child row: a foreign key constraint fails "+fk.Describe(w.t.Schema, false))
		}
	}
	return nil
}

// referenced reports whether some foreign key references w's table.
func (w *Writer) referenced() bool { return w.fks != nil && len(w.fks.childrenOf(w.t)) > 0 }

// parentChanged applies the foreign keys that reference w's table to the children of old,
// a row deleted (row nil) or updated to row.
func (w *Writer) parentChanged(old, row dataflow.Row) error {
	if w.fks == nil {
		return nil
	}
	for _, l := range w.fks.childrenOf(w.t) {
		refs, ok := l.fk.ParentPositions(w.t.Schema)
		if !ok {
			continue
		}
		if row != nil && sameValues(old, row, refs) {
			continue
		}
		vals, null := project(old, refs)
		if null {
			continue
		}
		action := l.fk.OnDelete
		if row != nil {
			action = l.fk.OnUpdate
		}
		if err := w.fks.actOnChildren(w, l, action, vals, row, refs); err != nil {
			return err
		}
	}
	return nil
}

// actOnChildren finds the rows of l.child that reference vals and applies action to them;
// row is the parent's new row (nil for a delete), refs the parent's referenced columns.
func (s *Scope) actOnChildren(from *Writer, l childLink, action planner.RefAction, vals, row dataflow.Row, refs []int) error {
	child := l.child
	probe := make(dataflow.Row, len(child.Schema.Cols))
	for i, c := range l.fk.Cols {
		probe[c] = vals[i]
	}
	child.Base.EnsureIndex(l.fk.Cols)
	found, _ := child.Base.IndexedKeys(l.fk.Cols, probe)
	keys := slices.Clone(found)
	if len(keys) == 0 {
		return nil
	}
	refused := func() error {
		return userError(planner.CodeRowIsReferenced, "23000",
			"Cannot delete or update a parent row: a foreign key constraint fails "+l.fk.Describe(child.Schema, false))
	}
	if action.Checks() {
		return refused()
	}
	if s.depth+1 >= maxCascadeDepth {
		// InnoDB's DB_FOREIGN_EXCEED_MAX_CASCADE, which MariaDB reports as error 1296.
		return userError(codeGotErrorFromEngine, "HY000", fmt.Sprintf("Got error 193 '%s.%s, CONSTRAINT %s' from InnoDB",
			quoteName(planner.Database), quoteName(child.Schema.Name), planner.ForeignKeySQL(child.Schema, l.fk)))
	}
	cw := s.writer(child, from)
	s.depth++
	defer func() { s.depth-- }()
	for _, key := range keys {
		old, ok := child.Base.Get(key)
		if !ok {
			continue // a cascade earlier in the statement took it
		}
		if action == planner.RefCascade && row == nil {
			cw.remove(key)
			cw.deltas = append(cw.deltas, dataflow.Record{Row: old, Neg: true})
			if err := cw.parentChanged(old, nil); err != nil {
				return err
			}
			continue
		}
		next := slices.Clone(old)
		for i, c := range l.fk.Cols {
			if action == planner.RefSetNull {
				next[c] = dataflow.Null
			} else {
				next[c] = row[refs[i]]
			}
		}
		if c, taken := cw.firstConflict(next, key); taken {
			return cw.dupError(c, next)
		}
		cw.replaceRow(key, old, next, 0)
		if err := cw.parentChanged(old, next); err != nil {
			return err
		}
	}
	return nil
}

// DropCheck refuses to drop a table another table's foreign key references (those in
// dropping, which go with it, aside), as InnoDB does: error 1451.
func DropCheck(tables []*planner.TableSchema, table string, dropping []string) error {
	for _, ck := range planner.Referencing(tables, table) {
		if slices.ContainsFunc(dropping, func(n string) bool { return strings.EqualFold(n, ck.Child.Name) }) {
			continue
		}
		return userError(planner.CodeRowIsReferenced, "23000", "Cannot delete or update a parent row: a foreign key constraint fails")
	}
	return nil
}

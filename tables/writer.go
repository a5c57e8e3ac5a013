package tables

import (
	"fmt"
	"slices"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// Writer applies one statement (or an upstream transaction's changes) to a base table
// inside the base domain. Changes go to the table at once (later rows of a statement see
// earlier ones, as in MySQL) and are recorded in an undo log, so a failing statement leaves
// the table as it found it (Rollback).
type Writer struct {
	t        *Table
	args     dataflow.Row
	deltas   dataflow.Batch
	undo     []undoEntry
	affected int64
	// unchanged counts the rows an UPDATE (or an upsert) matched but left as they were:
	// not affected, but found (Result.RowsFound).
	unchanged int64
	lastID    uint64
	// generated reports that lastID is an AUTO_INCREMENT value this statement generated
	// (which takes precedence over explicit values).
	generated bool
	// explicitID is the explicit AUTO_INCREMENT value of the row being inserted, 0 for none.
	explicitID uint64
	autoInc    uint64 // value of t.AutoInc before the statement, for rollback
	touchedA   bool
	// replaced counts upstream inserts that found their key taken (see Mirror).
	replaced int64
	// gen supplies and records what the statement takes from the clock and from chance;
	// volatile are the statement's volatile values (planner.Volatile), which follow the
	// arguments in args; perRow reports that some are drawn for every row.
	gen      *Generated
	own      Generated
	volatile []planner.Volatile
	perRow   bool
	// truncated: the statement was a TRUNCATE (see AppendTo).
	truncated bool
	// fks enforces foreign keys; nil for a writer that checks none (a mirror's).
	fks *Scope
}

// NewWriter returns a writer of one statement to t; args are the statement's arguments.
// Its Generated (the statement's time, zero until set) is its own.
func NewWriter(t *Table, args dataflow.Row) *Writer {
	w := &Writer{t: t, args: args}
	w.gen = &w.own
	return w
}

// Generated is where the writer takes the statement's clock and source of chance from and
// records the values it generates.
func (w *Writer) Generated() *Generated { return w.gen }

// SetGenerated replaces Generated: a statement applied again takes the values recorded
// the first time (see Generated.Rewind).
func (w *Writer) SetGenerated(g *Generated) { w.gen = g }

// bindVolatile puts the statement's volatile values after its arguments.
func (w *Writer) bindVolatile(vol []planner.Volatile) {
	if len(vol) == 0 {
		return
	}
	n := len(w.args)
	w.args = append(w.args[:n:n], make(dataflow.Row, len(vol))...)
	w.volatile = vol
	for i, v := range vol {
		if v.PerRow() {
			w.perRow = true
			continue
		}
		w.args[n+i] = w.gen.clockValue(v)
	}
	w.drawRow()
}

// drawRow draws the values RAND() and UUID() take for the next row.
func (w *Writer) drawRow() {
	if !w.perRow {
		return
	}
	base := len(w.args) - len(w.volatile)
	for i, v := range w.volatile {
		if v.PerRow() {
			w.args[base+i] = w.gen.draw(v.Kind)
		}
	}
}

// now is the statement's time.
func (w *Writer) now() time.Time { return w.gen.now() }

// Table is the table the writer changes.
func (w *Writer) Table() *Table { return w.t }

// Deltas are the changes the statement made, to send down the graph.
func (w *Writer) Deltas() dataflow.Batch { return w.deltas }

// Changed reports whether the statement changed anything the durable store keeps: a row,
// or the AUTO_INCREMENT counter a TRUNCATE reset.
func (w *Writer) Changed() bool {
	return len(w.deltas) > 0 || (w.truncated && w.AutoIncMoved())
}

// Counts reports the rows the statement affected and those it found but left unchanged
// (see weir.Result), and the AUTO_INCREMENT value it generated first (or 0).
func (w *Writer) Counts() (affected, unchanged int64, lastID uint64) {
	return w.affected, w.unchanged, w.lastID
}

// Replaced counts the upstream inserts that found their key taken and replaced the row.
func (w *Writer) Replaced() int64 { return w.replaced }

// AutoIncMoved reports that the statement moved the table's AUTO_INCREMENT counter.
func (w *Writer) AutoIncMoved() bool { return w.touchedA && w.t.AutoInc != w.autoInc }

type undoEntry struct {
	key string
	old dataflow.Row // nil: the key was absent
}

// putNew stores a row under a key known to be absent.
func (w *Writer) putNew(key string, row dataflow.Row) {
	w.undo = append(w.undo, undoEntry{key: key})
	w.t.Base.Put(key, row)
}

func (w *Writer) put(key string, row dataflow.Row) {
	old, _ := w.t.Base.Get(key)
	w.undo = append(w.undo, undoEntry{key: key, old: old})
	w.t.Base.Put(key, row)
}

func (w *Writer) remove(key string) {
	old, _ := w.t.Base.Get(key)
	w.undo = append(w.undo, undoEntry{key: key, old: old})
	w.t.Base.Remove(key)
}

// Rollback takes back every change the writer made.
func (w *Writer) Rollback() {
	for i := len(w.undo) - 1; i >= 0; i-- {
		u := w.undo[i]
		if u.old == nil {
			w.t.Base.Remove(u.key)
		} else {
			w.t.Base.Put(u.key, u.old)
		}
	}
	if w.touchedA {
		w.t.AutoInc = w.autoInc
	}
	w.deltas = nil
}

func (w *Writer) schema() *planner.TableSchema { return w.t.Schema }

// finish converts every value to its column's type and enforces NOT NULL.
func (w *Writer) finish(row dataflow.Row) error {
	for i, c := range w.schema().Cols {
		if r := &w.t.ints[i]; r.ok {
			// Integer into an integer column within range: the common case, without the
			// general conversion.
			if v := row[i]; v.Kind() == dataflow.KindInt && v.RawInt() >= r.lo && (v.RawInt() < 0 || uint64(v.RawInt()) <= r.hi) {
				if r.unsigned {
					row[i] = dataflow.Uint(uint64(v.RawInt()))
				}
				continue
			}
		}
		v, err := expr.Convert(row[i], c.Type, true)
		if err != nil {
			return fmt.Errorf("column '%s': %w", c.Name, err)
		}
		if v.IsNull() && c.NotNull {
			return userError(codeBadNull, "23000", fmt.Sprintf("Column '%s' cannot be null", c.Name))
		}
		row[i] = v
	}
	return nil
}

// conflict is a stored row that holds a new row's values of a unique key.
type conflict struct {
	key string // the stored row's storage key
	row dataflow.Row
	// unique is the position of the key in Table.unique, or -1 for the primary key.
	unique int
}

// firstConflict finds the first key, in the order MySQL checks them (the primary key, then
// the unique keys in Schema.Indexes order), on which row collides with a stored row other
// than the one under self ("" when row is not stored yet). NULL never collides.
func (w *Writer) firstConflict(row dataflow.Row, self string) (conflict, bool) {
	base := w.t.Base
	if base.HasPrimaryKey() {
		if key, old, ok := base.GetByKey(row); ok && key != self {
			return conflict{key: key, row: old, unique: -1}, true
		}
	}
	for i, u := range w.t.unique {
		if hasNull(row, u.cols) {
			continue
		}
		keys, _ := base.IndexedKeys(u.cols, row)
		for _, k := range keys {
			if k != self {
				old, _ := base.Get(k)
				return conflict{key: k, row: old, unique: i}, true
			}
		}
	}
	return conflict{}, false
}

// dupError is error 1062 for row colliding as c says.
func (w *Writer) dupError(c conflict, row dataflow.Row) error {
	if c.unique < 0 {
		return dupEntry("PRIMARY", row, w.schema().PK)
	}
	u := w.t.unique[c.unique]
	return dupEntry(u.name, row, u.cols)
}

// Insert applies an INSERT, REPLACE or INSERT … ON DUPLICATE KEY UPDATE.
func (w *Writer) Insert(s *planner.Insert) error {
	sc := w.schema()
	width := len(sc.Cols)
	targets := s.Cols
	if len(targets) == 0 {
		targets = make([]int, width)
		for i := range targets {
			targets[i] = i
		}
	}
	given := make([]bool, width)
	for _, c := range targets {
		given[c] = true
	}
	w.autoInc, w.touchedA = w.t.AutoInc, true
	w.undo = make([]undoEntry, 0, len(s.Rows))
	w.deltas = make(dataflow.Batch, 0, len(s.Rows))
	w.bindVolatile(s.Volatile)
	for r, exprs := range s.Rows {
		if len(exprs) != len(targets) {
			return userError(codeWrongValueCount, "21S01", "Column count doesn't match value count at row 1")
		}
		if r > 0 {
			w.drawRow()
		}
		row := make(dataflow.Row, width)
		for i, c := range targets {
			if err := expr.JSONEvalError(exprs[i], w.args); err != nil {
				return err
			}
			row[c] = exprs[i].Eval(w.args)
		}
		for i, c := range sc.Cols {
			if given[i] {
				continue
			}
			switch {
			case c.DefaultNow:
				row[i] = planner.ClockValue(w.now(), c.Type)
			case c.Default != nil:
				row[i] = *c.Default
			case c.AutoIncrement || !c.NotNull:
				row[i] = dataflow.Null
			default:
				return userError(codeNoDefault, "HY000", fmt.Sprintf("Field '%s' doesn't have a default value", c.Name))
			}
		}
		w.explicitID = 0
		if err := w.assignAutoIncrement(row); err != nil {
			return err
		}
		if err := w.finish(row); err != nil {
			return err
		}
		affected := w.affected
		if err := w.insertRow(s, row); err != nil {
			return err
		}
		// As mysql_insert_id(): without a generated value, the explicit value of the last
		// row the statement wrote (a row an upsert left as it was, or IGNORE skipped, does
		// not count).
		if !w.generated && w.explicitID > 0 && w.affected > affected {
			w.lastID = w.explicitID
		}
	}
	return nil
}

// assignAutoIncrement fills a NULL or 0 AUTO_INCREMENT column with the next value and moves
// the counter past explicit values.
func (w *Writer) assignAutoIncrement(row dataflow.Row) error {
	for i, c := range w.schema().Cols {
		if !c.AutoIncrement {
			continue
		}
		v := row[i]
		explicit := !v.IsNull()
		if explicit {
			n, _ := v.ToInt()
			if n == 0 {
				explicit = false
			} else {
				if n > 0 && uint64(n) >= w.t.AutoInc {
					w.t.AutoInc = uint64(n) + 1
				}
				if n > 0 {
					w.explicitID = uint64(n)
				}
			}
		}
		if !explicit {
			id := w.nextAutoID()
			if c.Type.Unsigned {
				row[i] = dataflow.Uint(id)
			} else {
				row[i] = dataflow.Int(int64(id))
			}
			if !w.generated {
				w.lastID, w.generated = id, true
			}
		}
	}
	return nil
}

// nextAutoID takes the next AUTO_INCREMENT value: the counter's, or on a replay the one the
// statement was given the first time (the counter then moves past it).
func (w *Writer) nextAutoID() uint64 {
	if g := w.gen; g.Replay && g.nextID < len(g.IDs) {
		id := g.IDs[g.nextID]
		g.nextID++
		w.t.AutoInc = max(w.t.AutoInc, id+1)
		return id
	}
	id := w.t.AutoInc
	w.t.AutoInc++
	if g := w.gen; g.Record {
		g.IDs = append(g.IDs, id)
	}
	return id
}

func (w *Writer) insertRow(s *planner.Insert, row dataflow.Row) error {
	c, taken := w.firstConflict(row, "")
	switch {
	case !taken:
		if err := w.checkParents(nil, row); err != nil {
			return err
		}
		w.insertNew(row)
		return nil
	case s.Replace:
		return w.replace(row, c)
	case len(s.OnDup) > 0:
		return w.upsert(s, c.key, c.row, row)
	case s.Ignore:
		return nil
	}
	return w.dupError(c, row)
}

// insertNew stores a row that collides with none.
func (w *Writer) insertNew(row dataflow.Row) {
	w.putNew(w.t.Base.KeyOf(row), row)
	w.deltas = append(w.deltas, dataflow.Record{Row: row})
	w.affected++
}

// replace applies REPLACE to a row that collides as c says, as MySQL does: a row that
// collides on a key other than the last unique one is deleted (one affected row each) and
// the insert tried again; a collision on the last unique key updates that row in place (two
// affected rows, or one if the row is already identical).
func (w *Writer) replace(row dataflow.Row, c conflict) error {
	// MySQL updates in place only a row no foreign key references; a referenced one is
	// deleted (its children see the delete: CASCADE takes them, even when the new row is
	// the same) and the new one inserted.
	inPlace := !w.referenced()
	for {
		if c.unique == len(w.t.unique)-1 && inPlace {
			if dataflow.IdenticalRows(row, c.row) {
				w.affected++
				return nil
			}
			if err := w.checkParents(c.row, row); err != nil {
				return err
			}
			w.replaceRow(c.key, c.row, row, 2)
			return nil
		}
		w.remove(c.key)
		w.deltas = append(w.deltas, dataflow.Record{Row: c.row, Neg: true})
		w.affected++
		// InnoDB's REPLACE deletes the colliding row: its children see a delete.
		if err := w.parentChanged(c.row, nil); err != nil {
			return err
		}
		var taken bool
		if c, taken = w.firstConflict(row, ""); !taken {
			if err := w.checkParents(nil, row); err != nil {
				return err
			}
			w.insertNew(row)
			return nil
		}
	}
}

// upsert applies ON DUPLICATE KEY UPDATE to the existing row. Assignments run left to right
// over `existing row ++ VALUES row ++ arguments`, later ones seeing earlier results.
func (w *Writer) upsert(s *planner.Insert, key string, old, inserted dataflow.Row) error {
	width := len(old)
	env := make(dataflow.Row, 0, 2*width+len(w.args))
	env = append(env, old...)
	env = append(env, inserted...)
	env = append(env, w.args...)
	for _, a := range s.OnDup {
		if err := expr.JSONEvalError(a.Expr, env); err != nil {
			return err
		}
		env[a.Col] = a.Expr.Eval(env)
	}
	row := append(dataflow.Row(nil), env[:width]...)
	if err := w.finish(row); err != nil {
		return err
	}
	if dataflow.IdenticalRows(row, old) {
		w.unchanged++
		return nil
	}
	w.touchOnUpdate(row, s.OnDup)
	if c, taken := w.firstConflict(row, key); taken {
		if s.Ignore {
			// INSERT IGNORE … ON DUPLICATE KEY UPDATE leaves the row as it was.
			w.unchanged++
			return nil
		}
		return w.dupError(c, row)
	}
	if err := w.checkParents(old, row); err != nil {
		return err
	}
	w.replaceRow(key, old, row, 2)
	return w.parentChanged(old, row)
}

// replaceRow swaps old (stored under key) for row, which may have a different primary key;
// the caller has checked that row collides with no other row.
func (w *Writer) replaceRow(key string, old, row dataflow.Row, affected int64) {
	base := w.t.Base
	newKey := key
	if base.HasPrimaryKey() {
		newKey = base.KeyOf(row)
		if newKey != key {
			w.remove(key)
		}
	}
	w.put(newKey, row)
	w.deltas = append(w.deltas, dataflow.Record{Row: old, Neg: true}, dataflow.Record{Row: row})
	w.affected += affected
}

type match struct {
	key string
	row dataflow.Row
}

// matches returns the rows for which where holds, evaluated over `row ++ arguments`. When
// the WHERE clause pins the primary key, or a unique key (cols, nil for the primary key),
// only the rows holding those keys are visited.
func (w *Writer) matches(where expr.Expr, lookups [][]planner.KeySource, cols []int) []match {
	var out []match
	env := make(dataflow.Row, 0, len(w.schema().Cols)+len(w.args))
	visit := func(key string, row dataflow.Row) bool {
		if where != nil {
			env = append(append(env[:0], row...), w.args...)
			if !where.Eval(env).Truthy() {
				return true
			}
		}
		out = append(out, match{key, row})
		return true
	}
	if lookups == nil {
		w.t.Base.Scan(visit)
		return out
	}
	if cols == nil {
		cols = w.schema().PK
	}
	probe := make(dataflow.Row, len(w.schema().Cols))
	seen := map[string]bool{}
	var keys []string
next:
	for _, lookup := range lookups {
		for i, ks := range lookup {
			v := ks.Value(w.args)
			if v.IsNull() {
				continue next
			}
			kv, err := planner.KeyValue(v, w.schema().Cols[cols[i]].Type)
			if err != nil {
				// No single key answers this comparison: fall back to a scan.
				out = out[:0]
				w.t.Base.Scan(visit)
				return out
			}
			if kv.IsNull() {
				continue next
			}
			probe[cols[i]] = kv
		}
		keys = keys[:0]
		if w.t.Base.HasPrimaryKey() && slices.Equal(cols, w.schema().PK) {
			if key, _, ok := w.t.Base.GetByKey(probe); ok {
				keys = append(keys, key)
			}
		} else {
			found, ok := w.t.Base.IndexedKeys(cols, probe)
			if !ok {
				out = out[:0]
				w.t.Base.Scan(visit)
				return out
			}
			keys = append(keys, found...)
		}
		for _, key := range keys {
			if row, ok := w.t.Base.Get(key); ok && !seen[key] {
				seen[key] = true
				visit(key, row)
			}
		}
	}
	return out
}

// touchOnUpdate gives the ON UPDATE CURRENT_TIMESTAMP columns of a row that changed the
// statement's time, except those the statement assigns itself (as MySQL).
func (w *Writer) touchOnUpdate(row dataflow.Row, set []planner.Assignment) {
	for i, c := range w.schema().Cols {
		if !c.OnUpdateNow || slices.ContainsFunc(set, func(a planner.Assignment) bool { return a.Col == i }) {
			continue
		}
		row[i] = planner.ClockValue(w.now(), c.Type)
	}
}

// Update applies an UPDATE.
func (w *Writer) Update(s *planner.Update) error {
	width := len(w.schema().Cols)
	w.bindVolatile(s.Volatile)
	ms := w.matches(s.Where, s.Lookups, s.LookupCols)
	if pk := w.schema().PK; len(pk) > 0 {
		// InnoDB visits rows in primary-key order; so do we, so that a statement that moves
		// keys into each other's places fails or succeeds as it does there.
		order := make([]dataflow.SortKey, len(pk))
		for i, c := range pk {
			order[i] = dataflow.SortKey{Col: c}
		}
		slices.SortFunc(ms, func(a, b match) int { return dataflow.CompareRows(a.row, b.row, order) })
	}
	for k, m := range ms {
		if k > 0 {
			w.drawRow()
		}
		if w.fks != nil {
			// A cascade of an earlier row of a self-referencing table may have changed or
			// deleted this one: update it as it is now.
			cur, ok := w.t.Base.Get(m.key)
			if !ok {
				continue
			}
			m.row = cur
		}
		env := make(dataflow.Row, 0, width+len(w.args))
		env = append(append(env, m.row...), w.args...)
		for _, a := range s.Set {
			if err := expr.JSONEvalError(a.Expr, env); err != nil {
				return err
			}
			env[a.Col] = a.Expr.Eval(env)
		}
		row := env[:width:width]
		if err := w.finish(row); err != nil {
			return err
		}
		if dataflow.IdenticalRows(row, m.row) {
			w.unchanged++
			continue
		}
		w.touchOnUpdate(row, s.Set)
		// Each row is checked against the table as the rows before it left it, as MySQL
		// does: a key change into a value another matched row vacates earlier is fine, into
		// one still held is a duplicate.
		if c, taken := w.firstConflict(row, m.key); taken {
			if s.Ignore {
				// UPDATE IGNORE leaves the row as it was: found, not changed.
				w.unchanged++
				continue
			}
			return w.dupError(c, row)
		}
		if err := w.checkParents(m.row, row); err != nil {
			return err
		}
		w.replaceRow(m.key, m.row, row, 1)
		if err := w.parentChanged(m.row, row); err != nil {
			return err
		}
	}
	return nil
}

// Delete applies a DELETE.
func (w *Writer) Delete(s *planner.Delete) error {
	w.bindVolatile(s.Volatile)
	for _, m := range w.matches(s.Where, s.Lookups, s.LookupCols) {
		row, ok := w.t.Base.Get(m.key)
		if !ok {
			continue // a cascade of an earlier row took it
		}
		w.remove(m.key)
		w.deltas = append(w.deltas, dataflow.Record{Row: row, Neg: true})
		w.affected++
		if err := w.parentChanged(row, nil); err != nil {
			return err
		}
	}
	return nil
}

// Truncate applies a TRUNCATE: every row goes (each as a delete down the graph, so every
// view follows), and the AUTO_INCREMENT counter starts again at 1. Like MySQL, it reports no
// affected rows.
func (w *Writer) Truncate() {
	w.autoInc, w.touchedA = w.t.AutoInc, true
	w.truncated = true
	var keys []string
	w.t.Base.Scan(func(key string, row dataflow.Row) bool {
		keys = append(keys, key)
		w.deltas = append(w.deltas, dataflow.Record{Row: row, Neg: true})
		return true
	})
	for _, k := range keys {
		w.remove(k)
	}
	w.t.AutoInc = 1
}

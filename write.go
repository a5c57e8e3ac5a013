package weir

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// write sends a planned write to the base domain and waits for its outcome. stale reports
// that the catalog changed since the statement was planned.
func (e *Engine) write(ctx context.Context, st planner.Statement, version uint64, args dataflow.Row) (Result, bool, error) {
	e.gate.RLock()
	defer e.gate.RUnlock()
	if e.version.Load() != version {
		return Result{}, true, nil
	}
	var tname string
	var nparams int
	switch s := st.(type) {
	case *planner.Insert:
		tname, nparams = s.Table, s.NumParams
	case *planner.Update:
		tname, nparams = s.Table, s.NumParams
	case *planner.Delete:
		tname, nparams = s.Table, s.NumParams
	default:
		return Result{}, false, newError(ErrCodeUnsupported, "42000", fmt.Sprintf("statement %T cannot be executed", st))
	}
	if len(args) != nparams {
		return Result{}, false, newError(ErrCodeWrongArguments, "HY000",
			fmt.Sprintf("statement has %d placeholders but %d arguments were given", nparams, len(args)))
	}
	e.mu.RLock()
	t, ok := e.tables[strings.ToLower(tname)]
	e.mu.RUnlock()
	if !ok {
		return Result{}, false, errNoSuchTable(tname)
	}
	w := &writer{e: e, t: t, args: args}
	tok, durable, err := e.apply(ctx, false, func() ([]*writer, error) {
		if t.base.Compact() {
			t.renumbered = true
		}
		var err error
		switch s := st.(type) {
		case *planner.Insert:
			err = w.insert(s)
		case *planner.Update:
			err = w.update(s)
		case *planner.Delete:
			err = w.delete(s)
		}
		return []*writer{w}, err
	}, func(_ []*writer, tok uint64) (func() error, error) {
		durable, err := e.persistWrite(t, w.undo, w.touchedA && t.autoInc != w.autoInc, tok)
		if err != nil {
			return nil, fmt.Errorf("weir: the write was not applied: %w", err)
		}
		return durable, nil
	}, nil)
	if err != nil {
		return Result{}, false, err
	}
	if durable != nil {
		if err := durable(); err != nil {
			return Result{}, false, fmt.Errorf("weir: the write was applied but could not be made durable: %w", err)
		}
	}
	return Result{Token: Token(tok), RowsAffected: w.affected, RowsFound: w.affected + w.unchanged, LastInsertID: w.lastID}, false, nil
}

// apply runs a write transaction in the base domain and waits for its outcome there:
// change applies it to base tables through writers, whose undo logs take it all back if
// change or persist fails; persist hands the changed rows to the durable store with the
// token they will carry (and returns what reports their durability); then the token is
// taken, every writer's deltas go down the graph together, and applied (when not nil)
// runs, still in the base domain. A transaction that changed
// no row takes no token and is not persisted, unless always is set (an upstream
// transaction, whose position must be stored and seen whatever it changed); its result is
// then the newest token, which it waits for like any other. The caller owns the writers'
// results once apply returns.
func (e *Engine) apply(ctx context.Context, always bool, change func() ([]*writer, error),
	persist func(ws []*writer, tok uint64) (func() error, error), applied func()) (tok uint64, durable func() error, err error) {
	type outcome struct {
		tok     uint64
		durable func() error
		err     error
	}
	reply := make(chan outcome, 1)
	err = e.rt.Input(func(emit func(*dataflow.Node, dataflow.Batch)) uint64 {
		ws, err := change()
		fail := func(err error) uint64 {
			for i := len(ws) - 1; i >= 0; i-- {
				ws[i].rollback()
			}
			reply <- outcome{err: err}
			return 0
		}
		if err != nil {
			return fail(err)
		}
		changed := always
		for _, w := range ws {
			changed = changed || len(w.deltas) > 0
		}
		if !changed {
			reply <- outcome{tok: e.nextToken}
			return e.nextToken
		}
		// A write the store refuses (closed, or failed) is taken back before anything
		// downstream sees it, so memory never holds what the disk does not.
		tok := e.nextToken + 1
		durable, err := persist(ws, tok)
		if err != nil {
			return fail(err)
		}
		e.nextToken = tok
		e.lastToken.Store(tok)
		for _, w := range ws {
			if len(w.deltas) > 0 {
				emit(w.t.node, w.deltas)
			}
		}
		if applied != nil {
			applied()
		}
		reply <- outcome{tok: tok, durable: durable}
		return tok
	})
	if err != nil {
		return 0, nil, err
	}
	select {
	case r := <-reply:
		return r.tok, r.durable, r.err
	case <-e.rt.Domains[0].Dead():
		return 0, nil, e.rt.Domains[0].Err()
	case <-ctx.Done():
		// The write may still be applied; MySQL semantics for a cancelled statement are the
		// same (the outcome is unknown to the client).
		return 0, nil, ctx.Err()
	}
}

// writer applies one statement to a base table inside the base domain. Changes go to the
// table at once (later rows of a statement see earlier ones, as in MySQL) and are recorded
// in an undo log, so a failing statement leaves the table as it found it.
type writer struct {
	e        *Engine
	t        *table
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
	autoInc   uint64 // value of t.autoInc before the statement, for rollback
	touchedA  bool
}

type undoEntry struct {
	key string
	old dataflow.Row // nil: the key was absent
}

// putNew stores a row under a key known to be absent.
func (w *writer) putNew(key string, row dataflow.Row) {
	w.undo = append(w.undo, undoEntry{key: key})
	w.t.base.Put(key, row)
}

func (w *writer) put(key string, row dataflow.Row) {
	old, _ := w.t.base.Get(key)
	w.undo = append(w.undo, undoEntry{key: key, old: old})
	w.t.base.Put(key, row)
}

func (w *writer) remove(key string) {
	old, _ := w.t.base.Get(key)
	w.undo = append(w.undo, undoEntry{key: key, old: old})
	w.t.base.Remove(key)
}

func (w *writer) rollback() {
	for i := len(w.undo) - 1; i >= 0; i-- {
		u := w.undo[i]
		if u.old == nil {
			w.t.base.Remove(u.key)
		} else {
			w.t.base.Put(u.key, u.old)
		}
	}
	if w.touchedA {
		w.t.autoInc = w.autoInc
	}
	w.deltas = nil
}

func (w *writer) schema() *planner.TableSchema { return w.t.schema }

// finish converts every value to its column's type and enforces NOT NULL.
func (w *writer) finish(row dataflow.Row) error {
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
			return newError(ErrCodeBadNull, "23000", fmt.Sprintf("Column '%s' cannot be null", c.Name))
		}
		row[i] = v
	}
	return nil
}

func (w *writer) dupError(row dataflow.Row) error {
	pk := w.schema().PK
	parts := make([]string, len(pk))
	for i, c := range pk {
		parts[i] = row[c].ToText()
	}
	return newError(ErrCodeDupEntry, "23000", fmt.Sprintf("Duplicate entry '%s' for key 'PRIMARY'", strings.Join(parts, "-")))
}

func (w *writer) insert(s *planner.Insert) error {
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
	w.autoInc, w.touchedA = w.t.autoInc, true
	w.undo = make([]undoEntry, 0, len(s.Rows))
	w.deltas = make(dataflow.Batch, 0, len(s.Rows))
	for _, exprs := range s.Rows {
		if len(exprs) != len(targets) {
			return newError(ErrCodeWrongValueCount, "21S01", "Column count doesn't match value count at row 1")
		}
		row := make(dataflow.Row, width)
		for i, c := range targets {
			row[c] = exprs[i].Eval(w.args)
		}
		for i, c := range sc.Cols {
			if given[i] {
				continue
			}
			switch {
			case c.Default != nil:
				row[i] = *c.Default
			case c.AutoIncrement || !c.NotNull:
				row[i] = dataflow.Null
			default:
				return newError(ErrCodeNoDefault, "HY000", fmt.Sprintf("Field '%s' doesn't have a default value", c.Name))
			}
		}
		if err := w.assignAutoIncrement(row); err != nil {
			return err
		}
		if err := w.finish(row); err != nil {
			return err
		}
		if err := w.insertRow(s, row); err != nil {
			return err
		}
	}
	return nil
}

// assignAutoIncrement fills a NULL or 0 AUTO_INCREMENT column with the next value and moves
// the counter past explicit values.
func (w *writer) assignAutoIncrement(row dataflow.Row) error {
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
				if n > 0 && uint64(n) >= w.t.autoInc {
					w.t.autoInc = uint64(n) + 1
				}
				// As mysql_insert_id(): an explicit value counts when nothing was generated.
				if w.lastID == 0 && !w.generated && n > 0 {
					w.lastID = uint64(n)
				}
			}
		}
		if !explicit {
			id := w.t.autoInc
			w.t.autoInc++
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

func (w *writer) insertRow(s *planner.Insert, row dataflow.Row) error {
	base := w.t.base
	if !base.HasPrimaryKey() {
		w.putNew(base.KeyOf(row), row)
		w.deltas = append(w.deltas, dataflow.Record{Row: row})
		w.affected++
		return nil
	}
	key, old, exists := base.GetByKey(row)
	if !exists {
		w.putNew(base.KeyOf(row), row)
		w.deltas = append(w.deltas, dataflow.Record{Row: row})
		w.affected++
		return nil
	}
	switch {
	case s.Replace:
		w.remove(key)
		w.put(key, row)
		w.deltas = append(w.deltas, dataflow.Record{Row: old, Neg: true}, dataflow.Record{Row: row})
		w.affected += 2
		return nil
	case len(s.OnDup) > 0:
		return w.upsert(s, key, old, row)
	case s.Ignore:
		return nil
	}
	return w.dupError(row)
}

// upsert applies ON DUPLICATE KEY UPDATE to the existing row. Assignments run left to right
// over `existing row ++ VALUES row ++ arguments`, later ones seeing earlier results.
func (w *writer) upsert(s *planner.Insert, key string, old, inserted dataflow.Row) error {
	width := len(old)
	env := make(dataflow.Row, 0, 2*width+len(w.args))
	env = append(env, old...)
	env = append(env, inserted...)
	env = append(env, w.args...)
	for _, a := range s.OnDup {
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
	return w.replaceRow(key, old, row, 2)
}

// replaceRow swaps old (stored under key) for row, which may have a different primary key.
func (w *writer) replaceRow(key string, old, row dataflow.Row, affected int64) error {
	base := w.t.base
	newKey := key
	if base.HasPrimaryKey() {
		newKey = base.KeyOf(row)
		if newKey != key {
			if _, exists := base.Get(newKey); exists {
				return w.dupError(row)
			}
			w.remove(key)
		}
	}
	w.put(newKey, row)
	w.deltas = append(w.deltas, dataflow.Record{Row: old, Neg: true}, dataflow.Record{Row: row})
	w.affected += affected
	return nil
}

type match struct {
	key string
	row dataflow.Row
}

// matches returns the rows for which where holds, evaluated over `row ++ arguments`. When
// the WHERE clause pins the primary key (lookups), only those keys are visited.
func (w *writer) matches(where expr.Expr, lookups [][]planner.KeySource) []match {
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
		w.t.base.Scan(visit)
		return out
	}
	pk := w.schema().PK
	probe := make(dataflow.Row, len(w.schema().Cols))
	seen := map[string]bool{}
next:
	for _, lookup := range lookups {
		for i, ks := range lookup {
			v := ks.Literal
			if ks.Param >= 0 {
				v = w.args[ks.Param]
			}
			if v.IsNull() {
				continue next
			}
			kv, err := keyValue(v, w.schema().Cols[pk[i]].Type)
			if err != nil {
				// No single key answers this comparison: fall back to a scan.
				out = out[:0]
				w.t.base.Scan(visit)
				return out
			}
			if kv.IsNull() {
				continue next
			}
			probe[pk[i]] = kv
		}
		key, row, ok := w.t.base.GetByKey(probe)
		if ok && !seen[key] {
			seen[key] = true
			visit(key, row)
		}
	}
	return out
}

func (w *writer) update(s *planner.Update) error {
	width := len(w.schema().Cols)
	ms := w.matches(s.Where, s.Lookups)
	if pk := w.schema().PK; len(pk) > 0 {
		// InnoDB visits rows in primary-key order; so do we, so that a statement that moves
		// keys into each other's places fails or succeeds as it does there.
		order := make([]dataflow.SortKey, len(pk))
		for i, c := range pk {
			order[i] = dataflow.SortKey{Col: c}
		}
		slices.SortFunc(ms, func(a, b match) int { return dataflow.CompareRows(a.row, b.row, order) })
	}
	for _, m := range ms {
		env := make(dataflow.Row, 0, width+len(w.args))
		env = append(append(env, m.row...), w.args...)
		for _, a := range s.Set {
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
		// The row may have moved already within this statement (a key change into a slot
		// another matched row vacates is fine; into an occupied one is a duplicate).
		if err := w.replaceRow(m.key, m.row, row, 1); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) delete(s *planner.Delete) error {
	for _, m := range w.matches(s.Where, s.Lookups) {
		w.remove(m.key)
		w.deltas = append(w.deltas, dataflow.Record{Row: m.row, Neg: true})
		w.affected++
	}
	return nil
}

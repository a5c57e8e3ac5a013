package weir

import (
	"context"
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/tables"
)

// write sends a planned write to the base domain and waits for its outcome. stale reports
// that the catalog changed since the statement was planned.
func (e *Engine) write(ctx context.Context, st planner.Statement, version uint64, args dataflow.Row) (Result, bool, error) {
	e.gate.RLock()
	defer e.gate.RUnlock()
	if e.version.Load() != version {
		return Result{}, true, nil
	}
	ws, ok := st.(planner.Write)
	if !ok {
		return Result{}, false, newError(ErrCodeUnsupported, "42000", fmt.Sprintf("%s cannot be executed as a write", st.Verb()))
	}
	tname, nparams := ws.Target(), ws.Params()
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
	w := tables.NewWriter(t, args)
	w.Generated().Now = e.opts.Clock()
	tok, durable, err := e.apply(ctx, false, func() ([]*tables.Writer, error) {
		if t.Base.Compact() {
			t.Renumbered = true
		}
		return e.applyEnforced(w, st, foreignKeyChecks(ctx))
	}, func(ws []*tables.Writer, tok uint64) (func() error, error) {
		durable, err := e.persistWrite(ws, tok, nil)
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
	affected, unchanged, lastID := w.Counts()
	return Result{Token: Token(tok), RowsAffected: affected, RowsFound: affected + unchanged, LastInsertID: lastID}, false, nil
}

// applyStatement applies one planned write through w, in the base domain.
func applyStatement(w *tables.Writer, st planner.Statement) error {
	switch s := st.(type) {
	case *planner.Insert:
		return w.Insert(s)
	case *planner.Update:
		return w.Update(s)
	case *planner.Delete:
		return w.Delete(s)
	case *planner.Truncate:
		w.Truncate()
		return nil
	}
	return newError(ErrCodeUnsupported, "42000", fmt.Sprintf("%s cannot be executed as a write", st.Verb()))
}

// applyEnforced applies one planned write through w, in the base domain, enforcing the
// foreign keys of the tables it changes (unless checks is off: see
// WithoutForeignKeyChecks): it returns w and then the writers of the child
// tables its cascades changed, all of which go to the store and down the graph together. On
// failure it has taken all of them back.
func (e *Engine) applyEnforced(w *tables.Writer, st planner.Statement, checks bool) ([]*tables.Writer, error) {
	var err error
	var cascaded []*tables.Writer
	if checks {
		scope := tables.NewScope(e.tableNamed, e.allTables)
		w.Enforce(scope)
		if _, ok := st.(*planner.Truncate); ok {
			err = scope.CheckTruncate(w.Table())
		}
		if err == nil {
			err = applyStatement(w, st)
		}
		cascaded = scope.Cascaded()
	} else {
		err = applyStatement(w, st)
	}
	ws := append([]*tables.Writer{w}, cascaded...)
	if err != nil {
		for i := len(ws) - 1; i >= 0; i-- {
			ws[i].Rollback()
		}
		return nil, err
	}
	return ws, nil
}

// tableNamed is the base table of a name, or nil. Writes call it in the base domain, under
// the gate, so the catalog cannot change meanwhile.
func (e *Engine) tableNamed(name string) *tables.Table {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.tables[strings.ToLower(name)]
}

// allTables lists the base tables (see tableNamed).
func (e *Engine) allTables() []*tables.Table {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]*tables.Table, 0, len(e.tables))
	for _, t := range e.tables {
		out = append(out, t)
	}
	return out
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
func (e *Engine) apply(ctx context.Context, always bool, change func() ([]*tables.Writer, error),
	persist func(ws []*tables.Writer, tok uint64) (func() error, error), applied func()) (tok uint64, durable func() error, err error) {
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
				ws[i].Rollback()
			}
			reply <- outcome{err: err}
			return 0
		}
		if err != nil {
			return fail(err)
		}
		changed := always
		for _, w := range ws {
			changed = changed || w.Changed()
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
			if d := w.Deltas(); len(d) > 0 {
				emit(w.Table().Node, d)
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
		if r.err == nil {
			e.acknowledge(r.tok)
		}
		return r.tok, r.durable, r.err
	case <-e.rt.Domains[0].Dead():
		return 0, nil, e.rt.Domains[0].Err()
	case <-ctx.Done():
		// The write may still be applied; MySQL semantics for a cancelled statement are the
		// same (the outcome is unknown to the client).
		return 0, nil, ctx.Err()
	}
}

// acknowledge records that the write of tok is about to be answered: every read that begins
// from now on waits for it. Writers answered out of token order leave the newest.
func (e *Engine) acknowledge(tok uint64) {
	for {
		cur := e.ackedToken.Load()
		if tok <= cur || e.ackedToken.CompareAndSwap(cur, tok) {
			return
		}
	}
}

// readToken is the token a read waits for: every write acknowledged before it began.
func (e *Engine) readToken() Token { return Token(e.ackedToken.Load()) }

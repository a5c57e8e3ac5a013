package weir

import (
	"context"
	"fmt"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/storage"
)

// The durable store (Options.Dir) holds what a restart needs: each table's DDL and rows,
// each named view's SQL, and the write token sequence. Catalog changes are committed before
// the engine applies them, so the store never lacks something a client was told exists.
// A write is committed from the base domain right after it is applied there, without
// waiting: the client that made it waits for its batch to be durable before it is
// acknowledged (storage.Store.CommitAsync keeps batches in order and lets them share
// fsyncs). Views may show a write a moment before it is durable; a crash in that moment
// loses a write no client was told had succeeded.

// openStore opens the durable store of opts.Dir and restores its tables, rows, views and
// token sequence into e, which has just started.
func (e *Engine) openStore(ctx context.Context) error {
	st, err := storage.Open(storage.Options{Dir: e.opts.Dir, Sync: e.opts.Sync, Interval: e.opts.SyncInterval})
	if err != nil {
		return err
	}
	cat, err := st.Catalog()
	if err != nil {
		st.Close()
		return err
	}
	// A mirror's tables belong to its upstream and Weir's own tables to their clients: one
	// opened as the other would overwrite or drop data.
	switch {
	case e.mirror == nil && cat.Upstream != "":
		st.Close()
		return fmt.Errorf("weir: %s holds a mirror of an upstream database (%s): start it with weir serve --upstream, or use another data directory", e.opts.Dir, cat.Upstream)
	case e.mirror != nil && cat.Upstream == "" && len(cat.Tables) > 0:
		st.Close()
		return fmt.Errorf("weir: %s holds Weir's own tables, not a mirror: a mirror would drop them; use another data directory for --upstream", e.opts.Dir)
	}
	// Replayed DDL and views must not be committed again: the store is attached after.
	for _, td := range cat.Tables {
		e.nextTableID = td.ID
		if _, err := e.exec(ctx, td.DDL, nil, false); err != nil {
			st.Close()
			return fmt.Errorf("weir: restoring table %d from %s (%q): %w", td.ID, e.opts.Dir, td.DDL, err)
		}
	}
	e.nextTableID = max(e.nextTableID, cat.NextTableID)
	if m := e.mirror; m != nil {
		m.upstream, m.applied = cat.Upstream, cat.UpstreamPosition
	}
	for _, t := range e.tables {
		if err := e.loadTable(ctx, st, t, cat.AutoIncrement[t.id]); err != nil {
			st.Close()
			return err
		}
	}
	for _, vd := range cat.Views {
		if _, err := e.Register(ctx, vd.Name, vd.SQL); err != nil {
			st.Close()
			return fmt.Errorf("weir: restoring view %s from %s: %w", vd.Name, e.opts.Dir, err)
		}
	}
	// Numbering resumes after the stored token. It travels as an input with no rows, so
	// every domain's progress reaches it: a read that waits for every write acknowledged
	// before it must not wait for writes of the previous run, which are all in the tables.
	err = e.rt.Input(func(func(*dataflow.Node, dataflow.Batch)) uint64 {
		e.nextToken = cat.Token
		e.lastToken.Store(cat.Token)
		return cat.Token
	})
	if err == nil {
		wctx, cancel := context.WithTimeout(ctx, e.opts.ReadTimeout)
		err = e.WaitFor(wctx, Token(cat.Token))
		cancel()
	}
	if err != nil {
		st.Close()
		return err
	}
	e.store = st
	return nil
}

// loadTable reads a table's rows into its base state, in the base domain, and sets its
// AUTO_INCREMENT counter to the one stored, or past the largest value stored if that is
// larger.
func (e *Engine) loadTable(ctx context.Context, st *storage.Store, t *table, autoInc uint64) error {
	autoCol := -1
	for i, c := range t.schema.Cols {
		if c.AutoIncrement {
			autoCol = i
		}
	}
	var err error
	callErr := e.rt.Domains[0].Call(ctx, func() {
		t.autoInc = max(t.autoInc, autoInc)
		err = st.ScanTable(t.id, func(pk []byte, row dataflow.Row) error {
			t.base.Put(string(pk), row)
			if autoCol >= 0 {
				if n, ok := row[autoCol].ToInt(); ok && n >= 0 && uint64(n) >= t.autoInc {
					t.autoInc = uint64(n) + 1
				}
			}
			return nil
		})
	})
	if callErr != nil {
		return callErr
	}
	if err != nil {
		return fmt.Errorf("weir: loading table %s from %s: %w", t.schema.Name, e.opts.Dir, err)
	}
	return nil
}

// persistTable gives a new table its id and, with a store, commits its DDL.
func (e *Engine) persistTable(ddl string) (uint32, error) {
	id := e.nextTableID
	if e.store != nil {
		var b storage.Batch
		b.PutTable(id, ddl)
		b.SetNextTableID(id + 1)
		if err := e.store.Commit(&b); err != nil {
			return 0, err
		}
	}
	e.nextTableID++
	return id, nil
}

func (e *Engine) persistDropTable(id uint32) error {
	if e.store == nil {
		return nil
	}
	var b storage.Batch
	b.DropTable(id)
	return e.store.Commit(&b)
}

func (e *Engine) persistView(name, sql string) error {
	if e.store == nil {
		return nil
	}
	var b storage.Batch
	b.PutView(name, sql)
	return e.store.Commit(&b)
}

func (e *Engine) persistDropView(name string) error {
	if e.store == nil {
		return nil
	}
	var b storage.Batch
	b.DropView(name)
	return e.store.Commit(&b)
}

// persistWrite hands a write just applied in the base domain to the store, and returns
// what the client waits on before it is acknowledged (nil without a store). undo names the
// base keys the statement touched, possibly repeated: each is stored as it is now; after
// the table's rows were renumbered (table.renumbered), every row is stored again instead.
// An error means the store did not take the write, which must then be rolled back.
func (e *Engine) persistWrite(t *table, undo []undoEntry, autoIncMoved bool, tok uint64) (func() error, error) {
	if e.store == nil {
		return nil, nil
	}
	b := &e.writeBatch
	b.Reset()
	rewrite := e.appendWrite(b, t, undo, autoIncMoved)
	b.SetToken(tok)
	return e.commitWrite(b, rewrite)
}

// persistMirror is persistWrite for an upstream transaction: the rows of every table it
// touched, its token and the upstream position it reaches, in one batch.
func (e *Engine) persistMirror(ws []*writer, tok, pos uint64) (func() error, error) {
	if e.store == nil {
		return nil, nil
	}
	b := &e.writeBatch
	b.Reset()
	var rewrite []*table
	for _, w := range ws {
		rewrite = append(rewrite, e.appendWrite(b, w.t, w.undo, false)...)
	}
	b.SetToken(tok)
	b.SetUpstreamPosition(pos)
	return e.commitWrite(b, rewrite)
}

// appendWrite adds a table's changed rows to b and returns the table if it stored all of
// its rows (see table.renumbered).
func (e *Engine) appendWrite(b *storage.Batch, t *table, undo []undoEntry, autoIncMoved bool) []*table {
	var rewrote []*table
	if t.renumbered {
		rewrote = append(rewrote, t)
		b.ClearRows(t.id)
		t.base.Scan(func(key string, row dataflow.Row) bool {
			b.PutRow(t.id, []byte(key), row)
			return true
		})
		undo = nil
	}
	if e.writeSeen == nil {
		e.writeSeen = map[string]struct{}{}
	}
	seen := e.writeSeen
	clear(seen)
	for _, u := range undo {
		if _, dup := seen[u.key]; dup {
			continue
		}
		seen[u.key] = struct{}{}
		if row, ok := t.base.Get(u.key); ok {
			b.PutRow(t.id, []byte(u.key), row)
		} else {
			b.DeleteRow(t.id, []byte(u.key))
		}
	}
	if autoIncMoved {
		b.SetAutoIncrement(t.id, t.autoInc)
	}
	return rewrote
}

func (e *Engine) commitWrite(b *storage.Batch, rewrote []*table) (func() error, error) {
	wait, err := e.store.CommitAsync(b)
	if err == nil {
		for _, t := range rewrote {
			t.renumbered = false
		}
	}
	return wait, err
}

// StorageMetrics reports the durable store's counters (commits, fsyncs, bytes on disk); ok
// is false for an engine that keeps its tables in memory.
func (e *Engine) StorageMetrics() (m storage.Metrics, ok bool) {
	if e.store == nil {
		return storage.Metrics{}, false
	}
	return e.store.Metrics(), true
}

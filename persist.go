package weir

import (
	"context"
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
	"github.com/weirdb/weir/tables"
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
	for _, db := range cat.Databases {
		e.databases[strings.ToLower(db)] = db
	}
	for _, td := range cat.Tables {
		e.nextTableID = td.ID
		// A table may reference one made after it (with foreign key checks off).
		if _, err := e.exec(WithoutForeignKeyChecks(ctx), td.DDL, nil, false); err != nil {
			st.Close()
			return fmt.Errorf("weir: restoring table %d from %s (%q): %w", td.ID, e.opts.Dir, td.DDL, err)
		}
	}
	e.nextTableID = max(e.nextTableID, cat.NextTableID)
	if m := e.mirror; m != nil {
		m.upstream, m.applied = cat.Upstream, cat.UpstreamPosition
	}
	for _, t := range e.tables {
		if err := e.loadTable(ctx, st, t, cat.AutoIncrement[t.ID]); err != nil {
			st.Close()
			return err
		}
	}
	// View definitions are text, planned when read: a view may read views of any name,
	// or a table dropped since, so they are restored as they are, in no particular order.
	for _, vd := range cat.SQLViews {
		def, err := planner.ParseView(vd.SQL)
		if err != nil {
			st.Close()
			return fmt.Errorf("weir: restoring view %s from %s (%q): %w", vd.Name, e.opts.Dir, vd.SQL, err)
		}
		e.sqlViews[strings.ToLower(def.Name)] = def
	}
	e.version.Add(1)
	for _, vd := range cat.Views {
		d := MySQL
		if vd.Dialect == PostgreSQL.String() {
			d = PostgreSQL
		}
		if _, err := e.register(WithDatabase(ctx, vd.Database), d, vd.Name, vd.SQL); err != nil {
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
		e.acknowledge(cat.Token)
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

// loadTable reads a table's rows from the store into its base state, in the base domain.
func (e *Engine) loadTable(ctx context.Context, st *storage.Store, t *tables.Table, autoInc uint64) error {
	var err error
	if callErr := e.rt.Domains[0].Call(ctx, func() { err = t.Load(st, autoInc) }); callErr != nil {
		return callErr
	}
	if err != nil {
		return fmt.Errorf("weir: loading table %s from %s: %w", t.Schema.Name, e.opts.Dir, err)
	}
	return nil
}

// persistCatalog commits a change to the catalog (a table's DDL, a named view), when there
// is a store, before the engine applies it.
func (e *Engine) persistCatalog(change func(b *storage.Batch)) error {
	if e.store == nil {
		return nil
	}
	var b storage.Batch
	change(&b)
	return e.store.Commit(&b)
}

// persistTable gives a new table its id and commits its DDL.
func (e *Engine) persistTable(ddl string) (uint32, error) {
	id := e.nextTableID
	if err := e.persistCatalog(func(b *storage.Batch) { b.PutTable(id, ddl); b.SetNextTableID(id + 1) }); err != nil {
		return 0, err
	}
	e.nextTableID++
	return id, nil
}

// persistWrite hands a transaction just applied in the base domain to the store: the rows
// every writer changed (see tables.Writer.AppendTo), the token and, for an upstream
// transaction, the position it reaches (pos, nil otherwise), in one batch. It returns what
// the client waits on before it is acknowledged (nil without a store). An error means the
// store did not take the transaction, which must then be rolled back.
func (e *Engine) persistWrite(ws []*tables.Writer, tok uint64, pos *uint64) (func() error, error) {
	if e.store == nil {
		return nil, nil
	}
	b := &e.writeBatch
	b.Reset()
	if e.writeSeen == nil {
		e.writeSeen = map[string]struct{}{}
	}
	var rewrote []*tables.Table
	for _, w := range ws {
		if w.AppendTo(b, e.writeSeen) {
			rewrote = append(rewrote, w.Table())
		}
	}
	b.SetToken(tok)
	if pos != nil {
		b.SetUpstreamPosition(*pos)
	}
	wait, err := e.store.CommitAsync(b)
	if err == nil {
		for _, t := range rewrote {
			t.Renumbered = false
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

package weir

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
	"github.com/weirdb/weir/tables"
	"go.uber.org/zap"
)

// ALTER TABLE and RENAME TABLE rebuild the table: a new base node holds the rows converted
// to the new definition (tables.Rebuild), built while writes are stopped, and the durable
// store takes the new definition and every row in one batch, so a crash leaves either the
// old table or the new one. The caches over the table are dropped with the old node and
// planned again over the new one afterwards; a named cache whose query no longer plans (a
// column it reads was dropped) stays dropped, and the ALTER reports it in a warning. Ad-hoc
// query shapes are planned again at their next read.

// Warning is a condition that a statement which succeeded reports, as MySQL's SHOW WARNINGS
// lists it.
type Warning struct {
	Level   string // "Warning" or "Note"
	Code    int
	Message string
}

// codeViewInvalid is MySQL's ER_VIEW_INVALID, reported for a cache that an ALTER TABLE left
// unable to run.
const codeViewInvalid = 1356

// alterTable applies an ALTER TABLE.
func (e *Engine) alterTable(ctx context.Context, s *planner.AlterTable) (Result, error) {
	var replan []namedSQL
	var before *tables.Table
	err := e.changeGraph(ctx, func() error {
		if err := e.checkReferencedAlter(s.Table, &s.Schema); err != nil {
			return err
		}
		var err error
		before = e.tables[strings.ToLower(s.Table)]
		replan, err = e.rebuildLocked(ctx, s.Table, s.Schema, s.Sources, s.AutoIncrement)
		return err
	}, nil)
	if err != nil {
		return Result{}, err
	}
	var warnings []Warning
	if before != nil {
		warnings = fulltextWarnings(before.Schema, &s.Schema)
	}
	return Result{Token: Token(e.lastToken.Load()), Warnings: append(warnings, e.replanViews(ctx, replan)...)}, nil
}

// renameTables applies RENAME TABLE a TO b, …: each pair in order, all of them or none.
func (e *Engine) renameTables(ctx context.Context, s *planner.RenameTables) (Result, error) {
	var replan []namedSQL
	err := e.changeGraph(ctx, func() error {
		// Check every pair against the names as the earlier pairs leave them first, so that
		// a failing pair leaves nothing renamed.
		names := map[string]bool{}
		for k := range e.tables {
			names[k] = true
		}
		for _, p := range s.Pairs {
			from, to := strings.ToLower(p[0]), strings.ToLower(p[1])
			if t, ok := e.tables[from]; ok {
				if err := e.checkReferencedAlter(p[0], &planner.TableSchema{Name: p[1], Cols: t.Schema.Cols}); err != nil {
					return err
				}
				if len(t.Schema.ForeignKeys) > 0 {
					return newError(ErrCodeUnsupported, "42000", fmt.Sprintf("Weir does not support renaming a table with FOREIGN KEY constraints ('%s')", p[0]))
				}
			}
			if !names[from] {
				return errNoSuchTable(p[0])
			}
			if names[to] && to != from {
				return newError(ErrCodeTableExists, "42S01", fmt.Sprintf("Table '%s' already exists", planner.KeyName(p[1])))
			}
			delete(names, from)
			names[to] = true
		}
		for _, p := range s.Pairs {
			t := e.tables[strings.ToLower(p[0])]
			sc := *t.Schema
			sc.Name = p[1]
			sources := make([]int, len(sc.Cols))
			for i := range sources {
				sources[i] = i
			}
			more, err := e.rebuildLocked(ctx, p[0], sc, sources, 0)
			replan = append(replan, more...)
			if err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		return Result{}, err
	}
	return Result{Token: Token(e.lastToken.Load()), Warnings: e.replanViews(ctx, replan)}, nil
}

// namedSQL is a named cache to plan again after its table changed.
type namedSQL struct {
	name, sql, db string
	dialect       Dialect
}

// rebuildLocked replaces table name by a table of schema whose rows are made from the old
// ones (see tables.Rebuild), and returns the named caches it dropped. The caller is inside
// changeGraph.
func (e *Engine) rebuildLocked(ctx context.Context, name string, schema planner.TableSchema, sources []int, autoInc uint64) ([]namedSQL, error) {
	key := strings.ToLower(name)
	old, ok := e.tables[key]
	if !ok {
		return nil, errNoSuchTable(name)
	}
	newKey := strings.ToLower(schema.Name)
	if other, exists := e.tables[newKey]; exists && other != old {
		return nil, newError(ErrCodeTableExists, "42S01", fmt.Sprintf("Table '%s' already exists", schema.Name))
	}
	ddl := planner.CreateTableSQL(&schema, schema.AutoIncrement)
	next := tables.New(ddl, &schema)
	next.ID = old.ID

	// The new rows, built beside the old table, which stays as it is until the store has
	// the new one.
	var rebuildErr error
	if err := e.rt.Domains[0].Call(ctx, func() {
		rebuildErr = tables.Rebuild(old, next, sources)
		if rebuildErr == nil && autoInc > next.AutoInc {
			next.AutoInc = autoInc
		}
	}); err != nil {
		return nil, err
	}
	if rebuildErr != nil {
		return nil, rebuildErr
	}
	if err := e.persistCatalog(func(b *storage.Batch) {
		b.PutTable(next.ID, ddl)
		b.ClearRows(next.ID)
		next.Base.Scan(func(k string, row dataflow.Row) bool {
			b.PutRow(next.ID, []byte(k), row)
			return true
		})
		b.SetAutoIncrement(next.ID, next.AutoInc)
	}); err != nil {
		return nil, err
	}

	// The caches over the old table go with its node.
	below := map[*dataflow.Node]bool{}
	for _, d := range e.graph.Descendants(old.Node) {
		below[d] = true
	}
	var replan []namedSQL
	var firstErr error
	for _, m := range []map[string]*View{e.views, e.shapes} {
		for k, v := range m {
			if !v.below(below) {
				continue
			}
			if v.name != "" {
				replan = append(replan, namedSQL{v.name, v.SQL(), v.query.Database, v.dialect})
			}
			if err := e.dropViewLocked(ctx, v); err != nil && firstErr == nil {
				firstErr = err
			}
			delete(m, k)
		}
	}
	if firstErr != nil {
		return replan, firstErr
	}
	if err := e.graph.RemoveBase(old.Node); err != nil {
		return replan, err
	}
	if err := e.graph.Add(next.Node); err != nil {
		return replan, err
	}
	delete(e.tables, key)
	e.tables[newKey] = next
	e.version.Add(1)
	return replan, nil
}

// replanViews registers the named caches an ALTER dropped again, over the tables as they
// are now. One whose query no longer plans is removed from the store and reported.
func (e *Engine) replanViews(ctx context.Context, views []namedSQL) []Warning {
	var warnings []Warning
	for _, v := range views {
		if _, err := e.register(WithDatabase(ctx, v.db), v.dialect, v.name, v.sql); err != nil {
			e.opts.Logger.Warn("a cache no longer fits its tables and was dropped",
				zap.String("cache", v.name), zap.Error(err))
			if perr := e.persistCatalog(func(b *storage.Batch) { b.DropView(v.name) }); perr != nil {
				err = errors.Join(err, perr)
			}
			warnings = append(warnings, Warning{Level: "Warning", Code: codeViewInvalid,
				Message: fmt.Sprintf("Cache '%s' was dropped: its query no longer runs over the altered table: %v", v.name, err)})
		}
	}
	return warnings
}

// checkReferencedAlter refuses a change of a table that other tables' foreign keys reference
// when it would leave a key without its parent: a new name, or a referenced column dropped
// or renamed (foreign keys name their parent's table and columns). The catalog is locked.
func (e *Engine) checkReferencedAlter(table string, after *planner.TableSchema) error {
	schemas := make([]*planner.TableSchema, 0, len(e.tables))
	for _, t := range e.tables {
		schemas = append(schemas, t.Schema)
	}
	for _, ck := range planner.Referencing(schemas, table) {
		if _, ok := ck.FK.ParentPositions(after); !ok || !strings.EqualFold(after.Name, table) {
			return newError(ErrCodeUnsupported, "42000", fmt.Sprintf(
				"Weir does not support renaming table '%s' or dropping or renaming its columns that the foreign key '%s' of '%s' references", table, ck.FK.Name, ck.Child.Name))
		}
	}
	return nil
}

package weir

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
	"github.com/weirdb/weir/tables"
)

// Tables returns the names of the base tables, sorted.
func (e *Engine) Tables() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	names := make([]string, 0, len(e.tables))
	for _, t := range e.tables {
		names = append(names, t.Schema.Name)
	}
	slices.Sort(names)
	return names
}

// Table describes a base table: its columns with their types, nullability, defaults and
// AUTO_INCREMENT, its primary key and its other indexes. The schema is shared: treat it as read-only. An
// unknown table is an *Error with code 1146.
func (e *Engine) Table(name string) (*planner.TableSchema, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, ok := e.tables[strings.ToLower(name)]
	if !ok {
		return nil, errNoSuchTable(name)
	}
	return t.Schema, nil
}

// errNoSuchTable is MySQL's ER_NO_SUCH_TABLE.
func errNoSuchTable(name string) error {
	return newError(ErrCodeNoSuchTable, "42S02", fmt.Sprintf("Table '%s' doesn't exist", planner.DisplayName(name)))
}

// createTable adds a base table.
func (e *Engine) createTable(ctx context.Context, s *planner.CreateTable, ddl string) (Result, error) {
	if len(s.MissingParents) > 0 && foreignKeyChecks(ctx) {
		if _, err := e.Table(s.Schema.Name); err != nil || !s.IfNotExists {
			return Result{}, planner.ForeignKeyError(s.Schema.Name)
		}
	}
	if err := e.changeGraph(ctx, func() error { return e.createTableLocked(s, ddl) }, nil); err != nil {
		return Result{}, err
	}
	return Result{Token: Token(e.lastToken.Load()), Warnings: fulltextWarnings(nil, &s.Schema)}, nil
}

// fulltextWarnings says, for each FULLTEXT key that after has and before (nil: none) did
// not, that Weir keeps the key but does not search text.
func fulltextWarnings(before, after *planner.TableSchema) []Warning {
	var out []Warning
	for _, ix := range after.Indexes {
		if ix.Kind != planner.IndexFulltext {
			continue
		}
		if before != nil && before.Index(ix.Name) >= 0 && before.Indexes[before.Index(ix.Name)].Kind == planner.IndexFulltext {
			continue
		}
		out = append(out, Warning{Level: "Warning", Code: ErrCodeUnsupported,
			Message: fmt.Sprintf("FULLTEXT key '%s' is kept for tools and dumps, but Weir does not search text: MATCH ... AGAINST is refused", ix.Name)})
	}
	return out
}

func (e *Engine) createTableLocked(s *planner.CreateTable, ddl string) error {
	name := strings.ToLower(s.Schema.Name)
	if db := planner.KeyDatabase(name); !e.hasDatabaseLocked(db) {
		return newError(ErrCodeBadDB, "42000", fmt.Sprintf("Unknown database '%s'", db))
	}
	if _, isView := e.sqlViews[name]; isView {
		return newError(ErrCodeTableExists, "42S01", fmt.Sprintf("Table '%s' already exists", planner.KeyName(s.Schema.Name)))
	}
	if _, exists := e.tables[name]; exists {
		if s.IfNotExists {
			return nil
		}
		return newError(ErrCodeTableExists, "42S01", fmt.Sprintf("Table '%s' already exists", planner.KeyName(s.Schema.Name)))
	}
	schema := s.Schema
	if planner.KeyDatabase(name) != planner.Database {
		// The statement's own text may name the table without its database, which a
		// restart, resolving in the default one, would read as another table.
		ddl = planner.CreateTableSQL(&schema, schema.AutoIncrement)
	}
	t := tables.New(ddl, &schema)
	if err := e.graph.Add(t.Node); err != nil {
		return err
	}
	id, err := e.persistTable(ddl)
	if err != nil {
		_ = e.graph.RemoveBase(t.Node) // it has no children yet
		return err
	}
	t.ID = id
	e.tables[name] = t
	e.version.Add(1)
	return nil
}

// dropTables drops base tables and the views over them.
func (e *Engine) dropTables(ctx context.Context, s *planner.DropTable) (Result, error) {
	if err := e.changeGraph(ctx, func() error { return e.dropTablesLocked(ctx, s) }, nil); err != nil {
		return Result{}, err
	}
	return Result{Token: Token(e.lastToken.Load())}, nil
}

func (e *Engine) dropTablesLocked(ctx context.Context, s *planner.DropTable) error {
	if err := e.checkNotView(s.Names); err != nil {
		return err
	}
	for _, n := range s.Names {
		if _, ok := e.tables[strings.ToLower(n)]; !ok && !s.IfExists {
			return newError(ErrCodeBadTable, "42S02", fmt.Sprintf("Unknown table '%s'", planner.DisplayName(n)))
		}
	}
	schemas := make([]*planner.TableSchema, 0, len(e.tables))
	for _, t := range e.tables {
		schemas = append(schemas, t.Schema)
	}
	for _, n := range s.Names {
		if !foreignKeyChecks(ctx) {
			break
		}
		if err := tables.DropCheck(schemas, n, s.Names); err != nil {
			return err
		}
	}
	for _, n := range s.Names {
		name := strings.ToLower(n)
		t, ok := e.tables[name]
		if !ok {
			continue
		}
		if err := e.persistCatalog(func(b *storage.Batch) { b.DropTable(t.ID) }); err != nil {
			return err
		}
		// Views over the table go with it: their readers would never change again.
		below := map[*dataflow.Node]bool{}
		for _, d := range e.graph.Descendants(t.Node) {
			below[d] = true
		}
		for _, m := range []map[string]*View{e.views, e.shapes} {
			for k, v := range m {
				if v.below(below) {
					if v.name != "" {
						if err := e.persistCatalog(func(b *storage.Batch) { b.DropView(v.name) }); err != nil {
							return err
						}
					}
					if err := e.dropViewLocked(ctx, v); err != nil {
						return err
					}
					delete(m, k)
				}
			}
		}
		if err := e.graph.RemoveBase(t.Node); err != nil {
			return err
		}
		delete(e.tables, name)
	}
	e.version.Add(1)
	return nil
}

// alterIndexes adds and drops a table's secondary indexes. stale reports that the table
// changed since the statement was planned.
func (e *Engine) alterIndexes(ctx context.Context, s *planner.AlterIndexes) (res Result, stale bool, err error) {
	if s.Noop {
		return Result{Token: Token(e.lastToken.Load())}, false, nil
	}
	checks := foreignKeyChecks(ctx)
	if len(s.MissingParents) > 0 && checks {
		return Result{}, false, planner.ForeignKeyError(s.Table)
	}
	err = e.changeGraph(ctx, func() error {
		t, ok := e.tables[strings.ToLower(s.Table)]
		if !ok || t.Schema != s.From {
			stale = true
			return nil
		}
		schema := s.Schema
		var checkErr error
		if err := e.rt.Domains[0].Call(ctx, func() {
			if checkErr = t.CheckIndexes(&schema); checkErr == nil && checks {
				// The catalog is locked (changeGraph): read it without locking again.
				checkErr = t.CheckForeignKeys(&schema, s.AddedForeignKeys, func(name string) *tables.Table { return e.tables[strings.ToLower(name)] })
			}
		}); err != nil {
			return err
		}
		if checkErr != nil {
			return checkErr
		}
		// The store keeps the table as the CREATE TABLE that makes it now.
		ddl := planner.CreateTableSQL(&schema, schema.AutoIncrement)
		if err := e.persistCatalog(func(b *storage.Batch) { b.PutTable(t.ID, ddl) }); err != nil {
			return err
		}
		if err := e.rt.Domains[0].Call(ctx, func() { t.SetSchema(ddl, &schema) }); err != nil {
			return err
		}
		e.version.Add(1)
		return nil
	}, nil)
	if err != nil || stale {
		return Result{}, stale, err
	}
	return Result{Token: Token(e.lastToken.Load()), Warnings: fulltextWarnings(s.From, &s.Schema)}, false, nil
}

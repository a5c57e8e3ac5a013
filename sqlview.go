package weir

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
)

// SQL views (CREATE VIEW) are definitions in the catalog, not parts of the graph: a query
// that reads one is planned with the view's text in its place (see package planner), so the
// operators of a view are those of the caches that read it, shared between them like any
// identical sub-plans. Changing or dropping a view drops every cache whose plan read it:
// named ones too, with their stored definitions, as DROP TABLE drops the caches over the
// table. A cache is what its query meant when it was planned; planned again over a new
// definition it could return other columns or other rows under the same name, which a
// client holding it never asked for. The next query of a dropped ad-hoc shape installs it
// again over the new definition, and a prepared statement is planned again (error 1615 if
// its columns changed).

// errStalePlan reports that the catalog changed between planning a statement and applying
// it: the caller plans again.
var errStalePlan = errors.New("weir: the catalog changed while the statement was planned")

// SQLViews returns the names of the SQL views (CREATE VIEW), sorted.
func (e *Engine) SQLViews() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	names := make([]string, 0, len(e.sqlViews))
	for _, d := range e.sqlViews {
		names = append(names, d.Name)
	}
	slices.Sort(names)
	return names
}

// SQLView returns the definition of a SQL view; the definition is shared: treat it as
// read-only. A name that is no view is an *Error with code 1146.
func (e *Engine) SQLView(name string) (*planner.ViewDef, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	d, ok := e.sqlViews[strings.ToLower(name)]
	if !ok {
		return nil, newError(ErrCodeNoSuchTable, "42S02", fmt.Sprintf("Table '%s' doesn't exist", planner.DisplayName(name)))
	}
	return d, nil
}

// SQLViewColumns describes the columns of a SQL view as a query over it sees them; a view
// whose tables or columns are gone fails with error 1356.
func (e *Engine) SQLViewColumns(name string) ([]Column, error) {
	if _, err := e.SQLView(name); err != nil {
		return nil, err
	}
	q, err := e.planSelect(DatabaseName, "SELECT * FROM "+planner.QuoteKey(name))
	if err != nil {
		return nil, err
	}
	return q.Cols, nil
}

// createView runs CREATE [OR REPLACE] VIEW and ALTER VIEW, planned at catalog version
// version.
func (e *Engine) createView(ctx context.Context, s *planner.CreateView, version uint64) (Result, error) {
	err := e.changeGraph(ctx, func() error { return e.createViewLocked(ctx, s, version) }, nil)
	if err != nil {
		return Result{}, err
	}
	return Result{Token: Token(e.lastToken.Load())}, nil
}

func (e *Engine) createViewLocked(ctx context.Context, s *planner.CreateView, version uint64) error {
	if e.version.Load() != version {
		// The SELECT was checked against another catalog: a table it reads may be gone.
		return errStalePlan
	}
	def := s.View
	key := strings.ToLower(def.Name)
	if _, isTable := e.tables[key]; isTable {
		return newError(ErrCodeTableExists, "42S01", fmt.Sprintf("Table '%s' already exists", planner.KeyName(def.Name)))
	}
	_, exists := e.sqlViews[key]
	switch {
	case exists && !s.OrReplace:
		return newError(ErrCodeTableExists, "42S01", fmt.Sprintf("Table '%s' already exists", planner.KeyName(def.Name)))
	case !exists && s.Alter:
		return newError(ErrCodeNoSuchTable, "42S02", fmt.Sprintf("Table '%s' doesn't exist", planner.DisplayName(def.Name)))
	case !e.hasDatabaseLocked(planner.KeyDatabase(def.Name)):
		return newError(ErrCodeBadDB, "42000", fmt.Sprintf("Unknown database '%s'", planner.KeyDatabase(def.Name)))
	}
	if err := e.persistCatalog(func(b *storage.Batch) { b.PutSQLView(def.Name, def.SQL()) }); err != nil {
		return err
	}
	if exists {
		if err := e.dropCachesOverLocked(ctx, key); err != nil {
			return err
		}
	}
	e.sqlViews[key] = def
	e.version.Add(1)
	return nil
}

// dropViews runs DROP VIEW. As MySQL does, it drops the views that exist and then reports
// the names that are no views (unless IF EXISTS).
func (e *Engine) dropViews(ctx context.Context, s *planner.DropView) (Result, error) {
	err := e.changeGraph(ctx, func() error {
		var missing []string
		for _, n := range s.Names {
			key := strings.ToLower(n)
			if _, ok := e.sqlViews[key]; !ok {
				missing = append(missing, n)
				continue
			}
			if err := e.dropSQLViewLocked(ctx, key); err != nil {
				return err
			}
		}
		if len(missing) > 0 && !s.IfExists {
			return planner.ErrUnknownView(missing)
		}
		return nil
	}, nil)
	if err != nil {
		return Result{}, err
	}
	return Result{Token: Token(e.lastToken.Load())}, nil
}

// dropSQLViewLocked drops the SQL view of lower-cased name key, which exists, and the caches
// that read it.
func (e *Engine) dropSQLViewLocked(ctx context.Context, key string) error {
	name := e.sqlViews[key].Name
	if err := e.persistCatalog(func(b *storage.Batch) { b.DropSQLView(name) }); err != nil {
		return err
	}
	if err := e.dropCachesOverLocked(ctx, key); err != nil {
		return err
	}
	delete(e.sqlViews, key)
	e.version.Add(1)
	return nil
}

// dropCachesOverLocked drops every cache whose plan read the view named key (lower case),
// directly or through other views. The caller is inside changeGraph.
func (e *Engine) dropCachesOverLocked(ctx context.Context, key string) error {
	for _, m := range []map[string]*View{e.views, e.shapes} {
		for k, v := range m {
			if !readsView(v.query, key) {
				continue
			}
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
	return nil
}

func readsView(q *planner.Query, key string) bool {
	for _, d := range q.Views {
		if strings.EqualFold(d.Name, key) {
			return true
		}
	}
	return false
}

// currentPlan reports whether the views a plan read are still the catalog's: a plan made
// before a view changed must not be installed after. Callers hold e.mu.
func (e *Engine) currentPlan(q *planner.Query) bool {
	for _, d := range q.Views {
		if e.sqlViews[strings.ToLower(d.Name)] != d {
			return false
		}
	}
	return true
}

// checkNotView refuses a table statement (DROP TABLE) naming a view, with MySQL's error.
// Callers hold e.mu.
func (e *Engine) checkNotView(names []string) error {
	for _, n := range names {
		if _, ok := e.sqlViews[strings.ToLower(n)]; ok {
			return planner.ErrIsView(n)
		}
	}
	return nil
}

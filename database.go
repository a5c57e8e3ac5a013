package weir

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
)

// Databases. An engine serves any number of databases (CREATE DATABASE); `weir`
// (DatabaseName) always exists. A statement's unqualified table and view names resolve in
// the database its context names (WithDatabase), `weir` when it names none, and any name
// may be qualified (`shop.orders`). The engine's methods that take a table or view name
// (Table, SQLView, TableRows, …) take it as the catalog knows it: "name" in `weir`,
// "db.name" in any other database (planner.TableKey).

type databaseKey struct{}

// WithDatabase returns a context whose statements resolve unqualified names in database db,
// as a session does after USE db. An empty db is a session with no database selected: only
// qualified names resolve (MySQL's error 1046 otherwise).
func WithDatabase(ctx context.Context, db string) context.Context {
	return context.WithValue(ctx, databaseKey{}, db)
}

// contextDatabase is the database ctx's statements resolve in.
func contextDatabase(ctx context.Context) string {
	if ctx == nil {
		return DatabaseName
	}
	if db, ok := ctx.Value(databaseKey{}).(string); ok {
		return db
	}
	return DatabaseName
}

// Databases returns the names of the databases, sorted (information_schema, which holds no
// tables of its own, is not among them).
func (e *Engine) Databases() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	names := make([]string, 0, len(e.databases))
	for _, n := range e.databases {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// HasDatabase reports whether database name exists (names are compared case-insensitively).
// information_schema exists too.
func (e *Engine) HasDatabase(name string) bool {
	if strings.EqualFold(name, planner.InfoSchema) {
		return true
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	_, ok := e.databases[strings.ToLower(name)]
	return ok
}

// DatabaseSpelling returns a database's name as it was created; ok is false when it does not
// exist.
func (e *Engine) DatabaseSpelling(name string) (string, bool) {
	if strings.EqualFold(name, planner.InfoSchema) {
		return planner.InfoSchema, true
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	n, ok := e.databases[strings.ToLower(name)]
	return n, ok
}

func (c catalog) HasDatabase(name string) bool { return c.e.hasDatabaseLocked(name) }

// hasDatabaseLocked is HasDatabase for callers that hold e.mu.
func (e *Engine) hasDatabaseLocked(name string) bool {
	_, ok := e.databases[strings.ToLower(name)]
	return ok
}

// createDatabase runs CREATE DATABASE.
func (e *Engine) createDatabase(ctx context.Context, s *planner.CreateDatabase) (Result, error) {
	var res Result
	err := e.changeGraph(ctx, func() error {
		key := strings.ToLower(s.Name)
		if _, ok := e.databases[key]; ok {
			if s.IfNotExists {
				res.Warnings = append(res.Warnings, Warning{Level: "Note", Code: ErrCodeDBCreateExists,
					Message: fmt.Sprintf("Can't create database '%s'; database exists", s.Name)})
				return nil
			}
			return newError(ErrCodeDBCreateExists, "HY000", fmt.Sprintf("Can't create database '%s'; database exists", s.Name))
		}
		if err := e.persistCatalog(func(b *storage.Batch) { b.PutDatabase(s.Name) }); err != nil {
			return err
		}
		e.databases[key] = s.Name
		e.version.Add(1)
		return nil
	}, nil)
	if err != nil {
		return Result{}, err
	}
	res.RowsAffected = 1
	if len(res.Warnings) > 0 {
		res.RowsAffected = 0
	}
	res.Token = Token(e.lastToken.Load())
	return res, nil
}

// dropDatabase runs DROP DATABASE: its views, then its tables (with the caches over them),
// then the database. Each is durable as it goes: a crash in the middle leaves the database
// with what was not yet dropped, as MySQL's DROP DATABASE does.
func (e *Engine) dropDatabase(ctx context.Context, s *planner.DropDatabase) (Result, error) {
	var res Result
	err := e.changeGraph(ctx, func() error {
		key := strings.ToLower(s.Name)
		name, ok := e.databases[key]
		switch {
		case !ok && s.IfExists:
			res.Warnings = append(res.Warnings, Warning{Level: "Note", Code: ErrCodeDBDropExists,
				Message: fmt.Sprintf("Can't drop database '%s'; database doesn't exist", s.Name)})
			return nil
		case !ok:
			return newError(ErrCodeDBDropExists, "HY000", fmt.Sprintf("Can't drop database '%s'; database doesn't exist", s.Name))
		case key == strings.ToLower(DatabaseName):
			return newError(ErrCodeDBAccessDenied, "42000", fmt.Sprintf(
				"Weir's default database '%s' cannot be dropped: drop its tables and views instead", name))
		}
		var views, tableNames []string
		for k, d := range e.sqlViews {
			if strings.EqualFold(planner.KeyDatabase(d.Name), name) {
				views = append(views, k)
			}
		}
		for _, t := range e.tables {
			if strings.EqualFold(planner.KeyDatabase(t.Schema.Name), name) {
				tableNames = append(tableNames, t.Schema.Name)
			}
		}
		slices.Sort(views)
		slices.Sort(tableNames)
		for _, k := range views {
			if err := e.dropSQLViewLocked(ctx, k); err != nil {
				return err
			}
		}
		if len(tableNames) > 0 {
			// Keys between the database's tables go with them; none reach another database.
			if err := e.dropTablesLocked(WithoutForeignKeyChecks(ctx), &planner.DropTable{Names: tableNames}); err != nil {
				return err
			}
		}
		if err := e.persistCatalog(func(b *storage.Batch) { b.DropDatabase(name) }); err != nil {
			return err
		}
		delete(e.databases, key)
		e.version.Add(1)
		res.RowsAffected = int64(len(tableNames))
		return nil
	}, nil)
	if err != nil {
		return Result{}, err
	}
	res.Token = Token(e.lastToken.Load())
	return res, nil
}

// alterDatabase runs ALTER DATABASE, whose accepted options change nothing Weir keeps.
func (e *Engine) alterDatabase(s *planner.AlterDatabase) (Result, error) {
	if !e.HasDatabase(s.Name) {
		return Result{}, newError(ErrCodeBadDB, "42000", fmt.Sprintf("Unknown database '%s'", s.Name))
	}
	return Result{RowsAffected: 1, Token: Token(e.lastToken.Load())}, nil
}

// ShowCreateDatabase renders a database's definition as SHOW CREATE DATABASE does.
func (e *Engine) ShowCreateDatabase(name string) (string, string, error) {
	spelled, ok := e.DatabaseSpelling(name)
	if !ok {
		return "", "", newError(ErrCodeBadDB, "42000", fmt.Sprintf("Unknown database '%s'", name))
	}
	return spelled, "CREATE DATABASE `" + strings.ReplaceAll(spelled, "`", "``") +
		"` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */", nil
}

package weir

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/planner"
)

// Tables returns the names of the base tables, sorted.
func (e *Engine) Tables() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	names := make([]string, 0, len(e.tables))
	for _, t := range e.tables {
		names = append(names, t.schema.Name)
	}
	slices.Sort(names)
	return names
}

// Table describes a base table: its columns with their types, nullability, defaults and
// AUTO_INCREMENT, and its primary key. The schema is shared: treat it as read-only. An
// unknown table is an *Error with code 1146.
func (e *Engine) Table(name string) (*planner.TableSchema, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, ok := e.tables[strings.ToLower(name)]
	if !ok {
		return nil, errNoSuchTable(name)
	}
	return t.schema, nil
}

// errNoSuchTable is MySQL's ER_NO_SUCH_TABLE.
func errNoSuchTable(name string) error {
	return newError(ErrCodeNoSuchTable, "42S02", fmt.Sprintf("Table '%s' doesn't exist", name))
}

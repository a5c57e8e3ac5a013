package planner

import (
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// ColumnDef is one column of a base table.
type ColumnDef struct {
	Name string
	// Type carries Nullable = !NotNull.
	Type    dataflow.Type
	NotNull bool
	// Default is the value an INSERT that omits the column stores; nil when the column has
	// no default (a NOT NULL column without one must then be given a value). A pointer to
	// NULL is an explicit DEFAULT NULL.
	Default       *dataflow.Value
	AutoIncrement bool
	// DefaultNow (DEFAULT CURRENT_TIMESTAMP) gives an INSERT that omits the column the
	// statement's time (see ClockValue); OnUpdateNow (ON UPDATE CURRENT_TIMESTAMP) gives it
	// to a row an UPDATE changes, unless the UPDATE assigns the column itself.
	DefaultNow, OnUpdateNow bool
}

// TableSchema describes a base table.
type TableSchema struct {
	Name string
	Cols []ColumnDef
	// PK lists the primary-key column positions in key order; empty when the table has none.
	PK []int
	// Indexes are the table's other keys, in MySQL's order: unique keys over NOT NULL
	// columns, other unique keys, plain keys, full-text keys (declaration order among equals).
	Indexes []Index
	// ForeignKeys are the table's FOREIGN KEY constraints, in declaration order.
	ForeignKeys []ForeignKey
	// Comment is the table's COMMENT option.
	Comment string
	// AutoIncrement is the AUTO_INCREMENT table option (the counter's first value), or 0.
	AutoIncrement uint64
}

// Column returns the position of the named column (case-insensitive, as MySQL compares
// column names), or -1.
func (t *TableSchema) Column(name string) int {
	for i, c := range t.Cols {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// Columns returns the table's columns as a plan sees them, qualified by qualifier (the table
// name or its alias in a query).
func (t *TableSchema) Columns(qualifier string) []dataflow.Column {
	out := make([]dataflow.Column, len(t.Cols))
	for i, c := range t.Cols {
		out[i] = dataflow.Column{Table: qualifier, Name: c.Name, Type: c.Type}
	}
	return out
}

// Catalog resolves table names. Implementations compare names case-insensitively, as MySQL
// does with lower_case_table_names=1.
type Catalog interface {
	Table(name string) (*TableSchema, bool)
}

// MapCatalog is a Catalog over a fixed set of tables, keyed by lower-cased name.
type MapCatalog map[string]*TableSchema

// NewMapCatalog builds a MapCatalog from schemas.
func NewMapCatalog(tables ...*TableSchema) MapCatalog {
	m := make(MapCatalog, len(tables))
	for _, t := range tables {
		m[strings.ToLower(t.Name)] = t
	}
	return m
}

// Table implements Catalog.
func (m MapCatalog) Table(name string) (*TableSchema, bool) {
	t, ok := m[strings.ToLower(name)]
	return t, ok
}

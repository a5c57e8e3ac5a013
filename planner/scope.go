package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
)

// scopeCol is one column a query block can name.
type scopeCol struct {
	col dataflow.Column // Table is the qualifier (alias or table name)
	// hidden marks the column of a USING or NATURAL join that is not shown: only a
	// qualified name reads it.
	hidden bool
}

// scopeTable is one named relation of a FROM clause: a base table or a derived table. Its
// columns are cols[first : first+n] of the scope.
type scopeTable struct {
	qual   string
	first  int
	n      int
	schema *TableSchema // nil for a derived table
}

// scope resolves column names for one query block. Columns are numbered in the order the
// FROM clause introduces them (the order `*` expands to); plans built from the block refer to
// columns by these global numbers until they are mapped to an operator's own positions.
type scope struct {
	cols   []scopeCol
	tables []scopeTable
	// outer is the enclosing query block, consulted only to report a correlated reference.
	outer *scope
}

// addTable appends a relation's columns and returns its table index.
func (s *scope) addTable(qual string, cols []dataflow.Column, schema *TableSchema) int {
	first := len(s.cols)
	for _, c := range cols {
		c.Table = qual
		s.cols = append(s.cols, scopeCol{col: c})
	}
	s.tables = append(s.tables, scopeTable{qual: qual, first: first, n: len(cols), schema: schema})
	return len(s.tables) - 1
}

// addHidden appends columns no name resolves to (the right side of a semi-join).
func (s *scope) addHidden(cols []dataflow.Column) int {
	first := len(s.cols)
	for _, c := range cols {
		s.cols = append(s.cols, scopeCol{col: c})
	}
	return first
}

func (s *scope) findTable(qual string) int {
	for i, t := range s.tables {
		if strings.EqualFold(t.qual, qual) {
			return i
		}
	}
	return -1
}

// tableOf returns the table that owns global column idx, or -1.
func (s *scope) tableOf(idx int) int {
	for i, t := range s.tables {
		if idx >= t.first && idx < t.first+t.n {
			return i
		}
	}
	return -1
}

// restrict returns a scope that sees only the given tables (an ON clause sees the tables of
// its join and nothing to the right of it). Column numbers stay global.
func (s *scope) restrict(tables []int) *scope {
	r := &scope{cols: s.cols, outer: s.outer}
	for _, t := range tables {
		r.tables = append(r.tables, s.tables[t])
	}
	return r
}

// resolve finds a column by (optionally qualified) name, with MySQL's errors.
func (s *scope) resolve(cn *ast.ColumnName, clause string) (int, *Error) {
	idx, err := s.lookup(cn, clause)
	if err == nil || err.Code != CodeUnknownColumn || s.outer == nil {
		return idx, err
	}
	if _, oerr := s.outer.resolve(cn, clause); oerr == nil {
		return -1, unsupported("a reference to an outer column ('%s') other than in a top-level `inner column = outer column` condition of a subquery's WHERE", colText(cn))
	}
	return idx, err
}

func (s *scope) lookup(cn *ast.ColumnName, clause string) (int, *Error) {
	found := -1
	for _, t := range s.tables {
		if cn.Table.O != "" && !strings.EqualFold(t.qual, cn.Table.O) {
			continue
		}
		for i := t.first; i < t.first+t.n; i++ {
			if !strings.EqualFold(s.cols[i].col.Name, cn.Name.O) || (s.cols[i].hidden && cn.Table.O == "") {
				continue
			}
			if found >= 0 {
				return -1, newErr(CodeAmbiguousColumn, "Column '%s' in %s is ambiguous", colText(cn), clause)
			}
			found = i
		}
	}
	if found < 0 {
		return -1, newErr(CodeUnknownColumn, "Unknown column '%s' in '%s'", colText(cn), clause)
	}
	return found, nil
}

package weir

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/planner"
)

// DatabaseName is the database that always exists, where statements whose context names no
// other resolve their unqualified names (see WithDatabase).
const DatabaseName = planner.Database

// Queries over information_schema (what ORMs and migration tools read to learn a schema)
// are answered from the catalog as it stands when they run: its tables' rows are made from
// the schemas (planner.InfoSchemaRows) and the query is evaluated over them from scratch
// (package reference), as they are small and read once per migration. They are never
// installed in the graph, so they cost no memory between reads and never go stale.

// queryInfoSchema answers a query planned over information_schema with args (in place
// converted to the parameters' types).
func (e *Engine) queryInfoSchema(ctx context.Context, q *planner.Query, args []Value) (Rows, error) {
	if err := ctx.Err(); err != nil {
		return Rows{}, err
	}
	cols := q.Cols
	if q.ParamSQL != "" {
		bound, err := planner.BindParams(q.ParamSQL, args)
		if err != nil {
			return Rows{}, err
		}
		st, err := planner.CompileIn(nil, q.Database, bound)
		if err != nil {
			return Rows{}, err
		}
		sel, ok := st.(*planner.Select)
		if !ok || !sel.Query.InfoSchema || len(sel.Query.Cols) != len(cols) {
			return Rows{}, fmt.Errorf("weir: %q bound to %q is no longer a query over information_schema", q.ParamSQL, bound)
		}
		q, args = sel.Query, nil
	} else if err := q.PrepareArgs(args); err != nil {
		return Rows{}, err
	}
	src := e.infoSchemaSource()
	e.addViewColumns(src)
	made := map[string][]dataflow.Row{}
	rows, err := reference.Eval(q, func(name string) []dataflow.Row {
		if r, ok := made[name]; ok {
			return r
		}
		r := planner.InfoSchemaRows(name, src)
		made[name] = r
		return r
	}, args)
	if err != nil {
		return Rows{}, err
	}
	return Rows{cols: cols, rows: rows, width: len(cols)}, nil
}

// infoSchemaSource snapshots the catalog for information_schema.
func (e *Engine) infoSchemaSource() *planner.InfoSchemaSource {
	e.mu.RLock()
	defer e.mu.RUnlock()
	src := &planner.InfoSchemaSource{}
	for _, db := range e.databases {
		src.Databases = append(src.Databases, db)
	}
	slices.Sort(src.Databases)
	spell := func(key string) string {
		db := planner.KeyDatabase(key)
		if s, ok := e.databases[strings.ToLower(db)]; ok {
			return s
		}
		return db
	}
	for _, t := range e.tables {
		src.Tables = append(src.Tables, planner.InfoSchemaTableEntry{Database: spell(t.Schema.Name), Schema: t.Schema})
	}
	slices.SortFunc(src.Tables, func(a, b planner.InfoSchemaTableEntry) int {
		return cmp.Or(cmp.Compare(a.Database, b.Database), cmp.Compare(planner.KeyName(a.Schema.Name), planner.KeyName(b.Schema.Name)))
	})
	for _, d := range e.sqlViews {
		src.Views = append(src.Views, planner.InfoSchemaView{Database: spell(d.Name), Name: d.Name, Definition: d.Select})
	}
	slices.SortFunc(src.Views, func(a, b planner.InfoSchemaView) int {
		return cmp.Or(cmp.Compare(a.Database, b.Database), cmp.Compare(planner.KeyName(a.Name), planner.KeyName(b.Name)))
	})
	return src
}

// addViewColumns gives src's views their columns, as a query over each sees them. A view
// whose tables or columns are gone has none, as MariaDB lists it (with a warning there).
func (e *Engine) addViewColumns(src *planner.InfoSchemaSource) {
	for i := range src.Views {
		if cols, err := e.SQLViewColumns(src.Views[i].Name); err == nil {
			src.Views[i].Cols = cols
		}
	}
}

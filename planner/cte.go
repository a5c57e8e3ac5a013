package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Common table expressions (non-recursive WITH). A CTE is a named derived table of one
// statement: each reference to it in FROM compiles its query in that place, as a view's
// text is compiled where the view is read, so two references plan two identical sub-plans,
// which the lowering shares like any identical sub-plans (one set of operators and state),
// and a `col = ?` inside the CTE keys the reader as one in a derived table does. A CTE sees
// the CTEs defined before it in its WITH and those of the statements around it; a name
// defined in WITH hides a table or view of that name (in any database not named).

// cteDef is one CTE in scope.
type cteDef struct {
	name  string // lower case
	query ast.ResultSetNode
	cols  []string
	// visible is how many CTEs were in scope where it was defined: its own query sees
	// those, not itself or the ones after it.
	visible int
}

// withCTEs brings a WITH clause's CTEs into scope for compile, and takes them out after.
func (c *compiler) withCTEs(w *ast.WithClause, compile func() (*Query, error)) (*Query, error) {
	if w == nil {
		return compile()
	}
	if w.IsRecursive {
		return nil, unsupported("WITH RECURSIVE (recursive common table expressions)")
	}
	outer := len(c.ctes)
	defer func() { c.ctes = c.ctes[:outer] }()
	for _, cte := range w.CTEs {
		name := cte.Name.L
		for _, d := range c.ctes[outer:] {
			if d.name == name {
				return nil, newErr(CodeNonUniqTable, "Not unique table/alias: '%s'", cte.Name.O)
			}
		}
		if cte.IsRecursive {
			return nil, unsupported("recursive common table expressions")
		}
		if cte.Query == nil || cte.Query.Query == nil {
			return nil, unsupported("this common table expression")
		}
		d := cteDef{name: name, query: cte.Query.Query, visible: len(c.ctes)}
		for _, col := range cte.ColNameList {
			d.cols = append(d.cols, col.O)
		}
		c.ctes = append(c.ctes, d)
	}
	return compile()
}

// cte resolves an unqualified name to the innermost CTE of that name in scope.
func (c *compiler) cte(name string) (cteDef, bool) {
	name = strings.ToLower(name)
	for i := len(c.ctes) - 1; i >= 0; i-- {
		if c.ctes[i].name == name {
			return c.ctes[i], true
		}
	}
	return cteDef{}, false
}

// cteSource compiles a CTE read in FROM as a derived table.
func (b *block) cteSource(def cteDef, name, alias string, optional bool) (fromNode, error) {
	c := b.c
	if alias == "" {
		alias = name
	}
	if c.cteDepth >= maxViewDepth {
		return nil, unsupported("common table expressions nested deeper than %d", maxViewDepth)
	}
	saved := c.ctes
	c.ctes = c.ctes[:def.visible:def.visible] // appends by nested WITHs must not overwrite saved
	c.cteDepth++
	leaf, err := b.derived(def.query, alias, def.cols, optional, "in common table expression '"+name+"'", false)
	c.cteDepth--
	c.ctes = saved
	return leaf, err
}

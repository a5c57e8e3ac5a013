package planner

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
)

// A view is a named SELECT. A query that reads one is planned as if the view's text were
// written in its place as a derived table (aliased by the view's name unless the query gives
// another), with the view's column list renaming the columns. Nothing of a view is
// materialized on its own: its operators are those of the queries that read it, and two
// queries over one view share them as any identical sub-plans do. A `col = ?` condition of
// the enclosing query on a view column keys the reader like one on a table column, and
// the state below stays partial wherever the key traces through the view's operators (a
// grouping column of its aggregate, a column of its join key, every branch of a UNION);
// where it cannot (a column computed by an aggregate, a view with LIMIT, whose rows depend
// on rows of every key) the reader is full, which is what the semantics force.
//
// Views share the namespace of tables. The definition is kept as text and compiled anew by
// every query that reads it, so a view outlives the tables it reads, as in MySQL: a query
// over a view whose table was dropped fails with error 1356 until the table is back.

// Database is the database that always exists, where a client that names none works (see
// database.go).
const Database = "weir"

// ViewDef is a view's definition.
type ViewDef struct {
	Name string
	// Cols is the column list of `CREATE VIEW v (a, b) AS ...`; nil when the statement has
	// none and the SELECT's labels name the columns.
	Cols []string
	// Select is the text of the view's SELECT (or UNION), as the statement wrote it.
	Select string
}

// SQL renders the definition as the CREATE VIEW statement that restores it.
func (d *ViewDef) SQL() string {
	var b strings.Builder
	b.WriteString("CREATE VIEW ")
	b.WriteString(QuoteKey(d.Name))
	if len(d.Cols) > 0 {
		b.WriteString(" (")
		for i, c := range d.Cols {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(quoteName(c))
		}
		b.WriteString(")")
	}
	b.WriteString(" AS ")
	b.WriteString(d.Select)
	return b.String()
}

// ShowCreate renders the definition as MySQL's SHOW CREATE VIEW does.
func (d *ViewDef) ShowCreate() string {
	bare := *d
	bare.Name = KeyName(d.Name)
	return "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER " +
		strings.TrimPrefix(bare.SQL(), "CREATE ")
}

// ViewCatalog is a Catalog that also resolves views. Names are compared case-insensitively,
// and a name is a table or a view, never both.
type ViewCatalog interface {
	Catalog
	View(name string) (*ViewDef, bool)
}

// CreateView creates a view (CREATE [OR REPLACE] VIEW, ALTER VIEW).
type CreateView struct {
	View      *ViewDef
	OrReplace bool
	// Alter is ALTER VIEW: the view must exist.
	Alter bool
}

// DropView drops views.
type DropView struct {
	Names    []string
	IfExists bool
}

func (*CreateView) statement()   {}
func (*DropView) statement()     {}
func (*CreateView) Verb() string { return "CREATE VIEW" }
func (*DropView) Verb() string   { return "DROP VIEW" }
func (*CreateView) Params() int  { return 0 }
func (*DropView) Params() int    { return 0 }

// Error numbers of views.
const (
	CodeViewSelectVariable = 1351
	CodeViewWrongList      = 1353
	CodeViewInvalid        = 1356
	CodeViewRecursive      = 1462
	CodeWrongObject        = 1347
	CodeUnknownView        = 4092
	CodeIsView             = 1965
	CodeTableExists        = 1050
)

func init() {
	sqlStates[CodeViewSelectVariable] = "HY000"
	sqlStates[CodeViewWrongList] = "HY000"
	sqlStates[CodeViewInvalid] = "HY000"
	sqlStates[CodeViewRecursive] = "HY000"
	sqlStates[CodeWrongObject] = "HY000"
	sqlStates[CodeUnknownView] = "42S02"
	sqlStates[CodeIsView] = "42S02"
	sqlStates[CodeTableExists] = "42S01"
}

// ErrViewInvalid matches (errors.Is) the failure of a query over a view that reads a table
// or column that no longer exists.
var ErrViewInvalid = &Error{Code: CodeViewInvalid, SQLState: "HY000", Msg: "invalid view"}

// ErrUnknownView returns MySQL's error for DROP VIEW of names that are not views.
func ErrUnknownView(names []string) error {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = DisplayName(n)
	}
	return newErr(CodeUnknownView, "Unknown VIEW: '%s'", strings.Join(q, ","))
}

// ErrIsView returns MySQL's error for a table statement (DROP TABLE) given a view.
func ErrIsView(name string) error {
	return newErr(CodeIsView, "'%s' is a view", DisplayName(name))
}

// ErrNotView returns MySQL's error for a view statement (SHOW CREATE VIEW) given a table.
func ErrNotView(name string) error {
	return newErr(CodeWrongObject, "'%s' is not of type 'VIEW'", DisplayName(name))
}

// maxViewDepth bounds how deep views over views may nest, so that a catalog that somehow
// holds a cycle cannot recurse without end.
const maxViewDepth = 64

// alterView matches the head of ALTER VIEW, which the parser does not know: it is CREATE OR
// REPLACE VIEW of a view that must exist.
var alterView = regexp.MustCompile(`(?is)^\s*ALTER\s+((?:ALGORITHM\s*=\s*\w+\s+|DEFINER\s*=\s*\S+\s+|SQL\s+SECURITY\s+\w+\s+)*VIEW\s)`)

// createViewHead matches the head of CREATE VIEW.
var createViewHead = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+|DEFINER\s*=\s*\S+\s+|SQL\s+SECURITY\s+\w+\s+)*VIEW\s`)

// plainCheckOption matches a trailing WITH CHECK OPTION, MySQL's spelling of WITH CASCADED
// CHECK OPTION, which the parser knows only spelled out.
var plainCheckOption = regexp.MustCompile(`(?is)\bWITH\s+CHECK\s+OPTION(\s*;?\s*)$`)

// rewriteAlterView turns ALTER VIEW into CREATE OR REPLACE VIEW (alter reports that it did)
// and spells out a plain WITH CHECK OPTION in a view definition. A check option only
// constrains writes through the view, which Weir refuses, so it is accepted and ignored.
func rewriteAlterView(sql string) (out string, alter bool) {
	if loc := alterView.FindStringSubmatchIndex(sql); loc != nil {
		sql, alter = "CREATE OR REPLACE "+sql[loc[2]:], true
	}
	if createViewHead.MatchString(sql) {
		sql = plainCheckOption.ReplaceAllString(sql, "WITH CASCADED CHECK OPTION$1")
	}
	return sql, alter
}

// createView compiles CREATE VIEW: the SELECT is planned now, as every query over the view
// will plan it, so that a view that cannot be read is refused when it is defined.
func (c *compiler) createView(s *ast.CreateViewStmt, alter bool) (Statement, error) {
	if len(c.params) > 0 {
		return nil, newErr(CodeViewSelectVariable, "View's SELECT contains a variable or parameter")
	}
	name, err := c.newKey(s.ViewName)
	if err != nil {
		return nil, err
	}
	def := &ViewDef{Name: name, Select: restoreJSONArrayAgg(restoreJSONValue(strings.TrimSpace(s.Select.Text())))}
	if def.Select == "" {
		return nil, unsupported("this view definition")
	}
	if !strings.EqualFold(KeyDatabase(name), c.db) {
		// A view's text resolves in its own database: one defined from another keeps the
		// names the statement meant, qualified (as MySQL stores every view).
		if strings.EqualFold(c.db, Database) {
			qualify(s.Select, Database)
		}
		var sb strings.Builder
		if err := s.Select.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags|format.RestoreStringWithoutDefaultCharset, &sb)); err != nil {
			return nil, unsupported("this view definition")
		}
		def.Select = restoreJSONArrayAgg(restoreJSONValue(sb.String()))
	}
	for _, col := range s.Cols {
		def.Cols = append(def.Cols, col.O)
	}
	// The name is checked first, as MySQL does (the engine checks again when it applies
	// the statement).
	_, exists := c.view(def.Name)
	switch {
	case c.isTable(def.Name) || (exists && !s.OrReplace && !alter):
		return nil, newErr(CodeTableExists, "Table '%s' already exists", KeyName(def.Name))
	case alter && !exists:
		return nil, newErr(CodeUnknownTable, "Table '%s' doesn't exist", DisplayName(def.Name))
	}
	if _, err := validateView(c.cat, def); err != nil {
		return nil, err
	}
	return &CreateView{View: def, OrReplace: s.OrReplace || alter, Alter: alter}, nil
}

// validateView plans `SELECT * FROM v` with v defined by def (which replaces any view of
// that name), and returns the plan.
func validateView(cat Catalog, def *ViewDef) (*Query, error) {
	sql := "SELECT * FROM " + QuoteKey(def.Name)
	stmt, release, err := parseOne(sql)
	if err != nil {
		return nil, err
	}
	defer release()
	vc := &compiler{cat: cat, sql: sql, defining: def, db: Database}
	defer vc.releaseViews()
	return vc.query(stmt.(ast.ResultSetNode))
}

// ParseView reads back a definition that ViewDef.SQL rendered, without planning it: the
// tables it reads may be gone, which leaves the view in place (queries over it fail).
func ParseView(sql string) (*ViewDef, error) {
	stmt, release, err := parseOne(sql)
	if err != nil {
		return nil, err
	}
	defer release()
	s, ok := stmt.(*ast.CreateViewStmt)
	if !ok {
		return nil, fmt.Errorf("planner: %q is not a CREATE VIEW statement", sql)
	}
	def := &ViewDef{Name: TableKey(s.ViewName.Schema.O, s.ViewName.Name.O), Select: restoreJSONArrayAgg(restoreJSONValue(strings.TrimSpace(s.Select.Text())))}
	for _, col := range s.Cols {
		def.Cols = append(def.Cols, col.O)
	}
	return def, nil
}

func (c *compiler) dropView(s *ast.DropTableStmt) (Statement, error) {
	d := &DropView{IfExists: s.IfExists}
	for _, t := range s.Tables {
		key, err := c.key(t)
		if err != nil {
			return nil, err
		}
		d.Names = append(d.Names, key)
	}
	return d, nil
}

// view resolves a name to a view: the one being defined, else the catalog's.
func (c *compiler) view(name string) (*ViewDef, bool) {
	if c.defining != nil && strings.EqualFold(c.defining.Name, name) {
		return c.defining, true
	}
	if c.cat == nil {
		return nil, false
	}
	vc, ok := c.cat.(ViewCatalog)
	if !ok {
		return nil, false
	}
	d, ok := vc.View(name)
	return d, ok && d != nil
}

// isTable reports whether name is a base table.
func (c *compiler) isTable(name string) bool {
	if c.cat == nil {
		return false
	}
	t, ok := c.cat.Table(name)
	return ok && t != nil
}

// releaseViews gives back the parsers of the view texts the statement read.
func (c *compiler) releaseViews() {
	for _, r := range c.releases {
		r()
	}
	c.releases = nil
}

// viewSource compiles a view read in FROM as a derived table.
func (b *block) viewSource(def *ViewDef, alias string, optional bool) (fromNode, error) {
	c := b.c
	key := strings.ToLower(def.Name)
	if slices.Contains(c.expanding, key) {
		if def == c.defining {
			// MySQL resolves a view's own name in its new text to what it replaces: nothing.
			return nil, newErr(CodeUnknownTable, "Table '%s' doesn't exist", DisplayName(def.Name))
		}
		return nil, newErr(CodeViewRecursive, "%s contains view recursion", quoteDisplay(def.Name))
	}
	if len(c.expanding) >= maxViewDepth {
		return nil, newErr(CodeViewRecursive, "%s contains view recursion", quoteDisplay(def.Name))
	}
	stmt, release, err := parseOne(def.Select)
	if err != nil {
		return nil, c.invalidView(def, err)
	}
	c.releases = append(c.releases, release)
	qualify(stmt, KeyDatabase(def.Name))
	var pc paramCollector
	stmt.Accept(&pc)
	sel, isQuery := stmt.(ast.ResultSetNode)
	if len(pc.found) > 0 || !isQuery {
		return nil, c.invalidView(def, newErr(CodeViewSelectVariable, "View's SELECT contains a variable or parameter"))
	}
	switch sel.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
	default:
		return nil, c.invalidView(def, unsupported("this view definition"))
	}
	if alias == "" {
		alias = KeyName(def.Name)
	}
	outerSQL := c.sql
	c.sql = def.Select // positions in messages are the view text's
	c.expanding = append(c.expanding, key)
	leaf, err := b.derived(sel, alias, def.Cols, optional, "in view '"+KeyName(def.Name)+"'", true)
	c.expanding = c.expanding[:len(c.expanding)-1]
	c.sql = outerSQL
	if err != nil {
		if def == c.defining {
			return nil, err
		}
		return nil, c.invalidView(def, err)
	}
	if !slices.Contains(c.views, def) {
		c.views = append(c.views, def)
	}
	return leaf, nil
}

// invalidView turns the failure to resolve a name inside a view into MySQL's error for the
// view; other failures (a construct Weir does not support) keep their own.
func (c *compiler) invalidView(def *ViewDef, err error) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	switch e.Code {
	case CodeUnknownTable, CodeUnknownColumn, CodeAmbiguousColumn, CodeViewInvalid, CodeParse, CodeViewSelectVariable:
		return &Error{Code: CodeViewInvalid, SQLState: "HY000", Err: err,
			Msg: fmt.Sprintf("View '%s' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them", DisplayName(def.Name))}
	}
	return err
}

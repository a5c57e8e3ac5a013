package planner

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
)

// parsers holds idle TiDB parsers: a parser is not safe for concurrent use and is costly to
// build, and Compile must be callable from any goroutine. A parser's next Parse may write to
// the nodes of the tree it returned last (it keeps them in its value stack), so a parser goes
// back to the pool only once its tree is no longer read.
var parsers = sync.Pool{New: func() any { return parser.New() }}

// Compile parses one SQL statement and compiles it against cat. It is pure and safe for
// concurrent use. The result is one of *CreateTable, *DropTable, *AlterIndexes, *Insert,
// *Update, *Delete or *Select; every failure is an *Error.
func Compile(cat Catalog, sql string) (Statement, error) {
	return CompileIn(cat, Database, sql)
}

// CompileIn is Compile with the statement's unqualified names resolved in database db (the
// session's current database; "" when none is selected, when only qualified names resolve).
func CompileIn(cat Catalog, db, sql string) (Statement, error) {
	return compileIn(cat, db, sql, MySQL)
}

func compileIn(cat Catalog, db, sql string, dialect Dialect) (Statement, error) {
	sql, alter := rewriteAlterView(sql)
	sql = rewriteJSONValue(rewriteJSONArrayAgg(sql)) // so that error positions match the parsed text
	stmt, release, err := parseOne(sql)
	if err != nil {
		return nil, err
	}
	defer release()
	c := &compiler{cat: cat, sql: sql, db: db, dialect: dialect}
	defer c.releaseViews()
	c.numParams(stmt)
	if db != "" && !strings.EqualFold(db, Database) {
		// The normalized text of a query names the tables it means.
		qualify(stmt, db)
	}
	switch s := stmt.(type) {
	case *ast.CreateDatabaseStmt:
		return c.createDatabase(s)
	case *ast.DropDatabaseStmt:
		return c.dropDatabase(s)
	case *ast.AlterDatabaseStmt:
		return c.alterDatabase(s)
	case *ast.CreateTableStmt:
		return c.createTable(s)
	case *ast.CreateViewStmt:
		return c.createView(s, alter)
	case *ast.DropTableStmt:
		if s.IsView {
			return c.dropView(s)
		}
		return c.dropTable(s)
	case *ast.CreateIndexStmt:
		return c.createIndex(s)
	case *ast.DropIndexStmt:
		return c.dropIndex(s)
	case *ast.AlterTableStmt:
		return c.alterTable(s)
	case *ast.RenameTableStmt:
		return c.renameTables(s)
	case *ast.InsertStmt:
		return c.write(c.insert(s))
	case *ast.UpdateStmt:
		return c.write(c.update(s))
	case *ast.DeleteStmt:
		return c.write(c.delete(s))
	case *ast.TruncateTableStmt:
		return c.write(c.truncate(s))
	case *ast.SelectStmt, *ast.SetOprStmt:
		c.infoSchemaQuery = readsInfoSchema(stmt)
		if len(c.params) > 0 && c.infoSchemaQuery {
			return compileInfoSchemaWithParams(cat, db, sql, len(c.params))
		}
		q, err := c.query(stmt.(ast.ResultSetNode))
		if err != nil {
			return nil, err
		}
		if c.readsInfoSchema {
			if c.readsUserTable {
				if c.readsDual {
					return nil, unsupported("SELECT without FROM in a query that reads tables")
				}
				return nil, unsupported("a query that reads both information_schema and tables")
			}
			q.InfoSchema = true
		}
		q.Views = c.views
		q.Database = db
		return &Select{Query: q}, nil
	}
	return nil, unsupported("the %s statement", statementKind(stmt))
}

// write refuses a write that names one of information_schema's tables, as MySQL does.
func (c *compiler) write(st Statement, err error) (Statement, error) {
	if err == nil && c.readsInfoSchema {
		return nil, &Error{Code: CodeDBAccessDenied, SQLState: "42000",
			Msg: "Access denied for user 'root'@'%' to database 'information_schema'"}
	}
	return st, err
}

// parseOne parses exactly one statement. The tree is valid until release is called, which
// gives the parser back.
func parseOne(sql string) (stmt ast.StmtNode, release func(), err error) {
	p := parsers.Get().(*parser.Parser)
	release = func() { parsers.Put(p) }
	defer func() {
		// The parser is third-party code fed arbitrary text; a panic there must not take the
		// process down. A parser that panicked may be in any state, so it is not reused.
		if r := recover(); r != nil {
			stmt, release, err = nil, nil, newErr(CodeParse, "You have an error in your SQL syntax: the parser failed (%v)", r)
			return
		}
		if err != nil {
			parsers.Put(p) // no tree was handed out
		}
	}()
	text, marks := rewriteDerivedColumns(rewriteJSONValue(rewriteJSONArrayAgg(sql)))
	stmts, _, perr := p.Parse(text, "", "")
	if perr != nil && marks != nil {
		// The error's position must be the one in the client's text.
		stmts, _, perr = p.Parse(rewriteJSONValue(rewriteJSONArrayAgg(sql)), "", "")
		marks = nil
	}
	if perr != nil {
		return nil, nil, &Error{Code: CodeParse, SQLState: "42000", Msg: syntaxMessage(perr.Error()), Err: perr}
	}
	if marks != nil {
		for _, st := range stmts {
			st.Accept(clearLateral{marks: marks})
		}
	}
	switch len(stmts) {
	case 0:
		return nil, nil, newErr(CodeEmptyQuery, "Query was empty")
	case 1:
		return stmts[0], release, nil
	}
	return nil, nil, unsupported("several statements in one request")
}

var parserPosition = regexp.MustCompile(`(?s)line (\d+) column (\d+) near "(.*)"`)

// syntaxMessage rewrites the parser's message MySQL's way, with the text near the error cut
// short (the parser quotes the whole rest of the statement).
func syntaxMessage(msg string) string {
	m := parserPosition.FindStringSubmatch(msg)
	if m == nil {
		return "You have an error in your SQL syntax: " + msg
	}
	text := m[3]
	if i := strings.LastIndex(text, "\" (total length"); i >= 0 {
		text = text[:i]
	}
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 40 {
		text = string(r[:40])
	}
	return fmt.Sprintf("You have an error in your SQL syntax near '%s' at line %s, column %s", text, m[1], m[2])
}

// statementKind names a statement for messages: *ast.AlterTableStmt is "ALTER TABLE".
func statementKind(n ast.Node) string {
	name := strings.TrimSuffix(reflect.TypeOf(n).Elem().Name(), "Stmt")
	var b strings.Builder
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// compiler carries what one Compile call knows: the catalog, the text (for error positions)
// and the statement's parameters.
type compiler struct {
	cat Catalog
	sql string
	// db is the database unqualified names resolve in ("" when none is selected).
	db     string
	params []*test_driver.ParamMarkerExpr // by number
	// keys are the key conditions of every query block of a SELECT, in all of which the
	// literals turn into `?` in the normalized text.
	keys []*keyCond
	// paramTypes are the types of the key columns the parameters are compared with.
	paramTypes []dataflow.Type
	// readsInfoSchema and readsUserTable say which kinds of table the statement names:
	// information_schema's are made from the catalog when read, never kept in the graph.
	readsInfoSchema, readsUserTable bool
	// readsDual: a SELECT without FROM, evaluated like a query over information_schema.
	readsDual bool
	// infoSchemaQuery says the SELECT names information_schema's tables, so it is evaluated
	// when it runs: DATABASE() may appear in it.
	infoSchemaQuery bool
	// views are the views the statement reads, directly or through other views; expanding
	// are the (lower-cased) names of those whose text is being compiled, innermost last;
	// releases give back the parsers of their texts, whose trees the compile reads until it
	// ends. defining is the view a CREATE VIEW defines, which its name resolves to.
	views     []*ViewDef
	expanding []string
	releases  []func()
	defining  *ViewDef
	// ctes are the common table expressions in scope, innermost last (see cte.go);
	// cteDepth counts the CTE queries being compiled inside one another.
	ctes     []cteDef
	cteDepth int
	// volatiles are the clock and chance values a write takes when it runs (see Volatile).
	volatiles []Volatile
	// dialect is the dialect whose semantics the statement has (see Dialect).
	dialect Dialect
}

// setParamType records the type of the key column parameter i is compared with.
func (c *compiler) setParamType(i int, t dataflow.Type) {
	for len(c.paramTypes) <= i {
		c.paramTypes = append(c.paramTypes, paramType)
	}
	c.paramTypes[i] = t
}

// numParams numbers the `?` markers in text order. The parser leaves every marker's Order at
// zero; Weir's contract is that the i-th `?` of the text takes the i-th argument.
func (c *compiler) numParams(stmt ast.StmtNode) {
	var pc paramCollector
	stmt.Accept(&pc)
	slices.SortStableFunc(pc.found, func(a, b *test_driver.ParamMarkerExpr) int { return a.Offset - b.Offset })
	for i, p := range pc.found {
		p.Order = i
	}
	c.params = pc.found
}

type paramCollector struct {
	found []*test_driver.ParamMarkerExpr
}

func (pc *paramCollector) Enter(n ast.Node) (ast.Node, bool) {
	if p, ok := n.(*test_driver.ParamMarkerExpr); ok {
		pc.found = append(pc.found, p)
	}
	return n, false
}

func (pc *paramCollector) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// at appends the position of n to an error message, where the parser recorded one.
func (c *compiler) at(e *Error, n ast.Node) *Error {
	e.Msg += near(c.sql, n)
	return e
}

// table resolves a table reference.
func (c *compiler) table(tn *ast.TableName) (*TableSchema, error) {
	if tn.Schema.L == InfoSchema || (tn.Schema.O == "" && strings.EqualFold(c.db, InfoSchema)) {
		t, ok := InfoSchemaTable(tn.Name.L)
		if !ok {
			return nil, newErr(CodeUnknownTable, "Unknown table '%s' in information_schema", tn.Name.O)
		}
		c.readsInfoSchema = true
		return t, nil
	}
	c.readsUserTable = true
	key, err := c.key(tn)
	if err != nil {
		return nil, err
	}
	if c.cat == nil {
		return nil, newErr(CodeUnknownTable, "Table '%s' doesn't exist", DisplayName(key))
	}
	t, ok := c.cat.Table(key)
	if !ok || t == nil {
		if _, isView := c.view(key); isView {
			return nil, unsupported("writes through a view ('%s'): write to its base tables", DisplayName(key))
		}
		return nil, newErr(CodeUnknownTable, "Table '%s' doesn't exist", DisplayName(key))
	}
	return t, nil
}

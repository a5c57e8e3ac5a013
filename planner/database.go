package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Databases. Weir serves any number of databases; `weir` (Database) always exists and is
// where a client that names none works. A table or view lives in one database, and the
// catalog knows it by its key: its name alone in `weir`, "db.name" in any other. Keys keep
// every table of `weir` where stores written before databases existed put it, and let the
// rest of the engine (state, storage, caches) treat a key as the one name of a table. A
// dot therefore cannot be part of a database's or a table's own name (MySQL allows one in
// a quoted name; Weir refuses it with an error that says so).
//
// A statement's unqualified names resolve in the session's current database (the compile's
// db); a view's text resolves in the view's own database whoever reads it, as in MySQL.

// Error numbers of databases.
const (
	CodeDBCreateExists = 1007
	CodeDBDropExists   = 1008
	CodeBadDB          = 1049
	CodeNoDB           = 1046
	CodeWrongDBName    = 1102
)

func init() {
	sqlStates[CodeDBCreateExists] = "HY000"
	sqlStates[CodeDBDropExists] = "HY000"
	sqlStates[CodeBadDB] = "42000"
	sqlStates[CodeNoDB] = "3D000"
	sqlStates[CodeWrongDBName] = "42000"
}

// DatabaseCatalog is a Catalog that knows which databases exist. A Catalog without it has
// only Database.
type DatabaseCatalog interface {
	Catalog
	// HasDatabase reports whether the database exists (compared case-insensitively).
	HasDatabase(name string) bool
}

// TableKey is the catalog key of the table or view called name in database db ("" is
// Database).
func TableKey(db, name string) string {
	if db == "" || strings.EqualFold(db, Database) {
		return name
	}
	return db + "." + name
}

// SplitKey returns the database and the name of a catalog key.
func SplitKey(key string) (db, name string) {
	if i := strings.IndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return Database, key
}

// KeyName is the name of a catalog key without its database.
func KeyName(key string) string {
	_, name := SplitKey(key)
	return name
}

// KeyDatabase is the database of a catalog key.
func KeyDatabase(key string) string {
	db, _ := SplitKey(key)
	return db
}

// DisplayName spells a catalog key as MySQL's messages do: db.name.
func DisplayName(key string) string {
	db, name := SplitKey(key)
	return db + "." + name
}

// QuoteKey quotes a catalog key for SQL text: `name` in Database, `db`.`name` elsewhere.
func QuoteKey(key string) string {
	db, name := SplitKey(key)
	if db == Database {
		return quoteName(name)
	}
	return quoteName(db) + "." + quoteName(name)
}

// SameDatabase reports whether two catalog keys are in the same database.
func SameDatabase(a, b string) bool { return strings.EqualFold(KeyDatabase(a), KeyDatabase(b)) }

// CreateDatabase creates a database (CREATE DATABASE / CREATE SCHEMA).
type CreateDatabase struct {
	Name        string
	IfNotExists bool
}

// DropDatabase drops a database with every table and view in it.
type DropDatabase struct {
	Name     string
	IfExists bool
}

// AlterDatabase changes a database's options: only ones that do not change results
// (character sets and collations of the utf8mb4 family) are accepted, and kept by no one.
type AlterDatabase struct{ Name string }

func (*CreateDatabase) statement()   {}
func (*DropDatabase) statement()     {}
func (*AlterDatabase) statement()    {}
func (*CreateDatabase) Verb() string { return "CREATE DATABASE" }
func (*DropDatabase) Verb() string   { return "DROP DATABASE" }
func (*AlterDatabase) Verb() string  { return "ALTER DATABASE" }
func (*CreateDatabase) Params() int  { return 0 }
func (*DropDatabase) Params() int    { return 0 }
func (*AlterDatabase) Params() int   { return 0 }

// CheckDatabaseName refuses a name Weir cannot give a database.
func CheckDatabaseName(name string) error {
	switch {
	case name == "" || strings.TrimRight(name, " ") != name || len(name) > 64:
		return newErr(CodeWrongDBName, "Incorrect database name '%s'", name)
	case strings.Contains(name, "."):
		return unsupported("a '.' in a database name ('%s')", name)
	case strings.EqualFold(name, InfoSchema):
		return &Error{Code: CodeDBAccessDenied, SQLState: "42000",
			Msg: "Access denied for user 'root'@'%' to database 'information_schema'"}
	}
	return nil
}

// checkTableName refuses a name Weir cannot give a table or view (see the package note on
// keys).
func checkTableName(name string) error {
	if strings.Contains(name, ".") {
		return unsupported("a '.' in a table or view name ('%s')", name)
	}
	return nil
}

func (c *compiler) databaseOptions(opts []*ast.DatabaseOption) error {
	for _, o := range opts {
		switch o.Tp {
		case ast.DatabaseOptionCollate:
			if err := checkCollation(o.Value, ""); err != nil {
				return err
			}
		case ast.DatabaseOptionCharset:
			if strings.EqualFold(o.Value, "binary") {
				return unsupported("the binary character set: Weir compares strings case-insensitively")
			}
		case ast.DatabaseOptionEncryption, ast.DatabaseOptionPlacementPolicy:
			return unsupported("this database option")
		}
	}
	return nil
}

func (c *compiler) createDatabase(s *ast.CreateDatabaseStmt) (Statement, error) {
	if err := CheckDatabaseName(s.Name.O); err != nil {
		return nil, err
	}
	if err := c.databaseOptions(s.Options); err != nil {
		return nil, err
	}
	return &CreateDatabase{Name: s.Name.O, IfNotExists: s.IfNotExists}, nil
}

func (c *compiler) dropDatabase(s *ast.DropDatabaseStmt) (Statement, error) {
	if strings.EqualFold(s.Name.O, InfoSchema) {
		return nil, CheckDatabaseName(s.Name.O)
	}
	return &DropDatabase{Name: s.Name.O, IfExists: s.IfExists}, nil
}

func (c *compiler) alterDatabase(s *ast.AlterDatabaseStmt) (Statement, error) {
	name := s.Name.O
	if s.AlterDefaultDatabase || name == "" {
		if c.db == "" {
			return nil, newErr(CodeNoDB, "No database selected")
		}
		name = c.db
	}
	if strings.EqualFold(name, InfoSchema) {
		return nil, CheckDatabaseName(name)
	}
	if !c.hasDatabase(name) {
		return nil, newErr(CodeBadDB, "Unknown database '%s'", name)
	}
	if err := c.databaseOptions(s.Options); err != nil {
		return nil, err
	}
	return &AlterDatabase{Name: name}, nil
}

// hasDatabase reports whether the catalog has the database.
func (c *compiler) hasDatabase(name string) bool {
	if strings.EqualFold(name, Database) {
		return true
	}
	dc, ok := c.cat.(DatabaseCatalog)
	return ok && dc.HasDatabase(name)
}

// key is the catalog key a table reference names: its own qualifier's database, or the
// statement's.
func (c *compiler) key(tn *ast.TableName) (string, error) {
	db := tn.Schema.O
	if db == "" {
		if c.db == "" {
			return "", newErr(CodeNoDB, "No database selected")
		}
		db = c.db
	}
	return TableKey(db, tn.Name.O), nil
}

// newKey is the key of a table or view a statement creates (or renames to): its database
// must exist and its name must be one Weir can key.
func (c *compiler) newKey(tn *ast.TableName) (string, error) {
	key, err := c.key(tn)
	if err != nil {
		return "", err
	}
	if err := checkTableName(tn.Name.O); err != nil {
		return "", err
	}
	db := KeyDatabase(key)
	if strings.EqualFold(db, InfoSchema) {
		return "", &Error{Code: CodeDBAccessDenied, SQLState: "42000",
			Msg: "Access denied for user 'root'@'%' to database 'information_schema'"}
	}
	if !c.hasDatabase(db) {
		return "", newErr(CodeBadDB, "Unknown database '%s'", db)
	}
	return key, nil
}

// qualifier sets the database of every unqualified table reference of a tree, so that a
// view's text resolves in the view's database whoever reads it, and a statement's
// normalized text names the tables it means.
type qualifier struct {
	db   ast.CIStr
	ctes map[string]bool
}

// qualify sets db on the unqualified table references of n, except names of common table
// expressions.
func qualify(n ast.Node, db string) {
	q := &qualifier{db: ast.NewCIStr(db)}
	n.Accept(&cteNames{into: &q.ctes})
	n.Accept(q)
}

func (q *qualifier) Enter(n ast.Node) (ast.Node, bool) {
	if tn, ok := n.(*ast.TableName); ok && tn.Schema.O == "" && !q.ctes[tn.Name.L] {
		tn.Schema = q.db
	}
	return n, false
}

func (q *qualifier) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// cteNames collects the names of a tree's common table expressions.
type cteNames struct{ into *map[string]bool }

func (v *cteNames) Enter(n ast.Node) (ast.Node, bool) {
	if w, ok := n.(*ast.WithClause); ok {
		for _, cte := range w.CTEs {
			if *v.into == nil {
				*v.into = map[string]bool{}
			}
			(*v.into)[cte.Name.L] = true
		}
	}
	return n, false
}

func (v *cteNames) Leave(n ast.Node) (ast.Node, bool) { return n, true }

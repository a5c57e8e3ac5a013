package planner

import (
	"github.com/weirdb/weir/expr"
)

// Statement is the compiled form of one SQL statement: *CreateTable, *DropTable, *Insert,
// *Update, *Delete or *Select.
type Statement interface {
	statement()
	// Verb names the statement ("INSERT", "CREATE TABLE", …) for messages.
	Verb() string
	// Params is the number of `?` placeholders it takes.
	Params() int
}

// Write is implemented by the statements that change a base table's rows.
type Write interface {
	Statement
	// Target is the table the statement writes.
	Target() string
}

// CreateTable creates a base table.
type CreateTable struct {
	Schema      TableSchema
	IfNotExists bool
	// MissingParents names the tables its foreign keys reference that do not exist: with
	// foreign key checks on, InnoDB refuses the table (error 1005, errno 150, see
	// ForeignKeyError); with them off (as a dump loads its tables in any order) it makes it.
	MissingParents []string
}

// ForeignKeyError is error 1005 errno 150, InnoDB's refusal of a foreign key it cannot
// make, for a table named table.
func ForeignKeyError(table string) *Error { return fkIncorrect(table) }

// DropTable drops base tables.
type DropTable struct {
	Names    []string
	IfExists bool
}

// Assignment sets a column (a position in the table) to the value of Expr. The row Expr is
// evaluated over depends on the statement; see Insert and Update.
type Assignment struct {
	Col  int
	Expr expr.Expr
}

// Insert is INSERT, INSERT IGNORE, REPLACE and INSERT ... ON DUPLICATE KEY UPDATE.
//
// Row contract. Each expression of Rows is evaluated over the argument row: the statement's
// bound arguments in order, so `?` number i is column i there, and a VALUES item refers to no
// table column (MySQL's references to earlier columns of the same row are not supported).
// DEFAULT in VALUES is compiled to the column's default value (NULL for an AUTO_INCREMENT
// column, which the engine then numbers).
//
// The expressions of OnDup are evaluated over `existing row ++ VALUES row ++ arguments`,
// where the existing row is the stored row that collided (table width W), the VALUES row is
// the complete row the INSERT would have stored (width W, defaults filled in), and the
// arguments follow: a column reference `c` is position pos(c), `VALUES(c)` is W + pos(c), and
// `?` number i is 2W + i. Assignments run left to right, and a later one sees the result of
// an earlier one in the existing-row part (MySQL's behavior).
type Insert struct {
	Table string
	// Cols are the target column positions, in the order the statement lists them (every
	// column in table order when it lists none).
	Cols []int
	// Rows holds one expression per target column per row.
	Rows      [][]expr.Expr
	Replace   bool
	Ignore    bool
	OnDup     []Assignment
	NumParams int
	// Volatile lists the clock and chance values the statement takes when it runs; they
	// follow the arguments in the rows its expressions are evaluated over.
	Volatile []Volatile
}

// Update is a single-table UPDATE.
//
// Set and Where are evaluated over `table row ++ arguments`: a column reference is its table
// position and `?` number i is position W + i (W the table width). Assignments run left to
// right, each seeing the columns as the earlier ones left them (MySQL's single-table UPDATE),
// so Set keeps the statement's order.
type Update struct {
	Table     string
	Set       []Assignment
	Where     expr.Expr // nil: every row
	NumParams int
	// Lookups, when not nil, lists the primary keys the WHERE clause pins (`pk = ?`,
	// `pk IN (...)` conjuncts covering every primary-key column, in PK column order): only
	// rows with one of those keys can match, so the engine need not scan. Where must still be
	// applied to them. A NULL component matches nothing.
	Lookups [][]KeySource
	// LookupCols, when not nil, says Lookups pins a unique key instead (its columns, in key
	// order), because the WHERE clause does not pin the primary key.
	LookupCols []int
	// Ignore is UPDATE IGNORE: a row whose new values collide on a key keeps its old ones.
	Ignore bool
	// Volatile is as in Insert.
	Volatile []Volatile
}

// Delete is a single-table DELETE, with the same row contract and Lookups as Update.
type Delete struct {
	Table      string
	Where      expr.Expr
	NumParams  int
	Lookups    [][]KeySource
	LookupCols []int
	Volatile   []Volatile
}

// Truncate is TRUNCATE [TABLE]: every row goes, and the AUTO_INCREMENT counter starts
// again at 1.
type Truncate struct {
	Table string
}

// Select is a SELECT or a UNION.
type Select struct {
	Query *Query
}

func (*CreateTable) statement() {}

func (*CreateTable) Verb() string  { return "CREATE TABLE" }
func (*DropTable) Verb() string    { return "DROP TABLE" }
func (*Insert) Verb() string       { return "INSERT" }
func (*Update) Verb() string       { return "UPDATE" }
func (*Delete) Verb() string       { return "DELETE" }
func (*Select) Verb() string       { return "SELECT" }
func (*Truncate) Verb() string     { return "TRUNCATE" }
func (*Truncate) Params() int      { return 0 }
func (s *Truncate) Target() string { return s.Table }
func (*Truncate) statement()       {}

func (*CreateTable) Params() int { return 0 }
func (*DropTable) Params() int   { return 0 }
func (s *Insert) Params() int    { return s.NumParams }
func (s *Update) Params() int    { return s.NumParams }
func (s *Delete) Params() int    { return s.NumParams }
func (s *Select) Params() int    { return s.Query.NumParams }

func (s *Insert) Target() string { return s.Table }
func (s *Update) Target() string { return s.Table }
func (s *Delete) Target() string { return s.Table }
func (*DropTable) statement()    {}
func (*Insert) statement()       {}
func (*Update) statement()       {}
func (*Delete) statement()       {}
func (*Select) statement()       {}

package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
)

// MySQL error numbers of foreign keys.
const (
	CodeCantCreateTable    = 1005
	CodeWrongFKDef         = 1239
	CodeRowIsReferenced    = 1451
	CodeNoReferencedRow    = 1452
	CodeTruncateReferenced = 1701
	// ErrnoFKIncorrect is InnoDB's errno inside error 1005 for a foreign key it cannot
	// create: a missing parent table or column, a parent without an index on the referenced
	// columns, incompatible types, SET NULL on a NOT NULL column.
	ErrnoFKIncorrect = 150
)

// RefAction is what a foreign key does to child rows when their parent row is deleted or its
// referenced columns change.
type RefAction uint8

// The referential actions. RESTRICT and NO ACTION are the same in InnoDB (checked at once,
// never deferred); they are kept apart because SHOW CREATE TABLE writes NO ACTION and not
// RESTRICT.
const (
	RefRestrict RefAction = iota
	RefNoAction
	RefCascade
	RefSetNull
)

// String is the action as SQL spells it.
func (a RefAction) String() string {
	switch a {
	case RefNoAction:
		return "NO ACTION"
	case RefCascade:
		return "CASCADE"
	case RefSetNull:
		return "SET NULL"
	}
	return "RESTRICT"
}

// Checks reports whether the action refuses the change of a referenced parent row.
func (a RefAction) Checks() bool { return a == RefRestrict || a == RefNoAction }

// ForeignKey is a FOREIGN KEY constraint of a child table: every row whose Cols are all
// non-NULL must match a row of Parent on ParentCols.
type ForeignKey struct {
	Name string
	Cols []int
	// Parent is the referenced table's name; ParentCols its referenced columns, by name
	// (the parent's positions are resolved when a write checks the key, since the parent
	// may be the table itself).
	Parent     string
	ParentCols []string
	OnDelete   RefAction
	OnUpdate   RefAction
}

// References reports whether the key references the table named table.
func (fk *ForeignKey) References(table string) bool { return strings.EqualFold(fk.Parent, table) }

// ParentPositions resolves ParentCols against the parent's schema; ok is false when a column
// is missing.
func (fk *ForeignKey) ParentPositions(parent *TableSchema) ([]int, bool) {
	out := make([]int, len(fk.ParentCols))
	for i, n := range fk.ParentCols {
		if out[i] = parent.Column(n); out[i] < 0 {
			return nil, false
		}
	}
	return out, true
}

// Definition is the constraint as SHOW CREATE TABLE and InnoDB's messages write it:
// "FOREIGN KEY (`c`) REFERENCES `p` (`id`)"; qualified adds the database to the parent's
// name, as error 1701 does.
func (fk *ForeignKey) Definition(child *TableSchema, qualified bool) string {
	cols := make([]string, len(fk.Cols))
	for i, c := range fk.Cols {
		cols[i] = quoteName(child.Cols[c].Name)
	}
	refs := make([]string, len(fk.ParentCols))
	for i, c := range fk.ParentCols {
		refs[i] = quoteName(c)
	}
	parent := quoteName(KeyName(fk.Parent))
	if qualified {
		parent = quoteDisplay(fk.Parent)
	}
	return fmt.Sprintf("FOREIGN KEY (%s) REFERENCES %s (%s)", strings.Join(cols, ", "), parent, strings.Join(refs, ", "))
}

// Describe is the "(`db`.`child`, CONSTRAINT `fk` FOREIGN KEY …)" part of errors 1451, 1452
// and 1701.
func (fk *ForeignKey) Describe(child *TableSchema, qualified bool) string {
	return fmt.Sprintf("(%s, CONSTRAINT %s %s)", quoteDisplay(child.Name), quoteName(fk.Name), fk.Definition(child, qualified))
}

// fkIncorrect is error 1005 with errno 150, as InnoDB reports a foreign key it cannot make.
func fkIncorrect(table string) *Error {
	return &Error{Code: CodeCantCreateTable, SQLState: "HY000",
		Msg: fmt.Sprintf("Can't create table %s (errno: %d \"Foreign key constraint is incorrectly formed\")", quoteDisplay(table), ErrnoFKIncorrect)}
}

// fkDecl is a FOREIGN KEY clause of a CREATE TABLE, or a column's inline REFERENCES.
type fkDecl struct {
	name  string // the CONSTRAINT symbol or the index name, "" for none
	parts []*ast.IndexPartSpecification
	ref   *ast.ReferenceDef
}

func refAction(t ast.ReferOptionType, which string) (RefAction, error) {
	switch t {
	case ast.ReferOptionNoOption, ast.ReferOptionRestrict:
		return RefRestrict, nil
	case ast.ReferOptionNoAction:
		return RefNoAction, nil
	case ast.ReferOptionCascade:
		return RefCascade, nil
	case ast.ReferOptionSetNull:
		return RefSetNull, nil
	}
	// InnoDB accepts SET DEFAULT and then behaves as RESTRICT, dropping the clause: Weir
	// refuses it rather than keep a clause that would not do what it says.
	return 0, unsupported("ON %s SET DEFAULT in a FOREIGN KEY (InnoDB does not implement it)", which)
}

// foreignKeys resolves the FOREIGN KEY clauses of a CREATE TABLE against sc (the new table,
// its columns and keys complete) and the catalog, names them as InnoDB does (an unnamed
// one is `table_ibfk_N`), and adds InnoDB's implicit index on the child columns of a key
// that no index leads with them, named after the constraint (or the first column).
func (c *compiler) foreignKeys(sc *TableSchema, names *keyNamer, decls []fkDecl) (missing []string, err error) {
	// An unnamed key takes the number after the highest of the table's table_ibfk_N.
	unnamed := 0
	prefix := strings.ToLower(sc.Name) + "_ibfk_"
	for _, fk := range sc.ForeignKeys {
		if rest, ok := strings.CutPrefix(strings.ToLower(fk.Name), prefix); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > unnamed {
				unnamed = n
			}
		}
	}
	for _, d := range decls {
		fk := ForeignKey{Name: d.name}
		if fk.Name == "" {
			unnamed++
			fk.Name = fmt.Sprintf("%s_ibfk_%d", sc.Name, unnamed)
		}
		for _, part := range d.parts {
			if part.Expr != nil || part.Column == nil {
				return nil, unsupported("functional key parts")
			}
			i := sc.Column(part.Column.Name.O)
			if i < 0 {
				return nil, newErr(CodeKeyColumnMissing, "Key column '%s' doesn't exist in table", part.Column.Name.O)
			}
			fk.Cols = append(fk.Cols, i)
		}
		if d.ref == nil || d.ref.Table == nil {
			return nil, newErr(CodeParse, "You have an error in your SQL syntax: FOREIGN KEY without REFERENCES")
		}
		// An unqualified parent is in the child's database, as InnoDB resolves it.
		parentKey := TableKey(KeyDatabase(sc.Name), d.ref.Table.Name.O)
		if d.ref.Table.Schema.O != "" {
			parentKey = TableKey(d.ref.Table.Schema.O, d.ref.Table.Name.O)
		}
		if !SameDatabase(parentKey, sc.Name) {
			return nil, unsupported("foreign keys to another database ('%s')", KeyDatabase(parentKey))
		}
		fk.Parent = parentKey
		for _, part := range d.ref.IndexPartSpecifications {
			if part.Expr != nil || part.Column == nil {
				return nil, unsupported("functional key parts")
			}
			fk.ParentCols = append(fk.ParentCols, part.Column.Name.O)
		}
		if len(fk.ParentCols) != len(fk.Cols) {
			label := "foreign key without name"
			if d.name != "" {
				label = d.name
			}
			return nil, &Error{Code: CodeWrongFKDef, SQLState: "42000",
				Msg: fmt.Sprintf("Incorrect foreign key definition for '%s': Key reference and table reference don't match", label)}
		}
		var err error
		if d.ref.OnDelete != nil {
			if fk.OnDelete, err = refAction(d.ref.OnDelete.ReferOpt, "DELETE"); err != nil {
				return nil, err
			}
		}
		if d.ref.OnUpdate != nil {
			if fk.OnUpdate, err = refAction(d.ref.OnUpdate.ReferOpt, "UPDATE"); err != nil {
				return nil, err
			}
		}
		for _, col := range fk.Cols {
			if (fk.OnDelete == RefSetNull || fk.OnUpdate == RefSetNull) && sc.Cols[col].NotNull {
				return nil, fkIncorrect(sc.Name)
			}
		}
		parent := sc
		if !strings.EqualFold(fk.Parent, sc.Name) {
			parent = nil
			if p, ok := c.cat.Table(fk.Parent); ok {
				parent, fk.Parent = p, p.Name
			}
		} else {
			fk.Parent = sc.Name
		}
		if parent == nil {
			// Whether a missing parent is an error depends on the session's
			// foreign_key_checks, which the engine knows.
			missing = append(missing, fk.Parent)
		} else {
			refs, ok := fk.ParentPositions(parent)
			if !ok || !leadsIndex(parent, refs) {
				return nil, fkIncorrect(sc.Name)
			}
			for i, col := range fk.Cols {
				if !compatibleFKTypes(sc.Cols[col].Type, parent.Cols[refs[i]].Type) {
					return nil, fkIncorrect(sc.Name)
				}
			}
		}
		for _, other := range sc.ForeignKeys {
			if strings.EqualFold(other.Name, fk.Name) {
				return nil, &Error{Code: CodeCantCreateTable, SQLState: "HY000",
					Msg: fmt.Sprintf("Can't create table %s (errno: 121 \"Duplicate key on write or update\")", quoteDisplay(sc.Name))}
			}
		}
		if !leadsIndex(sc, fk.Cols) {
			ix := Index{Kind: IndexPlain, Cols: fk.Cols}
			name, err := names.name(d.name, sc.Cols[fk.Cols[0]].Name)
			if err != nil {
				return nil, err
			}
			ix.Name = name
			sc.Indexes = append(sc.Indexes, ix)
		}
		sc.ForeignKeys = append(sc.ForeignKeys, fk)
	}
	return missing, nil
}

// leadsIndex reports whether cols, in order, are the first columns of the primary key or of
// a secondary index (not a full-text one, nor one over prefixes of them), as InnoDB requires
// of both sides of a foreign key.
func leadsIndex(sc *TableSchema, cols []int) bool {
	leads := func(key, lengths []int) bool {
		if len(key) < len(cols) || !slices.Equal(key[:len(cols)], cols) {
			return false
		}
		return lengths == nil || !slices.ContainsFunc(lengths[:len(cols)], func(n int) bool { return n > 0 })
	}
	if leads(sc.PK, nil) {
		return true
	}
	for _, ix := range sc.Indexes {
		if ix.Kind != IndexFulltext && leads(ix.Cols, ix.Lengths) {
			return true
		}
	}
	return false
}

// compatibleFKTypes is InnoDB's rule for the columns of a foreign key: integers of the same
// size and signedness, strings of either CHAR or VARCHAR (of any length), and otherwise the
// same type.
func compatibleFKTypes(a, b dataflow.Type) bool {
	if a.Kind != b.Kind {
		return false
	}
	if a.Kind == dataflow.KindString && !a.IsEnum() && !a.IsSet() && !b.IsEnum() && !b.IsSet() {
		text := func(t dataflow.Type) bool {
			return strings.HasPrefix(t.SQL, "VARCHAR") || strings.HasPrefix(t.SQL, "CHAR")
		}
		return text(a) && text(b) || a.SQL == b.SQL
	}
	return baseTypeName(a.SQL) == baseTypeName(b.SQL) && a.Unsigned == b.Unsigned && a.Scale == b.Scale && (a.Kind != dataflow.KindDecimal || a.Precision == b.Precision)
}

// baseTypeName is a type's name without its display width or length: INT(11) and INT are
// the same type to a foreign key.
func baseTypeName(sql string) string {
	sql = strings.ToUpper(sql)
	if i := strings.IndexByte(sql, '('); i >= 0 {
		rest := sql[i:]
		sql = sql[:i]
		if j := strings.IndexByte(rest, ')'); j >= 0 {
			sql += rest[j+1:]
		}
	}
	return strings.TrimSpace(sql)
}

// Referencing lists the foreign keys of the catalog's tables that reference table (their
// children, the table itself included when it references itself), each with its child's
// schema.
func Referencing(tables []*TableSchema, table string) []ChildKey {
	var out []ChildKey
	for _, t := range tables {
		for i := range t.ForeignKeys {
			if t.ForeignKeys[i].References(table) {
				out = append(out, ChildKey{Child: t, FK: &t.ForeignKeys[i]})
			}
		}
	}
	return out
}

// ChildKey is a foreign key with the table that holds it.
type ChildKey struct {
	Child *TableSchema
	FK    *ForeignKey
}

// foreignKeysSQL renders a table's foreign keys as SHOW CREATE TABLE writes them (RESTRICT,
// the default, is not written; NO ACTION is).
func foreignKeysSQL(b *strings.Builder, t *TableSchema) {
	for i := range t.ForeignKeys {
		fmt.Fprintf(b, ",\n  CONSTRAINT %s", ForeignKeySQL(t, &t.ForeignKeys[i]))
	}
}

// ForeignKeySQL is a foreign key of t as SHOW CREATE TABLE writes it after CONSTRAINT:
// "`name` FOREIGN KEY (…) REFERENCES `p` (…)" and its actions.
func ForeignKeySQL(t *TableSchema, fk *ForeignKey) string {
	s := quoteName(fk.Name) + " " + fk.Definition(t, false)
	if fk.OnDelete != RefRestrict {
		s += " ON DELETE " + fk.OnDelete.String()
	}
	if fk.OnUpdate != RefRestrict {
		s += " ON UPDATE " + fk.OnUpdate.String()
	}
	return s
}

package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/weirdb/weir/dataflow"
)

// AlterTable changes a base table's definition: ALTER TABLE with any number of column,
// key, rename and option changes, or RENAME TABLE of one table. The engine rebuilds the
// table under Schema, making each new row from the old one as Sources says, and plans the
// caches over it again.
type AlterTable struct {
	// Table is the table's name before the change; Schema.Name is its name after.
	Table  string
	Schema TableSchema
	// Sources has, for each column of Schema, the position in the old table of the column
	// its values come from, or -1 for a new column, which every existing row gets its
	// default for (the implicit default of its type when it is NOT NULL without one, as
	// MySQL fills it; AUTO_INCREMENT numbers the rows).
	Sources []int
	// AutoIncrement, when not zero, is the table option AUTO_INCREMENT = n: the next
	// value the counter gives, unless the table holds a larger one already.
	AutoIncrement uint64
	// RenameOnly says no column or key changed: the rows stay as they are.
	RenameOnly bool
}

// RenameTables is RENAME TABLE a TO b[, c TO d …], applied in order and atomically.
type RenameTables struct {
	Pairs [][2]string
}

func (*AlterTable) statement()     {}
func (*RenameTables) statement()   {}
func (*AlterTable) Verb() string   { return "ALTER TABLE" }
func (*RenameTables) Verb() string { return "RENAME TABLE" }
func (*AlterTable) Params() int    { return 0 }
func (*RenameTables) Params() int  { return 0 }

// MySQL's errors for ALTER TABLE.
const (
	CodeCantDropField  = 1091
	CodeCantRemoveCols = 1090
	CodeTableExists    = 1050
)

func (c *compiler) renameTables(s *ast.RenameTableStmt) (Statement, error) {
	r := &RenameTables{}
	for _, p := range s.TableToTables {
		r.Pairs = append(r.Pairs, [2]string{p.OldTable.Name.O, p.NewTable.Name.O})
	}
	return r, nil
}

// alterState is a table's definition while the specs of an ALTER TABLE apply one by one.
type alterState struct {
	c       *compiler
	table   string
	cols    []ColumnDef
	sources []int
	pk      []string // by column name, so that columns can move and be renamed under it
	autoInc uint64
	changed bool // a column or key changed
	renamed string
}

func (c *compiler) alterTable(s *ast.AlterTableStmt) (Statement, error) {
	old, err := c.table(s.Table)
	if err != nil {
		return nil, err
	}
	if c.readsInfoSchema {
		return nil, &Error{Code: CodeDBAccessDenied, SQLState: "42000",
			Msg: "Access denied for user 'root'@'%' to database 'information_schema'"}
	}
	st := &alterState{c: c, table: old.Name}
	for i, col := range old.Cols {
		st.cols = append(st.cols, col)
		st.sources = append(st.sources, i)
	}
	for _, p := range old.PK {
		st.pk = append(st.pk, old.Cols[p].Name)
	}
	for _, spec := range s.Specs {
		if err := st.apply(spec); err != nil {
			return nil, err
		}
	}
	if len(st.cols) == 0 {
		return nil, newErr(CodeCantRemoveCols, "You can't delete all columns with ALTER TABLE; use DROP TABLE instead")
	}
	name := old.Name
	if st.renamed != "" {
		name = st.renamed
	}
	sc := TableSchema{Name: name, Cols: st.cols}
	for _, n := range st.pk {
		sc.PK = append(sc.PK, sc.Column(n))
	}
	autoCol := -1
	for i := range sc.Cols {
		d := &sc.Cols[i]
		if sc.isPK(i) {
			d.NotNull = true
		}
		d.Type.Nullable = !d.NotNull
		if d.AutoIncrement {
			if autoCol >= 0 {
				return nil, newErr(CodeWrongAutoKey, "Incorrect table definition; there can be only one auto column and it must be defined as a key")
			}
			autoCol = i
		}
	}
	if autoCol >= 0 && (len(sc.PK) == 0 || sc.PK[0] != autoCol) {
		return nil, newErr(CodeWrongAutoKey, "Incorrect table definition; there can be only one auto column and it must be defined as a key")
	}
	return &AlterTable{Table: old.Name, Schema: sc, Sources: st.sources, AutoIncrement: st.autoInc,
		RenameOnly: !st.changed}, nil
}

func (st *alterState) find(name string) int {
	for i, c := range st.cols {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

func (st *alterState) unknownColumn(name string) error {
	return newErr(CodeUnknownColumn, "Unknown column '%s' in '%s'", name, st.table)
}

// insert puts a column at the position a FIRST or AFTER clause asks for (the end without
// one).
func (st *alterState) insert(col ColumnDef, source int, pos *ast.ColumnPosition) error {
	at := len(st.cols)
	if pos != nil {
		switch pos.Tp {
		case ast.ColumnPositionFirst:
			at = 0
		case ast.ColumnPositionAfter:
			i := st.find(pos.RelativeColumn.Name.O)
			if i < 0 {
				return st.unknownColumn(pos.RelativeColumn.Name.O)
			}
			at = i + 1
		}
	}
	st.cols = append(st.cols[:at], append([]ColumnDef{col}, st.cols[at:]...)...)
	st.sources = append(st.sources[:at], append([]int{source}, st.sources[at:]...)...)
	return nil
}

func (st *alterState) remove(i int) {
	st.cols = append(st.cols[:i], st.cols[i+1:]...)
	st.sources = append(st.sources[:i], st.sources[i+1:]...)
}

func (st *alterState) renamePK(from, to string) {
	for i, n := range st.pk {
		if strings.EqualFold(n, from) {
			st.pk[i] = to
		}
	}
}

func (st *alterState) apply(spec *ast.AlterTableSpec) error {
	switch spec.Tp {
	case ast.AlterTableAddColumns:
		if len(spec.NewConstraints) > 0 {
			return unsupported("constraints inside ADD COLUMN (...)")
		}
		for _, cd := range spec.NewColumns {
			if st.find(cd.Name.Name.O) >= 0 {
				if spec.IfNotExists {
					continue
				}
				return newErr(CodeDupFieldName, "Duplicate column name '%s'", cd.Name.Name.O)
			}
			col, pk, err := st.c.columnDefinition(cd)
			if err != nil {
				return err
			}
			if err := st.insert(col, -1, spec.Position); err != nil {
				return err
			}
			if pk {
				if len(st.pk) > 0 {
					return newErr(CodeMultiplePK, "Multiple primary key defined")
				}
				st.pk = []string{col.Name}
			}
		}
		st.changed = true
	case ast.AlterTableDropColumn:
		name := spec.OldColumnName.Name.O
		i := st.find(name)
		if i < 0 {
			if spec.IfExists {
				return nil
			}
			return newErr(CodeCantDropField, "Can't DROP COLUMN `%s`; check that it exists", name)
		}
		st.remove(i)
		// A dropped column leaves the keys it was part of, as in MySQL.
		kept := st.pk[:0]
		for _, n := range st.pk {
			if !strings.EqualFold(n, name) {
				kept = append(kept, n)
			}
		}
		st.pk = kept
		st.changed = true
	case ast.AlterTableModifyColumn, ast.AlterTableChangeColumn:
		cd := spec.NewColumns[0]
		oldName := cd.Name.Name.O
		if spec.Tp == ast.AlterTableChangeColumn {
			oldName = spec.OldColumnName.Name.O
		}
		i := st.find(oldName)
		if i < 0 {
			if spec.IfExists {
				return nil
			}
			return st.unknownColumn(oldName)
		}
		newName := cd.Name.Name.O
		if j := st.find(newName); j >= 0 && j != i {
			return newErr(CodeDupFieldName, "Duplicate column name '%s'", newName)
		}
		col, pk, err := st.c.columnDefinition(cd)
		if err != nil {
			return err
		}
		source := st.sources[i]
		st.renamePK(st.cols[i].Name, col.Name)
		if spec.Position != nil && spec.Position.Tp != ast.ColumnPositionNone {
			st.remove(i)
			if err := st.insert(col, source, spec.Position); err != nil {
				return err
			}
		} else {
			st.cols[i] = col
		}
		if pk {
			if len(st.pk) > 0 && !(len(st.pk) == 1 && strings.EqualFold(st.pk[0], col.Name)) {
				return newErr(CodeMultiplePK, "Multiple primary key defined")
			}
			st.pk = []string{col.Name}
		}
		st.changed = true
	case ast.AlterTableRenameColumn:
		from, to := spec.OldColumnName.Name.O, spec.NewColumnName.Name.O
		i := st.find(from)
		if i < 0 {
			return st.unknownColumn(from)
		}
		if j := st.find(to); j >= 0 && j != i {
			return newErr(CodeDupFieldName, "Duplicate column name '%s'", to)
		}
		st.renamePK(st.cols[i].Name, to)
		st.cols[i].Name = to
		st.changed = true
	case ast.AlterTableAlterColumn:
		cd := spec.NewColumns[0]
		i := st.find(cd.Name.Name.O)
		if i < 0 {
			return st.unknownColumn(cd.Name.Name.O)
		}
		col := st.cols[i]
		switch {
		case len(cd.Options) == 0:
			// ALTER COLUMN c DROP DEFAULT: a NOT NULL column then needs a value in every
			// INSERT; a nullable one defaults to NULL.
			col.Default = nil
			if !col.NotNull {
				null := dataflow.Null
				col.Default = &null
			}
		case cd.Options[0].Expr != nil:
			// ALTER COLUMN c SET DEFAULT v (the parser leaves the option untyped).
			if col.AutoIncrement {
				return newErr(CodeInvalidDefault, "Invalid default value for '%s'", col.Name)
			}
			v, err := st.c.defaultValue(cd.Options[0].Expr, col.Type, col.Name)
			if err != nil {
				return err
			}
			if v.IsNull() && col.NotNull {
				return newErr(CodeInvalidDefault, "Invalid default value for '%s'", col.Name)
			}
			col.Default = &v
		default:
			return unsupported("ALTER COLUMN ... %s", restore(cd.Options[0]))
		}
		st.cols[i] = col
		st.changed = true
	case ast.AlterTableAddConstraint:
		k := spec.Constraint
		switch k.Tp {
		case ast.ConstraintPrimaryKey:
			if len(st.pk) > 0 {
				return newErr(CodeMultiplePK, "Multiple primary key defined")
			}
			sc := TableSchema{Name: st.table, Cols: st.cols}
			cols, err := keyColumns(&sc, k)
			if err != nil {
				return err
			}
			for _, p := range cols {
				st.pk = append(st.pk, st.cols[p].Name)
			}
			st.changed = true
		case ast.ConstraintKey, ast.ConstraintIndex:
			// Accepted as in CREATE TABLE: Weir indexes its state by the queries that
			// read it. The columns must exist.
			sc := TableSchema{Name: st.table, Cols: st.cols}
			if _, err := keyColumns(&sc, k); err != nil {
				return err
			}
		default:
			return unsupported("ALTER TABLE ADD %s", restore(k))
		}
	case ast.AlterTableDropPrimaryKey:
		if len(st.pk) == 0 {
			return newErr(CodeCantDropField, "Can't DROP INDEX `PRIMARY`; check that it exists")
		}
		st.pk = nil
		st.changed = true
	case ast.AlterTableRenameTable:
		st.renamed = spec.NewTable.Name.O
	case ast.AlterTableOption:
		for _, o := range spec.Options {
			switch o.Tp {
			case ast.TableOptionEngine, ast.TableOptionComment, ast.TableOptionRowFormat,
				ast.TableOptionCheckSum, ast.TableOptionDelayKeyWrite, ast.TableOptionPackKeys,
				ast.TableOptionStatsPersistent, ast.TableOptionStatsAutoRecalc:
				// They change how MySQL stores the table, never what a query computes.
			case ast.TableOptionCollate:
				if err := checkCollation(o.StrValue, ""); err != nil {
					return err
				}
			case ast.TableOptionCharset:
				if strings.EqualFold(o.StrValue, "binary") {
					return unsupported("the binary character set: Weir compares strings case-insensitively")
				}
			case ast.TableOptionAutoIncrement:
				st.autoInc = o.UintValue
			default:
				return unsupported("the table option %s", restore(o))
			}
		}
	case ast.AlterTableAlgorithm, ast.AlterTableLock, ast.AlterTableForce:
		// How MySQL carries the change out, not what it changes.
	default:
		return unsupported("ALTER TABLE %s", restore(spec))
	}
	return nil
}

// columnDefinition compiles one column definition as CREATE TABLE would, so that both take
// the same types, options and defaults; pk reports an inline PRIMARY KEY.
func (c *compiler) columnDefinition(cd *ast.ColumnDef) (col ColumnDef, pk bool, err error) {
	text := restore(cd)
	ddl := "CREATE TABLE `weir_alter` (" + text
	for _, o := range cd.Options {
		if o.Tp == ast.ColumnOptionAutoIncrement {
			// The key an AUTO_INCREMENT column needs is checked on the whole table after.
			ddl += ", KEY (" + quoteIdent(cd.Name.Name.O) + ")"
			break
		}
	}
	st, err := Compile(c.cat, ddl+")")
	if err != nil {
		return ColumnDef{}, false, err
	}
	ct := st.(*CreateTable)
	return ct.Schema.Cols[0], len(ct.Schema.PK) == 1, nil
}

// restore renders a parsed node back as SQL, for messages and recompilation.
func restore(n ast.Node) string {
	var b strings.Builder
	if err := n.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags, &b)); err != nil {
		return fmt.Sprintf("%T", n)
	}
	return b.String()
}

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// CreateTableSQL renders a table's definition as a CREATE TABLE statement that compiles
// back to the same schema. The durable store keeps a table as this text after an ALTER
// TABLE, and replays it at start.
func CreateTableSQL(t *TableSchema) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	b.WriteString(quoteIdent(t.Name))
	b.WriteString(" (\n")
	for i, c := range t.Cols {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("  ")
		b.WriteString(quoteIdent(c.Name))
		b.WriteString(" ")
		b.WriteString(c.Type.String())
		if c.NotNull {
			b.WriteString(" NOT NULL")
		}
		if c.AutoIncrement {
			b.WriteString(" AUTO_INCREMENT")
		}
		if c.Default != nil {
			b.WriteString(" DEFAULT ")
			b.WriteString(SQLLiteral(*c.Default))
		}
	}
	if len(t.PK) > 0 {
		b.WriteString(",\n  PRIMARY KEY (")
		for i, p := range t.PK {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(quoteIdent(t.Cols[p].Name))
		}
		b.WriteString(")")
	}
	b.WriteString("\n)")
	return b.String()
}

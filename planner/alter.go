package planner

import (
	"fmt"
	"slices"
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
	CodeFKColumnChange = 1832
	CodeFKColumnNull   = 1830
	CodeCantDropField  = 1091
	CodeCantRemoveCols = 1090
)

func (c *compiler) renameTables(s *ast.RenameTableStmt) (Statement, error) {
	r := &RenameTables{}
	for _, p := range s.TableToTables {
		from, err := c.key(p.OldTable)
		if err != nil {
			return nil, err
		}
		to, err := c.newKey(p.NewTable)
		if err != nil {
			return nil, err
		}
		r.Pairs = append(r.Pairs, [2]string{from, to})
	}
	return r, nil
}

// alterIndex is a secondary index while an ALTER TABLE changes columns under it.
type alterIndex struct {
	ix      Index
	cols    []string
	lengths []int
}

// alterFK is a foreign key while an ALTER TABLE changes columns under it.
type alterFK struct {
	fk   ForeignKey
	cols []string
}

// alterState is a table's definition while the specs of an ALTER TABLE apply one by one.
type alterState struct {
	c       *compiler
	table   string
	cols    []ColumnDef
	sources []int
	pk      []string // by column name, so that columns can move and be renamed under it
	// indexes are the table's secondary indexes with their columns by name, for the same
	// reason; indexChanges are the index ADDs and DROPs of the statement, applied after.
	indexes      []alterIndex
	indexChanges []indexChange
	// fks are the table's foreign keys with their columns by name.
	fks     []alterFK
	comment *string
	autoInc uint64
	renamed string
}

func (c *compiler) alterTable(s *ast.AlterTableStmt) (Statement, error) {
	if changes, ok := indexChanges(s.Specs); ok {
		// Only indexes change: no row needs rebuilding.
		return c.alterIndexes("ALTER TABLE", s.Table, changes)
	}
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
	for _, fk := range old.ForeignKeys {
		af := alterFK{fk: fk}
		for _, col := range fk.Cols {
			af.cols = append(af.cols, old.Cols[col].Name)
		}
		st.fks = append(st.fks, af)
	}
	for _, ix := range old.Indexes {
		ai := alterIndex{ix: ix}
		for j, col := range ix.Cols {
			ai.cols = append(ai.cols, old.Cols[col].Name)
			length := 0
			if ix.Lengths != nil {
				length = ix.Lengths[j]
			}
			ai.lengths = append(ai.lengths, length)
		}
		st.indexes = append(st.indexes, ai)
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
	sc := TableSchema{Name: name, Cols: st.cols, Comment: old.Comment, AutoIncrement: old.AutoIncrement}
	if st.comment != nil {
		sc.Comment = *st.comment
	}
	if st.autoInc > 0 {
		sc.AutoIncrement = st.autoInc
	}
	for _, n := range st.pk {
		sc.PK = append(sc.PK, sc.Column(n))
	}
	autoCols := 0
	for i := range sc.Cols {
		d := &sc.Cols[i]
		if sc.isPK(i) {
			d.NotNull = true
		}
		d.Type.Nullable = !d.NotNull
		if d.AutoIncrement {
			autoCols++
		}
	}
	if autoCols > 1 {
		return nil, newErr(CodeWrongAutoKey, "Incorrect table definition; there can be only one auto column and it must be defined as a key")
	}
	for _, ai := range st.indexes {
		if len(ai.cols) == 0 {
			continue // every column of it was dropped, and it with them
		}
		ix := ai.ix
		ix.Cols, ix.Lengths = nil, nil
		prefixed := false
		for j, n := range ai.cols {
			ix.Cols = append(ix.Cols, sc.Column(n))
			prefixed = prefixed || ai.lengths[j] > 0
		}
		if prefixed {
			ix.Lengths = ai.lengths
		}
		sc.Indexes = append(sc.Indexes, ix)
	}
	for _, af := range st.fks {
		fk := af.fk
		fk.Cols = nil
		for _, n := range af.cols {
			fk.Cols = append(fk.Cols, sc.Column(n))
		}
		if err := st.c.checkKeptForeignKey(&sc, &fk); err != nil {
			return nil, err
		}
		sc.ForeignKeys = append(sc.ForeignKeys, fk)
	}
	if _, err := applyIndexChanges(&sc, st.indexChanges); err != nil {
		return nil, err
	}
	return &AlterTable{Table: old.Name, Schema: sc, Sources: st.sources, AutoIncrement: st.autoInc}, nil
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

// renameInKeys follows a column's rename in the keys that hold it.
func (st *alterState) renameInKeys(from, to string) {
	for i, n := range st.pk {
		if strings.EqualFold(n, from) {
			st.pk[i] = to
		}
	}
	for _, ai := range st.indexes {
		for j, n := range ai.cols {
			if strings.EqualFold(n, from) {
				ai.cols[j] = to
			}
		}
	}
	for _, af := range st.fks {
		for j, n := range af.cols {
			if strings.EqualFold(n, from) {
				af.cols[j] = to
			}
		}
	}
}

// dropFromKeys takes a dropped column out of the keys that hold it, as MySQL does; a key
// left without columns goes.
func (st *alterState) dropFromKeys(name string) {
	kept := st.pk[:0]
	for _, n := range st.pk {
		if !strings.EqualFold(n, name) {
			kept = append(kept, n)
		}
	}
	st.pk = kept
	for i := range st.indexes {
		ai := &st.indexes[i]
		for j := 0; j < len(ai.cols); j++ {
			if strings.EqualFold(ai.cols[j], name) {
				ai.cols = append(ai.cols[:j], ai.cols[j+1:]...)
				ai.lengths = append(ai.lengths[:j], ai.lengths[j+1:]...)
				j--
			}
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
			st.inlineKeys(cd, col.Name)
			if pk {
				if len(st.pk) > 0 {
					return newErr(CodeMultiplePK, "Multiple primary key defined")
				}
				st.pk = []string{col.Name}
			}
		}
	case ast.AlterTableDropColumn:
		name := spec.OldColumnName.Name.O
		i := st.find(name)
		if i < 0 {
			if spec.IfExists {
				return nil
			}
			return newErr(CodeCantDropField, "Can't DROP COLUMN `%s`; check that it exists", name)
		}
		for _, af := range st.fks {
			if slices.ContainsFunc(af.cols, func(n string) bool { return strings.EqualFold(n, name) }) {
				// MariaDB refuses it as dropping the key's index.
				index := af.fk.Name
				for _, ai := range st.indexes {
					if len(ai.cols) > 0 && strings.EqualFold(ai.cols[0], af.cols[0]) {
						index = ai.ix.Name
						break
					}
				}
				return &Error{Code: CodeDropIndexFK, SQLState: "HY000",
					Msg: fmt.Sprintf("Cannot drop index '%s': needed in a foreign key constraint", index)}
			}
		}
		st.remove(i)
		st.dropFromKeys(name)
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
		st.inlineKeys(cd, col.Name)
		source := st.sources[i]
		st.renameInKeys(st.cols[i].Name, col.Name)
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
	case ast.AlterTableRenameColumn:
		from, to := spec.OldColumnName.Name.O, spec.NewColumnName.Name.O
		i := st.find(from)
		if i < 0 {
			return st.unknownColumn(from)
		}
		if j := st.find(to); j >= 0 && j != i {
			return newErr(CodeDupFieldName, "Duplicate column name '%s'", to)
		}
		st.renameInKeys(st.cols[i].Name, to)
		st.cols[i].Name = to
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
		default:
			ch, ok := indexSpec(spec)
			if !ok {
				return unsupported("ALTER TABLE … ADD %s", constraintName(k.Tp))
			}
			st.indexChanges = append(st.indexChanges, *ch)
		}
	case ast.AlterTableDropIndex, ast.AlterTableDisableKeys, ast.AlterTableEnableKeys:
		if spec.Tp == ast.AlterTableDropIndex && strings.EqualFold(spec.Name, "PRIMARY") {
			return st.apply(&ast.AlterTableSpec{Tp: ast.AlterTableDropPrimaryKey})
		}
		if ch, _ := indexSpec(spec); ch != nil {
			st.indexChanges = append(st.indexChanges, *ch)
		}
	case ast.AlterTableDropPrimaryKey:
		if len(st.pk) == 0 {
			return newErr(CodeCantDropField, "Can't DROP INDEX `PRIMARY`; check that it exists")
		}
		st.pk = nil
	case ast.AlterTableRenameTable:
		to, err := st.c.newKey(spec.NewTable)
		if err != nil {
			return err
		}
		st.renamed = to
	case ast.AlterTableOption:
		for _, o := range spec.Options {
			switch o.Tp {
			case ast.TableOptionComment:
				comment := o.StrValue
				st.comment = &comment
			case ast.TableOptionEngine, ast.TableOptionRowFormat,
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
			ddl += ", KEY " + alterAutoKey + " (" + quoteName(cd.Name.Name.O) + ")"
			break
		}
	}
	st, err := CompileIn(c.cat, Database, ddl+")")
	if err != nil {
		return ColumnDef{}, false, err
	}
	ct := st.(*CreateTable)
	return ct.Schema.Cols[0], len(ct.Schema.PK) == 1, nil
}

// alterAutoKey names the key columnDefinition adds for an AUTO_INCREMENT column, which it
// leaves out of the result.
const alterAutoKey = "`weir_alter_auto`"

// inlineKeys records the keys a column definition declares inline (UNIQUE [KEY], KEY),
// which belong to the table.
func (st *alterState) inlineKeys(cd *ast.ColumnDef, name string) {
	part := []*ast.IndexPartSpecification{{Column: &ast.ColumnName{Name: ast.NewCIStr(name)}}}
	for _, o := range cd.Options {
		switch o.Tp {
		case ast.ColumnOptionUniqKey:
			st.indexChanges = append(st.indexChanges, indexChange{kind: IndexUnique, parts: part})
		}
	}
}

// restore renders a parsed node back as SQL, for messages and recompilation.
func restore(n ast.Node) string {
	var b strings.Builder
	if err := n.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags, &b)); err != nil {
		return fmt.Sprintf("%T", n)
	}
	return b.String()
}

// checkKeptForeignKey checks that a foreign key an ALTER TABLE keeps still fits the table as
// the ALTER leaves it: its columns' types compatible with the parent's (the parent is the
// table itself when the key references it), and SET NULL only on nullable columns, as
// MariaDB checks them (1830, 1832).
func (c *compiler) checkKeptForeignKey(sc *TableSchema, fk *ForeignKey) error {
	for _, col := range fk.Cols {
		if (fk.OnDelete == RefSetNull || fk.OnUpdate == RefSetNull) && sc.Cols[col].NotNull {
			return &Error{Code: CodeFKColumnNull, SQLState: "HY000",
				Msg: fmt.Sprintf("Column '%s' cannot be NOT NULL: needed in a foreign key constraint '%s' SET NULL", sc.Cols[col].Name, fk.Name)}
		}
	}
	parent := sc
	if !fk.References(sc.Name) {
		p, ok := c.cat.Table(fk.Parent)
		if !ok {
			return nil // made with foreign_key_checks off: checked when the parent comes
		}
		parent = p
	}
	refs, ok := fk.ParentPositions(parent)
	if !ok {
		return fkIncorrect(sc.Name)
	}
	for i, col := range fk.Cols {
		if !compatibleFKTypes(sc.Cols[col].Type, parent.Cols[refs[i]].Type) {
			return &Error{Code: CodeFKColumnChange, SQLState: "HY000",
				Msg: fmt.Sprintf("Cannot change column '%s': used in a foreign key constraint '%s'", sc.Cols[col].Name, fk.Name)}
		}
	}
	return nil
}

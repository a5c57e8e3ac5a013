package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

func (c *compiler) createTable(s *ast.CreateTableStmt) (Statement, error) {
	switch {
	case s.ReferTable != nil:
		return nil, unsupported("CREATE TABLE ... LIKE")
	case s.Select != nil:
		return nil, unsupported("CREATE TABLE ... SELECT")
	case s.TemporaryKeyword != ast.TemporaryNone:
		return nil, unsupported("temporary tables")
	case s.Partition != nil:
		return nil, unsupported("partitioned tables")
	}
	for _, o := range s.Options {
		switch o.Tp {
		case ast.TableOptionCollate:
			if err := checkCollation(o.StrValue, ""); err != nil {
				return nil, err
			}
		case ast.TableOptionCharset:
			if strings.EqualFold(o.StrValue, "binary") {
				return nil, unsupported("the binary character set: Weir compares strings case-insensitively")
			}
		}
	}
	name, err := c.newKey(s.Table)
	if err != nil {
		return nil, err
	}
	if len(s.Cols) == 0 {
		return nil, newErr(CodeTableMustHaveCols, "A table must have at least 1 column")
	}
	sc := TableSchema{Name: name}
	for _, o := range s.Options {
		switch o.Tp {
		case ast.TableOptionAutoIncrement:
			sc.AutoIncrement = o.UintValue
		case ast.TableOptionComment:
			sc.Comment = o.StrValue
		}
	}
	// Column-level UNIQUE keys come before the table's key clauses, in column order.
	var uniqueCols []int
	pkInline := false
	autoCol := -1
	var explicitNull []bool
	var fks []fkDecl
	for _, cd := range s.Cols {
		col := cd.Name.Name.O
		if sc.Column(col) >= 0 {
			return nil, newErr(CodeDupFieldName, "Duplicate column name '%s'", col)
		}
		t, err := columnType(cd.Tp, col)
		if err != nil {
			return nil, err
		}
		def := ColumnDef{Name: col, Type: t}
		nullSeen := false
		var defaultExpr ast.ExprNode
		hasDefault := false
		for _, o := range cd.Options {
			switch o.Tp {
			case ast.ColumnOptionNotNull:
				// The last of NULL / NOT NULL wins, as in MySQL.
				def.NotNull, nullSeen = true, false
			case ast.ColumnOptionNull:
				def.NotNull, nullSeen = false, true
			case ast.ColumnOptionPrimaryKey:
				if pkInline || len(sc.PK) > 0 {
					return nil, newErr(CodeMultiplePK, "Multiple primary key defined")
				}
				pkInline = true
				sc.PK = []int{len(sc.Cols)}
			case ast.ColumnOptionAutoIncrement:
				if autoCol >= 0 {
					return nil, newErr(CodeWrongAutoKey, "Incorrect table definition; there can be only one auto column and it must be defined as a key")
				}
				if t.Kind != dataflow.KindInt && t.Kind != dataflow.KindUint {
					return nil, newErr(CodeWrongFieldSpec, "Incorrect column specifier for column '%s'", col)
				}
				def.AutoIncrement = true
				autoCol = len(sc.Cols)
			case ast.ColumnOptionDefaultValue:
				defaultExpr, hasDefault = o.Expr, true
			case ast.ColumnOptionUniqKey:
				uniqueCols = append(uniqueCols, len(sc.Cols))
			case ast.ColumnOptionComment, ast.ColumnOptionColumnFormat, ast.ColumnOptionStorage:
				// Storage hints and comments do not change what a query computes.
			case ast.ColumnOptionCollate:
				if cd.Tp.GetType() == mysql.TypeString && isBinaryCollation(o.StrValue) && !t.BinaryString() {
					t = dataflow.BinaryCharType(t.Precision)
					def.Type = t
					break
				}
				if err := checkCollation(o.StrValue, col); err != nil {
					return nil, err
				}
			case ast.ColumnOptionOnUpdate:
				if ok, err := clockDefault(o.Expr); !ok || err != nil || t.Kind != dataflow.KindDatetime {
					return nil, &Error{Code: CodeInvalidOnUpdate, SQLState: "HY000", Msg: "Invalid ON UPDATE clause for '" + col + "' column"}
				}
				def.OnUpdateNow = true
			case ast.ColumnOptionGenerated:
				return nil, unsupported("generated columns (column '%s')", col)
			case ast.ColumnOptionReference:
				// MariaDB makes an inline REFERENCES a foreign key of its own (MySQL
				// ignores it).
				fks = append(fks, fkDecl{parts: []*ast.IndexPartSpecification{{Column: &ast.ColumnName{Name: cd.Name.Name}}}, ref: o.Refer})
			case ast.ColumnOptionCheck:
				return nil, unsupported("CHECK constraints (column '%s')", col)
			case ast.ColumnOptionFulltext:
				return nil, unsupported("FULLTEXT indexes (column '%s')", col)
			case ast.ColumnOptionAutoRandom:
				return nil, unsupported("AUTO_RANDOM (column '%s')", col)
			default:
				return nil, unsupported("this column option (column '%s')", col)
			}
		}
		if hasDefault {
			if def.AutoIncrement {
				return nil, newErr(CodeInvalidDefault, "Invalid default value for '%s'", col)
			}
			if isClock, err := clockDefault(defaultExpr); err != nil {
				return nil, err
			} else if isClock {
				def.DefaultNow = true
			} else {
				v, err := c.defaultValue(defaultExpr, t, col)
				if err != nil {
					return nil, err
				}
				def.Default = &v
			}
		}
		sc.Cols = append(sc.Cols, def)
		explicitNull = append(explicitNull, nullSeen)
	}
	names := &keyNamer{}
	for _, c := range uniqueCols {
		ix, err := indexDef(&sc, names, "", IndexUnique, []*ast.IndexPartSpecification{{Column: &ast.ColumnName{Name: ast.NewCIStr(sc.Cols[c].Name)}}})
		if err != nil {
			return nil, err
		}
		sc.Indexes = append(sc.Indexes, ix)
	}
	for _, k := range s.Constraints {
		if kind, ok := indexKind(k.Tp); ok {
			if err := checkIndexOption(k.Option); err != nil {
				return nil, err
			}
			ix, err := indexDef(&sc, names, k.Name, kind, k.Keys)
			if err != nil {
				return nil, err
			}
			sc.Indexes = append(sc.Indexes, ix)
			continue
		}
		switch k.Tp {
		case ast.ConstraintPrimaryKey:
			if len(sc.PK) > 0 {
				return nil, newErr(CodeMultiplePK, "Multiple primary key defined")
			}
			cols, err := keyColumns(&sc, k)
			if err != nil {
				return nil, err
			}
			sc.PK = cols
		case ast.ConstraintForeignKey:
			fks = append(fks, fkDecl{name: k.Name, parts: k.Keys, ref: k.Refer})
		case ast.ConstraintCheck:
			return nil, unsupported("CHECK constraints")
		default:
			return nil, unsupported("this table constraint")
		}
	}
	for _, p := range sc.PK {
		if explicitNull[p] {
			return nil, newErr(CodePrimaryKeyNull, "All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use UNIQUE instead")
		}
		sc.Cols[p].NotNull = true
	}
	if err := checkAutoKeyed(&sc); err != nil {
		return nil, err
	}
	for i := range sc.Cols {
		d := &sc.Cols[i]
		d.Type.Nullable = !d.NotNull
	}
	// Foreign keys last: InnoDB's implicit index is needed only when no declared key
	// leads with the child columns.
	missing, err := c.foreignKeys(&sc, names, fks)
	if err != nil {
		return nil, err
	}
	sortIndexes(&sc)
	for i := range sc.Cols {
		d := &sc.Cols[i]
		if d.NotNull && d.Default == nil {
			d.Default = implicitDefault(d.Type)
		}
		if d.NotNull && d.Default != nil && d.Default.IsNull() {
			return nil, newErr(CodeInvalidDefault, "Invalid default value for '%s'", d.Name)
		}
	}
	return &CreateTable{Schema: sc, IfNotExists: s.IfNotExists, MissingParents: missing}, nil
}

// keyColumns resolves the columns of a key definition. Prefix lengths and expression parts
// would change what the key identifies, so they are refused.
func keyColumns(sc *TableSchema, k *ast.Constraint) ([]int, error) {
	var cols []int
	for _, part := range k.Keys {
		if part.Expr != nil || part.Column == nil {
			return nil, unsupported("functional key parts")
		}
		if part.Length > 0 {
			return nil, unsupported("key prefix lengths (column '%s')", part.Column.Name.O)
		}
		i := sc.Column(part.Column.Name.O)
		if i < 0 {
			return nil, newErr(CodeKeyColumnMissing, "Key column '%s' doesn't exist in table", part.Column.Name.O)
		}
		for _, seen := range cols {
			if seen == i {
				return nil, newErr(CodeDupFieldName, "Duplicate column name '%s'", part.Column.Name.O)
			}
		}
		cols = append(cols, i)
	}
	return cols, nil
}

// defaultValue evaluates a DEFAULT clause: a constant converted strictly to the column type,
// as MySQL validates defaults at CREATE time.
func (c *compiler) defaultValue(n ast.ExprNode, t dataflow.Type, col string) (dataflow.Value, error) {
	if fc, ok := n.(*ast.FuncCallExpr); ok && nondeterministic[fc.FnName.L] {
		return dataflow.Null, unsupported("DEFAULT %s (column '%s'): Weir defaults are constants", strings.ToUpper(fc.FnName.O), col)
	}
	v := &exprConv{c: c, clause: "field list"}
	e, err := v.conv(n)
	if err != nil {
		return dataflow.Null, err
	}
	if !expr.IsConst(e) {
		return dataflow.Null, unsupported("a non-constant DEFAULT (column '%s')", col)
	}
	val := e.Eval(nil)
	if val.IsNull() {
		return val, nil
	}
	out, cerr := expr.Convert(val, t, true)
	if cerr != nil {
		return dataflow.Null, &Error{Code: CodeInvalidDefault, SQLState: "42000",
			Msg: "Invalid default value for '" + col + "'", Err: cerr}
	}
	return out, nil
}

func (c *compiler) dropTable(s *ast.DropTableStmt) (Statement, error) {
	if s.TemporaryKeyword != ast.TemporaryNone {
		return nil, unsupported("temporary tables")
	}
	d := &DropTable{IfExists: s.IfExists}
	for _, t := range s.Tables {
		key, err := c.key(t)
		if err != nil {
			return nil, err
		}
		d.Names = append(d.Names, key)
	}
	return d, nil
}

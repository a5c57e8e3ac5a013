package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
)

// InfoSchema is the name of the database of catalog views that ORMs, migration tools and
// administration tools read: information_schema.
const InfoSchema = "information_schema"

// infoSchemaPrefix qualifies the names under which information_schema's tables reach a
// Catalog and a plan's Scan: "information_schema.columns" can never clash with a table of
// the user's, whose names hold no dot.
const infoSchemaPrefix = InfoSchema + "."

// IsInfoSchemaTable reports whether a Scan's table name is one of information_schema's.
func IsInfoSchemaTable(name string) bool { return strings.HasPrefix(name, infoSchemaPrefix) }

// InfoSchemaTable returns the schema of information_schema's table called name
// (case-insensitive), as MariaDB 10.11 defines its columns, under its qualified name.
func InfoSchemaTable(name string) (*TableSchema, bool) {
	t, ok := infoSchemaTables[strings.ToLower(name)]
	return t, ok
}

// dualTable is the one-row, no-column table a SELECT without FROM reads. It is evaluated as
// information_schema's tables are (each run, never cached); no query can name it (it is not
// among InfoSchemaTable's).
var dualTable = &TableSchema{Name: infoSchemaPrefix + "dual"}

// dual plans a SELECT without FROM over dualTable, in any block: a statement that has one is
// evaluated when it runs, and refused if it reads tables too (it would be cached with them).
func (b *block) dual(sel *ast.SelectStmt) (fromNode, error) {
	for _, f := range sel.Fields.Fields {
		if f.WildCard != nil {
			return nil, newErr(CodeNoTablesUsed, "No tables used")
		}
	}
	b.c.readsInfoSchema, b.c.readsDual = true, true
	ti := b.sc.addTable("", nil, dualTable)
	return &fromLeaf{plan: &Scan{Table: dualTable.Name}, first: b.sc.tables[ti].first, table: ti}, nil
}

// InfoSchemaTableNames lists information_schema's tables, upper-cased and sorted, as SHOW
// TABLES names them.
func InfoSchemaTableNames() []string {
	names := make([]string, 0, len(infoSchemaTables))
	for n := range infoSchemaTables {
		names = append(names, strings.ToUpper(n))
	}
	slices.Sort(names)
	return names
}

func isCol(name string, n int) ColumnDef {
	return ColumnDef{Name: name, Type: dataflow.Type{Kind: dataflow.KindString, Precision: n, SQL: fmt.Sprintf("VARCHAR(%d)", n), Nullable: true}}
}

func isNum(name string) ColumnDef {
	return ColumnDef{Name: name, Type: dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, Precision: 21, SQL: "BIGINT(21) UNSIGNED", Nullable: true}}
}

func isText(name string) ColumnDef {
	return ColumnDef{Name: name, Type: dataflow.Type{Kind: dataflow.KindString, Precision: 4294967295, SQL: "LONGTEXT", Nullable: true}}
}

func isTime(name string) ColumnDef {
	return ColumnDef{Name: name, Type: dataflow.Type{Kind: dataflow.KindDatetime, SQL: "DATETIME", Nullable: true}}
}

var infoSchemaTables = func() map[string]*TableSchema {
	m := map[string]*TableSchema{}
	add := func(name string, cols ...ColumnDef) {
		m[name] = &TableSchema{Name: infoSchemaPrefix + name, Cols: cols}
	}
	add("schemata", isCol("CATALOG_NAME", 512), isCol("SCHEMA_NAME", 64),
		isCol("DEFAULT_CHARACTER_SET_NAME", 32), isCol("DEFAULT_COLLATION_NAME", 64),
		isCol("SQL_PATH", 512), isCol("SCHEMA_COMMENT", 1024))
	add("tables", isCol("TABLE_CATALOG", 512), isCol("TABLE_SCHEMA", 64), isCol("TABLE_NAME", 64),
		isCol("TABLE_TYPE", 64), isCol("ENGINE", 64), isNum("VERSION"), isCol("ROW_FORMAT", 10),
		isNum("TABLE_ROWS"), isNum("AVG_ROW_LENGTH"), isNum("DATA_LENGTH"), isNum("MAX_DATA_LENGTH"),
		isNum("INDEX_LENGTH"), isNum("DATA_FREE"), isNum("AUTO_INCREMENT"), isTime("CREATE_TIME"),
		isTime("UPDATE_TIME"), isTime("CHECK_TIME"), isCol("TABLE_COLLATION", 64), isNum("CHECKSUM"),
		isCol("CREATE_OPTIONS", 2048), isCol("TABLE_COMMENT", 2048))
	add("columns", isCol("TABLE_CATALOG", 512), isCol("TABLE_SCHEMA", 64), isCol("TABLE_NAME", 64),
		isCol("COLUMN_NAME", 64), isNum("ORDINAL_POSITION"), isText("COLUMN_DEFAULT"),
		isCol("IS_NULLABLE", 3), isCol("DATA_TYPE", 64), isNum("CHARACTER_MAXIMUM_LENGTH"),
		isNum("CHARACTER_OCTET_LENGTH"), isNum("NUMERIC_PRECISION"), isNum("NUMERIC_SCALE"),
		isNum("DATETIME_PRECISION"), isCol("CHARACTER_SET_NAME", 32), isCol("COLLATION_NAME", 64),
		isText("COLUMN_TYPE"), isCol("COLUMN_KEY", 3), isCol("EXTRA", 80), isCol("PRIVILEGES", 80),
		isCol("COLUMN_COMMENT", 1024), isCol("IS_GENERATED", 6), isText("GENERATION_EXPRESSION"))
	add("statistics", isCol("TABLE_CATALOG", 512), isCol("TABLE_SCHEMA", 64), isCol("TABLE_NAME", 64),
		isNum("NON_UNIQUE"), isCol("INDEX_SCHEMA", 64), isCol("INDEX_NAME", 64), isNum("SEQ_IN_INDEX"),
		isCol("COLUMN_NAME", 64), isCol("COLLATION", 1), isNum("CARDINALITY"), isNum("SUB_PART"),
		isCol("PACKED", 10), isCol("NULLABLE", 3), isCol("INDEX_TYPE", 16), isCol("COMMENT", 16),
		isCol("INDEX_COMMENT", 1024), isCol("IGNORED", 3))
	add("table_constraints", isCol("CONSTRAINT_CATALOG", 512), isCol("CONSTRAINT_SCHEMA", 64),
		isCol("CONSTRAINT_NAME", 64), isCol("TABLE_SCHEMA", 64), isCol("TABLE_NAME", 64),
		isCol("CONSTRAINT_TYPE", 64))
	add("key_column_usage", isCol("CONSTRAINT_CATALOG", 512), isCol("CONSTRAINT_SCHEMA", 64),
		isCol("CONSTRAINT_NAME", 64), isCol("TABLE_CATALOG", 512), isCol("TABLE_SCHEMA", 64),
		isCol("TABLE_NAME", 64), isCol("COLUMN_NAME", 64), isNum("ORDINAL_POSITION"),
		isNum("POSITION_IN_UNIQUE_CONSTRAINT"), isCol("REFERENCED_TABLE_SCHEMA", 64),
		isCol("REFERENCED_TABLE_NAME", 64), isCol("REFERENCED_COLUMN_NAME", 64))
	add("referential_constraints", isCol("CONSTRAINT_CATALOG", 512), isCol("CONSTRAINT_SCHEMA", 64),
		isCol("CONSTRAINT_NAME", 64), isCol("UNIQUE_CONSTRAINT_CATALOG", 512),
		isCol("UNIQUE_CONSTRAINT_SCHEMA", 64), isCol("UNIQUE_CONSTRAINT_NAME", 64),
		isCol("MATCH_OPTION", 64), isCol("UPDATE_RULE", 64), isCol("DELETE_RULE", 64),
		isCol("TABLE_NAME", 64), isCol("REFERENCED_TABLE_NAME", 64))
	add("views", isCol("TABLE_CATALOG", 512), isCol("TABLE_SCHEMA", 64), isCol("TABLE_NAME", 64),
		isText("VIEW_DEFINITION"), isCol("CHECK_OPTION", 8), isCol("IS_UPDATABLE", 3),
		isCol("DEFINER", 384), isCol("SECURITY_TYPE", 7), isCol("CHARACTER_SET_CLIENT", 32),
		isCol("COLLATION_CONNECTION", 64), isCol("ALGORITHM", 10))
	return m
}()

// InfoSchemaSource is what information_schema's rows are made from: the databases and, in
// each, the tables and views with their definitions.
type InfoSchemaSource struct {
	// Databases lists the user's databases, in order.
	Databases []string
	// Tables lists every base table with the database it belongs to.
	Tables []InfoSchemaTableEntry
	// Views lists every view with its database and its SELECT's text.
	Views []InfoSchemaView
}

// InfoSchemaTableEntry is one base table of an InfoSchemaSource.
type InfoSchemaTableEntry struct {
	Database string
	Schema   *TableSchema
	// NextAutoIncrement is the value the next AUTO_INCREMENT row would take; 0 when the
	// table has no AUTO_INCREMENT column.
	NextAutoIncrement uint64
}

// InfoSchemaView is one view of an InfoSchemaSource.
type InfoSchemaView struct {
	Database, Name, Definition string
	// Cols are the view's columns as a query over it sees them; nil when it no longer
	// plans.
	Cols []dataflow.Column
}

// InfoSchemaRows returns the rows of information_schema's table name (qualified, as
// IsInfoSchemaTable accepts it) made from src. Each row has the columns InfoSchemaTable
// gives the table.
func InfoSchemaRows(name string, src *InfoSchemaSource) []dataflow.Row {
	name = strings.TrimPrefix(strings.ToLower(name), infoSchemaPrefix)
	var rows []dataflow.Row
	add := func(vals ...any) {
		r := make(dataflow.Row, len(vals))
		for i, v := range vals {
			r[i] = infoValue(v)
		}
		rows = append(rows, r)
	}
	const catalog = "def"
	switch name {
	case strings.TrimPrefix(dualTable.Name, infoSchemaPrefix):
		add()
	case "schemata":
		for _, db := range append([]string{InfoSchema}, src.Databases...) {
			add(catalog, db, "utf8mb4", "utf8mb4_general_ci", nil, "")
		}
	case "tables":
		for _, t := range src.Tables {
			var next any
			if t.NextAutoIncrement > 0 {
				next = t.NextAutoIncrement
			}
			add(catalog, t.Database, KeyName(t.Schema.Name), "BASE TABLE", "Weir", uint64(10), "Dynamic",
				nil, nil, nil, nil, nil, nil, next, nil, nil, nil, "utf8mb4_general_ci", nil, "", "")
		}
		for _, v := range src.Views {
			add(catalog, v.Database, KeyName(v.Name), "VIEW", nil, nil, nil, nil, nil, nil, nil, nil, nil,
				nil, nil, nil, nil, nil, nil, nil, "VIEW")
		}
		for _, n := range sortedInfoSchemaNames() {
			add(catalog, InfoSchema, strings.ToUpper(n), "SYSTEM VIEW", "MEMORY", uint64(11), "Fixed",
				nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "utf8mb3_general_ci", nil, "", "")
		}
	case "columns":
		for _, t := range src.Tables {
			for i, c := range t.Schema.Cols {
				d := describeColumn(c)
				key := t.Schema.columnKey(i)
				var def any
				if c.Default != nil {
					if c.Default.IsNull() {
						def = "NULL"
					} else {
						def = quoteDefault(*c.Default)
					}
				} else if !c.NotNull {
					def = "NULL"
				}
				extra := ""
				if c.AutoIncrement {
					extra = "auto_increment"
				}
				nullable := "YES"
				if c.NotNull {
					nullable = "NO"
				}
				add(catalog, t.Database, KeyName(t.Schema.Name), c.Name, uint64(i+1), def, nullable, d.dataType,
					d.charMax, d.octetMax, d.numPrecision, d.numScale, d.timePrecision, d.charset,
					d.collation, d.columnType, key, extra, "select,insert,update,references", "",
					"NEVER", nil)
			}
		}
		for _, v := range src.Views {
			for i, col := range v.Cols {
				c := ColumnDef{Name: col.Name, Type: col.Type, NotNull: !col.Type.Nullable}
				d := describeColumn(c)
				nullable := "YES"
				if c.NotNull {
					nullable = "NO"
				}
				add(catalog, v.Database, KeyName(v.Name), c.Name, uint64(i+1), nil, nullable, d.dataType,
					d.charMax, d.octetMax, d.numPrecision, d.numScale, d.timePrecision, d.charset,
					d.collation, d.columnType, "", "", "select,insert,update,references", "",
					"NEVER", nil)
			}
		}
	case "statistics":
		for _, t := range src.Tables {
			for _, ix := range t.Schema.infoIndexes() {
				nonUnique := uint64(1)
				if ix.unique {
					nonUnique = 0
				}
				for seq, col := range ix.cols {
					nullable := "YES"
					if t.Schema.Cols[col].NotNull {
						nullable = ""
					}
					var subPart any
					if ix.lengths != nil && ix.lengths[seq] > 0 {
						subPart = uint64(ix.lengths[seq])
					}
					indexType, collation := "BTREE", any("A")
					if ix.kind == IndexFulltext {
						indexType, collation = "FULLTEXT", nil
					}
					add(catalog, t.Database, KeyName(t.Schema.Name), nonUnique, t.Database, ix.name, uint64(seq+1),
						t.Schema.Cols[col].Name, collation, nil, subPart, nil, nullable, indexType, "", "", "NO")
				}
			}
		}
	case "table_constraints":
		for _, t := range src.Tables {
			for _, ix := range t.Schema.infoIndexes() {
				if !ix.unique {
					continue
				}
				kind := "UNIQUE"
				if ix.name == "PRIMARY" {
					kind = "PRIMARY KEY"
				}
				add(catalog, t.Database, ix.name, t.Database, KeyName(t.Schema.Name), kind)
			}
			for _, fk := range t.Schema.ForeignKeys {
				add(catalog, t.Database, fk.Name, t.Database, KeyName(t.Schema.Name), "FOREIGN KEY")
			}
		}
	case "key_column_usage":
		for _, t := range src.Tables {
			for _, ix := range t.Schema.infoIndexes() {
				if !ix.unique {
					continue
				}
				for seq, col := range ix.cols {
					add(catalog, t.Database, ix.name, catalog, t.Database, KeyName(t.Schema.Name),
						t.Schema.Cols[col].Name, uint64(seq+1), nil, nil, nil, nil)
				}
			}
			for _, fk := range t.Schema.ForeignKeys {
				for seq, col := range fk.Cols {
					add(catalog, t.Database, fk.Name, catalog, t.Database, KeyName(t.Schema.Name),
						t.Schema.Cols[col].Name, uint64(seq+1), uint64(seq+1), t.Database, KeyName(fk.Parent), fk.ParentCols[seq])
				}
			}
		}
	case "referential_constraints":
		for _, t := range src.Tables {
			for _, fk := range t.Schema.ForeignKeys {
				// The parent's key the constraint uses: its primary key, or the first
				// index its columns lead (NULL while the parent does not exist).
				var unique any
				for _, p := range src.Tables {
					if p.Database == t.Database && strings.EqualFold(p.Schema.Name, fk.Parent) {
						if refs, ok := fk.ParentPositions(p.Schema); ok {
							unique = referencedIndex(p.Schema, refs)
						}
					}
				}
				add(catalog, t.Database, fk.Name, catalog, t.Database, unique, "NONE",
					ruleText(fk.OnUpdate), ruleText(fk.OnDelete), KeyName(t.Schema.Name), KeyName(fk.Parent))
			}
		}
	case "views":
		for _, v := range src.Views {
			add(catalog, v.Database, KeyName(v.Name), v.Definition, "NONE", "NO", "root@%", "DEFINER",
				"utf8mb4", "utf8mb4_general_ci", "UNDEFINED")
		}
	}
	return rows
}

func sortedInfoSchemaNames() []string {
	names := make([]string, 0, len(infoSchemaTables))
	for n := range infoSchemaTables {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func infoValue(v any) dataflow.Value {
	switch v := v.(type) {
	case nil:
		return dataflow.Null
	case string:
		return dataflow.String(v)
	case uint64:
		return dataflow.Uint(v)
	}
	return dataflow.String(fmt.Sprint(v))
}

func (t *TableSchema) isPK(col int) bool { return slices.Contains(t.PK, col) }

// infoIndex is an index as information_schema lists it.
type infoIndex struct {
	name    string
	cols    []int
	unique  bool
	kind    IndexKind
	lengths []int
}

// infoIndexes lists the table's indexes: the primary key, named PRIMARY, first.
func (t *TableSchema) infoIndexes() []infoIndex {
	var out []infoIndex
	if len(t.PK) > 0 {
		out = append(out, infoIndex{name: "PRIMARY", cols: t.PK, unique: true})
	}
	for _, ix := range t.Indexes {
		out = append(out, infoIndex{name: ix.Name, cols: ix.Cols, unique: ix.Unique(), kind: ix.Kind, lengths: ix.Lengths})
	}
	return out
}

// columnKey is COLUMNS.COLUMN_KEY as MySQL derives it: PRI for a primary-key column, UNI
// for the first column of a unique key of one column... of any unique key whose first
// column it is, MUL for the first column of another key, else empty.
func (t *TableSchema) columnKey(col int) string {
	if t.isPK(col) {
		return "PRI"
	}
	key := ""
	for _, ix := range t.Indexes {
		if len(ix.Cols) == 0 || ix.Cols[0] != col {
			continue
		}
		if ix.Unique() && len(ix.Cols) == 1 {
			return "UNI"
		}
		key = "MUL"
	}
	return key
}

// quoteDefault renders a column default as MariaDB's COLUMN_DEFAULT does: strings and
// temporal values quoted, numbers bare.
func quoteDefault(v dataflow.Value) string {
	switch v.Kind() {
	case dataflow.KindString, dataflow.KindDate, dataflow.KindDatetime:
		return "'" + strings.ReplaceAll(v.ToText(), "'", "''") + "'"
	}
	return v.ToText()
}

// columnDescription is a column's type as information_schema.COLUMNS describes it.
type columnDescription struct {
	dataType, columnType                                     string
	charMax, octetMax, numPrecision, numScale, timePrecision any
	charset, collation                                       any
}

// describeColumn derives COLUMNS' type columns from a column's type, spelled as MariaDB
// spells them (COLUMN_TYPE keeps integer display widths: int(11), bigint(20) unsigned).
func describeColumn(c ColumnDef) columnDescription {
	t := c.Type
	sqlText := TypeText(t)
	if t.SQL == "" {
		sqlText = strings.ToLower(t.String())
	}
	base := strings.ToLower(sqlText)
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	d := columnDescription{dataType: base, columnType: sqlText}
	switch {
	case base == "year":
		d.columnType = "year(4)"
		return d
	case base == "bit":
		d.numPrecision = uint64(t.Precision)
		return d
	case t.Kind == dataflow.KindString && t.BinaryString():
		d.charMax, d.octetMax = uint64(t.Precision), uint64(t.Precision)
		return d
	case t.Kind == dataflow.KindTime:
		d.timePrecision = uint64(t.Scale)
		return d
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		if !strings.Contains(sqlText, "(") && t.Precision > 0 {
			d.columnType = fmt.Sprintf("%s(%d)", base, t.Precision)
			if t.Unsigned {
				d.columnType += " unsigned"
			}
		}
		digits := map[string]uint64{"tinyint": 3, "smallint": 5, "mediumint": 7, "int": 10, "bigint": 19}[base]
		if t.Unsigned && base == "bigint" {
			digits = 20
		}
		d.numPrecision, d.numScale = digits, uint64(0)
	case dataflow.KindDecimal:
		d.numPrecision, d.numScale = uint64(t.Precision), uint64(t.Scale)
	case dataflow.KindFloat:
		if base == "float" {
			d.numPrecision = uint64(12)
		} else {
			d.numPrecision = uint64(22)
		}
	case dataflow.KindString:
		d.charMax = uint64(t.Precision)
		d.octetMax = uint64(t.Precision) * 4 // utf8mb4: up to four bytes a character
		switch base {
		case "varchar", "char", "enum", "set":
		default:
			d.octetMax = uint64(t.Precision) // the TEXT sizes are limits in bytes
		}
		d.charset, d.collation = "utf8mb4", "utf8mb4_general_ci"
	case dataflow.KindDate:
	case dataflow.KindDatetime:
		d.timePrecision = uint64(t.Scale)
	}
	return d
}

// ruleText is an action as REFERENTIAL_CONSTRAINTS spells it.
func ruleText(a RefAction) string { return a.String() }

// referencedIndex names the parent's key a foreign key over refs uses, as InnoDB picks it:
// the primary key when refs lead it, else the first index they lead; nil for none.
func referencedIndex(parent *TableSchema, refs []int) any {
	if leadsIndex(&TableSchema{Cols: parent.Cols, PK: parent.PK}, refs) {
		return "PRIMARY"
	}
	for _, ix := range parent.Indexes {
		if leadsIndex(&TableSchema{Cols: parent.Cols, Indexes: []Index{ix}}, refs) {
			return ix.Name
		}
	}
	return nil
}

package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
)

// MySQL error numbers of key definitions.
const (
	CodeDupEntry       = 1062
	CodeDupKeyName     = 1061
	CodeWrongPrefixKey = 1089
	CodeCantDropKey    = 1091
	CodeWrongNameIndex = 1280
	CodeBadFulltextCol = 1283
	CodeDropIndexFK    = 1553
)

// IndexKind says what a secondary index is.
type IndexKind uint8

// The kinds of secondary index.
const (
	// IndexPlain is KEY / INDEX: a lookup structure, with no effect on what a query computes.
	IndexPlain IndexKind = iota
	// IndexUnique is UNIQUE: no two rows may hold equal non-NULL values in its columns.
	IndexUnique
	// IndexFulltext is FULLTEXT: kept in the schema for dumps and tools; Weir does not
	// search text (MATCH … AGAINST is refused).
	IndexFulltext
)

// Index is a table's secondary index (the primary key is TableSchema.PK).
type Index struct {
	Name string
	Cols []int
	// Lengths holds each column's prefix length (0: the whole value), or nil when no column
	// has one. Only plain and full-text indexes take prefixes: a prefix would change what a
	// unique key identifies.
	Lengths []int
	Kind    IndexKind
}

// Unique reports whether the index forbids duplicate values.
func (ix *Index) Unique() bool { return ix.Kind == IndexUnique }

// Index returns the position in t.Indexes of the index named name (case-insensitive, as
// MySQL compares key names), or -1.
func (t *TableSchema) Index(name string) int {
	for i := range t.Indexes {
		if strings.EqualFold(t.Indexes[i].Name, name) {
			return i
		}
	}
	return -1
}

// indexRank orders the keys of a table as MySQL does (sort_keys): unique keys over NOT NULL
// columns first, then the other unique keys, then plain keys, full-text keys last. That order
// is the order in which a write finds its conflicts, and the one SHOW CREATE TABLE lists.
func indexRank(t *TableSchema, ix *Index) int {
	switch ix.Kind {
	case IndexUnique:
		for _, c := range ix.Cols {
			if !t.Cols[c].NotNull {
				return 1
			}
		}
		return 0
	case IndexFulltext:
		return 3
	}
	return 2
}

// sortIndexes puts t.Indexes in MySQL's order, keeping declaration order among equals.
func sortIndexes(t *TableSchema) {
	slices.SortStableFunc(t.Indexes, func(a, b Index) int { return indexRank(t, &a) - indexRank(t, &b) })
}

// keyNamer gives a table's keys their names as MySQL does: an explicit name must be new, and
// a key without one is named after its first column, then name_2, name_3… until the name is
// free. PRIMARY belongs to the primary key.
type keyNamer struct{ taken []string }

func (n *keyNamer) has(name string) bool {
	return strings.EqualFold(name, "PRIMARY") || slices.ContainsFunc(n.taken, func(s string) bool { return strings.EqualFold(s, name) })
}

func (n *keyNamer) name(explicit, firstCol string) (string, error) {
	if explicit != "" {
		if strings.EqualFold(explicit, "PRIMARY") {
			return "", newErr(CodeWrongNameIndex, "Incorrect index name '%s'", explicit)
		}
		if n.has(explicit) {
			return "", newErr(CodeDupKeyName, "Duplicate key name '%s'", explicit)
		}
		n.taken = append(n.taken, explicit)
		return explicit, nil
	}
	name := firstCol
	for i := 2; n.has(name); i++ {
		name = fmt.Sprintf("%s_%d", firstCol, i)
	}
	n.taken = append(n.taken, name)
	return name, nil
}

// indexKind maps a key constraint to its kind; ok is false for constraints that are not
// secondary indexes.
func indexKind(tp ast.ConstraintType) (IndexKind, bool) {
	switch tp {
	case ast.ConstraintKey, ast.ConstraintIndex:
		return IndexPlain, true
	case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
		return IndexUnique, true
	case ast.ConstraintFulltext:
		return IndexFulltext, true
	}
	return 0, false
}

// indexDef resolves a secondary index's columns against a schema and names it.
func indexDef(sc *TableSchema, names *keyNamer, explicit string, kind IndexKind, parts []*ast.IndexPartSpecification) (Index, error) {
	ix := Index{Kind: kind}
	for _, part := range parts {
		if part.Expr != nil || part.Column == nil {
			return Index{}, unsupported("functional key parts")
		}
		col := part.Column.Name.O
		i := sc.Column(col)
		if i < 0 {
			return Index{}, newErr(CodeKeyColumnMissing, "Key column '%s' doesn't exist in table", col)
		}
		if slices.Contains(ix.Cols, i) {
			return Index{}, newErr(CodeDupFieldName, "Duplicate column name '%s'", col)
		}
		t := sc.Cols[i].Type
		if kind == IndexFulltext && t.Kind != dataflow.KindString {
			return Index{}, &Error{Code: CodeBadFulltextCol, SQLState: "HY000", Msg: fmt.Sprintf("Column '%s' cannot be part of FULLTEXT index", col)}
		}
		if part.Length > 0 {
			if kind == IndexUnique {
				return Index{}, unsupported("prefix lengths in UNIQUE keys (column '%s'): the key would identify rows by part of the value", col)
			}
			if t.Kind != dataflow.KindString || (strings.HasPrefix(t.SQL, "VARCHAR") || strings.HasPrefix(t.SQL, "CHAR")) && part.Length > t.Precision {
				return Index{}, &Error{Code: CodeWrongPrefixKey, SQLState: "HY000", Msg: "Incorrect prefix key; the used key part isn't a string, the used length is longer than the key part, or the storage engine doesn't support unique prefix keys"}
			}
			if ix.Lengths == nil {
				ix.Lengths = make([]int, len(ix.Cols), len(parts))
			}
		}
		ix.Cols = append(ix.Cols, i)
		if ix.Lengths != nil {
			ix.Lengths = append(ix.Lengths, part.Length)
		}
	}
	if len(ix.Cols) == 0 {
		return Index{}, newErr(CodeParse, "You have an error in your SQL syntax: a key needs at least one column")
	}
	name, err := names.name(explicit, sc.Cols[ix.Cols[0]].Name)
	if err != nil {
		return Index{}, err
	}
	ix.Name = name
	return ix, nil
}

// AlterIndexes adds and drops a table's secondary indexes: CREATE [UNIQUE|FULLTEXT] INDEX,
// DROP INDEX, and ALTER TABLE … ADD INDEX/KEY/UNIQUE/FULLTEXT and DROP INDEX/KEY.
type AlterIndexes struct {
	Table string
	// From is the schema the statement was planned against; the engine plans again if the
	// table has changed since.
	From *TableSchema
	// Schema is the table's schema after the change, its indexes in MySQL's order.
	Schema TableSchema
	// Added names the unique indexes added, which the table's rows must satisfy.
	Added []string
	// AddedForeignKeys names the foreign keys added (ALTER TABLE … ADD FOREIGN KEY), which
	// the table's rows must satisfy (error 1452) while foreign key checks are on.
	AddedForeignKeys []string
	// MissingParents names the tables added foreign keys reference that do not exist (see
	// CreateTable.MissingParents).
	MissingParents []string
	// Noop says the statement changes nothing (ALTER TABLE … DISABLE KEYS, as dumps write
	// around their INSERTs; DROP INDEX IF EXISTS of a missing index).
	Noop bool
	// Verb is the statement's name for messages.
	verb string
}

func (*AlterIndexes) statement()     {}
func (s *AlterIndexes) Verb() string { return s.verb }
func (*AlterIndexes) Params() int    { return 0 }

// indexChange is one ADD or DROP of an AlterIndexes.
type indexChange struct {
	drop     string // the name of the index to drop; "" for an ADD
	ifExists bool   // DROP INDEX IF EXISTS / CREATE INDEX IF NOT EXISTS
	name     string
	kind     IndexKind
	parts    []*ast.IndexPartSpecification
	opt      *ast.IndexOption
	// fk is an ADD FOREIGN KEY; dropFK the name of the foreign key a DROP FOREIGN KEY drops.
	fk     *fkDecl
	dropFK string
}

// alterIndexes plans index changes of table: drops first, then additions in order, as MySQL
// applies an ALTER TABLE.
func (c *compiler) alterIndexes(verb string, table *ast.TableName, changes []indexChange) (Statement, error) {
	key, err := c.key(table)
	if err != nil {
		return nil, err
	}
	from, ok := c.cat.Table(key)
	if !ok {
		return nil, newErr(CodeUnknownTable, "Table '%s' doesn't exist", DisplayName(key))
	}
	sc := *from
	sc.Indexes = slices.Clone(from.Indexes)
	out := &AlterIndexes{Table: from.Name, From: from, verb: verb}
	// Foreign keys first dropped, then the indexes changed, then the keys added (which may
	// use the new indexes or add their own).
	sc.ForeignKeys = slices.Clone(from.ForeignKeys)
	var fks []fkDecl
	var plain []indexChange
	for _, ch := range changes {
		switch {
		case ch.dropFK != "":
			i := slices.IndexFunc(sc.ForeignKeys, func(fk ForeignKey) bool { return strings.EqualFold(fk.Name, ch.dropFK) })
			if i < 0 {
				return nil, newErr(CodeCantDropKey, "Can't DROP FOREIGN KEY `%s`; check that it exists", ch.dropFK)
			}
			sc.ForeignKeys = slices.Delete(sc.ForeignKeys, i, i+1)
		case ch.fk != nil:
			fks = append(fks, *ch.fk)
		default:
			plain = append(plain, ch)
		}
	}
	added, err := applyIndexChanges(&sc, plain)
	if err != nil {
		return nil, err
	}
	if len(fks) > 0 {
		names := &keyNamer{}
		for _, ix := range sc.Indexes {
			names.taken = append(names.taken, ix.Name)
		}
		before := len(sc.ForeignKeys)
		if out.MissingParents, err = c.foreignKeys(&sc, names, fks); err != nil {
			return nil, err
		}
		for _, fk := range sc.ForeignKeys[before:] {
			out.AddedForeignKeys = append(out.AddedForeignKeys, fk.Name)
		}
		sortIndexes(&sc)
	}
	out.Added = added
	out.Schema = sc
	out.Noop = slices.EqualFunc(sc.Indexes, from.Indexes, func(a, b Index) bool {
		return a.Name == b.Name && a.Kind == b.Kind && slices.Equal(a.Cols, b.Cols) && slices.Equal(a.Lengths, b.Lengths)
	}) && len(sc.ForeignKeys) == len(from.ForeignKeys) && len(fks) == 0
	return out, nil
}

// applyIndexChanges drops and adds sc's secondary indexes (drops first, then additions in
// order, as MySQL applies an ALTER TABLE), checks that the AUTO_INCREMENT column still leads
// a key, and puts the indexes in MySQL's order. It returns the names of the unique indexes
// added, which the table's rows must satisfy.
func applyIndexChanges(sc *TableSchema, changes []indexChange) (added []string, err error) {
	for _, ch := range changes {
		if ch.fk != nil || ch.dropFK != "" {
			// Only the index-only path (AlterIndexes) changes foreign keys.
			return nil, unsupported("ALTER TABLE … ADD/DROP FOREIGN KEY together with changes of columns")
		}
		if ch.drop == "" {
			continue
		}
		if strings.EqualFold(ch.drop, "PRIMARY") {
			return nil, unsupported("dropping the primary key with DROP INDEX (use ALTER TABLE … DROP PRIMARY KEY)")
		}
		i := sc.Index(ch.drop)
		if i < 0 {
			if ch.ifExists {
				continue
			}
			return nil, newErr(CodeCantDropKey, "Can't DROP INDEX `%s`; check that it exists", ch.drop)
		}
		dropped := sc.Indexes[i].Name
		sc.Indexes = slices.Delete(sc.Indexes, i, i+1)
		for _, fk := range sc.ForeignKeys {
			if !leadsIndex(sc, fk.Cols) {
				return nil, &Error{Code: CodeDropIndexFK, SQLState: "HY000",
					Msg: fmt.Sprintf("Cannot drop index '%s': needed in a foreign key constraint", dropped)}
			}
		}
	}
	names := &keyNamer{}
	for _, ix := range sc.Indexes {
		names.taken = append(names.taken, ix.Name)
	}
	for _, ch := range changes {
		if ch.drop != "" {
			continue
		}
		if ch.ifExists && ch.name != "" && names.has(ch.name) {
			continue
		}
		if err := checkIndexOption(ch.opt); err != nil {
			return nil, err
		}
		ix, err := indexDef(sc, names, ch.name, ch.kind, ch.parts)
		if err != nil {
			return nil, err
		}
		sc.Indexes = append(sc.Indexes, ix)
		if ix.Unique() {
			added = append(added, ix.Name)
		}
	}
	if err := checkAutoKeyed(sc); err != nil {
		return nil, err
	}
	sortIndexes(sc)
	return added, nil
}

// checkAutoKeyed enforces MySQL's rule that the AUTO_INCREMENT column leads some key.
func checkAutoKeyed(sc *TableSchema) error {
	auto := -1
	for i, c := range sc.Cols {
		if c.AutoIncrement {
			auto = i
		}
	}
	if auto < 0 || len(sc.PK) > 0 && sc.PK[0] == auto {
		return nil
	}
	for _, ix := range sc.Indexes {
		if ix.Kind != IndexFulltext && ix.Cols[0] == auto {
			return nil
		}
	}
	return newErr(CodeWrongAutoKey, "Incorrect table definition; there can be only one auto column and it must be defined as a key")
}

// checkIndexOption accepts the options of a key that do not change what it computes: USING
// BTREE/HASH, COMMENT, KEY_BLOCK_SIZE, WITH PARSER, VISIBLE.
func checkIndexOption(o *ast.IndexOption) error {
	if o == nil {
		return nil
	}
	if o.Visibility == ast.IndexVisibilityInvisible {
		return unsupported("INVISIBLE indexes")
	}
	if o.Condition != nil {
		return unsupported("partial indexes")
	}
	return nil
}

func (c *compiler) createIndex(s *ast.CreateIndexStmt) (Statement, error) {
	ch := indexChange{name: s.IndexName, ifExists: s.IfNotExists, parts: s.IndexPartSpecifications, opt: s.IndexOption}
	switch s.KeyType {
	case ast.IndexKeyTypeNone:
		ch.kind = IndexPlain
	case ast.IndexKeyTypeUnique:
		ch.kind = IndexUnique
	case ast.IndexKeyTypeFulltext:
		ch.kind = IndexFulltext
	case ast.IndexKeyTypeSpatial:
		return nil, unsupported("SPATIAL indexes: Weir has no geometry types")
	default:
		return nil, unsupported("this kind of index")
	}
	return c.alterIndexes("CREATE INDEX", s.Table, []indexChange{ch})
}

func (c *compiler) dropIndex(s *ast.DropIndexStmt) (Statement, error) {
	return c.alterIndexes("DROP INDEX", s.Table, []indexChange{{drop: s.IndexName, ifExists: s.IfExists}})
}

// indexChanges collects the index changes of an ALTER TABLE; ok is false when some spec
// is not one (a column change, a rename, an option), which needs the table rebuilt.
func indexChanges(specs []*ast.AlterTableSpec) (changes []indexChange, ok bool) {
	for _, spec := range specs {
		ch, isIndex := indexSpec(spec)
		if !isIndex {
			return nil, false
		}
		if ch != nil {
			changes = append(changes, *ch)
		}
	}
	return changes, true
}

// indexSpec is one ALTER TABLE spec as an index change: nil with isIndex for one that
// changes nothing (DISABLE/ENABLE KEYS), isIndex false for one that is no index change.
func indexSpec(spec *ast.AlterTableSpec) (ch *indexChange, isIndex bool) {
	switch spec.Tp {
	case ast.AlterTableDropForeignKey:
		return &indexChange{dropFK: spec.Name}, true
	case ast.AlterTableAddConstraint:
		k := spec.Constraint
		if k.Tp == ast.ConstraintForeignKey {
			return &indexChange{fk: &fkDecl{name: k.Name, parts: k.Keys, ref: k.Refer}}, true
		}
		kind, ok := indexKind(k.Tp)
		if !ok {
			return nil, false
		}
		return &indexChange{name: k.Name, ifExists: k.IfNotExists, kind: kind, parts: k.Keys, opt: k.Option}, true
	case ast.AlterTableDropIndex:
		if strings.EqualFold(spec.Name, "PRIMARY") {
			return nil, false
		}
		return &indexChange{drop: spec.Name, ifExists: spec.IfExists}, true
	case ast.AlterTableDisableKeys, ast.AlterTableEnableKeys:
		// A hint to MyISAM that dumps write around their INSERTs; InnoDB ignores it too.
		return nil, true
	}
	return nil, false
}

// constraintName names a table constraint for messages.
func constraintName(tp ast.ConstraintType) string {
	switch tp {
	case ast.ConstraintPrimaryKey:
		return "PRIMARY KEY"
	case ast.ConstraintForeignKey:
		return "FOREIGN KEY"
	case ast.ConstraintCheck:
		return "CHECK"
	}
	return "this constraint"
}

// quoteName quotes an identifier with backticks, as SHOW CREATE TABLE does.
func quoteName(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// quoteDisplay quotes a catalog key as MySQL quotes db.name in messages: `db`.`name`.
func quoteDisplay(key string) string {
	db, name := SplitKey(key)
	return quoteName(db) + "." + quoteName(name)
}

// quoteString quotes a string literal as SHOW CREATE TABLE does.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}

// TypeText spells a column type as SHOW CREATE TABLE and SHOW COLUMNS do: in lower case,
// except the members of an ENUM or SET, which keep their spelling.
func TypeText(t dataflow.Type) string {
	if t.IsEnum() || t.IsSet() {
		i := strings.IndexByte(t.SQL, '(')
		return strings.ToLower(t.SQL[:i]) + t.SQL[i:]
	}
	return strings.ToLower(t.SQL)
}

// ClockText is how MariaDB shows a column's DEFAULT or ON UPDATE CURRENT_TIMESTAMP: with
// the column's precision.
func ClockText(c ColumnDef) string {
	if c.Type.Kind == dataflow.KindDatetime && c.Type.Scale > 0 {
		return fmt.Sprintf("current_timestamp(%d)", c.Type.Scale)
	}
	return "current_timestamp()"
}

// CreateTableSQL renders a table's definition as MySQL's SHOW CREATE TABLE writes it, with
// the table's name qualified by its database outside the default one: what the durable store
// keeps (compiling it gives the schema back). autoInc, when above 1, is written as the
// AUTO_INCREMENT table option.
func CreateTableSQL(t *TableSchema, autoInc uint64) string {
	return createTableSQL(t, autoInc, QuoteKey(t.Name))
}

// ShowCreateTable is what SHOW CREATE TABLE answers: CreateTableSQL with the table's name
// alone, as MySQL writes it.
func ShowCreateTable(t *TableSchema, autoInc uint64) string {
	return createTableSQL(t, autoInc, quoteName(KeyName(t.Name)))
}

func createTableSQL(t *TableSchema, autoInc uint64, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n", name)
	for i, c := range t.Cols {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "  %s %s", quoteName(c.Name), TypeText(c.Type))
		if c.NotNull {
			b.WriteString(" NOT NULL")
		}
		if c.AutoIncrement {
			b.WriteString(" AUTO_INCREMENT")
		}
		if c.Default != nil {
			if c.Default.IsNull() {
				b.WriteString(" DEFAULT NULL")
			} else {
				fmt.Fprintf(&b, " DEFAULT %s", quoteString(c.Default.ToText()))
			}
		}
		if c.DefaultNow {
			b.WriteString(" DEFAULT " + ClockText(c))
		}
		if c.OnUpdateNow {
			b.WriteString(" ON UPDATE " + ClockText(c))
		}
	}
	keyCols := func(cols, lengths []int) string {
		names := make([]string, len(cols))
		for i, p := range cols {
			names[i] = quoteName(t.Cols[p].Name)
			if lengths != nil && lengths[i] > 0 {
				names[i] += fmt.Sprintf("(%d)", lengths[i])
			}
		}
		return strings.Join(names, ",")
	}
	if len(t.PK) > 0 {
		fmt.Fprintf(&b, ",\n  PRIMARY KEY (%s)", keyCols(t.PK, nil))
	}
	for _, ix := range t.Indexes {
		kind := ""
		switch ix.Kind {
		case IndexUnique:
			kind = "UNIQUE "
		case IndexFulltext:
			kind = "FULLTEXT "
		}
		fmt.Fprintf(&b, ",\n  %sKEY %s (%s)", kind, quoteName(ix.Name), keyCols(ix.Cols, ix.Lengths))
	}
	foreignKeysSQL(&b, t)
	b.WriteString("\n)")
	if autoInc > 1 {
		fmt.Fprintf(&b, " AUTO_INCREMENT=%d", autoInc)
	}
	if t.Comment != "" {
		fmt.Fprintf(&b, " COMMENT=%s", quoteString(t.Comment))
	}
	return b.String()
}

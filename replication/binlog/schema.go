package binlog

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"

	"github.com/weirdb/weir/dataflow"
)

// Table is an upstream table as Weir mirrors it.
type Table struct {
	Name    string
	Columns []Column
	PK      []int // positions of the primary-key columns, in key order
	Rows    int64 // the upstream's estimate, for the copy's progress
}

// Column is one upstream column and how its values reach Weir.
type Column struct {
	Name string
	// Type is the column's type as the upstream's information_schema.COLUMNS.COLUMN_TYPE
	// gives it ("int(10) unsigned", "enum('a','b')", "datetime(3)"); DataType is its
	// DATA_TYPE ("int", "enum", "datetime").
	Type, DataType string
	Weir           string // the MySQL type Weir declares
	NotNull        bool
	// Default is the column's default as information_schema.COLUMNS.COLUMN_DEFAULT gives it
	// (an SQL literal or expression; "" for none), which an ALTER TABLE … ADD COLUMN gives
	// the rows that exist.
	Default  string
	kind     columnKind
	unsigned bool     // an integer or DECIMAL column declared UNSIGNED
	members  []string // ENUM and SET members, in declaration order
}

// columnKind says how a column's binlog and text values become Weir values.
type columnKind uint8

const (
	kindText     columnKind = iota // a value Weir converts from its text (or number)
	kindBinary                     // bytes kept as they are
	kindFloat                      // FLOAT: 32-bit, written in its shortest text
	kindBit                        // BIT(n): a number
	kindEnum                       // ENUM: the binlog carries the member's index
	kindSet                        // SET: the binlog carries a bit mask
	kindTemporal                   // DATE, DATETIME, TIMESTAMP, TIME, YEAR
)

// DDL is the CREATE TABLE Weir runs for the mirrored table.
func (t *Table) DDL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (", quoteName(t.Name))
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", quoteName(c.Name), c.Weir)
		if c.NotNull {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString(", PRIMARY KEY (")
	for i, p := range t.PK {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteName(t.Columns[p].Name))
	}
	b.WriteString("))")
	return b.String()
}

func quoteName(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// quoteString is a MySQL string literal (with NO_BACKSLASH_ESCAPES off, the default).
func quoteString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `''`, "\x00", `\0`)
	return "'" + r.Replace(s) + "'"
}

// UnsupportedError names an upstream table or column Weir cannot mirror, and what to do.
type UnsupportedError struct {
	Table, Column, Type, Why string
}

func (e *UnsupportedError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("binlog: table %s cannot be mirrored: %s; leave it out with --tables", e.Table, e.Why)
	}
	return fmt.Sprintf("binlog: table %s, column %s has type %s, which Weir cannot mirror: %s; leave the table out with --tables", e.Table, e.Column, e.Type, e.Why)
}

var (
	jsonValid    = regexp.MustCompile("(?i)^json_valid\\(`([^`]+)`\\)$")
	displayWidth = regexp.MustCompile(`^(tinyint|smallint|mediumint|int|bigint|year)\(\d+\)`)
	utf8Charsets = map[string]bool{"utf8mb4": true, "utf8mb3": true, "utf8": true, "ascii": true}
)

// mapColumn fills in how Weir declares and converts a column, or says why it cannot.
func mapColumn(table string, c *Column, charset, collation string) error {
	typ := strings.ToLower(c.Type)
	refuse := func(why string) error {
		return &UnsupportedError{Table: table, Column: c.Name, Type: c.Type, Why: why}
	}
	if strings.Contains(typ, "zerofill") {
		return refuse("ZEROFILL pads the number's text with zeros, which Weir does not")
	}
	c.Weir = strings.ToUpper(displayWidth.ReplaceAllString(typ, "$1"))
	c.unsigned = strings.Contains(typ, "unsigned")
	switch c.DataType {
	case "tinyint", "smallint", "mediumint", "int", "bigint", "decimal":
	case "double":
		c.Weir = "DOUBLE"
	case "float":
		c.kind, c.Weir = kindFloat, "FLOAT"
		if strings.Contains(typ, "unsigned") {
			c.Weir = "FLOAT UNSIGNED"
		}
	case "bit":
		c.kind = kindBit
	case "char", "varchar", "tinytext", "text", "mediumtext", "longtext":
		if !utf8Charsets[strings.ToLower(charset)] {
			return refuse(fmt.Sprintf("its character set is %s, and Weir keeps strings in UTF-8 (utf8mb4, utf8mb3 and ascii mirror)", charset))
		}
		if collation != "" && !strings.HasSuffix(strings.ToLower(collation), "_ci") {
			return refuse(fmt.Sprintf("its collation %s tells strings apart by case or accent, and Weir compares strings case-insensitively", collation))
		}
		c.Weir = strings.ToUpper(typ)
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
		c.kind = kindBinary
	case "json":
		// MySQL's JSON, and MariaDB's (a LONGTEXT with a json_valid CHECK).
		c.Weir = "JSON"
	case "date", "datetime", "timestamp", "time", "year":
		c.kind = kindTemporal
		if c.DataType == "year" {
			c.Weir = "YEAR"
		}
	case "enum", "set":
		c.kind = kindEnum
		if c.DataType == "set" {
			c.kind = kindSet
		}
		members, err := parseMembers(c.Type)
		if err != nil {
			return refuse(err.Error())
		}
		if collation != "" && !strings.HasSuffix(strings.ToLower(collation), "_ci") {
			return refuse(fmt.Sprintf("its collation %s tells members apart by case, and Weir compares strings case-insensitively", collation))
		}
		c.members = members
		c.Weir = c.Type
	default:
		return refuse("Weir has no such type")
	}
	return nil
}

// parseMembers reads the quoted members of an ENUM or SET column type.
func parseMembers(typ string) ([]string, error) {
	open := strings.IndexByte(typ, '(')
	if open < 0 || !strings.HasSuffix(typ, ")") {
		return nil, fmt.Errorf("cannot read the members of %s", typ)
	}
	s := typ[open+1 : len(typ)-1]
	var out []string
	for len(s) > 0 {
		if s[0] != '\'' {
			return nil, fmt.Errorf("cannot read the members of %s", typ)
		}
		var b strings.Builder
		i := 1
		for ; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i++
					continue
				}
				break
			}
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		if i >= len(s) {
			return nil, fmt.Errorf("cannot read the members of %s", typ)
		}
		out = append(out, b.String())
		s = strings.TrimPrefix(s[i+1:], ",")
	}
	return out, nil
}

// discover reads the upstream's tables in database db (or the named ones), in name order.
// A named table that does not exist, a table without a primary key, one in an engine
// without transactions, and a column Weir cannot hold are refused.
func discover(conn *client.Conn, db string, only []string) ([]*Table, error) {
	q := func(sql string) ([][]string, error) { return queryStrings(conn, sql) }
	rows, err := q("SELECT TABLE_NAME, IFNULL(ENGINE, ''), IFNULL(TABLE_ROWS, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + quoteString(db) + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")
	if err != nil {
		return nil, fmt.Errorf("binlog: listing the upstream's tables: %w", err)
	}
	want := map[string]bool{}
	for _, name := range only {
		want[strings.ToLower(name)] = true
	}
	byName := map[string]*Table{}
	var tables []*Table
	for _, r := range rows {
		if len(want) > 0 && !want[strings.ToLower(r[0])] {
			continue
		}
		if eng := strings.ToLower(r[1]); eng != "innodb" {
			return nil, &UnsupportedError{Table: r[0], Why: fmt.Sprintf("its engine is %s, whose changes a consistent snapshot cannot fence off (Weir mirrors InnoDB tables)", r[1])}
		}
		n, _ := strconv.ParseInt(r[2], 10, 64)
		t := &Table{Name: r[0], Rows: n}
		byName[strings.ToLower(r[0])] = t
		tables = append(tables, t)
	}
	for name := range want {
		if byName[name] == nil {
			return nil, &UnsupportedError{Table: name, Why: fmt.Sprintf("there is no such table in database %s", db)}
		}
	}
	cols, err := q("SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, IFNULL(CHARACTER_SET_NAME, ''), IFNULL(COLLATION_NAME, ''), EXTRA, IFNULL(COLUMN_DEFAULT, '') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " + quoteString(db) + " ORDER BY TABLE_NAME, ORDINAL_POSITION")
	if err != nil {
		return nil, fmt.Errorf("binlog: reading the upstream's columns: %w", err)
	}
	// MariaDB's JSON is a LONGTEXT with a json_valid CHECK (and a _bin collation): mirror it
	// as Weir's JSON.
	jsonCols := map[string]bool{}
	if checks, err := q("SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " + quoteString(db)); err == nil {
		for _, r := range checks {
			if m := jsonValid.FindStringSubmatch(r[1]); m != nil {
				jsonCols[strings.ToLower(r[0]+"."+m[1])] = true
			}
		}
	}
	for _, r := range cols {
		t := byName[strings.ToLower(r[0])]
		if t == nil {
			continue
		}
		c := Column{Name: r[1], DataType: strings.ToLower(r[2]), Type: r[3], NotNull: r[4] == "NO", Default: r[8]}
		if extra := strings.ToUpper(r[7]); strings.Contains(extra, "VIRTUAL") || strings.Contains(extra, "STORED") || strings.Contains(extra, "PERSISTENT") {
			// Generated columns are computed on each server; a stored one travels in the
			// binlog like any other, a virtual one does not (its slot holds nothing).
			if strings.Contains(extra, "VIRTUAL") {
				return nil, &UnsupportedError{Table: t.Name, Column: c.Name, Type: c.Type, Why: "it is a VIRTUAL generated column, whose value the binary log does not carry"}
			}
		}
		if c.DataType == "longtext" && jsonCols[strings.ToLower(t.Name+"."+c.Name)] {
			c.DataType, r[5], r[6] = "json", "", ""
		}
		if err := mapColumn(t.Name, &c, r[5], r[6]); err != nil {
			return nil, err
		}
		t.Columns = append(t.Columns, c)
	}
	keys, err := q("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " + quoteString(db) + " AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX")
	if err != nil {
		return nil, fmt.Errorf("binlog: reading the upstream's primary keys: %w", err)
	}
	for _, r := range keys {
		t := byName[strings.ToLower(r[0])]
		if t == nil {
			continue
		}
		i := slices.IndexFunc(t.Columns, func(c Column) bool { return strings.EqualFold(c.Name, r[1]) })
		if i >= 0 {
			t.PK = append(t.PK, i)
		}
	}
	for _, t := range tables {
		if len(t.PK) == 0 {
			return nil, &UnsupportedError{Table: t.Name, Why: "it has no primary key, so an update or delete in the binary log cannot name the row it changes: add one"}
		}
	}
	return tables, nil
}

// queryStrings runs a text-protocol query and returns its rows as strings (NULL as "").
func queryStrings(conn *client.Conn, sql string) ([][]string, error) {
	res, err := conn.Execute(sql)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	if res.Resultset == nil {
		return nil, nil
	}
	out := make([][]string, len(res.Values))
	for i, row := range res.Values {
		out[i] = make([]string, len(row))
		for j := range row {
			switch row[j].Type {
			case 0: // NULL
			default:
				out[i][j] = fieldString(&row[j])
			}
		}
	}
	return out, nil
}

// binlogValue converts a value as go-mysql decodes it from a row event to Weir's.
func binlogValue(c *Column, v any) (dataflow.Value, error) {
	switch x := v.(type) {
	case nil:
		return dataflow.Null, nil
	// A table map carries signedness only with binlog_row_metadata=FULL (MariaDB logs none
	// by default), so go-mysql may decode an unsigned column as signed: take the bits back
	// at the column's width.
	case int8:
		if c.unsigned {
			return dataflow.Uint(uint64(uint8(x))), nil
		}
		return intValue(c, int64(x))
	case int16:
		if c.unsigned {
			return dataflow.Uint(uint64(uint16(x))), nil
		}
		return intValue(c, int64(x))
	case int32:
		if c.unsigned {
			if c.DataType == "mediumint" {
				return dataflow.Uint(uint64(uint32(x) & 0xFFFFFF)), nil
			}
			return dataflow.Uint(uint64(uint32(x))), nil
		}
		return intValue(c, int64(x))
	case int64:
		if c.unsigned {
			return dataflow.Uint(uint64(x)), nil
		}
		return intValue(c, x)
	case int:
		return intValue(c, int64(x))
	case uint8:
		return dataflow.Uint(uint64(x)), nil
	case uint16:
		return dataflow.Uint(uint64(x)), nil
	case uint32:
		return dataflow.Uint(uint64(x)), nil
	case uint64:
		return dataflow.Uint(x), nil
	case float32:
		return dataflow.String(strconv.FormatFloat(float64(x), 'g', -1, 32)), nil
	case float64:
		if c.kind == kindFloat {
			return dataflow.String(strconv.FormatFloat(x, 'g', -1, 32)), nil
		}
		return dataflow.Float(x), nil
	case string:
		return textValue(c, x), nil
	case []byte:
		return textValue(c, string(x)), nil
	}
	return dataflow.Null, fmt.Errorf("a value of Go type %T, which Weir does not convert", v)
}

// intValue converts an integer from a row event: BIT, ENUM and SET columns travel as
// numbers that mean something else.
func intValue(c *Column, n int64) (dataflow.Value, error) {
	switch c.kind {
	case kindBit:
		return dataflow.Uint(uint64(n)), nil
	case kindEnum:
		if n == 0 {
			return dataflow.String(""), nil // the empty "error" member MySQL stores for an invalid value
		}
		if n < 0 || int(n) > len(c.members) {
			return dataflow.Null, fmt.Errorf("ENUM index %d outside its %d members", n, len(c.members))
		}
		return dataflow.String(c.members[n-1]), nil
	case kindSet:
		var picked []string
		for i, m := range c.members {
			if uint64(n)&(1<<uint(i)) != 0 {
				picked = append(picked, m)
			}
		}
		return dataflow.String(strings.Join(picked, ",")), nil
	case kindTemporal: // YEAR
		return dataflow.Int(n), nil
	}
	return dataflow.Int(n), nil
}

// textValue converts a value's text (a row event's string, or the copy's text protocol).
func textValue(c *Column, s string) dataflow.Value {
	switch c.kind {
	case kindBinary:
		return dataflow.Bytes(s)
	case kindBit:
		// The text protocol sends BIT values as their bytes, big-endian.
		var n uint64
		for i := 0; i < len(s); i++ {
			n = n<<8 | uint64(s[i])
		}
		return dataflow.Uint(n)
	case kindFloat:
		if f, err := strconv.ParseFloat(s, 32); err == nil && !math.IsInf(f, 0) {
			return dataflow.String(strconv.FormatFloat(f, 'g', -1, 32))
		}
	}
	return dataflow.String(s)
}

package replication

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weirdb/weir/dataflow"
)

// Table is an upstream table as Weir mirrors it.
type Table struct {
	Schema, Name string // upstream schema and table
	Columns      []Column
	PK           []int // positions of the primary-key columns, in key order
}

// Column is one upstream column and the Weir type it maps to.
type Column struct {
	Name    string
	PGType  string // format_type: "character varying(20)", "numeric(10,2)", ...
	TypName string // pg_type.typname: "varchar", "numeric", ...
	Weir    string // the MySQL type Weir declares: "VARCHAR(20)", "DECIMAL(10,2)", ...
	NotNull bool
	OID     uint32 // the type's oid and modifier, as the replication stream announces them
	TypMod  int32
}

// Qualified is the table's name in upstream SQL.
func (t *Table) Qualified() string { return quoteIdent(t.Schema) + "." + quoteIdent(t.Name) }

// DDL is the CREATE TABLE Weir runs for the mirrored table.
func (t *Table) DDL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE `%s` (", t.Name)
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "`%s` %s", c.Name, c.Weir)
		if c.NotNull {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString(", PRIMARY KEY (")
	for i, p := range t.PK {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "`%s`", t.Columns[p].Name)
	}
	b.WriteString("))")
	return b.String()
}

// UnsupportedError names an upstream column (or table) Weir cannot mirror, and what to do.
type UnsupportedError struct {
	Table, Column, Type, Why string
}

func (e *UnsupportedError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("replication: table %s cannot be mirrored: %s", e.Table, e.Why)
	}
	return fmt.Sprintf("replication: table %s, column %s has type %s, which Weir cannot mirror: %s; leave the table out with --tables", e.Table, e.Column, e.Type, e.Why)
}

var (
	typmodPS = regexp.MustCompile(`^\w[\w ]*\((\d+)(?:,(\d+))?\)`)
	tsPrec   = regexp.MustCompile(`^timestamp\((\d)\)`)
)

// maxVarbinary is the longest VARBINARY Weir declares.
const maxVarbinary = 65532

// weirType maps an upstream column type to the MySQL type Weir declares for it.
func weirType(typname, pgType string) (string, string) {
	m := typmodPS.FindStringSubmatch(pgType)
	switch typname {
	case "int2":
		return "SMALLINT", ""
	case "int4":
		return "INT", ""
	case "int8":
		return "BIGINT", ""
	case "float4":
		return "FLOAT", ""
	case "float8":
		return "DOUBLE", ""
	case "bool":
		return "BOOLEAN", ""
	case "numeric":
		if m == nil {
			return "", fmt.Sprintf("a numeric without precision holds up to 1000 digits, more than DECIMAL's %d; declare it numeric(p,s) with p ≤ %d and s ≤ %d", dataflow.MaxDecimalPrecision, dataflow.MaxDecimalPrecision, dataflow.MaxDecimalScale)
		}
		p, _ := strconv.Atoi(m[1])
		s := 0
		if m[2] != "" {
			s, _ = strconv.Atoi(m[2])
		}
		switch {
		case p > dataflow.MaxDecimalPrecision:
			return "", fmt.Sprintf("DECIMAL holds at most %d digits", dataflow.MaxDecimalPrecision)
		case s < 0 || s > dataflow.MaxDecimalScale || s > p:
			return "", fmt.Sprintf("DECIMAL's scale lies between 0 and min(precision, %d)", dataflow.MaxDecimalScale)
		}
		return fmt.Sprintf("DECIMAL(%d,%d)", p, s), ""
	case "text":
		return "LONGBLOB", ""
	case "varchar":
		// Text is kept as binary strings: PostgreSQL's deterministic collations tell 'a'
		// from 'A', and a key or a comparison that did not would merge rows the upstream
		// keeps apart. A varchar(n) holds n characters of up to 4 bytes each.
		if m == nil {
			return "LONGBLOB", ""
		}
		if n, err := strconv.Atoi(m[1]); err == nil && 4*n <= maxVarbinary {
			return "VARBINARY(" + strconv.Itoa(4*n) + ")", ""
		}
		return "LONGBLOB", ""
	case "bpchar":
		// A binary CHAR: its values lose their trailing spaces and compare byte by byte,
		// as bpchar compares under a deterministic collation.
		if m == nil {
			return "CHAR(1) COLLATE utf8mb4_bin", ""
		}
		return "CHAR(" + m[1] + ") COLLATE utf8mb4_bin", ""
	case "uuid":
		return "CHAR(36)", ""
	case "date":
		return "DATE", ""
	case "timestamp", "timestamptz":
		if p := tsPrec.FindStringSubmatch(pgType); p != nil {
			return "DATETIME(" + p[1] + ")", ""
		}
		return "DATETIME(6)", ""
	}
	return "", "Weir has no matching column type"
}

// discover reads the upstream tables to mirror: those named in only (as table or
// schema.table), or every ordinary table outside the system schemas.
func discover(ctx context.Context, conn *pgx.Conn, only []string) ([]*Table, error) {
	rows, err := conn.Query(ctx, `
SELECT n.nspname, c.relname, a.attname, t.typname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atttypid, a.atttypmod,
       COALESCE(array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1, 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY n.nspname, c.relname, a.attnum`)
	if err != nil {
		return nil, fmt.Errorf("replication: reading the upstream catalog: %w", err)
	}
	defer rows.Close()
	var tables []*Table
	pkPos := map[*Table]map[int]int{}
	for rows.Next() {
		var schema, name, col, typname, pgType string
		var notNull bool
		var pk int
		var oid uint32
		var typmod int32
		if err := rows.Scan(&schema, &name, &col, &typname, &pgType, &notNull, &oid, &typmod, &pk); err != nil {
			return nil, err
		}
		if n := len(tables); n == 0 || tables[n-1].Schema != schema || tables[n-1].Name != name {
			tables = append(tables, &Table{Schema: schema, Name: name})
			pkPos[tables[n]] = map[int]int{}
		}
		t := tables[len(tables)-1]
		if pk > 0 {
			pkPos[t][pk] = len(t.Columns)
		}
		t.Columns = append(t.Columns, Column{Name: col, PGType: pgType, TypName: typname, NotNull: notNull, OID: oid, TypMod: typmod})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range tables {
		for i := 1; i <= len(pkPos[t]); i++ {
			t.PK = append(t.PK, pkPos[t][i])
		}
	}
	return selectTables(tables, only)
}

// selectTables keeps the tables named in only (all when empty), checks that Weir can mirror
// them and gives each its Weir type.
func selectTables(all []*Table, only []string) ([]*Table, error) {
	var picked []*Table
	if len(only) == 0 {
		picked = all
	} else {
		for _, want := range only {
			schema, name, qualified := strings.Cut(want, ".")
			if !qualified {
				schema, name = "", want
			}
			var found *Table
			for _, t := range all {
				if t.Name == name && (schema == "" || t.Schema == schema) {
					if found != nil {
						return nil, fatal{Err: fmt.Errorf("replication: --tables %s matches %s.%s and %s.%s; name the schema", want, found.Schema, found.Name, t.Schema, t.Name)}
					}
					found = t
				}
			}
			if found == nil {
				return nil, fatal{Err: fmt.Errorf("replication: --tables names %s, which the upstream database does not have", want)}
			}
			if !slices.Contains(picked, found) {
				picked = append(picked, found)
			}
		}
	}
	seen := map[string]*Table{}
	for _, t := range picked {
		key := strings.ToLower(t.Name)
		if other, dup := seen[key]; dup {
			return nil, fatal{Err: fmt.Errorf("replication: tables %s.%s and %s.%s would both be %s in Weir; mirror one of them (--tables)", other.Schema, other.Name, t.Schema, t.Name, t.Name)}
		}
		seen[key] = t
		if len(t.PK) == 0 {
			return nil, &UnsupportedError{Table: t.Schema + "." + t.Name, Why: "it has no primary key, so updates and deletes cannot name their row; add one, or leave the table out with --tables"}
		}
		for i := range t.Columns {
			c := &t.Columns[i]
			w, why := weirType(c.TypName, c.PGType)
			if why != "" {
				return nil, &UnsupportedError{Table: t.Schema + "." + t.Name, Column: c.Name, Type: c.PGType, Why: why}
			}
			c.Weir = w
		}
	}
	if len(picked) == 0 {
		return nil, fatal{Err: fmt.Errorf("replication: the upstream database has no tables to mirror")}
	}
	return picked, nil
}

// textValue turns a column's text form (as COPY, ::text and pgoutput give it, with the
// session's time zone UTC and DateStyle ISO) into a value Weir converts to the column type.
func textValue(c *Column, text string) (dataflow.Value, error) {
	switch c.TypName {
	case "bool":
		switch text { // bool's output form is t/f; a ::text cast gives true/false
		case "t", "true":
			return dataflow.Int(1), nil
		case "f", "false":
			return dataflow.Int(0), nil
		}
		return dataflow.Null, fmt.Errorf("boolean %q", text)
	case "timestamptz":
		// With TimeZone=UTC the offset is +00; anything else is converted.
		if s, ok := strings.CutSuffix(text, "+00"); ok {
			return dataflow.String(s), nil
		}
		ts, err := time.Parse("2006-01-02 15:04:05.999999999Z07", text)
		if err != nil {
			return dataflow.Null, fmt.Errorf("timestamp with time zone %q", text)
		}
		return dataflow.String(ts.UTC().Format("2006-01-02 15:04:05.999999")), nil
	case "float4", "float8", "numeric", "date", "timestamp":
		switch text {
		case "NaN", "Infinity", "-Infinity", "infinity", "-infinity":
			return dataflow.Null, fmt.Errorf("%s has no Weir value", text)
		}
	}
	return dataflow.String(text), nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

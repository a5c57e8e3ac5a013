package dataflow

import (
	"fmt"
	"strings"
)

// Row is one tuple. Rows in state and in batches are treated as immutable once emitted: an
// operator that needs a different row builds a new one.
type Row []Value

// String renders a row for tests and traces.
func (r Row) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range r {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.String())
	}
	b.WriteByte(']')
	return b.String()
}

// RowBytes approximates the memory a row holds: its slice header, its values and the bytes
// of its strings. Memory accounting uses it.
func RowBytes(r Row) int64 {
	n := int64(24 + 32*len(r))
	for i := range r {
		if r[i].kind == KindString {
			n += int64(len(r[i].s))
		}
	}
	return n
}

// IdenticalRows reports whether two rows are exactly equal, value by value.
func IdenticalRows(a, b Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Identical(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Record is a delta: a row with a sign. Neg false is an insertion (+1), true a retraction (-1).
// An UPDATE travels as the retraction of the old row followed by the insertion of the new one.
type Record struct {
	Row Row
	Neg bool
}

// Batch is an ordered list of deltas. Order matters: a retraction must follow the insertion it
// cancels when both travel in one batch.
type Batch []Record

// String renders a batch for traces.
func (b Batch) String() string {
	var s strings.Builder
	for i, r := range b {
		if i > 0 {
			s.WriteString(" ")
		}
		if r.Neg {
			s.WriteByte('-')
		} else {
			s.WriteByte('+')
		}
		s.WriteString(r.Row.String())
	}
	return s.String()
}

// Type describes a column's SQL type.
type Type struct {
	Kind      Kind
	Unsigned  bool
	Precision int // DECIMAL precision; character length for CHAR/VARCHAR; display width otherwise
	Scale     int // DECIMAL scale; fractional seconds for DATETIME
	SQL       string
	Nullable  bool
}

// BinaryString reports a binary string type (BINARY, VARBINARY, TINYBLOB, BLOB, MEDIUMBLOB,
// LONGBLOB), whose values are Bytes and whose length counts bytes, not characters.
func (t Type) BinaryString() bool {
	if t.Kind != KindString {
		return false
	}
	if t.BinaryChar() {
		return true
	}
	base := t.SQL
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	switch strings.ToUpper(base) {
	case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB":
		return true
	}
	return false
}

// binaryCharCollation ends the spelling of a BinaryChar type.
const binaryCharCollation = " COLLATE UTF8MB4_BIN"

// BinaryChar reports CHAR(n) COLLATE utf8mb4_bin, the type of PostgreSQL's char(n) (bpchar)
// in a mirror: its values are Bytes without trailing spaces (compared byte by byte, trailing
// spaces insignificant, as bpchar and MySQL's PAD SPACE binary collation compare) and its
// length counts characters. BinaryString reports it too.
func (t Type) BinaryChar() bool {
	return t.Kind == KindString && len(t.SQL) > len(binaryCharCollation) &&
		strings.EqualFold(t.SQL[len(t.SQL)-len(binaryCharCollation):], binaryCharCollation) && hasPrefixFold(t.SQL, "CHAR(")
}

// BinaryCharType is the BinaryChar type of n characters.
func BinaryCharType(n int) Type {
	return Type{Kind: KindString, Precision: n, SQL: fmt.Sprintf("CHAR(%d) COLLATE utf8mb4_bin", n)}
}

// IsEnum reports an ENUM type, IsSet a SET type; t.SQL lists their members.
func (t Type) IsEnum() bool { return t.Kind == KindString && hasPrefixFold(t.SQL, "ENUM(") }

// IsSet: see IsEnum.
func (t Type) IsSet() bool { return t.Kind == KindString && hasPrefixFold(t.SQL, "SET(") }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// String returns the SQL spelling of the type.
func (t Type) String() string {
	if t.SQL != "" {
		return t.SQL
	}
	switch t.Kind {
	case KindDecimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case KindString:
		return "TEXT"
	}
	return t.Kind.String()
}

// Column names a column and its type.
type Column struct {
	Table string // originating table or alias, empty for computed columns
	Name  string
	Type  Type
}

// SameColumns reports whether two result schemas have the same column names and types.
func SameColumns(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type != b[i].Type {
			return false
		}
	}
	return true
}

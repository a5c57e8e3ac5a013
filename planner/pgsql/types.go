package pgsql

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// PostgreSQL type OIDs (pg_type.oid) of the types a result column or parameter of the
// dialect has.
const (
	OIDBool      uint32 = 16
	OIDInt8      uint32 = 20
	OIDInt2      uint32 = 21
	OIDInt4      uint32 = 23
	OIDText      uint32 = 25
	OIDFloat4    uint32 = 700
	OIDFloat8    uint32 = 701
	OIDBpchar    uint32 = 1042
	OIDVarchar   uint32 = 1043
	OIDDate      uint32 = 1082
	OIDTime      uint32 = 1083
	OIDTimestamp uint32 = 1114
	OIDNumeric   uint32 = 1700
)

// IsBool reports a type that is PostgreSQL's boolean in the dialect: a mirrored boolean
// column (BOOLEAN, which Weir keeps as TINYINT(1): PostgreSQL has no one-byte integer) or a
// result column whose expression is boolean (a comparison, test or logical operator, which
// Compile types BOOLEAN).
func IsBool(t dataflow.Type) bool {
	if t.Kind != dataflow.KindInt {
		return false
	}
	sql := strings.ToUpper(t.SQL)
	return sql == "TINYINT(1)" || sql == "BOOLEAN" || sql == "BOOL"
}

// TypeOID is the PostgreSQL type a column or parameter of Weir's type t has in the dialect:
// what a front door announces in RowDescription and ParameterDescription. Text of any kind
// (Weir keeps the dialect's text as binary strings, to compare it as the C collation does)
// is text, varchar or bpchar.
func TypeOID(t dataflow.Type) uint32 {
	base := strings.ToUpper(t.SQL)
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		if IsBool(t) {
			return OIDBool
		}
		switch base {
		case "SMALLINT", "TINYINT":
			return OIDInt2
		case "INT", "INTEGER", "MEDIUMINT":
			if !t.Unsigned {
				return OIDInt4
			}
		}
		return OIDInt8
	case dataflow.KindFloat:
		if base == "FLOAT" {
			return OIDFloat4
		}
		return OIDFloat8
	case dataflow.KindDecimal:
		return OIDNumeric
	case dataflow.KindDate:
		return OIDDate
	case dataflow.KindDatetime:
		return OIDTimestamp
	case dataflow.KindTime:
		return OIDTime
	case dataflow.KindString:
		switch base {
		case "VARCHAR":
			return OIDVarchar
		case "VARBINARY":
			// The mirror keeps a varchar(n) column as VARBINARY(4n), and the dialect computes
			// a varchar without a length as VARBINARY(0); a VARBINARY without a length is a
			// literal or a cast's text.
			if strings.Contains(t.SQL, "(") {
				return OIDVarchar
			}
		case "CHAR":
			return OIDBpchar
		}
		return OIDText
	}
	return OIDText
}

// VarcharLength is the length a varchar column of type t was declared with (its
// atttypmod less 4), or 0 when it cannot be told: the mirror keeps a varchar(n) column as
// VARBINARY(4n).
func VarcharLength(t dataflow.Type) int {
	if strings.HasPrefix(strings.ToUpper(t.SQL), "VARBINARY") {
		if t.Precision%4 != 0 {
			return 0
		}
		return t.Precision / 4
	}
	return t.Precision
}

// FormatText renders a non-NULL value of a column of type t as PostgreSQL's text output
// does: booleans as t and f, timestamps without trailing zero fractions, floats in the
// shortest form that reads back exactly.
func FormatText(v dataflow.Value, t dataflow.Type) string {
	switch {
	case IsBool(t) && (v.Kind() == dataflow.KindInt || v.Kind() == dataflow.KindUint):
		if v.RawUint() != 0 {
			return "t"
		}
		return "f"
	case v.Kind() == dataflow.KindFloat:
		return formatFloat(v.RawFloat(), TypeOID(t) == OIDFloat4)
	case v.Kind() == dataflow.KindDatetime:
		s := v.Time().Format("2006-01-02 15:04:05.000000")
		s = strings.TrimRight(s, "0")
		return strings.TrimSuffix(s, ".")
	case v.Kind() == dataflow.KindDate:
		return v.Time().Format("2006-01-02")
	case t.BinaryChar() && v.Kind() == dataflow.KindString:
		// char(n) shows padded to n characters; Weir keeps it without trailing spaces.
		s := v.RawString()
		if pad := t.Precision - utf8.RuneCountInString(s); pad > 0 {
			return s + strings.Repeat(" ", pad)
		}
		return s
	}
	return v.ToText()
}

// formatFloat is PostgreSQL's float output with extra_float_digits at its default (1): the
// shortest exact form, with an exponent below 1e-4 and from 1e15 (float8) or 1e6 (float4) up,
// written as 1e+15.
func formatFloat(f float64, single bool) string {
	bits, limit := 64, 15
	if single {
		bits, limit = 32, 6
	}
	s := strconv.FormatFloat(f, 'e', -1, bits)
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	if e < -4 || e >= limit {
		if len(exp) > 0 && exp[0] == '+' || exp[0] == '-' {
			sign := exp[:1]
			digits := strings.TrimLeft(exp[1:], "0")
			if len(digits) < 2 {
				digits = strings.Repeat("0", 2-len(digits)) + digits
			}
			return mant + "e" + sign + digits
		}
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// ParseText reads a parameter sent in PostgreSQL's text format as a value for a parameter
// of type t: booleans in every spelling PostgreSQL's boolean input takes; anything else as
// text, which the read converts to the parameter's type as a cast would.
func ParseText(text string, t dataflow.Type) (dataflow.Value, error) {
	if IsBool(t) {
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "t", "true", "y", "yes", "on", "1":
			return dataflow.Int(1), nil
		case "f", "false", "n", "no", "off", "0":
			return dataflow.Int(0), nil
		}
		return dataflow.Null, &Error{SQLState: "22P02", Msg: "invalid input syntax for type boolean: \"" + text + "\""}
	}
	return dataflow.String(text), nil
}

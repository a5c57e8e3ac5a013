package difftest

import (
	"fmt"
	"strings"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// ColType is a column type the generators use.
type ColType uint8

const (
	TypeInt ColType = iota
	TypeUint
	TypeDecimal
	TypeDouble
	TypeVarchar
	TypeDate
	TypeBool
	// TypeWideDecimal is DECIMAL(40,10): values past an int64 coefficient beside narrow ones
	// that meet the other numeric types.
	TypeWideDecimal
	numColTypes
)

// SQL is the type as CREATE TABLE spells it.
func (t ColType) SQL() string {
	switch t {
	case TypeInt:
		return "INT"
	case TypeUint:
		return "BIGINT UNSIGNED"
	case TypeDecimal:
		return "DECIMAL(8,2)"
	case TypeWideDecimal:
		return "DECIMAL(40,10)"
	case TypeDouble:
		return "DOUBLE"
	case TypeVarchar:
		return "VARCHAR(16)"
	case TypeDate:
		return "DATE"
	case TypeBool:
		return "BOOLEAN"
	}
	return fmt.Sprintf("ColType(%d)", uint8(t))
}

// Class groups types whose values compare meaningfully with each other: joins, unions and
// comparisons pair columns of one class.
type Class uint8

const (
	ClassNumber Class = iota
	ClassString
	ClassDate
)

// Class returns the type's comparison class.
func (t ColType) Class() Class {
	switch t {
	case TypeVarchar:
		return ClassString
	case TypeDate:
		return ClassDate
	}
	return ClassNumber
}

// KeyClass groups types that can key a join (and an IN subquery, and pair up in a UNION):
// exact numbers together, DOUBLE apart (its values equal exact ones only approximately),
// strings, dates. Weir rejects join equalities across these classes.
func (t ColType) KeyClass() int {
	switch t {
	case TypeDouble:
		return 1
	case TypeVarchar:
		return 2
	case TypeDate:
		return 3
	}
	return 0
}

func date(y int, m time.Month, d int) dataflow.Value {
	return dataflow.Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Domain returns the values stored in columns of the type. The numbers overlap across the
// numeric types (1, 2.50 and 2.5 meet in joins) and the doubles are binary fractions, so sums
// are exact whatever order an operator adds them in. Strings have mixed case but one spelling
// per collation class.
func (t ColType) Domain() []dataflow.Value {
	switch t {
	case TypeInt:
		return []dataflow.Value{dataflow.Int(1), dataflow.Int(2), dataflow.Int(0), dataflow.Int(3), dataflow.Int(-2), dataflow.Int(5)}
	case TypeUint:
		return []dataflow.Value{dataflow.Uint(1), dataflow.Uint(2), dataflow.Uint(0), dataflow.Uint(3), dataflow.Uint(5)}
	case TypeDecimal:
		return []dataflow.Value{dataflow.Decimal(100, 2), dataflow.Decimal(250, 2), dataflow.Decimal(0, 2),
			dataflow.Decimal(125, 2), dataflow.Decimal(-150, 2), dataflow.Decimal(300, 2)}
	case TypeWideDecimal:
		return []dataflow.Value{wideDecimal("1.0000000000"), wideDecimal("2.5000000000"), wideDecimal("0.0000000000"),
			wideDecimal("123456789012345678901234567890.0123456789"), wideDecimal("-98765432109876543210.5000000000"),
			wideDecimal("3.0000000000"), wideDecimal("999999999999999999999999999999.9999999999")}
	case TypeDouble:
		return []dataflow.Value{dataflow.Float(1), dataflow.Float(2.5), dataflow.Float(0), dataflow.Float(0.25),
			dataflow.Float(-1.5), dataflow.Float(3)}
	case TypeVarchar:
		return []dataflow.Value{dataflow.String("apple"), dataflow.String("Banana"), dataflow.String("cherry"),
			dataflow.String("DATE"), dataflow.String(""), dataflow.String("Fig"), dataflow.String("Élan")}
	case TypeDate:
		return []dataflow.Value{date(2024, 1, 1), date(2024, 2, 29), date(2023, 12, 31)}
	case TypeBool:
		return []dataflow.Value{dataflow.Int(1), dataflow.Int(0)}
	}
	return nil
}

// Absent returns values of the type that never occur in a table: lookups for them must come
// back empty (or with a scalar aggregate's empty row).
func (t ColType) Absent() []dataflow.Value {
	switch t {
	case TypeInt:
		return []dataflow.Value{dataflow.Int(4), dataflow.Int(-7)}
	case TypeUint:
		return []dataflow.Value{dataflow.Uint(4), dataflow.Uint(100)}
	case TypeDecimal:
		return []dataflow.Value{dataflow.Decimal(50, 2), dataflow.Decimal(999, 2)}
	case TypeWideDecimal:
		return []dataflow.Value{wideDecimal("0.5000000000"), wideDecimal("123456789012345678901234567890.0123456788")}
	case TypeDouble:
		return []dataflow.Value{dataflow.Float(0.75), dataflow.Float(7)}
	case TypeVarchar:
		return []dataflow.Value{dataflow.String("grape"), dataflow.String("zz")}
	case TypeDate:
		return []dataflow.Value{date(2025, 6, 30)}
	case TypeBool:
		return []dataflow.Value{dataflow.Int(2)}
	}
	return nil
}

// Respell returns another spelling of a string equal to it under the collation (other case,
// trailing spaces), or the value itself for other kinds. Queries and keys use these so that
// the collation, not byte equality, has to find the rows.
func Respell(v dataflow.Value, variant int) dataflow.Value {
	if v.Kind() != dataflow.KindString {
		return v
	}
	s := v.RawString()
	switch variant % 3 {
	case 0:
		s = strings.ToUpper(s)
	case 1:
		s = strings.ToLower(s)
	default:
		s += " "
	}
	return dataflow.String(s)
}

// Literal renders v as a SQL literal for a column of type t.
func Literal(v dataflow.Value, t ColType) string {
	if v.IsNull() {
		return "NULL"
	}
	switch v.Kind() {
	case dataflow.KindString:
		return quote(v.RawString())
	case dataflow.KindDate, dataflow.KindDatetime:
		return quote(v.ToText())
	case dataflow.KindInt:
		if t == TypeBool {
			if v.RawInt() == 1 {
				return "TRUE"
			}
			if v.RawInt() == 0 {
				return "FALSE"
			}
		}
		return v.ToText()
	}
	return v.ToText()
}

// wideDecimal is a DECIMAL(40,10) value spelled with its ten fractional digits.
func wideDecimal(s string) dataflow.Value {
	v, ok := dataflow.ParseDecimalValue(s)
	if !ok {
		panic("difftest: bad decimal " + s)
	}
	return v
}

func quote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}

package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// sqlBase returns the leading type name of t.SQL in upper case ("TINYINT" for
// "tinyint(3) unsigned").
func sqlBase(t dataflow.Type) string {
	s := strings.TrimSpace(t.SQL)
	end := 0
	for end < len(s) {
		c := s[end]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			break
		}
		end++
	}
	return strings.ToUpper(s[:end])
}

// isUnsigned reports whether an integer or decimal type is UNSIGNED, whichever way the
// schema said so.
func isUnsigned(t dataflow.Type) bool {
	if t.Unsigned || t.Kind == dataflow.KindUint {
		return true
	}
	return strings.Contains(strings.ToUpper(t.SQL), "UNSIGNED")
}

// intBits is the storage width of an integer type, by its SQL base name; BIGINT (and CAST's
// SIGNED/UNSIGNED, and an unnamed type) is 64.
func intBits(t dataflow.Type) int {
	switch sqlBase(t) {
	case "TINYINT", "BOOL", "BOOLEAN":
		return 8
	case "SMALLINT":
		return 16
	case "MEDIUMINT":
		return 24
	case "INT", "INTEGER":
		return 32
	}
	return 64
}

// IntRange returns the range of values an integer column of type t accepts, by the base type
// named in t.SQL (TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, BOOLEAN) and its signedness.
// A type without a recognized name is BIGINT. For YEAR it is the years stored as they are
// given (1901..2155; Convert maps 0..99), for BIT(n) 0..2^n-1.
func IntRange(t dataflow.Type) (minV int64, maxV uint64) {
	switch sqlBase(t) {
	case "YEAR":
		return 1901, 2155
	case "BIT":
		if n := t.Precision; n > 0 && n < 64 {
			return 0, 1<<n - 1
		}
		return 0, math.MaxUint64
	}
	bits := intBits(t)
	if isUnsigned(t) {
		if bits == 64 {
			return 0, math.MaxUint64
		}
		return 0, 1<<bits - 1
	}
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

// isIntType reports whether t is an integer type (signed or not).
func isIntType(t dataflow.Type) bool {
	return t.Kind == dataflow.KindInt || t.Kind == dataflow.KindUint
}

// isSingleFloat reports FLOAT (single precision) as opposed to DOUBLE.
func isSingleFloat(t dataflow.Type) bool {
	return t.Kind == dataflow.KindFloat && sqlBase(t) == "FLOAT"
}

// isFixedChar reports a CHAR(n) column, whose trailing spaces MySQL strips on retrieval.
func isFixedChar(t dataflow.Type) bool {
	b := sqlBase(t)
	return t.Kind == dataflow.KindString && t.Precision > 0 && (b == "CHAR" || b == "CHARACTER")
}

// isFixedBinary reports a BINARY(n) column, whose values MySQL pads with zero bytes.
func isFixedBinary(t dataflow.Type) bool {
	return t.Kind == dataflow.KindString && t.Precision > 0 && sqlBase(t) == "BINARY"
}

// typeName is a canonical spelling of everything about t that Convert depends on, so that
// two CASTs render alike exactly when they convert alike.
func typeName(t dataflow.Type) string {
	switch t.Kind {
	case dataflow.KindNull:
		return "NULL"
	case dataflow.KindInt, dataflow.KindUint:
		bits := intBits(t)
		u := isUnsigned(t)
		if bits == 64 {
			if u {
				return "UNSIGNED"
			}
			return "SIGNED"
		}
		name := map[int]string{8: "TINYINT", 16: "SMALLINT", 24: "MEDIUMINT", 32: "INT"}[bits]
		if u {
			name += " UNSIGNED"
		}
		return name
	case dataflow.KindFloat:
		if isSingleFloat(t) {
			return "FLOAT"
		}
		return "DOUBLE"
	case dataflow.KindDecimal:
		s := "DECIMAL(" + strconv.Itoa(t.Precision) + "," + strconv.Itoa(t.Scale) + ")"
		if isUnsigned(t) {
			s += " UNSIGNED"
		}
		return s
	case dataflow.KindString:
		switch {
		case t.BinaryChar():
			return "CHAR(" + strconv.Itoa(t.Precision) + ") COLLATE utf8mb4_bin"
		case t.BinaryString():
			switch {
			case t.Precision <= 0:
				return "BINARY"
			case isFixedBinary(t):
				return "BINARY(" + strconv.Itoa(t.Precision) + ")"
			}
			return "VARBINARY(" + strconv.Itoa(t.Precision) + ")"
		case isFixedChar(t):
			return "CHAR(" + strconv.Itoa(t.Precision) + ")"
		case t.Precision > 0:
			return "VARCHAR(" + strconv.Itoa(t.Precision) + ")"
		}
		return "CHAR"
	case dataflow.KindDate:
		return "DATE"
	case dataflow.KindDatetime:
		if t.Scale > 0 {
			return "DATETIME(" + strconv.Itoa(t.Scale) + ")"
		}
		return "DATETIME"
	case dataflow.KindTime:
		if t.Scale > 0 {
			return "TIME(" + strconv.Itoa(t.Scale) + ")"
		}
		return "TIME"
	}
	return t.Kind.String()
}

// numClass is how an operand takes part in arithmetic.
type numClass uint8

const (
	classInt numClass = iota
	classDecimal
	classFloat
)

// classOf classifies a static type for arithmetic: strings are read as doubles, times as the
// integers (or decimals, with fractional seconds) MySQL reads them as.
func classOf(t dataflow.Type) numClass {
	switch t.Kind {
	case dataflow.KindNull, dataflow.KindInt, dataflow.KindUint, dataflow.KindDate:
		return classInt
	case dataflow.KindDatetime, dataflow.KindTime:
		if t.Scale > 0 {
			return classDecimal
		}
		return classInt
	case dataflow.KindDecimal:
		return classDecimal
	}
	return classFloat
}

// intDigits is the number of integer digits a numeric type can carry, for result precision.
func intDigits(t dataflow.Type) int {
	switch t.Kind {
	case dataflow.KindDecimal:
		if t.Precision > 0 {
			return max(t.Precision-t.Scale, 1)
		}
		return dataflow.MaxDecimalPrecision - t.Scale
	case dataflow.KindDate:
		return 8
	case dataflow.KindDatetime:
		return 14
	case dataflow.KindTime:
		return 7
	case dataflow.KindInt, dataflow.KindUint:
		if t.Precision > 0 && t.Precision < 20 {
			return t.Precision
		}
		return 20
	}
	return 20
}

// scaleOf is the fractional digits of a numeric type (0 for integers).
func scaleOf(t dataflow.Type) int {
	switch t.Kind {
	case dataflow.KindDecimal, dataflow.KindDatetime, dataflow.KindTime:
		return t.Scale
	}
	return 0
}

// MySQL's limits for DECIMAL result types.
const (
	maxDecPrecision = dataflow.MaxDecimalPrecision
	maxDecScale     = dataflow.MaxDecimalScale
)

func decimalType(intDig, scale int, nullable bool) dataflow.Type {
	scale = min(scale, maxDecScale)
	return dataflow.Type{Kind: dataflow.KindDecimal, Precision: min(intDig+scale, maxDecPrecision), Scale: scale, Nullable: nullable}
}

// aggregateType is the type MySQL gives a result that may come from any of ts (CASE, IF,
// COALESCE, GREATEST): NULLs adopt the others' type; integers with decimals are decimal;
// any double among numbers is double; DATE with DATETIME is DATETIME; anything with a string,
// or times with numbers, is a string.
func aggregateType(ts []dataflow.Type) dataflow.Type {
	out := dataflow.Type{Kind: dataflow.KindNull}
	intDig, scale, strLen := 0, 0, 0
	allUnsigned := true
	for _, t := range ts {
		if t.Nullable || t.Kind == dataflow.KindNull {
			out.Nullable = true
		}
		if t.Kind == dataflow.KindNull {
			continue
		}
		if isIntType(t) && !isUnsigned(t) {
			allUnsigned = false
		}
		if t.Kind == dataflow.KindDecimal || isIntType(t) {
			intDig = max(intDig, intDigits(t))
			scale = max(scale, scaleOf(t))
		}
		strLen = max(strLen, displayLen(t))
		out.Kind = combineKinds(out.Kind, t.Kind)
		if t.Kind == dataflow.KindDatetime {
			out.Scale = max(out.Scale, t.Scale)
		}
	}
	switch out.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		if allUnsigned {
			out.Kind, out.Unsigned = dataflow.KindUint, true
		} else {
			out.Kind = dataflow.KindInt
		}
	case dataflow.KindDecimal:
		d := decimalType(intDig, scale, out.Nullable)
		out.Precision, out.Scale = d.Precision, d.Scale
	case dataflow.KindString:
		out.Scale = 0
		out.Precision = strLen
	case dataflow.KindDate, dataflow.KindFloat:
		out.Scale = 0
	}
	return out
}

// displayLen bounds the characters a value of type t renders to, for string result lengths.
func displayLen(t dataflow.Type) int {
	switch t.Kind {
	case dataflow.KindString:
		return t.Precision
	case dataflow.KindDate:
		return 10
	case dataflow.KindDatetime:
		if t.Scale > 0 {
			return 20 + t.Scale
		}
		return 19
	case dataflow.KindTime:
		if t.Scale > 0 {
			return 11 + t.Scale
		}
		return 10
	case dataflow.KindDecimal:
		return intDigits(t) + t.Scale + 2
	case dataflow.KindFloat:
		return 22
	}
	return 21
}

func combineKinds(a, b dataflow.Kind) dataflow.Kind {
	if a == dataflow.KindNull {
		return b
	}
	if a == b {
		return a
	}
	num := func(k dataflow.Kind) bool {
		return k == dataflow.KindInt || k == dataflow.KindUint || k == dataflow.KindDecimal || k == dataflow.KindFloat
	}
	isTime := func(k dataflow.Kind) bool { return k == dataflow.KindDate || k == dataflow.KindDatetime }
	switch {
	case a == dataflow.KindString || b == dataflow.KindString:
		return dataflow.KindString
	case num(a) && num(b):
		if a == dataflow.KindFloat || b == dataflow.KindFloat {
			return dataflow.KindFloat
		}
		if a == dataflow.KindDecimal || b == dataflow.KindDecimal {
			return dataflow.KindDecimal
		}
		return dataflow.KindInt
	case isTime(a) && isTime(b):
		return dataflow.KindDatetime
	}
	return dataflow.KindString
}

// coerce converts a result value to an aggregated result type, so that a CASE or COALESCE
// returns values of one kind as MySQL does (COALESCE(int_col, 2.5) yields 3.0, not 3).
func coerce(v dataflow.Value, t dataflow.Type) dataflow.Value {
	if v.IsNull() || t.Kind == dataflow.KindNull {
		return v
	}
	switch {
	case v.Kind() == t.Kind && t.Kind != dataflow.KindDecimal && t.Kind != dataflow.KindDatetime && t.Kind != dataflow.KindTime:
		return v
	case isIntType(t) && (v.Kind() == dataflow.KindInt || v.Kind() == dataflow.KindUint):
		return v
	case v.Kind() == t.Kind && int(v.Scale()) == t.Scale:
		return v
	}
	loose := dataflow.Type{Kind: t.Kind, Unsigned: t.Unsigned, Scale: t.Scale}
	if cv, err := Convert(v, loose, false); err == nil {
		return cv
	}
	return v
}

func boolType(nullable bool) dataflow.Type {
	return dataflow.Type{Kind: dataflow.KindInt, Precision: 1, Nullable: nullable, SQL: ""}
}

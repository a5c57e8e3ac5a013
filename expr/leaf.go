package expr

import (
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// colRef reads one position of the input row.
type colRef struct {
	idx int
	col dataflow.Column
	str string
}

// NewCol references the input column at position idx; col supplies its type and name.
func NewCol(idx int, col dataflow.Column) Expr {
	return &colRef{idx: idx, col: col, str: "$" + strconv.Itoa(idx)}
}

func (c *colRef) Eval(row dataflow.Row) dataflow.Value {
	// A row narrower than the schema is a bug elsewhere, but Eval promises not to panic.
	if c.idx < 0 || c.idx >= len(row) {
		return dataflow.Null
	}
	return row[c.idx]
}

func (c *colRef) Type() dataflow.Type        { return c.col.Type }
func (c *colRef) String() string             { return c.str }
func (c *colRef) children() []Expr           { return nil }
func (c *colRef) withChildren(_ []Expr) Expr { return c }

// Index returns the input position of a column reference; ok is false for other expressions.
func Index(e Expr) (idx int, ok bool) {
	if c, isCol := e.(*colRef); isCol {
		return c.idx, true
	}
	return 0, false
}

// constant is a literal.
type constant struct {
	v   dataflow.Value
	t   dataflow.Type
	str string
	// boolean marks TRUE, FALSE and a folded comparison, which MySQL writes into a JSON
	// document as true or false where an integer stays a number.
	boolean bool
}

// NewBoolConst is the literal TRUE or FALSE (v is 1 or 0), or the value of a folded
// comparison: an integer everywhere but in a JSON document, where it is true or false.
func NewBoolConst(v dataflow.Value) Expr {
	return &constant{v: v, t: typeOfValue(v), str: formatLiteral(v), boolean: true}
}

// NewConst returns a literal whose type is inferred from the value.
func NewConst(v dataflow.Value) Expr {
	return &constant{v: v, t: typeOfValue(v), str: formatLiteral(v)}
}

// NewConstTyped returns a literal of type t. A value that already is one of t's (including
// the documented fallbacks, such as a DOUBLE from an overflowing BIGINT expression, so that
// folding a constant expression never changes its value) is kept as it is; any other value is
// converted to t as CAST would, and kept as given when that fails. The type supplies the
// column metadata (length, scale, nullability) that inference cannot know, e.g. for a NULL or
// a parameter.
func NewConstTyped(v dataflow.Value, t dataflow.Type) Expr {
	if !v.IsNull() && t.Kind != dataflow.KindNull && !fitsType(v, t) {
		if cv, err := Convert(v, t, false); err == nil {
			v = cv
		}
	}
	t.Nullable = v.IsNull()
	inferred := typeOfValue(v)
	str := formatLiteral(v)
	if !sameType(t, inferred) {
		str = "CAST(" + str + " AS " + typeName(t) + ")"
	}
	return &constant{v: v, t: t, str: str}
}

// fitsType reports whether a value is one an expression of static type t may produce:
// integers of either signedness (and DOUBLE, the overflow fallback) for integer types, a
// decimal of t's scale (or DOUBLE) for decimals, the same kind otherwise.
func fitsType(v dataflow.Value, t dataflow.Type) bool {
	if v.IsNull() {
		return true
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		// A negated BIGINT UNSIGNED past 2^63 is a DECIMAL of scale 0.
		return v.Kind() == dataflow.KindInt || v.Kind() == dataflow.KindUint || v.Kind() == dataflow.KindFloat ||
			(v.Kind() == dataflow.KindDecimal && v.Scale() == 0)
	case dataflow.KindDecimal:
		return (v.Kind() == dataflow.KindDecimal && int(v.Scale()) == t.Scale) || v.Kind() == dataflow.KindFloat
	}
	return v.Kind() == t.Kind
}

func (c *constant) Eval(dataflow.Row) dataflow.Value { return c.v }
func (c *constant) Type() dataflow.Type              { return c.t }
func (c *constant) String() string                   { return c.str }
func (c *constant) children() []Expr                 { return nil }
func (c *constant) withChildren(_ []Expr) Expr       { return c }

// ConstValue returns the value of a literal; ok is false for other expressions.
func ConstValue(e Expr) (v dataflow.Value, ok bool) {
	if c, isConst := e.(*constant); isConst {
		return c.v, true
	}
	return dataflow.Null, false
}

func sameType(a, b dataflow.Type) bool {
	return a.Kind == b.Kind && a.Unsigned == b.Unsigned && a.Precision == b.Precision &&
		a.Scale == b.Scale && a.SQL == b.SQL
}

// typeOfValue infers the type MySQL gives a literal.
func typeOfValue(v dataflow.Value) dataflow.Type {
	switch v.Kind() {
	case dataflow.KindNull:
		return dataflow.Type{Kind: dataflow.KindNull, Nullable: true}
	case dataflow.KindInt:
		return dataflow.Type{Kind: dataflow.KindInt, Precision: len(strconv.FormatInt(v.RawInt(), 10))}
	case dataflow.KindUint:
		return dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, Precision: len(strconv.FormatUint(v.RawUint(), 10))}
	case dataflow.KindFloat:
		return dataflow.Type{Kind: dataflow.KindFloat}
	case dataflow.KindDecimal:
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: min(max(v.DecimalDigits(), int(v.Scale())), dataflow.MaxDecimalPrecision),
			Scale: int(v.Scale())}
	case dataflow.KindString:
		if v.IsBinary() {
			return dataflow.Type{Kind: dataflow.KindString, Precision: len(v.RawString()), SQL: "VARBINARY"}
		}
		return dataflow.Type{Kind: dataflow.KindString, Precision: utf8.RuneCountInString(v.RawString())}
	case dataflow.KindDate:
		return dataflow.Type{Kind: dataflow.KindDate}
	case dataflow.KindDatetime:
		return dataflow.Type{Kind: dataflow.KindDatetime, Scale: int(v.Scale())}
	case dataflow.KindTime:
		return dataflow.Type{Kind: dataflow.KindTime, Scale: int(v.Scale())}
	}
	return dataflow.Type{Kind: v.Kind()}
}

func uabs(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}

// formatLiteral renders a value so that different values (and kinds) never render alike:
// doubles always carry an exponent, decimals their scale, strings are quoted and escaped.
func formatLiteral(v dataflow.Value) string {
	switch v.Kind() {
	case dataflow.KindNull:
		return "NULL"
	case dataflow.KindInt:
		return strconv.FormatInt(v.RawInt(), 10)
	case dataflow.KindUint:
		return "CAST(" + strconv.FormatUint(v.RawUint(), 10) + " AS UNSIGNED)"
	case dataflow.KindFloat:
		return strconv.FormatFloat(v.RawFloat(), 'e', -1, 64)
	case dataflow.KindDecimal:
		if v.Scale() == 0 {
			return "CAST(" + v.ToText() + " AS DECIMAL)"
		}
		return v.ToText()
	case dataflow.KindString:
		if _, ok := v.HexNumber(); ok {
			return "X'" + strings.ToUpper(hex.EncodeToString([]byte(v.RawString()))) + "'"
		}
		if v.IsBinary() {
			return "_binary" + quoteString(v.RawString())
		}
		return quoteString(v.RawString())
	case dataflow.KindDate:
		return "DATE'" + v.ToText() + "'"
	case dataflow.KindDatetime:
		return "TIMESTAMP'" + v.ToText() + "'"
	case dataflow.KindTime:
		return "TIME'" + v.ToText() + "'"
	}
	return "?" + v.Kind().String()
}

func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

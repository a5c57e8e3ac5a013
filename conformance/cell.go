package conformance

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// CellKind is the comparison class of a result value.
type CellKind uint8

const (
	CellNull CellKind = iota
	// CellExact is an integer or decimal, compared exactly by value (2 = 2.0000).
	CellExact
	// CellFloat is a DOUBLE or FLOAT, compared with a small relative tolerance.
	CellFloat
	// CellText is a string, compared byte for byte.
	CellText
	// CellTime is a DATE, DATETIME, TIMESTAMP or TIME, compared by its text.
	CellTime
)

// Cell is one result value normalized for comparison across targets: what a client could
// observe, independent of the protocol or API that delivered it.
type Cell struct {
	Kind CellKind
	// Text is the value as MySQL's text protocol renders it ("NULL" for NULL).
	Text  string
	exact *big.Rat
	float float64
}

// Null is the NULL cell.
var Null = Cell{Kind: CellNull, Text: "NULL"}

// TextCell returns a string cell.
func TextCell(s string) Cell { return Cell{Kind: CellText, Text: s} }

// TimeCell returns a temporal cell from its text form.
func TimeCell(s string) Cell { return Cell{Kind: CellTime, Text: s} }

// FloatCell returns a floating-point cell.
func FloatCell(f float64) Cell {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Null
	}
	return Cell{Kind: CellFloat, Text: dataflow.FormatFloat(f), float: f}
}

// ExactCell returns an integer or decimal cell from its decimal text ("-12", "3.50").
func ExactCell(text string) (Cell, error) {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return Cell{}, fmt.Errorf("conformance: %q is not a decimal number", text)
	}
	return Cell{Kind: CellExact, Text: text, exact: r}, nil
}

// IntCell returns an integer cell.
func IntCell(i int64) Cell {
	return Cell{Kind: CellExact, Text: strconv.FormatInt(i, 10), exact: new(big.Rat).SetInt64(i)}
}

// UintCell returns an unsigned integer cell.
func UintCell(u uint64) Cell {
	return Cell{Kind: CellExact, Text: strconv.FormatUint(u, 10), exact: new(big.Rat).SetUint64(u)}
}

// CellFromValue normalizes one of Weir's values.
func CellFromValue(v dataflow.Value) Cell {
	switch v.Kind() {
	case dataflow.KindNull:
		return Null
	case dataflow.KindInt:
		return IntCell(v.RawInt())
	case dataflow.KindUint:
		return UintCell(v.RawUint())
	case dataflow.KindFloat:
		return FloatCell(v.RawFloat())
	case dataflow.KindDecimal:
		coef, scale := v.BigDecimal()
		r := new(big.Rat).SetFrac(coef, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
		return Cell{Kind: CellExact, Text: v.ToText(), exact: r}
	case dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		return TimeCell(v.ToText())
	default:
		return TextCell(v.ToText())
	}
}

// CellFromDriver normalizes a value that database/sql scanned into an any, given the
// column's database type name as go-sql-driver reports it ("DECIMAL", "UNSIGNED BIGINT",
// "VARCHAR", "DATE", ...). The text protocol delivers numbers as int64/uint64/float and
// decimals and times as bytes; the binary protocol may deliver times as time.Time.
func CellFromDriver(v any, dbType string) (Cell, error) {
	dbType = strings.ToUpper(dbType)
	switch x := v.(type) {
	case nil:
		return Null, nil
	case int64:
		return IntCell(x), nil
	case int32:
		return IntCell(int64(x)), nil
	case uint64:
		return UintCell(x), nil
	case float64:
		return FloatCell(x), nil
	case float32:
		// Widening float32 directly would turn 1.1 into 1.100000023841858; go through its
		// shortest decimal form, which is what MySQL prints for a FLOAT.
		f, err := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		if err != nil {
			return Cell{}, fmt.Errorf("conformance: float32 %v: %w", x, err)
		}
		return FloatCell(f), nil
	case bool:
		if x {
			return IntCell(1), nil
		}
		return IntCell(0), nil
	case time.Time:
		return TimeCell(formatDriverTime(x, dbType)), nil
	case []byte:
		return cellFromText(string(x), dbType)
	case string:
		return cellFromText(x, dbType)
	}
	return Cell{}, fmt.Errorf("conformance: unexpected driver value %T for a %s column", v, dbType)
}

func formatDriverTime(t time.Time, dbType string) string {
	if dbType == "DATE" {
		return t.Format("2006-01-02")
	}
	s := t.Format("2006-01-02 15:04:05")
	if t.Nanosecond() != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%06d", t.Nanosecond()/1000), "0")
	}
	return s
}

func cellFromText(s, dbType string) (Cell, error) {
	base := strings.TrimPrefix(dbType, "UNSIGNED ")
	switch base {
	case "DECIMAL", "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "YEAR":
		return ExactCell(s)
	case "DOUBLE", "FLOAT":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return Cell{}, fmt.Errorf("conformance: %s value %q: %w", dbType, s, err)
		}
		return FloatCell(f), nil
	case "DATE", "DATETIME", "TIMESTAMP", "TIME":
		return TimeCell(s), nil
	case "BIT":
		// A BIT value arrives as its bytes, big-endian; it is the number they spell.
		var u uint64
		for i := 0; i < len(s); i++ {
			u = u<<8 | uint64(s[i])
		}
		return UintCell(u), nil
	}
	return TextCell(s), nil
}

// IsNumeric reports whether the cell is an exact or floating-point number.
func (c Cell) IsNumeric() bool { return c.Kind == CellExact || c.Kind == CellFloat }

func (c Cell) asFloat() float64 {
	if c.Kind == CellFloat {
		return c.float
	}
	f, _ := c.exact.Float64()
	return f
}

// Relative and absolute tolerance for comparisons that involve a floating-point value:
// DOUBLE arithmetic may round differently in the last digits, and MariaDB prints doubles with
// fewer digits than Go's shortest round-trip form.
const (
	floatRelTol = 1e-9
	floatAbsTol = 1e-12
)

// Equal reports whether two cells show the same value: numbers by value (exactly, unless
// either is floating-point), everything else by text. A number never equals a string, even
// one that reads as the same number: a client sees the difference in the column type.
func (c Cell) Equal(d Cell) bool {
	if c.Kind == CellNull || d.Kind == CellNull {
		return c.Kind == d.Kind
	}
	if c.IsNumeric() && d.IsNumeric() {
		if c.Kind == CellExact && d.Kind == CellExact {
			return c.exact.Cmp(d.exact) == 0
		}
		return floatsClose(c.asFloat(), d.asFloat())
	}
	if c.IsNumeric() != d.IsNumeric() {
		return false
	}
	return c.Text == d.Text
}

func floatsClose(a, b float64) bool {
	if a == b {
		return true
	}
	diff := math.Abs(a - b)
	return diff <= floatAbsTol || diff <= floatRelTol*math.Max(math.Abs(a), math.Abs(b))
}

// compareCells is a total order used to sort rows before matching and for display: NULL
// first, then numbers by value, then times and texts by text.
func compareCells(a, b Cell) int {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch ra {
	case 0:
		return 0
	case 1:
		if a.Kind == CellExact && b.Kind == CellExact {
			return a.exact.Cmp(b.exact)
		}
		fa, fb := a.asFloat(), b.asFloat()
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(a.Text, b.Text)
}

func rank(c Cell) int {
	switch c.Kind {
	case CellNull:
		return 0
	case CellExact, CellFloat:
		return 1
	}
	return 2
}

// String renders the cell for diffs: strings quoted, so that 'NULL' and NULL or '1' and 1
// are told apart.
func (c Cell) String() string {
	if c.Kind == CellText {
		return strconv.Quote(c.Text)
	}
	return c.Text
}

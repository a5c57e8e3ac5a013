package expr

import (
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// Value and expression shorthands for the tables.

var null = dataflow.Null

func vi(x int64) dataflow.Value   { return dataflow.Int(x) }
func vu(x uint64) dataflow.Value  { return dataflow.Uint(x) }
func vf(x float64) dataflow.Value { return dataflow.Float(x) }
func vs(s string) dataflow.Value  { return dataflow.String(s) }
func vb(s string) dataflow.Value  { return dataflow.Bytes(s) }

func vd(s string) dataflow.Value {
	v, ok := dataflow.ParseDecimalValue(s)
	if !ok {
		panic("bad decimal literal in test: " + s)
	}
	return v
}

func vdate(s string) dataflow.Value {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return dataflow.Date(t)
}

func vdt(s string, fsp uint8) dataflow.Value {
	t, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		panic(err)
	}
	return dataflow.Datetime(t, fsp)
}

func k(v dataflow.Value) Expr { return NewConst(v) }
func ki(x int64) Expr         { return k(vi(x)) }
func kd(s string) Expr        { return k(vd(s)) }
func kf(x float64) Expr       { return k(vf(x)) }
func ks(s string) Expr        { return k(vs(s)) }

var kn = NewConst(dataflow.Null)

func mustFunc(t testing.TB, name string, args ...Expr) Expr {
	t.Helper()
	e, err := NewFunc(name, args)
	if err != nil {
		t.Fatalf("NewFunc(%s): %v", name, err)
	}
	return e
}

// Column types used by the tables.
var (
	tInt      = dataflow.Type{Kind: dataflow.KindInt, SQL: "INT", Nullable: true}
	tBigint   = dataflow.Type{Kind: dataflow.KindInt, SQL: "BIGINT", Nullable: true}
	tUbig     = dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, SQL: "BIGINT UNSIGNED", Nullable: true}
	tDec102   = dataflow.Type{Kind: dataflow.KindDecimal, Precision: 10, Scale: 2, SQL: "DECIMAL(10,2)", Nullable: true}
	tDouble   = dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: true}
	tVarchar  = dataflow.Type{Kind: dataflow.KindString, Precision: 20, SQL: "VARCHAR(20)", Nullable: true}
	tDate     = dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true}
	tDatetime = dataflow.Type{Kind: dataflow.KindDatetime, SQL: "DATETIME", Nullable: true}
)

func col(i int, t dataflow.Type) Expr {
	return NewCol(i, dataflow.Column{Name: "c", Type: t})
}

// sameValue is exact equality for test expectations: the same kind and the same rendering
// (which includes a decimal's scale and a datetime's fractional digits).
func sameValue(a, b dataflow.Value) bool {
	ao, aok := a.Ordinal()
	bo, bok := b.Ordinal()
	return a.Kind() == b.Kind() && a.Scale() == b.Scale() && a.ToText() == b.ToText() && a.IsBinary() == b.IsBinary() &&
		ao == bo && aok == bok && a.IsSetValue() == b.IsSetValue()
}

func describe(v dataflow.Value) string {
	return v.Kind().String() + " " + v.String()
}

// evalCase is one expression with its expected value over a row.
type evalCase struct {
	e    Expr
	row  dataflow.Row
	want dataflow.Value
	// kind, when set, is the expected static result kind (Type().Kind).
	kind dataflow.Kind
	// scale is the expected static scale of a decimal result (checked when kind is DECIMAL).
	scale int
	// mysqlOnly marks results where MariaDB (used for the server cross-check) differs from
	// MySQL 8, which Weir follows.
	mysqlOnly bool
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		got := c.e.Eval(c.row)
		if !sameValue(got, c.want) {
			t.Errorf("%s over %v = %s, want %s", c.e, c.row, describe(got), describe(c.want))
		}
		if c.kind != dataflow.KindNull {
			ty := c.e.Type()
			if ty.Kind != c.kind {
				t.Errorf("%s: static kind %s, want %s", c.e, ty.Kind, c.kind)
			} else if c.kind == dataflow.KindDecimal && ty.Scale != c.scale {
				t.Errorf("%s: static scale %d, want %d", c.e, ty.Scale, c.scale)
			}
		}
		if !c.want.IsNull() && c.e.Type().Kind != dataflow.KindNull && !c.e.Type().Nullable && got.IsNull() {
			t.Errorf("%s: NULL from an expression typed NOT NULL", c.e)
		}
	}
}

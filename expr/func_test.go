package expr

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// fn builds a function call for the tables, which are constructed outside a test function.
func fn(name string, args ...Expr) Expr {
	e, err := NewFunc(name, args)
	if err != nil {
		panic(err)
	}
	return e
}

func funcCases() []evalCase {
	return []evalCase{
		// Control flow and NULL handling.
		{e: fn("COALESCE", kn, kd("2.5"), ki(1)), want: vd("2.5"), kind: kDec, scale: 1},
		{e: fn("COALESCE", ki(3), kd("2.5")), want: vd("3.0"), kind: kDec, scale: 1},
		{e: fn("COALESCE", kn, kn), want: null},
		{e: fn("coalesce", kn, ks("x")), want: vs("x"), kind: kStr},
		{e: fn("IFNULL", kn, kd("2.50")), want: vd("2.50"), kind: kDec, scale: 2},
		{e: fn("IFNULL", ki(1), ks("a")), want: vs("1"), kind: kStr},
		{e: fn("NULLIF", ki(1), kd("1.0")), want: null},
		{e: fn("NULLIF", ks("a"), ks("A")), want: null},
		{e: fn("NULLIF", kn, ki(1)), want: null},
		{e: fn("NULLIF", ki(2), kn), want: vi(2), kind: kInt},
		{e: fn("IF", ki(1), ki(1), kd("2.50")), want: vd("1.00"), kind: kDec, scale: 2},
		{e: fn("IF", kn, ki(1), ki(2)), want: vi(2), kind: kInt},
		{e: fn("IF", ks("abc"), ki(1), ki(2)), want: vi(2)},
		{e: fn("IF", kd("0.1"), ks("y"), ks("n")), want: vs("y"), kind: kStr},
		{e: fn("ISNULL", kn), want: vi(1), kind: kInt},
		{e: fn("ISNULL", ki(0)), want: vi(0)},
		{e: fn("GREATEST", ki(1), kd("2.5"), ki(3)), want: vd("3.0"), kind: kDec, scale: 1},
		{e: fn("GREATEST", ki(3), kd("2.5")), want: vd("3.0"), kind: kDec, scale: 1},
		{e: fn("LEAST", ki(1), kf(2.5)), want: vf(1), kind: kF},
		{e: fn("GREATEST", ks("b"), ks("A")), want: vs("b"), kind: kStr},
		{e: fn("LEAST", ks("b"), ks("A")), want: vs("A")},
		{e: fn("GREATEST", ki(1), kn), want: null},
		{e: fn("LEAST", kn, ki(1)), want: null},
		{e: fn("GREATEST", ks("10"), ki(9)), want: vf(10), kind: kF, mysqlOnly: true},
		{e: fn("GREATEST", k(vdate("2024-01-01")), k(vdate("2023-12-31"))), want: vdate("2024-01-01"), kind: kDt},
		{e: NewCase(ki(1), []When{{ki(2), ks("a")}, {ki(1), ks("b")}}, nil), want: vs("b"), kind: kStr},
		{e: NewCase(kn, []When{{kn, ki(1)}}, ki(0)), want: vi(0), kind: kInt},
		{e: NewCase(nil, []When{{kn, ki(1)}, {ki(0), ki(2)}}, nil), want: null},
		{e: NewCase(nil, []When{{ki(1), ki(1)}}, ks("a")), want: vs("1"), kind: kStr},
		{e: NewCase(nil, []When{{ki(1), ki(1)}}, kd("2.5")), want: vd("1.0"), kind: kDec, scale: 1},
		{e: NewCase(ks("x"), []When{{ks("X"), kf(1.5)}}, ki(2)), want: vf(1.5), kind: kF},
		{e: NewCase(nil, []When{{ki(0), ki(1)}}, nil), want: null, kind: kInt},

		// Strings.
		{e: fn("CONCAT", ki(1), kd("2.50"), ks("x")), want: vs("12.50x"), kind: kStr},
		{e: fn("CONCAT", ks("a"), kn), want: null},
		{e: fn("CONCAT", kf(1.5), k(vdate("2024-01-01"))), want: vs("1.52024-01-01")},
		{e: fn("CONCAT_WS", ks(","), ks("a"), kn, ks("b")), want: vs("a,b"), kind: kStr},
		{e: fn("CONCAT_WS", kn, ks("a")), want: null},
		{e: fn("CONCAT_WS", ks("-"), kn), want: vs("")},
		{e: fn("LOWER", ks("ÀBC")), want: vs("àbc"), kind: kStr},
		{e: fn("LCASE", ks("AbC")), want: vs("abc")},
		{e: fn("UPPER", ks("straße")), want: vs("STRAßE"), kind: kStr},
		{e: fn("UCASE", kn), want: null},
		{e: fn("LOWER", ki(12)), want: vs("12")},
		{e: fn("LENGTH", ks("é")), want: vi(2), kind: kInt},
		{e: fn("LENGTH", kd("1.50")), want: vi(4)},
		{e: fn("LENGTH", kn), want: null},
		{e: fn("CHAR_LENGTH", ks("é")), want: vi(1), kind: kInt},
		{e: fn("CHARACTER_LENGTH", ks("日本語")), want: vi(3)},
		{e: fn("SUBSTRING", ks("hello"), ki(2)), want: vs("ello"), kind: kStr},
		{e: fn("SUBSTRING", ks("hello"), ki(-3)), want: vs("llo")},
		{e: fn("SUBSTRING", ks("hello"), ki(0)), want: vs("")},
		{e: fn("SUBSTRING", ks("hello"), ki(-10)), want: vs("")},
		{e: fn("SUBSTRING", ks("hello"), ki(2), ki(2)), want: vs("el")},
		{e: fn("SUBSTRING", ks("hello"), ki(5), ki(10)), want: vs("o")},
		{e: fn("SUBSTRING", ks("hello"), ki(6)), want: vs("")},
		{e: fn("SUBSTRING", ks("hello"), ki(2), ki(-1)), want: vs("")},
		{e: fn("SUBSTR", ks("日本語"), ki(2), ki(1)), want: vs("本")},
		{e: fn("SUBSTRING", ks("hello"), kn), want: null},
		{e: fn("SUBSTRING", ks("hello"), ki(1), kn), want: null},
		{e: fn("MID", ks("hello"), kd("1.5"), ki(2)), want: vs("el")},
		{e: fn("LEFT", ks("hello"), ki(2)), want: vs("he"), kind: kStr},
		{e: fn("LEFT", ks("abc"), ki(-1)), want: vs("")},
		{e: fn("LEFT", ks("ab"), ki(5)), want: vs("ab")},
		{e: fn("RIGHT", ks("hello"), ki(2)), want: vs("lo")},
		{e: fn("RIGHT", ks("hi"), ki(5)), want: vs("hi")},
		{e: fn("RIGHT", ks("日本語"), ki(1)), want: vs("語")},
		{e: fn("LEFT", kn, ki(1)), want: null},
		{e: fn("TRIM", ks("  a  ")), want: vs("a"), kind: kStr},
		{e: fn("TRIM", ks("\ta ")), want: vs("\ta")},
		{e: fn("LTRIM", ks("  a ")), want: vs("a ")},
		{e: fn("RTRIM", ks(" a  ")), want: vs(" a")},
		{e: fn("TRIM", kn), want: null},
		{e: fn("REPLACE", ks("aAa"), ks("a"), ks("x")), want: vs("xAx"), kind: kStr},
		{e: fn("REPLACE", ks("abc"), ks(""), ks("x")), want: vs("abc")},
		{e: fn("REPLACE", ks("abc"), ks("b"), kn), want: null},
		{e: fn("REVERSE", ks("abc")), want: vs("cba"), kind: kStr},
		{e: fn("REVERSE", ks("日本")), want: vs("本日")},

		// Numbers.
		{e: fn("ABS", ki(-5)), want: vi(5), kind: kInt},
		{e: fn("ABS", kd("-2.50")), want: vd("2.50"), kind: kDec, scale: 2},
		{e: fn("ABS", kf(-1.5)), want: vf(1.5), kind: kF},
		{e: fn("ABS", ks("-2")), want: vf(2), kind: kF},
		{e: fn("ABS", kn), want: null},
		{e: fn("SIGN", kd("-3.2")), want: vi(-1), kind: kInt},
		{e: fn("SIGN", ki(0)), want: vi(0)},
		{e: fn("SIGN", kf(2.5)), want: vi(1)},
		{e: fn("SIGN", ks("-0.0")), want: vi(0)},
		{e: fn("SIGN", kn), want: null},
		{e: fn("ROUND", kd("125.5")), want: vd("126"), kind: kDec, scale: 0},
		{e: fn("ROUND", kd("-125.5")), want: vd("-126"), kind: kDec, scale: 0},
		{e: fn("ROUND", kd("2.5")), want: vd("3")},
		{e: fn("ROUND", kd("1.2345"), ki(2)), want: vd("1.23"), kind: kDec, scale: 2},
		{e: fn("ROUND", kd("1.235"), ki(2)), want: vd("1.24"), kind: kDec, scale: 2},
		{e: fn("ROUND", kd("1.25"), ki(1)), want: vd("1.3")},
		{e: fn("ROUND", kd("1.25"), ki(5)), want: vd("1.25000"), kind: kDec, scale: 5},
		{e: fn("TRUNCATE", kd("1.2"), ki(3)), want: vd("1.200"), kind: kDec, scale: 3},
		{e: fn("ROUND", kd("155.5"), ki(-1)), want: vd("160"), kind: kDec, scale: 0},
		{e: fn("ROUND", ki(12345), ki(-2)), want: vi(12300), kind: kInt},
		{e: fn("ROUND", ki(-12355), ki(-1)), want: vi(-12360), kind: kInt},
		{e: fn("ROUND", ki(125), ki(-1)), want: vi(130)},
		{e: fn("ROUND", ki(7)), want: vi(7), kind: kInt},
		{e: fn("ROUND", ki(7), ki(2)), want: vi(7)},
		{e: fn("ROUND", kf(2.5)), want: vf(2), kind: kF},
		{e: fn("ROUND", kf(0.5)), want: vf(0)},
		{e: fn("ROUND", kf(-2.5)), want: vf(-2)},
		{e: fn("ROUND", kf(1.5)), want: vf(2)},
		{e: fn("ROUND", kf(1.005), ki(2)), want: vf(1)},
		// rint(2.675 * 100) / 100: the product rounds to 267.5 in binary, then to even.
		{e: fn("ROUND", kf(2.675), ki(2)), want: vf(2.68)},
		{e: fn("ROUND", kf(0.125), ki(2)), want: vf(0.12)},
		{e: fn("ROUND", kf(1234.5), ki(-2)), want: vf(1200)},
		{e: fn("ROUND", ks("2.5")), want: vf(2), kind: kF},
		{e: fn("ROUND", kn, ki(1)), want: null},
		{e: fn("ROUND", kd("1.5"), kn), want: null},
		{e: fn("TRUNCATE", kd("1.298"), ki(1)), want: vd("1.2"), kind: kDec, scale: 1},
		{e: fn("TRUNCATE", kd("-1.999"), ki(2)), want: vd("-1.99"), kind: kDec, scale: 2},
		{e: fn("TRUNCATE", kf(-1.298), ki(1)), want: vf(-1.2), kind: kF},
		{e: fn("TRUNCATE", ki(125), ki(-1)), want: vi(120), kind: kInt},
		{e: fn("TRUNCATE", kd("199.9"), ki(-2)), want: vd("100"), kind: kDec, scale: 0},
		{e: fn("FLOOR", kd("1.5")), want: vi(1), kind: kInt},
		{e: fn("FLOOR", kd("-1.5")), want: vi(-2), kind: kInt},
		{e: fn("FLOOR", kd("-2.00")), want: vi(-2), kind: kInt},
		{e: fn("CEIL", kd("1.2")), want: vi(2), kind: kInt},
		{e: fn("CEILING", kd("-1.5")), want: vi(-1), kind: kInt},
		{e: fn("FLOOR", kf(1.5)), want: vf(1), kind: kF},
		{e: fn("CEIL", kf(1.5)), want: vf(2), kind: kF},
		{e: fn("FLOOR", ks("1.5")), want: vf(1), kind: kF},
		{e: fn("FLOOR", ki(3)), want: vi(3), kind: kInt},
		{e: fn("CEIL", kn), want: null},
		{e: fn("MOD", ki(-7), ki(3)), want: vi(-1), kind: kInt},
		{e: fn("MOD", ki(7), ki(0)), want: null},

		// Dates.
		{e: fn("YEAR", ks("2024-03-05")), want: vi(2024), kind: kInt},
		{e: fn("MONTH", ki(20240305)), want: vi(3), kind: kInt},
		{e: fn("DAY", ks("2024-02-30")), want: null},
		{e: fn("DAYOFMONTH", k(vdate("2024-03-05"))), want: vi(5)},
		{e: fn("YEAR", kn), want: null},
		{e: fn("HOUR", ks("2024-03-05 10:11:12")), want: vi(10)},
		{e: fn("MINUTE", k(vdt("2024-03-05 10:11:12", 0))), want: vi(11)},
		{e: fn("SECOND", k(vdt("2024-03-05 10:11:12", 0))), want: vi(12)},
		{e: fn("DATE", ks("2024-03-05 10:11:12")), want: vdate("2024-03-05"), kind: kDt},
		{e: fn("DATE", ki(20240305)), want: vdate("2024-03-05")},
		{e: fn("DATE", k(vdt("2024-03-05 23:59:59.5", 1))), want: vdate("2024-03-05")},
		{e: fn("DATE", ks("garbage")), want: null},

		// CAST.
		{e: NewCast(ks("12abc"), dataflow.Type{Kind: dataflow.KindInt}), want: vi(12), kind: kInt},
		{e: NewCast(ks("1.9"), dataflow.Type{Kind: dataflow.KindInt}), want: vi(1)},
		{e: NewCast(kd("1.5"), dataflow.Type{Kind: dataflow.KindInt}), want: vi(2)},
		{e: NewCast(kf(2.5), dataflow.Type{Kind: dataflow.KindInt}), want: vi(2)},
		{e: NewCast(ki(-5), dataflow.Type{Kind: dataflow.KindUint}), want: vu(18446744073709551611), kind: kU},
		{e: NewCast(ks("-1"), dataflow.Type{Kind: dataflow.KindInt, Unsigned: true}), want: vu(18446744073709551615)},
		{e: NewCast(kd("-1.5"), dataflow.Type{Kind: dataflow.KindUint}), want: vu(0)},
		{e: NewCast(kf(1e20), dataflow.Type{Kind: dataflow.KindInt}), want: vi(9223372036854775807)},
		{e: NewCast(kd("1.239"), dataflow.Type{Kind: dataflow.KindDecimal, Precision: 4, Scale: 2}), want: vd("1.24"), kind: kDec, scale: 2},
		{e: NewCast(kd("123.4"), dataflow.Type{Kind: dataflow.KindDecimal, Precision: 3, Scale: 1}), want: vd("99.9")},
		{e: NewCast(ks("abc"), dataflow.Type{Kind: dataflow.KindDate}), want: null, kind: kDt},
		{e: NewCast(ki(20240305), dataflow.Type{Kind: dataflow.KindDate}), want: vdate("2024-03-05")},
		{e: NewCast(kd("1.5"), dataflow.Type{Kind: dataflow.KindString}), want: vs("1.5"), kind: kStr},
		{e: NewCast(ks("abcdef"), dataflow.Type{Kind: dataflow.KindString, Precision: 3}), want: vs("abc")},
		{e: NewCast(kd("1.5"), dataflow.Type{Kind: dataflow.KindFloat}), want: vf(1.5), kind: kF},
		{e: NewCast(ks("2024-03-05 10:11:12.5"), dataflow.Type{Kind: dataflow.KindDatetime}), want: vdt("2024-03-05 10:11:13", 0), kind: kDtm, mysqlOnly: true},
		{e: NewCast(k(vdate("2024-03-05")), dataflow.Type{Kind: dataflow.KindDatetime}), want: vdt("2024-03-05 00:00:00", 0)},
		{e: NewCast(k(vdt("2024-03-05 10:11:12", 0)), dataflow.Type{Kind: dataflow.KindDate}), want: vdate("2024-03-05")},
		{e: NewCast(kn, dataflow.Type{Kind: dataflow.KindInt}), want: null},
	}
}

func TestFuncs(t *testing.T) { runEvalCases(t, funcCases()) }

func TestFuncsOverColumns(t *testing.T) {
	d, s, i, m := col(0, tDec102), col(1, tVarchar), col(2, tInt), col(3, tDatetime)
	row := dataflow.Row{vd("12.35"), vs("Weir"), vi(-4), vdt("2024-03-05 10:11:12", 0)}
	nulls := dataflow.Row{null, null, null, null}
	cases := []evalCase{
		{e: mustFunc(t, "ROUND", d, ki(1)), row: row, want: vd("12.4"), kind: kDec, scale: 1},
		{e: mustFunc(t, "ROUND", d), row: row, want: vd("12"), kind: kDec, scale: 0},
		// A non-constant precision keeps the argument's scale.
		{e: mustFunc(t, "ROUND", d, NewNeg(i)), row: row, want: vd("12.35"), kind: kDec, scale: 2},
		{e: mustFunc(t, "ROUND", d, NewArith(OpAdd, i, ki(5))), row: row, want: vd("12.40"), kind: kDec, scale: 2},
		{e: mustFunc(t, "FLOOR", d), row: row, want: vi(12), kind: kInt},
		{e: mustFunc(t, "COALESCE", i, d), row: nulls, want: null, kind: kDec, scale: 2},
		{e: mustFunc(t, "COALESCE", i, d), row: row, want: vd("-4.00")},
		{e: mustFunc(t, "CONCAT", s, ks(":"), i), row: row, want: vs("Weir:-4")},
		{e: mustFunc(t, "UPPER", s), row: nulls, want: null},
		{e: mustFunc(t, "YEAR", m), row: row, want: vi(2024)},
		{e: mustFunc(t, "DATE", m), row: row, want: vdate("2024-03-05"), kind: kDt},
		{e: mustFunc(t, "ABS", i), row: row, want: vi(4)},
		{e: mustFunc(t, "GREATEST", i, d, ki(0)), row: row, want: vd("12.35")},
		{e: mustFunc(t, "NULLIF", s, ks("WEIR")), row: row, want: null},
		{e: NewArith(OpMul, d, d), row: row, want: vd("152.5225"), kind: kDec, scale: 4},
		{e: NewArith(OpDiv, d, i), row: row, want: vd("-3.087500"), kind: kDec, scale: 6},
		{e: NewArith(OpAdd, col(0, tUbig), col(1, tUbig)), row: dataflow.Row{vu(1), vu(2)}, want: vu(3), kind: kU},
	}
	runEvalCases(t, cases)
	if ty := mustFunc(t, "COALESCE", i, ki(0)).Type(); ty.Nullable {
		t.Errorf("COALESCE with a NOT NULL argument is NOT NULL")
	}
	if ty := mustFunc(t, "YEAR", s).Type(); !ty.Nullable {
		t.Errorf("YEAR of a string may be NULL")
	}
	if ty := mustFunc(t, "CONCAT", s, ks("ab")).Type(); ty.Precision != 22 {
		t.Errorf("CONCAT length = %d, want 22", ty.Precision)
	}
}

func TestNewFuncErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		args  []Expr
		isErr error
	}{
		{"NO_SUCH_FN", []Expr{ki(1)}, ErrUnsupported},
		{"NOW", nil, ErrUnsupported},
		{"ROUND", nil, ErrArgCount},
		{"ROUND", []Expr{ki(1), ki(2), ki(3)}, ErrArgCount},
		{"IF", []Expr{ki(1), ki(2)}, ErrArgCount},
		{"CONCAT_WS", []Expr{ks(",")}, ErrArgCount},
		{"GREATEST", []Expr{ki(1)}, ErrArgCount},
		{"Year", []Expr{}, ErrArgCount},
		{"TRIM", []Expr{ks("a"), ks("b"), ks("SIDEWAYS")}, nil},
		{"TRIM", []Expr{ks("a"), ks("b"), col(0, tVarchar)}, nil},
	} {
		_, err := NewFunc(c.name, c.args)
		if err == nil {
			t.Errorf("NewFunc(%s, %d args) succeeded", c.name, len(c.args))
			continue
		}
		if !strings.Contains(err.Error(), c.name) {
			t.Errorf("error %q does not name %s", err, c.name)
		}
		if c.isErr != nil && !errors.Is(err, c.isErr) {
			t.Errorf("NewFunc(%s): %v is not %v", c.name, err, c.isErr)
		}
	}
	if _, err := NewFunc("trim", []Expr{ks("xxa"), ks("x"), ks("leading")}); err != nil {
		t.Errorf("TRIM with a direction: %v", err)
	}
}

func TestTrimForms(t *testing.T) {
	runEvalCases(t, []evalCase{
		{e: mustFunc(t, "TRIM", ks("xyxyaxy"), ks("xy")), want: vs("a")},
		{e: mustFunc(t, "TRIM", ks("xxax"), ks("x"), ks("LEADING")), want: vs("ax")},
		{e: mustFunc(t, "TRIM", ks("xxax"), ks("x"), ks("trailing")), want: vs("xxa")},
		{e: mustFunc(t, "TRIM", ks("xxax"), ks("")), want: vs("xxax")},
		{e: mustFunc(t, "TRIM", ks("xxax"), kn), want: null},
	})
}

// Extreme arguments that once risked overflow inside the implementation.
func TestFuncExtremes(t *testing.T) {
	runEvalCases(t, []evalCase{
		{e: mustFunc(t, "SUBSTRING", ks("abc"), ki(math.MinInt64)), want: vs("")},
		{e: mustFunc(t, "SUBSTRING", ks("abc"), ki(math.MaxInt64), ki(math.MaxInt64)), want: vs("")},
		{e: mustFunc(t, "SUBSTRING", ks("abc"), ki(1), ki(math.MaxInt64)), want: vs("abc")},
		{e: mustFunc(t, "LEFT", ks("abc"), ki(math.MaxInt64)), want: vs("abc")},
		{e: mustFunc(t, "RIGHT", ks("abc"), ki(math.MinInt64)), want: vs("")},
		// MariaDB extends the scale to 38 (MySQL to 30).
		{e: mustFunc(t, "ROUND", kd("1.5"), ki(math.MaxInt64)), want: vd("1.5" + strings.Repeat("0", 37))},
		{e: mustFunc(t, "ROUND", kd("-1.5"), ki(math.MinInt64)), want: vd("0")},
		{e: mustFunc(t, "ROUND", ki(math.MaxInt64), ki(-1)), want: vu(9223372036854775810)},
		{e: mustFunc(t, "ROUND", ki(math.MinInt64), ki(-1)), want: vf(-9223372036854775810)},
		{e: mustFunc(t, "ROUND", ki(5), ki(math.MinInt64)), want: vi(0)},
		{e: mustFunc(t, "ROUND", kf(1e300), ki(2)), want: vf(1e300)},
		{e: mustFunc(t, "ROUND", kf(1e300), ki(-400)), want: vf(0)},
		{e: mustFunc(t, "ABS", ki(math.MinInt64)), want: vu(1 << 63)},
		{e: mustFunc(t, "FLOOR", k(dataflow.Decimal(-15, 20))), want: vi(-1)},
		{e: NewArith(OpDiv, k(dataflow.Decimal(math.MinInt64, 4)), kd("-1.0000")), want: vd("922337203685477.58080000")},
		{e: NewArith(OpDiv, kd("999999999999999999"), kd("0.000000001")), want: vd("999999999999999999000000000.0000")},
	})
}

func TestJSONFunctions(t *testing.T) {
	doc := NewConst(dataflow.String(`{"a": 1, "b": {"c": [10,  20, "x"]}, "q\"k": "v\u00e9"}`))
	str := func(s string) Expr { return NewConst(dataflow.String(s)) }
	call := func(name string, args ...Expr) dataflow.Value {
		t.Helper()
		e, err := NewFunc(name, args)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return e.Eval(nil)
	}
	for _, c := range []struct {
		got  dataflow.Value
		want string
	}{
		{call("json_extract", doc, str("$.a")), "1"},
		{call("json_extract", doc, str("$.b")), `{"c": [10,  20, "x"]}`},
		{call("json_extract", doc, str("$.b.c[1]")), "20"},
		{call("json_extract", doc, str("$.b.c[2]")), `"x"`},
		{call("json_extract", doc, str(`$."q\"k"`)), `"v\u00e9"`},
		{call("json_extract", doc, str("$.a"), str("$.b.c[0]")), "[1, 10]"},
		{call("json_extract", doc, str("$.nope")), "NULL"},
		{call("json_extract", doc, str("$.b.c[9]")), "NULL"},
		{call("json_extract", str(`{"a":`), str("$.a")), "NULL"},
		{call("json_unquote", call2(t, "json_extract", doc, str(`$."q\"k"`))), "vé"},
		{call("json_unquote", str(`plain`)), "plain"},
		{call("json_valid", doc), "1"},
		{call("json_valid", str(`{"a":`)), "0"},
		{call("json_object", str("k"), NewConst(dataflow.Int(1)), str("s"), str(`a"b`), str("n"), NewConst(dataflow.Null)),
			`{"k": 1, "s": "a\"b", "n": null}`},
		{call("json_array", NewConst(dataflow.Int(1)), str("x"), call2(t, "json_array")), `[1, "x", []]`},
		// MariaDB's escapes: short forms where JSON has them, \u00XX (upper case) for the
		// other control characters, everything else (<, &, /, non-ASCII) as it is.
		{call("json_array", str("<a&/>\t\n\r\b\f\x01\x1f\x7fé\"\\")), `["<a&/>\t\n\r\b\f\u0001\u001F` + "\x7f" + `é\"\\"]`},
		{call("json_object", str("k\"\n"), str("v")), `{"k\"\n": "v"}`},
		{NewJSONMember(str(`a"b`), NewConst(dataflow.Decimal(150, 2))).Eval(nil), `"a\"b":1.50`},
		{NewJSONMember(str("k"), doc).Eval(nil), `"k":"{\"a\": 1, \"b\": {\"c\": [10,  20, \"x\"]}, \"q\\\"k\": \"v\\u00e9\"}"`},
		{NewJSONMember(str("k"), call2(t, "json_array", NewConst(dataflow.Null))).Eval(nil), `"k":[null]`},
		{NewJSONMember(NewConst(dataflow.Null), str("v")).Eval(nil), "NULL"},
	} {
		if c.got.ToText() != c.want {
			t.Errorf("got %s, want %s", c.got.ToText(), c.want)
		}
	}
	var je *JSONError
	if _, err := NewFunc("json_extract", []Expr{doc, str("$.a*")}); !errors.As(err, &je) || je.Code != CodeInvalidJSONPath {
		t.Errorf("a malformed path gave %v, want error 3143", err)
	}
	if _, err := NewFunc("json_object", []Expr{str("k")}); err == nil {
		t.Error("JSON_OBJECT with an odd argument count was accepted")
	}
}

// call2 builds a call for use as an argument.
func call2(t *testing.T, name string, args ...Expr) Expr {
	t.Helper()
	e, err := NewFunc(name, args)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

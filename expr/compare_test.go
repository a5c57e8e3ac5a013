package expr

import (
	"testing"

	"github.com/weirdb/weir/dataflow"
)

func compareCases() []evalCase {
	c := NewCompare
	one, zero := vi(1), vi(0)
	return []evalCase{
		{e: c(OpEQ, ki(1), ki(1)), want: one, kind: kInt},
		{e: c(OpEQ, ki(1), ks("1")), want: one},
		{e: c(OpEQ, ki(1), ks("1.0")), want: one},
		{e: c(OpEQ, ks("abc"), ki(0)), want: one},
		{e: c(OpEQ, ks("a"), ks("A")), want: one},
		{e: c(OpEQ, ks("a  "), ks("a")), want: one},
		{e: c(OpLT, ks("10"), ks("9")), want: one},
		{e: c(OpLT, ki(10), ks("9")), want: zero},
		{e: c(OpEQ, kd("1.0"), ki(1)), want: one},
		{e: c(OpLT, ki(1), kd("1.01")), want: one},
		{e: c(OpGT, kf(0.5), kd("0.49")), want: one},
		{e: c(OpEQ, ki(1), kn), want: null},
		{e: c(OpNE, kn, ki(1)), want: null},
		{e: c(OpNE, ki(1), ki(2)), want: one},
		{e: c(OpLE, ki(2), ki(2)), want: one},
		{e: c(OpGE, ki(1), ki(2)), want: zero},
		{e: c(OpNullSafeEQ, kn, kn), want: one},
		{e: c(OpNullSafeEQ, ki(1), kn), want: zero},
		{e: c(OpNullSafeEQ, ks("x"), ks("X")), want: one},
		{e: c(OpEQ, k(vdate("2024-01-01")), ks("2024-01-01")), want: one},
		{e: c(OpEQ, k(vdate("2024-01-01")), ks("2024-1-1")), want: one},
		{e: c(OpLT, k(vdate("2024-01-01")), k(vdt("2024-01-01 00:00:01", 0))), want: one},
		{e: c(OpEQ, k(vdate("2024-01-01")), ki(20240101)), want: one},
		{e: NewIsNull(kn, false), want: one, kind: kInt},
		{e: NewIsNull(ki(0), false), want: zero},
		{e: NewIsNull(kn, true), want: zero},
		{e: NewIsBool(ki(2), true, false), want: one},
		{e: NewIsBool(ki(0), true, false), want: zero},
		{e: NewIsBool(kn, true, false), want: zero},
		{e: NewIsBool(kn, false, false), want: zero},
		{e: NewIsBool(kn, true, true), want: one},
		{e: NewIsBool(kn, false, true), want: one},
		{e: NewIsBool(ki(0), false, false), want: one},
		{e: NewIsBool(ks("abc"), false, false), want: one},
		{e: NewIsBool(kd("0.01"), true, false), want: one},
		{e: NewIn(ki(1), []Expr{ki(1), ki(2)}, false), want: one, kind: kInt},
		{e: NewIn(ki(3), []Expr{ki(1), ki(2)}, false), want: zero},
		{e: NewIn(ki(3), []Expr{ki(1), kn}, false), want: null},
		{e: NewIn(ki(1), []Expr{kn, ki(1)}, false), want: one},
		{e: NewIn(kn, []Expr{ki(1)}, false), want: null},
		{e: NewIn(ki(3), []Expr{ki(1), kn}, true), want: null},
		{e: NewIn(ki(3), []Expr{ki(1), ki(2)}, true), want: one},
		{e: NewIn(ki(1), []Expr{ki(1), kn}, true), want: zero},
		{e: NewIn(ks("a"), []Expr{ks("B"), ks("A")}, false), want: one},
		{e: NewIn(kd("2.0"), []Expr{ki(1), ki(2)}, false), want: one},
		{e: NewBetween(ki(2), ki(1), ki(3), false), want: one, kind: kInt},
		{e: NewBetween(ki(1), ki(1), ki(1), false), want: one},
		{e: NewBetween(ki(0), ki(1), kn, false), want: zero},
		{e: NewBetween(ki(2), ki(1), kn, false), want: null},
		{e: NewBetween(ki(5), kn, ki(3), false), want: zero},
		{e: NewBetween(kn, ki(1), ki(3), false), want: null},
		{e: NewBetween(ki(0), ki(1), kn, true), want: one},
		{e: NewBetween(ki(2), ki(1), kn, true), want: null},
		{e: NewBetween(ki(2), ki(1), ki(3), true), want: zero},
		{e: NewBetween(ks("b"), ks("A"), ks("C"), false), want: one},
		{e: NewBetween(k(vdate("2024-02-01")), ks("2024-01-01"), ks("2024-12-31"), false), want: one},
	}
}

func TestCompare(t *testing.T) { runEvalCases(t, compareCases()) }

// Comparisons and predicates over columns, including the string literal that NewCompare
// reads as a time once.
func TestCompareColumns(t *testing.T) {
	d, s, i := col(0, tDate), col(1, tVarchar), col(2, tInt)
	row := dataflow.Row{vdate("2024-03-05"), vs("Hello"), vi(7)}
	nullRow := dataflow.Row{null, null, null}
	runEvalCases(t, []evalCase{
		{e: NewCompare(OpEQ, d, ks("2024/3/5")), row: row, want: vi(1)},
		{e: NewCompare(OpGT, ks("2024-03-04 23:59:59"), d), row: row, want: vi(0)},
		{e: NewCompare(OpEQ, s, ks("HELLO ")), row: row, want: vi(1)},
		{e: NewCompare(OpLT, i, kd("7.5")), row: row, want: vi(1)},
		{e: NewIn(d, []Expr{ks("2024-03-05"), kn}, false), row: row, want: vi(1)},
		{e: NewBetween(d, ks("2024-03-01"), ks("2024-03-31"), false), row: row, want: vi(1)},
		{e: NewCompare(OpEQ, d, ks("2024-03-05")), row: nullRow, want: null},
		{e: NewCompare(OpNullSafeEQ, s, kn), row: nullRow, want: vi(1)},
		{e: NewIsNull(i, true), row: nullRow, want: vi(0)},
		// A row narrower than the schema reads as NULL rather than panicking.
		{e: NewCompare(OpEQ, col(5, tInt), ki(1)), row: row, want: null},
	})
	if got := NewCompare(OpEQ, d, ks("2024/3/5")).String(); got != "($0 = '2024/3/5')" {
		t.Errorf("String keeps the literal as written: got %s", got)
	}
	if NewCompare(OpNullSafeEQ, i, kn).Type().Nullable {
		t.Errorf("<=> is never NULL")
	}
	if !NewCompare(OpEQ, i, ki(1)).Type().Nullable {
		t.Errorf("= over a nullable column is nullable")
	}
}

// truthTable maps the three truth values to expressions producing them.
var truthValues = []struct {
	name string
	e    Expr
	t    tri
}{
	{"TRUE", ki(1), triTrue},
	{"FALSE", ki(0), triFalse},
	{"NULL", kn, triNull},
}

func TestLogicTruthTables(t *testing.T) {
	and := [3][3]tri{ // [a][b] in the order false, true, null
		{triFalse, triFalse, triFalse},
		{triFalse, triTrue, triNull},
		{triFalse, triNull, triNull},
	}
	or := [3][3]tri{
		{triFalse, triTrue, triNull},
		{triTrue, triTrue, triTrue},
		{triNull, triTrue, triNull},
	}
	xor := [3][3]tri{
		{triFalse, triTrue, triNull},
		{triTrue, triFalse, triNull},
		{triNull, triNull, triNull},
	}
	for _, a := range truthValues {
		for _, b := range truthValues {
			for _, op := range []struct {
				name  string
				build func(l, r Expr) Expr
				table [3][3]tri
			}{{"AND", NewAnd, and}, {"OR", NewOr, or}, {"XOR", NewXor, xor}} {
				got := op.build(a.e, b.e).Eval(nil)
				want := op.table[a.t][b.t].value()
				if !sameValue(got, want) {
					t.Errorf("%s %s %s = %v, want %v", a.name, op.name, b.name, got, want)
				}
			}
		}
		want := map[tri]dataflow.Value{triTrue: vi(0), triFalse: vi(1), triNull: null}[a.t]
		if got := NewNot(a.e).Eval(nil); !sameValue(got, want) {
			t.Errorf("NOT %s = %v, want %v", a.name, got, want)
		}
	}
	// Non-boolean operands are read by their truth: 'abc' is 0, 0.5 is true.
	runEvalCases(t, []evalCase{
		{e: NewAnd(ks("abc"), ki(1)), want: vi(0)},
		{e: NewOr(kd("0.5"), kn), want: vi(1)},
		{e: NewNot(ks("2x")), want: vi(0)},
		{e: NewXor(kf(0.1), ki(0)), want: vi(1)},
	})
}

// probe is an expression that records whether it was evaluated.
type probe struct{ evaluated *bool }

func (p probe) Eval(dataflow.Row) dataflow.Value { *p.evaluated = true; return vi(1) }
func (p probe) Type() dataflow.Type              { return boolType(false) }
func (p probe) String() string                   { return "probe" }

func TestShortCircuit(t *testing.T) {
	var hit bool
	NewAnd(ki(0), probe{&hit}).Eval(nil)
	NewOr(ki(1), probe{&hit}).Eval(nil)
	NewCompare(OpEQ, kn, probe{&hit}).Eval(nil)
	if hit {
		t.Errorf("right operand evaluated although the left decided the result")
	}
	NewAnd(kn, probe{&hit}).Eval(nil)
	if !hit {
		t.Errorf("NULL AND x must look at x (x may be false)")
	}
}

package expr

import (
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// TestPGDiv: PostgreSQL's numeric division chooses its scale from the values: 16
// significant digits at least, the operands' scales at least (the results are PostgreSQL
// 15's own); a floating-point operand divides in double precision; a zero divisor is NULL.
func TestPGDiv(t *testing.T) {
	dec := func(s string) dataflow.Value {
		v, ok := dataflow.ParseDecimalValue(s)
		if !ok {
			t.Fatalf("decimal %s", s)
		}
		return v
	}
	for _, c := range []struct {
		l, r dataflow.Value
		want string
	}{
		{dataflow.Int(3), dataflow.Int(2), "1.5000000000000000"},
		{dataflow.Int(30000), dataflow.Int(2), "15000.000000000000"},
		{dataflow.Int(1), dataflow.Int(3), "0.33333333333333333333"},
		{dec("10.50"), dataflow.Int(3), "3.5000000000000000"},
		{dec("0.05"), dataflow.Int(7), "0.00714285714285714286"},
		{dec("-2.00"), dec("3"), "-0.66666666666666666667"},
		{dec("0.00"), dataflow.Int(4), "0.00000000000000000000"},
		{dataflow.Int(20000000000), dataflow.Int(3), "6666666666.66666667"},
	} {
		got := NewPGDiv(NewConst(c.l), NewConst(c.r)).Eval(nil)
		if got.ToText() != c.want {
			t.Errorf("%v / %v = %s, want %s", c.l, c.r, got.ToText(), c.want)
		}
	}
	if got := NewPGDiv(NewConst(dataflow.Int(1)), NewConst(dataflow.Int(0))).Eval(nil); !got.IsNull() {
		t.Errorf("1 / 0 = %v, want NULL", got)
	}
	f := NewPGAvg(NewConst(dataflow.Float(1)), NewConst(dataflow.Int(4)))
	if got := f.Eval(nil); f.Type().Kind != dataflow.KindFloat || got.RawFloat() != 0.25 {
		t.Errorf("avg of floats: %v of %v, want 0.25 in double precision", got, f.Type())
	}
}

package expr

import (
	"math"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

const (
	kInt = dataflow.KindInt
	kU   = dataflow.KindUint
	kDec = dataflow.KindDecimal
	kF   = dataflow.KindFloat
	kStr = dataflow.KindString
	kDt  = dataflow.KindDate
	kDtm = dataflow.KindDatetime
)

func arithCases() []evalCase {
	a := NewArith
	return []evalCase{
		{e: a(OpAdd, ki(1), ki(2)), want: vi(3), kind: kInt},
		{e: a(OpAdd, ki(1), kn), want: null},
		{e: a(OpAdd, kn, ki(1)), want: null},
		{e: a(OpSub, ki(1), ki(5)), want: vi(-4), kind: kInt},
		{e: a(OpMul, ki(-3), ki(7)), want: vi(-21), kind: kInt},
		{e: a(OpAdd, kd("1.5"), ki(1)), want: vd("2.5"), kind: kDec, scale: 1},
		{e: a(OpAdd, kd("1.50"), kd("1.5")), want: vd("3.00"), kind: kDec, scale: 2},
		{e: a(OpSub, kd("0.1"), kd("0.30")), want: vd("-0.20"), kind: kDec, scale: 2},
		{e: a(OpAdd, kd("0.1"), kd("0.2")), want: vd("0.3"), kind: kDec, scale: 1},
		{e: a(OpMul, kd("1.5"), kd("1.25")), want: vd("1.875"), kind: kDec, scale: 3},
		{e: a(OpMul, kd("-0.10"), ki(3)), want: vd("-0.30"), kind: kDec, scale: 2},
		{e: a(OpAdd, kf(1.5), ki(1)), want: vf(2.5), kind: kF},
		{e: a(OpAdd, ks("1.5"), ki(1)), want: vf(2.5), kind: kF},
		{e: a(OpAdd, ks("abc"), ki(1)), want: vf(1), kind: kF},
		{e: a(OpMul, ks("3x"), kd("0.5")), want: vf(1.5), kind: kF},
		{e: a(OpDiv, ki(1), ki(3)), want: vd("0.3333"), kind: kDec, scale: 4},
		{e: a(OpDiv, ki(2), ki(3)), want: vd("0.6667"), kind: kDec, scale: 4},
		{e: a(OpDiv, ki(-2), ki(3)), want: vd("-0.6667"), kind: kDec, scale: 4},
		{e: a(OpDiv, ki(7), ki(2)), want: vd("3.5000"), kind: kDec, scale: 4},
		{e: a(OpDiv, kd("1.00"), ki(3)), want: vd("0.333333"), kind: kDec, scale: 6},
		{e: a(OpDiv, ki(1), kd("0.3")), want: vd("3.3333"), kind: kDec, scale: 4},
		{e: a(OpDiv, ki(1), ki(0)), want: null, kind: kDec, scale: 4},
		{e: a(OpDiv, kd("1.5"), kd("0.0")), want: null},
		{e: a(OpDiv, kf(1), ki(4)), want: vf(0.25), kind: kF},
		{e: a(OpDiv, kf(1.5), ki(0)), want: null, kind: kF},
		{e: a(OpDiv, kn, ki(0)), want: null},
		{e: a(OpIntDiv, ki(5), ki(2)), want: vi(2), kind: kInt},
		{e: a(OpIntDiv, ki(-5), ki(2)), want: vi(-2), kind: kInt},
		{e: a(OpIntDiv, kd("5.5"), ki(2)), want: vi(2), kind: kInt},
		{e: a(OpIntDiv, kd("-7.5"), kd("0.5")), want: vi(-15), kind: kInt},
		{e: a(OpIntDiv, kf(5.5), ki(2)), want: vi(2), kind: kInt},
		{e: a(OpIntDiv, ki(5), ki(0)), want: null, kind: kInt},
		{e: a(OpMod, ki(-5), ki(3)), want: vi(-2), kind: kInt},
		{e: a(OpMod, ki(5), ki(-3)), want: vi(2), kind: kInt},
		{e: a(OpMod, kd("-5.5"), ki(2)), want: vd("-1.5"), kind: kDec, scale: 1},
		{e: a(OpMod, kd("5.25"), kd("0.5")), want: vd("0.25"), kind: kDec, scale: 2},
		{e: a(OpMod, kf(5.5), ki(2)), want: vf(1.5), kind: kF},
		{e: a(OpMod, ki(5), ki(0)), want: null},
		{e: a(OpMod, kd("5.0"), ki(0)), want: null},
		{e: a(OpMod, kf(5), kf(0)), want: null},
		{e: a(OpAdd, k(vdate("2024-01-31")), ki(1)), want: vi(20240132), kind: kInt},
		{e: a(OpAdd, k(vdt("2024-01-31 10:00:00", 0)), ki(1)), want: vi(20240131100001), kind: kInt},
		{e: NewNeg(ki(5)), want: vi(-5), kind: kInt},
		{e: NewNeg(kd("1.50")), want: vd("-1.50"), kind: kDec, scale: 2},
		{e: NewNeg(ks("2")), want: vf(-2), kind: kF},
		{e: NewNeg(kn), want: null},
		{e: NewNeg(NewNeg(kf(2.5))), want: vf(2.5), kind: kF},
	}
}

func TestArith(t *testing.T) { runEvalCases(t, arithCases()) }

// Results MySQL reports as errors: Weir documents what it returns instead.
func TestArithOverflow(t *testing.T) {
	a := NewArith
	big := ki(math.MaxInt64)
	small := ki(math.MinInt64)
	runEvalCases(t, []evalCase{
		{e: a(OpAdd, big, ki(1)), want: vu(1 << 63)},
		{e: a(OpSub, small, ki(1)), want: vf(-9.223372036854775809e18)},
		{e: a(OpMul, big, big), want: vf(float64(math.MaxInt64) * float64(math.MaxInt64))},
		{e: a(OpIntDiv, small, ki(-1)), want: vu(1 << 63)},
		{e: a(OpMod, small, ki(-1)), want: vi(0)},
		{e: a(OpAdd, k(vu(math.MaxUint64)), ki(1)), want: vf(1.8446744073709552e19)},
		{e: a(OpSub, k(vu(math.MaxUint64)), ki(1)), want: vu(math.MaxUint64 - 1)},
		{e: a(OpAdd, k(vu(math.MaxUint64)), kd("0.5")), want: vd("18446744073709551615.5"), kind: kDec, scale: 1},
		{e: a(OpMul, kd("999999999999999999"), ki(10)), want: vd("9999999999999999990")},
		{e: a(OpMul, kd("0.0000000001"), kd("0.0000000001")), want: vd("0.00000000000000000001"), kind: kDec, scale: 20},
		{e: a(OpMul, kd("0.0000000005"), kd("0.000000001")), want: vd("0.0000000000000000005"), kind: kDec, scale: 19},
		// Past 81 digits MariaDB raises error 1690; Eval gives the nearest DOUBLE.
		{e: a(OpMul, kd(strings.Repeat("9", 65)), kd(strings.Repeat("9", 20))), want: vf(1e85)},
		// Fractional digits past 81 digits in all are rounded away (MariaDB drops them too,
		// less exactly: its product drops low words of the operands first).
		{e: a(OpMul, kd(strings.Repeat("9", 60)+".5"), kd(strings.Repeat("9", 20)+".25")),
			want: vd("99999999999999999999249999999999999999999999999999999999999950000000000000000000.4")},
		{e: NewNeg(small), want: vu(1 << 63)},
		{e: NewNeg(k(vu(1 << 63))), want: vi(math.MinInt64)},
		{e: NewNeg(k(vu(math.MaxUint64))), want: vd("-18446744073709551615")},
	})
}

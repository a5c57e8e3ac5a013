package expr

import (
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// hotExprs are the shapes a filter evaluates per row; none may allocate.
func hotExprs() map[string]Expr {
	a, b := col(0, tBigint), col(1, tBigint)
	return map[string]Expr{
		"col":        a,
		"const":      ki(5),
		"eq":         NewCompare(OpEQ, a, ki(5)),
		"lt-cols":    NewCompare(OpLT, a, b),
		"nullsafe":   NewCompare(OpNullSafeEQ, a, kn),
		"and-or-not": NewOr(NewAnd(NewCompare(OpGT, a, ki(1)), NewCompare(OpLE, b, ki(100))), NewNot(NewCompare(OpNE, a, b))),
		"is-null":    NewIsNull(a, true),
		"in":         NewIn(a, []Expr{ki(1), ki(2), ki(3)}, false),
		"between":    NewBetween(a, ki(1), ki(10), false),
		"dec-cmp":    NewCompare(OpGE, col(2, tDec102), kd("9.99")),
		"add-int":    NewArith(OpAdd, a, ki(1)),
		"like-const": NewLike(col(3, tVarchar), ks("ab%"), '\\', false),
		"string-eq":  NewCompare(OpEQ, col(3, tVarchar), ks("ABCDEF")),
	}
}

var benchRow = dataflow.Row{vi(7), vi(9), vd("12.50"), vs("abcdef")}

func TestEvalDoesNotAllocate(t *testing.T) {
	for name, e := range hotExprs() {
		if n := testing.AllocsPerRun(100, func() { e.Eval(benchRow) }); n != 0 {
			t.Errorf("%s (%s): %v allocations per Eval", name, e, n)
		}
	}
}

func BenchmarkEvalCompare(b *testing.B) {
	for _, name := range []string{"eq", "lt-cols", "and-or-not", "in", "dec-cmp", "string-eq", "like-const"} {
		e := hotExprs()[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Eval(benchRow)
			}
		})
	}
}

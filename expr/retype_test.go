package expr

import (
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// TestRetyped: a retyped expression computes its operand's values under another type's
// name, keeps the operand's nullability, and is told apart from it by its String.
func TestRetyped(t *testing.T) {
	col := NewCol(0, dataflow.Column{Name: "a", Type: dataflow.Type{Kind: dataflow.KindInt, SQL: "INT", Nullable: true}})
	sum := NewArith(OpAdd, col, NewConst(dataflow.Int(1)))
	intType := dataflow.Type{Kind: dataflow.KindInt, Precision: 11, SQL: "INT"}
	r := NewRetyped(sum, intType)
	if got := r.Eval(dataflow.Row{dataflow.Int(1 << 40)}); got.RawInt() != 1<<40+1 {
		t.Errorf("value %v, want the operand's, unchanged", got)
	}
	if rt := r.Type(); rt.SQL != "INT" || !rt.Nullable {
		t.Errorf("type %+v, want INT, nullable as the operand", rt)
	}
	if r.String() == sum.String() {
		t.Errorf("String %s is the operand's", r.String())
	}
	if NewRetyped(sum, dataflow.Type{Kind: dataflow.KindDecimal, SQL: "DECIMAL"}) != sum {
		t.Error("a type of another kind must leave the expression as it is")
	}
}

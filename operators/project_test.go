package operators

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

func TestProjectIncremental(t *testing.T) {
	rows := genRow(
		genValue(dataflow.Null, dataflow.Int(1), dataflow.Int(2)),
		genValue(dataflow.String("a"), dataflow.String("A")),
	)
	ref := func(in propInputs) []dataflow.Row {
		var out []dataflow.Row
		for _, r := range in[0] {
			inc := dataflow.Null
			if !r[0].IsNull() {
				inc = dataflow.Int(r[0].RawInt() + 1)
			}
			out = append(out, dataflow.Row{r[1], inc, dataflow.Null})
		}
		return out
	}
	rapid.Check(t, func(t *rapid.T) {
		op := NewProject([]expr.Expr{tCol(1), tAdd{col: 0, n: 1}, nil})
		checkIncremental(t, op, []*rapid.Generator[dataflow.Row]{rows}, ref)
	})
}

func TestProjectDescribe(t *testing.T) {
	if d := NewProject([]expr.Expr{tCol(2), nil, tAdd{col: 1, n: 3}}).Describe(); d != "project($2, NULL, ($1 + 3))" {
		t.Fatalf("Describe() = %q", d)
	}
}

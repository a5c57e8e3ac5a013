package reference

import (
	"fmt"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// EvaluateAt is Evaluate with the clock reading at: a query that compares rows with NOW()
// (a planner.TemporalFilter) is evaluated as it stands at that instant. Evaluate refuses
// such a query, since its result depends on when it runs.
func EvaluateAt(q *planner.Query, tables func(name string) []dataflow.Row, at time.Time) (*Snapshot, error) {
	return evaluate(q, tables, &at)
}

// EvalAt is Eval at an instant (see EvaluateAt).
func EvalAt(q *planner.Query, tables func(name string) []dataflow.Row, args []dataflow.Value, at time.Time) ([]dataflow.Row, error) {
	s, err := EvaluateAt(q, tables, at)
	if err != nil {
		return nil, err
	}
	return s.Lookup(args)
}

// temporal keeps the rows for which every atom holds at the evaluator's instant, each row
// judged from scratch: the clocks' values at the instant follow the row, and each atom's
// comparison reads them.
func (ev *evaluator) temporal(n *planner.TemporalFilter) ([]dataflow.Row, error) {
	in, err := ev.eval(n.Input)
	if err != nil {
		return nil, err
	}
	if ev.at == nil {
		return nil, fmt.Errorf("%w: a temporal filter evaluated without an instant (use EvaluateAt)", ErrInvalidPlan)
	}
	if len(n.Atoms) == 0 {
		return nil, fmt.Errorf("%w: temporal filter without atoms", ErrInvalidPlan)
	}
	clockRow := expr.ClockValues(nil, n.Clocks, *ev.at)
	var out []dataflow.Row
	for _, r := range in {
		ext := append(append(dataflow.Row{}, r...), clockRow...)
		keep := true
		for _, a := range n.Atoms {
			if !a.Cmp.Eval(ext).Truthy() {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, r)
		}
	}
	return out, nil
}

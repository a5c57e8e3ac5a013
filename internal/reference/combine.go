package reference

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// combine computes what a read of a query with planner.Query.Combine returns from the
// per-key groups its keys match: the groups of equal Groups columns put together, each
// aggregate computed again from its parts (counts and sums added exactly, extremes taken,
// AVG as the exact sum over the count), then HAVING, the result expressions, DISTINCT,
// ORDER BY and the window. An aggregate that collects (COUNT, SUM and AVG over DISTINCT
// values, GROUP_CONCAT, JSON aggregates) is computed from scratch over the group's rows, which
// hold its argument. It shares none of the planner's combination code.
func (s *Snapshot) combine(rows []dataflow.Row) ([]dataflow.Row, error) {
	c := s.q.Combine
	cols := s.q.Root.Columns()
	var order []string
	parts := map[string][]dataflow.Row{}
	for _, r := range rows {
		if len(r) < c.Width {
			return nil, fmt.Errorf("%w: combined row %v narrower than %d columns", ErrInvalidPlan, r, c.Width)
		}
		k := string(dataflow.AppendRowKey(nil, r, c.Groups))
		if _, ok := parts[k]; !ok {
			order = append(order, k)
		}
		parts[k] = append(parts[k], r)
	}
	if len(c.Groups) == 0 && len(order) == 0 {
		order = append(order, "")
	}
	var out []dataflow.Row
	for _, k := range order {
		group := parts[k]
		row := make(dataflow.Row, c.Width)
		if len(group) > 0 {
			copy(row, group[0][:c.Width])
		}
		column := func(col int) []dataflow.Value {
			var vals []dataflow.Value
			for _, r := range group {
				if !r[col].IsNull() {
					vals = append(vals, r[col])
				}
			}
			return vals
		}
		for _, a := range c.Aggs {
			var err error
			if a.Collect {
				spec := a.Spec
				if spec.Arg >= len(cols) || (spec.OrderByArg && spec.OrderArg >= len(cols)) {
					return nil, fmt.Errorf("%w: collected column %d past the view's %d", ErrInvalidPlan, spec.Arg, len(cols))
				}
				if row[a.Col], err = computeAggregate(spec, cols[spec.Arg].Type, group); err != nil {
					return nil, err
				}
				continue
			}
			switch a.Func {
			case operators.AggCountStar, operators.AggCount:
				total := int64(0)
				for _, v := range column(a.Col) {
					n, _ := v.ToInt()
					total += n
				}
				row[a.Col] = dataflow.Int(total)
			case operators.AggSum:
				row[a.Col], err = sum(column(a.Col), a.Type, false)
			case operators.AggMin:
				row[a.Col] = extreme(column(a.Col), -1)
			case operators.AggMax:
				row[a.Col] = extreme(column(a.Col), 1)
			case operators.AggAvg:
				row[a.Col], err = combinedAvg(column(a.SumCol), column(a.CountCol), a.Type)
			default:
				err = fmt.Errorf("%w: aggregate %d does not combine", ErrInvalidPlan, a.Func)
			}
			if err != nil {
				return nil, err
			}
		}
		if c.Having != nil && !c.Having.Eval(row).Truthy() {
			continue
		}
		res := make(dataflow.Row, len(c.Exprs))
		for i, e := range c.Exprs {
			res[i] = e.Eval(row)
		}
		out = append(out, res)
	}
	slices.SortStableFunc(out, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, c.Order) })
	if c.Distinct {
		visible := allColumns(c.Visible)
		seen := map[string]bool{}
		kept := out[:0:0]
		for _, r := range out {
			enc := string(dataflow.AppendRowKey(nil, r, visible))
			if !seen[enc] {
				seen[enc] = true
				kept = append(kept, r)
			}
		}
		out = kept
	}
	return window(out, c.Offset, c.Limit), nil
}

// combinedAvg is AVG from the parts' sums and counts: the exact total over the total count,
// at t's scale (rounded half away from zero), or in DOUBLE for a DOUBLE sum.
func combinedAvg(sums, counts []dataflow.Value, t dataflow.Type) (dataflow.Value, error) {
	n := int64(0)
	for _, v := range counts {
		c, _ := v.ToInt()
		n += c
	}
	if n == 0 || len(sums) == 0 {
		return dataflow.Null, nil
	}
	if t.Kind != dataflow.KindDecimal {
		f := 0.0
		for _, v := range sums {
			x, _ := v.ToFloat()
			f += x
		}
		return dataflow.Float(f / float64(n)), nil
	}
	total := new(big.Rat)
	for _, v := range sums {
		total.Add(total, exactRat(v))
	}
	return decimalValue(total.Quo(total, new(big.Rat).SetInt64(n)), t.Scale)
}

// orFilter keeps the rows of a query with a parameter under OR that its WHERE returns: a
// row of branch i (its tag) only when none of the disjuncts before i is true for it with
// args, so that a row several disjuncts select counts once.
func (s *Snapshot) orFilter(rows []dataflow.Row, args []dataflow.Value) []dataflow.Row {
	o := s.q.Or
	var kept []dataflow.Row
	for _, r := range rows {
		tag, _ := r[o.TagCol].ToInt()
		ev := append(append(dataflow.Row{}, r[:o.Width]...), args...)
		keep := true
		for j := 0; j < int(tag) && j < len(o.Disjuncts); j++ {
			if o.Disjuncts[j].Eval(ev).Truthy() {
				keep = false
				break
			}
		}
		if keep {
			kept = append(kept, r)
		}
	}
	return kept
}

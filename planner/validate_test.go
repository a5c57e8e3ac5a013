package planner

import (
	"fmt"

	"github.com/weirdb/weir/expr"
)

// validatePlan checks the structural invariants the lowering relies on: every column
// position an operator uses exists in its input.
func validatePlan(p Plan) error {
	if p == nil {
		return fmt.Errorf("nil plan")
	}
	for _, in := range p.Inputs() {
		if err := validatePlan(in); err != nil {
			return err
		}
	}
	width := func(i int) int { return len(p.Inputs()[i].Columns()) }
	checkExpr := func(e expr.Expr, w int) error {
		if e == nil {
			return fmt.Errorf("%s: nil expression", Describe(p))
		}
		for _, c := range expr.Columns(e) {
			if c < 0 || c >= w {
				return fmt.Errorf("%s: column $%d outside input width %d", Describe(p), c, w)
			}
		}
		return nil
	}
	inRange := func(cols []int, w int) error {
		for _, c := range cols {
			if c < 0 || c >= w {
				return fmt.Errorf("%s: position %d outside width %d", Describe(p), c, w)
			}
		}
		return nil
	}
	switch p := p.(type) {
	case *Scan:
		if len(p.Cols) == 0 && p.Table != dualTable.Name {
			return fmt.Errorf("scan of %s without columns", p.Table)
		}
	case *Filter:
		return checkExpr(p.Pred, width(0))
	case *Project:
		if len(p.Exprs) != len(p.Cols) {
			return fmt.Errorf("%s: %d expressions for %d columns", Describe(p), len(p.Exprs), len(p.Cols))
		}
		for _, e := range p.Exprs {
			if err := checkExpr(e, width(0)); err != nil {
				return err
			}
		}
	case *Join:
		// A join without keys pairs every row with the one row (per key) of a subquery.
		if len(p.LeftKeys) != len(p.RightKeys) {
			return fmt.Errorf("%s: bad keys", Describe(p))
		}
		if err := inRange(p.LeftKeys, width(0)); err != nil {
			return err
		}
		return inRange(p.RightKeys, width(1))
	case *Aggregate:
		if err := inRange(p.GroupBy, width(0)); err != nil {
			return err
		}
		if len(p.Cols) != len(p.GroupBy)+len(p.Aggs) {
			return fmt.Errorf("%s: %d columns", Describe(p), len(p.Cols))
		}
		for _, a := range p.Aggs {
			if a.Func != expr.AggCountStar {
				if err := inRange([]int{a.Arg}, width(0)); err != nil {
					return err
				}
			}
		}
	case *TopK:
		if err := inRange(p.GroupBy, width(0)); err != nil {
			return err
		}
		for _, k := range p.Order {
			if err := inRange([]int{k.Col}, width(0)); err != nil {
				return err
			}
		}
		if p.Limit < 0 || p.Offset < 0 {
			return fmt.Errorf("%s: negative limit", Describe(p))
		}
	case *Union:
		if len(p.Ins) < 2 {
			return fmt.Errorf("union of %d inputs", len(p.Ins))
		}
		for i := range p.Ins {
			if width(i) != len(p.Cols) {
				return fmt.Errorf("union input %d has %d columns, want %d", i, width(i), len(p.Cols))
			}
		}
	}
	return nil
}

// validateQuery checks a compiled query against the contract of Query.
func validateQuery(q *Query) error {
	if err := validatePlan(q.Root); err != nil {
		return err
	}
	w := len(q.Root.Columns())
	if len(q.Cols) > w {
		return fmt.Errorf("%d visible columns but the root has %d", len(q.Cols), w)
	}
	for _, k := range q.KeyCols {
		if k < len(q.Cols) || k >= w {
			return fmt.Errorf("key column %d is not a hidden column of %d", k, w)
		}
	}
	for _, k := range q.Order {
		if k.Col < 0 || k.Col >= w {
			return fmt.Errorf("order column %d outside %d", k.Col, w)
		}
	}
	if len(q.Lookups) == 0 {
		return fmt.Errorf("no lookups")
	}
	for _, l := range q.Lookups {
		if len(l) != len(q.KeyCols) {
			return fmt.Errorf("lookup of %d components for %d key columns", len(l), len(q.KeyCols))
		}
		for _, s := range l {
			if s.Param >= q.NumParams {
				return fmt.Errorf("lookup uses parameter %d of %d", s.Param, q.NumParams)
			}
		}
	}
	// Every `?` of a SELECT is a key component, a range bound, or the LIMIT's count or
	// offset: each must reach some lookup, range or the paging.
	used := make([]bool, q.NumParams)
	if p := q.Paging; p != nil {
		for _, a := range []int{p.CountArg, p.OffsetArg} {
			if a >= q.NumParams {
				return fmt.Errorf("paging uses parameter %d of %d", a, q.NumParams)
			}
			if a >= 0 {
				used[a] = true
			}
		}
	}
	for _, l := range q.Lookups {
		for _, s := range l {
			if s.Param >= 0 {
				used[s.Param] = true
			}
		}
	}
	for _, r := range q.Ranges {
		if r.Col < 0 || r.Col >= w {
			return fmt.Errorf("range column %d outside %d", r.Col, w)
		}
		if r.Bound.Param >= q.NumParams {
			return fmt.Errorf("range uses parameter %d of %d", r.Bound.Param, q.NumParams)
		}
		if r.Bound.Param >= 0 {
			used[r.Bound.Param] = true
		}
	}
	for i, u := range used {
		// A query evaluated when it runs (information_schema, no FROM) takes its
		// parameters wherever a literal may stand.
		if !u && !q.InfoSchema {
			return fmt.Errorf("parameter %d is in no lookup", i)
		}
	}
	if len(q.ParamTypes) != q.NumParams {
		return fmt.Errorf("%d parameter types for %d parameters", len(q.ParamTypes), q.NumParams)
	}
	if q.Text == "" {
		return fmt.Errorf("empty text")
	}
	return nil
}

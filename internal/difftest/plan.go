package difftest

import (
	"fmt"
	"github.com/weirdb/weir/internal/reference"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// FormatQuery renders a compiled query (its plan tree and how lookups use it) for failure
// messages.
func FormatQuery(q *planner.Query) string {
	if q == nil {
		return "<nil query>\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "query %q\n", q.Text)
	fmt.Fprintf(&b, "  visible %d, key columns %v, params %d, order %s, limit %d offset %d, distinct %v, empty row %v\n",
		len(q.Cols), q.KeyCols, q.NumParams, formatOrder(q.Order), q.Limit, q.Offset, q.Distinct, q.EmptyRow != nil)
	for i, l := range q.Lookups {
		parts := make([]string, len(l))
		for j, s := range l {
			if s.Param >= 0 {
				parts[j] = fmt.Sprintf("?%d", s.Param)
			} else {
				parts[j] = reference.FormatValue(s.Literal)
			}
		}
		fmt.Fprintf(&b, "  lookup %d: (%s)\n", i, strings.Join(parts, ", "))
	}
	for _, r := range q.Ranges {
		bound := fmt.Sprintf("?%d", r.Bound.Param)
		if r.Bound.Param < 0 {
			bound = reference.FormatValue(r.Bound.Literal)
		}
		fmt.Fprintf(&b, "  range: $%d %s %s\n", r.Col, r.Op, bound)
	}
	formatPlan(&b, q.Root, 1)
	return b.String()
}

func formatOrder(keys []dataflow.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("#%d", k.Col)
		if k.Desc {
			parts[i] += " desc"
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func formatExprs(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		if e == nil {
			parts[i] = "<nil>"
		} else {
			parts[i] = e.String()
		}
	}
	return strings.Join(parts, ", ")
}

func formatPlan(b *strings.Builder, p planner.Plan, depth int) {
	indent := strings.Repeat("  ", depth)
	if isNil(p) {
		fmt.Fprintf(b, "%s<nil>\n", indent)
		return
	}
	switch n := p.(type) {
	case *planner.Scan:
		fmt.Fprintf(b, "%sscan %s\n", indent, n.Table)
	case *planner.Filter:
		pred := "<nil>"
		if n.Pred != nil {
			pred = n.Pred.String()
		}
		fmt.Fprintf(b, "%sfilter %s\n", indent, pred)
	case *planner.Project:
		fmt.Fprintf(b, "%sproject %s\n", indent, formatExprs(n.Exprs))
	case *planner.Join:
		kind := "inner"
		if n.Kind == planner.LeftJoin {
			kind = "left"
		}
		residual := ""
		if n.Residual != nil {
			residual = " and " + n.Residual.String()
		}
		fmt.Fprintf(b, "%s%s join %v = %v%s\n", indent, kind, n.LeftKeys, n.RightKeys, residual)
	case *planner.Aggregate:
		aggs := make([]string, len(n.Aggs))
		for i, a := range n.Aggs {
			aggs[i] = fmt.Sprintf("f%d(#%d distinct=%v desc=%v sep=%q type=%s)", a.Func, a.Arg, a.Distinct, a.OrderDesc, a.Separator, a.Type)
		}
		fmt.Fprintf(b, "%saggregate group %v: %s\n", indent, n.GroupBy, strings.Join(aggs, ", "))
	case *planner.Distinct:
		fmt.Fprintf(b, "%sdistinct\n", indent)
	case *planner.TopK:
		fmt.Fprintf(b, "%stopk group %v order %s limit %d offset %d\n", indent, n.GroupBy, formatOrder(n.Order), n.Limit, n.Offset)
	case *planner.Union:
		fmt.Fprintf(b, "%sunion\n", indent)
	case *planner.Values:
		fmt.Fprintf(b, "%s%s\n", indent, n.Describe())
	case *planner.Window:
		fmt.Fprintf(b, "%swindow partition %v order %s: %v\n", indent, n.Partition, formatOrder(n.Order), n.Funcs)
	default:
		fmt.Fprintf(b, "%s%T\n", indent, p)
	}
	for _, in := range p.Inputs() {
		formatPlan(b, in, depth+1)
	}
}

// isNil reports a nil plan, typed or not: Inputs would dereference it.
func isNil(p planner.Plan) bool {
	switch n := p.(type) {
	case nil:
		return true
	case *planner.Scan:
		return n == nil
	case *planner.Filter:
		return n == nil
	case *planner.Project:
		return n == nil
	case *planner.Join:
		return n == nil
	case *planner.Aggregate:
		return n == nil
	case *planner.Distinct:
		return n == nil
	case *planner.TopK:
		return n == nil
	case *planner.Union:
		return n == nil
	case *planner.Window:
		return n == nil
	case *planner.Values:
		return n == nil
	}
	return false
}

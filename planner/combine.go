package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Post-lookup combination: an aggregate whose WHERE has an IN list of parameters on a column
// it is not grouped by (`SELECT COUNT(*), SUM(x) FROM t WHERE k IN (?, ?)`) adds up groups
// that span several keys. No view can hold those groups for every combination of keys, so
// the view keeps the aggregate grouped by the key column too (hidden), each key is looked up
// as any other (partially, filled by upqueries), and the read combines the groups of its
// keys: COUNT and SUM add, MIN and MAX keep the extreme, AVG divides the combined hidden SUM
// by the combined hidden COUNT of the same argument. HAVING, the select list, ORDER BY,
// DISTINCT and LIMIT are computed over the combined groups, at read time.
//
// Only those aggregates decompose exactly. A query with any other (COUNT(DISTINCT …),
// SUM/AVG(DISTINCT …), GROUP_CONCAT, JSON_ARRAYAGG, JSON_OBJECTAGG) keeps each key's rows
// instead of its groups, one group per row as a parameter under OR does (rowGroups), and the
// read computes those aggregates over the rows of all its keys together (Combine.collect):
// a value that two keys share then counts once under DISTINCT, as SQL counts it. When those
// are only COUNT, SUM and AVG over DISTINCT values (and the query has no parameter under OR),
// each key's distinct values suffice: the view keeps the aggregate grouped by the key and each
// DISTINCT argument too, one row per distinct value, the other aggregates as parts.

// CombineAgg says how one aggregate column of the view's rows combines across keys.
type CombineAgg struct {
	// Col is the aggregate's position in the view's rows (and in the combined row).
	Col int
	// Func is AggCountStar or AggCount (added), AggSum (added, NULL when every part is),
	// AggMin or AggMax (the extreme of the parts' non-NULL values), or AggAvg: the combined
	// SUM at SumCol divided by the combined COUNT at CountCol, at Type's scale.
	Func             AggFunc
	SumCol, CountCol int
	Type             dataflow.Type
	Name             string
	// Collect, for an aggregate that does not decompose (Spec.Distinct, GROUP_CONCAT,
	// JSON_ARRAYAGG, JSON_OBJECTAGG), says the rows hold its argument, one row per input
	// row, and the read computes it over the rows of every key at once: Spec is the
	// aggregate with Spec.Arg = Col and, for JSON_ARRAYAGG ordered by another expression,
	// Spec.OrderArg the column of that expression. SumCast converts a value (column 0 of
	// its row) to SUM's type over the argument, in which SUM and AVG(DISTINCT …) add the
	// distinct values, as a parameter under OR's rows hold a SUM's argument (rowGroups).
	Collect bool
	Spec    expr.AggSpec
	SumCast expr.Expr
}

// Combine describes the read-time combination of a view's per-key groups (Query.Combine).
// The view's rows hold the aggregate's output, Width columns (group columns, then
// aggregates), followed by the key columns. A read looks each key up, combines the rows
// whose Groups columns are equal (under the collation, as GROUP BY groups them), and
// computes each result row over a combined row.
type Combine struct {
	// Width is the number of columns of a combined row: the view's rows before the key
	// columns.
	Width int
	// Groups are the positions of the group columns the result is grouped by (the query's
	// GROUP BY, and columns it determines); empty for an aggregate without GROUP BY, whose
	// result is one row even when no key has any.
	Groups []int
	// Aggs say how each aggregate combines.
	Aggs []CombineAgg
	// Having, when not nil, filters combined rows.
	Having expr.Expr
	// Exprs compute a result row (the visible columns, then hidden sort columns) from a
	// combined row.
	Exprs []expr.Expr
	// Visible is the number of visible result columns; Order, Distinct, Limit (-1: none)
	// and Offset apply to the result rows.
	Visible       int
	Order         []dataflow.SortKey
	Distinct      bool
	Limit, Offset int
	// Rowwise says the view keeps rows, one group per row (rowGroups), rather than each
	// key's groups: a parameter under OR, or an aggregate that collects (CombineAgg.Collect).
	Rowwise bool
}

// Rows combines the rows of several lookups (each key's rows once) into the result rows.
// It does not modify rows, which may be the view's.
func (c *Combine) Rows(rows []dataflow.Row) []dataflow.Row {
	collects := c.collects()
	var combined []dataflow.Row
	// members are the rows of each combined group, for the aggregates that collect.
	var members [][]dataflow.Row
	if len(c.Groups) == 0 {
		acc := make(dataflow.Row, c.Width)
		c.emptyAggs(acc)
		for _, r := range rows {
			c.fold(acc, r)
		}
		combined = []dataflow.Row{acc}
		if collects {
			members = [][]dataflow.Row{rows}
		}
	} else {
		at := make(map[string]int, len(rows))
		var key []byte
		for _, r := range rows {
			key = dataflow.AppendRowKey(key[:0], r, c.Groups)
			if i, ok := at[string(key)]; ok {
				c.fold(combined[i], r)
				if collects {
					members[i] = append(members[i], r)
				}
				continue
			}
			acc := make(dataflow.Row, c.Width)
			copy(acc, r[:c.Width])
			c.emptyAggs(acc)
			c.fold(acc, r)
			at[string(key)] = len(combined)
			combined = append(combined, acc)
			if collects {
				members = append(members, []dataflow.Row{r})
			}
		}
	}
	var col *collector
	if collects {
		col = collectors.Get().(*collector)
		defer col.release()
	}
	out := combined[:0]
	for i, acc := range combined {
		c.finishAvg(acc)
		if collects {
			c.collect(acc, members[i], col)
		}
		if c.Having != nil && !c.Having.Eval(acc).Truthy() {
			continue
		}
		res := make(dataflow.Row, len(c.Exprs))
		for i, e := range c.Exprs {
			res[i] = e.Eval(acc)
		}
		out = append(out, res)
	}
	return finishRows(out, c.Visible, c.Distinct, c.Order, c.Limit, c.Offset)
}

// collects reports an aggregate computed over the rows of every key at once.
func (c *Combine) collects() bool {
	for _, a := range c.Aggs {
		if a.Collect {
			return true
		}
	}
	return false
}

// emptyAggs sets the aggregates of acc to their values over no rows: COUNT 0, the others
// NULL.
func (c *Combine) emptyAggs(acc dataflow.Row) {
	for _, a := range c.Aggs {
		switch a.Func {
		case expr.AggCountStar, expr.AggCount:
			acc[a.Col] = dataflow.Int(0)
		default:
			acc[a.Col] = dataflow.Null
		}
	}
}

// fold adds one key's group r to the combined row acc.
func (c *Combine) fold(acc, r dataflow.Row) {
	for _, a := range c.Aggs {
		if a.Collect {
			continue
		}
		v := r[a.Col]
		switch a.Func {
		case expr.AggCountStar, expr.AggCount:
			acc[a.Col] = addValues(acc[a.Col], v)
		case expr.AggSum:
			acc[a.Col] = addValues(acc[a.Col], v)
		case expr.AggMin, expr.AggMax:
			if v.IsNull() {
				continue
			}
			cur := acc[a.Col]
			if cur.IsNull() {
				acc[a.Col] = v
				continue
			}
			cmp := compareExtremes(v, cur)
			if (a.Func == expr.AggMin && cmp < 0) || (a.Func == expr.AggMax && cmp > 0) {
				acc[a.Col] = v
			}
		}
	}
}

// finishAvg computes each AVG of a combined row from its combined SUM and COUNT.
func (c *Combine) finishAvg(acc dataflow.Row) {
	for _, a := range c.Aggs {
		if a.Func != expr.AggAvg || a.Collect {
			continue
		}
		sum, n := acc[a.SumCol], acc[a.CountCol]
		if sum.IsNull() || n.IsNull() {
			acc[a.Col] = dataflow.Null
			continue
		}
		if cnt, ok := n.ToInt(); !ok || cnt == 0 {
			acc[a.Col] = dataflow.Null
			continue
		}
		acc[a.Col] = avgValue(sum, n, a.Type)
	}
}

// addValues adds two parts of a COUNT or SUM; a NULL part (a SUM over no non-NULL value)
// adds nothing, and the sum of NULLs is NULL.
func addValues(a, b dataflow.Value) dataflow.Value {
	switch {
	case b.IsNull():
		return a
	case a.IsNull():
		return b
	case a.Kind() == dataflow.KindInt && b.Kind() == dataflow.KindInt:
		if sum, ok := addInt64(a.RawInt(), b.RawInt()); ok {
			return dataflow.Int(sum)
		}
	case a.Kind() == dataflow.KindFloat && b.Kind() == dataflow.KindFloat:
		return dataflow.Float(a.RawFloat() + b.RawFloat())
	}
	// The parts of one SUM share its type, and so a scale: adding coefficients is exact.
	if ca, sa, ok := a.NarrowDecimal(); ok {
		if cb, sb, ok := b.NarrowDecimal(); ok && sa == sb {
			if sum, ok := addInt64(ca, cb); ok {
				return dataflow.Decimal(sum, sa)
			}
		}
	}
	// Wide decimals, or a sum that leaves 64 bits: MySQL's exact arithmetic.
	return expr.NewArith(expr.OpAdd, expr.NewConst(a), expr.NewConst(b)).Eval(nil)
}

// addInt64 adds without overflow; ok is false when the sum does not fit.
func addInt64(a, b int64) (int64, bool) {
	sum := a + b
	if (a > 0 && b > 0 && sum < 0) || (a < 0 && b < 0 && sum >= 0) {
		return 0, false
	}
	return sum, true
}

// avgValue is sum/n as AVG computes it: MySQL's division (a decimal with four more
// fractional digits than the sum, rounded half away from zero; a DOUBLE for a DOUBLE sum),
// at AVG's scale.
func avgValue(sum, n dataflow.Value, t dataflow.Type) dataflow.Value {
	v := expr.NewArith(expr.OpDiv, expr.NewConst(sum), expr.NewConst(n)).Eval(nil)
	if t.Kind == dataflow.KindDecimal && !v.IsNull() {
		if cv, err := expr.Convert(v, t, false); err == nil {
			return cv
		}
	}
	return v
}

// compareExtremes orders two values as MIN and MAX do: ENUM and SET values as their text,
// others by MySQL's comparison, and values equal under the collation ('a', 'A') by their
// exact form, so the choice does not depend on the order of the keys.
func compareExtremes(a, b dataflow.Value) int {
	_, ao := a.Ordinal()
	_, bo := b.Ordinal()
	var c int
	if ao && bo {
		c = dataflow.CompareStrings(a.RawString(), b.RawString())
	} else {
		c = dataflow.Compare(a, b)
	}
	if c != 0 {
		return c
	}
	if a.Kind() == dataflow.KindString && b.Kind() == dataflow.KindString {
		return strings.Compare(a.RawString(), b.RawString())
	}
	return 0
}

// finishRows applies DISTINCT (over the first visible columns), ORDER BY, OFFSET and LIMIT
// (< 0: none) to result rows. It may reorder rows in place.
func finishRows(rows []dataflow.Row, visible int, distinct bool, order []dataflow.SortKey, limit, offset int) []dataflow.Row {
	if distinct {
		cols := make([]int, visible)
		for i := range cols {
			cols[i] = i
		}
		uniq := rows[:0:0]
		have := map[string]bool{}
		for _, r := range rows {
			k := string(dataflow.AppendRowKey(nil, r, cols))
			if !have[k] {
				have[k] = true
				uniq = append(uniq, r)
			}
		}
		rows = uniq
	}
	if len(order) > 0 {
		slices.SortStableFunc(rows, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, order) })
	}
	if offset > 0 {
		if offset >= len(rows) {
			return nil
		}
		rows = rows[offset:]
	}
	if limit >= 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	return rows
}

// String describes the combination for EXPLAIN.
func (c *Combine) String() string {
	var b strings.Builder
	b.WriteString("post-lookup combine: ")
	if len(c.Groups) == 0 {
		b.WriteString("one group")
	} else {
		b.WriteString("group by " + positions(c.Groups))
	}
	if c.Rowwise {
		b.WriteString(" over rows kept one group per row")
	}
	parts := make([]string, len(c.Aggs))
	for i, a := range c.Aggs {
		if a.Collect {
			over := "the rows"
			if !c.Rowwise {
				over = "each key's distinct values"
			}
			parts[i] = fmt.Sprintf("$%d = %s over %s", a.Col, describeCollect(a.Spec), over)
			continue
		}
		switch a.Func {
		case expr.AggCountStar, expr.AggCount, expr.AggSum:
			parts[i] = fmt.Sprintf("$%d added", a.Col)
		case expr.AggMin:
			parts[i] = fmt.Sprintf("$%d min", a.Col)
		case expr.AggMax:
			parts[i] = fmt.Sprintf("$%d max", a.Col)
		case expr.AggAvg:
			parts[i] = fmt.Sprintf("$%d = $%d / $%d", a.Col, a.SumCol, a.CountCol)
		}
	}
	if len(parts) > 0 {
		b.WriteString("; " + strings.Join(parts, ", "))
	}
	if c.Having != nil {
		b.WriteString("; having " + c.Having.String())
	}
	es := make([]string, len(c.Exprs))
	for i, e := range c.Exprs {
		es[i] = e.String()
	}
	b.WriteString("; result " + strings.Join(es, ", "))
	if c.Distinct {
		b.WriteString("; distinct")
	}
	if len(c.Order) > 0 {
		b.WriteString("; order by " + sortKeys(c.Order))
	}
	if c.Limit >= 0 || c.Offset > 0 {
		fmt.Fprintf(&b, "; limit %d offset %d", c.Limit, c.Offset)
	}
	return b.String()
}

// PostLookup describes the work a read does after its lookups, for EXPLAIN: the combination
// of an aggregate's groups across keys, or the merge of several lookups' rows (DISTINCT,
// ORDER BY, LIMIT over them); "" for a read of one lookup, which returns the key's rows as
// the view holds them.
func (q *Query) PostLookup() string {
	if q.Combine != nil && q.Or != nil {
		return fmt.Sprintf("%s; over the rows of %d lookups, aggregated at read time (a read costs the rows its keys match); %s",
			q.Combine.String(), len(q.Lookups), q.Or.String())
	}
	if q.Combine != nil && q.Combine.Rowwise {
		return fmt.Sprintf("%s; over the rows of %d lookups, aggregated at read time (a read costs the rows its keys match)",
			q.Combine.String(), len(q.Lookups))
	}
	if q.Combine != nil {
		return fmt.Sprintf("%s (over %d lookups)", q.Combine.String(), len(q.Lookups))
	}
	if len(q.Lookups) < 2 {
		return ""
	}
	s := fmt.Sprintf("post-lookup merge of %d lookups (each distinct key once)", len(q.Lookups))
	if q.Or != nil {
		s += "; " + q.Or.String()
	}
	if q.Distinct {
		s += "; distinct"
	}
	if len(q.Order) > 0 {
		s += "; order by " + sortKeys(q.Order)
	}
	if q.Limit >= 0 || q.Offset > 0 {
		s += fmt.Sprintf("; limit %d offset %d", q.Limit, q.Offset)
	}
	return s
}

// rowGroups is agg computed over each row alone: every row a group of its own, with the
// values its aggregates would have over that row (COUNT(*) 1, COUNT(x) 1 or 0, SUM(x) x
// in the SUM's type, MIN(x) and MAX(x) x; an AVG is computed from its hidden SUM and
// COUNT). Combine folds such rows as it folds groups, so a read computes the aggregate
// over exactly the rows it keeps, which no view of groups could give it when the rows of
// several lookups overlap (a parameter under OR).
func rowGroups(agg *Aggregate) Plan {
	in := agg.Input.Columns()
	exprs := make([]expr.Expr, 0, len(agg.Cols))
	cols := slices.Clone(agg.Cols)
	for _, g := range agg.GroupBy {
		exprs = append(exprs, expr.NewCol(g, in[g]))
	}
	for j, a := range agg.Aggs {
		var arg expr.Expr
		if a.Func != expr.AggCountStar {
			arg = expr.NewCol(a.Arg, in[a.Arg])
		}
		switch {
		case collects(a):
			// The argument as it is: the read computes the aggregate over the rows.
			exprs = append(exprs, arg)
			cols[len(agg.GroupBy)+j] = in[a.Arg]
		case a.Func == expr.AggCountStar:
			exprs = append(exprs, expr.NewConstTyped(dataflow.Int(1), a.Type))
		case a.Func == expr.AggCount:
			exprs = append(exprs, expr.NewRetyped(expr.NewIsNull(arg, true), a.Type))
		case a.Func == expr.AggSum:
			exprs = append(exprs, expr.NewCast(arg, a.Type))
		case a.Func == expr.AggMin || a.Func == expr.AggMax:
			exprs = append(exprs, arg)
		default: // AVG: Combine computes it from its SUM and COUNT
			exprs = append(exprs, expr.NewConstTyped(dataflow.Null, a.Type))
		}
	}
	return project(agg.Input, exprs, cols)
}

// collects reports an aggregate that does not decompose into parts that add up: a read
// computes it over the rows of every key at once (CombineAgg.Collect).
func collects(a expr.AggSpec) bool {
	switch a.Func {
	case expr.AggGroupConcat, expr.AggJSONArray, expr.AggJSONObject:
		return true
	case expr.AggCount, expr.AggSum, expr.AggAvg:
		return a.Distinct
	}
	return false
}

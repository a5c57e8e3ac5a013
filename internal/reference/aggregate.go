package reference

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	// Only the AggFunc names of the shared AggSpec description are used from package
	// operators; none of its operator code is.
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// avgExtraScale is MySQL's div_precision_increment: AVG adds four digits to its argument's scale.
const avgExtraScale = 4

// computeAggregate computes one aggregate over a group's rows. argType is the static type of
// the argument column; MySQL fixes an aggregate's result type from it, not from the values.
func computeAggregate(spec planner.AggSpec, argType dataflow.Type, rows []dataflow.Row) (dataflow.Value, error) {
	if spec.Func == operators.AggCountStar {
		return dataflow.Int(int64(len(rows))), nil
	}
	vals := make([]dataflow.Value, 0, len(rows))
	for _, r := range rows {
		// Every aggregate but COUNT(*) and JSON_ARRAYAGG (where NULL is an element) ignores
		// NULLs.
		if v := r[spec.Arg]; !v.IsNull() || spec.Func == operators.AggJSONArray {
			vals = append(vals, v)
		}
	}
	switch spec.Func {
	case operators.AggJSONArray:
		if spec.OrderByArg {
			return jsonArrayByKey(rows, spec, expr.IsJSONType(argType)), nil
		}
		return jsonArray(vals, spec, expr.IsJSONType(argType)), nil
	case operators.AggJSONObject:
		return jsonObject(vals), nil
	}
	if spec.Distinct {
		vals = distinctValues(vals)
	}
	switch spec.Func {
	case operators.AggCount:
		return dataflow.Int(int64(len(vals))), nil
	case operators.AggSum:
		return sum(vals, argType, false)
	case operators.AggAvg:
		return sum(vals, argType, true)
	case operators.AggMin:
		return extreme(vals, -1), nil
	case operators.AggMax:
		return extreme(vals, 1), nil
	case operators.AggGroupConcat:
		return groupConcat(vals, spec.Separator, spec.OrderDesc), nil
	}
	return dataflow.Null, fmt.Errorf("%w: unknown aggregate function %d", ErrInvalidPlan, spec.Func)
}

// distinctValues keeps one value per collation key (so 'a' and 'A', or 2 and 2.00, count
// once), the least under exactCompare, in order of first appearance.
func distinctValues(vals []dataflow.Value) []dataflow.Value {
	index := map[string]int{}
	var out []dataflow.Value
	var buf []byte
	for _, v := range vals {
		buf = dataflow.AppendKey(buf[:0], v)
		if i, ok := index[string(buf)]; ok {
			if exactCompare(v, out[i]) < 0 {
				out[i] = v
			}
			continue
		}
		index[string(buf)] = len(out)
		out = append(out, v)
	}
	return out
}

// sum computes SUM, or AVG when avg is set. Exact arguments (integers, decimals) are summed
// exactly: SUM of integers is an integer, SUM of DECIMAL(p,s) has scale s, AVG has the
// argument's scale plus four, rounded half away from zero. Everything else sums as DOUBLE.
func sum(vals []dataflow.Value, t dataflow.Type, avg bool) (dataflow.Value, error) {
	if len(vals) == 0 {
		return dataflow.Null, nil
	}
	if !exactArgument(t, vals) {
		var f float64
		for _, v := range vals {
			x, _ := v.ToFloat()
			f += x
		}
		if avg {
			f /= float64(len(vals))
		}
		return dataflow.Float(f), nil
	}
	total := new(big.Rat)
	scale := 0
	if t.Kind == dataflow.KindDecimal {
		scale = t.Scale
	}
	for _, v := range vals {
		total.Add(total, exactRat(v))
		if v.Kind() == dataflow.KindDecimal {
			scale = max(scale, int(v.Scale()))
		}
	}
	integer := scale == 0 && t.Kind != dataflow.KindDecimal
	if avg {
		total.Quo(total, new(big.Rat).SetInt64(int64(len(vals))))
		return decimalValue(total, min(scale+avgExtraScale, dataflow.MaxDecimalScale))
	}
	if integer {
		return integerValue(total)
	}
	return decimalValue(total, scale)
}

// exactArgument reports whether SUM/AVG over a column of type t with these values is exact.
// A column of unknown type (a NULL literal, say) is judged by its values.
func exactArgument(t dataflow.Type, vals []dataflow.Value) bool {
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal, dataflow.KindNull:
	default:
		return false
	}
	for _, v := range vals {
		switch v.Kind() {
		case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal:
		default:
			return false
		}
	}
	return true
}

func exactRat(v dataflow.Value) *big.Rat {
	switch v.Kind() {
	case dataflow.KindInt:
		return new(big.Rat).SetInt64(v.RawInt())
	case dataflow.KindUint:
		return new(big.Rat).SetUint64(v.RawUint())
	case dataflow.KindDecimal:
		coef, scale := v.BigDecimal()
		return new(big.Rat).SetFrac(coef, pow10(int(scale)))
	}
	return new(big.Rat)
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// integerValue renders an integral sum as INT when it fits, as UNSIGNED when it is positive
// and fits there.
func integerValue(r *big.Rat) (dataflow.Value, error) {
	if !r.IsInt() {
		return dataflow.Null, fmt.Errorf("%w: integer sum %s is not integral", ErrInvalidPlan, r.RatString())
	}
	n := r.Num()
	switch {
	case n.IsInt64():
		return dataflow.Int(n.Int64()), nil
	case n.Sign() > 0 && n.IsUint64():
		return dataflow.Uint(n.Uint64()), nil
	}
	return dataflow.Null, fmt.Errorf("%w: sum %s exceeds 64 bits", ErrOverflow, n)
}

// decimalValue rounds r half away from zero to scale digits.
func decimalValue(r *big.Rat, scale int) (dataflow.Value, error) {
	limit := pow10(dataflow.MaxDecimalDigits)
	if scale > dataflow.MaxDecimalScale {
		return dataflow.Null, fmt.Errorf("%w: decimal scale %d exceeds %d", ErrOverflow, scale, dataflow.MaxDecimalScale)
	}
	num := new(big.Int).Mul(r.Num(), pow10(scale))
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	if twice := new(big.Int).Abs(m); twice.Lsh(twice, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	if new(big.Int).Abs(q).Cmp(limit) >= 0 {
		return dataflow.Null, fmt.Errorf("%w: %s does not fit DECIMAL(%d,%d)", ErrOverflow, r.FloatString(scale), dataflow.MaxDecimalDigits, scale)
	}
	return dataflow.DecimalBig(q, uint8(scale)), nil
}

// extreme returns MIN (dir < 0) or MAX (dir > 0) under MySQL comparison; among values that
// tie, the least under exactCompare.
func extreme(vals []dataflow.Value, dir int) dataflow.Value {
	if len(vals) == 0 {
		return dataflow.Null
	}
	best := vals[0]
	for _, v := range vals[1:] {
		c := dataflow.Compare(v, best) * dir
		if c > 0 || c == 0 && exactCompare(v, best) < 0 {
			best = v
		}
	}
	return best
}

// groupConcat joins the values' text in value order (descending when desc), values that tie
// by their exact text ascending, so the result does not depend on arrival order.
func groupConcat(vals []dataflow.Value, sep string, desc bool) dataflow.Value {
	if len(vals) == 0 {
		return dataflow.Null
	}
	sorted := slices.Clone(vals)
	slices.SortStableFunc(sorted, func(a, b dataflow.Value) int {
		c := dataflow.Compare(a, b)
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return strings.Compare(a.ToText(), b.ToText())
	})
	parts := make([]string, len(sorted))
	for i, v := range sorted {
		parts[i] = v.ToText()
	}
	return dataflow.String(strings.Join(parts, sep))
}

// jsonArray renders JSON_ARRAYAGG: the values (NULLs included, as null) sorted by value,
// descending under OrderDesc, values that tie in the same direction by exactCompare; under
// DISTINCT the first of each run of equal values only; then the LIMIT window. doc says the
// argument is a JSON document, embedded as it is.
func jsonArray(vals []dataflow.Value, spec planner.AggSpec, doc bool) dataflow.Value {
	if len(vals) == 0 {
		return dataflow.Null
	}
	sorted := slices.Clone(vals)
	slices.SortStableFunc(sorted, func(a, b dataflow.Value) int {
		if spec.OrderDesc {
			return exactCompare(b, a)
		}
		return exactCompare(a, b)
	})
	if spec.Distinct {
		var kept []dataflow.Value
		for i, v := range sorted {
			if i == 0 || dataflow.Compare(sorted[i-1], v) != 0 {
				kept = append(kept, v)
			}
		}
		sorted = kept
	}
	if spec.HasLimit {
		lo := min(spec.Offset, len(sorted))
		sorted = sorted[lo : lo+min(spec.Limit, len(sorted)-lo)]
	}
	parts := make([]string, len(sorted))
	for i, v := range sorted {
		parts[i] = string(expr.AppendJSONValue(nil, v, doc))
	}
	return dataflow.String("[" + strings.Join(parts, ",") + "]")
}

// jsonArrayByKey renders JSON_ARRAYAGG(x ORDER BY y): the rows sorted by y, rows that tie
// there by x, the whole order reversed under OrderDesc; then the LIMIT window.
func jsonArrayByKey(rows []dataflow.Row, spec planner.AggSpec, doc bool) dataflow.Value {
	if len(rows) == 0 {
		return dataflow.Null
	}
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b dataflow.Row) int {
		c := exactCompare(a[spec.OrderArg], b[spec.OrderArg])
		if c == 0 {
			c = exactCompare(a[spec.Arg], b[spec.Arg])
		}
		if spec.OrderDesc {
			return -c
		}
		return c
	})
	if spec.HasLimit {
		lo := min(spec.Offset, len(sorted))
		sorted = sorted[lo : lo+min(spec.Limit, len(sorted)-lo)]
	}
	parts := make([]string, len(sorted))
	for i, r := range sorted {
		parts[i] = string(expr.AppendJSONValue(nil, r[spec.Arg], doc))
	}
	return dataflow.String("[" + strings.Join(parts, ",") + "]")
}

// jsonObject renders JSON_OBJECTAGG from its members' text (NULL for a row with a NULL key,
// which is left out), sorted as text, duplicates kept.
func jsonObject(members []dataflow.Value) dataflow.Value {
	var parts []string
	for _, m := range members {
		if !m.IsNull() {
			parts = append(parts, m.RawString())
		}
	}
	if len(parts) == 0 {
		return dataflow.Null
	}
	slices.SortFunc(parts, func(a, b string) int {
		return exactCompare(dataflow.String(a), dataflow.String(b))
	})
	return dataflow.String("{" + strings.Join(parts, ", ") + "}")
}

package planner

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// The aggregates that do not decompose into parts that add up (COUNT, SUM and AVG over
// DISTINCT values, GROUP_CONCAT, JSON_ARRAYAGG, JSON_OBJECTAGG) are computed at read time
// over the rows of every key a read looks up, kept one per input row (rowGroups). Each is
// rendered exactly as the Aggregate operator renders it for one key, from the same order of
// the values (MySQL's comparison, then an exact tiebreak), so that a key read alone and the
// same key read among others give the same text.

// collector holds the scratch space of one read's collecting aggregates.
type collector struct {
	vals  []dataflow.Value
	pairs []orderedValue
	text  []byte
	one   dataflow.Row
}

// collectors keeps the scratch space of finished reads for the next, so that a read
// allocates only its results once the buffers have grown to the size of its rows.
var collectors = sync.Pool{New: func() any { return &collector{} }}

// release returns col to the pool, dropping the values it refers to.
func (col *collector) release() {
	clear(col.vals[:cap(col.vals)])
	clear(col.pairs[:cap(col.pairs)])
	if col.one != nil {
		col.one[0] = dataflow.Null
	}
	col.vals, col.pairs = col.vals[:0], col.pairs[:0]
	collectors.Put(col)
}

// orderedValue is a JSON_ARRAYAGG value with the value of its ORDER BY expression.
type orderedValue struct{ key, v dataflow.Value }

// collect computes every collecting aggregate of the combined row acc over the rows of its
// group.
func (c *Combine) collect(acc dataflow.Row, rows []dataflow.Row, col *collector) {
	for i := range c.Aggs {
		a := &c.Aggs[i]
		if a.Collect {
			acc[a.Col] = col.compute(a, rows)
		}
	}
}

func (col *collector) compute(a *CombineAgg, rows []dataflow.Row) dataflow.Value {
	s := &a.Spec
	if s.Func == expr.AggJSONArray && s.OrderByArg {
		col.pairs = col.pairs[:0]
		for _, r := range rows {
			col.pairs = append(col.pairs, orderedValue{key: r[s.OrderArg], v: r[s.Arg]})
		}
		if len(col.pairs) == 0 {
			return dataflow.Null
		}
		slices.SortFunc(col.pairs, func(x, y orderedValue) int {
			if c := dataflow.CompareTotal(x.key, y.key); c != 0 {
				return c
			}
			return dataflow.CompareTotal(x.v, y.v)
		})
		col.vals = col.vals[:0]
		for _, p := range col.pairs {
			col.vals = append(col.vals, p.v)
		}
		if s.OrderDesc {
			slices.Reverse(col.vals)
		}
		return col.jsonArray(s)
	}
	col.vals = col.vals[:0]
	ints := true
	for _, r := range rows {
		// JSON_ARRAYAGG alone keeps NULLs, as null elements.
		if v := r[s.Arg]; !v.IsNull() || s.Func == expr.AggJSONArray {
			col.vals = append(col.vals, v)
			ints = ints && v.Kind() == dataflow.KindInt
		}
	}
	if ints {
		// Integers, the common case (ids), order by value alone.
		slices.SortFunc(col.vals, func(a, b dataflow.Value) int { return cmp.Compare(a.RawInt(), b.RawInt()) })
	} else {
		slices.SortFunc(col.vals, dataflow.CompareTotal)
	}
	if s.OrderDesc {
		slices.Reverse(col.vals)
	}
	if s.Distinct {
		// The first value of each run of values equal under the collation stands for the run.
		col.vals = slices.CompactFunc(col.vals, sameValue)
	}
	switch s.Func {
	case expr.AggCount:
		return dataflow.Int(int64(len(col.vals)))
	case expr.AggSum, expr.AggAvg:
		if len(col.vals) == 0 {
			return dataflow.Null
		}
		if col.one == nil {
			col.one = make(dataflow.Row, 1)
		}
		sum := dataflow.Null
		for _, v := range col.vals {
			col.one[0] = v
			sum = addValues(sum, a.SumCast.Eval(col.one))
		}
		if s.Func == expr.AggSum {
			return sum
		}
		return avgValue(sum, dataflow.Int(int64(len(col.vals))), a.Type)
	case expr.AggGroupConcat:
		return col.groupConcat(s)
	case expr.AggJSONArray:
		if len(col.vals) == 0 {
			return dataflow.Null
		}
		return col.jsonArray(s)
	case expr.AggJSONObject:
		if len(col.vals) == 0 {
			return dataflow.Null
		}
		buf := append(col.text[:0], '{')
		for i, v := range col.vals {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = append(buf, v.RawString()...)
		}
		buf = append(buf, '}')
		col.text = buf[:0]
		return dataflow.String(string(buf))
	}
	return dataflow.Null
}

// groupConcat renders GROUP_CONCAT from the values in order, cut at MaxLen bytes without
// splitting a character.
func (col *collector) groupConcat(s *expr.AggSpec) dataflow.Value {
	if len(col.vals) == 0 {
		return dataflow.Null
	}
	buf := col.text[:0]
	for i, v := range col.vals {
		if i > 0 {
			buf = append(buf, s.Separator...)
		}
		buf = appendText(buf, v)
		if s.MaxLen > 0 && len(buf) >= s.MaxLen {
			break
		}
	}
	if s.MaxLen > 0 && len(buf) > s.MaxLen {
		cut := s.MaxLen
		for k := 0; k < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(buf[cut]); k++ {
			cut--
		}
		if !utf8.RuneStart(buf[cut]) {
			cut = s.MaxLen
		}
		buf = buf[:cut]
	}
	col.text = buf[:0]
	return dataflow.String(string(buf))
}

// appendText appends v's text as GROUP_CONCAT writes it, integers and strings without the
// string ToText would allocate.
func appendText(buf []byte, v dataflow.Value) []byte {
	switch v.Kind() {
	case dataflow.KindInt:
		return strconv.AppendInt(buf, v.RawInt(), 10)
	case dataflow.KindUint:
		return strconv.AppendUint(buf, v.RawUint(), 10)
	case dataflow.KindString:
		return append(buf, v.RawString()...)
	}
	return append(buf, v.ToText()...)
}

// jsonArray renders JSON_ARRAYAGG from the values in order, within its LIMIT window.
func (col *collector) jsonArray(s *expr.AggSpec) dataflow.Value {
	vals := col.vals
	if s.HasLimit {
		lo := min(s.Offset, len(vals))
		vals = vals[lo : lo+min(s.Limit, len(vals)-lo)]
	}
	buf := append(col.text[:0], '[')
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		if v.Kind() == dataflow.KindInt {
			buf = strconv.AppendInt(buf, v.RawInt(), 10) // as AppendJSONValue writes it, without its string
			continue
		}
		buf = expr.AppendJSONValue(buf, v, s.ArgJSON)
	}
	buf = append(buf, ']')
	col.text = buf[:0]
	return dataflow.String(string(buf))
}

// sameValue reports values equal under MySQL's comparison (the collation for strings), which
// DISTINCT counts once.
func sameValue(a, b dataflow.Value) bool {
	if a.Kind() == dataflow.KindInt && b.Kind() == dataflow.KindInt {
		return a.RawInt() == b.RawInt()
	}
	return dataflow.Compare(a, b) == 0
}

// describeCollect names a collecting aggregate for EXPLAIN.
func describeCollect(s expr.AggSpec) string {
	var b strings.Builder
	switch s.Func {
	case expr.AggCount:
		b.WriteString("count(")
	case expr.AggSum:
		b.WriteString("sum(")
	case expr.AggAvg:
		b.WriteString("avg(")
	case expr.AggGroupConcat:
		b.WriteString("group_concat(")
	case expr.AggJSONArray:
		b.WriteString("json_arrayagg(")
	case expr.AggJSONObject:
		b.WriteString("json_objectagg(")
	default:
		b.WriteString("agg" + strconv.Itoa(int(s.Func)) + "(")
	}
	if s.Distinct {
		b.WriteString("distinct ")
	}
	fmt.Fprintf(&b, "$%d", s.Arg)
	if s.OrderByArg {
		fmt.Fprintf(&b, " order $%d", s.OrderArg)
	}
	if s.OrderDesc {
		b.WriteString(" desc")
	}
	if s.Func == expr.AggGroupConcat {
		b.WriteString(" separator " + strconv.Quote(s.Separator))
		if s.MaxLen > 0 {
			fmt.Fprintf(&b, " max %d", s.MaxLen)
		}
	}
	if s.HasLimit {
		fmt.Fprintf(&b, " limit %d,%d", s.Offset, s.Limit)
	}
	b.WriteByte(')')
	return b.String()
}

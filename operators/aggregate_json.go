package operators

import (
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// keyedValue is a value with the key it is ordered by.
type keyedValue struct{ key, v dataflow.Value }

func compareKeyed(a, b keyedValue) int {
	if c := compareValuesTotal(a.key, b.key); c != 0 {
		return c
	}
	return compareValuesTotal(a.v, b.v)
}

// applyKeyed adds (or retracts) one value of JSON_ARRAYAGG(x ORDER BY y) with its key.
func applyKeyed(s *AggSpec, st *accState, row dataflow.Row, v dataflow.Value, neg bool) {
	kv := keyedValue{key: colAt(row, s.OrderArg), v: v}
	if neg {
		if st.pairs != nil {
			st.pairs.remove(kv, compareKeyed)
			if st.pairs.empty() {
				st.pairs = nil
			}
		}
		return
	}
	if st.pairs == nil {
		st.pairs = &bag[keyedValue]{}
	}
	st.pairs.add(kv, compareKeyed)
}

// jsonArrayResult is JSON_ARRAYAGG's value for the group: NULL when it has no rows.
func (a *Aggregate) jsonArrayResult(s *AggSpec, st *accState) dataflow.Value {
	if s.OrderByArg {
		if st.pairs == nil || st.pairs.empty() {
			return dataflow.Null
		}
		return a.jsonArray(s, func(fn func(dataflow.Value, int64) bool) {
			visit := func(kv keyedValue, n int64) bool { return fn(kv.v, n) }
			if s.OrderDesc {
				st.pairs.descend(visit)
			} else {
				st.pairs.ascend(visit)
			}
		})
	}
	if st.vals == nil || st.vals.empty() {
		return dataflow.Null
	}
	return a.jsonArray(s, func(fn func(dataflow.Value, int64) bool) {
		if s.OrderDesc {
			st.vals.descend(fn)
		} else {
			st.vals.ascend(fn)
		}
	})
}

// jsonArray renders JSON_ARRAYAGG from the group's values (NULLs as null) in the order each
// gives them: by value or by the ORDER BY key, descending for OrderDesc. Under DISTINCT a
// run of collation-equal values stands for one element; the LIMIT window is taken from that
// order. MariaDB writes the elements without spaces: [1,null,"a"].
func (a *Aggregate) jsonArray(s *AggSpec, each func(func(v dataflow.Value, n int64) bool)) dataflow.Value {
	buf := append(a.textBuf[:0], '[')
	seen, emitted := false, false
	var prev dataflow.Value
	skip, left := s.Offset, s.Limit
	visit := func(v dataflow.Value, n int64) bool {
		if s.Distinct {
			if seen && dataflow.Compare(prev, v) == 0 {
				return true
			}
			prev, n = v, 1
		}
		seen = true
		for ; n > 0; n-- {
			if s.HasLimit {
				if left <= 0 {
					return false
				}
				if skip > 0 {
					skip--
					continue
				}
				left--
			}
			if emitted {
				buf = append(buf, ',')
			}
			emitted = true
			buf = expr.AppendJSONValue(buf, v, s.ArgJSON)
		}
		return true
	}
	each(visit)
	buf = append(buf, ']')
	a.textBuf = buf[:0]
	return dataflow.String(string(buf))
}

// jsonObject renders JSON_OBJECTAGG from its members' text (see expr.NewJSONMember), in the
// order of that text, so by key; duplicate keys stay, as MariaDB keeps them. MariaDB puts a
// comma and a space between members: {"a":1, "b":2}.
func (a *Aggregate) jsonObject(vals *valueBag) dataflow.Value {
	if vals == nil || vals.empty() {
		return dataflow.Null
	}
	buf := append(a.textBuf[:0], '{')
	vals.ascend(func(v dataflow.Value, n int64) bool {
		for ; n > 0; n-- {
			if len(buf) > 1 {
				buf = append(buf, ", "...)
			}
			buf = append(buf, v.RawString()...)
		}
		return true
	})
	buf = append(buf, '}')
	a.textBuf = buf[:0]
	return dataflow.String(string(buf))
}

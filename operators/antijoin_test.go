package operators

import (
	"fmt"
	"slices"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// tIsNull is `$i IS NULL`.
type tIsNull int

func (c tIsNull) Eval(r dataflow.Row) dataflow.Value {
	if colAt(r, int(c)).IsNull() {
		return dataflow.Int(1)
	}
	return dataflow.Int(0)
}
func (c tIsNull) Type() dataflow.Type { return dataflow.Type{Kind: dataflow.KindInt} }
func (c tIsNull) String() string      { return fmt.Sprintf("($%d IS NULL)", int(c)) }

// subqueryJoin is the pipeline the planner lowers EXISTS and NOT EXISTS to: the subquery's
// rows (correlation key, other column) projected to their key and made distinct, joined with
// the outer rows (id, key), inner for a semi-join, left and kept where padded for an
// anti-join. It holds the multiset of its output.
type subqueryJoin struct {
	distinct *Distinct
	join     *Join
	filter   *Filter
	out      map[string]int // "id|key" -> multiplicity
}

func newSubqueryJoin(anti bool) *subqueryJoin {
	kind := JoinInner
	if anti {
		kind = JoinLeft
	}
	s := &subqueryJoin{distinct: NewDistinct(), join: NewJoin(kind, []int{1}, []int{0}, 2, 1), out: map[string]int{}}
	if anti {
		s.filter = NewFilter(tIsNull(2))
	}
	return s
}

func (s *subqueryJoin) emit(t *testing.T, b dataflow.Batch) {
	if s.filter != nil {
		b = s.filter.Process(0, b)
	}
	for _, r := range b {
		k := fmtValue(r.Row[0]) + "|" + fmtValue(r.Row[1])
		if r.Neg {
			if s.out[k] == 0 {
				t.Fatalf("retraction of %s, which is not in the output", k)
			}
			if s.out[k]--; s.out[k] == 0 {
				delete(s.out, k)
			}
		} else {
			s.out[k]++
		}
	}
}

func (s *subqueryJoin) outer(t *testing.T, lines ...string) {
	s.emit(t, s.join.Process(0, batchOf(t, lines...)))
}

func (s *subqueryJoin) inner(t *testing.T, lines ...string) {
	keys := dataflow.Batch{}
	for _, r := range batchOf(t, lines...) {
		keys = append(keys, dataflow.Record{Row: r.Row[:1], Neg: r.Neg})
	}
	s.emit(t, s.join.Process(1, s.distinct.Process(0, keys)))
}

func (s *subqueryJoin) rows() []string {
	var out []string
	for k, n := range s.out {
		for range n {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestSubqueryJoinTransitions walks one key through 0, 1, 2, 1, 0 matching subquery rows
// (and back up within one batch), with two outer rows on it, a NULL key and an unrelated
// key: EXISTS shows each outer row once from the first match to the last, NOT EXISTS
// exactly when there is none and always for a NULL key.
func TestSubqueryJoinTransitions(t *testing.T) {
	both := func(want ...string) []string { return want }
	steps := []struct {
		name        string
		outer       []string
		inner       []string
		exists, not []string
	}{
		{name: "outer rows, no match", outer: []string{"+[1, 10]", "+[2, 10]", "+[3, NULL]", "+[4, 20]"},
			exists: nil, not: both("1|10", "2|10", "3|NULL", "4|20")},
		{name: "0 -> 1", inner: []string{"+[10, 100]"},
			exists: both("1|10", "2|10"), not: both("3|NULL", "4|20")},
		{name: "1 -> 2", inner: []string{"+[10, 101]"},
			exists: both("1|10", "2|10"), not: both("3|NULL", "4|20")},
		{name: "2 -> 1", inner: []string{"-[10, 100]"},
			exists: both("1|10", "2|10"), not: both("3|NULL", "4|20")},
		{name: "1 -> 0 -> 1 in one batch", inner: []string{"-[10, 101]", "+[10, 102]"},
			exists: both("1|10", "2|10"), not: both("3|NULL", "4|20")},
		{name: "1 -> 0", inner: []string{"-[10, 102]"},
			exists: nil, not: both("1|10", "2|10", "3|NULL", "4|20")},
		{name: "0 -> 2 in one batch", inner: []string{"+[10, 1]", "+[10, 2]"},
			exists: both("1|10", "2|10"), not: both("3|NULL", "4|20")},
		{name: "an outer row arrives on a matched key, one leaves", outer: []string{"+[5, 10]", "-[1, 10]"},
			exists: both("2|10", "5|10"), not: both("3|NULL", "4|20")},
		{name: "a NULL subquery key matches nothing", inner: []string{"+[NULL, 7]"},
			exists: both("2|10", "5|10"), not: both("3|NULL", "4|20")},
		{name: "2 -> 0 in one batch", inner: []string{"-[10, 1]", "-[10, 2]"},
			exists: nil, not: both("2|10", "3|NULL", "4|20", "5|10")},
		{name: "the other key 0 -> 1", inner: []string{"+[20, 5]"},
			exists: both("4|20"), not: both("2|10", "3|NULL", "5|10")},
	}
	for _, anti := range []bool{false, true} {
		s := newSubqueryJoin(anti)
		for _, st := range steps {
			if len(st.outer) > 0 {
				s.outer(t, st.outer...)
			}
			if len(st.inner) > 0 {
				s.inner(t, st.inner...)
			}
			want := st.exists
			if anti {
				want = st.not
			}
			if got := s.rows(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("anti=%v, %s: rows %q, want %q", anti, st.name, got, want)
			}
		}
	}
}

package operators

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// Interval is a set of range values between two bounds: Lo and Hi, each closed (Incl) or
// open, and unset for -∞ (Lo) or +∞ (Hi). NULL lies in no interval. An interval whose
// bounds cross ([5,3], or (4,4]) is empty.
type Interval struct {
	Lo, Hi Bound
}

// Intervals is an immutable set of range values kept as disjoint intervals in ascending
// order, none empty and no two touching (two that share a point, or meet at a value one of
// them includes, are one). A partial range reader keeps one beside its rows: the values
// whose rows it holds; every other value is a hole. Every operation returns a new set and
// leaves the receiver untouched, so a published set can be read while its successor is
// built. The nil set is empty.
type Intervals struct {
	ivs []Interval
}

// Everything is the interval of every value.
var Everything = Interval{}

// cmpLo orders lower bounds by where they start: -∞ first; at one value, a closed bound
// before an open one.
func cmpLo(a, b Bound) int {
	switch {
	case !a.Set && !b.Set:
		return 0
	case !a.Set:
		return -1
	case !b.Set:
		return 1
	}
	if c := dataflow.Compare(a.Val, b.Val); c != 0 {
		return c
	}
	switch {
	case a.Incl == b.Incl:
		return 0
	case a.Incl:
		return -1
	}
	return 1
}

// cmpHi orders upper bounds by where they end: +∞ last; at one value, an open bound before
// a closed one.
func cmpHi(a, b Bound) int {
	switch {
	case !a.Set && !b.Set:
		return 0
	case !a.Set:
		return 1
	case !b.Set:
		return -1
	}
	if c := dataflow.Compare(a.Val, b.Val); c != 0 {
		return c
	}
	switch {
	case a.Incl == b.Incl:
		return 0
	case a.Incl:
		return 1
	}
	return -1
}

// gap reports whether upper bound hi ends before lower bound lo starts with some value
// between them (both set): no interval ending at hi touches one starting at lo.
func gap(hi, lo Bound) bool {
	if !hi.Set || !lo.Set {
		return false
	}
	c := dataflow.Compare(hi.Val, lo.Val)
	return c < 0 || (c == 0 && !hi.Incl && !lo.Incl)
}

// separate reports whether an interval ending at hi lies wholly before one starting at lo:
// they share no value (they may touch).
func separate(hi, lo Bound) bool {
	if !hi.Set || !lo.Set {
		return false
	}
	c := dataflow.Compare(hi.Val, lo.Val)
	return c < 0 || (c == 0 && !(hi.Incl && lo.Incl))
}

// Empty reports whether the interval holds no value.
func (iv Interval) Empty() bool { return separate(iv.Hi, iv.Lo) }

// Contains reports whether v lies in the interval.
func (iv Interval) Contains(v dataflow.Value) bool {
	if v.IsNull() {
		return false
	}
	if iv.Lo.Set {
		c := dataflow.Compare(v, iv.Lo.Val)
		if c < 0 || (c == 0 && !iv.Lo.Incl) {
			return false
		}
	}
	if iv.Hi.Set {
		c := dataflow.Compare(v, iv.Hi.Val)
		if c > 0 || (c == 0 && !iv.Hi.Incl) {
			return false
		}
	}
	return true
}

// String renders the interval in the usual notation, e.g. "[3, 7)" or "(-∞, 2]".
func (iv Interval) String() string {
	var b strings.Builder
	if iv.Lo.Set && iv.Lo.Incl {
		b.WriteByte('[')
	} else {
		b.WriteByte('(')
	}
	if iv.Lo.Set {
		b.WriteString(iv.Lo.Val.String())
	} else {
		b.WriteString("-∞")
	}
	b.WriteString(", ")
	if iv.Hi.Set {
		b.WriteString(iv.Hi.Val.String())
	} else {
		b.WriteString("+∞")
	}
	if iv.Hi.Set && iv.Hi.Incl {
		b.WriteByte(']')
	} else {
		b.WriteByte(')')
	}
	return b.String()
}

// complementHi is the upper bound of the values before a lower bound: [5 → 5), (5 → 5].
func complementHi(lo Bound) Bound { return Bound{Val: lo.Val, Incl: !lo.Incl, Set: true} }

// complementLo is the lower bound of the values after an upper bound: 5] → (5, 5) → [5.
func complementLo(hi Bound) Bound { return Bound{Val: hi.Val, Incl: !hi.Incl, Set: true} }

// Len is the number of disjoint intervals.
func (s *Intervals) Len() int {
	if s == nil {
		return 0
	}
	return len(s.ivs)
}

// At returns the i-th interval in ascending order.
func (s *Intervals) At(i int) Interval { return s.ivs[i] }

// String renders the set, e.g. "{[1, 3) (5, +∞)}".
func (s *Intervals) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < s.Len(); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.ivs[i].String())
	}
	b.WriteByte('}')
	return b.String()
}

// find returns the index of the last interval starting at or before lo, -1 when none does.
func (s *Intervals) find(lo Bound) int {
	i, j := 0, s.Len()
	for i < j { // first interval starting after lo
		h := int(uint(i+j) >> 1)
		if cmpLo(s.ivs[h].Lo, lo) <= 0 {
			i = h + 1
		} else {
			j = h
		}
	}
	return i - 1
}

// Contains reports whether v lies in the set. It allocates nothing.
func (s *Intervals) Contains(v dataflow.Value) bool {
	if v.IsNull() || s.Len() == 0 {
		return false
	}
	i := s.find(Bound{Val: v, Incl: true, Set: true})
	return i >= 0 && s.ivs[i].Contains(v)
}

// Covers reports whether every value of iv lies in the set (an empty iv always does). It
// allocates nothing: a read checks it on every call.
func (s *Intervals) Covers(iv Interval) bool {
	if iv.Empty() {
		return true
	}
	i := s.find(iv.Lo)
	return i >= 0 && cmpHi(s.ivs[i].Hi, iv.Hi) >= 0
}

// Missing returns the parts of iv that are not in the set, in ascending order: the holes a
// read of iv must fill.
func (s *Intervals) Missing(iv Interval) []Interval {
	if iv.Empty() {
		return nil
	}
	var out []Interval
	cur := iv
	for i := max(s.find(iv.Lo), 0); i < s.Len(); i++ {
		f := s.ivs[i]
		if separate(f.Hi, cur.Lo) {
			continue // wholly before what is left
		}
		if separate(cur.Hi, f.Lo) {
			break // wholly after it
		}
		if cmpLo(f.Lo, cur.Lo) > 0 {
			out = append(out, Interval{Lo: cur.Lo, Hi: complementHi(f.Lo)})
		}
		if cmpHi(f.Hi, cur.Hi) >= 0 {
			return out
		}
		cur.Lo = complementLo(f.Hi)
	}
	if !cur.Empty() {
		out = append(out, cur)
	}
	return out
}

// Add returns the set with iv's values added.
func (s *Intervals) Add(iv Interval) *Intervals {
	if iv.Empty() {
		return s
	}
	out := make([]Interval, 0, s.Len()+1)
	i := 0
	for ; i < s.Len() && gap(s.ivs[i].Hi, iv.Lo); i++ {
		out = append(out, s.ivs[i])
	}
	merged := iv
	for ; i < s.Len() && !gap(merged.Hi, s.ivs[i].Lo); i++ {
		if cmpLo(s.ivs[i].Lo, merged.Lo) < 0 {
			merged.Lo = s.ivs[i].Lo
		}
		if cmpHi(s.ivs[i].Hi, merged.Hi) > 0 {
			merged.Hi = s.ivs[i].Hi
		}
	}
	out = append(out, merged)
	if s != nil {
		out = append(out, s.ivs[i:]...)
	}
	return &Intervals{ivs: out}
}

// Remove returns the set without iv's values.
func (s *Intervals) Remove(iv Interval) *Intervals {
	if iv.Empty() || s.Len() == 0 {
		return s
	}
	out := make([]Interval, 0, s.Len()+1)
	for _, f := range s.ivs {
		if separate(f.Hi, iv.Lo) || separate(iv.Hi, f.Lo) {
			out = append(out, f)
			continue
		}
		if cmpLo(f.Lo, iv.Lo) < 0 {
			out = append(out, Interval{Lo: f.Lo, Hi: complementHi(iv.Lo)})
		}
		if iv.Hi.Set && cmpHi(f.Hi, iv.Hi) > 0 {
			out = append(out, Interval{Lo: complementLo(iv.Hi), Hi: f.Hi})
		}
	}
	return &Intervals{ivs: slices.Clip(out)}
}

// Intersect returns the parts of iv that are in the set, in ascending order.
func (s *Intervals) Intersect(iv Interval) []Interval {
	if iv.Empty() {
		return nil
	}
	var out []Interval
	for i := max(s.find(iv.Lo), 0); i < s.Len(); i++ {
		f := s.ivs[i]
		if separate(f.Hi, iv.Lo) {
			continue
		}
		if separate(iv.Hi, f.Lo) {
			break
		}
		part := f
		if cmpLo(iv.Lo, part.Lo) > 0 {
			part.Lo = iv.Lo
		}
		if cmpHi(iv.Hi, part.Hi) < 0 {
			part.Hi = iv.Hi
		}
		out = append(out, part)
	}
	return out
}

// check verifies the set's invariants (for tests): ascending, disjoint, none empty, none
// touching.
func (s *Intervals) check() error {
	for i := 0; i < s.Len(); i++ {
		if s.ivs[i].Empty() {
			return fmt.Errorf("interval %d %s is empty", i, s.ivs[i])
		}
		if i > 0 && !gap(s.ivs[i-1].Hi, s.ivs[i].Lo) {
			return fmt.Errorf("intervals %s and %s touch or are out of order", s.ivs[i-1], s.ivs[i])
		}
	}
	return nil
}

// intervalBytes approximates one interval of a set: two bounds with their values.
const intervalBytes = 96

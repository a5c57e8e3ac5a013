package operators

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

func cl(v int64) Bound { return Bound{Val: dataflow.Int(v), Incl: true, Set: true} }
func op(v int64) Bound { return Bound{Val: dataflow.Int(v), Set: true} }

var inf = Bound{}

func iv(lo, hi Bound) Interval { return Interval{Lo: lo, Hi: hi} }

func set(ivs ...Interval) *Intervals {
	var s *Intervals
	for _, x := range ivs {
		s = s.Add(x)
	}
	return s
}

func TestIntervalsAdd(t *testing.T) {
	for _, tc := range []struct {
		ivs  []Interval
		want string
	}{
		{nil, "{}"},
		{[]Interval{iv(cl(1), cl(3))}, "{[1, 3]}"},
		{[]Interval{iv(cl(3), cl(1))}, "{}"},
		{[]Interval{iv(op(2), cl(2))}, "{}"},
		{[]Interval{iv(cl(2), cl(2))}, "{[2, 2]}"},
		{[]Interval{iv(cl(1), op(3)), iv(cl(3), cl(5))}, "{[1, 5]}"},
		{[]Interval{iv(cl(1), cl(3)), iv(op(3), cl(5))}, "{[1, 5]}"},
		{[]Interval{iv(cl(1), op(3)), iv(op(3), cl(5))}, "{[1, 3) (3, 5]}"},
		{[]Interval{iv(cl(7), cl(9)), iv(cl(1), cl(2)), iv(cl(4), cl(5))}, "{[1, 2] [4, 5] [7, 9]}"},
		{[]Interval{iv(cl(7), cl(9)), iv(cl(1), cl(2)), iv(op(2), op(7))}, "{[1, 9]}"},
		{[]Interval{iv(cl(1), cl(2)), iv(inf, op(0))}, "{(-∞, 0) [1, 2]}"},
		{[]Interval{iv(cl(1), cl(2)), iv(op(5), inf), iv(inf, inf)}, "{(-∞, +∞)}"},
		{[]Interval{iv(cl(1), cl(2)), iv(cl(4), cl(5)), iv(cl(0), cl(4))}, "{[0, 5]}"},
	} {
		s := set(tc.ivs...)
		if got := s.String(); got != tc.want {
			t.Errorf("add %v: %s, want %s", tc.ivs, got, tc.want)
		}
		if err := s.check(); err != nil {
			t.Errorf("add %v: %v", tc.ivs, err)
		}
	}
}

func TestIntervalsRemoveMissingCovers(t *testing.T) {
	base := set(iv(cl(1), cl(5)), iv(op(8), inf))
	for _, tc := range []struct {
		q                Interval
		removed, missing string
		covers           bool
		intersect        string
		containsLo       bool
	}{
		{iv(cl(2), cl(3)), "{[1, 2) (3, 5] (8, +∞)}", "[]", true, "[[2, 3]]", true},
		{iv(cl(1), cl(5)), "{(8, +∞)}", "[]", true, "[[1, 5]]", true},
		{iv(op(1), op(5)), "{[1, 1] [5, 5] (8, +∞)}", "[]", true, "[(1, 5)]", true},
		{iv(cl(0), cl(6)), "{(8, +∞)}", "[[0, 1) (5, 6]]", false, "[[1, 5]]", false},
		{iv(cl(4), cl(9)), "{[1, 4) (9, +∞)}", "[(5, 8]]", false, "[[4, 5] (8, 9]]", true},
		{iv(cl(8), cl(8)), "{[1, 5] (8, +∞)}", "[[8, 8]]", false, "[]", false},
		{iv(inf, inf), "{}", "[(-∞, 1) (5, 8]]", false, "[[1, 5] (8, +∞)]", false},
		{iv(op(20), inf), "{[1, 5] (8, 20]}", "[]", true, "[(20, +∞)]", true},
		{iv(inf, cl(0)), "{[1, 5] (8, +∞)}", "[(-∞, 0]]", false, "[]", false},
		{iv(cl(6), cl(2)), "{[1, 5] (8, +∞)}", "[]", true, "[]", false},
	} {
		if got := base.Remove(tc.q); got.String() != tc.removed || got.check() != nil {
			t.Errorf("remove %s: %s (%v), want %s", tc.q, got, got.check(), tc.removed)
		}
		if got := fmt.Sprint(base.Missing(tc.q)); got != tc.missing {
			t.Errorf("missing %s: %s, want %s", tc.q, got, tc.missing)
		}
		if got := base.Covers(tc.q); got != tc.covers {
			t.Errorf("covers %s: %v", tc.q, got)
		}
		if got := fmt.Sprint(base.Intersect(tc.q)); got != tc.intersect {
			t.Errorf("intersect %s: %s, want %s", tc.q, got, tc.intersect)
		}
		if tc.q.Lo.Set {
			if got := base.Contains(tc.q.Lo.Val); got != tc.containsLo {
				t.Errorf("contains %s: %v", tc.q.Lo.Val, got)
			}
		}
	}
	if base.String() != "{[1, 5] (8, +∞)}" {
		t.Fatalf("operations changed the set: %s", base)
	}
	if base.Contains(dataflow.Null) {
		t.Fatal("NULL lies in a set")
	}
}

// Points of the model: point p stands for the value p/2, so odd points lie strictly between
// two integers and open bounds differ from closed ones. Values are 0..9; points run from
// -1 (below every value) to 19 (above).
const (
	modelLo, modelHi = -1, 19
)

func inModel(x Interval, p int) bool {
	if x.Lo.Set {
		lo := int(2 * x.Lo.Val.RawInt())
		if p < lo || (p == lo && !x.Lo.Incl) {
			return false
		}
	}
	if x.Hi.Set {
		hi := int(2 * x.Hi.Val.RawInt())
		if p > hi || (p == hi && !x.Hi.Incl) {
			return false
		}
	}
	return true
}

func drawBound(t *rapid.T, name string) Bound {
	if rapid.IntRange(0, 5).Draw(t, name+"inf") == 0 {
		return Bound{}
	}
	return Bound{Val: dataflow.Int(int64(rapid.IntRange(0, 9).Draw(t, name))), Incl: rapid.Bool().Draw(t, name+"incl"), Set: true}
}

func drawInterval(t *rapid.T) Interval {
	return Interval{Lo: drawBound(t, "lo"), Hi: drawBound(t, "hi")}
}

// TestIntervalsModel checks the set against a bitmap of points through random sequences of
// additions and removals: membership of every point, Missing, Covers and Intersect.
func TestIntervalsModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s *Intervals
		model := map[int]bool{}
		for range rapid.IntRange(1, 12).Draw(t, "ops") {
			x := drawInterval(t)
			add := rapid.Bool().Draw(t, "add")
			prev := s.String()
			if add {
				s = s.Add(x)
			} else {
				s = s.Remove(x)
			}
			for p := modelLo; p <= modelHi; p++ {
				if inModel(x, p) {
					model[p] = add
				}
			}
			if err := s.check(); err != nil {
				t.Fatalf("%s after %v %s on %s", err, add, x, prev)
			}
			for p := modelLo; p <= modelHi; p++ {
				in := false
				for i := 0; i < s.Len(); i++ {
					in = in || inModel(s.At(i), p)
				}
				if in != model[p] {
					t.Fatalf("point %d: set %s says %v, model %v", p, s, in, model[p])
				}
				if p%2 == 0 && p >= 0 && s.Contains(dataflow.Int(int64(p/2))) != model[p] {
					t.Fatalf("Contains(%d) on %s", p/2, s)
				}
			}
			q := drawInterval(t)
			missing, inter := s.Missing(q), s.Intersect(q)
			covers := true
			for p := modelLo; p <= modelHi; p++ {
				inMissing, inInter := false, false
				for _, m := range missing {
					inMissing = inMissing || inModel(m, p)
				}
				for _, m := range inter {
					inInter = inInter || inModel(m, p)
				}
				want := inModel(q, p) && !model[p]
				if inMissing != want {
					t.Fatalf("point %d: Missing(%s) of %s = %v", p, q, s, missing)
				}
				if inInter != (inModel(q, p) && model[p]) {
					t.Fatalf("point %d: Intersect(%s) of %s = %v", p, q, s, inter)
				}
				covers = covers && !want
			}
			// The model's points are a sample of the reals: an uncovered stretch between
			// two points is always seen at one (bounds are at integers).
			if s.Covers(q) != covers {
				t.Fatalf("Covers(%s) of %s = %v, model %v", q, s, s.Covers(q), covers)
			}
			for _, m := range missing {
				if m.Empty() {
					t.Fatalf("Missing(%s) of %s holds an empty interval", q, s)
				}
			}
		}
	})
}

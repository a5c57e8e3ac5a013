package operators_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
)

// temporalOp compiles `SELECT * FROM t WHERE <cond>` over
// t (id INT, at DATETIME, at3 DATETIME(3), day DATE, n BIGINT) and returns its temporal
// filter as an operator and as the plan node.
func temporalOp(t *testing.T, cond string) (*operators.TemporalFilter, *planner.TemporalFilter) {
	t.Helper()
	ct, err := planner.Compile(nil, "CREATE TABLE t (id INT PRIMARY KEY, at DATETIME, at3 DATETIME(3), day DATE, n BIGINT)")
	if err != nil {
		t.Fatal(err)
	}
	cat := planner.NewMapCatalog(&ct.(*planner.CreateTable).Schema)
	st, err := planner.Compile(cat, "SELECT * FROM t WHERE "+cond)
	if err != nil {
		t.Fatalf("%s: %v", cond, err)
	}
	var find func(p planner.Plan) *planner.TemporalFilter
	find = func(p planner.Plan) *planner.TemporalFilter {
		if tf, ok := p.(*planner.TemporalFilter); ok {
			return tf
		}
		for _, in := range p.Inputs() {
			if tf := find(in); tf != nil {
				return tf
			}
		}
		return nil
	}
	tf := find(st.(*planner.Select).Query.Root)
	if tf == nil {
		t.Fatalf("%s: no temporal filter in the plan", cond)
	}
	return operators.NewTemporalFilter(tf.Atoms, tf.Clocks), tf
}

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04:05.999999", time.DateOnly} {
		if tm, err := time.Parse(layout, s); err == nil {
			return tm
		}
	}
	t.Fatalf("bad time %q", s)
	return time.Time{}
}

func dt(t *testing.T, s string) dataflow.Value {
	if s == "" {
		return dataflow.Null
	}
	return dataflow.Datetime(ts(t, s), 6)
}

// TestTemporalFilterSchedulesExactInstants: a row's next change is the first instant its
// membership differs, for second, sub-second, day, calendar-month and UNIX_TIMESTAMP()
// clocks; rows whose membership never changes are not kept.
func TestTemporalFilterSchedulesExactInstants(t *testing.T) {
	row := func(at, at3, day string, n int64) dataflow.Row {
		d := dataflow.Null
		if day != "" {
			d = dataflow.Date(ts(t, day))
		}
		return dataflow.Row{dataflow.Int(1), dt(t, at), dt(t, at3), d, dataflow.Int(n)}
	}
	tests := []struct {
		name, cond string
		now        string
		row        dataflow.Row
		in         bool
		changes    []string // the successive instants its membership changes at
	}{
		{"leaves a sliding window", "at > NOW() - INTERVAL 30 SECOND", "2024-05-01 12:00:05", row("2024-05-01 12:00:00", "", "", 0), true, []string{"2024-05-01 12:00:30"}},
		{"inclusive bound leaves a second later", "at >= NOW() - INTERVAL 30 SECOND", "2024-05-01 12:00:05", row("2024-05-01 12:00:00", "", "", 0), true, []string{"2024-05-01 12:00:31"}},
		{"a future row enters", "at <= NOW()", "2024-05-01 12:00:05", row("2024-05-01 13:00:00", "", "", 0), false, []string{"2024-05-01 13:00:00"}},
		{"a past row never changes", "at <= NOW()", "2024-05-01 12:00:05", row("2024-05-01 11:00:00", "", "", 0), true, nil},
		{"NULL never enters", "at > NOW() - INTERVAL 1 DAY", "2024-05-01 12:00:05", row("", "", "", 0), false, nil},
		{"expiry", "at > NOW()", "2024-05-01 12:00:05", row("2024-05-01 12:00:07", "", "", 0), true, []string{"2024-05-01 12:00:07"}},
		{"fractional seconds", "at3 > NOW(3)", "2024-05-01 12:00:00", row("", "2024-05-01 12:00:00.25", "", 0), true, []string{"2024-05-01 12:00:00.25"}},
		{"today", "day = CURDATE()", "2024-05-09 10:00:00", row("", "", "2024-05-10", 0), false, []string{"2024-05-10 00:00:00", "2024-05-11 00:00:00"}},
		{"calendar month", "at > NOW() - INTERVAL 1 MONTH", "2024-02-10 00:00:00", row("2024-01-31 00:00:00", "", "", 0), true, []string{"2024-03-01 00:00:00"}},
		{"between", "at BETWEEN NOW() - INTERVAL 7 DAY AND NOW()", "2024-05-01 00:00:00", row("2024-05-03 06:00:00", "", "", 0), false, []string{"2024-05-03 06:00:00", "2024-05-10 06:00:01"}},
		{"unix seconds", "n > UNIX_TIMESTAMP() - 3600", "2024-05-01 12:00:00", row("", "", "", ts(t, "2024-05-01 12:30:00").Unix()), true, []string{"2024-05-01 13:30:00"}},
		{"a window in the far future", "at > NOW()", "2024-05-01 00:00:00", row("9000-01-01 00:00:00", "", "", 0), true, []string{"9000-01-01 00:00:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := temporalOp(t, tt.cond)
			f.Start(ts(t, tt.now), nil)
			out := f.Process(0, dataflow.Batch{{Row: tt.row}})
			if (len(out) == 1) != tt.in {
				t.Fatalf("in the output at %s: %v, want %v", tt.now, len(out) == 1, tt.in)
			}
			in := tt.in
			for _, want := range tt.changes {
				at, ok := f.NextChange()
				if !ok || !at.Equal(ts(t, want)) {
					t.Fatalf("next change %v (%v), want %s", at, ok, want)
				}
				// Nothing happens a microsecond before; the change happens at the instant.
				if b := f.Advance(at.Add(-time.Microsecond)); len(b) != 0 {
					t.Fatalf("advance to just before %s emitted %s", want, dataflow.FormatBatch(b))
				}
				b := f.Advance(at)
				if len(b) != 1 || b[0].Neg != in {
					t.Fatalf("advance to %s emitted %s, want the row to %s", want, dataflow.FormatBatch(b), map[bool]string{true: "leave", false: "enter"}[in])
				}
				in = !in
			}
			if at, ok := f.NextChange(); ok {
				t.Fatalf("a change left at %v", at)
			}
			if f.Pending() != 0 || f.StateBytes() != 0 {
				t.Fatalf("pending %d rows, %d bytes after the last change", f.Pending(), f.StateBytes())
			}
		})
	}
}

// TestTemporalFilterRandomWalk applies random inserts, deletes and advances and checks the
// emitted multiset against the condition evaluated at each instant; deletions unschedule
// the very copy the insertion scheduled, duplicates included.
func TestTemporalFilterRandomWalk(t *testing.T) {
	for _, cond := range []string{
		"at > NOW() - INTERVAL 30 SECOND",
		"at BETWEEN NOW() - INTERVAL 20 SECOND AND NOW() + INTERVAL 5 SECOND",
		"day = CURDATE() AND at <= NOW()",
		"at3 >= NOW(3) - INTERVAL 1 MINUTE",
	} {
		t.Run(cond, func(t *testing.T) {
			f, tf := temporalOp(t, cond)
			rng := rand.New(rand.NewPCG(1, 2))
			now := ts(t, "2024-05-01 23:59:00")
			f.Start(now, nil)
			var rows []dataflow.Row // the input multiset
			held := map[string]int{}
			apply := func(b dataflow.Batch) {
				for _, r := range b {
					k := r.Row.String()
					if r.Neg {
						held[k]--
					} else {
						held[k]++
					}
				}
			}
			for step := 0; step < 800; step++ {
				switch rng.IntN(4) {
				case 0, 1:
					off := time.Duration(rng.IntN(120)-60) * time.Second
					at := now.Add(off)
					r := dataflow.Row{dataflow.Int(int64(rng.IntN(3))), dataflow.Datetime(at, 0),
						dataflow.Datetime(at.Add(time.Duration(rng.IntN(1000))*time.Millisecond), 3), dataflow.Date(at), dataflow.Int(0)}
					rows = append(rows, r)
					apply(f.Process(0, dataflow.Batch{{Row: r}}))
					if rng.IntN(3) == 0 { // a duplicate copy
						rows = append(rows, r)
						apply(f.Process(0, dataflow.Batch{{Row: r}}))
					}
				case 2:
					if len(rows) > 0 {
						i := rng.IntN(len(rows))
						r := rows[i]
						rows = slices.Delete(rows, i, i+1)
						apply(f.Process(0, dataflow.Batch{{Row: r, Neg: true}}))
					}
				case 3:
					now = now.Add(time.Duration(rng.IntN(15000)) * time.Millisecond)
					apply(f.Advance(now))
				}
				want := map[string]int{}
				clock := expr.ClockValues(nil, tf.Clocks, now)
				var scratch dataflow.Row
				for _, r := range rows {
					if expr.HoldsAt(tf.Atoms, r, clock, &scratch) {
						want[r.String()]++
					}
				}
				for k, n := range held {
					if n != want[k] {
						t.Fatalf("step %d at %s: %s held %d times, want %d", step, now, k, n, want[k])
					}
				}
				for k, n := range want {
					if held[k] != n {
						t.Fatalf("step %d at %s: %s held %d times, want %d", step, now, k, held[k], n)
					}
				}
			}
		})
	}
}

package conformance

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

func mustExact(t testing.TB, s string) Cell {
	t.Helper()
	c, err := ExactCell(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCellEqual(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Cell
		want bool
	}{
		{"null null", Null, Null, true},
		{"null zero", Null, IntCell(0), false},
		{"null empty string", Null, TextCell(""), false},
		{"null text NULL", Null, TextCell("NULL"), false},
		{"decimal scale", IntCell(2), mustExact(t, "2.0000"), true},
		{"decimal scales", mustExact(t, "1.50"), mustExact(t, "1.5"), true},
		{"decimal differs", mustExact(t, "0.3333"), mustExact(t, "0.333333"), false},
		{"negative", IntCell(-3), mustExact(t, "-3.00"), true},
		{"unsigned", UintCell(math.MaxUint64), mustExact(t, "18446744073709551615"), true},
		{"unsigned vs signed", UintCell(math.MaxUint64), IntCell(-1), false},
		{"float tolerance", FloatCell(0.1 + 0.2), FloatCell(0.3), true},
		{"float relative", FloatCell(1e20), FloatCell(1e20 * (1 + 1e-12)), true},
		{"float differs", FloatCell(1.0), FloatCell(1.001), false},
		{"float vs exact", FloatCell(2.5), mustExact(t, "2.50"), true},
		{"float vs rounded decimal", FloatCell(2.3333333333333335), mustExact(t, "2.3333"), false},
		{"tiny float vs zero", FloatCell(1e-17), IntCell(0), true},
		{"number vs numeric text", IntCell(5), TextCell("5"), false},
		{"text exact", TextCell("a"), TextCell("a"), true},
		{"text case", TextCell("a"), TextCell("A"), false},
		{"text trailing space", TextCell("a "), TextCell("a"), false},
		{"time text", TimeCell("2024-01-02"), TimeCell("2024-01-02"), true},
		{"time vs text", TimeCell("2024-01-02"), TextCell("2024-01-02"), true},
		{"time differs", TimeCell("2024-01-02 00:00:00"), TimeCell("2024-01-02"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Equal(tc.b); got != tc.want {
				t.Errorf("%s.Equal(%s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := tc.b.Equal(tc.a); got != tc.want {
				t.Errorf("%s.Equal(%s) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
			}
		})
	}
}

func TestCellFromValue(t *testing.T) {
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    dataflow.Value
		kind CellKind
		text string
	}{
		{dataflow.Null, CellNull, "NULL"},
		{dataflow.Int(-7), CellExact, "-7"},
		{dataflow.Uint(math.MaxUint64), CellExact, "18446744073709551615"},
		{dataflow.Decimal(-150, 2), CellExact, "-1.50"},
		{dataflow.Float(0.25), CellFloat, "0.25"},
		{dataflow.String("Éclair "), CellText, "Éclair "},
		{dataflow.Date(day), CellTime, "2024-02-29"},
		{dataflow.Datetime(day.Add(14*time.Hour+15*time.Minute+16*time.Second), 0), CellTime, "2024-02-29 14:15:16"},
	} {
		c := CellFromValue(tc.v)
		if c.Kind != tc.kind || c.Text != tc.text {
			t.Errorf("CellFromValue(%v) = %v %q, want %v %q", tc.v, c.Kind, c.Text, tc.kind, tc.text)
		}
	}
	if !CellFromValue(dataflow.Decimal(-150, 2)).Equal(mustExact(t, "-1.5")) {
		t.Error("decimal -1.50 does not equal -1.5")
	}
}

func TestCellFromDriver(t *testing.T) {
	for _, tc := range []struct {
		v      any
		dbType string
		want   Cell
	}{
		{nil, "INT", Null},
		{int64(-3), "BIGINT", IntCell(-3)},
		{uint64(math.MaxUint64), "UNSIGNED BIGINT", UintCell(math.MaxUint64)},
		{[]byte("12.50"), "DECIMAL", mustExact(t, "12.5")},
		{[]byte("7"), "UNSIGNED INT", IntCell(7)},
		{float64(0.5), "DOUBLE", FloatCell(0.5)},
		{float32(1.1), "FLOAT", FloatCell(1.1)},
		{[]byte("0.333"), "DOUBLE", FloatCell(0.333)},
		{[]byte("abc"), "VARCHAR", TextCell("abc")},
		{[]byte("12"), "VARCHAR", TextCell("12")},
		{[]byte("2024-01-02"), "DATE", TimeCell("2024-01-02")},
		{time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "DATE", TimeCell("2024-01-02")},
		{time.Date(2024, 1, 2, 3, 4, 5, 500000000, time.UTC), "DATETIME", TimeCell("2024-01-02 03:04:05.5")},
		{true, "BOOL", IntCell(1)},
	} {
		got, err := CellFromDriver(tc.v, tc.dbType)
		if err != nil {
			t.Errorf("CellFromDriver(%#v, %s): %v", tc.v, tc.dbType, err)
			continue
		}
		if got.Kind != tc.want.Kind || !got.Equal(tc.want) {
			t.Errorf("CellFromDriver(%#v, %s) = %v (%v), want %v (%v)", tc.v, tc.dbType, got, got.Kind, tc.want, tc.want.Kind)
		}
	}
	for _, bad := range []struct {
		v      any
		dbType string
	}{
		{[]byte("x1"), "DECIMAL"},
		{[]byte("nan?"), "DOUBLE"},
		{struct{}{}, "INT"},
	} {
		if c, err := CellFromDriver(bad.v, bad.dbType); err == nil {
			t.Errorf("CellFromDriver(%#v, %s) = %v, want an error", bad.v, bad.dbType, c)
		}
	}
}

// The sort order used for diffs must be a total order consistent with Equal on exact
// values, or multiset diffs would depend on input order.
func TestCompareCellsTotalOrder(t *testing.T) {
	gen := rapid.OneOf(
		rapid.Just(Null),
		rapid.Map(rapid.Int64Range(-5, 5), IntCell),
		rapid.Map(rapid.SampledFrom([]string{"0.5", "-1.50", "2.0", "3"}), func(s string) Cell {
			c, _ := ExactCell(s)
			return c
		}),
		rapid.Map(rapid.SampledFrom([]float64{-1.5, 0, 0.5, 2}), FloatCell),
		rapid.Map(rapid.SampledFrom([]string{"", "a", "A", "b", "2"}), TextCell),
		rapid.Map(rapid.SampledFrom([]string{"2024-01-01", "2023-12-31 10:00:00"}), TimeCell),
	)
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := gen.Draw(t, "a"), gen.Draw(t, "b"), gen.Draw(t, "c")
		if sign(compareCells(a, b)) != -sign(compareCells(b, a)) {
			t.Fatalf("compareCells not antisymmetric for %v, %v", a, b)
		}
		if compareCells(a, b) <= 0 && compareCells(b, c) <= 0 && compareCells(a, c) > 0 {
			t.Fatalf("compareCells not transitive for %v, %v, %v", a, b, c)
		}
		if a.Kind != CellFloat && b.Kind != CellFloat && a.Kind != CellTime && b.Kind != CellTime &&
			(compareCells(a, b) == 0) != a.Equal(b) {
			t.Fatalf("compareCells and Equal disagree on %v, %v", a, b)
		}
	})
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

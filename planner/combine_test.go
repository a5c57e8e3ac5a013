package planner

import (
	"math"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// TestAddValuesExact: the parts of a COUNT or SUM add exactly, past 64 bits too, and a NULL
// part (a SUM over no non-NULL value) adds nothing.
func TestAddValuesExact(t *testing.T) {
	for _, tc := range []struct {
		a, b dataflow.Value
		want string
	}{
		{dataflow.Int(2), dataflow.Int(3), "5"},
		{dataflow.Null, dataflow.Int(3), "3"},
		{dataflow.Int(3), dataflow.Null, "3"},
		{dataflow.Null, dataflow.Null, "NULL"},
		{dataflow.Decimal(150, 2), dataflow.Decimal(225, 2), "3.75"},
		{dataflow.Decimal(math.MaxInt64, 0), dataflow.Decimal(1, 0), "9223372036854775808"},
		{dataflow.Decimal(math.MinInt64, 1), dataflow.Decimal(-1, 1), "-922337203685477580.9"},
		{dataflow.Float(0.5), dataflow.Float(0.25), "0.75"},
	} {
		if got := addValues(tc.a, tc.b).ToText(); got != tc.want {
			t.Errorf("%v + %v = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
}

package reference

import (
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// SameValue is the equality results are checked with. It is exact, as dataflow.Identical is
// (strings byte for byte, so 'a' and 'A' differ; dates and times by kind and instant), except
// that exact numbers of different kinds compare by value: an INT 2, an UNSIGNED 2 and a
// DECIMAL 2.00 are the same result. A DOUBLE only equals a DOUBLE: a view that answers 2.5
// where MySQL's type rules give DECIMAL 2.5000 has the wrong type, and clients see it.
func SameValue(a, b dataflow.Value) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	if exactNumber(a) && exactNumber(b) {
		return dataflow.Compare(a, b) == 0
	}
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case dataflow.KindFloat:
		// == rather than bits: -0 and 0 print differently but no client code tells them
		// apart, and an incremental sum may reach 0 from either side.
		return a.RawFloat() == b.RawFloat()
	case dataflow.KindString:
		return a.RawString() == b.RawString()
	case dataflow.KindDatetime:
		return a.Micros() == b.Micros() && a.Scale() == b.Scale()
	}
	return dataflow.Identical(a, b)
}

func exactNumber(v dataflow.Value) bool {
	switch v.Kind() {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal:
		return true
	}
	return false
}

// SameRow compares rows value by value with SameValue.
func SameRow(a, b dataflow.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !SameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// FormatValue renders a value with its kind visible where the text alone would hide it:
// strings quoted, unsigned integers with a "u" suffix, doubles with "f".
func FormatValue(v dataflow.Value) string {
	switch v.Kind() {
	case dataflow.KindUint:
		return v.ToText() + "u"
	case dataflow.KindFloat:
		return v.ToText() + "f"
	case dataflow.KindDate:
		return "DATE'" + v.ToText() + "'"
	}
	return v.String()
}

// FormatRow renders a row with FormatValue, values separated by ", ".
func FormatRow(r dataflow.Row) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = FormatValue(v)
	}
	return strings.Join(parts, ", ")
}

// FormatRows renders rows one per line, values with their kinds visible.
func FormatRows(rows []dataflow.Row) string {
	if len(rows) == 0 {
		return "  (no rows)\n"
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("  " + FormatRow(r) + "\n")
	}
	return b.String()
}

// DiffMultiset compares two results as multisets and describes the difference; "" means
// they agree.
func DiffMultiset(want, got []dataflow.Row) string {
	used := make([]bool, len(got))
	var missing []dataflow.Row
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && SameRow(w, g) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	var extra []dataflow.Row
	for i, g := range got {
		if !used[i] {
			extra = append(extra, g)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	if len(missing) > 0 {
		b.WriteString("missing rows:\n" + FormatRows(missing))
	}
	if len(extra) > 0 {
		b.WriteString("unexpected rows:\n" + FormatRows(extra))
	}
	return b.String()
}

// DiffResult compares a view's answer (visible columns, in the order the view returned them)
// with the reference's full rows for the same lookup (hidden columns kept, in the query's
// order). Without an ORDER BY the results are multisets. With one they are sequences of runs
// of rows that tie on the sort keys: the runs must come in order, and each run must hold the
// same rows, in any order, since SQL does not order ties. "" means they agree.
func DiffResult(q *planner.Query, wantFull, got []dataflow.Row) string {
	width := len(q.Cols)
	want := make([]dataflow.Row, len(wantFull))
	for i, r := range wantFull {
		want[i] = r[:min(width, len(r))]
	}
	for _, r := range got {
		if len(r) != width {
			return fmt.Sprintf("row %s has %d columns, the query %d\n", FormatRow(r), len(r), width)
		}
	}
	order := q.ResultOrder()
	if len(order) == 0 {
		return DiffMultiset(want, got)
	}
	if d := DiffMultiset(want, got); d != "" {
		return d
	}
	for i := 0; i < len(wantFull); {
		j := i + 1
		for j < len(wantFull) && dataflow.CompareRows(wantFull[i], wantFull[j], order) == 0 {
			j++
		}
		if d := DiffMultiset(want[i:j], got[i:j]); d != "" {
			return fmt.Sprintf("rows out of order at positions %d..%d:\nwant (in order):\n%sgot (in order):\n%s",
				i, j-1, FormatRows(want), FormatRows(got))
		}
		i = j
	}
	return ""
}

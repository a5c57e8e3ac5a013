package conformance

import (
	"fmt"
	"slices"
	"strings"
)

// maxShownRows bounds how many rows of each side a diff prints in full.
const maxShownRows = 25

// Diff compares the result of the target under test (got) with the reference (want) and
// returns a readable explanation of how they differ, or "" when they agree. Rows are
// compared in order when ordered is set, as multisets otherwise; column names are compared
// case-insensitively when both sides report them.
func Diff(gotName string, got *ResultSet, wantName string, want *ResultSet, ordered bool) string {
	var b strings.Builder
	gw, ww := width(got), width(want)
	if gw != ww && gw >= 0 && ww >= 0 {
		fmt.Fprintf(&b, "column count: %s %d, %s %d\n", gotName, gw, wantName, ww)
	} else if got.Columns != nil && want.Columns != nil && !sameNames(got.Columns, want.Columns) {
		fmt.Fprintf(&b, "column names: %s %v, %s %v\n", gotName, got.Columns, wantName, want.Columns)
	}
	if got.Types != nil && want.Types != nil && !slices.Equal(got.Types, want.Types) {
		fmt.Fprintf(&b, "column types: %s %v, %s %v\n", gotName, got.Types, wantName, want.Types)
	}
	if ordered {
		if i := firstOrderedDifference(got.Rows, want.Rows); i >= 0 {
			fmt.Fprintf(&b, "rows differ in order or content from row %d (%s %d rows, %s %d rows)\n",
				i+1, gotName, len(got.Rows), wantName, len(want.Rows))
		}
	} else {
		onlyGot, onlyWant := multisetDifference(got.Rows, want.Rows)
		if len(onlyGot) > 0 || len(onlyWant) > 0 {
			fmt.Fprintf(&b, "rows differ (%s %d rows, %s %d rows)\n", gotName, len(got.Rows), wantName, len(want.Rows))
			writeRows(&b, "only in "+gotName, onlyGot)
			writeRows(&b, "only in "+wantName, onlyWant)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	order := "in order"
	if !ordered {
		order = "sorted"
		got, want = sortedCopy(got), sortedCopy(want)
	}
	writeRows(&b, fmt.Sprintf("%s (%s) %s", gotName, order, header(got)), got.Rows)
	writeRows(&b, fmt.Sprintf("%s (%s) %s", wantName, order, header(want)), want.Rows)
	return b.String()
}

// width is the number of columns of a result, or -1 when it cannot be told (no column
// names and no rows).
func width(rs *ResultSet) int {
	if rs.Columns != nil {
		return len(rs.Columns)
	}
	if len(rs.Rows) > 0 {
		return len(rs.Rows[0])
	}
	return -1
}

func sameNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

func header(rs *ResultSet) string {
	if rs.Columns == nil {
		return ""
	}
	if rs.Types == nil {
		return "[" + strings.Join(rs.Columns, ", ") + "]"
	}
	cols := make([]string, len(rs.Columns))
	for i, c := range rs.Columns {
		cols[i] = c
		if i < len(rs.Types) {
			cols[i] += " " + rs.Types[i]
		}
	}
	return "[" + strings.Join(cols, ", ") + "]"
}

func rowsEqual(a, b []Cell) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func compareRows(a, b []Cell) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := compareCells(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

func firstOrderedDifference(got, want [][]Cell) int {
	for i := 0; i < len(got) && i < len(want); i++ {
		if !rowsEqual(got[i], want[i]) {
			return i
		}
	}
	if len(got) != len(want) {
		return min(len(got), len(want))
	}
	return -1
}

// multisetDifference matches each row of want with an equal, not yet matched row of got.
// Equality is not exact for floating-point values, so the match is a search rather than a
// comparison of sorted lists; results here are small enough for the quadratic cost.
func multisetDifference(got, want [][]Cell) (onlyGot, onlyWant [][]Cell) {
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && rowsEqual(g, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			onlyWant = append(onlyWant, w)
		}
	}
	for i, g := range got {
		if !used[i] {
			onlyGot = append(onlyGot, g)
		}
	}
	return onlyGot, onlyWant
}

func sortedCopy(rs *ResultSet) *ResultSet {
	rows := slices.Clone(rs.Rows)
	slices.SortStableFunc(rows, compareRows)
	return &ResultSet{Columns: rs.Columns, Types: rs.Types, Rows: rows}
}

func writeRows(b *strings.Builder, title string, rows [][]Cell) {
	if len(rows) == 0 {
		fmt.Fprintf(b, "%s: no rows\n", title)
		return
	}
	fmt.Fprintf(b, "%s:\n", title)
	for i, r := range rows {
		if i == maxShownRows {
			fmt.Fprintf(b, "  ... %d more\n", len(rows)-maxShownRows)
			break
		}
		fmt.Fprintf(b, "  %s\n", FormatRow(r))
	}
}

// FormatRow renders a row as (v1, v2, ...) with strings quoted.
func FormatRow(r []Cell) string {
	parts := make([]string, len(r))
	for i, c := range r {
		parts[i] = c.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

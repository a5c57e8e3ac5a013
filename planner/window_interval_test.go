package planner

import (
	"errors"
	"strings"
	"testing"
)

// TestIntervalFrameOffsets: a RANGE frame's INTERVAL becomes one count of months or of
// microseconds, as MySQL adds it (a compound value short of fields fills them from the
// right, a microseconds field is a fraction of a second), and what MySQL refuses is refused
// with its error.
func TestIntervalFrameOffsets(t *testing.T) {
	cat := testCatalog(t)
	tm, err := Compile(nil, "CREATE TABLE shifts (id INT PRIMARY KEY, at TIME, d DATE)")
	if err != nil {
		t.Fatal(err)
	}
	cat["shifts"] = &tm.(*CreateTable).Schema
	for _, c := range []struct{ frame, want string }{
		{"INTERVAL '5' HOUR_MINUTE PRECEDING", "interval_shift($1, 0, -300000000)"},
		{"INTERVAL '1.5' SECOND_MICROSECOND PRECEDING", "interval_shift($1, 0, -1500000)"},
		{"INTERVAL '1 2:3:4.5' DAY_MICROSECOND PRECEDING", "interval_shift($1, 0, -93784500000)"},
		{"INTERVAL 1.5 SECOND PRECEDING", "interval_shift($1, 0, -1500000)"},
		{"INTERVAL 2 WEEK PRECEDING", "interval_shift($1, 0, -1209600000000)"},
		{"INTERVAL '90' MINUTE PRECEDING", "interval_shift($1, 0, -5400000000)"},
	} {
		sql := "SELECT id, COUNT(*) OVER (ORDER BY at RANGE BETWEEN " + c.frame + " AND CURRENT ROW) FROM shifts"
		st, err := Compile(cat, sql)
		if err != nil {
			t.Errorf("%s: %v", c.frame, err)
			continue
		}
		if got := Format(st); !strings.Contains(got, c.want) {
			t.Errorf("%s: want %s in\n%s", c.frame, c.want, got)
		}
	}
	for _, c := range []struct {
		sql  string
		code int
	}{
		{"SELECT COUNT(*) OVER (ORDER BY at RANGE INTERVAL 1 MONTH PRECEDING) FROM shifts", CodeUnsupported},
		{"SELECT COUNT(*) OVER (ORDER BY d RANGE INTERVAL '1 2 3' DAY_HOUR PRECEDING) FROM shifts", CodeWindowFrameIllegal},
		{"SELECT COUNT(*) OVER (ORDER BY d RANGE INTERVAL '-1-2' YEAR_MONTH PRECEDING) FROM shifts", CodeWindowFrameIllegal},
		{"SELECT COUNT(*) OVER (ORDER BY d RANGE INTERVAL id DAY PRECEDING) FROM shifts", CodeUnsupported},
		{"SELECT COUNT(*) OVER (ORDER BY at RANGE 1 PRECEDING) FROM shifts", CodeWindowRangeTemporal},
		{"SELECT COUNT(*) OVER (ORDER BY id GROUPS 1 PRECEDING) FROM shifts", CodeUnsupported},
	} {
		_, err := Compile(cat, c.sql)
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != c.code {
			t.Errorf("%s: got %v, want error %d", c.sql, err, c.code)
		}
	}
}

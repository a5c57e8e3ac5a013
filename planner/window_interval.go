package planner

import (
	"math"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// MySQL's errors for frames with temporal offsets (MariaDB has no INTERVAL in frames), and
// for GROUPS frames, which MySQL parses and refuses.
const (
	CodeWindowFrameIllegal    = 3586
	CodeWindowRangeTemporal   = 3588
	CodeWindowRangeNumeric    = 3589
	CodeWindowRowsInterval    = 3596
	windowUnnamed             = "<unnamed window>"
	groupsNotSupportedMessage = "This version of MySQL doesn't yet support 'GROUPS'"
)

// frameIllegal is MySQL's error for an offset that is negative or NULL.
func frameIllegal(window string) *Error {
	return windowErr(CodeWindowFrameIllegal, "Window '%s': frame start or end is negative, NULL or of non-integral type", window)
}

// temporalKind reports a DATE, DATETIME/TIMESTAMP or TIME: the ORDER BY keys whose RANGE
// offsets are INTERVALs.
func temporalKind(k dataflow.Kind) bool {
	return k == dataflow.KindDate || k == dataflow.KindDatetime || k == dataflow.KindTime
}

// intervalRangeBound compiles an INTERVAL offset of a RANGE frame over a temporal ORDER BY
// key: the bound's value is the key moved by the interval towards the bound (back for
// PRECEDING in ascending order, forward descending), as MySQL computes it with DATE_ADD.
func (b *block) intervalRangeBound(fb ast.FrameBound, kind expr.FrameBoundKind, info *winInfo, inner *exprConv, end int, n ast.Node) (expr.FrameBound, error) {
	key := info.order[len(info.order)-1]
	months, micros, ok, err := b.intervalValue(fb, inner)
	if err != nil {
		return expr.FrameBound{}, b.c.at(err.(*Error), n)
	}
	if !ok || months < 0 || micros < 0 {
		return expr.FrameBound{}, b.c.at(frameIllegal(info.winName), n)
	}
	if key.Type().Kind == dataflow.KindTime && months != 0 {
		return expr.FrameBound{}, b.c.at(unsupported("an INTERVAL of months or years in a RANGE frame over a TIME ORDER BY key"), n)
	}
	if b.c.dialect == PostgreSQL && key.Type().Kind == dataflow.KindTime && fb.Unit >= ast.TimeUnitDay && fb.Unit <= ast.TimeUnitYear {
		// PostgreSQL's time ± interval disregards the interval's days and months.
		return expr.FrameBound{}, b.c.at(unsupported("an interval of days in a RANGE frame over a time ORDER BY key"), n)
	}
	if (kind == expr.Preceding) != info.desc[len(info.desc)-1] {
		months, micros = -months, -micros
	}
	info.bounds[end] = expr.NewIntervalShift(key, months, micros)
	return expr.FrameBound{Kind: kind}, nil
}

// intervalValue reads a frame bound's INTERVAL as MySQL adds it: a count of months (YEAR,
// QUARTER, MONTH, YEAR_MONTH) or of microseconds (the other units). ok is false where MySQL's
// interval is NULL: a NULL value, a compound value with more fields than its unit has, or
// one too large to add to any date.
func (b *block) intervalValue(fb ast.FrameBound, inner *exprConv) (months, micros int64, ok bool, err error) {
	e, err := inner.conv(fb.Expr)
	if err != nil {
		return 0, 0, false, err
	}
	v, isConst := expr.ConstValue(e)
	if !isConst {
		return 0, 0, false, unsupported("a RANGE frame INTERVAL that is not a constant")
	}
	if v.IsNull() {
		return 0, 0, false, nil
	}
	const (
		second = int64(1_000_000)
		minute = 60 * second
		hour   = 60 * minute
		day    = 24 * hour
	)
	// limit keeps every sum and product below overflow; an interval past it leaves the
	// calendar anyway.
	const limit = int64(1) << 61
	simple := func(per int64) (int64, bool) {
		f, _ := v.ToFloat()
		if v.Kind() == dataflow.KindString {
			f = float64(parseIntervalLeadingNumber(v.RawString()))
		}
		r := math.Round(f)
		if math.Abs(r) > float64(limit/per) {
			return 0, false
		}
		return int64(r) * per, true
	}
	switch fb.Unit {
	case ast.TimeUnitMicrosecond:
		micros, ok = simple(1)
		return 0, micros, ok, nil
	case ast.TimeUnitSecond:
		// Seconds keep their fraction.
		f, _ := v.ToFloat()
		if math.Abs(f) > float64(limit/second) {
			return 0, 0, false, nil
		}
		return 0, int64(math.Round(f * float64(second))), true, nil
	case ast.TimeUnitMinute:
		micros, ok = simple(minute)
		return 0, micros, ok, nil
	case ast.TimeUnitHour:
		micros, ok = simple(hour)
		return 0, micros, ok, nil
	case ast.TimeUnitDay:
		micros, ok = simple(day)
		return 0, micros, ok, nil
	case ast.TimeUnitWeek:
		micros, ok = simple(7 * day)
		return 0, micros, ok, nil
	case ast.TimeUnitMonth:
		months, ok = simple(1)
		return months, 0, ok, nil
	case ast.TimeUnitQuarter:
		months, ok = simple(3)
		return months, 0, ok, nil
	case ast.TimeUnitYear:
		months, ok = simple(12)
		return months, 0, ok, nil
	}
	// A compound unit: its fields, most significant first, and what each is worth.
	var per []int64
	fraction := false
	switch fb.Unit {
	case ast.TimeUnitYearMonth:
		per = []int64{12, 1}
	case ast.TimeUnitDayHour:
		per = []int64{day, hour}
	case ast.TimeUnitDayMinute:
		per = []int64{day, hour, minute}
	case ast.TimeUnitDaySecond:
		per = []int64{day, hour, minute, second}
	case ast.TimeUnitDayMicrosecond:
		per, fraction = []int64{day, hour, minute, second, 1}, true
	case ast.TimeUnitHourMinute:
		per = []int64{hour, minute}
	case ast.TimeUnitHourSecond:
		per = []int64{hour, minute, second}
	case ast.TimeUnitHourMicrosecond:
		per, fraction = []int64{hour, minute, second, 1}, true
	case ast.TimeUnitMinuteSecond:
		per = []int64{minute, second}
	case ast.TimeUnitMinuteMicrosecond:
		per, fraction = []int64{minute, second, 1}, true
	case ast.TimeUnitSecondMicrosecond:
		per, fraction = []int64{second, 1}, true
	default:
		return 0, 0, false, unsupported("the INTERVAL unit %s in a RANGE frame", fb.Unit.String())
	}
	text := v.RawString()
	if v.Kind() != dataflow.KindString {
		text = v.ToText()
	}
	neg, fields, digits, good := intervalFields(text, len(per))
	if !good {
		return 0, 0, false, nil
	}
	total := int64(0)
	// Fewer fields than the unit has fill it from the right: '5' HOUR_MINUTE is 5 minutes.
	at := len(per) - len(fields)
	for i, f := range fields {
		if fraction && at+i == len(per)-1 {
			// The microseconds field is a fraction of a second: '1.5' SECOND_MICROSECOND is
			// 1.5 seconds.
			for d := digits[i]; d < 6; d++ {
				f *= 10
			}
		}
		if f > limit/per[at+i] {
			return 0, 0, false, nil
		}
		total += f * per[at+i]
		if total > limit {
			return 0, 0, false, nil
		}
	}
	if neg {
		total = -total
	}
	if fb.Unit == ast.TimeUnitYearMonth {
		return total, 0, true, nil
	}
	return 0, total, true, nil
}

// intervalFields splits a compound INTERVAL's text into its numbers as MySQL reads them:
// an optional leading minus, then runs of digits separated by anything else. good is false
// when it has more than want fields or none.
func intervalFields(s string, want int) (neg bool, fields []int64, digits []int, good bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		var n int64
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			if n < 1<<50 {
				n = n*10 + int64(s[j]-'0')
			}
			j++
		}
		fields = append(fields, n)
		digits = append(digits, j-i)
		i = j
	}
	if len(fields) == 0 || len(fields) > want {
		return false, nil, nil, false
	}
	return neg, fields, digits, true
}

// parseIntervalLeadingNumber reads the number a simple unit's text value starts with, as
// MySQL reads '7 days' as 7.
func parseIntervalLeadingNumber(s string) int64 {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	var n int64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n < 1<<50 {
			n = n*10 + int64(s[i]-'0')
		}
	}
	if neg {
		return -n
	}
	return n
}

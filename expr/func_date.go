package expr

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// Date arithmetic and calendar functions, with MySQL's rules: DATE_ADD / DATE_SUB (and `d +
// INTERVAL n unit`, ADDDATE, SUBDATE) add whole units, clamping the day of month (Jan 31 +
// 1 MONTH is Feb 29 in a leap year); a result outside years 1 to 9999 is NULL; the result is
// a DATE when a DATE gains whole days or more, a DATETIME when a time is involved, and text
// when the argument is text, as MySQL types it. The planner passes an INTERVAL's unit as a
// constant string argument.

// intervalUnit is an INTERVAL unit: a simple one (MICROSECOND … YEAR) or a compound one
// (DAY_HOUR, …), whose value is text with one number per field.
type intervalUnit uint8

const (
	unitMicrosecond intervalUnit = iota
	unitSecond
	unitMinute
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitQuarter
	unitYear
	unitYearMonth
	unitDayHour
	unitDayMinute
	unitDaySecond
	unitDayMicrosecond
	unitHourMinute
	unitHourSecond
	unitHourMicrosecond
	unitMinuteSecond
	unitMinuteMicrosecond
	unitSecondMicrosecond
)

var intervalUnits = map[string]intervalUnit{
	"MICROSECOND": unitMicrosecond, "SECOND": unitSecond, "MINUTE": unitMinute, "HOUR": unitHour,
	"DAY": unitDay, "WEEK": unitWeek, "MONTH": unitMonth, "QUARTER": unitQuarter, "YEAR": unitYear,
	"YEAR_MONTH": unitYearMonth, "DAY_HOUR": unitDayHour, "DAY_MINUTE": unitDayMinute,
	"DAY_SECOND": unitDaySecond, "DAY_MICROSECOND": unitDayMicrosecond, "HOUR_MINUTE": unitHourMinute,
	"HOUR_SECOND": unitHourSecond, "HOUR_MICROSECOND": unitHourMicrosecond,
	"MINUTE_SECOND": unitMinuteSecond, "MINUTE_MICROSECOND": unitMinuteMicrosecond,
	"SECOND_MICROSECOND": unitSecondMicrosecond,
}

// compoundFields are the microseconds of each field of a compound unit, largest first
// (YEAR_MONTH's are counted in months instead).
var compoundFields = map[intervalUnit][]int64{
	unitYearMonth:         {12, 1},
	unitDayHour:           {86400e6, 3600e6},
	unitDayMinute:         {86400e6, 3600e6, 60e6},
	unitDaySecond:         {86400e6, 3600e6, 60e6, 1e6},
	unitDayMicrosecond:    {86400e6, 3600e6, 60e6, 1e6, 1},
	unitHourMinute:        {3600e6, 60e6},
	unitHourSecond:        {3600e6, 60e6, 1e6},
	unitHourMicrosecond:   {3600e6, 60e6, 1e6, 1},
	unitMinuteSecond:      {60e6, 1e6},
	unitMinuteMicrosecond: {60e6, 1e6, 1},
	unitSecondMicrosecond: {1e6, 1},
}

// dateOnly: adding the unit to a DATE gives a DATE.
func (u intervalUnit) dateOnly() bool { return u >= unitDay && u <= unitYearMonth }

func (u intervalUnit) compound() bool { return u >= unitYearMonth }

// micro: the unit has a microsecond field, so the result keeps six fractional digits.
func (u intervalUnit) micro() bool {
	switch u {
	case unitMicrosecond, unitDayMicrosecond, unitHourMicrosecond, unitMinuteMicrosecond, unitSecondMicrosecond:
		return true
	}
	return false
}

// compoundInterval reads the text of a compound INTERVAL value as MySQL's
// get_interval_info: an optional leading '-', then one number per field separated by any
// other characters; missing leading fields are zero ('1:10' DAY_SECOND is 1 minute 10
// seconds), a microsecond field written in full is scaled to six digits ('1.5' is 500000),
// and text left after the last field makes the result NULL. It returns the total in the
// unit's measure: months for YEAR_MONTH, microseconds otherwise.
func compoundInterval(s string, u intervalUnit) (int64, bool) {
	fields := compoundFields[u]
	s = strings.TrimLeft(s, " \t\n\r")
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	values := make([]int64, len(fields))
	i := 0
	for i < len(s) && !isDigit(s[i]) {
		i++
	}
	n := 0
	for ; n < len(fields); n++ {
		start := i
		var v int64
		for i < len(s) && isDigit(s[i]) {
			if v < 1e15 {
				v = v*10 + int64(s[i]-'0')
			}
			i++
		}
		if u.micro() && n == len(fields)-1 {
			for d := i - start; d < 6; d++ {
				v *= 10
			}
		}
		values[n] = v
		for i < len(s) && !isDigit(s[i]) {
			i++
		}
		if i == len(s) && n != len(fields)-1 {
			n++
			copy(values[len(fields)-n:], values[:n])
			clear(values[:len(fields)-n])
			break
		}
	}
	if i != len(s) {
		return 0, false
	}
	var total int64
	for k, v := range values {
		if v > maxIntervalMicros/fields[k] {
			return 0, false
		}
		total += v * fields[k]
		if total > maxIntervalMicros {
			return 0, false
		}
	}
	if neg {
		total = -total
	}
	return total, true
}

// unitArg reads the constant unit argument.
func unitArg(e Expr) (intervalUnit, error) {
	s, ok := constString(e)
	if !ok {
		return 0, fmt.Errorf("the INTERVAL unit must be a constant")
	}
	u, ok := intervalUnits[strings.ToUpper(s)]
	if !ok {
		return 0, fmt.Errorf("INTERVAL unit %s is not supported", s)
	}
	return u, nil
}

// addMonths adds n months, clamping the day to the new month's length.
func addMonths(t time.Time, n int64) time.Time {
	y, m, d := t.Date()
	total := int64(y)*12 + int64(m-1) + n
	ny, nm := total/12, total%12
	if nm < 0 {
		nm += 12
		ny--
	}
	if ny < 0 || ny > 9999 {
		return time.Time{}
	}
	d = min(d, daysIn(int(ny), int(nm)+1))
	return time.Date(int(ny), time.Month(nm+1), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

const maxIntervalMicros = int64(3652059) * 86400 * 1_000_000 // 0001-01-01 … 9999-12-31

// addInterval adds n units to t; ok is false when the result leaves the calendar MySQL
// computes in: years 0 to 9999 for whole months, 1 to 9999 for days and time.
func addInterval(t time.Time, n int64, u intervalUnit) (time.Time, bool) {
	switch {
	case u == unitYearMonth:
		u = unitMonth // n counts months
	case u.compound():
		u = unitMicrosecond // n counts microseconds
	}
	var r time.Time
	switch u {
	case unitMonth, unitQuarter, unitYear:
		k := map[intervalUnit]int64{unitMonth: 1, unitQuarter: 3, unitYear: 12}[u]
		if n > 120000 || n < -120000 {
			return time.Time{}, false
		}
		r = addMonths(t, n*k)
		if r.IsZero() {
			return time.Time{}, false
		}
		return r, true
	default:
		per := map[intervalUnit]int64{unitMicrosecond: 1, unitSecond: 1e6, unitMinute: 60e6, unitHour: 3600e6,
			unitDay: 86400e6, unitWeek: 7 * 86400e6}[u]
		if n > maxIntervalMicros/per || n < -maxIntervalMicros/per {
			return time.Time{}, false
		}
		r = t.Add(time.Duration(n*per) * time.Microsecond)
	}
	if y := r.Year(); y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return r, true
}

func dateAddType(args []Expr) dataflow.Type {
	u, err := unitArg(args[2])
	if err != nil {
		u = unitMicrosecond
	}
	t := args[0].Type()
	switch t.Kind {
	case dataflow.KindDate:
		if u.dateOnly() {
			return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true}
		}
		fsp := 0
		if u.micro() {
			fsp = 6
		}
		return dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
	case dataflow.KindDatetime:
		fsp := t.Scale
		if u.micro() {
			fsp = 6
		}
		return dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
	}
	return stringResult(29, true)
}

func checkDateAdd(args []Expr) error {
	_, err := unitArg(args[2])
	return err
}

func evalDateAdd(c *call, row dataflow.Row, sign int64) dataflow.Value {
	tv, ok := toTime(c.args[0].Eval(row))
	if !ok {
		return dataflow.Null
	}
	u, _ := unitArg(c.args[2])
	nv := c.args[1].Eval(row)
	var n int64
	if u.compound() {
		if nv.IsNull() {
			return dataflow.Null
		}
		s := text(nv)
		if nv.Kind() == dataflow.KindFloat {
			s = strconv.FormatFloat(nv.RawFloat(), 'f', -1, 64)
		}
		if n, ok = compoundInterval(s, u); !ok {
			return dataflow.Null
		}
	} else if n, ok = nv.ToInt(); !ok {
		return dataflow.Null
	}
	r, ok := addInterval(tv.Time(), sign*n, u)
	if !ok {
		return dataflow.Null
	}
	switch c.t.Kind {
	case dataflow.KindDate:
		return dataflow.Date(r)
	case dataflow.KindDatetime:
		return dataflow.Datetime(r, uint8(c.t.Scale))
	}
	if tv.Kind() == dataflow.KindDate && u.dateOnly() {
		return dataflow.String(r.Format("2006-01-02"))
	}
	// MySQL writes the fraction a text argument may have: the literal's own digits, and
	// all six for text it only sees when the query runs.
	fsp := 6
	if _, constant := ConstValue(c.args[0]); constant {
		fsp = int(tv.Scale())
	}
	if u.micro() {
		fsp = 6
	}
	return dataflow.String(r.Format("2006-01-02 15:04:05" + map[bool]string{true: "." + strings.Repeat("0", fsp), false: ""}[fsp > 0]))
}

// day is the number of a date's day since the Unix epoch.
func day(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// toDaysEpoch is TO_DAYS('1970-01-01').
const toDaysEpoch = 719528

func evalDateDiff(c *call, row dataflow.Row) dataflow.Value {
	a, ok1 := toTime(c.args[0].Eval(row))
	b, ok2 := toTime(c.args[1].Eval(row))
	if !ok1 || !ok2 {
		return dataflow.Null
	}
	return dataflow.Int(day(a.Time()) - day(b.Time()))
}

// monthsBetween is TIMESTAMPDIFF(MONTH, a, b): whole months, a partial month not counted.
func monthsBetween(a, b time.Time) int64 {
	months := int64(b.Year()*12+int(b.Month())) - int64(a.Year()*12+int(a.Month()))
	rest := func(t time.Time) time.Duration {
		return time.Duration(t.Day())*24*time.Hour + time.Duration(t.Hour())*time.Hour +
			time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
	}
	switch {
	case months > 0 && rest(b) < rest(a):
		months--
	case months < 0 && rest(b) > rest(a):
		months++
	}
	return months
}

func evalTimestampDiff(c *call, row dataflow.Row) dataflow.Value {
	u, _ := unitArg(c.args[0])
	a, ok1 := toTime(c.args[1].Eval(row))
	b, ok2 := toTime(c.args[2].Eval(row))
	if !ok1 || !ok2 {
		return dataflow.Null
	}
	ta, tb := a.Time(), b.Time()
	switch u {
	case unitMonth:
		return dataflow.Int(monthsBetween(ta, tb))
	case unitQuarter:
		return dataflow.Int(monthsBetween(ta, tb) / 3)
	case unitYear:
		return dataflow.Int(monthsBetween(ta, tb) / 12)
	}
	per := map[intervalUnit]int64{unitMicrosecond: 1, unitSecond: 1e6, unitMinute: 60e6, unitHour: 3600e6,
		unitDay: 86400e6, unitWeek: 7 * 86400e6}[u]
	return dataflow.Int((tb.UnixMicro() - ta.UnixMicro()) / per)
}

func checkTimestampDiff(args []Expr) error {
	u, err := unitArg(args[0])
	if err == nil && u.compound() {
		s, _ := constString(args[0])
		return fmt.Errorf("TIMESTAMPDIFF unit %s is not supported (MySQL takes only MICROSECOND … YEAR there)", s)
	}
	return err
}

// week0 is WEEK(d) in mode 0 (MySQL's default): weeks start on Sunday, and week 1 is the
// first with a Sunday in the year (days before it are week 0).
func week0(t time.Time) int64 {
	jan1 := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	firstSunday := (7 - int(jan1.Weekday())) % 7
	yday := t.YearDay() - 1
	if yday < firstSunday {
		return 0
	}
	return int64((yday-firstSunday)/7 + 1)
}

func checkExtract(args []Expr) error {
	s, ok := constString(args[0])
	if !ok {
		return fmt.Errorf("the EXTRACT unit must be a constant")
	}
	if _, ok := extractUnits[strings.ToUpper(s)]; !ok {
		return fmt.Errorf("EXTRACT(%s FROM …) is not supported", s)
	}
	return nil
}

var extractUnits = map[string]func(time.Time) int64{
	"YEAR":        func(t time.Time) int64 { return int64(t.Year()) },
	"QUARTER":     func(t time.Time) int64 { return int64(t.Month()+2) / 3 },
	"MONTH":       func(t time.Time) int64 { return int64(t.Month()) },
	"DAY":         func(t time.Time) int64 { return int64(t.Day()) },
	"HOUR":        func(t time.Time) int64 { return int64(t.Hour()) },
	"MINUTE":      func(t time.Time) int64 { return int64(t.Minute()) },
	"SECOND":      func(t time.Time) int64 { return int64(t.Second()) },
	"MICROSECOND": func(t time.Time) int64 { return int64(t.Nanosecond() / 1000) },
	"YEAR_MONTH":  func(t time.Time) int64 { return int64(t.Year())*100 + int64(t.Month()) },
}

func evalExtract(c *call, row dataflow.Row) dataflow.Value {
	s, _ := constString(c.args[0])
	tv, ok := toTime(c.args[1].Eval(row))
	if !ok {
		return dataflow.Null
	}
	return dataflow.Int(extractUnits[strings.ToUpper(s)](tv.Time()))
}

// dateFormat renders t as DATE_FORMAT does (the specifiers applications use; others are
// copied without their %, as MySQL does).
func dateFormat(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'c':
			fmt.Fprintf(&b, "%d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'k':
			fmt.Fprintf(&b, "%d", t.Hour())
		case 'h', 'I':
			fmt.Fprintf(&b, "%02d", (t.Hour()+11)%12+1)
		case 'l':
			fmt.Fprintf(&b, "%d", (t.Hour()+11)%12+1)
		case 'i':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 's', 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'T':
			fmt.Fprintf(&b, "%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		case 'r':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			fmt.Fprintf(&b, "%02d:%02d:%02d %s", (t.Hour()+11)%12+1, t.Minute(), t.Second(), ampm)
		case 'M':
			b.WriteString(t.Month().String())
		case 'b':
			b.WriteString(t.Month().String()[:3])
		case 'W':
			b.WriteString(t.Weekday().String())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'U':
			fmt.Fprintf(&b, "%02d", week0(t))
		case 'u':
			w, _ := calcWeek(t, weekMondayFirst)
			fmt.Fprintf(&b, "%02d", w)
		case 'V', 'v':
			w, _ := calcWeek(t, map[byte]int{'V': weekYear | weekFirstWeekday, 'v': weekYear | weekMondayFirst}[f[i]])
			fmt.Fprintf(&b, "%02d", w)
		case 'X', 'x':
			_, y := calcWeek(t, map[byte]int{'X': weekYear | weekFirstWeekday, 'x': weekYear | weekMondayFirst}[f[i]])
			fmt.Fprintf(&b, "%04d", y)
		case 'D':
			d := t.Day()
			suffix := "th"
			if d/10 != 1 {
				switch d % 10 {
				case 1:
					suffix = "st"
				case 2:
					suffix = "nd"
				case 3:
					suffix = "rd"
				}
			}
			fmt.Fprintf(&b, "%d%s", d, suffix)
		default:
			b.WriteByte(f[i]) // %% and unknown specifiers
		}
	}
	return b.String()
}

func init() {
	calendar := func(name string, f func(time.Time) int64, aliases ...string) {
		register(&funcSpec{name: name, minArgs: 1, maxArgs: 1, typ: timePartType,
			eval: func(c *call, row dataflow.Row) dataflow.Value {
				t, ok := toTime(c.args[0].Eval(row))
				if !ok {
					return dataflow.Null
				}
				return dataflow.Int(f(t.Time()))
			}}, aliases...)
	}
	calendar("dayofweek", func(t time.Time) int64 { return int64(t.Weekday()) + 1 })
	calendar("weekday", func(t time.Time) int64 { return (int64(t.Weekday()) + 6) % 7 })
	calendar("dayofyear", func(t time.Time) int64 { return int64(t.YearDay()) })
	calendar("quarter", func(t time.Time) int64 { return int64(t.Month()+2) / 3 })
	calendar("to_days", func(t time.Time) int64 { return day(t) + toDaysEpoch })
	calendar("microsecond", func(t time.Time) int64 { return int64(t.Nanosecond() / 1000) })
	named := func(name string, f func(time.Time) string) {
		register(&funcSpec{name: name, minArgs: 1, maxArgs: 1,
			typ: func([]Expr) dataflow.Type { return stringResult(9, true) },
			eval: func(c *call, row dataflow.Row) dataflow.Value {
				t, ok := toTime(c.args[0].Eval(row))
				if !ok {
					return dataflow.Null
				}
				return dataflow.String(f(t.Time()))
			}})
	}
	named("dayname", func(t time.Time) string { return t.Weekday().String() })
	named("monthname", func(t time.Time) string { return t.Month().String() })
	register(&funcSpec{name: "last_day", minArgs: 1, maxArgs: 1,
		typ: func([]Expr) dataflow.Type { return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true} },
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			tv, ok := toTime(c.args[0].Eval(row))
			if !ok {
				return dataflow.Null
			}
			t := tv.Time()
			return dataflow.Date(time.Date(t.Year(), t.Month(), daysIn(t.Year(), int(t.Month())), 0, 0, 0, 0, time.UTC))
		}})
	register(&funcSpec{name: "date_add", minArgs: 3, maxArgs: 3, check: checkDateAdd, typ: dateAddType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalDateAdd(c, row, 1) }}, "adddate")
	register(&funcSpec{name: "date_sub", minArgs: 3, maxArgs: 3, check: checkDateAdd, typ: dateAddType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalDateAdd(c, row, -1) }}, "subdate")
	register(&funcSpec{name: "datediff", minArgs: 2, maxArgs: 2,
		typ:  func([]Expr) dataflow.Type { return intResult(true) },
		eval: evalDateDiff})
	register(&funcSpec{name: "timestampdiff", minArgs: 3, maxArgs: 3, check: checkTimestampDiff,
		typ: func([]Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindInt, Precision: 20, Nullable: true}
		},
		eval: evalTimestampDiff})
	register(&funcSpec{name: "extract", minArgs: 2, maxArgs: 2, check: checkExtract,
		typ:  func([]Expr) dataflow.Type { return intResult(true) },
		eval: evalExtract})
	register(&funcSpec{name: "date_format", minArgs: 2, maxArgs: 2,
		typ: func(args []Expr) dataflow.Type { return stringResult(64, true) },
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			tv, ok := toTime(c.args[0].Eval(row))
			f := c.args[1].Eval(row)
			if !ok || f.IsNull() {
				return dataflow.Null
			}
			return dataflow.String(dateFormat(tv.Time(), text(f)))
		}})
}

// intervalShift is the function NewIntervalShift builds; it is not callable from SQL.
var intervalShift = &funcSpec{name: "interval_shift", minArgs: 3, maxArgs: 3, typ: intervalShiftType, eval: evalIntervalShift}

// NewIntervalShift is e, a DATE, DATETIME or TIME, moved by a constant interval of either
// months whole months (the day of month clamped as DATE_ADD clamps it) or micros
// microseconds: MySQL adds its INTERVAL units in one of these two ways (YEAR, QUARTER, MONTH
// and YEAR_MONTH count months, the others time). A DATE moved by whole days stays a DATE and
// becomes a DATETIME otherwise; a result outside years 1 to 9999 is NULL. A TIME stays a
// TIME and is not held to TIME's range, so that a RANGE frame's bound past 838:59:59 still
// compares as the value it is.
func NewIntervalShift(e Expr, months, micros int64) Expr {
	return newCall(intervalShift, []Expr{e, NewConst(dataflow.Int(months)), NewConst(dataflow.Int(micros))})
}

func intervalShiftType(args []Expr) dataflow.Type {
	t := args[0].Type()
	micros, _ := ConstValue(args[2])
	us, _ := micros.ToInt()
	fsp := t.Scale
	if us%1_000_000 != 0 {
		fsp = 6
	}
	switch t.Kind {
	case dataflow.KindDate:
		if us%(86400*1_000_000) == 0 {
			return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true}
		}
		return dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
	case dataflow.KindTime:
		return dataflow.Type{Kind: dataflow.KindTime, Scale: fsp, SQL: "TIME", Nullable: true}
	}
	return dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
}

func evalIntervalShift(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	months, _ := c.args[1].Eval(row).ToInt()
	micros, _ := c.args[2].Eval(row).ToInt()
	switch v.Kind() {
	case dataflow.KindTime:
		return dataflow.TimeMicros(v.Micros()+micros, uint8(c.t.Scale))
	case dataflow.KindDate, dataflow.KindDatetime:
	default:
		return dataflow.Null
	}
	var r time.Time
	ok := false
	if months != 0 {
		r, ok = addInterval(v.Time(), months, unitMonth)
	} else {
		r, ok = addInterval(v.Time(), micros, unitMicrosecond)
	}
	if !ok {
		return dataflow.Null
	}
	if c.t.Kind == dataflow.KindDate {
		return dataflow.Date(r)
	}
	return dataflow.Datetime(r, uint8(c.t.Scale))
}

package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// Time-of-day and conversion functions with MySQL 8's rules: TIME_TO_SEC, SEC_TO_TIME,
// TIMEDIFF, ADDTIME, SUBTIME, TIME, TIMESTAMP, MAKEDATE, MAKETIME, FROM_DAYS, FROM_UNIXTIME,
// UNIX_TIMESTAMP(expr), WEEK(d, mode), YEARWEEK, WEEKOFYEAR, TIME_FORMAT, PERIOD_ADD,
// PERIOD_DIFF and CONVERT_TZ with numeric offsets. Weir's session time zone is UTC, so the
// Unix-time functions read and write UTC. A TIME result beyond ±838:59:59 is clamped to it, as
// MySQL clamps (with a warning); a DATE or DATETIME result outside years 1 to 9999 is NULL,
// since Weir keeps no zero dates.

func init() {
	register(&funcSpec{name: "time_to_sec", minArgs: 1, maxArgs: 1, typ: timeToSecType, eval: evalTimeToSec})
	register(&funcSpec{name: "sec_to_time", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type { return timeResult(numberFsp(args[0])) }, eval: evalSecToTime})
	register(&funcSpec{name: "timediff", minArgs: 2, maxArgs: 2,
		typ:  func(args []Expr) dataflow.Type { return timeResult(max(argFsp(args[0]), argFsp(args[1]))) },
		eval: evalTimeDiff})
	register(&funcSpec{name: "addtime", minArgs: 2, maxArgs: 2, typ: addTimeType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalAddTime(c, row, 1) }})
	register(&funcSpec{name: "subtime", minArgs: 2, maxArgs: 2, typ: addTimeType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalAddTime(c, row, -1) }})
	register(&funcSpec{name: "time", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type { return timeResult(argFsp(args[0])) }, eval: evalTimeOf})
	register(&funcSpec{name: "timestamp", minArgs: 1, maxArgs: 2, typ: timestampType, eval: evalTimestamp})
	register(&funcSpec{name: "makedate", minArgs: 2, maxArgs: 2,
		typ:  func([]Expr) dataflow.Type { return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true} },
		eval: evalMakeDate})
	register(&funcSpec{name: "maketime", minArgs: 3, maxArgs: 3,
		typ: func(args []Expr) dataflow.Type { return timeResult(numberFsp(args[2])) }, eval: evalMakeTime})
	register(&funcSpec{name: "from_days", minArgs: 1, maxArgs: 1,
		typ:  func([]Expr) dataflow.Type { return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true} },
		eval: evalFromDays})
	register(&funcSpec{name: "from_unixtime", minArgs: 1, maxArgs: 2, typ: fromUnixType, eval: evalFromUnix})
	register(&funcSpec{name: "unix_timestamp", minArgs: 1, maxArgs: 1, typ: unixTimestampType, eval: evalUnixTimestamp})
	register(&funcSpec{name: "week", minArgs: 1, maxArgs: 2, typ: timePartType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalWeek(c, row, false) }})
	register(&funcSpec{name: "yearweek", minArgs: 1, maxArgs: 2, typ: timePartType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalWeek(c, row, true) }})
	register(&funcSpec{name: "weekofyear", minArgs: 1, maxArgs: 1, typ: timePartType,
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			t, ok := toTime(c.args[0].Eval(row))
			if !ok {
				return dataflow.Null
			}
			w, _ := calcWeek(t.Time(), weekMode(3))
			return dataflow.Int(w)
		}})
	register(&funcSpec{name: "time_format", minArgs: 2, maxArgs: 2,
		typ: func([]Expr) dataflow.Type { return stringResult(64, true) }, eval: evalTimeFormat})
	register(&funcSpec{name: "period_add", minArgs: 2, maxArgs: 2, typ: nullableInt, eval: evalPeriodAdd})
	register(&funcSpec{name: "period_diff", minArgs: 2, maxArgs: 2, typ: nullableInt, eval: evalPeriodDiff})
	register(&funcSpec{name: "convert_tz", minArgs: 3, maxArgs: 3, check: checkConvertTZ,
		typ: func(args []Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindDatetime, Scale: argFsp(args[0]), SQL: "DATETIME", Nullable: true}
		},
		eval: evalConvertTZ})
}

func timeResult(fsp int) dataflow.Type {
	return dataflow.Type{Kind: dataflow.KindTime, Scale: fsp, SQL: "TIME", Nullable: true}
}

// argFsp is the number of fractional-second digits MySQL gives a temporal result computed
// from e: a temporal type's own, a constant's as written, and all six for text or a DOUBLE
// seen only when the query runs.
func argFsp(e Expr) int {
	t := e.Type()
	switch t.Kind {
	case dataflow.KindDate, dataflow.KindInt, dataflow.KindUint, dataflow.KindNull:
		return 0
	case dataflow.KindDatetime, dataflow.KindTime:
		return min(max(t.Scale, 0), 6)
	case dataflow.KindDecimal:
		return min(t.Scale, 6)
	}
	if v, ok := ConstValue(e); ok {
		if v.IsNull() {
			return 0
		}
		return textFsp(text(v))
	}
	return 6
}

// textFsp counts the fractional digits written in temporal text.
func textFsp(s string) int {
	s = strings.TrimSpace(s)
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return 0
	}
	n := 0
	for _, r := range s[i+1:] {
		if r < '0' || r > '9' {
			break
		}
		n++
	}
	return min(n, 6)
}

// numberFsp is the fractional digits of a number of seconds: none for an integer, a
// DECIMAL's scale, six for a DOUBLE or text.
func numberFsp(e Expr) int {
	t := e.Type()
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindNull:
		return 0
	case dataflow.KindDecimal:
		return min(t.Scale, 6)
	}
	if v, ok := ConstValue(e); ok && !v.IsNull() {
		if v.Kind() == dataflow.KindString {
			return textFsp(v.RawString())
		}
		if v.Kind() == dataflow.KindDecimal {
			return min(int(v.Scale()), 6)
		}
	}
	return 6
}

// durationOf reads v as a TIME: a signed duration in microseconds. A DATETIME gives its time
// of day, a DATE midnight.
func durationOf(v dataflow.Value) (int64, bool) {
	switch v.Kind() {
	case dataflow.KindNull:
		return 0, false
	case dataflow.KindTime:
		return v.Micros(), true
	case dataflow.KindDate:
		return 0, true
	case dataflow.KindDatetime:
		return timeOfDay(v.Time()), true
	}
	t, err := convertTimeOfDay(v, dataflow.Type{Kind: dataflow.KindTime, Scale: 6}, false)
	if err != nil || t.IsNull() {
		return 0, false
	}
	return t.Micros(), true
}

func timeOfDay(t time.Time) int64 {
	h, m, s := t.Clock()
	return int64(h*3600+m*60+s)*1_000_000 + int64(t.Nanosecond()/1000)
}

// clampTime limits a duration to TIME's range as MySQL does: to 838:59:59 and as many nines
// of fraction as fsp digits hold.
func clampTime(us int64, fsp int) int64 {
	limit := int64(dataflow.MaxTimeMicros) + 999999 - 999999%int64(math.Pow10(6-min(max(fsp, 0), 6)))
	return min(max(us, -limit), limit)
}

// timeValueOf builds a TIME result of c's type scale.
func (c *call) timeValueOf(us int64) dataflow.Value {
	return dataflow.TimeMicros(clampTime(us, c.t.Scale), uint8(c.t.Scale))
}

func timeToSecType(args []Expr) dataflow.Type {
	if fsp := argFsp(args[0]); fsp > 0 {
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: 17 + fsp, Scale: fsp, Nullable: true}
	}
	return dataflow.Type{Kind: dataflow.KindInt, Precision: 10, Nullable: true}
}

func evalTimeToSec(c *call, row dataflow.Row) dataflow.Value {
	us, ok := durationOf(c.args[0].Eval(row))
	if !ok {
		return dataflow.Null
	}
	if c.t.Kind == dataflow.KindDecimal {
		unit := int64(math.Pow10(6 - c.t.Scale))
		return dataflow.Decimal(us/unit, uint8(c.t.Scale))
	}
	return dataflow.Int(us / 1_000_000)
}

// secondsMicros reads a number of seconds as microseconds; ok is false for NULL.
func secondsMicros(v dataflow.Value) (int64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.Kind() {
	case dataflow.KindInt:
		n := v.RawInt()
		if n > math.MaxInt64/1_000_000 || n < math.MinInt64/1_000_000 {
			return clampSign(n), true
		}
		return n * 1_000_000, true
	case dataflow.KindUint:
		if v.RawUint() > math.MaxInt64/1_000_000 {
			return dataflow.MaxTimeMicros + 1, true
		}
		return int64(v.RawUint()) * 1_000_000, true
	case dataflow.KindDecimal:
		if coef, scale := v.DecimalParts(); !v.IsWideDecimal() {
			if scale <= 6 {
				m := int64(math.Pow10(6 - int(scale)))
				if coef > math.MaxInt64/m || coef < math.MinInt64/m {
					return clampSign(coef), true
				}
				return coef * m, true
			}
			return coef / int64(math.Pow10(int(scale)-6)), true
		}
	}
	f, ok := v.ToFloat()
	if !ok {
		return 0, false
	}
	f *= 1e6
	if f >= math.MaxInt64/2 || f <= math.MinInt64/2 || math.IsNaN(f) {
		return clampSign(int64(math.Copysign(1, f))), true
	}
	return int64(f), true
}

func clampSign(n int64) int64 {
	if n < 0 {
		return -dataflow.MaxTimeMicros - 1
	}
	return dataflow.MaxTimeMicros + 1
}

func evalSecToTime(c *call, row dataflow.Row) dataflow.Value {
	us, ok := secondsMicros(c.args[0].Eval(row))
	if !ok {
		return dataflow.Null
	}
	return c.timeValueOf(us)
}

// temporalOf reads an argument of TIMEDIFF, ADDTIME or SUBTIME: a point in time (dateTime
// true, micros since the epoch) or a duration.
func temporalOf(v dataflow.Value) (us int64, dateTime, ok bool) {
	switch v.Kind() {
	case dataflow.KindNull:
		return 0, false, false
	case dataflow.KindDate, dataflow.KindDatetime:
		return v.Micros(), true, true
	case dataflow.KindString:
		if p, ok := parseTimeText(v.RawString()); ok && p.hasTime {
			return timeValue(p).Micros(), true, true
		}
	}
	us, ok = durationOf(v)
	return us, false, ok
}

// evalTimeDiff is TIMEDIFF(a, b): a - b as a TIME, NULL when one is a point in time and the
// other a duration.
func evalTimeDiff(c *call, row dataflow.Row) dataflow.Value {
	a, aPoint, ok1 := temporalOf(c.args[0].Eval(row))
	b, bPoint, ok2 := temporalOf(c.args[1].Eval(row))
	if !ok1 || !ok2 || aPoint != bPoint {
		return dataflow.Null
	}
	return c.timeValueOf(a - b)
}

func addTimeType(args []Expr) dataflow.Type {
	fsp := max(argFsp(args[0]), argFsp(args[1]))
	switch args[0].Type().Kind {
	case dataflow.KindDate, dataflow.KindDatetime:
		return dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
	case dataflow.KindTime:
		return timeResult(fsp)
	}
	return stringResult(26, true)
}

// evalAddTime is ADDTIME(a, b) (sign 1) and SUBTIME (sign -1): b is a duration (a point in
// time there gives NULL).
func evalAddTime(c *call, row dataflow.Row, sign int64) dataflow.Value {
	a, aPoint, ok1 := temporalOf(c.args[0].Eval(row))
	b, bPoint, ok2 := temporalOf(c.args[1].Eval(row))
	if !ok1 || !ok2 || bPoint {
		return dataflow.Null
	}
	r := a + sign*b
	fsp := max(argFsp(c.args[0]), argFsp(c.args[1]))
	switch c.t.Kind {
	case dataflow.KindTime:
		return c.timeValueOf(r)
	case dataflow.KindDatetime:
		return datetimeMicros(r, uint8(c.t.Scale))
	}
	if aPoint {
		v := datetimeMicros(r, uint8(fsp))
		if v.IsNull() {
			return v
		}
		return dataflow.String(v.ToText())
	}
	return dataflow.String(dataflow.TimeMicros(clampTime(r, fsp), uint8(fsp)).ToText())
}

// datetimeMicros is a DATETIME at us microseconds since the epoch, NULL outside years 1 to
// 9999.
func datetimeMicros(us int64, fsp uint8) dataflow.Value {
	t := time.UnixMicro(us).UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return dataflow.Null
	}
	return dataflow.Datetime(t, fsp)
}

func evalTimeOf(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.Kind() == dataflow.KindString {
		if p, ok := parseTimeText(v.RawString()); ok && p.hasTime {
			return c.timeValueOf(timeOfDay(p.time()))
		}
	}
	us, ok := durationOf(v)
	if !ok {
		return dataflow.Null
	}
	return c.timeValueOf(us)
}

func timestampType(args []Expr) dataflow.Type {
	fsp := argFsp(args[0])
	if len(args) > 1 {
		fsp = max(fsp, argFsp(args[1]))
	}
	return dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
}

// evalTimestamp is TIMESTAMP(d[, t]): d as a DATETIME, plus the duration t.
func evalTimestamp(c *call, row dataflow.Row) dataflow.Value {
	tv, ok := toTime(c.args[0].Eval(row))
	if !ok {
		return dataflow.Null
	}
	us := tv.Micros()
	if len(c.args) > 1 {
		d, ok := durationOf(c.args[1].Eval(row))
		if !ok {
			return dataflow.Null
		}
		us += d
	}
	return datetimeMicros(us, uint8(c.t.Scale))
}

// evalMakeDate is MAKEDATE(year, dayofyear): two-digit years as MySQL reads them, day 1 the
// first of January; a day below 1 gives NULL.
func evalMakeDate(c *call, row dataflow.Row) dataflow.Value {
	var buf [2]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return dataflow.Null
	}
	y, ok1 := roundedInt(vals[0])
	d, ok2 := roundedInt(vals[1])
	if !ok1 || !ok2 || d < 1 || y < 0 || y > 9999 || d > 3652425 {
		return dataflow.Null
	}
	if y < 100 {
		y = int64(twoDigitYear(int(y)))
	}
	t := time.Date(int(y), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(d-1))
	if t.Year() > 9999 {
		return dataflow.Null
	}
	return dataflow.Date(t)
}

// roundedInt reads an integer argument as MySQL does, rounding a fraction.
func roundedInt(v dataflow.Value) (int64, bool) {
	switch v.Kind() {
	case dataflow.KindInt:
		return v.RawInt(), true
	case dataflow.KindUint:
		if v.RawUint() > math.MaxInt64 {
			return math.MaxInt64, true
		}
		return int64(v.RawUint()), true
	}
	f, ok := v.ToFloat()
	if !ok || math.IsNaN(f) {
		return 0, false
	}
	f = math.Round(f)
	if f >= math.MaxInt64 {
		return math.MaxInt64, true
	}
	if f <= math.MinInt64 {
		return math.MinInt64, true
	}
	return int64(f), true
}

// evalMakeTime is MAKETIME(hour, minute, second): a minute or second outside 0..59 gives NULL.
func evalMakeTime(c *call, row dataflow.Row) dataflow.Value {
	var buf [3]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return dataflow.Null
	}
	h, ok1 := roundedInt(vals[0])
	m, ok2 := roundedInt(vals[1])
	sec, ok3 := secondsMicros(vals[2])
	if !ok1 || !ok2 || !ok3 || m < 0 || m > 59 || sec < 0 || sec >= 60_000_000 {
		return dataflow.Null
	}
	neg := h < 0
	if neg {
		h = -h
	}
	if h > 838 {
		h = 839
	}
	us := (h*3600+m*60)*1_000_000 + sec
	if neg {
		us = -us
	}
	return c.timeValueOf(us)
}

// maxDayNumber is TO_DAYS('9999-12-31').
const maxDayNumber = 3652424

// evalFromDays is FROM_DAYS(n). MySQL gives the zero date '0000-00-00' for days before year 1
// and after year 9999; Weir, which keeps no zero dates, gives NULL.
func evalFromDays(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	n, ok := roundedInt(v)
	if !ok || n < 366 || n > maxDayNumber {
		return dataflow.Null
	}
	return dataflow.Date(time.Unix((n-toDaysEpoch)*86400, 0).UTC())
}

// maxUnixMicros is the last instant FROM_UNIXTIME and UNIX_TIMESTAMP accept in MySQL 8:
// 3001-01-19 03:14:07.999999 UTC.
const maxUnixMicros = 32536771199_999999

func fromUnixType(args []Expr) dataflow.Type {
	if len(args) > 1 {
		return stringResult(64, true)
	}
	return dataflow.Type{Kind: dataflow.KindDatetime, Scale: numberFsp(args[0]), SQL: "DATETIME", Nullable: true}
}

// evalFromUnix is FROM_UNIXTIME(ts[, format]) in UTC; a negative or too large ts gives NULL.
func evalFromUnix(c *call, row dataflow.Row) dataflow.Value {
	us, ok := secondsMicros(c.args[0].Eval(row))
	if !ok || us < 0 || us > maxUnixMicros {
		return dataflow.Null
	}
	fsp := numberFsp(c.args[0])
	t := time.UnixMicro(us).UTC()
	if len(c.args) > 1 {
		f := c.args[1].Eval(row)
		if f.IsNull() {
			return dataflow.Null
		}
		return dataflow.String(dateFormat(dataflow.Datetime(t, uint8(fsp)).Time(), text(f)))
	}
	return dataflow.Datetime(t, uint8(fsp))
}

func unixTimestampType(args []Expr) dataflow.Type {
	if fsp := argFsp(args[0]); fsp > 0 {
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: 17 + fsp, Scale: fsp, Nullable: true}
	}
	return dataflow.Type{Kind: dataflow.KindInt, Precision: 11, Nullable: true}
}

// evalUnixTimestamp is UNIX_TIMESTAMP(d) in UTC. MySQL 8 gives 0 for a time outside
// 1970-01-01 00:00:00 … 3001-01-19 03:14:07.999999 (MariaDB gives NULL before 1970), and NULL
// for a value that is no date.
func evalUnixTimestamp(c *call, row dataflow.Row) dataflow.Value {
	tv, ok := toTime(c.args[0].Eval(row))
	if !ok {
		return dataflow.Null
	}
	us := tv.Micros()
	if us < 0 || us > maxUnixMicros {
		us = 0
	}
	if c.t.Kind == dataflow.KindDecimal {
		unit := int64(math.Pow10(6 - c.t.Scale))
		return dataflow.Decimal(us/unit, uint8(c.t.Scale))
	}
	return dataflow.Int(us / 1_000_000)
}

// Week behaviour bits of MySQL's calc_week.
const (
	weekMondayFirst  = 1
	weekYear         = 2
	weekFirstWeekday = 4
)

// weekMode turns WEEK's mode argument (0 to 7) into calc_week's behaviour bits.
func weekMode(mode int64) int {
	f := int(mode & 7)
	if f&weekMondayFirst == 0 {
		f ^= weekFirstWeekday
	}
	return f
}

// daysInYear is 365 or 366.
func daysInYear(y int) int64 {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}

// calcWeek is MySQL's calc_week: the week number of t under behaviour b and the year the
// week belongs to.
func calcWeek(t time.Time, b int) (week int64, year int) {
	daynr := day(t) + toDaysEpoch
	firstDaynr := day(time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)) + toDaysEpoch
	mondayFirst := b&weekMondayFirst != 0
	inYear := b&weekYear != 0
	firstWeekday := b&weekFirstWeekday != 0
	sundayOffset := int64(0)
	if !mondayFirst {
		sundayOffset = 1
	}
	weekday := (firstDaynr + 5 + sundayOffset) % 7
	year = t.Year()
	if t.Month() == 1 && int64(t.Day()) <= 7-weekday {
		if !inYear && ((firstWeekday && weekday != 0) || (!firstWeekday && weekday >= 4)) {
			return 0, year
		}
		inYear = true
		year--
		days := daysInYear(year)
		firstDaynr -= days
		weekday = (weekday + 53*7 - days) % 7
	}
	var days int64
	if (firstWeekday && weekday != 0) || (!firstWeekday && weekday >= 4) {
		days = daynr - (firstDaynr + (7 - weekday))
	} else {
		days = daynr - (firstDaynr - weekday)
	}
	if inYear && days >= 52*7 {
		weekday = (weekday + daysInYear(year)) % 7
		if (!firstWeekday && weekday < 4) || (firstWeekday && weekday == 0) {
			return 1, year + 1
		}
	}
	return days/7 + 1, year
}

// evalWeek is WEEK(d[, mode]) and YEARWEEK(d[, mode]) (mode 0 by default, as MySQL's
// default_week_format).
func evalWeek(c *call, row dataflow.Row, yearWeek bool) dataflow.Value {
	t, ok := toTime(c.args[0].Eval(row))
	if !ok {
		return dataflow.Null
	}
	var mode int64
	if len(c.args) > 1 {
		m := c.args[1].Eval(row)
		if m.IsNull() {
			if yearWeek {
				return dataflow.Null
			}
		} else {
			mode, _ = roundedInt(m)
		}
	}
	if yearWeek {
		w, y := calcWeek(t.Time(), weekMode(mode)|weekYear)
		return dataflow.Int(int64(y)*100 + w)
	}
	w, _ := calcWeek(t.Time(), weekMode(mode))
	return dataflow.Int(w)
}

// evalTimeFormat is TIME_FORMAT(t, format): the hour, minute, second and AM/PM specifiers
// over a duration (hours past 23 kept); any date specifier makes the result NULL, as in
// MySQL.
func evalTimeFormat(c *call, row dataflow.Row) dataflow.Value {
	us, ok := durationOf(c.args[0].Eval(row))
	f := c.args[1].Eval(row)
	if !ok || f.IsNull() {
		return dataflow.Null
	}
	s, ok := timeFormat(us, text(f))
	if !ok {
		return dataflow.Null
	}
	return dataflow.String(s)
}

func timeFormat(us int64, f string) (string, bool) {
	var b strings.Builder
	neg := us < 0
	if neg {
		us = -us
	}
	secs := us / 1_000_000
	h, m, s, frac := secs/3600, secs/60%60, secs%60, us%1_000_000
	h12 := (h%24+11)%12 + 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'H':
			if neg {
				b.WriteByte('-')
			}
			fmt.Fprintf(&b, "%02d", h)
		case 'k':
			if neg {
				b.WriteByte('-')
			}
			fmt.Fprintf(&b, "%d", h)
		case 'h', 'I':
			fmt.Fprintf(&b, "%02d", h12)
		case 'l':
			fmt.Fprintf(&b, "%d", h12)
		case 'i':
			fmt.Fprintf(&b, "%02d", m)
		case 's', 'S':
			fmt.Fprintf(&b, "%02d", s)
		case 'f':
			fmt.Fprintf(&b, "%06d", frac)
		case 'p':
			if h%24 < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'T':
			fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, s)
		case 'r':
			ampm := "AM"
			if h%24 >= 12 {
				ampm = "PM"
			}
			fmt.Fprintf(&b, "%02d:%02d:%02d %s", h12, m, s, ampm)
		case 'Y', 'y', 'm', 'c', 'd', 'e', 'M', 'b', 'W', 'a', 'w', 'j', 'U', 'u', 'V', 'v', 'X', 'x', 'D':
			return "", false
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String(), true
}

// periodMonths reads a period YYMM or YYYYMM as a count of months (two-digit years as MySQL
// reads them).
func periodMonths(p int64) int64 {
	if p == 0 {
		return 0
	}
	y, m := p/100, p%100
	if y < 70 {
		y += 2000
	} else if y < 100 {
		y += 1900
	}
	return y*12 + m - 1
}

func monthsPeriod(months int64) int64 {
	if months == 0 {
		return 0
	}
	return months/12*100 + months%12 + 1
}

func periodArgs(c *call, row dataflow.Row) (a, b int64, ok bool) {
	var buf [2]dataflow.Value
	vals, null := c.evalArgs(row, buf[:])
	if null {
		return 0, 0, false
	}
	a, ok1 := roundedInt(vals[0])
	b, ok2 := roundedInt(vals[1])
	return a, b, ok1 && ok2
}

// evalPeriodAdd is PERIOD_ADD(P, N): N months after the period P (YYMM or YYYYMM), as YYYYMM;
// period 0 stays 0 as in MySQL.
func evalPeriodAdd(c *call, row dataflow.Row) dataflow.Value {
	p, n, ok := periodArgs(c, row)
	if !ok || p < 0 {
		return dataflow.Null
	}
	if p == 0 {
		return dataflow.Int(0)
	}
	return dataflow.Int(monthsPeriod(periodMonths(p) + n))
}

// evalPeriodDiff is PERIOD_DIFF(P1, P2): the months from P2 to P1.
func evalPeriodDiff(c *call, row dataflow.Row) dataflow.Value {
	a, b, ok := periodArgs(c, row)
	if !ok || a < 0 || b < 0 {
		return dataflow.Null
	}
	return dataflow.Int(periodMonths(a) - periodMonths(b))
}

// tzOffset reads a numeric time zone '+HH:MM' / '-HH:MM' in MySQL 8's range, -13:59 to
// +14:00, as seconds east of UTC. Named zones are not read: their offsets depend on a time
// zone database whose version Weir does not control.
func tzOffset(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 4 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	hh, mm, found := strings.Cut(s[1:], ":")
	if !found || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 {
		return 0, false
	}
	off := int64(h*3600 + m*60)
	if s[0] == '-' {
		off = -off
		if off < -(13*3600 + 59*60) {
			return 0, false
		}
	} else if off > 14*3600 {
		return 0, false
	}
	return off, true
}

func checkConvertTZ(args []Expr) error {
	for _, a := range args[1:] {
		if s, ok := constString(a); ok {
			if _, ok := tzOffset(s); !ok {
				return fmt.Errorf("time zone %q is not supported: only numeric offsets such as '+05:30' (named zones depend on the server's time zone tables)", s)
			}
		}
	}
	return nil
}

// evalConvertTZ is CONVERT_TZ(dt, from, to) between numeric offsets; any other zone gives
// NULL, as MySQL gives for a zone it does not know.
func evalConvertTZ(c *call, row dataflow.Row) dataflow.Value {
	tv, ok := toTime(c.args[0].Eval(row))
	from, to := c.args[1].Eval(row), c.args[2].Eval(row)
	if !ok || from.IsNull() || to.IsNull() {
		return dataflow.Null
	}
	f, ok1 := tzOffset(text(from))
	t, ok2 := tzOffset(text(to))
	if !ok1 || !ok2 {
		return dataflow.Null
	}
	utc := tv.Micros() - f*1_000_000
	if utc < 0 || utc > maxUnixMicros {
		// MySQL converts only instants within the Unix-time range and returns any other
		// value unchanged.
		return datetimeMicros(tv.Micros(), uint8(c.t.Scale))
	}
	return datetimeMicros(utc+t*1_000_000, uint8(c.t.Scale))
}
